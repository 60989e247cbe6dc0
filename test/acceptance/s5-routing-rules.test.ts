import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import { audit, triples } from '../helpers';

const LOCAL = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  State: 'active',
  Origin: 'CreateRouteTable',
};
const IGW4 = {
  DestinationCidrBlock: '0.0.0.0/0',
  GatewayId: 'igw-1',
  State: 'active',
  Origin: 'CreateRoute',
};
const IGW6 = { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active', Origin: 'CreateRoute' };
const NAT4 = {
  DestinationCidrBlock: '0.0.0.0/0',
  NatGatewayId: 'nat-1',
  State: 'active',
  Origin: 'CreateRoute',
};

function subnet(id: string, name: string | undefined, extra: Record<string, unknown> = {}) {
  return {
    SubnetId: id,
    VpcId: 'vpc-1',
    CidrBlock: '10.0.1.0/24',
    AvailabilityZone: 'eu-west-1a',
    MapPublicIpOnLaunch: false,
    State: 'available',
    OwnerId: '111122223333',
    Ipv6CidrBlockAssociationSet: [],
    Tags: name === undefined ? [] : [{ Key: 'Name', Value: name }],
    ...extra,
  };
}

function table(
  id: string,
  routes: Record<string, unknown>[],
  options: { main?: boolean; subnetIds?: string[]; state?: string } = {},
) {
  return {
    RouteTableId: id,
    VpcId: 'vpc-1',
    OwnerId: '111122223333',
    PropagatingVgws: [],
    Routes: routes,
    Associations: [
      ...(options.main
        ? [
            {
              Main: true,
              RouteTableAssociationId: `rtbassoc-${id}`,
              RouteTableId: id,
              AssociationState: { State: 'associated' },
            },
          ]
        : []),
      ...(options.subnetIds ?? []).map((SubnetId) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${SubnetId}`,
        RouteTableId: id,
        SubnetId,
        AssociationState: { State: options.state ?? 'associated' },
      })),
    ],
    Tags: [],
  };
}

const ROUTING_RULES = [
  'subnet-private-has-igw-route',
  'subnet-public-no-igw-route',
  'nat-gateway-in-private-subnet',
  'route-blackhole',
];

describe('route resolution (DESIGN §5 details)', () => {
  it('a subnet with an explicit table uses it, not the main table', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'app-private-a')],
        RouteTables: [
          table('rtb-main', [LOCAL, IGW4], { main: true }),
          table('rtb-1', [LOCAL, NAT4], { subnetIds: ['subnet-1'] }),
        ],
      },
      { rules: ROUTING_RULES },
    );
    expect(findings).toEqual([]);
  });

  it('a subnet without an explicit table uses the main table', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'app-private-a')],
        RouteTables: [table('rtb-main', [LOCAL, IGW4], { main: true })],
      },
      { rules: ROUTING_RULES },
    );
    expect(triples(findings)).toEqual([['subnet-private-has-igw-route', 'subnet-1', 'high', undefined]]);
    expect(findings[0]?.evidence).toMatchObject({ routeTableId: 'rtb-main', routeTableAssociation: 'main' });
    expect(findings[0]?.resourceType).toBe('AWS::EC2::Subnet');
  });

  it('a disassociated explicit association falls back to the main table', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'Private-1')],
        RouteTables: [
          table('rtb-main', [LOCAL, IGW4], { main: true }),
          table('rtb-1', [LOCAL], { subnetIds: ['subnet-1'], state: 'disassociated' }),
        ],
      },
      { rules: ROUTING_RULES },
    );
    expect(triples(findings)).toEqual([['subnet-private-has-igw-route', 'subnet-1', 'high', undefined]]);
  });

  it('the Name tag match is case-insensitive ("PRIVATE", "Public")', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'DB-PRIVATE-1'), subnet('subnet-2', 'Public-B')],
        RouteTables: [
          table('rtb-main', [LOCAL], { main: true }),
          table('rtb-1', [LOCAL, IGW4], { subnetIds: ['subnet-1'] }),
        ],
      },
      { rules: ROUTING_RULES },
    );
    expect(triples(findings)).toEqual([
      ['subnet-private-has-igw-route', 'subnet-1', 'high', undefined],
      ['subnet-public-no-igw-route', 'subnet-2', 'low', undefined],
    ]);
  });

  it('only the Name tag counts: another tag saying "private" or no name gives nothing', () => {
    const findings = audit(
      {
        Subnets: [
          subnet('subnet-1', undefined, { Tags: [{ Key: 'tier', Value: 'private' }] }),
          subnet('subnet-2', 'app'),
        ],
        RouteTables: [table('rtb-main', [LOCAL, IGW4], { main: true })],
      },
      { rules: ROUTING_RULES },
    );
    expect(findings).toEqual([]);
  });

  it('an ::/0 route to an igw- is a default route (IPv6)', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'private-a'), subnet('subnet-2', 'public-a')],
        RouteTables: [table('rtb-main', [LOCAL, IGW6], { main: true })],
      },
      { rules: ROUTING_RULES },
    );
    expect(triples(findings)).toEqual([['subnet-private-has-igw-route', 'subnet-1', 'high', undefined]]);
  });

  it('an igw- route in state blackhole is not a default route; the blackhole is reported', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'private-a'), subnet('subnet-2', 'public-a')],
        RouteTables: [table('rtb-main', [LOCAL, { ...IGW4, State: 'blackhole' }], { main: true })],
      },
      { rules: ROUTING_RULES },
    );
    expect(triples(findings)).toEqual([
      ['route-blackhole', 'rtb-main', 'low', undefined],
      ['subnet-public-no-igw-route', 'subnet-2', 'low', undefined],
    ]);
  });

  it('a 0.0.0.0/0 route to a NAT gateway, a vgw-, an eigw- or a peering is not a route to an igw-', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'public-a')],
        RouteTables: [
          table(
            'rtb-main',
            [
              LOCAL,
              NAT4,
              { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' },
            ],
            { main: true },
          ),
        ],
      },
      { rules: ROUTING_RULES },
    );
    expect(triples(findings)).toEqual([['subnet-public-no-igw-route', 'subnet-1', 'low', undefined]]);
  });

  it('a more specific route to an igw- (not 0.0.0.0/0) is not a default route', () => {
    const findings = audit(
      {
        Subnets: [subnet('subnet-1', 'private-a')],
        RouteTables: [
          table('rtb-main', [LOCAL, { ...IGW4, DestinationCidrBlock: '0.0.0.0/1' }], { main: true }),
        ],
      },
      { rules: ROUTING_RULES },
    );
    expect(findings).toEqual([]);
  });
});

describe('subnet-auto-assign-public-ip', () => {
  it('fires medium with FSBP EC2.15 and an opt-in modify plan when MapPublicIpOnLaunch is true', () => {
    const findings = audit(
      { Subnets: [subnet('subnet-1', 'web', { MapPublicIpOnLaunch: true }), subnet('subnet-2', 'db')] },
      { rules: ['subnet-auto-assign-public-ip'] },
    );
    expect(triples(findings)).toEqual([['subnet-auto-assign-public-ip', 'subnet-1', 'medium', undefined]]);
    expect(findings[0]?.controls).toEqual(['FSBP EC2.15']);
    expect(findings[0]?.remediation).toEqual({
      action: 'disable-subnet-auto-assign-public-ip',
      subnetId: 'subnet-1',
    });
  });
});

describe('nat-gateway-in-private-subnet', () => {
  const nat = (id: string, subnetId: string, extra: Record<string, unknown> = {}) => ({
    NatGatewayId: id,
    SubnetId: subnetId,
    VpcId: 'vpc-1',
    State: 'available',
    NatGatewayAddresses: [{ AllocationId: 'eipalloc-1', PublicIp: '198.51.100.9', PrivateIp: '10.0.1.9' }],
    ...extra,
  });
  const region = (nats: Record<string, unknown>[]) => ({
    Subnets: [subnet('subnet-pub', 'public-a'), subnet('subnet-priv', 'private-a')],
    RouteTables: [
      table('rtb-main', [LOCAL, NAT4], { main: true }),
      table('rtb-pub', [LOCAL, IGW4], { subnetIds: ['subnet-pub'] }),
    ],
    NatGateways: nats,
  });

  it('a public NAT gateway in a subnet with an igw route is fine; in one without, medium', () => {
    const findings = audit(
      region([
        nat('nat-good', 'subnet-pub', { ConnectivityType: 'public' }),
        nat('nat-bad', 'subnet-priv', { ConnectivityType: 'public' }),
      ]),
      { rules: ['nat-gateway-in-private-subnet'] },
    );
    expect(triples(findings)).toEqual([['nat-gateway-in-private-subnet', 'nat-bad', 'medium', undefined]]);
    expect(findings[0]?.resourceType).toBe('AWS::EC2::NatGateway');
  });

  it('ConnectivityType absent counts as public; private NAT gateways are never flagged', () => {
    const findings = audit(
      region([
        nat('nat-absent', 'subnet-priv'),
        nat('nat-private', 'subnet-priv', { ConnectivityType: 'private' }),
      ]),
      {
        rules: ['nat-gateway-in-private-subnet'],
      },
    );
    expect(triples(findings)).toEqual([['nat-gateway-in-private-subnet', 'nat-absent', 'medium', undefined]]);
  });
});

describe('route-blackhole', () => {
  it('fires low on the table with a blackhole route and names the route', () => {
    const findings = audit(
      {
        RouteTables: [
          table('rtb-1', [LOCAL, { ...NAT4, State: 'blackhole' }]),
          table('rtb-2', [LOCAL, IGW4]),
        ],
      },
      { rules: ['route-blackhole'] },
    );
    expect(triples(findings)).toEqual([['route-blackhole', 'rtb-1', 'low', undefined]]);
    expect(findings[0]?.resourceType).toBe('AWS::EC2::RouteTable');
    expect(findings[0]?.evidence.blackholeRoutes).toEqual([{ destination: '0.0.0.0/0', target: 'nat-1' }]);
  });
});

describe('not judged is said (DESIGN §3): a subnet or NAT gateway whose path is missing', () => {
  it('a "private" or "public" subnet with no route table in the snapshot (neither explicit nor main) is listed, neither passed nor reported', () => {
    const { findings, notJudged } = evaluateReport(
      parseSnapshot({
        Subnets: [subnet('subnet-priv', 'app-private-a'), subnet('subnet-pub', 'web-public-a')],
      }),
      DEFAULT_CONFIG,
    );
    // Without the route table neither word can be checked: no finding on missing data.
    expect(triples(findings)).toEqual([]);
    const reason =
      "no route table of the subnet is in the snapshot (neither an explicit one nor the VPC's main one)";
    expect(notJudged).toEqual([
      { resourceId: 'subnet-priv', reason, ruleId: 'subnet-private-has-igw-route' },
      { resourceId: 'subnet-pub', reason, ruleId: 'subnet-public-no-igw-route' },
    ]);
  });

  it('a live public NAT gateway whose subnet is not in the snapshot is listed; private or deleted ones are not', () => {
    const nat = (id: string, extra: Record<string, unknown> = {}) => ({
      NatGatewayId: id,
      SubnetId: 'subnet-gone',
      VpcId: 'vpc-1',
      State: 'available',
      ...extra,
    });
    const { findings, notJudged } = evaluateReport(
      parseSnapshot({
        NatGateways: [
          nat('nat-1'),
          nat('nat-private', { ConnectivityType: 'private' }),
          nat('nat-deleted', { State: 'deleted' }),
        ],
      }),
      DEFAULT_CONFIG,
    );
    expect(findings).toEqual([]);
    expect(notJudged).toEqual([
      {
        resourceId: 'nat-1',
        reason: 'its subnet subnet-gone is not in the snapshot',
        ruleId: 'nat-gateway-in-private-subnet',
      },
    ]);
  });

  it('a live public NAT gateway whose subnet has no route table in the snapshot is listed, not reported', () => {
    // Prepare: the subnet is there, but neither an explicit table nor the VPC's main one is.
    const { findings, notJudged } = evaluateReport(
      parseSnapshot({
        Subnets: [subnet('subnet-1', 'nat-a')],
        RouteTables: [table('rtb-other', [LOCAL, IGW4], { subnetIds: ['subnet-2'] })],
        NatGateways: [{ NatGatewayId: 'nat-1', SubnetId: 'subnet-1', VpcId: 'vpc-1', State: 'available' }],
      }),
      DEFAULT_CONFIG,
    );
    // Assess: no finding on missing routing (it used to say "route table (none in the snapshot)").
    expect(findings.filter((f) => f.ruleId === 'nat-gateway-in-private-subnet')).toEqual([]);
    expect(notJudged).toEqual([
      {
        resourceId: 'nat-1',
        reason:
          "no route table of its subnet subnet-1 is in the snapshot (neither an explicit one nor the VPC's main one)",
        ruleId: 'nat-gateway-in-private-subnet',
      },
    ]);
  });

  it('a rule set to off lists nothing', () => {
    const snapshot = parseSnapshot({ Subnets: [subnet('subnet-priv', 'private')] });
    const config = { ...DEFAULT_CONFIG, rules: { 'subnet-private-has-igw-route': 'off' as const } };
    expect(evaluateReport(snapshot, config).notJudged).toEqual([]);
  });
});
