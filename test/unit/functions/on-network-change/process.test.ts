import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type EventDeps,
  processEvent,
  processMessages,
} from '../../../../functions/on-network-change/process';
import type { ConfigInput } from '../../../../shared/config';
import { parseConfig } from '../../../../shared/load-config';
import {
  ACL,
  authorizeIngress,
  buildWorld,
  cloudTrailFixture,
  cloudTrailRecord,
  envelope,
  installFakeEc2,
  publishedNotices,
  type RuleSpec,
  type World,
} from '../../../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail';
const OWN_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-on-network-change';

function deps(
  config: ConfigInput = { mode: 'remediate' },
  logger = new Logger({ logLevel: 'SILENT' }),
): EventDeps {
  return {
    config: parseConfig({ ownRoleArn: OWN_ROLE, ...config }),
    topicArn: TOPIC,
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger,
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

function world(rules: RuleSpec[], extra: Partial<Parameters<typeof buildWorld>[0]> = {}): World {
  const w = buildWorld({ groupId: GROUP, rules, ...extra });
  installFakeEc2(ec2Mock, w);
  return w;
}

function revokedIds(): string[][] {
  return ec2Mock
    .commandCalls(RevokeSecurityGroupIngressCommand)
    .map((c) => c.args[0].input.SecurityGroupRuleIds ?? []);
}

function writeCalls(): number {
  return (
    ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).length +
    ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand).length +
    ec2Mock.commandCalls(CreateNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(DeleteNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(ModifySubnetAttributeCommand).length
  );
}

function published() {
  return publishedNotices(snsMock);
}

describe('processEvent: precision', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('revokes only the world rule when one call adds 0.0.0.0/0 and 10.0.0.0/8 on 22', async () => {
    // Prepare
    world([
      { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-private22', from: 22, cidr: '10.0.0.0/8' },
    ]);
    const event = envelope(
      authorizeIngress(GROUP, 22, [
        ['sgr-world22', '0.0.0.0/0'],
        ['sgr-private22', '10.0.0.0/8'],
      ]),
    );
    // Act
    const result = await processEvent(event, deps());
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-world22'] },
    ]);
    expect(result).toMatchObject({
      status: 'handled',
      notified: true,
      actions: [{ action: 'RevokeSecurityGroupIngress', status: 'done' }],
    });
    const [notice] = published();
    expect(notice?.TopicArn).toBe(TOPIC);
    expect(notice?.Subject).toBe(`[CRITICAL] ${GROUP} world-open on 22/tcp (+1 more) — revoked`);
    expect(notice?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      ruleIds: { DataType: 'String.Array', StringValue: '["eni-internet-exposed","sg-open-admin-port"]' },
      action: { DataType: 'String', StringValue: 'remediated' },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
    expect(notice?.Message).toContain('arn:aws:sts::111122223333:assumed-role/Admin/alice');
    expect(notice?.Message).toContain(`aws ec2 authorize-security-group-ingress --group-id ${GROUP}`);
  });

  it('revokes a ::/0 rule by its id', async () => {
    world([
      { id: 'sgr-v4office', from: 22, cidr: '198.51.100.0/24' },
      { id: 'sgr-world6', from: 22, cidr: '::/0' },
    ]);
    await processEvent(envelope(authorizeIngress(GROUP, 22, [['sgr-world6', '::/0']])), deps());
    expect(revokedIds()).toEqual([['sgr-world6']]);
  });

  it('revokes a rule that ModifySecurityGroupRules turned world-open', async () => {
    world([{ id: 'sgr-was-private', from: 3389, cidr: '0.0.0.0/0' }]);
    const event = cloudTrailRecord(
      'ModifySecurityGroupRules',
      {
        ModifySecurityGroupRulesRequest: {
          GroupId: GROUP,
          SecurityGroupRule: {
            SecurityGroupRuleId: 'sgr-was-private',
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIpv4: '0.0.0.0/0' },
            tag: 1,
          },
        },
      },
      {
        ModifySecurityGroupRulesResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', return: true },
      },
    );
    await processEvent(event, deps());
    expect(revokedIds()).toEqual([['sgr-was-private']]);
  });

  it('finds a group named only by name and revokes by rule id', async () => {
    // In the default VPC: where EC2 reads a name given without a VPC.
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }], { defaultVpc: true });
    const event = cloudTrailRecord('AuthorizeSecurityGroupIngress', {
      groupName: 'web',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIp: '0.0.0.0/0',
      ipPermissions: {},
    });
    await processEvent(event, deps());
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      GroupNames: ['web'],
    });
    expect(revokedIds()).toEqual([['sgr-world22']]);
  });

  it('revokes every offending rule of the group, not only what the event added', async () => {
    world([
      { id: 'sgr-old3389', from: 3389, cidr: '0.0.0.0/0' },
      { id: 'sgr-new22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-https', from: 443, cidr: '0.0.0.0/0' },
    ]);
    await processEvent(envelope(authorizeIngress(GROUP, 22, [['sgr-new22', '0.0.0.0/0']])), deps());
    expect(revokedIds()).toEqual([['sgr-new22', 'sgr-old3389']]);
  });

  const naclEvent = cloudTrailRecord('CreateNetworkAclEntry', {
    networkAclId: ACL,
    ruleNumber: 100,
    egress: false,
    ruleAction: 'allow',
    aclProtocol: '6',
    cidrBlock: '0.0.0.0/0',
    portRange: { from: 0, to: 1023 },
    icmpTypeCode: {},
  });

  it('inserts a deny for 22 before a NACL entry allowing tcp 0-1023 from the world, after an allow from the VPC', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }], {
      naclIngress: [{ rule: 100, protocol: '6', from: 0, to: 1023, cidr: '0.0.0.0/0' }],
    });
    await processEvent(
      naclEvent,
      deps({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } }),
    );
    const entry = (RuleNumber: number, RuleAction: string, CidrBlock: string) => ({
      NetworkAclId: ACL,
      RuleNumber,
      Protocol: '6',
      RuleAction,
      Egress: false,
      CidrBlock,
      PortRange: { From: 22, To: 22 },
    });
    // The allow for the VPC's block goes first: SSH from the VPC never meets the deny alone.
    expect(ec2Mock.commandCalls(CreateNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([
      entry(98, 'allow', '10.0.0.0/16'),
      entry(99, 'deny', '0.0.0.0/0'),
    ]);
    expect(ec2Mock.commandCalls(DeleteNetworkAclEntryCommand)).toHaveLength(0);
    // A NACL event reports the NACL, not the groups of its interfaces: no revoke.
    expect(revokedIds()).toEqual([]);
  });

  it('narrows an admin-only world entry with 6 EC2 reads in all: the 5 of the slice and the one read before the replace (DESIGN §12)', async () => {
    // Arrange: the NACL's only inbound entry is allow tcp 22 from the world; the VPC's one IPv4
    // block is the one kept source, so the fix is a single narrowing replace (replace-only: the
    // NACL is read once before it, to tell a concurrent batch's fix from its own, DESIGN §8/§14).
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }], {
      naclIngress: [{ rule: 100, protocol: '6', from: 22, to: 22, cidr: '0.0.0.0/0' }],
    });
    const event = cloudTrailRecord('ReplaceNetworkAclEntry', {
      networkAclId: ACL,
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      aclProtocol: '6',
      cidrBlock: '0.0.0.0/0',
      portRange: { from: 22, to: 22 },
      icmpTypeCode: {},
    });
    // Act
    await processEvent(event, deps({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } }));
    // Assert: the one write, and 6 reads (before: 7 — the slice read the VPC's subnets, which a
    // NACL entry event does not report and its interfaces' exposure does not need).
    expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand).map((c) => c.args[0].input)).toEqual([
      {
        NetworkAclId: ACL,
        RuleNumber: 100,
        Protocol: '6',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '10.0.0.0/16',
        PortRange: { From: 22, To: 22 },
      },
    ]);
    const reads = ec2Mock
      .calls()
      .map((c) => String(c.args[0].constructor.name))
      .filter((name) => /^(Describe|Get)/.test(name))
      .sort();
    expect(reads).toEqual([
      'DescribeNetworkAclsCommand',
      'DescribeNetworkAclsCommand',
      'DescribeNetworkInterfacesCommand',
      'DescribeRouteTablesCommand',
      'DescribeSecurityGroupsCommand',
      'DescribeVpcsCommand',
    ]);
    expect(published()[0]?.MessageAttributes?.action?.StringValue).toBe('remediated');
  });

  it('makes no NACL call in global remediate mode without the per-rule opt-in, and says how to opt in', async () => {
    world([], { naclIngress: [{ rule: 100, protocol: '6', from: 0, to: 1023, cidr: '0.0.0.0/0' }] });
    const result = await processEvent(naclEvent, deps({ mode: 'remediate' }));
    expect(writeCalls()).toBe(0);
    expect(result).toMatchObject({ status: 'handled', actions: [], notified: true });
    expect(published()[0]?.Message).toContain(
      'opt-in: set rules.nacl-open-admin-port to "remediate" to enable',
    );
  });

  it('only notifies when the group is world-open through a union of narrower ranges', async () => {
    world([
      { id: 'sgr-half1', from: 22, cidr: '0.0.0.0/1' },
      { id: 'sgr-half2', from: 22, cidr: '128.0.0.0/1' },
    ]);
    const result = await processEvent(
      envelope(
        authorizeIngress(GROUP, 22, [
          ['sgr-half1', '0.0.0.0/1'],
          ['sgr-half2', '128.0.0.0/1'],
        ]),
      ),
      deps(),
    );
    expect(writeCalls()).toBe(0);
    expect(result).toMatchObject({ status: 'handled', actions: [], notified: true });
    expect(published()[0]?.MessageAttributes?.action?.StringValue).toBe('notified');
    expect(published()[0]?.MessageAttributes?.ruleIds?.StringValue).toContain('sg-open-admin-port');
  });
});

