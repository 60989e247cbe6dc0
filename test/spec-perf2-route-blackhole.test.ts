import { describe, expect, it } from 'vitest';
import { routeBlackhole } from '../shared/rules/route-blackhole';
import { run } from './helpers';

// DESIGN §5 "Route resolution" and §12: the subnets a main table serves without an association of
// their own are indexed once per evaluation (not found by a pass over every subnet per table).
// Each main table must still list its own VPC's such subnets, and only those.

const blackhole = { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-gone', State: 'blackhole' };

const mainTable = (id: string, vpcId: string, explicit: string[] = []) => ({
  RouteTableId: id,
  VpcId: vpcId,
  Associations: [
    { Main: true, RouteTableAssociationId: `${id}-main` },
    ...explicit.map((subnetId) => ({
      Main: false,
      SubnetId: subnetId,
      RouteTableAssociationId: `${id}-${subnetId}`,
    })),
  ],
  Routes: [blackhole],
});

describe('route-blackhole: main tables of several VPCs, each with blackhole routes', () => {
  it('lists, per main table, its explicit subnets and its own VPC’s subnets without a table (sorted, once each)', () => {
    // Prepare: subnets of two VPCs interleaved; one of vpc-2 explicitly on its main table too,
    // one of vpc-1 on a table of its own.
    const snapshot = {
      Subnets: [
        { SubnetId: 'subnet-2b', VpcId: 'vpc-2', CidrBlock: '10.2.2.0/24' },
        { SubnetId: 'subnet-1b', VpcId: 'vpc-1', CidrBlock: '10.1.2.0/24' },
        { SubnetId: 'subnet-2a', VpcId: 'vpc-2', CidrBlock: '10.2.1.0/24' },
        { SubnetId: 'subnet-1a', VpcId: 'vpc-1', CidrBlock: '10.1.1.0/24' },
        { SubnetId: 'subnet-1own', VpcId: 'vpc-1', CidrBlock: '10.1.3.0/24' },
      ],
      RouteTables: [
        mainTable('rtb-main-1', 'vpc-1'),
        mainTable('rtb-main-2', 'vpc-2', ['subnet-2a']),
        {
          RouteTableId: 'rtb-own',
          VpcId: 'vpc-1',
          Associations: [{ Main: false, SubnetId: 'subnet-1own', RouteTableAssociationId: 'rtbassoc-own' }],
          Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
        },
      ],
    };
    // Act
    const findings = run(routeBlackhole, snapshot);
    // Assess
    expect(findings.map((f) => [f.resourceId, f.evidence.subnetIds, f.evidence.main])).toEqual([
      ['rtb-main-1', ['subnet-1a', 'subnet-1b'], true],
      ['rtb-main-2', ['subnet-2a', 'subnet-2b'], true],
    ]);
  });

  it('a main table whose VPC has no subnet without a table lists its explicit subnets only', () => {
    const snapshot = {
      Subnets: [{ SubnetId: 'subnet-x', VpcId: 'vpc-1', CidrBlock: '10.1.1.0/24' }],
      RouteTables: [mainTable('rtb-main-1', 'vpc-1', ['subnet-x']), mainTable('rtb-main-3', 'vpc-3')],
    };
    const findings = run(routeBlackhole, snapshot);
    expect(findings.map((f) => [f.resourceId, f.evidence.subnetIds])).toEqual([
      ['rtb-main-1', ['subnet-x']],
      ['rtb-main-3', []],
    ]);
  });
});
