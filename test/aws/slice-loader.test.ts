import {
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSlice, SliceLoadError } from '../../shared/aws/slice-loader';
import { emptyScope } from '../../shared/events/event-table';
import { installFakeEc2 } from './fake-ec2';
import { ACL, buildWorld, ENI, OTHER_GROUP, SUBNET, VPC } from './world';

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

function error(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

describe('loadSlice', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('loads a security-group event in at most 6 EC2 read calls: group, rules, interfaces, then VPC context', async () => {
    // Prepare
    installFakeEc2(ec2Mock, world);
    // Act
    const slice = await loadSlice(ec2, sgScope, { accountId: '111122223333', region: 'us-east-1' });
    // Assess
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(6);
    expect(ec2Mock.calls()).toHaveLength(6);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
    });
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
    });
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'vpc-id', Values: [VPC] }],
    });
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
    // The interface's other group is read for its union of rules.
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'group-id', Values: [GROUP] }],
      [{ Name: 'group-id', Values: [OTHER_GROUP] }],
    ]);
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId).sort()).toEqual([OTHER_GROUP, GROUP].sort());
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toContain('sgr-world22');
    expect(slice.snapshot.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([ENI]);
    expect(slice.snapshot.Subnets).toEqual([{ SubnetId: SUBNET, VpcId: VPC, Tags: [] }]);
    expect(slice.snapshot.NetworkAcls.map((a) => a.NetworkAclId)).toEqual([ACL]);
    expect(slice.snapshot.accountId).toBe('111122223333');
  });

  it('follows NextToken through every page', async () => {
    installFakeEc2(ec2Mock, world, 1);
    const slice = await loadSlice(ec2, sgScope);
    // 3 rules of the group → 3 pages of DescribeSecurityGroupRules.
    expect(
      ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand).map((c) => c.args[0].input.NextToken),
    ).toEqual([undefined, '1', '2']);
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId).sort()).toEqual(
      ['sgr-egress-sg-0web', 'sgr-private22', 'sgr-world22'].sort(),
    );
  });

  it('finds a group by name, then loads its rules and interfaces', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['web'],
    };
    const slice = await loadSlice(ec2, scope);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-name', Values: ['web'] }],
    });
    expect(slice.snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toContain('sgr-world22');
    expect(slice.calls).toBeLessThanOrEqual(6);
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

  it('loads a NACL event: the NACL, its VPC context, the interfaces of the VPC and their groups', async () => {
    installFakeEc2(ec2Mock, world);
    const scope = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: [ACL] };
    const slice = await loadSlice(ec2, scope);
    expect(slice.complete).toBe(true);
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'network-acl-id', Values: [ACL] }],
      [{ Name: 'vpc-id', Values: [VPC] }],
    ]);
    expect(slice.snapshot.Subnets.map((s) => s.Tags)).toEqual([[{ Key: 'Name', Value: 'public-a' }]]);
    expect(slice.snapshot.NetworkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual([ENI]);
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId).sort()).toEqual([OTHER_GROUP, GROUP].sort());
  });
});
