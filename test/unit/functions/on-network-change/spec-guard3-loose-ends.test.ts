import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
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
import type { QueueMessage } from '../../../../functions/on-network-change/queue-settings';
import type { ConfigInput } from '../../../../shared/config';
import { parseConfig } from '../../../../shared/load-config';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailRecord,
  ENI,
  envelope,
  INSTANCE,
  installFakeEc2,
  publishedNotices,
} from '../../../helpers';

// guard3: remediation and notice loose ends of the last session (note "Noticed, not fixed"),
// DESIGN §8 (exemption changes always notify; order and retries) and §14 (partial failure).

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OWN_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-on-network-change';
const KEY = 'vpc-guardrail:exempt';

function deps(config: ConfigInput = {}): EventDeps {
  return {
    config: parseConfig({ ownRoleArn: OWN_ROLE, mode: 'remediate', ...config }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

/** The lines of each section of a notice's text whose heading starts so (heading excluded), up to the blank line. */
function sections(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const out: string[][] = [];
  lines.forEach((l, start) => {
    if (!l.startsWith(heading)) return;
    const end = lines.findIndex((x, i) => i > start && x === '');
    out.push(lines.slice(start + 1, end < 0 ? undefined : end));
  });
  return out;
}

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('(a) DESIGN §8 "exemption changes always notify": a launch tagging with different values', () => {
  // RunInstances tags the instance `*` and its interface `eni-internet-exposed` in one call: the
  // notice named only the first value (`*`, on both), so the engineer never read that the
  // interface's exposure is now exempted, nor that the instance's tag does nothing.
  const launch = cloudTrailRecord(
    'RunInstances',
    {
      instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 1 }] },
      tagSpecificationSet: {
        items: [
          { resourceType: 'instance', tags: [{ key: KEY, value: '*' }] },
          { resourceType: 'network-interface', tags: [{ key: KEY, value: 'eni-internet-exposed' }] },
        ],
      },
    },
    {
      instancesSet: {
        items: [{ instanceId: INSTANCE, networkInterfaceSet: { items: [{ networkInterfaceId: ENI }] } }],
      },
    },
  );

  it('tells each value with the resources it was given to, and what each does', async () => {
    // Prepare: the interface as read after the launch carries its tag; its group opens 22 to the world
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-ssh', from: 22, to: 22, cidr: '0.0.0.0/0' }],
    });
    const eni = w.NetworkInterfaces[0];
    if (eni) eni.TagSet = [{ Key: KEY, Value: 'eni-internet-exposed' }];
    installFakeEc2(ec2Mock, w);

    // Act
    const result = await processMessages(
      [{ id: 'm1', body: JSON.stringify(envelope(launch)), receiveCount: 1 }],
      deps({ mode: 'notify' }),
    );

    // Assess: one notice, two exemption blocks, one per value, each with its own resources and effect
    expect(result.failedMessageIds).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    const blocks = sections(notices[0]?.Message ?? '', 'EXEMPTION TAG CHANGED');
    expect(blocks.map((b) => b.slice(0, 2))).toEqual([
      [
        `  arn:aws:sts::111122223333:assumed-role/Admin/alice set the tag ${KEY} = *`,
        `  on ${INSTANCE} at 2025-06-15T10:51:12Z.`,
      ],
      [
        `  arn:aws:sts::111122223333:assumed-role/Admin/alice set the tag ${KEY} = eni-internet-exposed`,
        `  on ${ENI} at 2025-06-15T10:51:12Z.`,
      ],
    ]);
    // The instance's tag does nothing (no rule judges an instance); the interface's exempts its exposure.
    expect(blocks[0]?.slice(2)).toEqual([
      `  The tag on ${INSTANCE} has no effect: no rule judges this kind of resource.`,
      `  To exempt its findings, tag what they are about instead: ${ENI}, sg-0web, sg-0base.`,
    ]);
    expect(blocks[1]?.join('\n')).toContain('eni-internet-exposed');
    expect(blocks[1]?.join('\n')).not.toContain('has no effect');
    // The chat form tells both values too.
    const raw = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}';
    const chat = (JSON.parse(raw) as { https?: string }).https ?? '';
    expect(chat).toContain(`Exemption tag ${KEY} = * set on ${INSTANCE} by`);
    expect(chat).toContain(`Exemption tag ${KEY} = eni-internet-exposed set on ${ENI} by`);
  });
});

