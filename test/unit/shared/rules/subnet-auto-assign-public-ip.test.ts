import { describe, expect, it } from 'vitest';
import { subnetAutoAssignPublicIp } from '../../../../shared/rules/subnet-auto-assign-public-ip';
import { ec2Fixture, run } from '../../../helpers';

describe('subnet-auto-assign-public-ip', () => {
  it('fires with an opt-in plan to disable MapPublicIpOnLaunch', () => {
    // Act
    const result = run(subnetAutoAssignPublicIp, ec2Fixture('DescribeSubnets--awscli-example-vpc-subnets'));
    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      severity: 'medium',
      resourceId: 'subnet-8EXAMPLE',
      vpcId: 'vpc-3EXAMPLE',
      controls: ['FSBP EC2.15'],
      evidence: { mapPublicIpOnLaunch: true, subnetName: 'MySubnet' },
      remediation: { action: 'disable-subnet-auto-assign-public-ip', subnetId: 'subnet-8EXAMPLE' },
    });
    expect(subnetAutoAssignPublicIp.meta.autoFix).toBe('opt-in');
    expect(subnetAutoAssignPublicIp.meta.fixActions).toEqual(['ec2:ModifySubnetAttribute']);
  });

  it('does not fire when the attribute is false or absent', () => {
    expect(run(subnetAutoAssignPublicIp, ec2Fixture('DescribeSubnets--public-and-private-placebo'))).toEqual(
      [],
    );
    expect(run(subnetAutoAssignPublicIp, { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1' }] })).toEqual(
      [],
    );
  });
});
