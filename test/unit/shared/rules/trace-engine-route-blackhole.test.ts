import { describe, expect, it } from 'vitest';
import { routeBlackhole } from '../../../../shared/rules/route-blackhole';
import { run } from '../../../helpers';

// DESIGN §5 "Route resolution": a subnet uses the route table explicitly associated with it, else
// its VPC's main table. The finding's `subnetIds` are the subnets whose traffic the dead routes
// drop: for a main table, those without an association of their own too.

const route = (destination: string, state: string) => ({
  DestinationCidrBlock: destination,
  NatGatewayId: 'nat-1',
  State: state,
});

const snapshot = {
  Subnets: [
    { SubnetId: 'subnet-c', VpcId: 'vpc-1', CidrBlock: '10.0.3.0/24' },
    { SubnetId: 'subnet-a', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' },
    { SubnetId: 'subnet-b', VpcId: 'vpc-1', CidrBlock: '10.0.2.0/24' },
    { SubnetId: 'subnet-other-vpc', VpcId: 'vpc-2', CidrBlock: '10.1.1.0/24' },
  ],
  RouteTables: [
    {
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Associations: [
        { Main: true, RouteTableAssociationId: 'rtbassoc-0', AssociationState: { State: 'associated' } },
        { Main: false, SubnetId: 'subnet-c', RouteTableAssociationId: 'rtbassoc-1' },
      ],
      Routes: [route('0.0.0.0/0', 'blackhole')],
    },
    {
      RouteTableId: 'rtb-a',
      VpcId: 'vpc-1',
      Associations: [{ Main: false, SubnetId: 'subnet-a', RouteTableAssociationId: 'rtbassoc-2' }],
      Routes: [route('10.9.0.0/16', 'blackhole')],
    },
    {
      RouteTableId: 'rtb-main-2',
      VpcId: 'vpc-2',
      Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-3' }],
      Routes: [route('0.0.0.0/0', 'active')],
    },
  ],
};

describe('route-blackhole: the subnets a table serves (DESIGN §5 route resolution)', () => {
  it('a main table lists its explicit subnets and the subnets of its VPC without a table of their own', () => {
    // Act
    const findings = run(routeBlackhole, snapshot);
    // Assess
    expect(findings.map((f) => [f.resourceId, f.evidence.subnetIds, f.evidence.main])).toEqual([
      ['rtb-a', ['subnet-a'], false],
      ['rtb-main', ['subnet-b', 'subnet-c'], true],
    ]);
  });

  it('a main table whose VPC has no subnet without a table lists its explicit ones only', () => {
    const table = snapshot.RouteTables[0];
    const findings = run(routeBlackhole, {
      Subnets: [{ SubnetId: 'subnet-c', VpcId: 'vpc-1', CidrBlock: '10.0.3.0/24' }],
      RouteTables: [table],
    });
    expect(findings.map((f) => f.evidence.subnetIds)).toEqual([['subnet-c']]);
  });
});
