import {
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRegionSnapshot } from '../../shared/aws/ec2/region';
import { loadSlice } from '../../shared/aws/ec2/slice';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { emptyScope } from '../../shared/events/event-table';
import { parseConfig } from '../../shared/load-config';
import { parseSnapshot } from '../../shared/model/snapshot';
import { assessSlice } from '../../shared/scope/assess';
import { buildWorld, ENI, installFakeEc2, SUBNET, VPC, type World } from '../helpers';

// A route whose destination is a managed prefix list (`DestinationPrefixListId`) to an igw- sends
// that list's entries to the internet gateway: a list holding 0.0.0.0/0 (or the world split in
// halves) is a default route to an igw- (DESIGN §5 "Route resolution"). It used to be ignored by
// the engine and never read by the live loaders, so a "private" subnet routed that way passed as
// private and its instances as unreachable: a silent false negative.

const LIST = 'pl-0world';

/** The world with its main table's IPv4 default route written as a prefix list to the igw-. */
function worldWithListRoute(entries: string[] | undefined, name = 'private-a'): World {
  const world = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
  const subnet = world.Subnets[0] as Record<string, unknown>;
  subnet.Tags = [{ Key: 'Name', Value: name }];
  const table = world.RouteTables[0] as { Routes: Record<string, unknown>[] };
  table.Routes = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    { DestinationPrefixListId: LIST, GatewayId: 'igw-0a1', State: 'active' },
  ];
  const eni = world.NetworkInterfaces[0] as Record<string, unknown>;
  delete eni.Ipv6Addresses;
  if (entries)
    world.ManagedPrefixLists = [{ PrefixListId: LIST, Entries: entries.map((Cidr) => ({ Cidr })) }];
  return world;
}

const report = (world: World) => evaluateReport(parseSnapshot(world), DEFAULT_CONFIG);
const ruleIdsOf = (r: ReturnType<typeof report>, id: string) =>
  r.findings.filter((f) => f.resourceId === id).map((f) => f.ruleId);

describe('routes to an igw- whose destination is a prefix list (engine)', () => {
  it('a list holding 0.0.0.0/0 is the default route: the private subnet is flagged and the interface exposed', () => {
    const r = report(worldWithListRoute(['0.0.0.0/0']));
    expect(ruleIdsOf(r, SUBNET)).toEqual(['subnet-private-has-igw-route']);
    const subnet = r.findings.find((f) => f.ruleId === 'subnet-private-has-igw-route');
    expect(subnet?.evidence.igwRoutes).toEqual([{ destination: LIST, gatewayId: 'igw-0a1' }]);
    expect(ruleIdsOf(r, ENI)).toEqual(['eni-internet-exposed']);
    expect(r.notJudged).toEqual([]);
  });

  it('a list holding the world in two halves counts the same; an office range does not', () => {
    expect(ruleIdsOf(report(worldWithListRoute(['0.0.0.0/1', '128.0.0.0/1'])), SUBNET)).toEqual([
      'subnet-private-has-igw-route',
    ]);
    const office = report(worldWithListRoute(['198.51.100.0/24']));
    expect(ruleIdsOf(office, SUBNET)).toEqual([]);
    expect(ruleIdsOf(office, ENI)).toEqual([]);
    expect(office.notJudged).toEqual([]);
  });

  it('a "public" subnet routed through such a list is not reported as having no igw- route', () => {
    expect(ruleIdsOf(report(worldWithListRoute(['0.0.0.0/0'], 'public-a')), SUBNET)).toEqual([]);
  });

  it('a list the snapshot does not resolve: the subnet and the interface are listed as not judged, not passed', () => {
    const r = report(worldWithListRoute(undefined, 'public-private'));
    const reason = `the route table rtb-0main of subnet ${SUBNET} sends prefix list ${LIST} to an internet gateway, whose entries are not in the snapshot (add it to ManagedPrefixLists)`;
    expect(r.notJudged).toEqual([
      { resourceId: ENI, reason, ruleId: 'eni-internet-exposed' },
      { resourceId: SUBNET, reason, ruleId: 'subnet-private-has-igw-route' },
      { resourceId: SUBNET, reason, ruleId: 'subnet-public-no-igw-route' },
    ]);
    expect(ruleIdsOf(r, SUBNET)).toEqual([]);
    expect(ruleIdsOf(r, ENI)).toEqual([]);
  });
});

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });

