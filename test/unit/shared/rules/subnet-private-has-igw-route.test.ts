import { describe, expect, it } from 'vitest';
import { subnetPrivateHasIgwRoute } from '../../../../shared/rules/subnet-private-has-igw-route';
import {
  ec2Fixture,
  IGW_ROUTES,
  LOCAL_ROUTES,
  type RegionOptions,
  run,
  subnetRegion,
} from '../../../helpers';

function findings(options: RegionOptions) {
  return run(subnetPrivateHasIgwRoute, subnetRegion(options));
}

describe('subnet-private-has-igw-route', () => {
  it('fires for a subnet named "private" whose explicit table routes 0.0.0.0/0 and ::/0 to an igw', () => {
    // Act
    const [finding, ...rest] = findings({ subnetName: 'App-PRIVATE-a', explicitRoutes: IGW_ROUTES });
    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'high',
      resourceType: 'AWS::EC2::Subnet',
      resourceId: 'subnet-1',
      vpcId: 'vpc-1',
      evidence: {
        routeTableId: 'rtb-1',
        routeTableAssociation: 'explicit',
        igwRoutes: [
          { destination: '0.0.0.0/0', gatewayId: 'igw-1' },
          { destination: '::/0', gatewayId: 'igw-1' },
        ],
      },
    });
  });

  it('fires through the main table when the subnet has no association of its own', () => {
    const [finding] = findings({ subnetName: 'private-b', mainRoutes: IGW_ROUTES });
    expect(finding?.evidence).toMatchObject({ routeTableId: 'rtb-main', routeTableAssociation: 'main' });
  });

  it('does not fire when the explicit table has no igw route, even though the main table has one', () => {
    expect(
      findings({ subnetName: 'private-b', explicitRoutes: LOCAL_ROUTES, mainRoutes: IGW_ROUTES }),
    ).toEqual([]);
  });

  it('does not fire for a blackhole igw route, a non-default igw route, or a NAT default route', () => {
    const routes = [
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'blackhole' },
      { DestinationCidrBlock: '192.0.2.0/24', GatewayId: 'igw-1', State: 'active' },
      { DestinationIpv6CidrBlock: '::/0', NatGatewayId: 'nat-1', State: 'active' },
    ];
    expect(findings({ subnetName: 'private-b', explicitRoutes: routes })).toEqual([]);
  });

  it('does not fire for subnets not named private, or without a Name tag', () => {
    expect(findings({ subnetName: 'web-a', explicitRoutes: IGW_ROUTES })).toEqual([]);
    expect(findings({ explicitRoutes: IGW_ROUTES })).toEqual([]);
  });

  it('judges a name holding both words on its own word ("public-private-test" with an igw route)', () => {
    expect(findings({ subnetName: 'public-private-test', explicitRoutes: IGW_ROUTES })).toHaveLength(1);
  });

  it('real responses: the 13-table VPC routes subnets to igw and NAT; only a subnet named private with an igw route fires', () => {
    // Prepare: real tables; subnet names are ours (the recording has none).
    const { RouteTables } = ec2Fixture('DescribeRouteTables--igw-nat-gateway-endpoint-13-tables-placebo');
    const named = (id: string, name: string) => ({
      SubnetId: id,
      VpcId: 'vpc-003377c0084c5bcd5',
      Tags: [{ Key: 'Name', Value: name }],
    });
    const snapshot = {
      RouteTables,
      Subnets: [
        named('subnet-08f4d99d9fd07ee45', 'private-1'), // igw + gateway endpoint routes
        named('subnet-0616e6e6a767403e1', 'private-2'), // NAT + gateway endpoint routes
        named('subnet-0085520753b0e8b4b', 'private-3'), // local only
      ],
    };
    // Act
    const result = run(subnetPrivateHasIgwRoute, snapshot);
    // Assess
    expect(result.map((f) => [f.resourceId, f.evidence.igwRoutes])).toEqual([
      ['subnet-08f4d99d9fd07ee45', [{ destination: '0.0.0.0/0', gatewayId: 'igw-078ca7ffe93afa56b' }]],
    ]);
  });
});
