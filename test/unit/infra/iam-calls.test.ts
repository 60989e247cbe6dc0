import { DescribeManagedPrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { memberReadActions } from '../../../infra/member-stack';
import { READ_ACTIONS, writeActionsByResource } from '../../../infra/permissions';
import { loadRegionSnapshot } from '../../../shared/aws/ec2/region';
import { loadSlice } from '../../../shared/aws/ec2/slice';
import { executeActions } from '../../../shared/aws/remediator';
import { emptyScope } from '../../../shared/events/event-table';
import type { EventScope } from '../../../shared/events/types';
import { parseConfig } from '../../../shared/load-config';
import type { PlannedAction } from '../../../shared/remediation/types';
import { RULES } from '../../../shared/rules/registry';
import { ACL, buildWorld, ENI, INSTANCE, installFakeEc2, SUBNET, VPC } from '../../helpers';

// DESIGN §10/§13: each function's role allows every EC2 call its code makes, and nothing more.
// The grants come from tables (infra/permissions.ts); these tests run the code that makes the calls
// (slice loader, region loader, remediator) and compare what it sent with what the roles allow.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const GROUP = 'sg-0web';
const PREFIX_LIST = 'pl-0offices';
const world = buildWorld({
  groupId: GROUP,
  rules: [
    { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' },
    { id: 'sgr-offices', from: 443, prefixList: PREFIX_LIST },
  ],
});
world.ManagedPrefixLists.push({
  PrefixListId: PREFIX_LIST,
  Entries: [{ Cidr: '198.51.100.0/24' }],
  Versions: { 1: [{ Cidr: '198.51.100.0/24' }] },
});

/** The IAM actions of the EC2 calls made so far (`ec2:<Operation>`), distinct and sorted. */
function actionsCalled(): string[] {
  const names = ec2Mock
    .calls()
    .map((c) => `ec2:${String(c.args[0].constructor.name).replace(/Command$/, '')}`);
  return [...new Set(names)].sort();
}

/** A scope of one area, naming the world's resources (and some it does not hold). */
function scope(area: EventScope['area'], ids: Partial<EventScope>): EventScope {
  return { ...emptyScope('Test', area), ...ids };
}

const SCOPES: EventScope[] = [
  scope('security-group', { securityGroupIds: [GROUP], securityGroupNames: ['default'] }),
  scope('network-acl', { networkAclIds: [ACL], subnetIds: [SUBNET] }),
  scope('route', { routeTableIds: ['rtb-0main'], vpcIds: [VPC], internetGatewayIds: ['igw-0a1'] }),
  scope('subnet', { subnetIds: [SUBNET], natGatewayIds: ['nat-0a1'], vpcEndpointIds: ['vpce-0a1'] }),
  scope('network-interface', { networkInterfaceIds: [ENI], instanceIds: [INSTANCE] }),
  // The prefix-list rows' lookups (groups and tables by list, a restored version's entries) and
  // CreateVpc's (the new VPC's groups, its VPC record): no read of their own in the role.
  scope('prefix-list', {
    prefixListIds: [PREFIX_LIST],
    addedPrefixListEntries: [{ prefixListId: PREFIX_LIST, cidr: '198.51.100.0/24' }],
    restoredPrefixListVersions: [{ prefixListId: PREFIX_LIST, version: 1 }],
  }),
  scope('vpc', { newVpcIds: [VPC], vpcIds: [VPC] }),
];

/** Every remediation call, with the inputs the plan gives them. */
const EVERY_WRITE: PlannedAction[] = [
  {
    action: 'RevokeSecurityGroupIngress',
    parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-world22'] },
    findingIds: ['f1'],
  },
  {
    action: 'RevokeSecurityGroupEgress',
    parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-out'] },
    findingIds: ['f2'],
  },
  {
    action: 'CreateNetworkAclEntry',
    parameters: {
      NetworkAclId: ACL,
      RuleNumber: 90,
      Protocol: '6',
      RuleAction: 'deny',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    },
    findingIds: ['f3'],
  },
  {
    action: 'ReplaceNetworkAclEntry',
    parameters: {
      NetworkAclId: ACL,
      RuleNumber: 100,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 443, To: 443 },
    },
    findingIds: ['f3'],
  },
  {
    action: 'DeleteNetworkAclEntry',
    parameters: { NetworkAclId: ACL, RuleNumber: 110, Egress: false },
    findingIds: ['f3'],
  },
  {
    action: 'ModifySubnetAttribute',
    parameters: { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: false } },
    findingIds: ['f4'],
  },
];

