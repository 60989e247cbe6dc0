import {
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRegionSnapshot } from '../../../../../shared/aws/ec2/region';
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { DEFAULT_CONFIG } from '../../../../../shared/config';
import { evaluateReport } from '../../../../../shared/engine';
import { emptyScope } from '../../../../../shared/events/event-table';
import { parseSnapshot } from '../../../../../shared/model/snapshot';
import { assessSlice } from '../../../../../shared/scope/assess';
import { notJudgedInScope } from '../../../../../shared/scope/resolve';
import { buildWorld, ENI, installFakeEc2, SUBNET, VPC, type World } from '../../../../helpers';

// README "Not judged", DESIGN §3, §12: behind ingress routing (an edge table on the igw-), a subnet
// whose route table sends a customer prefix list to a GWLB endpoint is judged from that list's
// entries. The live loaders read only lists routed to an igw-, so a live audit (and an event)
// left it unresolved: "not judged … add it to ManagedPrefixLists", which a live audit cannot do.
// Now read where it decides (a VPC with an edge table; not a gateway endpoint's S3 / DynamoDB list;
// not when the table's own 0.0.0.0/0 already settles the IPv4 way), within §12's 6 reads.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const GROUP = 'sg-0web';

type Route = Record<string, string>;
const LOCAL: Route = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };
const CUSTOMER: Route = { DestinationPrefixListId: 'pl-0cust', GatewayId: 'vpce-0gwlb', State: 'active' };
const S3: Route = { DestinationPrefixListId: 'pl-0s3', GatewayId: 'vpce-0s3', State: 'active' };
const DEFAULT_TO_GWLB: Route = {
  DestinationCidrBlock: '0.0.0.0/0',
  GatewayId: 'vpce-0gwlb',
  State: 'active',
};