// --- (c), (d): the buffer's redrive settings, passed by the stack --------------------------------

const QUEUE = { maxReceives: 5, visibilitySeconds: 360 };
/** The calls' CloudTrail eventTime (cloudTrailRecord's). */
const MADE = Date.parse('2025-06-15T10:51:12Z');
const worldOpen22 = (eventID: string) =>
  JSON.stringify(envelope({ ...authorizeIngress('sg-0web', 22, [['sgr-w22', '0.0.0.0/0']]), eventID }));
const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode: status } });

function revokeIds(): string[] {
  return ec2Mock
    .commandCalls(RevokeSecurityGroupIngressCommand)
    .map((c) => (c.args[0].input.SecurityGroupRuleIds ?? []).join(','));
}

function actionLines(text: string): string[] {
  return sections(text, 'ACTIONS')[0] ?? [];
}

describe('(c) DESIGN §8 "on a retry … already removed": a message redriven from the dead-letter queue', () => {
  // SQS treats a redriven message as a new one (new message id and SentTimestamp, receives counted
  // from 1: SQS Developer Guide, dead-letter queue redrive). SNS refused every notice of the first
  // five receives (the first revoked sgr-w22); the operator redrives after SNS is back. Before:
  // read as a first delivery, the rule already gone was "not news" — no notice at all.
  let w: ReturnType<typeof buildWorld>;
  beforeEach(() => {
    w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, to: 22, cidr: '0.0.0.0/0' }] });
    installFakeEc2(ec2Mock, w);
  });

  async function firstFiveRefused(): Promise<string[][]> {
    snsMock.on(PublishCommand).rejects(awsError('InternalError', 500));
    const failed: string[][] = [];
    for (let receive = 1; receive <= 5; receive++) {
      const message: QueueMessage = {
        id: 'msg-1',
        body: worldOpen22('evt-w22'),
        receiveCount: receive,
        sentAt: MADE + 4000,
      };
      failed.push((await processMessages([message], { ...deps(), queue: QUEUE })).failedMessageIds);
    }
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-r' });
    return failed;
  }

  it('reads it as a redelivery and tells the rule its first attempt removed as already removed', async () => {
    // Prepare: five refused receives; the redriven copy reaches another execution environment.
    const failed = await firstFiveRefused();
    const redriven: QueueMessage = {
      id: 'msg-r',
      body: worldOpen22('evt-w22'),
      receiveCount: 1,
      sentAt: MADE + 3 * 3600_000,
    };

    // Act
    const result = await processMessages([redriven], { ...deps(), queue: QUEUE });

    // Assess: every receive failed (to the DLQ), one revoke in all; the redrive tells it, once.
    expect(failed).toEqual([['msg-1'], ['msg-1'], ['msg-1'], ['msg-1'], ['msg-1']]);
    expect(revokeIds()).toEqual(['sgr-w22']);
    expect(result.failedMessageIds).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toMatch(/already removed/);
    expect(sections(notices[0]?.Message ?? '', 'ALREADY REMOVED')[0]).toEqual([
      '  sgr-w22 on sg-0web: tcp 22 from 0.0.0.0/0',
    ]);
    // Never claimed as removed again: no call of this attempt, no "done:" line.
    expect(notices[0]?.Message).not.toMatch(/^ {2}done:/m);
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('notified');
  });

  it('a redriven copy counted as a duplicate of a fresh one makes its twin report like a redelivery', async () => {
    // Prepare: SQS (at least once) hands the batch a fresh copy and the redriven one of the same call.
    await firstFiveRefused();
    const fresh: QueueMessage = {
      id: 'msg-f',
      body: worldOpen22('evt-w22'),
      receiveCount: 1,
      sentAt: MADE + 4000,
    };
    const late: QueueMessage = { ...fresh, id: 'msg-r', sentAt: MADE + 3 * 3600_000 };

    // Act
    const result = await processMessages([fresh, late], { ...deps(), queue: QUEUE });

    // Assess: one notice, the rule told already removed; both messages acknowledged.
    expect(result.failedMessageIds).toEqual([]);
    expect(result.messages.map((m) => m.outcome)).toEqual(['handled', 'duplicate']);
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual([expect.stringMatching(/already removed/)]);
    expect(sections(notices[0]?.Message ?? '', 'ALREADY REMOVED')[0]).toEqual([
      '  sgr-w22 on sg-0web: tcp 22 from 0.0.0.0/0',
    ]);
  });

  it("a copy sent soon after its call stays a first delivery (a rule already gone is a concurrent batch's news)", async () => {
    // Prepare: the rule is gone (another batch removed and told it); this copy was sent 2 minutes after the call.
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-w22');
    const group = w.SecurityGroups.find((g) => g.GroupId === 'sg-0web');
    if (group) group.IpPermissions = [];
    const fresh: QueueMessage = {
      id: 'msg-2',
      body: worldOpen22('evt-w22'),
      receiveCount: 1,
      sentAt: MADE + 120_000,
    };

    // Act
    const result = await processMessages([fresh], { ...deps(), queue: QUEUE });

    // Assess: nothing to say, nothing sent.
    expect(result.failedMessageIds).toEqual([]);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it('logs a message as redriven only when it was read as a first delivery', async () => {
    // Prepare: the rule is gone; an old copy on its 2nd receive is a redelivery by its count alone.
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-w22');
    const logger = new Logger({ logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    const old = (receiveCount: number): QueueMessage => ({
      id: `msg-${receiveCount}`,
      body: worldOpen22('evt-w22'),
      receiveCount,
      sentAt: MADE + 3 * 3600_000,
    });

    // Act
    await processMessages([old(2)], { ...deps(), logger, queue: QUEUE });
    await processMessages([old(1)], { ...deps(), logger, queue: QUEUE });

    // Assess
    const redriven = info.mock.calls.filter(
      ([message]) => message === 'message read as redriven from the dead-letter queue',
    );
    expect(redriven.map(([, details]) => (details as { messageId: string }).messageId)).toEqual(['msg-1']);
  });

  it('the bound is the least time a message needs to reach the dead-letter queue: receives × visibility', async () => {
    // Prepare: the rule is gone; copies sent just under and at 5 × 360 s after the call.
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-w22');
    const group = w.SecurityGroups.find((g) => g.GroupId === 'sg-0web');
    if (group) group.IpPermissions = [];
    const at = (ms: number): QueueMessage => ({
      id: 'msg-3',
      body: worldOpen22('evt-w22'),
      receiveCount: 1,
      sentAt: MADE + ms,
    });

    // Act
    await processMessages([at(1800_000 - 1000)], { ...deps(), queue: QUEUE });
    const under = publishedNotices(snsMock).length;
    await processMessages([at(1800_000)], { ...deps(), queue: QUEUE });
    // Without the stack's settings (a local run) nothing is read as redriven.
    await processMessages([at(3 * 3600_000)], deps());

    // Assess
    expect(under).toBe(0);
    expect(publishedNotices(snsMock).map((n) => n.Subject)).toEqual([
      expect.stringMatching(/already removed/),
    ]);
  });
});

describe('(d) DESIGN §14: the last receive says that no retry follows', () => {
  beforeEach(() => {
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, to: 22, cidr: '0.0.0.0/0' }] }),
    );
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('RequestLimitExceeded', 503));
  });
  const FAULT = "throttled or unavailable past the SDK's retries";
  const CAUSE = 'RequestLimitExceeded: RequestLimitExceeded (test)';
  const REVOKE =
    '  FAILED:         RevokeSecurityGroupIngress sg-0web rules sgr-w22 (tcp 22 from 0.0.0.0/0) — ';

  it('on the 5th receive of a buffer with maxReceiveCount 5: "not retried again", the message still failed (to the DLQ)', async () => {
    // Prepare
    const logger = new Logger({ logLevel: 'SILENT' });
    const errors = vi.spyOn(logger, 'error');
    const message: QueueMessage = {
      id: 'msg-1',
      body: worldOpen22('evt-1'),
      receiveCount: 5,
      sentAt: MADE + 4000,
    };

    // Act
    const result = await processMessages([message], { ...deps(), logger, queue: QUEUE });

    // Assess
    expect(result.failedMessageIds).toEqual(['msg-1']);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(actionLines(notices[0]?.Message ?? '')).toEqual([
      `${REVOKE}not retried again: last receive, the message goes to the dead-letter queue (redrive once the cause is fixed) (${FAULT}): ${CAUSE}`,
    ]);
    expect(errors).toHaveBeenCalledWith(
      'group not processed; last receive: its messages go to the dead-letter queue',
      expect.objectContaining({ messageIds: ['msg-1'], lastReceive: { last: 1, of: 1 } }),
    );
  });

  it('before the last receive, and without the settings: "retried when these calls are delivered again"', async () => {
    const retried = `${REVOKE}retried when these calls are delivered again (${FAULT}; after the last attempt a dead-letter queue keeps them): ${CAUSE}`;
    const fourth: QueueMessage = { id: 'msg-1', body: worldOpen22('evt-1'), receiveCount: 4 };
    await processMessages([fourth], { ...deps(), queue: QUEUE });
    await processMessages([{ ...fourth, receiveCount: 5 }], deps());
    // A direct invocation is not an SQS message: Lambda's retries follow whatever the buffer's settings.
    await processEvent(JSON.parse(worldOpen22('evt-1')), {
      ...deps(),
      queue: { ...QUEUE, maxReceives: 1 },
    }).catch(() => undefined);
    expect(publishedNotices(snsMock).map((n) => actionLines(n.Message))).toEqual([
      [retried],
      [retried],
      [retried],
    ]);
  });

  it('a batch mixing a last receive and a first: retried, saying how many go to the DLQ', async () => {
    const messages: QueueMessage[] = [
      { id: 'msg-1', body: worldOpen22('evt-1'), receiveCount: 5 },
      {
        id: 'msg-2',
        body: JSON.stringify(
          envelope({ ...authorizeIngress('sg-0web', 22, [['sgr-w22b', '0.0.0.0/0']]), eventID: 'evt-2' }),
        ),
        receiveCount: 1,
      },
    ];
    const result = await processMessages(messages, { ...deps(), queue: QUEUE });
    expect(result.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(actionLines(publishedNotices(snsMock)[0]?.Message ?? '')).toEqual([
      `${REVOKE}retried when these calls are delivered again (${FAULT}; 1 of 2 messages on their last receive go to the dead-letter queue: a call only they lead to is not retried): ${CAUSE}`,
    ]);
  });
});

