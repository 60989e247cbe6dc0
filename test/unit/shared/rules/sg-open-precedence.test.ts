import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { sgBroadPublicSource } from '../../../../shared/rules/sg-broad-public-source';
import { sgOpenAdminPort } from '../../../../shared/rules/sg-open-admin-port';
import { sgOpenAllTraffic } from '../../../../shared/rules/sg-open-all-traffic';
import { sgOpenHighRiskPort } from '../../../../shared/rules/sg-open-high-risk-port';
import { sgOpenUnauthorizedPort } from '../../../../shared/rules/sg-open-unauthorized-port';
import { perm, rangesOf, revokeRules, run, sg, summary } from '../../../helpers';

const SG_OPEN = [sgOpenAllTraffic, sgOpenAdminPort, sgOpenHighRiskPort, sgOpenUnauthorizedPort];

/** The expected classes of tcp ports 0..max, computed port by port from the default config. */
function classesUpTo(max: number) {
  const inSpecs = (specs: typeof DEFAULT_CONFIG.adminPorts, p: number) =>
    specs.some((s) => s.protocol === 'tcp' && s.from <= p && p <= s.to);
  const admin: number[] = [];
  const high: number[] = [];
  const other: number[] = [];
  for (let p = 0; p <= max; p++) {
    if (inSpecs(DEFAULT_CONFIG.adminPorts, p)) admin.push(p);
    else if (inSpecs(DEFAULT_CONFIG.highRiskPorts, p)) high.push(p);
    else if (!inSpecs(DEFAULT_CONFIG.authorizedPorts, p)) other.push(p);
  }
  return { admin: rangesOf(admin, 'tcp'), high: rangesOf(high, 'tcp'), other: rangesOf(other, 'tcp') };
}