describe('processEvent: faults', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('notifies "could not evaluate" and remediates nothing when a describe is denied', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(
      Object.assign(new Error('You are not authorized'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const result = await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps(),
    );
    expect(writeCalls()).toBe(0);
    expect(result).toMatchObject({
      status: 'handled',
      notified: true,
      couldNotEvaluate: expect.stringContaining('UnauthorizedOperation'),
    });
    expect(published()[0]?.Subject).toBe(
      `[HIGH] could not evaluate AuthorizeSecurityGroupIngress on ${GROUP} — failed`,
    );
    expect(published()[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
  });

  it('fails the invocation on throttling that outlasts the SDK retries, before any write or notice', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'RequestLimitExceeded',
        $metadata: { httpStatusCode: 503 },
      }),
    );
    await expect(
      processEvent(envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])), deps()),
    ).rejects.toThrow('RequestLimitExceeded');
    expect(writeCalls()).toBe(0);
    expect(published()).toHaveLength(0);
  });

  it('counts a rule a concurrent fix removed (NotFound, verified gone) as done, and says nothing of it on a first delivery', async () => {
    // Prepare: someone else's revoke lands just before ours.
    const w = world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).callsFake(() => {
      w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-world22');
      throw Object.assign(new Error('gone'), {
        name: 'InvalidSecurityGroupRuleId.NotFound',
        $metadata: { httpStatusCode: 400 },
      });
    });
    // Act
    const result = await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps(),
    );
    // Assess
    expect(result).toMatchObject({
      actions: [{ action: 'RevokeSecurityGroupIngress', status: 'already-done' }],
      notified: false,
    });
    expect(revokedIds()).toEqual([['sgr-world22']]);
    expect(published()).toEqual([]);
  });

  it("logs what could not be judged about the event's resources (its share of the audit's notJudged), not the context's", async () => {
    // Arrange: judgeUnused false, an event on a group no interface uses (the audit lists it
    // "unused"); the interface's own groups in the world are context, not the event's.
    const w = world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    w.NetworkInterfaces = [];
    installFakeEc2(ec2Mock, w);
    const logger = new Logger({ logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    // Act
    await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps({ mode: 'notify', judgeUnused: false }, logger),
    );
    // Assert: the 'group evaluated' line carries it (before: no notJudged in any event output).
    const evaluated = info.mock.calls.find(([message]) => message === 'group evaluated')?.[1] as
      | { notJudged?: unknown }
      | undefined;
    expect(evaluated?.notJudged).toEqual([{ resourceId: GROUP, reason: 'unused' }]);
  });

  it('logs the whole notice and fails when SNS fails; the retry does not remediate twice and reports "already removed"', async () => {
    // Prepare: the first attempt revokes, then the publish fails.
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    const logger = new Logger({ logLevel: 'SILENT' });
    const logged = vi.spyOn(logger, 'error');
    snsMock
      .on(PublishCommand)
      .rejectsOnce(
        Object.assign(new Error('boom'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }),
      )
      .resolves({ MessageId: 'm-2' });
    const body = JSON.stringify(envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])));
    // Act: SQS delivers the message again after the failure (ApproximateReceiveCount 2).
    const first = await processMessages(
      [{ id: 'msg-1', body, receiveCount: 1 }],
      deps({ mode: 'remediate' }, logger),
    );
    const second = await processMessages([{ id: 'msg-1', body, receiveCount: 2 }], deps());
    const retry = second.groups[0];
    // Assess
    expect(logged).toHaveBeenCalledWith(
      'notice not published',
      expect.objectContaining({ notice: expect.objectContaining({ subject: expect.any(String) }) }),
    );
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(second.failedMessageIds).toEqual([]);
    expect(revokedIds()).toEqual([['sgr-world22']]);
    expect(retry).toMatchObject({ actions: [], notified: true });
    const notices = published();
    expect(notices).toHaveLength(2);
    expect(notices[1]?.Message).toContain('ALREADY REMOVED');
    expect(notices[1]?.Message).toContain(`sgr-world22 on ${GROUP}: tcp 22 from 0.0.0.0/0`);
  });
});

