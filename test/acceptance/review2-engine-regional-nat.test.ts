import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import { LOCAL_ROUTES, subnet } from '../helpers';

// Review of the API model audit (81191e2..main): a regional NAT gateway is judged by its own
// route table, and a route to an igw- in state `filtered` is "not known" where it decides (DESIGN
// §3 "Not judged is said", §5). The two met nowhere: the regional path read only active routes.

type Item = Record<string, unknown>;

const report = (snapshot: object) => evaluateReport(parseSnapshot(snapshot), DEFAULT_CONFIG);

/** A VPC whose subnet leaves through a NAT gateway: a regional one with its own table `rtb-0nat`, or a zonal one in `subnet-1`. */
const world = (nat: Item, natRoutes: Item[]): Item => ({
  Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
  Subnets: [subnet({ subnetName: 'app-a' })],
  RouteTables: [
    {
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Routes:
        nat.SubnetId === undefined
          ? [...LOCAL_ROUTES, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0a', State: 'active' }]
          : natRoutes,
      Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-main' }],
    },
    ...(nat.SubnetId === undefined
      ? [{ RouteTableId: 'rtb-0nat', VpcId: 'vpc-1', Routes: natRoutes, Associations: [] }]
      : []),
  ],
  NatGateways: [nat],
});

const REGIONAL: Item = {
  NatGatewayId: 'nat-0a',
  VpcId: 'vpc-1',
  State: 'available',
  ConnectivityType: 'public',
  AvailabilityMode: 'regional',
  RouteTableId: 'rtb-0nat',
};
const ZONAL: Item = { NatGatewayId: 'nat-0a', SubnetId: 'subnet-1', VpcId: 'vpc-1', State: 'available' };

const filteredDefault = (extra: Item[] = []): Item[] => [
  ...LOCAL_ROUTES,
  { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'filtered' },
  ...extra,
];

describe('a regional NAT gateway whose own route table routes 0.0.0.0/0 to the igw- in state filtered', () => {
  it('is not judged, as a zonal one is, rather than reported as having no internet route', () => {
    // Act
    const regional = report(world(REGIONAL, filteredDefault()));
    const zonal = report(world(ZONAL, filteredDefault()));
    // Assess: the zonal gateway was already not judged (unknownIgwRoute); the regional one got a
    // medium finding "has no internet route" on a route the reference does not describe
    expect(zonal.findings.filter((f) => f.resourceId === 'nat-0a')).toEqual([]);
    expect(zonal.notJudged.filter((n) => n.resourceId === 'nat-0a').map((n) => n.ruleId)).toEqual([
      'nat-gateway-in-private-subnet',
    ]);
    expect(regional.findings.filter((f) => f.resourceId === 'nat-0a')).toEqual([]);
    expect(regional.notJudged.filter((n) => n.resourceId === 'nat-0a')).toEqual([
      {
        resourceId: 'nat-0a',
        ruleId: 'nat-gateway-in-private-subnet',
        reason:
          'the route table rtb-0nat of the regional NAT gateway has route to 0.0.0.0/0 to an internet gateway ' +
          'in state filtered, which the EC2 API reference does not describe: whether the internet is routed there is not known',
      },
    ]);
  });

  it('is judged where an active route settles it: passes beside an active 0.0.0.0/1 + 128.0.0.0/1, and a filtered ::/0 decides nothing', () => {
    const halves = [
      { DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'igw-1', State: 'active' },
      { DestinationCidrBlock: '128.0.0.0/1', GatewayId: 'igw-1', State: 'active' },
    ];
    const settled = report(world(REGIONAL, filteredDefault(halves)));
    expect(settled.findings.filter((f) => f.resourceId === 'nat-0a')).toEqual([]);
    expect(settled.notJudged.filter((n) => n.resourceId === 'nat-0a')).toEqual([]);
    // IPv6 says nothing of a NAT gateway's IPv4 way out: a filtered ::/0 beside no IPv4 route is no doubt
    const v6 = report(
      world(REGIONAL, [
        ...LOCAL_ROUTES,
        { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'filtered' },
      ]),
    );
    expect(v6.findings.filter((f) => f.resourceId === 'nat-0a').map((f) => f.ruleId)).toEqual([
      'nat-gateway-in-private-subnet',
    ]);
    expect(v6.notJudged.filter((n) => n.resourceId === 'nat-0a')).toEqual([]);
  });

  it('an unresolved prefix list beside a filtered route is one reason naming the list (as a subnet’s is)', () => {
    const r = report(
      world(
        REGIONAL,
        filteredDefault([{ DestinationPrefixListId: 'pl-0abc', GatewayId: 'igw-1', State: 'active' }]),
      ),
    );
    expect(r.findings.filter((f) => f.resourceId === 'nat-0a')).toEqual([]);
    const reasons = r.notJudged.filter((n) => n.resourceId === 'nat-0a').map((n) => n.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('pl-0abc');
  });
});

describe('a regional NAT gateway still pending', () => {
  it('is not judged while AWS sets up its table (a finding would be a notice on every creation); available, it is', () => {
    // Arrange: its own table without the igw- route yet
    const pending = report(world({ ...REGIONAL, State: 'pending' }, LOCAL_ROUTES));
    const available = report(world(REGIONAL, LOCAL_ROUTES));
    const zonalPending = report(world({ ...ZONAL, State: 'pending' }, LOCAL_ROUTES));
    // Assess
    expect(pending.findings.filter((f) => f.resourceId === 'nat-0a')).toEqual([]);
    expect(pending.notJudged.filter((n) => n.resourceId === 'nat-0a')).toEqual([
      {
        resourceId: 'nat-0a',
        ruleId: 'nat-gateway-in-private-subnet',
        reason: 'a regional NAT gateway still pending: AWS may not have set up its route table rtb-0nat yet',
      },
    ]);
    expect(available.findings.filter((f) => f.resourceId === 'nat-0a').map((f) => f.ruleId)).toEqual([
      'nat-gateway-in-private-subnet',
    ]);
    // A zonal gateway's subnet table is the owner's, pending or not: judged
    expect(zonalPending.findings.filter((f) => f.resourceId === 'nat-0a').map((f) => f.ruleId)).toEqual([
      'nat-gateway-in-private-subnet',
    ]);
  });
});
