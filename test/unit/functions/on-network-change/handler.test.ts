import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizeIngress, buildWorld, envelope, installFakeEc2, lambdaContext } from '../../../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

const context = lambdaContext({ name: 'vpc-guardrail-on-network-change' });

async function loadHandler() {
  vi.resetModules();
  return import('../../../../functions/on-network-change/handler');
}

describe('on-network-change handler', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail');
    vi.stubEnv('VPC_GUARDRAIL_OWN_ROLE_ARN', 'arn:aws:iam::111122223333:role/vpc-guardrail');
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'remediate');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails the cold start with a clear message when the configuration is invalid', async () => {
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'fix-everything');
    await expect(loadHandler()).rejects.toThrow(/VPC_GUARDRAIL_|mode/);
  });

  it('fails the cold start without a topic', async () => {
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', '');
    await expect(loadHandler()).rejects.toThrow('VPC_GUARDRAIL_TOPIC_ARN: is required');
  });

  it('builds its SDK clients once, with adaptive retries', async () => {
    const { clients } = await loadHandler();
    expect(clients.ec2.config.retryMode).toBe('adaptive');
    expect(clients.sns.config.retryMode).toBe('adaptive');
    expect(await clients.ec2.config.maxAttempts()).toBe(6);
    expect((await clients.ec2.config.retryStrategy()).constructor.name).toBe('AdaptiveRetryStrategy');
  });

  it('handles an EventBridge event end to end: revoke, then one notice', async () => {
    // Prepare
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await loadHandler();
    // Act
    const result = await handler(
      envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])),
      context,
    );
    // Assess
    expect(result).toMatchObject({ status: 'handled', eventId: 'evt-1', notified: true, messageId: 'm-1' });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-world22'] },
    ]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('returns normally for an event it ignores', async () => {
    const { handler } = await loadHandler();
    const result = await handler({ 'detail-type': 'Scheduled Event', detail: {} }, context);
    // Named by its detail-type (what is wrong), not as a record missing its eventName.
    expect(result).toEqual({
      status: 'ignored',
      code: 'unknown-event',
      reason: `the EventBridge event's detail-type "Scheduled Event" is not "AWS API Call via CloudTrail"`,
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('takes an SQS batch and answers batchItemFailures with only the failed messages (none here)', async () => {
    // Prepare
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await loadHandler();
    const record = (messageId: string, body: string, receiveCount = '1') => ({
      messageId,
      receiptHandle: 'r',
      body,
      attributes: {
        ApproximateReceiveCount: receiveCount,
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:events',
      awsRegion: 'us-east-1',
    });
    const event = JSON.stringify(envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])));
    // Act
    const result = await handler({ Records: [record('a', event), record('b', 'not json')] }, context);
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('fails exactly the messages of a group whose notice could not be published', async () => {
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error('down'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }),
      );
    const { handler } = await loadHandler();
    const body = JSON.stringify(envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])));
    const ignored = JSON.stringify(
      envelope({ eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com' }),
    );
    const sqs = (messageId: string, text: string) => ({
      messageId,
      receiptHandle: 'r',
      body: text,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:events',
      awsRegion: 'us-east-1',
    });
    const result = await handler({ Records: [sqs('a', body), sqs('b', ignored)] }, context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }] });
  });

  it('reads VPC_GUARDRAIL_QUEUE and SentTimestamp: a message redriven from the DLQ reports its rule already removed (guard3)', async () => {
    // Prepare: the rule the event added is gone (its first receives revoked it; SNS refused their
    // notices); the redriven copy has receive count 1 and a SentTimestamp 3 hours after the call.
    const world = buildWorld({ groupId: 'sg-0web', rules: [] });
    installFakeEc2(ec2Mock, world);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    vi.stubEnv('VPC_GUARDRAIL_QUEUE', '5,360');
    const { handler } = await loadHandler();
    const body = JSON.stringify(envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])));
    const sentAt = (ms: number) => ({
      messageId: 'r',
      receiptHandle: 'r',
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.parse('2025-06-15T10:51:12Z') + ms),
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:events',
      awsRegion: 'us-east-1',
    });
    // Act: a copy sent a minute after the call (a first delivery), then the redriven one.
    const fresh = await handler({ Records: [sentAt(60_000)] }, context);
    const redriven = await handler({ Records: [sentAt(3 * 3600_000)] }, context);
    // Assess: the first says nothing (a concurrent batch's news); the redriven one tells it once.
    expect([fresh, redriven]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const sent = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(sent.map((n) => n.Subject)).toEqual(['[CRITICAL] world-open rule on sg-0web already removed']);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('fails the cold start on a VPC_GUARDRAIL_QUEUE it cannot read', async () => {
    vi.stubEnv('VPC_GUARDRAIL_QUEUE', '5');
    await expect(loadHandler()).rejects.toThrow('VPC_GUARDRAIL_QUEUE: must be');
  });

  it("Lambda's retry of a direct invocation whose publish failed reports the rule it revoked as already removed (DESIGN §8 Order and retries)", async () => {
    // Prepare: the first attempt revokes sgr-world22, then SNS fails; Lambda retries in the same
    // warm environment, with the same event.
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock
      .on(PublishCommand)
      .rejectsOnce(
        Object.assign(new Error('boom'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }),
      )
      .resolves({ MessageId: 'm-2' });
    const { handler } = await loadHandler();
    const event = envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']]));
    // Act
    await expect(handler(event, context)).rejects.toThrow('boom');
    const retry = await handler(event, context);
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(retry).toMatchObject({ status: 'handled', notified: true, actions: [] });
    const sent = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    // The refused notice, kept in the environment, is sent first as it was (spec-guard2-faults).
    expect(sent).toHaveLength(3);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[2]?.Subject).toBe('[CRITICAL] world-open rule on sg-0web already removed');
    const text = (JSON.parse(sent[2]?.Message ?? '{}') as { default?: string }).default ?? '';
    expect(text).toContain('sgr-world22 on sg-0web: tcp 22 from 0.0.0.0/0');
  });

  it('logs cold_start true on the first invocation of a fresh environment and false after', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', '');
    // Dev mode: the logger prints through the global console, which the test reads.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    };
    const spies = (['info', 'error', 'warn', 'log'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(capture),
    );
    try {
      const { handler } = await loadHandler();
      const skip = { 'detail-type': 'Scheduled Event', detail: {} };
      await handler(skip, context);
      const first = lines.splice(0);
      await handler(skip, context);
      const second = lines.splice(0);
      const coldOf = (out: string[]) =>
        out
          .filter((l) => l.includes('"cold_start"'))
          .map((l) => (JSON.parse(l) as { cold_start: boolean }).cold_start);
      expect(coldOf(first).length).toBeGreaterThan(0);
      expect(new Set(coldOf(first))).toEqual(new Set([true]));
      expect(new Set(coldOf(second))).toEqual(new Set([false]));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