describe('processEvent: loops, failures, exemptions, modes', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('logs with the CloudTrail eventID as correlation id', async () => {
    world([{ id: 'sgr-office22', from: 22, cidr: '198.51.100.0/24' }]);
    const logger = new Logger({ logLevel: 'SILENT' });
    const correlate = vi.spyOn(logger, 'setCorrelationId');
    await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-office22', '198.51.100.0/24']])),
      deps({}, logger),
    );
    expect(correlate).toHaveBeenCalledWith('evt-1');
  });

  it('ignores its own revoke (no loop): no EC2 call, no notice', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    const own = cloudTrailRecord(
      'RevokeSecurityGroupIngress',
      { groupId: GROUP, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-world22' }] } },
      { _return: true },
      {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail-on-network-change/fn',
          sessionContext: { sessionIssuer: { type: 'Role', arn: OWN_ROLE } },
        },
      },
    );
    const result = await processEvent(envelope(own), deps());
    expect(result).toEqual({ status: 'ignored', code: 'own-role', reason: expect.any(String) });
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(published()).toHaveLength(0);
  });

  it('ignores a failed call (errorCode) and an event of another account', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    const failed = {
      ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]),
      errorCode: 'Client.UnauthorizedOperation',
      responseElements: null,
    };
    expect(await processEvent(envelope(failed), deps())).toMatchObject({
      status: 'ignored',
      code: 'error-code',
    });
    const foreign = envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]), '999988887777');
    expect(await processEvent(foreign, deps())).toMatchObject({ status: 'ignored', code: 'other-account' });
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(published()).toHaveLength(0);
  });

  it('ignores the real failed-call fixture', async () => {
    const fixture = cloudTrailFixture(
      'GetPasswordData--failed-client-unauthorizedoperation-ec2-error-shape.json',
    );
    expect(await processEvent(fixture, deps())).toMatchObject({ status: 'ignored', code: 'error-code' });
  });

  it('never revokes a group exempted by tag, and reports its finding and the exposure it accepts as suppressed', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }], {
      groupTags: [{ Key: 'vpc-guardrail:exempt', Value: 'sg-open-admin-port@2030-01-01' }],
    });
    const result = await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps(),
    );
    expect(writeCalls()).toBe(0);
    // The group's finding, and the interface's exposure on 22 (its only world-opening group is exempted for 22).
    expect(result).toMatchObject({ suppressed: 2 });
    // Nothing is left to report in scope after the suppressions: no notice (DESIGN §8).
    expect(published()).toEqual([]);
  });

  it('revokes when the exemption tag has expired', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }], {
      groupTags: [{ Key: 'vpc-guardrail:exempt', Value: 'sg-open-admin-port@2025-06-01' }],
    });
    await processEvent(envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])), deps());
    expect(revokedIds()).toEqual([['sgr-world22']]);
  });

  it('never revokes what a config allow-list permits', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps({
        mode: 'remediate',
        allowLists: [{ resourceId: GROUP, ruleIds: ['sg-open-admin-port'], reason: 'bastion' }],
      }),
    );
    expect(writeCalls()).toBe(0);
  });

  it('never calls a write API in dry-run, and says what it would do', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    const result = await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'remediate' } }),
    );
    expect(writeCalls()).toBe(0);
    expect(result).toMatchObject({ actions: [{ action: 'RevokeSecurityGroupIngress', status: 'dry-run' }] });
    expect(published()[0]?.MessageAttributes?.action?.StringValue).toBe('dry-run');
    expect(published()[0]?.Message).toContain('would call:');
  });

  it('only notifies in notify mode', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }]);
    await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])),
      deps({ mode: 'notify' }),
    );
    expect(writeCalls()).toBe(0);
    expect(published()).toHaveLength(1);
  });

  it('stays silent when the change leaves nothing to report', async () => {
    world([{ id: 'sgr-office22', from: 22, cidr: '198.51.100.0/24' }]);
    const result = await processEvent(
      envelope(authorizeIngress(GROUP, 22, [['sgr-office22', '198.51.100.0/24']])),
      deps(),
    );
    expect(result).toMatchObject({ status: 'handled', findings: 0, notified: false });
    expect(published()).toHaveLength(0);
  });

  it('tells who exempted what when the exemption tag is set', async () => {
    world([{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }], {
      groupTags: [{ Key: 'vpc-guardrail:exempt', Value: '*' }],
    });
    const event = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: GROUP }] },
      tagSet: { items: [{ key: 'vpc-guardrail:exempt', value: '*' }] },
    });
    await processEvent(envelope(event), deps());
    expect(writeCalls()).toBe(0);
    const message = published()[0]?.Message ?? '';
    expect(message).toContain('EXEMPTION TAG CHANGED');
    expect(message).toContain(
      'arn:aws:sts::111122223333:assumed-role/Admin/alice set the tag vpc-guardrail:exempt = *',
    );
  });
});
