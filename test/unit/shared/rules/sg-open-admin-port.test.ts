import { describe, expect, it } from 'vitest';
import { cidrsOf4 } from '../../../../shared/net/cidr-format';
import { sgOpenAdminPort } from '../../../../shared/rules/sg-open-admin-port';
import { perm, run, sg, summary } from '../../../helpers';

const OFFICE = '81.2.69.0/24';

/** 0.0.0.0/0 as a list of CIDRs that leaves out the given /16s (a world-minus-blocklist rule set). */
function worldMinus(...excluded: string[]): string[] {
  const starts = excluded
    .map((c) => c.split('/')[0]?.split('.').map(Number) ?? [])
    .map(([a = 0, b = 0]) => a * 2 ** 24 + b * 2 ** 16)
    .sort((x, y) => x - y);
  const out: string[] = [];
  let at = 0;
  for (const s of starts) {
    out.push(...cidrsOf4(at, s));
    at = s + 2 ** 16;
  }
  out.push(...cidrsOf4(at, 2 ** 32));
  return out;
}

describe('sg-open-admin-port', () => {
  it('fires on tcp 22 from 0.0.0.0/0 and revokes exactly that rule', () => {
    // Prepare
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0', OFFICE)])] };
    // Act
    const [finding, ...rest] = run(sgOpenAdminPort, snapshot);
    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'sg-open-admin-port',
      severity: 'critical',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-1',
      vpcId: 'vpc-1',
      controls: ['CIS 5.2', 'CIS 5.3', 'FSBP EC2.13', 'FSBP EC2.14', 'FSBP EC2.53', 'FSBP EC2.54'],
      evidence: {
        ports: ['22/tcp'],
        ipv4: ['22/tcp'],
        ipv6: [],
        rules: [
          { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
          { protocol: 'tcp', ports: '22', source: OFFICE },
        ],
      },
    });
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
    expect(finding?.evidence.notRemediable).toBeUndefined();
  });

  it('does not fire for an office /24, a referenced group or an authorized port', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], OFFICE), perm('tcp', [3389, 3389], 'sg-2')]),
        sg('sg-2', [perm('tcp', [443, 443], '0.0.0.0/0')]),
      ],
    };
    expect(run(sgOpenAdminPort, snapshot)).toEqual([]);
  });

  it('treats 0.0.0.0/1 + 128.0.0.0/1 as world-open but notify-only (no remediation)', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/1', '128.0.0.0/1')])] };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notRemediable).toEqual({ ipv4: ['22/tcp'] });
  });

  it('treats the world minus a blocklist of /16s as world-open', () => {
    const sources = worldMinus('8.8.0.0/16', '1.1.0.0/16', '52.95.0.0/16');
    expect(sources.length).toBeGreaterThan(10);
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [3389, 3389], ...sources)])] };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.evidence.ports).toEqual(['3389/tcp']);
    expect(finding?.remediation).toBeUndefined();
  });

  it('revokes the 0.0.0.0/0 rule but reports the ports a narrower union keeps open', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1')])],
    };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
    expect(finding?.evidence.notRemediable).toEqual({ ipv4: ['22/tcp'] });
  });

  it('fires on ::/0 alone, per family, with an Ipv6Ranges revoke', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '::/0')])] };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.evidence).toMatchObject({ ports: ['22/tcp'], ipv4: [], ipv6: ['22/tcp'] });
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        },
      ],
    });
  });

  it('fires on udp 3389', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('udp', [3389, 3389], '0.0.0.0/0')])] };
    expect(summary(run(sgOpenAdminPort, snapshot))).toEqual([['sg-open-admin-port', 'sg-1', ['3389/udp']]]);
  });

  it('ignores icmp and other protocols', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('icmp', [-1, -1], '0.0.0.0/0'), perm('50', undefined, '0.0.0.0/0')])],
    };
    expect(run(sgOpenAdminPort, snapshot)).toEqual([]);
  });

  it('revokes a resolved prefix list holding 0.0.0.0/0, and lists an unresolved one in the evidence', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], 'pl-world')]),
        sg('sg-2', [perm('tcp', [22, 22], 'pl-unknown'), perm('tcp', [3389, 3389], '0.0.0.0/0')]),
      ],
      ManagedPrefixLists: [{ PrefixListId: 'pl-world', Entries: [{ Cidr: '0.0.0.0/0' }] }],
    };
    const findings = run(sgOpenAdminPort, snapshot);
    expect(summary(findings)).toEqual([
      ['sg-open-admin-port', 'sg-1', ['22/tcp']],
      ['sg-open-admin-port', 'sg-2', ['3389/tcp']],
    ]);
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            PrefixListIds: [{ PrefixListId: 'pl-world' }],
          },
        },
      ],
    });
    expect(findings[1]?.evidence.unresolvedPrefixLists).toEqual(['pl-unknown']);
  });

  it('names rules by SecurityGroupRuleId when the snapshot carries them', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [])],
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-world',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
        },
        {
          SecurityGroupRuleId: 'sgr-office',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: OFFICE,
        },
        {
          SecurityGroupRuleId: 'sgr-out',
          GroupId: 'sg-1',
          IsEgress: true,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          securityGroupRuleId: 'sgr-world',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
    expect(finding?.evidence.rules).toEqual([
      { ruleId: 'sgr-world', protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
      { ruleId: 'sgr-office', protocol: 'tcp', ports: '22', source: OFFICE },
    ]);
  });

  it('changes its stable id when the exposed ports change', () => {
    const one = run(sgOpenAdminPort, {
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
    });
    const two = run(sgOpenAdminPort, {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('udp', [3389, 3389], '0.0.0.0/0')]),
      ],
    });
    const again = run(sgOpenAdminPort, {
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
    });
    expect(one[0]?.id).not.toEqual(two[0]?.id);
    expect(one[0]?.id).toEqual(again[0]?.id);
  });
});
