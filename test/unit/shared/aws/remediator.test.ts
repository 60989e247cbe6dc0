import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RemediationRetryableError } from '../../../../shared/aws/errors';
import { publishNotice } from '../../../../shared/aws/notifier';
import { executeActions } from '../../../../shared/aws/remediator';
import type { NaclEntryInput } from '../../../../shared/findings';
import type { PlannedAction } from '../../../../shared/remediation/types';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const ec2 = new EC2Client({ region: 'us-east-1' });

const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a', 'sgr-b'] },
  findingIds: ['f1'],
};
const deny: NaclEntryInput = {
  NetworkAclId: 'acl-1',
  RuleNumber: 99,
  Protocol: '6',
  RuleAction: 'deny',
  Egress: false,
  CidrBlock: '0.0.0.0/0',
  PortRange: { From: 22, To: 22 },
};
const create: PlannedAction = { action: 'CreateNetworkAclEntry', parameters: deny, findingIds: ['f2'] };
/** A concurrent NACL fix's kept-source allow (98) and narrowed entry (100), as a moto race left them. */
const allow98: NaclEntryInput = { ...deny, RuleNumber: 98, RuleAction: 'allow', CidrBlock: '10.0.0.0/16' };
const narrowed100: NaclEntryInput = {
  ...deny,
  RuleNumber: 100,
  RuleAction: 'allow',
  CidrBlock: '10.0.0.0/16',
};

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('executeActions', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
  });

  it('calls each EC2 API with exactly the planned input', async () => {
    // Prepare
    const actions: PlannedAction[] = [
      revoke,
      {
        action: 'RevokeSecurityGroupEgress',
        parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-e'] },
        findingIds: [],
      },
      create,
      {
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: 'acl-1', RuleNumber: 90, Egress: false },
        findingIds: [],
      },
      {
        action: 'ModifySubnetAttribute',
        parameters: { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: false } },
        findingIds: [],
      },
    ];
    // Act
    const results = await executeActions(ec2, { dryRun: false, actions, skipped: [] });
    // Assess
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRuleIds: ['sgr-a', 'sgr-b'],
    });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand)[0]?.args[0].input).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRuleIds: ['sgr-e'],
    });
    expect(ec2Mock.commandCalls(CreateNetworkAclEntryCommand)[0]?.args[0].input).toEqual(deny);
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

  it('narrows an entry with ReplaceNetworkAclEntry, exactly the planned input; a vanished entry counts as done', async () => {
    // Prepare
    const narrowed: NaclEntryInput = {
      ...deny,
      RuleNumber: 100,
      RuleAction: 'allow',
      CidrBlock: '10.0.0.0/16',
    };
    const replace: PlannedAction = {
      action: 'ReplaceNetworkAclEntry',
      parameters: narrowed,
      findingIds: ['f3'],
    };
    // Act
    const [done] = await executeActions(ec2, { dryRun: false, actions: [replace], skipped: [] });
    ec2Mock.on(ReplaceNetworkAclEntryCommand).rejects(awsError('InvalidNetworkAclEntry.NotFound'));
    const [gone] = await executeActions(ec2, { dryRun: false, actions: [replace], skipped: [] });
    // Assess
    expect(done?.status).toBe('done');
    expect(gone?.status).toBe('already-done');
    expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([
      narrowed,
      narrowed,
    ]);
  });

  it('calls nothing in a dry run', async () => {
    const results = await executeActions(ec2, { dryRun: true, actions: [revoke, create], skipped: [] });
    expect(results.map((r) => r.status)).toEqual(['dry-run', 'dry-run']);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it.each([
    'InvalidPermission.NotFound',
    'InvalidSecurityGroupRuleId.NotFound',
    'InvalidNetworkAclEntry.NotFound',
  ])('counts %s as done once a re-read shows every named rule gone', async (code) => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError(code));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const [result] = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(result?.status).toBe('already-done');
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'security-group-rule-id', Values: ['sgr-a', 'sgr-b'] },
    ]);
  });

  it('revokes in one more call exactly the ids still present after a NotFound, and reports each truthfully', async () => {
    // Prepare: a concurrent fix removed sgr-a; EC2 rejects the whole two-id call.
    const withUndo: PlannedAction = {
      ...revoke,
      revoked: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidSecurityGroupRuleId.NotFound'))
      .resolves({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1', IsEgress: false }],
    });
    // Act
    const results = await executeActions(ec2, { dryRun: false, actions: [withUndo], skipped: [] });
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a', 'sgr-b'] },
      { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] },
    ]);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
      ['done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
    ]);
    expect(results[1]?.action.revoked).toEqual([
      { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
  });

  it('reports a rule still present after the second revoke as failed', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1', IsEgress: false }],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
      ['failed', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
    ]);
  });

  it('takes RevokedSecurityGroupRules at its word: an id it leaves out is verified, not claimed', async () => {
    // Prepare: an EC2 that removed only sgr-b and says so; sgr-a was already gone.
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({
      Return: true,
      RevokedSecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1' }],
    });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    // Act
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    // Assess
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it("verifies with the group's rules where the security-group-rule-id filter is refused", async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand, {
        Filters: [{ Name: 'security-group-rule-id', Values: ['sgr-a', 'sgr-b'] }],
      })
      .rejects(awsError('InvalidParameterValue'))
      .on(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-1'] }] })
      .resolves({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-other', GroupId: 'sg-1' }] });
    const [result, ...rest] = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(rest).toEqual([]);
    expect(result?.status).toBe('already-done');
  });

  it('reports a NotFound it cannot verify (the re-read is denied) as failed, never done', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('UnauthorizedOperation', 403));
    const [result, ...rest] = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(rest).toEqual([]);
    expect(result?.status).toBe('failed');
    expect(result?.error).toContain('cannot verify');
  });

  it('counts a revoke by permissions that EC2 answers with every permission unknown as already done', async () => {
    const byPermission: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: {
        GroupId: 'sg-1',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
      findingIds: [],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({
      Return: true,
      UnknownIpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    });
    const [result] = await executeActions(ec2, { dryRun: false, actions: [byPermission], skipped: [] });
    expect(result?.status).toBe('already-done');
  });

  describe('a revoke by several permissions answered NotFound (EC2 then removes none of them)', () => {
    // Found by scripts/emulator/burst.py: a batch read the group's permissions before a concurrent
    // batch's revoke and its rules after it, so it revoked by permissions and met NotFound. In a
    // non-default VPC EC2 rejects the whole call when one permission is missing and revokes nothing
    // (RevokeSecurityGroupIngress reference): the rules still present must be revoked, not reported
    // "already removed" (a first delivery's already-done is silent: an open port never heard of).
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const all = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const byPermissions: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp, all] },
      findingIds: ['f-1'],
      revoked: [ssh, rdp, all],
    };
    const rule = (fields: Record<string, unknown>) => ({ GroupId: 'sg-1', IsEgress: false, ...fields });

    it('revokes in one more call exactly the permissions still present, and reports each truthfully', async () => {
      ec2Mock
        .on(RevokeSecurityGroupIngressCommand)
        .rejectsOnce(awsError('InvalidPermission.NotFound'))
        .resolves({ Return: true });
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
        SecurityGroupRules: [
          rule({
            SecurityGroupRuleId: 'sgr-r',
            IpProtocol: 'tcp',
            FromPort: 3389,
            ToPort: 3389,
            CidrIpv6: '::/0',
          }),
          rule({
            SecurityGroupRuleId: 'sgr-x',
            IpProtocol: '-1',
            FromPort: -1,
            ToPort: -1,
            CidrIpv4: '0.0.0.0/0',
          }),
          // The same source egress, and another group's ssh rule: neither is this permission.
          rule({
            SecurityGroupRuleId: 'sgr-e',
            IsEgress: true,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          }),
          rule({
            SecurityGroupRuleId: 'sgr-o',
            GroupId: 'sg-2',
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          }),
        ],
      });
      const results = await executeActions(ec2, { dryRun: false, actions: [byPermissions], skipped: [] });
      expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
        { GroupId: 'sg-1', IpPermissions: [ssh, rdp, all] },
        { GroupId: 'sg-1', IpPermissions: [rdp, all] },
      ]);
      expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input.Filters).toEqual([
        { Name: 'group-id', Values: ['sg-1'] },
      ]);
      expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
        ['already-done', { GroupId: 'sg-1', IpPermissions: [ssh] }],
        ['done', { GroupId: 'sg-1', IpPermissions: [rdp, all] }],
      ]);
      expect(
        results.map((r) => (r.action.action === 'RevokeSecurityGroupIngress' ? r.action.revoked : [])),
      ).toEqual([[ssh], [rdp, all]]);
    });

    it('counts it already done, with no second revoke, when the re-read shows every permission gone', async () => {
      ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
      const results = await executeActions(ec2, { dryRun: false, actions: [byPermissions], skipped: [] });
      expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
      expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
        ['already-done', { GroupId: 'sg-1', IpPermissions: [ssh, rdp, all] }],
      ]);
    });

    it('reports a permission still present after the second revoke as failed', async () => {
      ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
        SecurityGroupRules: [rule({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' })],
      });
      const results = await executeActions(ec2, { dryRun: false, actions: [byPermissions], skipped: [] });
      expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
      expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
        ['already-done', { GroupId: 'sg-1', IpPermissions: [rdp, all] }],
        ['failed', { GroupId: 'sg-1', IpPermissions: [ssh] }],
      ]);
    });

    it('fails, never claims, when the rules cannot be re-read', async () => {
      ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
      ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('UnauthorizedOperation', 403));
      const results = await executeActions(ec2, { dryRun: false, actions: [byPermissions], skipped: [] });
      expect(results.map((r) => r.status)).toEqual(['failed']);
      expect(results[0]?.error).toMatch(/cannot verify which rules remain: .*UnauthorizedOperation/);
    });
  });

  it('says done only for the permissions a revoke by permissions removed; those EC2 answers unknown are already done', async () => {
    // DESIGN §8 "Verified outcome": a notice says revoked only for what this call removed.
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const byPermission: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      findingIds: ['f-1'],
      revoked: [ssh, rdp],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [rdp] });
    const results = await executeActions(ec2, { dryRun: false, actions: [byPermission], skipped: [] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', IpPermissions: [ssh] }],
      ['already-done', { GroupId: 'sg-1', IpPermissions: [rdp] }],
    ]);
    expect(
      results.map((r) => (r.action.action === 'RevokeSecurityGroupIngress' ? r.action.revoked : [])),
    ).toEqual([[ssh], [rdp]]);
  });

  it('counts an identical existing deny entry as done', async () => {
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('NetworkAclEntryAlreadyExists'));
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ ...deny }] }],
    });
    const [result] = await executeActions(ec2, { dryRun: false, actions: [create], skipped: [] });
    expect(result?.status).toBe('already-done');
  });

  it('meets a concurrent fix of the same NACL: its entries already there are done, its narrowing not re-made, one read', async () => {
    // Prepare: the moto race — another batch made this fix's allow 98 and deny 99 and narrowed 100
    // between this batch's read and its calls (EC2 answers a replace that changes nothing with success)
    const actions: PlannedAction[] = [
      { action: 'CreateNetworkAclEntry', parameters: allow98, findingIds: ['f2'] },
      create,
      { action: 'ReplaceNetworkAclEntry', parameters: narrowed100, findingIds: ['f2'] },
    ];
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('NetworkAclEntryAlreadyExists'));
    ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [allow98, deny, narrowed100] }],
    });
    // Act
    const results = await executeActions(ec2, { dryRun: false, actions, skipped: [] });
    // Assess: nothing claimed as this batch's own fix (a notice would report another batch's news)
    expect(results.map((r) => r.status)).toEqual(['already-done', 'already-done', 'already-done']);
    expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1);
  });

  describe('a fix made only of narrowing replaces (one kept source: nothing to create)', () => {
    // No create meets NetworkAclEntryAlreadyExists to reveal a concurrent batch fixing the same
    // NACL, and EC2 answers a replace that changes nothing with success: both batches reported
    // the fix as their own (note "Noticed, not fixed"). The NACL is now read once before.
    const world100: NaclEntryInput = { ...narrowed100, CidrBlock: '0.0.0.0/0' };
    const narrowed110: NaclEntryInput = {
      ...narrowed100,
      RuleNumber: 110,
      PortRange: { From: 3389, To: 3389 },
    };
    const actions: PlannedAction[] = [
      { action: 'ReplaceNetworkAclEntry', parameters: narrowed100, findingIds: ['f2'] },
      { action: 'ReplaceNetworkAclEntry', parameters: narrowed110, findingIds: ['f2'] },
    ];

    it('does not make a replace another batch already made: already done, one read', async () => {
      ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
      ec2Mock.on(DescribeNetworkAclsCommand).resolves({
        NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [narrowed100, narrowed110] }],
      });
      const results = await executeActions(ec2, { dryRun: false, actions, skipped: [] });
      expect(results.map((r) => r.status)).toEqual(['already-done', 'already-done']);
      expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(0);
      expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1);
    });

    it('makes the replaces the NACL still needs, reading it once for all of them', async () => {
      ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
      ec2Mock.on(DescribeNetworkAclsCommand).resolves({
        NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [world100, narrowed110] }],
      });
      const results = await executeActions(ec2, { dryRun: false, actions, skipped: [] });
      expect(results.map((r) => r.status)).toEqual(['done', 'already-done']);
      expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([
        narrowed100,
      ]);
      expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1);
    });

    it('makes every replace as planned when the read fails, reading once, not once per replace', async () => {
      ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
      ec2Mock.on(DescribeNetworkAclsCommand).rejects(awsError('UnauthorizedOperation'));
      const results = await executeActions(ec2, { dryRun: false, actions, skipped: [] });
      expect(results.map((r) => r.status)).toEqual(['done', 'done']);
      expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(2);
      expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1);
    });

    it('stops at the first replace when the read is throttled past the retries (guard3: retried, not guessed)', async () => {
      ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
      ec2Mock.on(DescribeNetworkAclsCommand).rejects(awsError('RequestLimitExceeded', 503));
      const error = await executeActions(ec2, { dryRun: false, actions, skipped: [] }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RemediationRetryableError);
      const stopped = error as RemediationRetryableError;
      expect(stopped.message).toBe('DescribeNetworkAcls failed: RequestLimitExceeded: RequestLimitExceeded');
      expect(stopped.done).toEqual([]);
      expect(stopped.stopped).toBe(actions[0]);
      expect(stopped.notMade).toEqual([actions[1]]);
      expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(0);
    });
  });

  it('a create refused as already existing whose verifying read is throttled stops the fix there (guard3)', async () => {
    // Before: read as "not there", the create ended `failed` for good and its deny was never made.
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('NetworkAclEntryAlreadyExists'));
    ec2Mock.on(DescribeNetworkAclsCommand).rejects(awsError('RequestLimitExceeded', 503));
    const allow: PlannedAction = { action: 'CreateNetworkAclEntry', parameters: allow98, findingIds: ['f2'] };
    const error = await executeActions(ec2, { dryRun: false, actions: [allow, create], skipped: [] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemediationRetryableError);
    const stopped = error as RemediationRetryableError;
    expect(stopped.stopped).toBe(allow);
    expect(stopped.notMade).toEqual([create]);
    expect(stopped.done).toEqual([]);
    expect(ec2Mock.commandCalls(CreateNetworkAclEntryCommand)).toHaveLength(1);
  });

  it('still narrows an entry the concurrent fix has not reached yet', async () => {
    // Prepare: the other batch made allow 98 but entry 100 is still world-open
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('NetworkAclEntryAlreadyExists'));
    ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [
        { NetworkAclId: 'acl-1', Entries: [allow98, { ...narrowed100, CidrBlock: '0.0.0.0/0' }] },
      ],
    });
    // Act
    const results = await executeActions(ec2, {
      dryRun: false,
      actions: [
        { action: 'CreateNetworkAclEntry', parameters: allow98, findingIds: ['f2'] },
        { action: 'ReplaceNetworkAclEntry', parameters: narrowed100, findingIds: ['f2'] },
      ],
      skipped: [],
    });
    // Assess: one read for the create, one fresh read before the replace (the cache did not hold it)
    expect(results.map((r) => r.status)).toEqual(['already-done', 'done']);
    expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(2);
  });

  it('fails when a different entry holds the rule number', async () => {
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('NetworkAclEntryAlreadyExists'));
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ ...deny, RuleAction: 'allow' }] }],
    });
    const [result] = await executeActions(ec2, { dryRun: false, actions: [create], skipped: [] });
    expect(result?.status).toBe('failed');
  });

  it('reports a denied call as failed and still makes the others', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 403));
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke, create], skipped: [] });
    expect(results.map((r) => [r.status, r.error])).toEqual([
      ['failed', 'UnauthorizedOperation: UnauthorizedOperation'],
      ['done', undefined],
    ]);
  });

  it("stops a NACL's fix at its first failed call: the deny never lands without its allows; other NACLs go on", async () => {
    // Prepare: acl-1's allow for the VPC range (98) is refused, its deny (99) would follow; acl-2's deny is fine.
    const allowVpc: PlannedAction = {
      action: 'CreateNetworkAclEntry',
      parameters: { ...deny, RuleNumber: 98, RuleAction: 'allow', CidrBlock: '10.0.0.0/16' },
      findingIds: ['f2'],
    };
    const otherAcl: PlannedAction = {
      action: 'CreateNetworkAclEntry',
      parameters: { ...deny, NetworkAclId: 'acl-2' },
      findingIds: ['f3'],
    };
    ec2Mock
      .on(CreateNetworkAclEntryCommand, { NetworkAclId: 'acl-1', RuleNumber: 98 })
      .rejects(awsError('NetworkAclEntryLimitExceeded'));
    ec2Mock.on(CreateNetworkAclEntryCommand, { NetworkAclId: 'acl-2' }).resolves({});

    // Act
    const results = await executeActions(ec2, {
      dryRun: false,
      actions: [allowVpc, create, otherAcl],
      skipped: [],
    });

    // Assess
    expect(results.map((r) => [r.action.parameters, r.status])).toEqual([
      [allowVpc.parameters, 'failed'],
      [create.parameters, 'failed'],
      [otherAcl.parameters, 'done'],
    ]);
    expect(results[1]?.error).toMatch(/^not made: an earlier call of this NACL's fix failed/);
    expect(ec2Mock.commandCalls(CreateNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([
      allowVpc.parameters,
      otherAcl.parameters,
    ]);
  });

  it('carries the calls made before a transient fault on the error it throws', async () => {
    // Prepare: the revoke goes through, the NACL entry is throttled past the SDK's retries.
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('RequestLimitExceeded', 503));

    // Act
    const error = await executeActions(ec2, { dryRun: false, actions: [revoke, create], skipped: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(RemediationRetryableError);
    expect((error as RemediationRetryableError).done.map((r) => [r.action.action, r.status])).toEqual([
      ['RevokeSecurityGroupIngress', 'done'],
    ]);
  });

  it('throws on throttling that outlasts the SDK retries, so the invocation is retried', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('RequestLimitExceeded', 503));
    await expect(
      executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] }),
    ).rejects.toBeInstanceOf(RemediationRetryableError);
  });
  describe('a transient fault inside a verified revoke', () => {
    // The outcomes already known of the call it stopped in travel with the error: the event
    // function logs the rules removed, the audit reports them (and names the part throttled).
    const after: PlannedAction = { ...create, findingIds: ['f3'] };

    it('carries the part found gone, the part stopped and the calls not made', async () => {
      ec2Mock
        .on(RevokeSecurityGroupIngressCommand)
        .rejectsOnce(awsError('InvalidSecurityGroupRuleId.NotFound'))
        .rejects(awsError('RequestLimitExceeded', 503));
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
        SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1' }],
      });
      const error = await executeActions(ec2, { dryRun: false, actions: [revoke, after], skipped: [] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RemediationRetryableError);
      const { done, stopped, notMade } = error as RemediationRetryableError;
      expect(done.map((r) => [r.status, r.action.parameters])).toEqual([
        ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
      ]);
      expect(stopped?.parameters).toEqual({ GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] });
      expect(notMade).toEqual([after]);
      expect(ec2Mock.commandCalls(CreateNetworkAclEntryCommand)).toHaveLength(0);
    });

    it('keeps the rules a revoke removed when verifying the rest is throttled', async () => {
      // EC2 removed sgr-b and says so; reading sgr-a back is throttled past the SDK's retries.
      ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({
        Return: true,
        RevokedSecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1' }],
      });
      ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('RequestLimitExceeded', 503));
      const error = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const { done, stopped, notMade } = error as RemediationRetryableError;
      expect(done.map((r) => [r.status, r.action.parameters])).toEqual([
        ['done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
      ]);
      expect(stopped?.parameters).toEqual({ GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] });
      expect(notMade).toEqual([]);
    });
  });
});

describe('publishNotice', () => {
  beforeEach(() => snsMock.reset());

  it('publishes subject, attributes and one message per protocol (MessageStructure json) to the topic', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const id = await publishNotice(
      new SNSClient({ region: 'us-east-1' }),
      'arn:aws:sns:us-east-1:111122223333:t',
      {
        subject: 's',
        message: 'm',
        attributes: { severity: { DataType: 'String', StringValue: 'high' } },
      },
    );
    expect(id).toBe('m-1');
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:t',
      Subject: 's',
      MessageStructure: 'json',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
    });
    const message = JSON.parse(input?.Message ?? '{}') as Record<string, string>;
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https']);
    expect(message.default).toBe('m');
    expect(message.email).toBe('m');
    expect(JSON.parse(message.https ?? '{}')).toMatchObject({ version: '1.0', source: 'custom' });
  });

  it('lets a publish failure propagate', async () => {
    snsMock.on(PublishCommand).rejects(awsError('AuthorizationError', 403));
    await expect(
      publishNotice(new SNSClient({ region: 'us-east-1' }), 'arn:t', {
        subject: 's',
        message: 'm',
        attributes: {},
      }),
    ).rejects.toThrow('AuthorizationError');
  });
});
