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

// reads (b), DESIGN §3 "Not judged is said", §5 (ingress routing), §12: behind ingress routing (an
// edge table on the igw-), a subnet's table whose `0.0.0.0/0` goes to the igw- (or to the
// appliance) settles its IPv4 way only. Its route of an IPv6 customer prefix list to the GWLB
// endpoint still decides the IPv6 way of an interface with an IPv6 address: the loaders skipped
// every list of such a table, so the interface stayed "not judged … add it to ManagedPrefixLists"
// in a live audit and in an event, which neither can act on. Now read where the IPv6 way is open
// (the table has no `::/0` to an igw- or an appliance, and its VPC has IPv6: the table's local IPv6
// route); a table of a VPC without IPv6 reads none (nothing IPv6 to decide).

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const GROUP = 'sg-0web';

type Route = Record<string, string>;
const LOCAL: Route = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };
const LOCAL6: Route = { DestinationIpv6CidrBlock: '2600:1f18::/56', GatewayId: 'local', State: 'active' };
const DEFAULT_TO_IGW: Route = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0a1', State: 'active' };
const DEFAULT6_TO_IGW: Route = { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0a1', State: 'active' };
const V6_LIST: Route = { DestinationPrefixListId: 'pl-0v6', GatewayId: 'vpce-0gwlb', State: 'active' };

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

/** SSH open to the world in both families on an interface with a public IPv4 and an IPv6 address. */
function world(routes: Route[], entries: string[]): World {
  const w = buildWorld({
    groupId: GROUP,
    rules: [
      { id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-22v6', from: 22, cidr: '::/0' },
    ],
  });
  (w.RouteTables[0] as { Routes: unknown[] }).Routes = routes;
  w.RouteTables.push(EDGE as (typeof w.RouteTables)[number]);
  w.VpcEndpoints = [
    {
      VpcEndpointId: 'vpce-0gwlb',
      VpcEndpointType: 'GatewayLoadBalancer',
      VpcId: VPC,
      ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0fw',
    },
  ] as World['VpcEndpoints'];
  w.ManagedPrefixLists = [{ PrefixListId: 'pl-0v6', Entries: entries.map((Cidr) => ({ Cidr })) }];
  return w;
}

function install(w: World): void {
  installFakeEc2(ec2Mock, w);
  ec2Mock.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({
    PrefixLists: [
      {
        PrefixListId: 'pl-0v6',
        PrefixListName: 'inspected-v6',
        AddressFamily: 'IPv6',
        OwnerId: '111122223333',
      },
    ],
  });
}

const listsRead = () =>
  ec2Mock
    .commandCalls(GetManagedPrefixListEntriesCommand)
    .map((c) => c.args[0].input.PrefixListId)
    .sort();

const throughAppliance = (routed: string) =>
  `its subnet ${SUBNET} routes ${routed}, and the internet gateway igw-0a1 sends what it receives through route table rtb-0edge (ingress routing): whether the internet reaches it through that appliance is not in the snapshot`;

const scope = { ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'), securityGroupIds: [GROUP] };

/** The live audit's and the event's verdicts on the interface, and what each read. */
async function both(w: World) {
  install(w);
  const raw = await loadRegionSnapshot(ec2, { region: 'us-east-1' });
  const audit = evaluateReport(parseSnapshot(raw), DEFAULT_CONFIG);
  const auditLists = listsRead();
  ec2Mock.resetHistory();
  const slice = await loadSlice(ec2, scope);
  const assessment = assessSlice([scope], slice.snapshot, DEFAULT_CONFIG, { sliceComplete: slice.complete });
  const onEni = <T extends { resourceId: string }>(items: readonly T[]) =>
    items.filter((i) => i.resourceId === ENI);
  return {
    audit: {
      lists: auditLists,
      notJudged: onEni(audit.notJudged),
      findings: onEni(audit.findings).map((f) => f.ruleId),
    },
    event: {
      lists: listsRead(),
      calls: slice.calls,
      complete: slice.complete,
      notJudged: onEni(notJudgedInScope(assessment.notJudged, assessment.resolved)),
      findings: onEni(assessment.findings).map((f) => f.ruleId),
    },
  };
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('an IPv6 customer prefix list to a GWLB endpoint in a table whose 0.0.0.0/0 goes to the igw-', () => {
  it('is read by the audit and the event: a list holding ::/0 is the IPv6 appliance default route, named', async () => {
    const out = await both(world([LOCAL, LOCAL6, DEFAULT_TO_IGW, V6_LIST], ['::/0']));
    const expected = [
      { resourceId: ENI, ruleId: 'eni-internet-exposed', reason: throughAppliance('pl-0v6 to vpce-0gwlb') },
    ];
    expect(out.audit).toEqual({ lists: ['pl-0v6'], notJudged: expected, findings: ['eni-internet-exposed'] });
    // 5 base reads + the list = 6 (DESIGN §12).
    expect(out.event).toEqual({
      lists: ['pl-0v6'],
      calls: 6,
      complete: true,
      notJudged: expected,
      findings: ['eni-internet-exposed'],
    });
  });

  it('a list of IPv6 ranges that are not the internet: judged in both (IPv4 exposed through the igw-), nothing unjudged', async () => {
    const out = await both(world([LOCAL, LOCAL6, DEFAULT_TO_IGW, V6_LIST], ['2001:db8::/32']));
    expect(out.audit).toEqual({ lists: ['pl-0v6'], notJudged: [], findings: ['eni-internet-exposed'] });
    expect(out.event).toEqual({
      lists: ['pl-0v6'],
      calls: 6,
      complete: true,
      notJudged: [],
      findings: ['eni-internet-exposed'],
    });
  });

  it('a table whose ::/0 also goes to the igw- reads no list: both ways are settled', async () => {
    const out = await both(world([LOCAL, LOCAL6, DEFAULT_TO_IGW, DEFAULT6_TO_IGW, V6_LIST], ['::/0']));
    expect(out.audit.lists).toEqual([]);
    expect(out.event).toMatchObject({ lists: [], calls: 5, notJudged: [] });
    expect(out.audit.notJudged).toEqual([]);
  });

  it('a table of a VPC without IPv6 (no local IPv6 route) reads no list: nothing IPv6 to decide', async () => {
    const w = world([LOCAL, DEFAULT_TO_IGW, V6_LIST], ['::/0']);
    delete (w.NetworkInterfaces[0] as Record<string, unknown>).Ipv6Addresses;
    const out = await both(w);
    expect(out.audit).toEqual({ lists: [], notJudged: [], findings: ['eni-internet-exposed'] });
    expect(out.event).toMatchObject({
      lists: [],
      calls: 5,
      notJudged: [],
      findings: ['eni-internet-exposed'],
    });
  });
});
