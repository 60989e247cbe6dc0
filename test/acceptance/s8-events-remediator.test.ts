import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeActions } from '../../shared/aws/remediator';
import type { PlannedAction } from '../../shared/remediation/types';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const awsError = (name: string) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] },
  findingIds: [],
};
const deleteEntry: PlannedAction = {
  action: 'DeleteNetworkAclEntry',
  parameters: { NetworkAclId: 'acl-1', RuleNumber: 90, Egress: false },
  findingIds: [],
};
const createEntry: PlannedAction = {
  action: 'CreateNetworkAclEntry',
  parameters: {
    NetworkAclId: 'acl-1',
    RuleNumber: 99,
    Protocol: '6',
    RuleAction: 'deny',
    Egress: false,
    CidrBlock: '0.0.0.0/0',
    PortRange: { From: 22, To: 22 },
  },
  findingIds: [],
};
const modifySubnet: PlannedAction = {
  action: 'ModifySubnetAttribute',
  parameters: { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: false } },
  findingIds: [],
};

describe('§8 remediator: what counts as done', () => {
  beforeEach(() => ec2Mock.reset());

  it.each([
    ['InvalidPermission.NotFound', revoke],
    ['InvalidSecurityGroupRuleId.NotFound', revoke],
    ['InvalidGroup.NotFound', revoke],
    ['InvalidNetworkAclEntry.NotFound', deleteEntry],
    ['InvalidNetworkAclID.NotFound', deleteEntry],
    ['InvalidSubnetID.NotFound', modifySubnet],
  ] as const)('counts %s as already done', async (code, action) => {
    ec2Mock.rejects(awsError(code));
    // A revoke's NotFound is verified by reading the rule ids back (§8): here they are gone.
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const [result] = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(result?.status).toBe('already-done');
  });

  it('counts an existing identical deny entry as done, and a different one as failed', async () => {
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('NetworkAclEntryAlreadyExists'));
    const same = { ...createEntry.parameters };
    ec2Mock
      .on(DescribeNetworkAclsCommand)
      .resolves({ NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [same] }] });
    expect(
      (await executeActions(ec2, { dryRun: false, actions: [createEntry], skipped: [] }))[0]?.status,
    ).toBe('already-done');
    ec2Mock
      .on(DescribeNetworkAclsCommand)
      .resolves({ NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ ...same, RuleAction: 'allow' }] }] });
    expect(
      (await executeActions(ec2, { dryRun: false, actions: [createEntry], skipped: [] }))[0]?.status,
    ).toBe('failed');
  });

  it('sends each call with exactly the planned EC2 input', async () => {
    ec2Mock.resolves({});
    await executeActions(ec2, {
      dryRun: false,
      actions: [revoke, createEntry, deleteEntry, modifySubnet],
      skipped: [],
    });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRuleIds: ['sgr-a'],
    });
    expect(ec2Mock.commandCalls(CreateNetworkAclEntryCommand)[0]?.args[0].input).toEqual(
      createEntry.parameters,
    );
    expect(ec2Mock.commandCalls(DeleteNetworkAclEntryCommand)[0]?.args[0].input).toEqual({
      NetworkAclId: 'acl-1',
      RuleNumber: 90,
      Egress: false,
    });
    expect(ec2Mock.commandCalls(ModifySubnetAttributeCommand)[0]?.args[0].input).toEqual({
      SubnetId: 'subnet-1',
      MapPublicIpOnLaunch: { Value: false },
    });
  });

  it('calls nothing in a dry run', async () => {
    const results = await executeActions(ec2, { dryRun: true, actions: [revoke, createEntry], skipped: [] });
    expect(results.map((r) => r.status)).toEqual(['dry-run', 'dry-run']);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
