import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import {
  buildWorld,
  cloudTrailRecord,
  ENI,
  ec2Fixture,
  envelope,
  eventDeps,
  IGW_ROUTES,
  installFakeEc2,
  LOCAL_ROUTES,
  publishedNotices,
  SUBNET,
  subnet,
  VPC,
} from '../helpers';

// AWS API model audit of the Describe* response shapes (@aws-sdk/client-ec2 3.1169's models and
// enums.d.ts): values and shapes EC2 returns today that the snapshot format (DESIGN §3) and the
// rules (§5) must read, not refuse and not misjudge.

type Item = Record<string, unknown>;

const report = (snapshot: object) => evaluateReport(parseSnapshot(snapshot), DEFAULT_CONFIG);

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

  it('a hand-made gateway that names neither a subnet nor a route table is said to be not judged', () => {
    const r = report(world({ NatGatewayId: 'nat-0bare', VpcId: 'vpc-1', State: 'available' }, []));
    expect(r.notJudged).toEqual([
      {
        resourceId: 'nat-0bare',
        ruleId: 'nat-gateway-in-private-subnet',
        reason:
          'it names neither a subnet (SubnetId) nor a route table (RouteTableId): its way to the internet is not known',
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

  it('reads a "filtered" route to an igw- (the snapshot was refused) as not known: the subnet rules say not judged', () => {
    // Act
    const r = report(snapshot('filtered'));
    // Assess: RouteState's reference does not describe `filtered`: neither "no internet route" (a
    // silent pass for a private subnet, a false subnet-public-no-igw-route here) nor a blackhole.
    expect(pairs(r)).toEqual([]);
    const reason =
      'the route table rtb-main of subnet subnet-1 has route to 0.0.0.0/0 to an internet gateway in state ' +
      'filtered, which the EC2 API reference does not describe: whether the internet is routed there is not known';
    expect(r.notJudged.filter((n) => n.resourceId === 'subnet-1')).toEqual([
      { resourceId: 'subnet-1', ruleId: 'subnet-public-no-igw-route', reason },
    ]);
  });

  /** `base` with a group open to the world on `port`, an instance with a public IPv4 and an allow-all default NACL. */
  const withInstance = (base: Item, port: number): Item => ({
    ...base,
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        GroupName: 'web',
        VpcId: 'vpc-1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
        IpPermissionsEgress: [],
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        IsDefault: true,
        Entries: [false, true].map((Egress) => ({
          RuleNumber: 100,
          Protocol: '-1',
          RuleAction: 'allow',
          Egress,
          CidrBlock: '0.0.0.0/0',
        })),
        Associations: [{ NetworkAclId: 'acl-1', SubnetId: 'subnet-1' }],
      },
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        InterfaceType: 'interface',
        Groups: [{ GroupId: 'sg-1' }],
        Association: { PublicIp: '203.0.113.9' },
        PrivateIpAddresses: [],
      },
    ],
  });

  it('a "filtered" igw- route in a private subnet: its interface with a public IP and the subnet are not judged, not passed', () => {
    // Arrange: a private-named subnet whose only igw- route is filtered, an instance with a public IPv4
    const world = withInstance(
      { ...snapshot('filtered'), Subnets: [subnet({ subnetName: 'private-a' })] },
      22,
    );
    // Act
    const r = report(world);
    // Assess: the group's and the NACL's own findings stand; the interface and the private subnet are not judged
    expect(pairs(r)).toEqual([
      ['sg-open-admin-port', 'sg-1'],
      ['nacl-open-admin-port', 'acl-1'],
    ]);
    expect(r.notJudged.map((n) => [n.ruleId, n.resourceId])).toEqual(
      expect.arrayContaining([
        ['eni-internet-exposed', 'eni-1'],
        ['subnet-private-has-igw-route', 'subnet-1'],
      ]),
    );
    expect(r.notJudged.find((n) => n.resourceId === 'eni-1')?.reason).toContain('in state filtered');
    // The same world with the route active: exposed, and the private subnet reported
    const active = report(
      withInstance({ ...snapshot('active'), Subnets: [subnet({ subnetName: 'private-a' })] }, 22),
    );
    expect(pairs(active)).toEqual(
      expect.arrayContaining([
        ['eni-internet-exposed', 'eni-1'],
        ['subnet-private-has-igw-route', 'subnet-1'],
      ]),
    );
  });

  it('a "filtered" ::/0 beside an active 0.0.0.0/0 leaves IPv4 judged: the interface is exposed over IPv4', () => {
    const base = snapshot('active');
    const table = (base.RouteTables as Item[])[0] as Item;
    const filtered6 = { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'filtered' };
    const r = report(
      withInstance(
        { ...base, RouteTables: [{ ...table, Routes: [...(table.Routes as Item[]), filtered6] }] },
        443,
      ),
    );
    // 443 is an authorized port (no sg- finding); the interface is reached on it over IPv4
    expect(pairs(r).sort()).toEqual([
      ['eni-internet-exposed', 'eni-1'],
      ['nacl-open-admin-port', 'acl-1'],
    ]);
    expect(r.notJudged.filter((n) => n.resourceId === 'eni-1' || n.resourceId === 'subnet-1')).toEqual([]);
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

describe('interfaces no security group filters (NetworkInterface.Groups empty)', () => {
  // An internet-facing network load balancer made without security groups (the only kind before
  // August 2023): DescribeNetworkInterfaces gives its interface a public address and no group.
  // What reaches it is what its listeners accept, which no Describe* call here tells.
  const nlb = (fields: Item = {}): Item => ({
    NetworkInterfaceId: 'eni-0nlb',
    SubnetId: SUBNET,
    VpcId: VPC,
    InterfaceType: 'network_load_balancer',
    RequesterId: 'amazon-elb',
    Status: 'in-use',
    Description: 'ELB net/web/0123456789abcdef',
    PrivateIpAddress: '10.0.1.20',
    Association: { IpOwnerId: 'amazon', PublicIp: '54.0.0.20' },
    Groups: [],
    TagSet: [],
    ...fields,
  });
  const world = (eni: Item) => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [] });
    w.NetworkInterfaces.push(eni);
    return w;
  };

  it('one with a public address in a subnet routed to an igw- is said to be not judged (it passed in silence)', () => {
    // Act
    const r = report(world(nlb()));
    // Assess
    expect(r.findings.filter((f) => f.resourceId === 'eni-0nlb')).toEqual([]);
    expect(r.notJudged).toEqual([
      {
        resourceId: 'eni-0nlb',
        ruleId: 'eni-internet-exposed',
        reason:
          'it has a public address and no security group (InterfaceType network_load_balancer): what reaches it is what the service owning it accepts (a load balancer’s listeners), which the snapshot does not describe',
      },
    ]);
  });

  it('a NAT gateway’s interface (no group, a public address) is judged: it accepts no connection from the internet', () => {
    // Prepare: the recorded NAT gateway interface (EC2 prints `nat_gateway`; the SDK's
    // NetworkInterfaceType enum says `natGateway`), moved into the world's igw-routed subnet.
    const recorded = (
      ec2Fixture('DescribeNetworkInterfaces--mixed-types-public-ip-placebo').NetworkInterfaces as Item[]
    ).find((e) => e.NetworkInterfaceId === 'eni-0a97f5badf0f2b1db') as Item;
    expect(recorded).toMatchObject({
      InterfaceType: 'nat_gateway',
      Groups: [],
      Association: { PublicIp: '52.86.57.191' },
    });
    // Act / Assess: both spellings
    for (const InterfaceType of ['nat_gateway', 'natGateway']) {
      const r = report(world({ ...recorded, InterfaceType, SubnetId: SUBNET, VpcId: VPC }));
      expect(r.notJudged).toEqual([]);
      expect(r.findings.filter((f) => f.resourceId === 'eni-0a97f5badf0f2b1db')).toEqual([]);
    }
  });

  it('nothing is left unjudged without a public address, or without an internet route for its family', () => {
    const { Association: _, ...privateNlb } = nlb();
    expect(report(world(privateNlb)).notJudged).toEqual([]);
    const noRoute = world(nlb());
    (noRoute.RouteTables[0] as { Routes: Item[] }).Routes = [...LOCAL_ROUTES];
    expect(report(noRoute).notJudged).toEqual([]);
  });

  it('an interface with groups is judged as before (the world’s instance: exposed, nothing unjudged)', () => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
    const r = report(w);
    expect(pairs(r)).toContainEqual(['eni-internet-exposed', ENI]);
    expect(r.notJudged).toEqual([]);
  });
});

