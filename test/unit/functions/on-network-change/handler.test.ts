import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizeIngress, buildWorld, envelope, installFakeEc2 } from '../../../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

const context = {
  functionName: 'vpc-guardrail-on-network-change',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:vpc-guardrail-on-network-change',
  memoryLimitInMB: '256',
  awsRequestId: 'req-0001',
  logGroupName: '/aws/lambda/vpc-guardrail-on-network-change',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

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
    expect(result).toMatchObject({ status: 'ignored', code: 'malformed' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
