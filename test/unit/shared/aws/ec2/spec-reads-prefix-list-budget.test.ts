import { EC2Client, GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { DEFAULT_CONFIG } from '../../../../../shared/config';
import { evaluateReport } from '../../../../../shared/engine';
import { emptyScope } from '../../../../../shared/events/event-table';
import { parseSnapshot } from '../../../../../shared/model/snapshot';
import { assessSlice } from '../../../../../shared/scope/assess';
import { notJudgedInScope } from '../../../../../shared/scope/resolve';
import { ACL, buildWorld, ENI, installFakeEc2, OTHER_GROUP, VPC, type World } from '../../../../helpers';

// reads (a), DESIGN §12 "An SG event costs ≤ 6 EC2 read calls": why an AuthorizeSecurityGroupIngress
// with two customer prefix lists in play costs 7. The five base reads (the interfaces using the
// group; then the groups, their rules, the VPC's route tables and NACLs) each carry what no other
// read gives (who uses the group; the groups' exemption tags; the rule ids a revoke names, §8; each
// interface's path to the internet). A list's entries come only from GetManagedPrefixListEntries,
// whose `PrefixListId` is singular (EC2 API reference); DescribeManagedPrefixLists takes several
// ids (`PrefixListId.N`) but answers no entries, and DescribePrefixLists (several ids, with
// `Cidrs`) describes AWS services' lists only. So each list read is one call: 5 + N for N lists,
// all read together in the round after the rules and tables that name them, each once, none
// skipped (a list left unread is a group "not judged", or a world range passed in silence). These
// tests pin that floor and that nothing is read beyond it.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const GROUP = 'sg-0web';
const scope = { ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'), securityGroupIds: [GROUP] };

const LISTS = [
  { PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] },
  { PrefixListId: 'pl-0office', Entries: [{ Cidr: '198.51.100.0/24' }] },
  { PrefixListId: 'pl-0partner', Entries: [{ Cidr: '0.0.0.0/1' }, { Cidr: '128.0.0.0/1' }] },
];

/** sg-0web admits 22 from the world list and 443 from the office list; with `third`, sg-0base (the interface's other group) admits 3389 from the partner list. */
function world(third: boolean): World {
  const w = buildWorld({
    groupId: GROUP,
    rules: [
      { id: 'sgr-pl22', from: 22, prefixList: 'pl-0world' },
      { id: 'sgr-pl443', from: 443, prefixList: 'pl-0office' },
    ],
  });
  if (third) {
    const base = w.SecurityGroups.find((g) => g.GroupId === OTHER_GROUP) as { IpPermissions: unknown[] };
    base.IpPermissions = [
      {
        IpProtocol: 'tcp',
        FromPort: 3389,
        ToPort: 3389,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [{ PrefixListId: 'pl-0partner' }],
        UserIdGroupPairs: [],
      },
    ];
    (w.SecurityGroupRules as unknown[]).push({
      SecurityGroupRuleId: 'sgr-0base-pl3389',
      GroupId: OTHER_GROUP,
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 3389,
      ToPort: 3389,
      PrefixListId: 'pl-0partner',
      Tags: [],
    });
  }
  w.ManagedPrefixLists = (third ? LISTS : LISTS.slice(0, 2)).map((list) => ({ ...list }));
  return w;
}

async function judged(w: World) {
  installFakeEc2(ec2Mock, w);
  const slice = await loadSlice(ec2, scope);
  const assessment = assessSlice([scope], slice.snapshot, DEFAULT_CONFIG, { sliceComplete: slice.complete });
  const audit = evaluateReport(parseSnapshot(w), DEFAULT_CONFIG);
  const reported = new Set([GROUP, ENI]);
  const key = (f: { ruleId: string; resourceId: string }) => `${f.resourceId} ${f.ruleId}`;
  return {
    calls: slice.calls,
    complete: slice.complete,
    lists: ec2Mock
      .commandCalls(GetManagedPrefixListEntriesCommand)
      .map((c) => c.args[0].input.PrefixListId)
      .sort(),
    event: assessment.findings.map(key).sort(),
    audit: audit.findings
      .filter((f) => reported.has(f.resourceId))
      .map(key)
      .sort(),
    notJudged: notJudgedInScope(assessment.notJudged, assessment.resolved),
  };
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('the reads of a security-group event with several customer prefix lists (DESIGN §12)', () => {
  it('two lists of the group: 5 base reads + 2 list reads = 7, each list once, judged as the audit judges', async () => {
    const out = await judged(world(false));
    expect(out).toMatchObject({
      calls: 7,
      complete: true,
      lists: ['pl-0office', 'pl-0world'],
      notJudged: [],
    });
    expect(out.event).toEqual(out.audit);
    expect(out.event).toContain(`${GROUP} sg-open-admin-port`);
    expect(out.event).toContain(`${ENI} eni-internet-exposed`);
  });

  it("three lists (the interface's other group names the third): 8, each once; the other group's world-open 3389 reaches the interface's exposure", async () => {
    const out = await judged(world(true));
    expect(out).toMatchObject({
      calls: 8,
      complete: true,
      lists: ['pl-0office', 'pl-0partner', 'pl-0world'],
      notJudged: [],
    });
    expect(out.event).toEqual(out.audit);
    const exposed = (await judgedEvidence(world(true))).join('\n');
    expect(exposed).toContain('3389');
  });
});

/** The evidence of the interface's eni-internet-exposed finding in the event. */
async function judgedEvidence(w: World): Promise<string[]> {
  ec2Mock.reset();
  installFakeEc2(ec2Mock, w);
  const slice = await loadSlice(ec2, scope);
  const assessment = assessSlice([scope], slice.snapshot, DEFAULT_CONFIG, { sliceComplete: slice.complete });
  const finding = assessment.findings.find(
    (f) => f.resourceId === ENI && f.ruleId === 'eni-internet-exposed',
  );
  return finding ? [JSON.stringify(finding.evidence)] : [];
}

/** The world of `world(true)` with the interface's public IPv4 and IPv6 addresses taken away. */
function privateWorld(): World {
  const w = world(true);
  const eni = w.NetworkInterfaces[0] as Record<string, unknown>;
  delete eni.Association;
  delete eni.Ipv6Addresses;
  return w;
}

describe('lists that decide nothing an SG event reports are not read (DESIGN §7 scope, §12)', () => {
  it("an interface without a public address: the other group's list and a route's list are not read (7, not 9); the group's own two are", async () => {
    const w = privateWorld();
    // The main table's IPv4 default route written as a list to the igw- (DESIGN §5).
    (w.RouteTables[0] as { Routes: unknown[] }).Routes.push({
      DestinationPrefixListId: 'pl-0route',
      GatewayId: 'igw-0a1',
      State: 'active',
    });
    w.ManagedPrefixLists.push({ PrefixListId: 'pl-0route', Entries: [{ Cidr: '0.0.0.0/0' }] });
    const out = await judged(w);
    expect(out).toMatchObject({
      calls: 7,
      complete: true,
      lists: ['pl-0office', 'pl-0world'],
      notJudged: [],
    });
    // The group's findings and the (absent) exposure are the audit's.
    expect(out.event).toEqual(out.audit);
    expect(out.event).toEqual([`${GROUP} sg-open-admin-port`]);
  });

  it('with one list of its own the group event costs 6 however many lists its interfaces’ other groups name', async () => {
    const w = privateWorld();
    const web = w.SecurityGroups.find((g) => g.GroupId === GROUP) as {
      IpPermissions: { PrefixListIds?: unknown[] }[];
    };
    web.IpPermissions = web.IpPermissions.filter((p) => !JSON.stringify(p).includes('pl-0office'));
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-pl443');
    const out = await judged(w);
    expect(out).toMatchObject({ calls: 6, complete: true, lists: ['pl-0world'], notJudged: [] });
    expect(out.event).toEqual(out.audit);
  });

  it('an interface with only an IPv6 address may be exposed: every list is read (8)', async () => {
    const w = privateWorld();
    (w.NetworkInterfaces[0] as Record<string, unknown>).Ipv6Addresses = [{ Ipv6Address: '2600:1f18::10' }];
    const out = await judged(w);
    expect(out).toMatchObject({ calls: 8, lists: ['pl-0office', 'pl-0partner', 'pl-0world'], notJudged: [] });
    expect(out.event).toEqual(out.audit);
  });

  it('an interface event on a private interface reads none of its groups’ lists', async () => {
    installFakeEc2(ec2Mock, privateWorld());
    const eniScope = {
      ...emptyScope('ModifyNetworkInterfaceAttribute', 'network-interface'),
      networkInterfaceIds: [ENI],
    };
    const slice = await loadSlice(ec2, eniScope);
    expect(slice.complete).toBe(true);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(0);
    const assessment = assessSlice([eniScope], slice.snapshot, DEFAULT_CONFIG, {
      sliceComplete: slice.complete,
    });
    expect(assessment.findings).toEqual([]);
    expect(notJudgedInScope(assessment.notJudged, assessment.resolved)).toEqual([]);
  });

  it('a batch that also names a route table reads every list as before (its tables are reported)', async () => {
    const w = privateWorld();
    installFakeEc2(ec2Mock, w);
    const merged = { ...scope, routeTableIds: ['rtb-0main'] };
    const slice = await loadSlice(ec2, merged);
    expect(
      ec2Mock
        .commandCalls(GetManagedPrefixListEntriesCommand)
        .map((c) => c.args[0].input.PrefixListId)
        .sort(),
    ).toEqual(['pl-0office', 'pl-0partner', 'pl-0world']);
    expect(slice.complete).toBe(true);
  });
});

describe('per interface: only the public interfaces’ groups and subnets’ tables have their lists read', () => {
  it('a private interface’s other group and a table no public interface’s subnet uses are not read; the public one’s are', async () => {
    // Prepare: sg-0web (one list of its own) on the public eni-0web (with sg-0base, naming
    // pl-0partner) and on the private eni-0priv in subnet-0priv (with sg-0ctx, naming pl-0ctx);
    // subnet-0priv's own table routes pl-0route to the igw-.
    const w = world(true);
    const web = w.SecurityGroups.find((g) => g.GroupId === GROUP) as { IpPermissions: unknown[] };
    web.IpPermissions = web.IpPermissions.filter((p) => !JSON.stringify(p).includes('pl-0office'));
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-pl443');
    const permission = (list: string) => ({
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [{ PrefixListId: list }],
      UserIdGroupPairs: [],
    });
    (w.SecurityGroups as unknown[]).push({
      GroupId: 'sg-0ctx',
      GroupName: 'ctx',
      VpcId: VPC,
      IpPermissions: [permission('pl-0ctx')],
      IpPermissionsEgress: [],
      Tags: [],
    });
    (w.Subnets as unknown[]).push({ SubnetId: 'subnet-0priv', VpcId: VPC, CidrBlock: '10.0.2.0/24' });
    const acl = w.NetworkAcls[0] as { Associations: unknown[] };
    acl.Associations.push({
      NetworkAclAssociationId: 'aclassoc-0priv',
      NetworkAclId: ACL,
      SubnetId: 'subnet-0priv',
    });
    (w.RouteTables as unknown[]).push({
      RouteTableId: 'rtb-0priv',
      VpcId: VPC,
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        { DestinationPrefixListId: 'pl-0route', GatewayId: 'igw-0a1', State: 'active' },
      ],
      Associations: [
        {
          Main: false,
          RouteTableAssociationId: 'rtbassoc-0priv',
          RouteTableId: 'rtb-0priv',
          SubnetId: 'subnet-0priv',
          AssociationState: { State: 'associated' },
        },
      ],
      Tags: [],
    });
    (w.NetworkInterfaces as unknown[]).push({
      NetworkInterfaceId: 'eni-0priv',
      SubnetId: 'subnet-0priv',
      VpcId: VPC,
      InterfaceType: 'interface',
      Status: 'in-use',
      PrivateIpAddress: '10.0.2.10',
      Groups: [
        { GroupId: GROUP, GroupName: 'web' },
        { GroupId: 'sg-0ctx', GroupName: 'ctx' },
      ],
      TagSet: [],
    });
    w.ManagedPrefixLists.push(
      { PrefixListId: 'pl-0ctx', Entries: [{ Cidr: '0.0.0.0/0' }] },
      { PrefixListId: 'pl-0route', Entries: [{ Cidr: '0.0.0.0/0' }] },
    );

    // Act
    installFakeEc2(ec2Mock, w);
    const slice = await loadSlice(ec2, scope);
    const assessment = assessSlice([scope], slice.snapshot, DEFAULT_CONFIG, {
      sliceComplete: slice.complete,
    });
    const audit = evaluateReport(parseSnapshot(w), DEFAULT_CONFIG);

    // Assess: 5 + the group's own list + the public interface's other group's list.
    expect(slice.calls).toBe(7);
    expect(
      ec2Mock
        .commandCalls(GetManagedPrefixListEntriesCommand)
        .map((c) => c.args[0].input.PrefixListId)
        .sort(),
    ).toEqual(['pl-0partner', 'pl-0world']);
    const reported = new Set([GROUP, ENI, 'eni-0priv']);
    const key = (f: { ruleId: string; resourceId: string }) => `${f.resourceId} ${f.ruleId}`;
    expect(assessment.resolved.networkInterfaces).toEqual(['eni-0priv', ENI]);
    expect(assessment.findings.map(key).sort()).toEqual(
      audit.findings
        .filter((f) => reported.has(f.resourceId))
        .map(key)
        .sort(),
    );
    expect(assessment.findings.map(key)).toContain(`${ENI} eni-internet-exposed`);
    expect(notJudgedInScope(assessment.notJudged, assessment.resolved)).toEqual(
      audit.notJudged.filter((n) => reported.has(n.resourceId)),
    );
  });
});
