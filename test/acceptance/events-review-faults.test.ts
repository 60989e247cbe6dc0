import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandInput,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import {
  authorizeIngress,
  buildWorld,
  type Ec2Mock,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
} from '../helpers';

// DESIGN §13 "partial pages" for the event function: a listing that fails after its first page is
// not read at all, so no remediation ever rests on the rules of page 1 alone; a denied later page
// is a "could not evaluate" notice (acknowledged), a throttled one fails the group (retried).

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';

const deps = () => eventDeps();

/** The group holds the world rule on 22 (page 1) and more rules on later pages; page 2 fails. */
function failingSecondPage(error: Error): void {
  const world = buildWorld({
    groupId: GROUP,
    rules: [
      { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
      { id: 'sgr-vpc', from: 443, cidr: '10.0.0.0/16' },
    ],
  });
  installFakeEc2(ec2Mock, world, 1);
  ec2Mock.on(DescribeSecurityGroupRulesCommand).callsFake((input: DescribeSecurityGroupRulesCommandInput) => {
    if (input.NextToken !== undefined) throw error;
    const groups = input.Filters?.[0]?.Values ?? [];
    const rules = world.SecurityGroupRules.filter((r) => groups.includes(String(r.GroupId)));
    return { SecurityGroupRules: rules.slice(0, 1), NextToken: '1' };
  });
}

const body = JSON.stringify(envelope(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']])));

describe('§13 partial pages in the event function', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
  });

  it('a later page denied: nothing revoked, a "could not evaluate" notice (high, failed), acknowledged', async () => {
    failingSecondPage(
      Object.assign(new Error('not authorized'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
    expect(result.failedMessageIds).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe(
      '[HIGH] could not evaluate AuthorizeSecurityGroupIngress on sg-0web — failed',
    );
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(notices[0]?.Message).toContain('DescribeSecurityGroupRules: UnauthorizedOperation');
  });

  it('a later page throttled past the retries: nothing revoked, no notice, the message retried', async () => {
    failingSecondPage(
      Object.assign(new Error('slow down'), {
        name: 'RequestLimitExceeded',
        $metadata: { httpStatusCode: 503 },
      }),
    );
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
    expect(publishedNotices(snsMock)).toEqual([]);
    expect(result.failedMessageIds).toEqual(['m']);
  });

  it('a describe timing out (a network timeout past the retries): nothing revoked, no notice, retried', async () => {
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .rejects(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }));
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
    expect(publishedNotices(snsMock)).toEqual([]);
    expect(result.failedMessageIds).toEqual(['m']);
  });

  it('a publish timing out after the revoke: the revoke stands, the notice is logged whole, the message retried', async () => {
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock
      .on(PublishCommand)
      .rejects(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }));
    const logger = new Logger({ logLevel: 'SILENT' });
    const logged: unknown[] = [];
    logger.error = (...args: unknown[]) => {
      logged.push(args);
    };
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], { ...deps(), logger });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-world22'] },
    ]);
    expect(result.failedMessageIds).toEqual(['m']);
    const notice = logged.find((args) => Array.isArray(args) && args[0] === 'notice not published') as
      | [string, { notice: { subject: string } }]
      | undefined;
    expect(notice?.[1].notice.subject).toBe('[CRITICAL] sg-0web world-open on 22/tcp (+1 more) — revoked');
  });
});