describe('(e) DESIGN §8 "failures always notify", §14: a read throttled on the last receive', () => {
  // Before: a read throttled past the SDK's retries failed the messages with no notice on every
  // receive (the redelivery evaluates them), the last one included — the call then sat in the
  // dead-letter queue and nobody heard of it (ERROR log only).
  beforeEach(() => {
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, to: 22, cidr: '0.0.0.0/0' }] }),
    );
    ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(awsError('RequestLimitExceeded', 503));
  });

  it('before the last receive: the messages fail quietly (the redelivery evaluates them)', async () => {
    const message: QueueMessage = { id: 'msg-1', body: worldOpen22('evt-1'), receiveCount: 4 };
    const result = await processMessages([message], { ...deps(), queue: QUEUE });
    expect(result.failedMessageIds).toEqual(['msg-1']);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it('a batch with messages still to come back stays quiet (the redelivery evaluates them)', async () => {
    const messages: QueueMessage[] = [
      { id: 'msg-1', body: worldOpen22('evt-1'), receiveCount: 5 },
      { id: 'msg-2', body: worldOpen22('evt-2'), receiveCount: 1 },
    ];
    const result = await processMessages(messages, { ...deps(), queue: QUEUE });
    expect(result.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it('on the last receive: a "could not evaluate" notice saying why and what to do, then the messages fail (to the DLQ)', async () => {
    // Act
    const message: QueueMessage = { id: 'msg-1', body: worldOpen22('evt-1'), receiveCount: 5 };
    const result = await processMessages([message], { ...deps(), queue: QUEUE });

    // Assess
    expect(result.failedMessageIds).toEqual(['msg-1']);
    expect(revokeIds()).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe(
      '[HIGH] could not evaluate AuthorizeSecurityGroupIngress on sg-0web — failed',
    );
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    const text = notices[0]?.Message ?? '';
    expect(sections(text, 'COULD NOT EVALUATE')[0]?.slice(0, 2)).toEqual([
      '  The resources these calls touched could not be fully read: DescribeSecurityGroupRules failed: RequestLimitExceeded: RequestLimitExceeded (test)',
      '  Nothing was remediated. EC2 throttled these reads (or was unavailable) past the retries, on the last receive: the events go to the dead-letter queue. Redrive them once the throttling is over (README "Redrive"), or review the change by hand.',
    ]);
    expect(text).not.toContain('ec2:Describe* permissions');
  });
});
