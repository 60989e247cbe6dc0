import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../functions/on-network-change/process';
import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/load-config';
import { authorizeIngress, buildWorld, envelope, installFakeEc2 } from '../helpers';

// QA (lead's decision): an "already removed" notice on a redelivery carries the severity of the
// findings the removed rules made, so a subscription filtered to critical/high still hears it.

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';

function deps(config: ConfigInput = {}): EventDeps {
  return {
    config: parseConfig({ mode: 'remediate', ownRoleArn: 'arn:aws:iam::111122223333:role/gr', ...config }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

async function redeliveredRemoval(port: number, config: ConfigInput = {}) {
  // The group no longer holds the world rule the redelivered call added (an earlier attempt revoked it).
  installFakeEc2(
    ec2Mock,
    buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }] }),
  );
  const body = JSON.stringify(envelope(authorizeIngress(GROUP, port, [['sgr-gone', '0.0.0.0/0']])));
  const result = await processMessages([{ id: 'm', body, receiveCount: 2 }], deps(config));
  const published = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
  return { result, published };
}

describe('QA §8: "already removed" carries the removed rule\'s severity', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it.each([
    [22, 'critical'],
    [3389, 'critical'],
    [3306, 'high'],
    [8081, 'medium'],
  ])(
    'world-open %i/tcp gone on a redelivery → severity %s (attribute and subject)',
    async (port, severity) => {
      const { result, published } = await redeliveredRemoval(port);
      expect(result.groups[0]).toMatchObject({ notified: true, actions: [] });
      expect(published).toHaveLength(1);
      expect(published[0]?.MessageAttributes?.severity?.StringValue).toBe(severity);
      expect(published[0]?.Subject).toBe(
        `[${severity.toUpperCase()}] world-open rule on ${GROUP} already removed`,
      );
      expect(published[0]?.Message).toContain('ALREADY REMOVED');
      expect(published[0]?.Message).toContain('sgr-gone');
    },
  );

  it('keeps the severity when unused groups are not judged (the removed rule is judged on its own)', async () => {
    const { published } = await redeliveredRemoval(22, { judgeUnused: false });
    expect(published).toHaveLength(1);
    expect(published[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
  });

  it('follows the configured port classes: 8081 configured as an admin port is critical', async () => {
    const { published } = await redeliveredRemoval(8081, { adminPorts: ['22/tcp', '8081/tcp'] });
    expect(published[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
  });
});
