import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventDeps, processEvent, processMessages } from '../../functions/on-network-change/process';
import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/load-config';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailFixture,
  cloudTrailRecord,
  envelope,
  installFakeEc2,
  lambdaContext,
  type RuleSpec,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail';
const OWN_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-on-network-change';
const sgEvent = () => envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]));

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

function world(rules: RuleSpec[]): void {
  installFakeEc2(ec2Mock, buildWorld({ groupId: GROUP, rules }));
}

function writeCalls(): number {
  return (
    ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).length +
    ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand).length +
    ec2Mock.commandCalls(CreateNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(DeleteNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(ModifySubnetAttributeCommand).length
  );
}

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('Lambda: ignored and hostile events return normally, touch nothing', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  const deep = (): unknown => {
    let nested: unknown = { groupId: GROUP, securityGroupRuleId: 'sgr-x' };
    for (let i = 0; i < 50_000; i++) nested = { items: nested };
    return envelope(
      cloudTrailRecord(
        'AuthorizeSecurityGroupIngress',
        { groupId: 'sg-0web' },
        { securityGroupRuleSet: nested },
      ),
    );
  };

  it.each([
    ['null', () => null],
    ['a string', () => 'hello'],
    [
      'an envelope without detail',
      () => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2' }),
    ],
    ['a detail of the wrong type', () => ({ 'detail-type': 'AWS API Call via CloudTrail', detail: 'x' })],
    [
      'an unknown event',
      () => envelope(cloudTrailRecord('CreateVpcPeeringConnection', { vpcId: 'vpc-0a1' })),
    ],
    [
      'a failed call',
      () => envelope({ ...authorizeIngress(GROUP, 22, []), errorCode: 'Client.UnauthorizedOperation' }),
    ],
    ['another region', () => envelope(authorizeIngress(GROUP, 22, []), '111122223333', 'eu-west-1')],
    ['another account', () => envelope(authorizeIngress(GROUP, 22, []), '999988887777')],
    ['a deeply nested rule set', deep],
  ])('returns an ignore result for %s: no EC2 call, no notice', async (_, make) => {
    world([{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }]);
    // Notify mode: the deeply nested (but valid) rule set is handled without remediation.
    const result = await processEvent(make(), deps({ mode: 'notify' }));
    expect(result.status === 'ignored' || result.status === 'handled').toBe(true);
    expect(writeCalls()).toBe(0);
    if (result.status === 'ignored') {
      expect(ec2Mock.calls()).toHaveLength(0);
      expect(snsMock.calls()).toHaveLength(0);
    }
  });

  it('logs the reason of a rejected event of another region', async () => {
    const logger = new Logger({ logLevel: 'SILENT' });
    const logs = [vi.spyOn(logger, 'info'), vi.spyOn(logger, 'warn'), vi.spyOn(logger, 'error')];
    const result = await processEvent(
      envelope(authorizeIngress(GROUP, 22, []), '111122223333', 'eu-west-1'),
      deps({}, logger),
    );
    expect(result).toMatchObject({ status: 'ignored', code: 'other-region' });
    const logged = logs.flatMap((spy) => spy.mock.calls).map((call) => JSON.stringify(call));
    expect(logged.some((line) => line.includes('eu-west-1') && line.includes('us-east-1'))).toBe(true);
  });

  it('logs a malformed event as an error', async () => {
    const logger = new Logger({ logLevel: 'SILENT' });
    const error = vi.spyOn(logger, 'error');
    await processEvent({ 'detail-type': 'AWS API Call via CloudTrail', detail: 7 }, deps({}, logger));
    expect(error).toHaveBeenCalledWith('event ignored', expect.objectContaining({ code: 'malformed' }));
  });
});

