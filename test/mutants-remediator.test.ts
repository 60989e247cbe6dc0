// Mutation checks of shared/aws/remediator.ts: a revoke of one permission answered NotFound is
// already done with no re-read (DESIGN §8 "Verified outcome": only a revoke of several ids or
// permissions is verified), so a retry costs no DescribeSecurityGroupRules call.
import {
  CreateNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RemediationRetryableError } from '../shared/aws/errors';
import { executeActions } from '../shared/aws/remediator';
import type { PlannedAction } from '../shared/remediation/types';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('a revoke of one permission answered NotFound', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('is already done, with one revoke call and no re-read of the group', async () => {
    // Prepare
    const permission = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [permission] },
      findingIds: ['f1'],
      revoked: [permission],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    // Act
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    // Assess
    expect(results).toHaveLength(1);
    expect(results[0]?.action).toEqual(action);
    expect(results[0]?.status).toBe('already-done');
    expect(results[0]?.error).toContain('InvalidPermission.NotFound');
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });
});

describe('a revoke of exactly two permissions answered NotFound', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('is verified: the permission still present is revoked in one more call, never reported gone', async () => {
    // Prepare: a concurrent batch removed 22/tcp; 3389/tcp ::/0 is still open.
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      findingIds: ['f1'],
      revoked: [ssh, rdp],
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .resolves({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          GroupId: 'sg-1',
          IsEgress: false,
          SecurityGroupRuleId: 'sgr-r',
          IpProtocol: 'tcp',
          FromPort: 3389,
          ToPort: 3389,
          CidrIpv6: '::/0',
        },
      ],
    });
    // Act
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      { GroupId: 'sg-1', IpPermissions: [rdp] },
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(1);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', IpPermissions: [ssh] }],
      ['done', { GroupId: 'sg-1', IpPermissions: [rdp] }],
    ]);
  });
});

describe('a NACL create refused for another reason than NetworkAclEntryAlreadyExists', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('is failed with its error, and the NACL is not read', async () => {
    const entry = {
      NetworkAclId: 'acl-1',
      RuleNumber: 99,
      Protocol: '6',
      RuleAction: 'deny' as const,
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    };
    const action: PlannedAction = { action: 'CreateNetworkAclEntry', parameters: entry, findingIds: ['f2'] };
    ec2Mock.on(CreateNetworkAclEntryCommand).rejects(awsError('UnauthorizedOperation', 403));
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [entry] }],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(results.map((r) => [r.status, r.error])).toEqual([
      ['failed', expect.stringContaining('UnauthorizedOperation')],
    ]);
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(0);
  });
});

describe('a revoke by permissions whose UnknownIpPermissions EC2 answers in another shape', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('is already done, never "done", when the unknown permissions cover every permission asked in one merged entry', async () => {
    // EC2's reference: "unknownIpPermissionSet might be in a different format from the request
    // parameter" — here both asked sources come back as one permission with two ranges.
    const v4 = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const v6 = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [v4, v6] },
      findingIds: ['f1'],
      revoked: [v4, v6],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({
      Return: true,
      UnknownIpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [{ CidrIpv6: '::/0' }],
        },
      ],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', IpPermissions: [v4, v6] }],
    ]);
  });
});

describe('failures of other calls never stop a NACL fix', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it("makes a NACL's create after a denied revoke of a group, and reads no NACL for a create + replace fix", async () => {
    const deny = {
      NetworkAclId: 'acl-1',
      RuleNumber: 99,
      Protocol: '6',
      RuleAction: 'deny' as const,
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    };
    const narrowed = { ...deny, RuleNumber: 100, RuleAction: 'allow' as const, CidrBlock: '10.0.0.0/16' };
    const actions: PlannedAction[] = [
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] },
        findingIds: ['f1'],
      },
      { action: 'CreateNetworkAclEntry', parameters: deny, findingIds: ['f2'] },
      { action: 'ReplaceNetworkAclEntry', parameters: narrowed, findingIds: ['f2'] },
    ];
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 403));
    ec2Mock.on(CreateNetworkAclEntryCommand).resolves({});
    ec2Mock.on(ReplaceNetworkAclEntryCommand).resolves({});
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [narrowed] }],
    });
    const results = await executeActions(ec2, { dryRun: false, actions, skipped: [] });
    expect(results.map((r) => [r.action.action, r.status])).toEqual([
      ['RevokeSecurityGroupIngress', 'failed'],
      ['CreateNetworkAclEntry', 'done'],
      ['ReplaceNetworkAclEntry', 'done'],
    ]);
    expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(0);
  });
});