/** What a role allows when every rule may act (opt-in ones included). */
const EVERY_RULE_REMEDIATES = parseConfig({
  mode: 'remediate',
  rules: Object.fromEntries(
    RULES.filter((r) => r.meta.autoFix !== 'no').map((r) => [r.meta.id, 'remediate']),
  ),
});
const WRITES = writeActionsByResource(EVERY_RULE_REMEDIATES).flatMap((w) => w.actions);

describe('IAM against the calls the code makes', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.onAnyCommand().resolves({});
    installFakeEc2(ec2Mock, world);
    ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({
      PrefixLists: [{ PrefixListId: PREFIX_LIST, AddressFamily: 'IPv4', OwnerId: '111122223333' }],
    });
  });

  it("the event function's slice loader calls exactly the reads its role has, over every area", async () => {
    // Act
    for (const s of SCOPES) await loadSlice(ec2, s, { accountId: '111122223333', region: 'eu-west-1' });

    // Assess
    expect(actionsCalled()).toEqual([...READ_ACTIONS['on-network-change']]);
  });

  it("the audit's region loader calls exactly the reads its role has", async () => {
    // Act
    await loadRegionSnapshot(ec2, { region: 'eu-west-1' });

    // Assess
    expect(actionsCalled()).toEqual([...READ_ACTIONS.audit]);
  });

  it('the remediator calls only writes a role gets in remediate mode, and reads the event role has', async () => {
    // Prepare: the subnet still assigns public addresses (the fix reads it just before the call).
    const plan = { dryRun: false, actions: EVERY_WRITE, skipped: [] };
    const subnet = world.Subnets.find((s) => s.SubnetId === SUBNET);
    if (subnet) subnet.MapPublicIpOnLaunch = true;

    // Act: every call succeeds; then the answers that make it verify (a rule already gone, an
    // entry already there).
    await executeActions(ec2, plan);
    const direct = actionsCalled();
    if (subnet) subnet.MapPublicIpOnLaunch = false;
    ec2Mock.reset();
    ec2Mock
      .onAnyCommand()
      .rejects(Object.assign(new Error('gone'), { name: 'InvalidSecurityGroupRuleId.NotFound' }));
    await executeActions(ec2, { ...plan, actions: EVERY_WRITE.slice(0, 1) });
    const verifyRevoke = actionsCalled();
    ec2Mock.reset();
    ec2Mock
      .onAnyCommand()
      .rejects(Object.assign(new Error('exists'), { name: 'NetworkAclEntryAlreadyExists' }));
    await executeActions(ec2, { ...plan, actions: EVERY_WRITE.slice(2, 3) });
    const verifyEntry = actionsCalled();

    // Assess
    expect(WRITES.sort()).toEqual([
      'ec2:CreateNetworkAclEntry',
      'ec2:DeleteNetworkAclEntry',
      'ec2:ModifySubnetAttribute',
      'ec2:ReplaceNetworkAclEntry',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
    ]);
    const allowed = new Set([...WRITES, ...READ_ACTIONS['on-network-change']]);
    expect(verifyRevoke).toEqual(['ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupIngress']);
    expect(verifyEntry).toEqual(['ec2:CreateNetworkAclEntry', 'ec2:DescribeNetworkAcls']);
    expect(direct.filter((a) => !a.startsWith('ec2:Describe'))).toEqual(WRITES);
    for (const action of [...direct, ...verifyRevoke, ...verifyEntry]) expect(allowed).toContain(action);
    // The audit's role may remediate too (`remediate: true`): the same reads are in its list.
    expect(direct).toContain('ec2:DescribeSubnets');
    for (const read of ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeNetworkAcls', 'ec2:DescribeSubnets']) {
      expect(READ_ACTIONS.audit).toContain(read);
    }
  });

  it('the member role reads what both central functions read in a member account', () => {
    // Assess
    expect(memberReadActions()).toEqual(
      [...new Set([...READ_ACTIONS['on-network-change'], ...READ_ACTIONS.audit])].sort(),
    );
  });
});