describe('sg-open-* precedence', () => {
  it('keeps a port under the rule ranked first even when that rule is off or not asked for', () => {
    // Prepare
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [20, 23], '0.0.0.0/0')])] };

    // Act
    const alone = run(sgOpenHighRiskPort, snapshot);
    const adminOff = run(SG_OPEN, snapshot, { rules: { 'sg-open-admin-port': 'off' } });
    const allOn = run(SG_OPEN, snapshot);

    // Assess: 22 is an admin port; high-risk reports 20, 21 and 23 only, whatever the selection.
    expect(summary(alone)).toEqual([['sg-open-high-risk-port', 'sg-1', ['20-21/tcp', '23/tcp']]]);
    expect(summary(adminOff)).toEqual([['sg-open-high-risk-port', 'sg-1', ['20-21/tcp', '23/tcp']]]);
    expect(summary(allOn)).toEqual([
      ['sg-open-admin-port', 'sg-1', ['22/tcp']],
      ['sg-open-high-risk-port', 'sg-1', ['20-21/tcp', '23/tcp']],
    ]);
  });

  it('gives an all-traffic group its other sg-open-* findings when sg-open-all-traffic is off', () => {
    // Prepare: every port of every protocol from the world.
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('-1', undefined, '0.0.0.0/0')])] };

    // Act
    const allOn = run(SG_OPEN, snapshot);
    const allTrafficOff = run(SG_OPEN, snapshot, { rules: { 'sg-open-all-traffic': 'off' } });
    const onlyAdminAsked = run(sgOpenAdminPort, snapshot);

    // Assess: it does not fire, so it claims nothing (DESIGN §5 "when sg-open-all-traffic fires");
    // asking for a subset still leaves the port to the rule ranked above, which is on.
    expect(allOn.map((f) => f.ruleId)).toEqual(['sg-open-all-traffic']);
    expect(allTrafficOff.map((f) => [f.ruleId, f.severity])).toEqual([
      ['sg-open-admin-port', 'critical'],
      ['sg-open-high-risk-port', 'high'],
      ['sg-open-unauthorized-port', 'medium'],
    ]);
    const ports = (id: string) => allTrafficOff.find((f) => f.ruleId === id)?.evidence.ports as string[];
    expect(ports('sg-open-admin-port')).toEqual(['22/tcp', '3389/tcp', '3389/udp']);
    expect(ports('sg-open-high-risk-port')).not.toContain('22/tcp');
    expect(ports('sg-open-unauthorized-port')).not.toContain('22/tcp');
    expect(ports('sg-open-unauthorized-port')).not.toContain('80/tcp');
    expect(ports('sg-open-unauthorized-port')).toContain('24/tcp');
    expect(onlyAdminAsked).toEqual([]);
  });

  it('never reports an admin or high-risk port as unauthorized, whichever rules are off', () => {
    // Prepare
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [20, 24], '0.0.0.0/0')])] };

    // Act
    const off = run(SG_OPEN, snapshot, {
      rules: { 'sg-open-admin-port': 'off', 'sg-open-high-risk-port': 'off' },
    });

    // Assess: 20-23 are admin or high-risk ports; only 24 is "any other port".
    expect(summary(off)).toEqual([['sg-open-unauthorized-port', 'sg-1', ['24/tcp']]]);
  });

  it('splits tcp 0-10000 from 0.0.0.0/0 into admin, high-risk and unauthorized; 80/443 in none', () => {
    // Prepare
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [0, 10000], '0.0.0.0/0')])] };
    const expected = classesUpTo(10000);
    // Act
    const findings = run(SG_OPEN, snapshot);
    // Assess
    expect(expected.admin).toEqual(['22/tcp', '3389/tcp']);
    expect(expected.high.slice(0, 4)).toEqual(['20-21/tcp', '23/tcp', '25/tcp', '110/tcp']);
    expect(summary(findings)).toEqual([
      ['sg-open-admin-port', 'sg-1', expected.admin],
      ['sg-open-high-risk-port', 'sg-1', expected.high],
      ['sg-open-unauthorized-port', 'sg-1', expected.other],
    ]);
    expect(findings.map((f) => f.severity)).toEqual(['critical', 'high', 'medium']);
    const all = findings.flatMap((f) => f.evidence.ports as string[]);
    expect(all).not.toContain('80/tcp');
    expect(all).not.toContain('443/tcp');
    expect(expected.other).toContain('81-109/tcp');
    // Every finding revokes the same offending rule; the planner merges them into one call.
    for (const f of findings) {
      expect(f.remediation).toEqual({
        action: 'revoke-security-group-rules',
        groupId: 'sg-1',
        rules: [
          {
            direction: 'ingress',
            ipPermission: {
              IpProtocol: 'tcp',
              FromPort: 0,
              ToPort: 10000,
              IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            },
          },
        ],
      });
    }
  });

  it('reports protocol -1 from 0.0.0.0/0 only as all-traffic (every tcp and udp port)', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('-1', undefined, '0.0.0.0/0')])] };
    const findings = run(SG_OPEN, snapshot);
    expect(summary(findings)).toEqual([['sg-open-all-traffic', 'sg-1', ['0-65535/tcp', '0-65535/udp']]]);
    expect(findings[0]).toMatchObject({ severity: 'critical', controls: ['FSBP EC2.18', 'FSBP EC2.19'] });
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        { direction: 'ingress', ipPermission: { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] } },
      ],
    });
  });

  it('reports tcp 0-65535 as all-traffic and silences the other sg-open-* rules, udp included', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [0, 65535], '0.0.0.0/0'), perm('udp', [3389, 3389], '::/0')])],
    };
    const findings = run(SG_OPEN, snapshot);
    expect(summary(findings)).toEqual([['sg-open-all-traffic', 'sg-1', ['0-65535/tcp', '3389/udp']]]);
    expect(findings[0]?.evidence).toMatchObject({ ipv4: ['0-65535/tcp'], ipv6: ['3389/udp'] });
    expect(revokeRules(findings[0])).toHaveLength(2);
  });

  it('reports all-traffic on ::/0 protocol -1 in the IPv6 family', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('-1', undefined, '::/0')])] };
    const [finding] = run(SG_OPEN, snapshot);
    expect(finding?.evidence).toMatchObject({ ipv4: [], ipv6: ['0-65535/tcp', '0-65535/udp'] });
  });

  it('does not count all udp ports as all-traffic (it means every tcp port)', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('udp', [0, 65535], '0.0.0.0/0')])] };
    expect(summary(run(SG_OPEN, snapshot))).toEqual([
      ['sg-open-admin-port', 'sg-1', ['3389/udp']],
      ['sg-open-unauthorized-port', 'sg-1', ['0-3388/udp', '3390-65535/udp']],
    ]);
  });

  it('does not let all-traffic silence sg-broad-public-source on a port that is not world-open', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [0, 65535], '0.0.0.0/0'), perm('udp', [5000, 5000], '0.0.0.0/1')]),
      ],
    };
    expect(summary(run([...SG_OPEN, sgBroadPublicSource], snapshot))).toEqual([
      ['sg-open-all-traffic', 'sg-1', ['0-65535/tcp']],
      ['sg-broad-public-source', 'sg-1', ['5000/udp']],
    ]);
  });

  it('reports a port world-open over IPv4 once, not again as broad over IPv6 (DESIGN §5)', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('-1', undefined, '0.0.0.0/0'), perm('tcp', [22, 22], '2000::/4')])],
    };
    expect(summary(run([...SG_OPEN, sgBroadPublicSource], snapshot))).toEqual([
      ['sg-open-all-traffic', 'sg-1', ['0-65535/tcp', '0-65535/udp']],
    ]);
  });

  it('follows a configured port class (admin range 8000-8100/tcp)', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [8000, 8200], '0.0.0.0/0')])] };
    const findings = run(SG_OPEN, snapshot, { adminPorts: ['8000-8100/tcp'] });
    // 8080 and 8088 are high-risk but fall inside the admin range: admin wins.
    expect(summary(findings)).toEqual([
      ['sg-open-admin-port', 'sg-1', ['8000-8100/tcp']],
      ['sg-open-unauthorized-port', 'sg-1', ['8101-8200/tcp']],
    ]);
  });

  it('never treats referenced groups as internet sources', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('-1', undefined, 'sg-2')]), sg('sg-2', [])] };
    expect(run([...SG_OPEN, sgBroadPublicSource], snapshot)).toEqual([]);
  });
});