describe('a regional NAT gateway through the event function (CreateNatGateway, DESIGN §7 scope "the gateway")', () => {
  const ec2Mock = mockClient(EC2Client);
  const snsMock = mockClient(SNSClient);
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  /** The world with a regional gateway whose own route table has `routes`. */
  const regionalWorld = (routes: Item[]) => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [] });
    w.NatGateways = [
      {
        NatGatewayId: 'nat-0reg',
        VpcId: VPC,
        State: 'available',
        ConnectivityType: 'public',
        AvailabilityMode: 'regional',
        RouteTableId: 'rtb-0nat',
        NatGatewayAddresses: [],
      },
    ];
    w.RouteTables.push({ RouteTableId: 'rtb-0nat', VpcId: VPC, Routes: routes, Associations: [], Tags: [] });
    return w;
  };
  // CreateNatGateway of a regional gateway: no subnetId in the request or the response.
  const record = cloudTrailRecord(
    'CreateNatGateway',
    { CreateNatGatewayRequest: { VpcId: VPC, AvailabilityMode: 'regional', ConnectivityType: 'public' } },
    {
      CreateNatGatewayResponse: {
        natGateway: { natGatewayId: 'nat-0reg', vpcId: VPC, availabilityMode: 'regional', state: 'pending' },
      },
    },
  );
  const run = async (routes: Item[]) => {
    installFakeEc2(ec2Mock, regionalWorld(routes));
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
      eventDeps(),
    );
    return { result, notices: publishedNotices(snsMock) };
  };

  it('reports the gateway whose route table has no igw- route (the slice was refused: "could not evaluate")', async () => {
    // Act
    const { result, notices } = await run(LOCAL_ROUTES);
    // Assess
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toContain('nat-0reg');
    expect(notices[0]?.Message).toContain('nat-gateway-in-private-subnet');
    expect(notices[0]?.Message).not.toContain('could not evaluate');
  });

  it('sends nothing when its route table routes 0.0.0.0/0 to the igw-', async () => {
    const { result, notices } = await run(IGW_ROUTES);
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices).toEqual([]);
  });
});

