import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../../../functions/on-network-change/process';
import type { BatchMessage } from '../../../../shared/events/batch';
import { parseConfig } from '../../../../shared/load-config';
import {
  authorizeIngress,
  buildWorld,
  type Ec2Mock,
  envelope,
  GROUP,
  installFakeEc2,
  publishedNotices,
} from '../../../helpers';

// DESIGN §8 "Order and retries" with §14 "Duplicate event ids count once": an event delivered
// twice in one batch, once fresh and once again (ApproximateReceiveCount > 1), is evaluated once —
// as a redelivery, since the earlier attempt of the redelivered copy may have removed its rule.

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

function deps(): EventDeps {
  return {
    config: parseConfig({ mode: 'remediate', ownRoleArn: 'arn:aws:iam::111122223333:role/guardrail' }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

describe('a duplicate event id in one batch, one copy redelivered', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('reports the rule the event added and that is gone as already removed, whichever copy comes first', async () => {
    // Prepare: the world rule the event added was removed (by the first attempt) before this batch.
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }] }),
    );
    const body = JSON.stringify(envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']])));
    const batch: BatchMessage[] = [
      { id: 'fresh', body, receiveCount: 1 },
      { id: 'again', body, receiveCount: 2 },
    ];

    // Act
    const result = await processMessages(batch, deps());

    // Assess
    expect(result.messages.map((m) => m.outcome)).toEqual(['handled', 'duplicate']);
    expect(result.groups[0]?.notified).toBe(true);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Message).toContain('ALREADY REMOVED');
    expect(notices[0]?.Message).toContain('sgr-w22');
  });

  it('says nothing when both copies are first deliveries (a concurrent batch removed and reported it)', async () => {
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }] }),
    );
    const body = JSON.stringify(envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']])));
    const result = await processMessages(
      [
        { id: 'a', body, receiveCount: 1 },
        { id: 'b', body, receiveCount: 1 },
      ],
      deps(),
    );
    expect(result.groups[0]?.notified).toBe(false);
    expect(publishedNotices(snsMock)).toHaveLength(0);
  });
});
