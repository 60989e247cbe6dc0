import { describe, expect, it } from 'vitest';
import { sgDefaultNotRestricted } from '../../../../shared/rules/sg-default-not-restricted';
import { perm, run, sg } from '../../../helpers';

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
