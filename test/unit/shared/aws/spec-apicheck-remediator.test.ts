import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeActions } from '../../../../shared/aws/remediator';
import type { PlannedAction } from '../../../../shared/remediation/types';

// The remediator's calls against the EC2 API reference (apicheck; /work/notes/spec-apicheck.md):
// the error codes EC2 documents, and the per-call limits of the reads that verify a revoke.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: the security group 'sg-1' does not exist`), {
    name,
    $metadata: { httpStatusCode: status },
  });
}

const ruleIds = (n: number) => Array.from({ length: n }, (_, i) => `sgr-${String(i).padStart(17, '0')}`);

describe('remediator error codes (EC2 API reference, "Error codes for the Amazon EC2 API")', () => {
  beforeEach(() => ec2Mock.reset());

  it('counts InvalidSecurityGroupID.NotFound (the group is gone) as already done, verified by a re-read', async () => {
    // Prepare: the group was deleted after the slice was read; EC2 documents this code for "the
    // specified security group does not exist".
    const revoke: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a', 'sgr-b'] },
      findingIds: ['f1'],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupID.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });

    // Act
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });

    // Assert: nothing of the group is left open, and no failure is claimed.
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a', 'sgr-b'] }],
    ]);
    expect(ec2Mock).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, {
      Filters: [{ Name: 'security-group-rule-id', Values: ['sgr-a', 'sgr-b'] }],
    });
  });

  it('counts InvalidSecurityGroupID.NotFound on a one-permission egress revoke as already done', async () => {
    const revoke: PlannedAction = {
      action: 'RevokeSecurityGroupEgress',
      parameters: {
        GroupId: 'sg-1',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
      findingIds: ['f1'],
    };
    ec2Mock.on(RevokeSecurityGroupEgressCommand).rejects(awsError('InvalidSecurityGroupID.NotFound'));

    const [result, ...rest] = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });

    expect(rest).toEqual([]);
    expect(result?.status).toBe('already-done');
  });
});

describe('verifying a revoke: at most 200 values per EC2 filter', () => {
  beforeEach(() => ec2Mock.reset());

  it('re-reads 250 rule ids in two DescribeSecurityGroupRules calls of 200 and 50 filter values', async () => {
    // Prepare: one group's 250 world-open rules (a group may hold up to 1,000 rules), revoked in
    // one call (DESIGN §8: one revoke per group and direction) that a concurrent fix made fail.
    const ids = ruleIds(250);
    const revoke: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ids },
      findingIds: ['f1'],
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidSecurityGroupRuleId.NotFound'))
      .resolves({ Return: true });
    // Every rule but the first is still there.
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .callsFake((input: { Filters?: { Values?: string[] }[] }) => {
        const asked = input.Filters?.[0]?.Values ?? [];
        return {
          SecurityGroupRules: asked
            .filter((id) => id !== ids[0])
            .map((id) => ({ SecurityGroupRuleId: id, GroupId: 'sg-1', IsEgress: false })),
        };
      });

    // Act
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });

    // Assert: the filter never carries more than EC2's 200 values, and every id is read.
    const reads = ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand).map((c) => c.args[0].input.Filters);
    expect(reads).toEqual([
      [{ Name: 'security-group-rule-id', Values: ids.slice(0, 200) }],
      [{ Name: 'security-group-rule-id', Values: ids.slice(200) }],
    ]);
    const revokes = ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
    expect(revokes).toEqual([
      { GroupId: 'sg-1', SecurityGroupRuleIds: ids },
      { GroupId: 'sg-1', SecurityGroupRuleIds: ids.slice(1) },
    ]);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: [ids[0]] }],
      ['done', { GroupId: 'sg-1', SecurityGroupRuleIds: ids.slice(1) }],
    ]);
  });
});
