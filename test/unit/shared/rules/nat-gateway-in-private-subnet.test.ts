import { describe, expect, it } from 'vitest';
import { natGatewayInPrivateSubnet } from '../../../../shared/rules/nat-gateway-in-private-subnet';
import { ec2Fixture, IGW_ROUTES, LOCAL_ROUTES, routeTables, run, subnet } from '../../../helpers';

function nat(fields: Record<string, unknown> = {}) {
  return { NatGatewayId: 'nat-1', SubnetId: 'subnet-1', VpcId: 'vpc-1', State: 'available', ...fields };
}

function findings(nats: Record<string, unknown>[], routes: Record<string, unknown>[]) {
  return run(natGatewayInPrivateSubnet, {
    Subnets: [subnet({ subnetName: 'nat-subnet' })],
    RouteTables: routeTables({ explicitRoutes: routes }),
    NatGateways: nats,
  });
}

describe('nat-gateway-in-private-subnet', () => {
  it('fires for a public NAT gateway in a subnet without an IPv4 default route to an igw', () => {
    // Act
    const result = findings([nat()], LOCAL_ROUTES);
    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      severity: 'medium',
      resourceType: 'AWS::EC2::NatGateway',
      resourceId: 'nat-1',
      vpcId: 'vpc-1',
      evidence: {
        subnetId: 'subnet-1',
        routeTableId: 'rtb-1',
        connectivityType: 'public',
        state: 'available',
      },
    });
  });

  it('treats a missing ConnectivityType as public and a pending gateway as live', () => {
    expect(findings([nat({ State: 'pending' })], LOCAL_ROUTES)).toHaveLength(1);
  });

  it('ignores private NAT gateways and gateways that are failed, deleting or deleted', () => {
    const nats = [
      nat({ NatGatewayId: 'nat-private', ConnectivityType: 'private' }),
      nat({ NatGatewayId: 'nat-failed', State: 'failed' }),
      nat({ NatGatewayId: 'nat-deleting', State: 'deleting' }),
      nat({ NatGatewayId: 'nat-deleted', State: 'deleted' }),
    ];
    expect(findings(nats, LOCAL_ROUTES)).toEqual([]);
  });

  it('does not fire when the subnet routes 0.0.0.0/0 to an igw (an IPv6-only igw route does not count)', () => {
    expect(findings([nat()], IGW_ROUTES)).toEqual([]);
    const v6only = [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }];
    expect(findings([nat()], v6only)).toHaveLength(1);
  });

  it('real responses: the awscli public and private NAT gateways in a subnet on a local-only main table', () => {
    // Prepare: the recorded gateways; their subnets are ours, on the main table of their VPC.
    const nats = [
      ...(ec2Fixture('DescribeNatGateways--awscli-example-public').NatGateways as unknown[]),
      ...(ec2Fixture('DescribeNatGateways--awscli-example-private').NatGateways as unknown[]),
    ];
    const vpcId = 'vpc-098eb5ef58EXAMPLE';
    const snapshot = {
      NatGateways: nats,
      Subnets: [
        { SubnetId: 'subnet-655eab5f08EXAMPLE', VpcId: vpcId },
        { SubnetId: 'subnet-08fc749671EXAMPLE', VpcId: vpcId },
      ],
      RouteTables: [
        { RouteTableId: 'rtb-m', VpcId: vpcId, Routes: LOCAL_ROUTES, Associations: [{ Main: true }] },
      ],
    };
    // Act
    const result = run(natGatewayInPrivateSubnet, snapshot);
    // Assess: only the public one.
    expect(result.map((f) => f.resourceId)).toEqual(['nat-01234567890abcdef']);
  });

  it('skips a gateway whose subnet the snapshot does not hold', () => {
    const snapshot = ec2Fixture('DescribeNatGateways--two-nat-gateways-placebo');
    expect(run(natGatewayInPrivateSubnet, snapshot)).toEqual([]);
  });
});
