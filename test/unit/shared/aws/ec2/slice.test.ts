import {
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
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { SliceLoadError } from '../../../../../shared/aws/errors';
import { evaluateModel } from '../../../../../shared/engine';
import { emptyScope } from '../../../../../shared/events/event-table';
import { parseConfig } from '../../../../../shared/load-config';
import { buildModel } from '../../../../../shared/model/model';
import { assessSlice } from '../../../../../shared/scope/assess';
import {
  ACL,
  buildWorld,
  ENI,
  INSTANCE,
  installFakeEc2,
  OTHER_GROUP,
  type RuleSpec,
  SUBNET,
  VPC,
  type World,
} from '../../../../helpers';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });

const GROUP = 'sg-0web';
const world = buildWorld({
  groupId: GROUP,
  rules: [
    { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' },
    { id: 'sgr-private22', from: 22, cidr: '10.0.0.0/8' },
  ],
});
const sgScope = {
  ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
  securityGroupIds: [GROUP],
};

/** EC2 commands called, by name, sorted (concurrent calls have no order). */
function commandNames(): string[] {
  return ec2Mock
    .calls()
    .map((c) => String(c.args[0].constructor.name))
    .sort();
}

/** Gives the interface's other group ingress rules, in both its permissions and its rules. */
function addOtherGroupIngress(w: World, rules: RuleSpec[]): void {
  const other = w.SecurityGroups.find((g) => g.GroupId === OTHER_GROUP);
  if (!other) throw new Error('no other group');
  other.IpPermissions = rules.map((r) => ({
    IpProtocol: 'tcp',
    FromPort: r.from,
    ToPort: r.from,
    IpRanges: r.cidr ? [{ CidrIp: r.cidr }] : [],
    Ipv6Ranges: [],
    PrefixListIds: r.prefixList ? [{ PrefixListId: r.prefixList }] : [],
    UserIdGroupPairs: [],
  }));
  for (const r of rules) {
    w.SecurityGroupRules.push({
      SecurityGroupRuleId: r.id,
      GroupId: OTHER_GROUP,
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: r.from,
      ToPort: r.from,
      ...(r.cidr ? { CidrIpv4: r.cidr } : {}),
      ...(r.prefixList ? { PrefixListId: r.prefixList } : {}),
      Tags: [],
    });
  }
}

function error(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

/** The world with its VPC as the region's default VPC (where a name without a VPC is read). */
function asDefaultVpc(w: World): World {
  const copy = structuredClone(w);
  for (const vpc of copy.Vpcs) vpc.IsDefault = true;
  return copy;
}

describe('loadSlice', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('loads a security-group event in 5 EC2 read calls: interfaces, then groups and rules (the other groups too) and VPC context', async () => {
    // Prepare
    installFakeEc2(ec2Mock, world);
    // Act
    const slice = await loadSlice(ec2, sgScope, { accountId: '111122223333', region: 'us-east-1' });
    // Assess
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(5);
    expect(ec2Mock.calls()).toHaveLength(5);
    expect(commandNames()).toEqual([
      'DescribeNetworkAclsCommand',
      'DescribeNetworkInterfacesCommand',
      'DescribeRouteTablesCommand',
      'DescribeSecurityGroupRulesCommand',
      'DescribeSecurityGroupsCommand',
    ]);
    // One rules call: the event's group and the interface's other group.
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP, OTHER_GROUP] }],
    });
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
    });
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'vpc-id', Values: [VPC] }],
    });
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
    // One describe: the event's group and the interface's other group (its tags exempt, §8).
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'group-id', Values: [GROUP, OTHER_GROUP] }],
    ]);
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId)).toEqual([GROUP, OTHER_GROUP]);
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toContain('sgr-world22');
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toContain('sgr-0base-egress');
    expect(slice.snapshot.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([ENI]);
    expect(slice.snapshot.Subnets).toEqual([{ SubnetId: SUBNET, VpcId: VPC, Tags: [] }]);
    expect(slice.snapshot.NetworkAcls.map((a) => a.NetworkAclId)).toEqual([ACL]);
    expect(slice.snapshot.accountId).toBe('111122223333');
  });

  it('loads a security-group event with one customer prefix list in 6 calls, exposure through the union still found', async () => {
    // Prepare: the event's group admits 0.0.0.0/1 on 22 through a customer prefix list, the
    // interface's other group 128.0.0.0/1 on 22 and the world on 3389: neither group alone is
    // world-open on 22, their union is.
    const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-pl22', from: 22, prefixList: 'pl-0cust' }] });
    w.ManagedPrefixLists = [{ PrefixListId: 'pl-0cust', Entries: [{ Cidr: '0.0.0.0/1' }] }];
    addOtherGroupIngress(w, [
      { id: 'sgr-0base-half22', from: 22, cidr: '128.0.0.0/1' },
      { id: 'sgr-0base-world3389', from: 3389, cidr: '0.0.0.0/0' },
    ]);
    installFakeEc2(ec2Mock, w);
    // Act
    const slice = await loadSlice(ec2, sgScope);
    // Assess: the count and the commands.
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(6);
    expect(ec2Mock.calls()).toHaveLength(6);
    expect(commandNames()).toEqual([
      'DescribeNetworkAclsCommand',
      'DescribeNetworkInterfacesCommand',
      'DescribeRouteTablesCommand',
      'DescribeSecurityGroupRulesCommand',
      'DescribeSecurityGroupsCommand',
      'GetManagedPrefixListEntriesCommand',
    ]);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input)).toEqual([
      { PrefixListId: 'pl-0cust' },
    ]);
    expect(slice.snapshot.ManagedPrefixLists).toEqual([
      { PrefixListId: 'pl-0cust', Entries: [{ Cidr: '0.0.0.0/1' }] },
    ]);
    // The other group is described (with the event's group, one call) and its rules loaded.
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId)).toEqual([GROUP, OTHER_GROUP]);
    expect(
      slice.snapshot.SecurityGroupRules.filter((r) => r.GroupId === OTHER_GROUP).map(
        (r) => r.SecurityGroupRuleId,
      ),
    ).toEqual(['sgr-0base-egress', 'sgr-0base-half22', 'sgr-0base-world3389']);

    // The exposure uses the other group's rules; findings about the other group are context.
    const assessment = assessSlice([sgScope], slice.snapshot, parseConfig({ mode: 'remediate' }), {
      sliceComplete: slice.complete,
    });
    expect(assessment.resolved.securityGroups).toEqual([GROUP]);
    expect(assessment.resolved.networkInterfaces).toEqual([ENI]);
    const exposed = assessment.findings.find((f) => f.ruleId === 'eni-internet-exposed');
    expect(exposed?.resourceId).toBe(ENI);
    expect(exposed?.evidence.ports).toEqual(['22/tcp', '3389/tcp']);
    expect(assessment.findings.filter((f) => f.resourceId === OTHER_GROUP)).toEqual([]);
    // Nothing of the other group is remediated (its world-open 3389 is someone else's change).
    expect(JSON.stringify(assessment.plan.actions)).not.toContain(OTHER_GROUP);
    // Unfiltered, the engine does judge the other group: the scope is what keeps it out.
    const all = evaluateModel(buildModel(slice.snapshot), parseConfig({}));
    expect(all.some((f) => f.resourceId === OTHER_GROUP && f.ruleId === 'sg-open-admin-port')).toBe(true);
  });

  it('loads a security-group event whose group no interface uses in 5 calls', async () => {
    const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
    w.NetworkInterfaces = [];
    installFakeEc2(ec2Mock, w);
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(5);
    expect(ec2Mock.calls()).toHaveLength(slice.calls);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
    });
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId).sort()).toEqual(
      ['sgr-egress-sg-0web', 'sgr-world22'].sort(),
    );
    // The group's VPC, known from its description, still gives the route tables and NACLs.
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Name: 'vpc-id', Values: [VPC] }] },
    ]);
    expect(slice.snapshot.NetworkAcls.map((a) => a.NetworkAclId)).toEqual([ACL]);
  });

  it('reads the VPC context once for a used group and an unused one of another VPC (a batch keeps its cost)', async () => {
    const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
    w.SecurityGroups.push({
      GroupId: 'sg-0lone',
      GroupName: 'lone',
      VpcId: 'vpc-0b2',
      IpPermissions: [],
      IpPermissionsEgress: [],
      Tags: [],
    });
    installFakeEc2(ec2Mock, w);
    const slice = await loadSlice(ec2, { ...sgScope, securityGroupIds: [GROUP, 'sg-0lone'] });
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(5);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'group-id', Values: [GROUP, 'sg-0lone', OTHER_GROUP] }],
    ]);
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Name: 'vpc-id', Values: [VPC, 'vpc-0b2'] }] },
    ]);
  });

  it('reads a prefix list only the other groups reference in one more round', async () => {
    const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
    w.ManagedPrefixLists = [{ PrefixListId: 'pl-0base', Entries: [{ Cidr: '0.0.0.0/0' }] }];
    addOtherGroupIngress(w, [{ id: 'sgr-0base-pl443', from: 443, prefixList: 'pl-0base' }]);
    installFakeEc2(ec2Mock, w);
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(6);
    expect(slice.snapshot.ManagedPrefixLists.map((l) => l.PrefixListId)).toEqual(['pl-0base']);
    const assessment = assessSlice([sgScope], slice.snapshot, parseConfig({}), { sliceComplete: true });
    const exposed = assessment.findings.find((f) => f.ruleId === 'eni-internet-exposed');
    expect(exposed?.evidence.ports).toEqual(['22/tcp', '443/tcp']);
  });

  it('describes the other groups when their rules cannot be read, so exposure still counts them', async () => {
    const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
    addOtherGroupIngress(w, [{ id: 'sgr-0base-world3389', from: 3389, cidr: '0.0.0.0/0' }]);
    installFakeEc2(ec2Mock, w);
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .rejects(error('UnauthorizedOperation', 'You are not authorized'));
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.complete).toBe(false);
    expect(slice.errors).toEqual([
      'DescribeSecurityGroupRules: UnauthorizedOperation: You are not authorized',
    ]);
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId)).toEqual([GROUP, OTHER_GROUP]);
    const assessment = assessSlice([sgScope], slice.snapshot, parseConfig({}), { sliceComplete: false });
    const exposed = assessment.findings.find((f) => f.ruleId === 'eni-internet-exposed');
    expect(exposed?.evidence.ports).toEqual(['22/tcp', '3389/tcp']);
    expect(assessment.plan.actions).toEqual([]);
  });

  it('follows NextToken through every page', async () => {
    installFakeEc2(ec2Mock, world, 1);
    const slice = await loadSlice(ec2, sgScope);
    // 3 rules of the group and 1 of the interface's other group → 4 pages of DescribeSecurityGroupRules.
    expect(
      ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand).map((c) => c.args[0].input.NextToken),
    ).toEqual([undefined, '1', '2', '3']);
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId).sort()).toEqual(
      ['sgr-0base-egress', 'sgr-egress-sg-0web', 'sgr-private22', 'sgr-world22'].sort(),
    );
  });

  it('finds a group by name in the default VPC (GroupNames), then loads its rules and interfaces', async () => {
    installFakeEc2(ec2Mock, asDefaultVpc(world));
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['web'],
    };
    const slice = await loadSlice(ec2, scope);
    // EC2's own reading of a name without a VPC: `GroupNames` answers from the default VPC only.
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      GroupNames: ['web'],
    });
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toContain('sgr-world22');
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP, OTHER_GROUP] }],
    });
    // The name's describe comes first (the id is needed to find the interfaces); the interface's
    // other group is described with the rules' round, for its tags (§8): one call more than by id.
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input)).toEqual([
      { GroupNames: ['web'] },
      { Filters: [{ Name: 'group-id', Values: [OTHER_GROUP] }] },
    ]);
    expect(slice.calls).toBe(6);
  });

  it("takes no other VPC's group for a by-name call whose default-VPC group was deleted before the read", async () => {
    // Arrange: the call named 'web' (default VPC); by the time of the read, the default VPC's 'web'
    // is gone and another VPC holds a group 'web', world-open on 22, used by an interface.
    const w = asDefaultVpc(world);
    w.Vpcs.push({ VpcId: 'vpc-0prod', IsDefault: false, CidrBlock: '10.9.0.0/16' });
    const web = w.SecurityGroups.find((g) => g.GroupId === GROUP);
    if (!web) throw new Error('no web group');
    web.VpcId = 'vpc-0prod';
    installFakeEc2(ec2Mock, w);
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['web'],
    };
    // Act
    const slice = await loadSlice(ec2, scope);
    const assessment = assessSlice([scope], slice.snapshot, parseConfig({ mode: 'remediate' }), {
      sliceComplete: slice.complete,
    });
    // Assert: the name is read as EC2 reads it (nothing there: an empty answer, not an error), so the
    // other VPC's 'web' is neither judged nor revoked (before: the group-name filter found it, the
    // only VPC holding the name, and its 22 rule was revoked for a call that never touched it).
    expect(slice.complete).toBe(true);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input)).toEqual([
      { GroupNames: ['web'] },
    ]);
    expect(slice.snapshot.SecurityGroups).toEqual([]);
    expect(assessment.resolved.securityGroups).toEqual([]);
    expect(assessment.resolved.missing).toEqual(['group named web']);
    expect(assessment.findings).toEqual([]);
    expect(assessment.plan.actions).toEqual([]);
    expect(slice.calls).toBe(1);
  });

  it('an EC2 answering GroupNames from every VPC (moto) still gets the default VPC told apart by DescribeVpcs', async () => {
    const w = asDefaultVpc(world);
    w.Vpcs.push({ VpcId: 'vpc-0prod', IsDefault: false, CidrBlock: '10.9.0.0/16' });
    const twin = { GroupId: 'sg-0twin', GroupName: 'web', VpcId: 'vpc-0prod', IpPermissions: [], Tags: [] };
    w.SecurityGroups.push(twin);
    installFakeEc2(ec2Mock, w);
    const web = w.SecurityGroups.find((g) => g.GroupId === GROUP);
    ec2Mock
      .on(DescribeSecurityGroupsCommand, { GroupNames: ['web'] })
      .resolves({ SecurityGroups: [web ?? {}, twin] });
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['web'],
    };
    const slice = await loadSlice(ec2, scope);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toHaveLength(1);
    const assessment = assessSlice([scope], slice.snapshot, parseConfig({}), {
      sliceComplete: slice.complete,
    });
    expect(assessment.resolved.securityGroups).toEqual([GROUP]);
  });

  it('a by-name call in a VPC the record names still reads by the group-name filter there', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('CreateSecurityGroup', 'security-group'),
      securityGroupNames: ['web'],
      vpcIds: [VPC],
    };
    const slice = await loadSlice(ec2, scope);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-name', Values: ['web'] }],
    });
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId)).toContain(GROUP);
  });

  it('marks the slice incomplete, naming the call, when a describe is denied', async () => {
    installFakeEc2(ec2Mock, world);
    ec2Mock
      .on(DescribeNetworkInterfacesCommand)
      .rejects(error('UnauthorizedOperation', 'You are not authorized'));
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.complete).toBe(false);
    expect(slice.errors).toEqual([
      'DescribeNetworkInterfaces: UnauthorizedOperation: You are not authorized',
    ]);
  });

  it('throws a retryable error when throttling outlasts the SDK retries', async () => {
    installFakeEc2(ec2Mock, world);
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(error('RequestLimitExceeded'));
    await expect(loadSlice(ec2, sgScope)).rejects.toBeInstanceOf(SliceLoadError);
  });

  it('reads a deleted group as an empty slice, not an error', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = { ...sgScope, securityGroupIds: ['sg-0gone'] };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(slice.snapshot.SecurityGroups).toEqual([]);
    expect(slice.calls).toBe(3);
  });

  it('reads no prefix list that only egress or ICMP rules name: three lists, one read, 6 calls (DESIGN §12)', async () => {
    // Arrange: the group admits 22 from a customer list holding the world, ping from a monitoring
    // list, and sends to S3 through its gateway endpoint's AWS-managed list (the common egress one).
    const w = buildWorld({
      groupId: GROUP,
      rules: [
        { id: 'sgr-pl22', from: 22, prefixList: 'pl-0world' },
        { id: 'sgr-ping', protocol: 'icmp', from: 8, to: -1, prefixList: 'pl-0monitor' },
        { id: 'sgr-s3', from: 443, prefixList: 'pl-6da54004', egress: true },
      ],
    });
    w.ManagedPrefixLists = [
      { PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] },
      { PrefixListId: 'pl-0monitor', Entries: [{ Cidr: '0.0.0.0/0' }] },
      { PrefixListId: 'pl-6da54004', Entries: [{ Cidr: '52.218.0.0/17' }] },
    ];
    installFakeEc2(ec2Mock, w);
    // Act
    const slice = await loadSlice(ec2, sgScope);
    const assessment = assessSlice([sgScope], slice.snapshot, parseConfig({ mode: 'remediate' }), {
      sliceComplete: slice.complete,
    });
    // Assert: only the tcp ingress rule's list is read (before: all three, 8 calls).
    expect(slice.calls).toBe(6);
    expect(ec2Mock.calls()).toHaveLength(6);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input)).toEqual([
      { PrefixListId: 'pl-0world' },
    ]);
    // Judged as the audit judges it: world-open on 22 through the list, revoked by id, the egress rule kept.
    expect(assessment.findings.map((f) => [f.ruleId, f.resourceId]).sort()).toEqual(
      [
        ['eni-internet-exposed', ENI],
        ['sg-open-admin-port', GROUP],
      ].sort(),
    );
    expect(assessment.notJudged).toEqual([]);
    expect(assessment.plan.actions.map((a) => a.parameters)).toEqual([
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-pl22'] },
    ]);
  });

  it('resolves prefix lists the rules reference', async () => {
    const withList = buildWorld({
      groupId: GROUP,
      rules: [{ id: 'sgr-pl', from: 22, prefixList: 'pl-0world' }],
    });
    withList.ManagedPrefixLists = [{ PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] }];
    installFakeEc2(ec2Mock, withList);
    const slice = await loadSlice(ec2, sgScope);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input)).toEqual([
      { PrefixListId: 'pl-0world' },
    ]);
    expect(slice.snapshot.ManagedPrefixLists).toEqual([
      { PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] },
    ]);
  });

  it('reads a deleted NACL as an empty answer, and the others of the call one by one', async () => {
    installFakeEc2(ec2Mock, world);
    const gone = await loadSlice(ec2, {
      ...emptyScope('DeleteNetworkAclEntry', 'network-acl'),
      networkAclIds: ['acl-0gone'],
    });
    expect(gone.complete).toBe(true);
    expect(gone.snapshot.NetworkAcls).toEqual([]);
    ec2Mock.resetHistory();
    const scope = {
      ...emptyScope('CreateNetworkAclEntry', 'network-acl'),
      networkAclIds: ['acl-0gone', ACL],
    };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(slice.snapshot.NetworkAcls.map((a) => a.NetworkAclId)).toEqual([ACL]);
    expect(
      ec2Mock.commandCalls(DescribeNetworkAclsCommand).map((c) => c.args[0].input.NetworkAclIds),
    ).toEqual([['acl-0gone', ACL], ['acl-0gone'], [ACL]]);
  });

  it('reads endpoints by id through VpcEndpointIds: a deleted one is an empty answer, a live one beside it is read', async () => {
    const withEndpoint = {
      ...world,
      VpcEndpoints: [{ VpcEndpointId: 'vpce-0a1', VpcId: VPC, VpcEndpointType: 'Gateway' }],
    };
    installFakeEc2(ec2Mock, withEndpoint);
    const scope = {
      ...emptyScope('ModifyVpcEndpoint', 'vpc-endpoint'),
      vpcEndpointIds: ['vpce-0gone', 'vpce-0a1'],
    };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(slice.snapshot.VpcEndpoints.map((e) => e.VpcEndpointId)).toEqual(['vpce-0a1']);
    expect(ec2Mock.commandCalls(DescribeVpcEndpointsCommand).map((c) => c.args[0].input)).toEqual([
      { VpcEndpointIds: ['vpce-0gone', 'vpce-0a1'] },
      { VpcEndpointIds: ['vpce-0gone'] },
      { VpcEndpointIds: ['vpce-0a1'] },
    ]);
  });

  it('loads a NACL event: the NACL, its VPC context, the interfaces of the VPC and their groups', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: [ACL] };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    // By id through NetworkAclIds (EC2 emulators refuse the network-acl-id filter), and only it:
    // the subnets it decides are those it lists as associated, so the VPC's other NACLs are not
    // read. Nor are its subnets: it reports none, and a subnet's id and VPC (from the NACL's
    // associations and the interfaces) are all its interfaces' exposure needs — 5 calls, so that a
    // replace-only fix's one read of the NACL keeps the event at 6 (DESIGN §12, §14).
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand).map((c) => c.args[0].input)).toEqual([
      { NetworkAclIds: [ACL] },
    ]);
    expect(slice.calls).toBe(5);
    expect(commandNames()).toEqual([
      'DescribeNetworkAclsCommand',
      'DescribeNetworkInterfacesCommand',
      'DescribeRouteTablesCommand',
      'DescribeSecurityGroupsCommand',
      'DescribeVpcsCommand',
    ]);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
    expect(slice.snapshot.Subnets).toEqual([{ SubnetId: SUBNET, VpcId: VPC, Tags: [] }]);
    expect(slice.snapshot.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([ENI]);
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId).sort()).toEqual([OTHER_GROUP, GROUP].sort());
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
    // The NACL fix keeps admin access from the VPC's blocks (DESIGN §8): the VPC is read with the context.
    expect(ec2Mock.commandCalls(DescribeVpcsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'vpc-id', Values: [VPC] }],
    ]);
    expect(slice.snapshot.Vpcs.map((v) => [v.VpcId, v.CidrBlockAssociationSet?.[0]?.CidrBlock])).toEqual([
      [VPC, '10.0.0.0/16'],
    ]);
  });

  it('a subnet named beside a route table is not read by id; one of another VPC (merged batch) is, with its tables', async () => {
    // Arrange: AssociateRouteTable on the world's main table, merged with a call on a subnet of another VPC
    const other = {
      ...world,
      Subnets: [
        ...world.Subnets,
        {
          SubnetId: 'subnet-0dev',
          VpcId: 'vpc-0dev',
          CidrBlock: '10.9.1.0/24',
          MapPublicIpOnLaunch: true,
          Tags: [],
        },
      ],
      RouteTables: [
        ...world.RouteTables,
        {
          RouteTableId: 'rtb-0dev',
          VpcId: 'vpc-0dev',
          Routes: [{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'local', State: 'active' }],
          Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0dev', RouteTableId: 'rtb-0dev' }],
          Tags: [],
        },
      ],
    };
    installFakeEc2(ec2Mock, other);
    const alone = {
      ...emptyScope('AssociateRouteTable', 'route'),
      routeTableIds: ['rtb-0main'],
      subnetIds: [SUBNET],
    };
    // Act
    const slice = await loadSlice(ec2, alone);
    ec2Mock.resetHistory();
    const merged = await loadSlice(ec2, { ...alone, subnetIds: [SUBNET, 'subnet-0dev'] });
    // Assess: 6 calls alone (the subnet comes with its VPC's); merged, the other VPC's subnet is
    // read by id after round 2, then its VPC's route tables (and NACLs), so it is still judged.
    expect(slice.calls).toBe(6);
    expect(slice.snapshot.Subnets.map((s) => s.SubnetId)).toEqual([SUBNET]);
    expect(
      ec2Mock.commandCalls(DescribeSubnetsCommand).map((c) => c.args[0].input.Filters?.[0]?.Name),
    ).toEqual(['vpc-id', 'subnet-id']);
    expect(merged.snapshot.Subnets.map((s) => s.SubnetId).sort()).toEqual(['subnet-0dev', SUBNET].sort());
    expect(merged.snapshot.RouteTables.map((t) => t.RouteTableId).sort()).toEqual(['rtb-0dev', 'rtb-0main']);
    const findings = evaluateModel(buildModel(merged.snapshot), parseConfig({}));
    expect(findings.filter((f) => f.resourceId === 'subnet-0dev').map((f) => f.ruleId)).toEqual([
      'subnet-auto-assign-public-ip',
    ]);
  });

  it('a VPC that cannot be read leaves the slice complete: only the NACL fix becomes notify-only, saying why', async () => {
    installFakeEc2(ec2Mock, world);
    ec2Mock.on(DescribeVpcsCommand).rejects(error('UnauthorizedOperation', 'You are not authorized'));
    const scope = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: [ACL] };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(slice.errors).toEqual([]);
    expect(slice.snapshot.Vpcs).toEqual([]);
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    const assessment = assessSlice([scope], slice.snapshot, config, { sliceComplete: true });
    const nacl = assessment.findings.find((f) => f.ruleId === 'nacl-open-admin-port');
    expect(nacl?.remediation).toBeUndefined();
    expect((nacl?.evidence.notPlanned as string[] | undefined)?.[0]).toBe(
      `22/tcp ipv4: the CIDR blocks of VPC ${VPC} are not known (it is not in the snapshot or could not be read), so no fix can keep its own admin traffic`,
    );
    expect(assessment.plan.actions).toEqual([]);
  });

  it('reads no VPC for an event without a NACL in scope (a security-group event keeps its call budget)', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: [GROUP],
    };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
    expect(slice.snapshot.Vpcs).toEqual([]);
  });

  it('loads an interface event as before: the interface, then its groups described', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('ModifyNetworkInterfaceAttribute', 'network-interface'),
      networkInterfaceIds: [ENI],
    };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'group-id', Values: [GROUP, OTHER_GROUP] }],
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });

  it("reads a RunInstances launch's interfaces once, by instance id (not again by interface id)", async () => {
    // Prepare
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('RunInstances', 'network-interface'),
      instanceIds: [INSTANCE],
      networkInterfaceIds: [ENI],
    };
    // Act
    const slice = await loadSlice(ec2, scope);
    // Assess
    expect(slice.complete).toBe(true);
    expect(
      ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters),
    ).toEqual([[{ Name: 'attachment.instance-id', Values: [INSTANCE] }]]);
    expect(slice.snapshot.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([ENI]);
  });

  it('reads an interface id by id when the instance read in the same scope did not return it', async () => {
    // Prepare: an interface of another event in the same scope, not attached to the instance.
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('RunInstances', 'network-interface'),
      instanceIds: ['i-0gone'],
      networkInterfaceIds: [ENI],
    };
    // Act
    const slice = await loadSlice(ec2, scope);
    // Assess
    expect(
      ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters),
    ).toEqual([
      [{ Name: 'attachment.instance-id', Values: ['i-0gone'] }],
      [{ Name: 'network-interface-id', Values: [ENI] }],
    ]);
    expect(slice.snapshot.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([ENI]);
  });
});
