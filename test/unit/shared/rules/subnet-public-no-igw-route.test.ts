import { describe, expect, it } from 'vitest';
import { subnetPublicNoIgwRoute } from '../../../../shared/rules/subnet-public-no-igw-route';
import {
  ec2Fixture,
  IGW_ROUTES,
  LOCAL_ROUTES,
  type RegionOptions,
  run,
  subnetRegion,
} from '../../../helpers';

function findings(options: RegionOptions) {
  return run(subnetPublicNoIgwRoute, subnetRegion(options));
}

describe('subnet-public-no-igw-route', () => {
  it('fires for a subnet named "public" whose table routes its default route to a NAT gateway', () => {
    // Prepare
    const routes = [
      ...LOCAL_ROUTES,
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' },
    ];
    // Act
    const result = findings({ subnetName: 'Public-A', explicitRoutes: routes });
    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      severity: 'low',
      resourceId: 'subnet-1',
      evidence: {
        routeTableId: 'rtb-1',
        routeTableAssociation: 'explicit',
        defaultRoutes: [{ destination: '0.0.0.0/0', target: 'nat-1', state: 'active' }],
      },
    });
  });

  it('fires when the igw default route is a blackhole', () => {
    const routes = [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'blackhole' }];
    expect(findings({ subnetName: 'public-a', explicitRoutes: routes })).toHaveLength(1);
  });

  it('does not fire with an igw default route, explicit or through the main table', () => {
    expect(findings({ subnetName: 'public-a', explicitRoutes: IGW_ROUTES })).toEqual([]);
    expect(findings({ subnetName: 'public-a', mainRoutes: IGW_ROUTES })).toEqual([]);
  });

  it('does not fire for an IPv6-only public subnet whose ::/0 goes to an igw', () => {
    const routes = [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }];
    expect(findings({ subnetName: 'public-v6', explicitRoutes: routes })).toEqual([]);
  });

  it('does not fire for subnets not named public', () => {
    expect(findings({ subnetName: 'private-a', explicitRoutes: LOCAL_ROUTES })).toEqual([]);
  });

  it('judges a name holding both words on its own word ("public-private-test" without an igw route)', () => {
    expect(findings({ subnetName: 'public-private-test', explicitRoutes: LOCAL_ROUTES })).toHaveLength(1);
  });

  it('real responses: a VPC whose main table has only local routes and whose igw table is explicitly associated', () => {
    // Prepare: the subnets and tables of one Custodian test (vpc-65db9700); the names are ours.
    const { RouteTables } = ec2Fixture('DescribeRouteTables--igw-main-and-subnet-associations-placebo');
    const { Subnets } = ec2Fixture('DescribeSubnets--public-and-private-placebo') as {
      Subnets: { SubnetId: string; Tags?: unknown }[];
    };
    const renamed = Subnets.map((s) => ({ ...s, Tags: [{ Key: 'Name', Value: `public-${s.SubnetId}` }] }));
    // Act
    const result = run(subnetPublicNoIgwRoute, { RouteTables, Subnets: renamed });
    // Assess: subnet-b2cb8788 is associated with the igw table; subnet-cdcb87f7 falls to the main table.
    expect(
      result.map((f) => [f.resourceId, f.evidence.routeTableId, f.evidence.routeTableAssociation]),
    ).toEqual([['subnet-cdcb87f7', 'rtb-dac896bf', 'main']]);
  });
});