/** The internet gateway's edge table: what it receives for the subnet goes to the GWLB endpoint. */
const EDGE = {
  RouteTableId: 'rtb-0edge',
  VpcId: VPC,
  Routes: [LOCAL, { DestinationCidrBlock: '10.0.1.0/24', GatewayId: 'vpce-0gwlb', State: 'active' }],
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

/** SSH open to 0.0.0.0/0 on an interface with a public IPv4 address; its subnet's table routes `routes`. */
function world(routes: Route[], options: { edge?: boolean; customer?: string[] } = {}): World {
  const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
  (w.RouteTables[0] as { Routes: unknown[] }).Routes = [LOCAL, ...routes];
  if (options.edge !== false) w.RouteTables.push(EDGE as (typeof w.RouteTables)[number]);
  delete (w.NetworkInterfaces[0] as Record<string, unknown>).Ipv6Addresses;
  w.VpcEndpoints = [
    {
      VpcEndpointId: 'vpce-0s3',
      VpcEndpointType: 'Gateway',
      VpcId: VPC,
      ServiceName: 'com.amazonaws.us-east-1.s3',
    },
    {
      VpcEndpointId: 'vpce-0gwlb',
      VpcEndpointType: 'GatewayLoadBalancer',
      VpcId: VPC,
      ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0fw',
    },
  ] as World['VpcEndpoints'];
  w.ManagedPrefixLists = [
    { PrefixListId: 'pl-0cust', Entries: (options.customer ?? ['0.0.0.0/0']).map((Cidr) => ({ Cidr })) },
    { PrefixListId: 'pl-0s3', Entries: [{ Cidr: '52.216.0.0/15' }] },
  ];
  return w;
}

function install(w: World): void {
  installFakeEc2(ec2Mock, w);
  ec2Mock.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({
    PrefixLists: [
      {
        PrefixListId: 'pl-0cust',
        PrefixListName: 'inspected',
        AddressFamily: 'IPv4',
        OwnerId: '111122223333',
      },
      {
        PrefixListId: 'pl-0s3',
        PrefixListName: 'com.amazonaws.us-east-1.s3',
        AddressFamily: 'IPv4',
        OwnerId: 'AWS',
      },
    ],
  });
}

const listsRead = () =>
  ec2Mock
    .commandCalls(GetManagedPrefixListEntriesCommand)
    .map((c) => c.args[0].input.PrefixListId)
    .sort();

const applianceReason = (routed: string) =>
  `its subnet ${SUBNET} routes ${routed}, and the internet gateway igw-0a1 sends what it receives through route table rtb-0edge (ingress routing): whether the internet reaches it through that appliance is not in the snapshot`;

beforeEach(() => {
  ec2Mock.reset();
});

describe('live audit: a customer prefix list routed to a GWLB endpoint behind ingress routing', () => {
  it('reads its entries: a list holding the internet is the appliance default route, named as such', async () => {
    install(world([CUSTOMER, S3]));
    const raw = await loadRegionSnapshot(ec2, { region: 'us-east-1' });
    const report = evaluateReport(parseSnapshot(raw), DEFAULT_CONFIG);
    expect(listsRead()).toEqual(['pl-0cust']);
    expect(raw.ManagedPrefixLists.map((l) => l.PrefixListId)).toEqual(['pl-0cust']);
    expect(report.notJudged).toEqual([
      { resourceId: ENI, ruleId: 'eni-internet-exposed', reason: applianceReason('pl-0cust to vpce-0gwlb') },
    ]);
  });

  it('a list of partner ranges only: judged (no way in from the internet), not "add it to ManagedPrefixLists"', async () => {
    install(world([CUSTOMER, S3], { customer: ['8.8.8.0/24'] }));
    const raw = await loadRegionSnapshot(ec2, { region: 'us-east-1' });
    const report = evaluateReport(parseSnapshot(raw), DEFAULT_CONFIG);
    expect(report.notJudged).toEqual([]);
    expect(report.findings.filter((f) => f.resourceId === ENI)).toEqual([]);
  });

  it('without an edge table the list decides nothing and is not read', async () => {
    install(world([CUSTOMER, S3], { edge: false }));
    const raw = await loadRegionSnapshot(ec2, { region: 'us-east-1' });
    expect(listsRead()).toEqual([]);
    expect(evaluateReport(parseSnapshot(raw), DEFAULT_CONFIG).notJudged).toEqual([]);
  });
});

describe('event slice: the same list, within §12’s 6 reads of a security-group event', () => {
  const scope = {
    ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
    securityGroupIds: [GROUP],
  };

  async function judged(w: World) {
    install(w);
    const slice = await loadSlice(ec2, scope);
    const assessment = assessSlice([scope], slice.snapshot, DEFAULT_CONFIG, {
      sliceComplete: slice.complete,
    });
    const audit = evaluateReport(parseSnapshot(w), DEFAULT_CONFIG).notJudged;
    return {
      calls: slice.calls,
      complete: slice.complete,
      lists: listsRead(),
      event: notJudgedInScope(assessment.notJudged, assessment.resolved),
      audit,
    };
  }

  it('5 base reads + the customer list = 6; the interface’s not-judged is the audit’s', async () => {
    const out = await judged(world([CUSTOMER]));
    expect(out).toMatchObject({ calls: 6, complete: true, lists: ['pl-0cust'] });
    expect(out.event).toEqual([
      { resourceId: ENI, ruleId: 'eni-internet-exposed', reason: applianceReason('pl-0cust to vpce-0gwlb') },
    ]);
    expect(out.event).toEqual(out.audit);
  });

  it('beside a gateway endpoint’s S3 list: 7, as with any second list (the slice reads no endpoint to tell them apart)', async () => {
    const out = await judged(world([CUSTOMER, S3]));
    expect(out).toMatchObject({ calls: 7, complete: true, lists: ['pl-0cust', 'pl-0s3'] });
    expect(out.event).toEqual(out.audit);
    expect(out.event.map((n) => n.resourceId)).toEqual([ENI]);
  });

  it('a table whose own 0.0.0.0/0 goes to the appliance reads no list (5 reads), the S3 gateway list neither', async () => {
    const out = await judged(world([DEFAULT_TO_GWLB, CUSTOMER, S3]));
    expect(out).toMatchObject({ calls: 5, lists: [] });
    expect(out.event).toEqual([
      { resourceId: ENI, ruleId: 'eni-internet-exposed', reason: applianceReason('0.0.0.0/0 to vpce-0gwlb') },
    ]);
    expect(out.event).toEqual(out.audit);
  });
});
