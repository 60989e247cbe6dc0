import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../shared/config';
import { evaluate } from '../../../shared/engine';
import type { Finding } from '../../../shared/findings';
import { parseConfig } from '../../../shared/load-config';
import { parseSnapshot } from '../../../shared/model/snapshot';
import { planRemediation } from '../../../shared/remediation/plan';
import { authorizeIngress, buildWorld, type RuleSpec, simulate, worldSnapshot } from '../../helpers';

// DESIGN §8: config allow-lists ("a group id allowed to be world-open on 443"); exempted findings
// are never remediated. An entry holding only some of a finding's ports leaves the finding reported
// (README: suppressed only when every port is within `ports`), but its fix must not revoke the rule
// that opens an allow-listed port: that would close exactly what the operator allowed.

function run(rules: RuleSpec[], config: ConfigInput): { findings: Finding[]; revoked: string[] } {
  const parsed = parseConfig({ mode: 'remediate', ...config });
  const findings = evaluate(parseSnapshot(buildWorld({ groupId: 'sg-0web', rules })), parsed);
  const plan = planRemediation(findings, parsed, { sliceComplete: true });
  const revoked = plan.actions.flatMap(
    (a) => (a.parameters as { SecurityGroupRuleIds?: string[] }).SecurityGroupRuleIds ?? [],
  );
  return { findings, revoked };
}

const unauthorized = (findings: Finding[]) =>
  findings.find((f) => f.ruleId === 'sg-open-unauthorized-port' && f.resourceId === 'sg-0web');

describe('an allow-list entry holding some of a finding’s ports', () => {
  const API = { resourceId: 'sg-0web', ports: ['8443/tcp'], reason: 'public API' };
  const RULES: RuleSpec[] = [
    { id: 'sgr-8443', from: 8443, cidr: '0.0.0.0/0' },
    { id: 'sgr-9000', from: 9000, cidr: '0.0.0.0/0' },
  ];

  it('keeps the finding reported, names the allow-listed ports, and revokes only the rule of the others', () => {
    const { findings, revoked } = run(RULES, { allowLists: [API] });
    const finding = unauthorized(findings);
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.evidence.ports).toEqual(['8443/tcp', '9000/tcp']);
    expect(finding?.evidence.allowListed).toEqual({ ports: ['8443/tcp'], reasons: ['public API'] });
    expect(finding?.evidence.allowListedRulesKept).toEqual(['sgr-8443']);
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-0web',
      rules: [
        {
          direction: 'ingress',
          securityGroupRuleId: 'sgr-9000',
          ipPermission: {
            IpProtocol: 'tcp',
            FromPort: 9000,
            ToPort: 9000,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          },
        },
      ],
    });
    expect(finding?.detail).toContain(
      'Allow-listed in the configuration (public API): 8443/tcp; the fix does not revoke sgr-8443, which opens only those ports.',
    );
    expect(revoked).toEqual(['sgr-9000']);
  });

  it('still revokes a rule that also opens ports the entry does not allow, and says it closes allowed ones too', () => {
    const { findings, revoked } = run(
      [
        { id: 'sgr-range', from: 8400, to: 8500, cidr: '0.0.0.0/0' },
        { id: 'sgr-9000', from: 9000, cidr: '0.0.0.0/0' },
      ],
      { allowLists: [{ ...API, ruleIds: ['sg-open-unauthorized-port'] }] },
    );
    const finding = unauthorized(findings);
    expect(finding?.evidence.allowListed).toEqual({ ports: ['8443/tcp'], reasons: ['public API'] });
    expect(finding?.evidence.allowListedRulesKept).toBeUndefined();
    expect(finding?.detail).toContain(
      'Allow-listed in the configuration (public API): 8443/tcp; sgr-range also opens other ports and is revoked all the same',
    );
    expect(revoked).toEqual(['sgr-9000', 'sgr-range']);
  });

  it('an entry for 443 does not keep a world-open all-traffic rule: sg-open-all-traffic still revokes it', () => {
    const { findings, revoked } = run([{ id: 'sgr-all', protocol: '-1', cidr: '0.0.0.0/0' }], {
      allowLists: [{ resourceId: 'sg-0web', ports: ['443/tcp'], reason: 'web' }],
    });
    const all = findings.find((f) => f.ruleId === 'sg-open-all-traffic');
    expect(all?.suppressed).toBeUndefined();
    expect(all?.evidence.allowListed).toEqual({ ports: ['443/tcp'], reasons: ['web'] });
    expect(revoked).toEqual(['sgr-all']);
  });

  it('leaves no fix when the only world-source rule opens nothing but allow-listed ports', () => {
    // 9000 is world-open only through two half-world ranges: notify-only, no rule to revoke.
    const { findings, revoked } = run(
      [
        { id: 'sgr-8443', from: 8443, cidr: '0.0.0.0/0' },
        { id: 'sgr-low', from: 9000, cidr: '0.0.0.0/1' },
        { id: 'sgr-high', from: 9000, cidr: '128.0.0.0/1' },
      ],
      { allowLists: [API] },
    );
    const finding = unauthorized(findings);
    expect(finding?.evidence.ports).toEqual(['8443/tcp', '9000/tcp']);
    expect(finding?.evidence.allowListedRulesKept).toEqual(['sgr-8443']);
    expect(finding?.remediation).toBeUndefined();
    expect(revoked).toEqual([]);
  });

  it('changes nothing for an entry of another rule, or of ports the finding does not report', () => {
    const other = run(RULES, { allowLists: [{ ...API, ruleIds: ['sg-open-admin-port'] }] });
    const elsewhere = run(RULES, { allowLists: [{ ...API, ports: ['7000/tcp'] }] });
    for (const { findings, revoked } of [other, elsewhere]) {
      expect(unauthorized(findings)?.evidence.allowListed).toBeUndefined();
      expect(revoked).toEqual(['sgr-8443', 'sgr-9000']);
    }
  });

  it('plans no NACL fix that would close an allow-listed admin port, and says so', () => {
    const parsed = parseConfig({
      rules: { 'nacl-open-admin-port': 'remediate' },
      allowLists: [
        {
          resourceId: 'acl-0default',
          ruleIds: ['nacl-open-admin-port'],
          ports: ['22/tcp'],
          reason: 'bastion',
        },
      ],
    });
    const findings = evaluate(parseSnapshot(buildWorld({ groupId: 'sg-0web', rules: RULES })), parsed);
    const nacl = findings.find((f) => f.ruleId === 'nacl-open-admin-port');
    expect(nacl?.suppressed).toBeUndefined();
    expect(nacl?.evidence.allowListed).toEqual({ ports: ['22/tcp'], reasons: ['bastion'] });
    expect(nacl?.remediation).toBeUndefined();
    expect(nacl?.detail).toContain('no automatic fix of this network ACL is made');
  });
});

describe('the event path (simulate --format json) spares an allow-listed port', () => {
  it('an AuthorizeSecurityGroupIngress on 9000 revokes the 9000 rule only; the allow-listed 8443 rule stays', async () => {
    const rules: RuleSpec[] = [
      { id: 'sgr-8443', from: 8443, cidr: '0.0.0.0/0' },
      { id: 'sgr-9000', from: 9000, cidr: '0.0.0.0/0' },
    ];
    const report = await simulate(
      authorizeIngress('sg-0web', 9000, [['sgr-9000', '0.0.0.0/0']]),
      worldSnapshot({ rules }),
      {
        mode: 'remediate',
        config: { allowLists: [{ resourceId: 'sg-0web', ports: ['8443/tcp'], reason: 'public API' }] },
      },
    );
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-9000'] },
      },
    ]);
  });
});
