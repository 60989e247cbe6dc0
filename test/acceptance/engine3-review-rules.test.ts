import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { readSnapshot } from '../../shared/model/snapshot';
import { ec2Fixture } from '../helpers/ec2-fixtures';

// DESIGN §5/§6 readings pinned by the engine3 review: exact findings on real EC2 output.

type Json = Record<string, unknown>;

function evaluate(snapshot: Json) {
  return evaluateReport(readSnapshot(snapshot).snapshot, DEFAULT_CONFIG);
}

describe('route-blackhole evidence does not depend on the order EC2 lists associations in (DESIGN §6)', () => {
  // describe-route-tables, AWS CLI example: rtb-09ba434c1bEXAMPLE routes 0.0.0.0/0 to a deleted NAT gateway.
  const tables = ec2Fixture('DescribeRouteTables--awscli-example-nat-blackhole-igw').RouteTables as Json[];
  const blackholeTable = tables.find((t) => t.RouteTableId === 'rtb-09ba434c1bEXAMPLE') as Json;
  const association = (SubnetId: string) => ({
    Main: false,
    RouteTableAssociationId: `rtbassoc-${SubnetId}`,
    RouteTableId: 'rtb-09ba434c1bEXAMPLE',
    SubnetId,
    AssociationState: { State: 'associated' },
  });

  it('lists the subnets sorted, each once, and keeps the same id', () => {
    const withSubnets = (order: string[]) =>
      evaluate({
        RouteTables: [
          {
            ...blackholeTable,
            Associations: [...(blackholeTable.Associations as Json[]), ...order.map(association)],
          },
        ],
      }).findings;
    const a = withSubnets(['subnet-b', 'subnet-a', 'subnet-c', 'subnet-a']);
    const b = withSubnets(['subnet-c', 'subnet-a', 'subnet-b']);
    expect(a.map((f) => [f.ruleId, f.resourceId, f.evidence])).toEqual([
      [
        'route-blackhole',
        'rtb-09ba434c1bEXAMPLE',
        {
          blackholeRoutes: [{ destination: '0.0.0.0/0', target: 'nat-06c018cbd8EXAMPLE' }],
          subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
          main: true,
        },
      ],
    ]);
    expect(b).toEqual(a);
  });
});