describe('a revoke by ids answered NotFound (verified by re-reading the ids)', () => {
  const revoke: PlannedAction = {
    action: 'RevokeSecurityGroupIngress',
    parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a', 'sgr-b'] },
    findingIds: ['f1'],
  };
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('reads the ids once when the second revoke removes the rest', async () => {
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidSecurityGroupRuleId.NotFound'))
      .resolves({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1', IsEgress: false }],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
      ['done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(1);
  });

  it('reports each id after a second NotFound: the one another batch removed meanwhile gone, the one still there failed', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    const ruleA = { SecurityGroupRuleId: 'sgr-a', GroupId: 'sg-1', IsEgress: false };
    const ruleB = { SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1', IsEgress: false };
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [ruleA, ruleB] })
      .resolves({ SecurityGroupRules: [ruleB] });
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
      ['failed', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(2);
  });

  it('reports the rule failed, never gone, when the second revoke meets NotFound and the last read is denied', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({
        SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-b', GroupId: 'sg-1', IsEgress: false }],
      })
      .rejects(awsError('UnauthorizedOperation', 403));
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a'] }],
      ['failed', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-b'] }],
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
  });
});

describe('a revoke by permissions raced twice', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('reports the permissions another batch removed between the two revokes as gone, not failed', async () => {
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      findingIds: ['f1'],
      revoked: [ssh, rdp],
    };
    const rule = (port: number) => ({
      GroupId: 'sg-1',
      IsEgress: false,
      SecurityGroupRuleId: `sgr-${port}`,
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      CidrIpv4: '0.0.0.0/0',
    });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [rule(22), rule(3389)] })
      .resolves({ SecurityGroupRules: [] });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', IpPermissions: [ssh, rdp] }],
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(2);
  });

  it('throws a retryable error when the second revoke is throttled, so the invocation is retried', async () => {
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      findingIds: ['f1'],
      revoked: [ssh, rdp],
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .rejects(awsError('RequestLimitExceeded', 503));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    await expect(
      executeActions(ec2, { dryRun: false, actions: [action], skipped: [] }),
    ).rejects.toBeInstanceOf(RemediationRetryableError);
  });
});

describe('UnknownIpPermissions naming a prefix-list permission', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('says done only for the CIDR permission removed; the prefix-list one EC2 did not know is already done', async () => {
    const list = {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      PrefixListIds: [{ PrefixListId: 'pl-world' }],
    };
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [list, ssh] },
      findingIds: ['f1'],
      revoked: [list, ssh],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [list] });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', IpPermissions: [ssh] }],
      ['already-done', { GroupId: 'sg-1', IpPermissions: [list] }],
    ]);
  });

  it("handles a default group's self-reference the same way (sg-default-not-restricted revokes it)", async () => {
    const self = { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-1' }] };
    const all = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [self, all] },
      findingIds: ['f1'],
      revoked: [self, all],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [self] });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', IpPermissions: [all] }],
      ['already-done', { GroupId: 'sg-1', IpPermissions: [self] }],
    ]);
  });
});

describe('a revoke by numbered protocols verified against the names EC2 lists', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it("matches '6', '1' and '58' to tcp, icmp and icmpv6: still present, so revoked again, never reported gone", async () => {
    const tcp = { IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const icmp = { IpProtocol: '1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const icmp6 = { IpProtocol: '58', FromPort: -1, ToPort: -1, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [tcp, icmp, icmp6] },
      findingIds: ['f1'],
      revoked: [tcp, icmp, icmp6],
    };
    const listed = (IpProtocol: string, FromPort: number, ToPort: number, cidr: Record<string, string>) => ({
      GroupId: 'sg-1',
      IsEgress: false,
      IpProtocol,
      FromPort,
      ToPort,
      ...cidr,
    });
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .resolves({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        listed('tcp', 22, 22, { CidrIpv4: '0.0.0.0/0' }),
        listed('icmp', -1, -1, { CidrIpv4: '0.0.0.0/0' }),
        listed('icmpv6', -1, -1, { CidrIpv6: '::/0' }),
      ],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-1', IpPermissions: [tcp, icmp, icmp6] },
      { GroupId: 'sg-1', IpPermissions: [tcp, icmp, icmp6] },
    ]);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', IpPermissions: [tcp, icmp, icmp6] }],
    ]);
  });

  it('finds a prefix-list source and a group reference still present, so revokes them again', async () => {
    const list = {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      PrefixListIds: [{ PrefixListId: 'pl-world' }],
    };
    const self = { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-1' }] };
    const action: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [list, self] },
      findingIds: ['f1'],
      revoked: [list, self],
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .resolves({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          PrefixListId: 'pl-world',
        },
        {
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          ReferencedGroupInfo: { GroupId: 'sg-1' },
        },
      ],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', IpPermissions: [list, self] }],
    ]);
  });
});

describe('the re-read of the ids after a NotFound', () => {
  const revoke: PlannedAction = {
    action: 'RevokeSecurityGroupIngress',
    parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-a', 'sgr-b'] },
    findingIds: ['f1'],
  };
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('is made once when denied: the revoke is failed (unverified), with no second read by group', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('UnauthorizedOperation', 403));
    const results = await executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] });
    expect(results.map((r) => r.status)).toEqual(['failed']);
    expect(results[0]?.error).toContain('cannot verify which rules remain');
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(1);
  });

  it('throws retryable on a throttled read, with no second read by group', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidSecurityGroupRuleId.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('RequestLimitExceeded', 503));
    await expect(
      executeActions(ec2, { dryRun: false, actions: [revoke], skipped: [] }),
    ).rejects.toBeInstanceOf(RemediationRetryableError);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(1);
  });

  it("throws retryable when the group's rules cannot be re-read for a throttle (a revoke by permissions)", async () => {
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const byPermissions: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      findingIds: ['f1'],
      revoked: [ssh, rdp],
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('RequestLimitExceeded', 503));
    await expect(
      executeActions(ec2, { dryRun: false, actions: [byPermissions], skipped: [] }),
    ).rejects.toBeInstanceOf(RemediationRetryableError);
  });
});
