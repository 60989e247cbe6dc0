import { describe, expect, it } from 'vitest';
import { sgBroadPublicSource } from '../../../../shared/rules/sg-broad-public-source';
import { perm, run, sg, summary } from '../../../helpers';

describe('sg-broad-public-source', () => {
  it('fires low on a /2 of public IPv4 space, 443 included (80/443 are not exempt)', () => {
    // Prepare
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [443, 443], '64.0.0.0/2')])] };
    // Act
    const findings = run(sgBroadPublicSource, snapshot);
    // Assess
    expect(summary(findings)).toEqual([['sg-broad-public-source', 'sg-1', ['443/tcp']]]);
    expect(findings[0]).toMatchObject({
      severity: 'low',
      controls: [],
      evidence: {
        ipv4: ['443/tcp'],
        ipv6: [],
        rules: [{ protocol: 'tcp', ports: '443', source: '64.0.0.0/2' }],
      },
    });
    expect(findings[0]?.remediation).toBeUndefined();
  });

  it('fires at exactly 2^24 public addresses (11.0.0.0/8) but not on private 10.0.0.0/8', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [5432, 5432], '11.0.0.0/8')]),
        sg('sg-2', [perm('tcp', [5432, 5432], '10.0.0.0/8')]),
      ],
    };
    expect(summary(run(sgBroadPublicSource, snapshot))).toEqual([
      ['sg-broad-public-source', 'sg-1', ['5432/tcp']],
    ]);
  });

  it('does not fire for an office /24 or a /9', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '81.2.69.0/24'), perm('tcp', [22, 22], '11.0.0.0/9')]),
      ],
    };
    expect(run(sgBroadPublicSource, snapshot)).toEqual([]);
  });

  it('judges per port: world-open ports are not broad, the others are', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [0, 1000], '64.0.0.0/2'), perm('tcp', [22, 22], '0.0.0.0/0')]),
      ],
    };
    expect(summary(run(sgBroadPublicSource, snapshot))).toEqual([
      ['sg-broad-public-source', 'sg-1', ['0-21/tcp', '23-1000/tcp']],
    ]);
  });

  it('judges per family: a /16 of IPv6 public space is broad', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('udp', [53, 53], '2600::/16')])] };
    const findings = run(sgBroadPublicSource, snapshot);
    expect(findings[0]?.evidence).toMatchObject({ ports: ['53/udp'], ipv4: [], ipv6: ['53/udp'] });
  });

  it('counts a resolved prefix list and lists an unresolved one', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [8443, 8443], 'pl-big', 'pl-unknown')])],
      ManagedPrefixLists: [{ PrefixListId: 'pl-big', Entries: [{ Cidr: '64.0.0.0/3' }] }],
    };
    const [finding] = run(sgBroadPublicSource, snapshot);
    expect(finding?.evidence).toMatchObject({ ports: ['8443/tcp'], unresolvedPrefixLists: ['pl-unknown'] });
  });
});