describe('VPC endpoint states (DescribeVpcEndpoints State: pendingAcceptance | pending | available | deleting | deleted | rejected | failed | expired | partial)', () => {
  const endpoint = (State: string): Item => ({
    VpcEndpointId: 'vpce-0s3',
    VpcEndpointType: 'Gateway',
    VpcId: 'vpc-1',
    ServiceName: 'com.amazonaws.eu-west-1.s3',
    State,
    PolicyDocument: JSON.stringify({
      Version: '2008-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
    }),
    RouteTableIds: [],
  });
  const ruleIds = (State: string) => pairs(report({ VpcEndpoints: [endpoint(State)] })).map(([rule]) => rule);

  it.each(['available', 'pending', 'pendingAcceptance', 'partial', 'Available'])(
    'a full-access policy is reported while the endpoint is %s',
    (state) => {
      expect(ruleIds(state)).toEqual(['vpce-policy-full-access']);
    },
  );

  it.each(['deleting', 'deleted', 'rejected', 'failed', 'expired', 'Deleted'])(
    'not once it is %s: it carries no traffic any more',
    (state) => {
      expect(ruleIds(state)).toEqual([]);
    },
  );
});

describe('ingress routing (a route table edge-associated with the internet gateway: RouteTableAssociation.GatewayId)', () => {
  // The Gateway Load Balancer "distributed" design: the internet gateway's edge table sends the
  // subnet's traffic to a GWLB endpoint, and the subnet's default route goes back through it. An
  // instance there with a public address is reached from the internet through the appliance.
  const EDGE: Item = {
    RouteTableId: 'rtb-0edge',
    VpcId: VPC,
    Routes: [
      {
        DestinationCidrBlock: '10.0.0.0/16',
        GatewayId: 'local',
        State: 'active',
        Origin: 'CreateRouteTable',
      },
      {
        DestinationCidrBlock: '10.0.1.0/24',
        GatewayId: 'vpce-0gwlb',
        State: 'active',
        Origin: 'CreateRoute',
      },
    ],
    Associations: [
      {
        Main: false,
        RouteTableAssociationId: 'rtbassoc-0edge',
        RouteTableId: 'rtb-0edge',
        GatewayId: 'igw-0a1',
        AssociationState: { State: 'associated' },
      },
    ],
    Tags: [],
  };
  const world = (defaultRoute: Item, edge: boolean) => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
    (w.RouteTables[0] as { Routes: Item[] }).Routes = [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', State: 'active', ...defaultRoute },
    ];
    if (edge) w.RouteTables.push(EDGE);
    return w;
  };
  const reason = (target: string) =>
    `its subnet ${SUBNET} routes 0.0.0.0/0 to ${target}, and the internet gateway igw-0a1 sends what it receives through route table rtb-0edge (ingress routing): whether the internet reaches it through that appliance is not in the snapshot`;

  it.each([
    [{ GatewayId: 'vpce-0gwlb' }, 'vpce-0gwlb'],
    [{ NetworkInterfaceId: 'eni-0fw' }, 'eni-0fw'],
    [{ InstanceId: 'i-0fw', NetworkInterfaceId: 'eni-0fw' }, 'eni-0fw'],
  ])(
    'an interface with a public IPv4 behind %o is said to be not judged (it passed as unreachable)',
    (route, target) => {
      // Act
      const r = report(world(route, true));
      // Assess
      expect(r.findings.filter((f) => f.resourceId === ENI)).toEqual([]);
      expect(r.notJudged).toEqual([
        { resourceId: ENI, ruleId: 'eni-internet-exposed', reason: reason(target) },
      ]);
    },
  );

  it('without ingress routing the same default route (a NAT instance) is judged: no way in', () => {
    const r = report(world({ NetworkInterfaceId: 'eni-0nat' }, false));
    expect(r.findings.filter((f) => f.resourceId === ENI)).toEqual([]);
    expect(r.notJudged).toEqual([]);
  });

  it('a subnet with a default route to the igw- is judged as before, edge table or not', () => {
    const r = report(world({ GatewayId: 'igw-0a1' }, true));
    expect(pairs(r)).toContainEqual(['eni-internet-exposed', ENI]);
    expect(r.notJudged).toEqual([]);
  });
});
