import { describe, expect, it } from 'vitest';
import { sgDefaultNotRestricted } from '../../../../shared/rules/sg-default-not-restricted';
import { ec2Fixture, perm, run, sg } from '../../../helpers';

describe('sg-default-not-restricted', () => {
  it('fires on a default group with rules and plans to revoke every rule of both directions', () => {
    // Prepare
    const snapshot = {
      SecurityGroups: [
        sg('sg-d', [perm('-1', undefined, 'sg-d')], {
          name: 'default',
          egress: [perm('-1', undefined, '0.0.0.0/0', '::/0')],
        }),
      ],
    };
    // Act
    const findings = run(sgDefaultNotRestricted, snapshot);
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'sg-default-not-restricted',
      severity: 'medium',
      resourceId: 'sg-d',
      controls: ['CIS 5.4', 'FSBP EC2.2'],
      evidence: { inboundRules: 1, outboundRules: 2 },
    });
    // One rule is one rule in the text, several are rules.
    expect(findings[0]?.detail).toContain('has 1 inbound rule and 2 outbound rules.');
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-d',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-d', UserId: '111122223333' }] },
        },
        { direction: 'egress', ipPermission: { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] } },
        { direction: 'egress', ipPermission: { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] } },
      ],
    });
  });

  it('does not fire on an empty default group or on a non-default group with rules', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-d', [], { name: 'default' }),
        sg('sg-x', [perm('tcp', [22, 22], '0.0.0.0/0')], { name: 'web' }),
      ],
    };
    expect(run(sgDefaultNotRestricted, snapshot)).toEqual([]);
  });

  it('fires on an outbound-only default group and uses rule ids when known', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-d', [], { name: 'default' })],
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-d',
          IsEgress: true,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    };
    const [finding] = run(sgDefaultNotRestricted, snapshot);
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-d',
      rules: [
        {
          direction: 'egress',
          securityGroupRuleId: 'sgr-1',
          ipPermission: { IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
  });
});

describe('sg-default-not-restricted on a real default group (placebo DescribeSecurityGroups--default-vpc-groups)', () => {
  it('lists the rules and plans the revoke in one order, whatever order EC2 lists them in (DESIGN §6)', () => {
    // Prepare: the recorded default group sg-6c7fa917 (all traffic from a /32 and from itself),
    // its one permission split in two, given in both orders.
    const recorded = ec2Fixture('DescribeSecurityGroups--default-vpc-groups-placebo');
    const group = (recorded.SecurityGroups as Record<string, unknown>[])[1] as Record<string, unknown>;
    const [permission] = group.IpPermissions as Record<string, unknown>[];
    const cidr = { ...permission, UserIdGroupPairs: [] };
    const self = { ...permission, IpRanges: [] };
    const snapshot = (permissions: unknown[]) => ({
      SecurityGroups: [{ ...group, IpPermissions: permissions }],
    });
    // Act
    const [first] = run(sgDefaultNotRestricted, snapshot([cidr, self]));
    const [second] = run(sgDefaultNotRestricted, snapshot([self, cidr]));
    // Assess: the CIDR before the group reference, both times.
    expect(first?.evidence.inbound).toEqual([
      { protocol: '-1', ports: 'all', source: '108.56.181.242/32' },
      { protocol: '-1', ports: 'all', source: 'sg-6c7fa917' },
    ]);
    expect(second?.evidence).toEqual(first?.evidence);
    expect(second?.remediation).toEqual(first?.remediation);
  });
});