describe('the live loaders read the lists routes to an igw- name', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('a route event reads the list (one call) and reports the private subnet and the exposed interface', async () => {
    // Prepare
    installFakeEc2(ec2Mock, worldWithListRoute(['0.0.0.0/0']));
    const scope = { ...emptyScope('CreateRoute', 'route'), routeTableIds: ['rtb-0main'] };

    // Act
    const slice = await loadSlice(ec2, scope);
    const assessment = assessSlice([scope], slice.snapshot, parseConfig({}), {
      sliceComplete: slice.complete,
    });

    // Assess
    expect(slice.complete).toBe(true);
    expect(
      ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input.PrefixListId),
    ).toEqual([LIST]);
    expect(slice.calls).toBe(7);
    expect(assessment.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([
      ['eni-internet-exposed', ENI],
      ['subnet-private-has-igw-route', SUBNET],
    ]);
  });

  it('a security-group event reads it too (its interfaces’ exposure depends on it)', async () => {
    installFakeEc2(ec2Mock, worldWithListRoute(['0.0.0.0/0']));
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0web'],
    };
    const slice = await loadSlice(ec2, scope);
    const assessment = assessSlice([scope], slice.snapshot, parseConfig({}), {
      sliceComplete: slice.complete,
    });
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(1);
    expect(assessment.findings.filter((f) => f.resourceId === ENI).map((f) => f.evidence.ports)).toEqual([
      ['22/tcp'],
    ]);
  });

  it('a gateway endpoint route (pl- to a vpce-) is not read: it decides nothing', async () => {
    const world = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
    (world.RouteTables[0] as { Routes: unknown[] }).Routes.push({
      DestinationPrefixListId: 'pl-6da54004',
      GatewayId: 'vpce-0s3',
      State: 'active',
    });
    installFakeEc2(ec2Mock, world);
    const slice = await loadSlice(ec2, {
      ...emptyScope('CreateRoute', 'route'),
      routeTableIds: ['rtb-0main'],
    });
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(0);
    expect(slice.calls).toBe(6);
  });

  it('the region load reads a route list to an igw- (and not a vpce- one)', async () => {
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC, OwnerId: '111122223333' }] });
    ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: VPC,
          Routes: [
            { DestinationPrefixListId: LIST, GatewayId: 'igw-0a1', State: 'active' },
            { DestinationPrefixListId: 'pl-6da54004', GatewayId: 'vpce-0s3', State: 'active' },
          ],
        },
      ],
    });
    ec2Mock.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
    ec2Mock.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
    ec2Mock.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({
      PrefixLists: [
        { PrefixListId: LIST, PrefixListName: 'everything', AddressFamily: 'IPv4', OwnerId: '111122223333' },
        {
          PrefixListId: 'pl-6da54004',
          PrefixListName: 'com.amazonaws.us-east-1.s3',
          AddressFamily: 'IPv4',
          OwnerId: 'AWS',
        },
      ],
    });
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: LIST })
      .resolves({ Entries: [{ Cidr: '0.0.0.0/0' }] });

    const snapshot = await loadRegionSnapshot(ec2, { region: 'us-east-1' });

    expect(snapshot.ManagedPrefixLists.map((l) => [l.PrefixListId, l.Entries])).toEqual([
      [LIST, [{ Cidr: '0.0.0.0/0' }]],
    ]);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(1);
  });
});