describe('sg-open-high-risk-port', () => {
  it('fires high on 3306 and 8080 from ::/0', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [3306, 3306], '::/0'), perm('tcp', [8080, 8080], '::/0')])],
    };
    const findings = run(SG_OPEN, snapshot);
    expect(summary(findings)).toEqual([['sg-open-high-risk-port', 'sg-1', ['3306/tcp', '8080/tcp']]]);
    expect(findings[0]).toMatchObject({ severity: 'high', controls: ['FSBP EC2.19'] });
    expect(revokeRules(findings[0])).toHaveLength(2);
  });

  it('does not fire from a partner /16', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [3306, 3306], '81.2.0.0/16')])] };
    expect(run(SG_OPEN, snapshot)).toEqual([]);
  });
});

describe('sg-open-unauthorized-port', () => {
  it('fires medium on 1521 and on udp 53, not on 80/443', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [
          perm('tcp', [80, 80], '0.0.0.0/0'),
          perm('tcp', [443, 443], '0.0.0.0/0', '::/0'),
          perm('tcp', [1521, 1521], '0.0.0.0/0'),
          perm('udp', [53, 53], '0.0.0.0/0'),
        ]),
      ],
    };
    const findings = run(SG_OPEN, snapshot);
    expect(summary(findings)).toEqual([['sg-open-unauthorized-port', 'sg-1', ['1521/tcp', '53/udp']]]);
    expect(findings[0]).toMatchObject({ severity: 'medium', controls: ['FSBP EC2.18'] });
    expect(revokeRules(findings[0]).map((r) => r.ipPermission.FromPort)).toEqual([1521, 53]);
  });

  it('does not fire on udp 443 when udp 443 is authorized, but does by default', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('udp', [443, 443], '0.0.0.0/0')])] };
    expect(summary(run(SG_OPEN, snapshot))).toEqual([['sg-open-unauthorized-port', 'sg-1', ['443/udp']]]);
    expect(run(SG_OPEN, snapshot, { authorizedPorts: ['80/tcp', '443/tcp', '443/udp'] })).toEqual([]);
  });
});
