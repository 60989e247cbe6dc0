import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import { IGW_ROUTES, LOCAL_ROUTES, subnet } from '../helpers';

// AWS API model audit of the Describe* response shapes (@aws-sdk/client-ec2 3.1169's models and
// enums.d.ts): values and shapes EC2 returns today that the snapshot format (DESIGN §3) and the
// rules (§5) must read, not refuse and not misjudge.

type Item = Record<string, unknown>;

const report = (snapshot: Item) => evaluateReport(parseSnapshot(snapshot), DEFAULT_CONFIG);

/** `[ruleId, resourceId]` of each finding. */
const pairs = (r: ReturnType<typeof report>) => r.findings.map((f) => [f.ruleId, f.resourceId]);

describe('regional NAT gateways (NatGateway.AvailabilityMode "regional": no SubnetId, a RouteTableId)', () => {
  // What DescribeNatGateways returns for a regional gateway (models_1.d.ts `NatGateway`): it is
  // created for a VPC, not in a subnet, and AWS makes it a route table with a route to the igw-.
  const regional = (fields: Item = {}): Item => ({
    NatGatewayId: 'nat-0regional',
    VpcId: 'vpc-1',
    State: 'available',
    ConnectivityType: 'public',
    AvailabilityMode: 'regional',
    AutoScalingIps: 'enabled',
    AutoProvisionZones: 'enabled',
    RouteTableId: 'rtb-0nat',
    NatGatewayAddresses: [],
    ...fields,
  });
  const natTable = (routes: Item[]): Item => ({
    RouteTableId: 'rtb-0nat',
    VpcId: 'vpc-1',
    Routes: routes,
    Associations: [],
  });
  const world = (nat: Item, tables: Item[]): Item => ({
    Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
    Subnets: [subnet({ subnetName: 'app-a' })],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: [
          ...LOCAL_ROUTES,
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0regional', State: 'active' },
        ],
        Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-main' }],
      },
      ...tables,
    ],
    NatGateways: [nat],
  });

  it('is read (the snapshot was refused: "NatGateways[0].SubnetId: is required") and passes when its table routes to an igw-', () => {
    // Act
    const r = report(world(regional(), [natTable(IGW_ROUTES)]));
    // Assess: nothing about the gateway, nothing left unjudged
    expect(pairs(r).filter(([, id]) => id === 'nat-0regional')).toEqual([]);
    expect(r.notJudged).toEqual([]);
  });

  it('fires when its own route table has no active 0.0.0.0/0 to an igw- (its traffic cannot leave)', () => {
    // Act
    const r = report(world(regional(), [natTable(LOCAL_ROUTES)]));
    // Assess
    const finding = r.findings.find((f) => f.resourceId === 'nat-0regional');
    expect(finding).toMatchObject({
      ruleId: 'nat-gateway-in-private-subnet',
      severity: 'medium',
      vpcId: 'vpc-1',
      evidence: { availabilityMode: 'regional', routeTableId: 'rtb-0nat', connectivityType: 'public' },
    });
    expect(finding?.evidence).not.toHaveProperty('subnetId');
  });

  it('is said to be not judged when its route table is not in the snapshot, never passed in silence', () => {
    // Act
    const r = report(world(regional(), []));
    // Assess
    expect(pairs(r).filter(([, id]) => id === 'nat-0regional')).toEqual([]);
    expect(r.notJudged).toEqual([
      {
        resourceId: 'nat-0regional',
        ruleId: 'nat-gateway-in-private-subnet',
        reason: 'its route table rtb-0nat (a regional NAT gateway) is not in the snapshot',
      },
    ]);
  });

  it('is said to be not judged when it names no route table at all', () => {
    const { RouteTableId: _, ...noTable } = regional();
    const r = report(world(noTable, []));
    expect(r.notJudged).toEqual([
      {
        resourceId: 'nat-0regional',
        ruleId: 'nat-gateway-in-private-subnet',
        reason: 'a regional NAT gateway without a RouteTableId: its way to the internet is not known',
      },
    ]);
  });

  it('a private regional gateway and a deleted one are not the rule’s business', () => {
    const r = report(world(regional({ ConnectivityType: 'private' }), []));
    expect(pairs(r).filter(([, id]) => id === 'nat-0regional')).toEqual([]);
    expect(r.notJudged).toEqual([]);
    const deleted = report(world(regional({ State: 'deleted' }), [natTable(LOCAL_ROUTES)]));
    expect(pairs(deleted).filter(([, id]) => id === 'nat-0regional')).toEqual([]);
  });

  it('a zonal gateway is still judged by its subnet, and a misspelt SubnetId is still an error', () => {
    const zonal = { NatGatewayId: 'nat-0zonal', SubnetId: 'subnet-1', VpcId: 'vpc-1', State: 'available' };
    const snapshot = world(zonal, []);
    const r = report(snapshot);
    expect(pairs(r)).toContainEqual(['nat-gateway-in-private-subnet', 'nat-0zonal']);
    const { SubnetId: _, ...rest } = zonal;
    expect(() => parseSnapshot({ ...snapshot, NatGateways: [{ ...rest, subnetId: 'subnet-1' }] })).toThrow(
      /NatGateways\[0\]\.subnetId: unknown key; did you mean SubnetId\?/,
    );
  });
});

describe('route states (RouteState: active | blackhole | filtered)', () => {
  const snapshot = (state: string): Item => ({
    Subnets: [subnet({ subnetName: 'public-a' })],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: [...LOCAL_ROUTES, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: state }],
        Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-main' }],
      },
    ],
  });

  it('reads a "filtered" route (the snapshot was refused) as not forwarding: no internet route, no blackhole', () => {
    // Act
    const r = report(snapshot('filtered'));
    // Assess: the public-named subnet has no active route to the igw-, and the route is no blackhole
    expect(pairs(r)).toEqual([['subnet-public-no-igw-route', 'subnet-1']]);
  });

  it('an active one is the internet route, a blackhole one is reported', () => {
    expect(pairs(report(snapshot('active')))).toEqual([]);
    expect(pairs(report(snapshot('blackhole')))).toEqual([
      ['route-blackhole', 'rtb-main'],
      ['subnet-public-no-igw-route', 'subnet-1'],
    ]);
  });

  it('a state EC2 does not print is still an error naming the path', () => {
    expect(() => parseSnapshot(snapshot('Active'))).toThrow(/RouteTables\[0\]\.Routes\[1\]\.State/);
  });
});