describe('Lambda: act first, then notify', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
  });

  it('makes the write call before the publish, and publishes one message per event', async () => {
    world([
      { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
    ]);
    const order: string[] = [];
    ec2Mock.on(RevokeSecurityGroupIngressCommand).callsFake(() => {
      order.push('revoke');
      return { Return: true };
    });
    snsMock.on(PublishCommand).callsFake(() => {
      order.push('publish');
      return { MessageId: 'm-1' };
    });
    await processEvent(sgEvent(), deps());
    expect(order).toEqual(['revoke', 'publish']);
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
      TopicArn: TOPIC,
      Subject: expect.stringMatching(/^\[CRITICAL\] /),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        action: { DataType: 'String', StringValue: 'remediated' },
        accountId: { DataType: 'String', StringValue: '111122223333' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        ruleIds: { DataType: 'String.Array', StringValue: '["eni-internet-exposed","sg-open-admin-port"]' },
      },
    });
  });

  it('reports a denied write as failed, keeps the notice, and says so in the action attribute', async () => {
    world([{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }]);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 403));
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const result = await processEvent(sgEvent(), deps());
    expect(result).toMatchObject({ status: 'handled', actions: [{ status: 'failed' }], notified: true });
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(input?.Message).toContain('FAILED');
    expect(input?.Message).toContain('UnauthorizedOperation');
  });

  it('reports partially-remediated when one call of several fails', async () => {
    // The default group with an opt-in revoke of egress too: two calls, the egress one denied.
    installFakeEc2(
      ec2Mock,
      buildWorld({
        groupId: GROUP,
        groupName: 'default',
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-out', egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
        ],
      }),
    );
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2Mock.on(RevokeSecurityGroupEgressCommand).rejects(awsError('UnauthorizedOperation', 403));
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await processEvent(
      sgEvent(),
      deps({ mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } }),
    );
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.MessageAttributes?.action?.StringValue).toBe('partially-remediated');
  });

  it('does not count a NotFound as done while the rule is still there: verified, then failed', async () => {
    world([{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }]);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound', 400));
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const result = await processEvent(sgEvent(), deps());
    expect(result).toMatchObject({ actions: [{ status: 'failed' }] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    const notice = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(notice?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(notice?.Subject).not.toContain('revoked');
  });

  it('notifies "could not evaluate" and acts on nothing when a describe is denied', async () => {
    world([{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }]);
    ec2Mock.on(DescribeNetworkAclsCommand).rejects(awsError('UnauthorizedOperation', 403));
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const result = await processEvent(sgEvent(), deps());
    expect(writeCalls()).toBe(0);
    expect(result).toMatchObject({ status: 'handled', notified: true });
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Message).toMatch(/could not evaluate/i);
    expect(input?.Message).toContain('DescribeNetworkAcls');
    expect(input?.MessageAttributes?.action?.StringValue).toBe('failed');
  });

  it('logs the whole notice at ERROR and throws when SNS fails', async () => {
    world([{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }]);
    snsMock.on(PublishCommand).rejects(awsError('AuthorizationError', 403));
    const logger = new Logger({ logLevel: 'SILENT' });
    const error = vi.spyOn(logger, 'error');
    await expect(processEvent(sgEvent(), deps({ mode: 'remediate' }, logger))).rejects.toThrow();
    const call = error.mock.calls.find(([message]) => message === 'notice not published');
    expect(call?.[1]).toMatchObject({
      notice: {
        subject: expect.stringMatching(/^\[CRITICAL\]/),
        message: expect.stringContaining('AuthorizeSecurityGroupIngress'),
        attributes: expect.objectContaining({ action: { DataType: 'String', StringValue: 'remediated' } }),
      },
    });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it('uses the CloudTrail eventID (not the EventBridge id) as the correlation id', async () => {
    world([]);
    const logger = new Logger({ logLevel: 'SILENT' });
    const correlate = vi.spyOn(logger, 'setCorrelationId');
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await processEvent(sgEvent(), deps({}, logger));
    expect(correlate).toHaveBeenCalledWith('evt-1');
  });

  it('handles a real EventBridge fixture of its own account and region', async () => {
    const fixture = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--referenced-group-with-ruleset-eventbridge.json',
    ) as {
      account: string;
      region: string;
    };
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    installFakeEc2(ec2Mock, buildWorld({ groupId: GROUP, rules: [] }));
    const own = { ...deps(), accountId: fixture.account, region: fixture.region };
    const result = await processEvent(fixture, own);
    expect(result.status).toBe('handled');
  });
});

describe('Lambda handler: cold start', () => {
  const context = lambdaContext({ name: 'vpc-guardrail-on-network-change' });

  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', TOPIC);
    vi.stubEnv('VPC_GUARDRAIL_OWN_ROLE_ARN', OWN_ROLE);
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'notify');
    vi.stubEnv('VPC_GUARDRAIL_CONFIG', '');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function loadHandler() {
    vi.resetModules();
    return import('../../functions/on-network-change/handler');
  }

  it.each([
    ['VPC_GUARDRAIL_CONFIG', '{not json', /VPC_GUARDRAIL_CONFIG/],
    ['VPC_GUARDRAIL_CONFIG', '{"rules":{"sg-open-admin-port":"sometimes"}}', /rules\.sg-open-admin-port/],
    ['VPC_GUARDRAIL_CONFIG', '{"unknownKey":1}', /unknownKey/],
    ['VPC_GUARDRAIL_MODE', 'yolo', /mode/],
  ])('fails the cold start naming %s when it is invalid', async (name, value, message) => {
    vi.stubEnv(name, value);
    await expect(loadHandler()).rejects.toThrow(message);
  });

  it('reads its config from the environment: a dry run from VPC_GUARDRAIL_MODE never writes', async () => {
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'dry-run');
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await loadHandler();
    const result = await handler(sgEvent(), context);
    expect(result).toMatchObject({ status: 'handled', actions: [{ status: 'dry-run' }] });
    expect(writeCalls()).toBe(0);
  });

  it('ignores its own role from the environment', async () => {
    const { handler } = await loadHandler();
    const own = cloudTrailRecord(
      'RevokeSecurityGroupIngress',
      { groupId: GROUP },
      { _return: true },
      {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail-on-network-change/x',
          sessionContext: { sessionIssuer: { type: 'Role', arn: OWN_ROLE } },
        },
      },
    );
    expect(await handler(envelope(own), context)).toMatchObject({ status: 'ignored', code: 'own-role' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('rejects an event of another account than the invoked function', async () => {
    const { handler } = await loadHandler();
    const result = await handler(envelope(authorizeIngress(GROUP, 22, []), '999988887777'), context);
    expect(result).toMatchObject({ status: 'ignored', code: 'other-account' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe('§8 retries: offending rules this event added that are already gone', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
  });

  it('still tells a person on the retry (a redelivered message) when the world rule was the only rule of the group', async () => {
    // Prepare: the group holds nothing but the world rule; the first publish fails.
    const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.GroupId !== GROUP || r.IsEgress === false);
    const group = w.SecurityGroups[0] as Record<string, unknown>;
    group.IpPermissionsEgress = [];
    installFakeEc2(ec2Mock, w);
    snsMock.on(PublishCommand).rejectsOnce(awsError('InternalError', 500)).resolves({ MessageId: 'm-2' });
    const body = JSON.stringify(sgEvent());
    // Act
    const first = await processMessages([{ id: 'msg-1', body, receiveCount: 1 }], deps());
    group.IpPermissions = []; // EC2 lists no permission once the rule is revoked
    const retry = await processMessages([{ id: 'msg-1', body, receiveCount: 2 }], deps());
    // Assess
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(retry.failedMessageIds).toEqual([]);
    expect(retry.groups[0]).toMatchObject({ notified: true });
    const notices = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(notices).toHaveLength(2);
    expect(notices[1]?.Message).toContain('ALREADY REMOVED');
    expect(notices[1]?.Message).toContain('sgr-w22');
  });

  it('says nothing of a world rule on an authorized port that is gone (it was never offending)', async () => {
    world([{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const event = envelope(authorizeIngress(GROUP, 443, [['sgr-w443', '0.0.0.0/0']]));
    const result = await processMessages([{ id: 'm', body: JSON.stringify(event), receiveCount: 3 }], deps());
    expect(result.groups[0]).toMatchObject({ notified: false });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('says nothing on a first delivery of an offending world rule already gone (a concurrent batch reported it)', async () => {
    world([{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const result = await processEvent(sgEvent(), deps());
    expect(result).toMatchObject({ status: 'handled', notified: false, actions: [] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('reports it "already removed" on a redelivery', async () => {
    world([{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const body = JSON.stringify(sgEvent());
    const result = await processMessages([{ id: 'm', body, receiveCount: 2 }], deps());
    expect(result.groups[0]).toMatchObject({ notified: true, actions: [] });
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('ALREADY REMOVED');
  });
});
