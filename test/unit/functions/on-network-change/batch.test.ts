import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../../../functions/on-network-change/process';
import type { BatchMessage } from '../../../../shared/events/batch';
import { parseConfig } from '../../../../shared/load-config';
import {
  actor,
  authorizeIngress,
  buildWorld,
  cloudTrailRecord,
  type Ec2Mock,
  envelope,
  GROUP,
  installFakeEc2,
  publishedNotices,
  TERRAFORM_RULES,
  terraformApply,
  WORLD_PORTS,
  type World,
} from '../../../helpers';

// DESIGN §14: a burst through one invocation — one slice, one evaluation, one plan, one execution
// and one digest per account and region; verified revokes; partial failure per group.

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail';

function deps(overrides: Partial<EventDeps> = {}): EventDeps {
  return {
    config: parseConfig({ mode: 'remediate', ownRoleArn: 'arn:aws:iam::111122223333:role/guardrail' }),
    topicArn: TOPIC,
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
    ...overrides,
  };
}

function messages(events: readonly unknown[], receiveCount = 1, prefix = 'msg'): BatchMessage[] {
  return events.map((event, i) => ({ id: `${prefix}-${i}`, body: JSON.stringify(event), receiveCount }));
}

/**
 * A redelivered call that added the world rule sgr-w3389 and a first-delivered one that added
 * sgr-w22, both on GROUP: one account-region group, so one evaluation and one notice.
 */
function retriedAndFresh(): BatchMessage[] {
  const retried = envelope({ ...authorizeIngress(GROUP, 3389, [['sgr-w3389', '0.0.0.0/0']]), ...actor(1) });
  const fresh = envelope({ ...authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]), ...actor(2) });
  return [...messages([retried], 2, 'retry'), ...messages([fresh], 1, 'fresh')];
}

/** EC2's answer to a revoke naming a rule id that is gone (the whole call removes nothing). */
function ruleNotFound(): Error {
  return Object.assign(new Error('gone'), {
    name: 'InvalidSecurityGroupRuleId.NotFound',
    $metadata: { httpStatusCode: 400 },
  });
}

function describeCalls(): number {
  return ec2Mock
    .calls()
    .filter((c) => /^Describe|^GetManagedPrefixList/.test(c.args[0].constructor.name.replace(/Command$/, '')))
    .length;
}

function revokes(): RevokeSecurityGroupIngressCommandInput[] {
  return ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
}

function published() {
  return publishedNotices(snsMock);
}

function install(world: World): World {
  installFakeEc2(ec2Mock, world);
  return world;
}

describe('a burst in one batch (DESIGN §14)', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('turns a 31-call apply on one group into 1 revoke of the 5 world-open rules, ≤ 6 reads and 1 notice naming all 31 callers', async () => {
    // Prepare
    install(buildWorld({ groupId: GROUP, rules: TERRAFORM_RULES }));
    const batch = messages(terraformApply(TERRAFORM_RULES));
    expect(batch).toHaveLength(31);
    // Act
    const result = await processMessages(batch, deps());
    // Assess
    expect(result.failedMessageIds).toEqual([]);
    expect(revokes()).toEqual([
      {
        GroupId: GROUP,
        SecurityGroupRuleIds: ['sgr-w22', 'sgr-w3306', 'sgr-w3389', 'sgr-w5432', 'sgr-w9200'],
      },
    ]);
    expect(describeCalls()).toBeLessThanOrEqual(6);
    const notices = published();
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    for (let i = 0; i <= 30; i++) {
      expect(notice?.Message).toContain(`arn:aws:sts::111122223333:assumed-role/Deployer/terraform-${i} `);
      expect(notice?.Message).toContain(`203.0.113.${i + 1}`);
    }
    expect(notice?.Subject).toMatch(/^\[CRITICAL\] sg-0tf world-open on .*\/tcp.* — revoked$/);
    expect(notice?.Subject?.length).toBeLessThanOrEqual(100);
    expect(notice?.MessageAttributes?.action?.StringValue).toBe('remediated');
    expect(notice?.Message).toContain('HOW TO UNDO');
    expect(notice?.Message).not.toMatch(/OPEN \[CRITICAL\] sg-0tf/);
  });

  it('sends one notice with ≤ 6 reads for twenty calls on twenty groups of one VPC', async () => {
    // Prepare: twenty groups, each opened to the world on 22 by its own call.
    const world = buildWorld({ groupId: 'sg-00', rules: [{ id: 'sgr-00', from: 22, cidr: '0.0.0.0/0' }] });
    const base = world.SecurityGroups[0] as Record<string, unknown>;
    const baseRule = world.SecurityGroupRules[0] as Record<string, unknown>;
    for (let g = 1; g < 20; g++) {
      const id = `sg-${String(g).padStart(2, '0')}`;
      world.SecurityGroups.push({ ...base, GroupId: id, GroupName: `web-${g}` });
      world.SecurityGroupRules.push({
        ...baseRule,
        GroupId: id,
        SecurityGroupRuleId: `sgr-${String(g).padStart(2, '0')}`,
      });
    }
    install(world);
    const events = Array.from({ length: 20 }, (_, g) => {
      const id = String(g).padStart(2, '0');
      return envelope({ ...authorizeIngress(`sg-${id}`, 22, [[`sgr-${id}`, '0.0.0.0/0']]), ...actor(g) });
    });
    // Act
    const result = await processMessages(messages(events), deps({ config: parseConfig({ mode: 'notify' }) }));
    // Assess
    expect(result.groups).toHaveLength(1);
    expect(published()).toHaveLength(1);
    expect(describeCalls()).toBeLessThanOrEqual(6);
    // 19 more groups, and the interface behind sg-00.
    expect(published()[0]?.Subject).toBe('[CRITICAL] sg-00 world-open on 22/tcp (+20 more on 20 groups)');
  });

  it('still finds a group named without a VPC when another call of the batch names a VPC', async () => {
    // Prepare: a by-name call (default-VPC style) and a CreateSecurityGroup in another VPC.
    install(
      buildWorld({
        groupId: 'sg-0web',
        rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }],
        defaultVpc: true,
      }),
    );
    const byName = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      {
        groupName: 'web',
        ipPermissions: {
          items: [
            { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
          ],
        },
      },
      { _return: true },
      actor(1),
    );
    const create = cloudTrailRecord(
      'CreateSecurityGroup',
      { groupName: 'other', groupDescription: 'x', vpcId: 'vpc-0other' },
      { _return: true, groupId: 'sg-0other' },
      actor(2),
    );
    // Act
    const result = await processMessages(
      messages([envelope(byName), envelope(create)]),
      deps({ config: parseConfig({}) }),
    );
    // Assess
    expect(result.groups[0]?.findings).toBe(2);
    expect(published()[0]?.Subject).toMatch(/^\[CRITICAL\] sg-0web world-open on 22\/tcp/);
    // The interface behind the group is read too: its exposure is the news.
    expect(published()[0]?.Message).toContain('OPEN [CRITICAL] eni-0web');
  });

  it('counts a duplicate event id once', async () => {
    install(buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }));
    const event = envelope({ ...authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]), ...actor(7) });
    const result = await processMessages(messages([event, event, event]), deps());
    expect(result.messages.map((m) => m.outcome)).toEqual(['handled', 'duplicate', 'duplicate']);
    expect(result.groups[0]?.messageIds).toEqual(['msg-0']);
    const message = published()[0]?.Message ?? '';
    // The one call is listed under each resource it touched (the group and its interface), once each.
    expect(message.match(/calls \(1\):/g)).toHaveLength(2);
    expect(message).not.toMatch(/calls \([23]\)/);
    expect(revokes()).toHaveLength(1);
  });

  it('acknowledges a message that is not JSON, logged at ERROR, and evaluates the rest', async () => {
    install(buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }));
    const logger = new Logger({ logLevel: 'SILENT' });
    const errors: unknown[][] = [];
    logger.error = (...args: unknown[]) => {
      errors.push(args);
    };
    const batch: BatchMessage[] = [
      { id: 'bad', body: '{not json', receiveCount: 1 },
      ...messages([envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]))]),
    ];
    const result = await processMessages(batch, deps({ logger }));
    expect(result.failedMessageIds).toEqual([]);
    expect(result.messages[0]).toMatchObject({ messageId: 'bad', outcome: 'unreadable' });
    expect(errors.some(([message]) => message === 'message ignored')).toBe(true);
    expect(published()).toHaveLength(1);
  });

  it('acknowledges a message that repeats a key (its record would be read by the last value), logged at ERROR, and evaluates the rest', async () => {
    install(buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }));
    const logger = new Logger({ logLevel: 'SILENT' });
    const errors: unknown[][] = [];
    logger.error = (...args: unknown[]) => {
      errors.push(args);
    };
    // The record's detail given twice: JSON.parse keeps the second, a harmless DescribeVpcs.
    const sent = JSON.stringify(envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']])));
    const twice = `${sent.slice(0, -1)},"detail":{"eventName":"DescribeVpcs","eventSource":"ec2.amazonaws.com"}}`;
    const batch: BatchMessage[] = [
      { id: 'twice', body: twice, receiveCount: 1 },
      ...messages([envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]))]),
    ];
    const result = await processMessages(batch, deps({ logger }));
    expect(result.failedMessageIds).toEqual([]);
    expect(result.messages[0]).toEqual({
      messageId: 'twice',
      outcome: 'unreadable',
      reason:
        'the message body repeats the key detail (JSON keeps only the last of its values; send each key once)',
    });
    expect(errors.some(([message]) => message === 'message ignored')).toBe(true);
    expect(published()).toHaveLength(1);
  });

  /**
   * A world-open SG rule on GROUP in both regions; eu-west-1's EC2 client throttles on every call
   * (past the SDK's retries), us-east-1's (`home`) answers from the installed world.
   */
  function twoRegionsOneThrottling() {
    install(buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }));
    const throttling = new EC2Client({ region: 'eu-west-1' });
    throttling.send = async () => {
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'RequestLimitExceeded',
        $metadata: { httpStatusCode: 503 },
      });
    };
    const home = new EC2Client({ region: 'us-east-1' });
    return { throttling, home, sg: authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]) };
  }

  it('fails only the messages of an account-region group that throttles past the retries; the other group is notified', async () => {
    // Prepare: two regions, each with its own EC2; eu-west-1 throttles.
    const { throttling, home, sg } = twoRegionsOneThrottling();
    const batch = [
      ...messages([envelope({ ...sg, ...actor(1) }, '111122223333', 'us-east-1')], 1, 'use1'),
      ...messages(
        [
          envelope({ ...sg, ...actor(2), awsRegion: 'eu-west-1' }, '111122223333', 'eu-west-1'),
          envelope({ ...sg, ...actor(3), awsRegion: 'eu-west-1' }, '111122223333', 'eu-west-1'),
        ],
        1,
        'euw1',
      ),
    ];
    // Act: any origin accepted, as organization mode runs (one client per account-region).
    const result = await processMessages(
      batch,
      deps({
        anyOrigin: true,
        ec2For: (where) => (where.region === 'eu-west-1' ? throttling : home),
      }),
    );
    // Assess
    expect(result.failedMessageIds.sort()).toEqual(['euw1-0', 'euw1-1']);
    expect(published()).toHaveLength(1);
    expect(published()[0]?.MessageAttributes?.region?.StringValue).toBe('us-east-1');
  });

  it("fails a duplicate of a failed group's message with it (a message of that account and region), and only it", async () => {
    // Prepare: eu-west-1 throttles; its one event arrives twice (a fresh and a redelivered copy).
    const { throttling, home, sg } = twoRegionsOneThrottling();
    const euw1 = envelope({ ...sg, ...actor(2), awsRegion: 'eu-west-1' }, '111122223333', 'eu-west-1');
    const use1 = envelope({ ...sg, ...actor(1) }, '111122223333', 'us-east-1');
    const batch = [
      ...messages([euw1], 1, 'euw1'),
      ...messages([use1, use1], 1, 'use1'),
      ...messages([euw1], 2, 'euw1-again'),
    ];
    // Act
    const result = await processMessages(
      batch,
      deps({ anyOrigin: true, ec2For: (where) => (where.region === 'eu-west-1' ? throttling : home) }),
    );
    // Assess: the us-east-1 duplicate is acknowledged with its group; both eu-west-1 copies retried.
    expect(result.failedMessageIds.sort()).toEqual(['euw1-0', 'euw1-again-0']);
    expect(published()).toHaveLength(1);
  });

  it('revokes exactly the id still present after a racing NotFound, and says revoked only for it', async () => {
    // Prepare: a concurrent batch removes sgr-w22 just before our two-id revoke reaches EC2.
    const world = install(
      buildWorld({
        groupId: GROUP,
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
        ],
      }),
    );
    let raced = false;
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .callsFake((input: RevokeSecurityGroupIngressCommandInput) => {
        const ids = input.SecurityGroupRuleIds ?? [];
        if (!raced) {
          raced = true;
          world.SecurityGroupRules = world.SecurityGroupRules.filter(
            (r) => r.SecurityGroupRuleId !== 'sgr-w22',
          );
        }
        const present = ids.filter((id) =>
          world.SecurityGroupRules.some((r) => r.SecurityGroupRuleId === id),
        );
        if (present.length !== ids.length) {
          throw ruleNotFound();
        }
        world.SecurityGroupRules = world.SecurityGroupRules.filter(
          (r) => !ids.includes(String(r.SecurityGroupRuleId)),
        );
        return { Return: true };
      });
    const event = envelope(
      authorizeIngress(GROUP, 22, [
        ['sgr-w22', '0.0.0.0/0'],
        ['sgr-w3389', '0.0.0.0/0'],
      ]),
    );
    // Act
    const result = await processMessages(messages([event]), deps());
    // Assess
    expect(revokes()).toEqual([
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22', 'sgr-w3389'] },
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w3389'] },
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand).at(-1)?.args[0].input.Filters).toEqual([
      { Name: 'security-group-rule-id', Values: ['sgr-w22', 'sgr-w3389'] },
    ]);
    expect(result.groups[0]?.actions).toEqual([
      { action: 'RevokeSecurityGroupIngress', status: 'already-done' },
      { action: 'RevokeSecurityGroupIngress', status: 'done' },
    ]);
    const notice = published()[0];
    expect(notice?.Message).toContain('done:           RevokeSecurityGroupIngress sg-0tf rules sgr-w3389');
    // sgr-w22 was someone else's fix: not news on a first delivery.
    expect(notice?.Message).not.toContain('sgr-w22');
    expect(notice?.Message).toContain('FIXED [CRITICAL] sg-0tf world-open on 3389/tcp');
    expect(notice?.Subject).toMatch(/— revoked$/);
  });

  it('reports a rule already gone as "already removed" on a redelivery, and says nothing on a first delivery', async () => {
    // Prepare: the world rule the event added was removed before this batch read the group.
    install(buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }] }));
    const event = envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]));
    // Act
    const first = await processMessages(messages([event], 1), deps());
    const again = await processMessages(messages([event], 2), deps());
    // Assess
    expect(first.groups[0]?.notified).toBe(false);
    expect(again.groups[0]?.notified).toBe(true);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Message).toContain('ALREADY REMOVED');
    expect(notices[0]?.Message).toContain('sgr-w22');
  });

  it("on a redelivery, tells only the retried call's removals: a fresh call's rule a concurrent batch removed is not news", async () => {
    // Prepare: the retried call added sgr-w3389 (gone: the first attempt revoked it); the fresh call
    // added sgr-w22, which a concurrent batch revokes between this batch's read and its revoke.
    const world = install(
      buildWorld({
        groupId: GROUP,
        rules: [
          { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        ],
      }),
    );
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .callsFake((input: RevokeSecurityGroupIngressCommandInput) => {
        const ids = input.SecurityGroupRuleIds ?? [];
        world.SecurityGroupRules = world.SecurityGroupRules.filter(
          (r) => r.SecurityGroupRuleId !== 'sgr-w22',
        );
        if (ids.some((id) => !world.SecurityGroupRules.some((r) => r.SecurityGroupRuleId === id))) {
          throw ruleNotFound();
        }
        return { Return: true };
      });
    // Act
    const result = await processMessages(retriedAndFresh(), deps());
    // Assess
    expect(revokes()).toEqual([{ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] }]);
    expect(result.groups[0]?.actions).toEqual([
      { action: 'RevokeSecurityGroupIngress', status: 'already-done' },
    ]);
    const notices = published();
    expect(notices).toHaveLength(1);
    const message = notices[0]?.Message ?? '';
    expect(message).toContain('ALREADY REMOVED');
    expect(message).toContain('sgr-w3389');
    // sgr-w22 was the concurrent batch's fix, and its news: neither the call nor the finding here.
    expect(message).not.toContain('sgr-w22');
    expect(message).not.toContain('already gone:');
    expect(message).not.toMatch(/world-open on 22\/tcp/);
    expect(notices[0]?.Subject).toBe('[CRITICAL] world-open rule on sg-0tf already removed');
  });

  it("on a redelivery, splits one revoke found gone: the retried call's rule is told, the fresh call's is not", async () => {
    // Prepare: both world rules are present when the batch reads; a concurrent batch revokes both
    // before this batch's one revoke of the two ids.
    const world = install(
      buildWorld({
        groupId: GROUP,
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
        ],
      }),
    );
    ec2Mock.on(RevokeSecurityGroupIngressCommand).callsFake(() => {
      world.SecurityGroupRules = [];
      throw ruleNotFound();
    });
    // Act
    const result = await processMessages(retriedAndFresh(), deps());
    // Assess
    expect(revokes()).toEqual([{ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22', 'sgr-w3389'] }]);
    expect(result.groups[0]?.actions).toEqual([
      { action: 'RevokeSecurityGroupIngress', status: 'already-done' },
    ]);
    const message = published()[0]?.Message ?? '';
    expect(message).toContain(
      'already gone:   RevokeSecurityGroupIngress sg-0tf rules sgr-w3389 (tcp 3389 from 0.0.0.0/0) — InvalidSecurityGroupRuleId.NotFound',
    );
    expect(message).toContain('ALREADY REMOVED [CRITICAL] sg-0tf world-open on 3389/tcp\n');
    // The interface's exposure as it read after the fresh rule's removal: 3389 only.
    expect(message).toContain(
      'ALREADY REMOVED [CRITICAL] eni-0web (i-0web) is reachable from the internet on 3389/tcp\n',
    );
    expect(message).not.toContain('sgr-w22');
    expect(message).not.toMatch(/world-open on 22\/tcp/);
  });

  it('holds the §14 figures for a 31-call apply delivered in batches of 10, three at once', async () => {
    // Prepare: one EC2 shared by the concurrent batches (each revoke really removes the rules).
    install(buildWorld({ groupId: GROUP, rules: TERRAFORM_RULES }));
    const all = messages(terraformApply(TERRAFORM_RULES));
    const batches = [all.slice(0, 10), all.slice(10, 20), all.slice(20, 30), all.slice(30)];
    // Act: three batches at once, then the last.
    const run = (batch: BatchMessage[]) => processMessages(batch, deps());
    const results = [...(await Promise.all(batches.slice(0, 3).map(run))), await run(batches[3] ?? [])];
    // Assess
    expect(results.flatMap((r) => r.failedMessageIds)).toEqual([]);
    const successful = ec2Mock
      .commandCalls(RevokeSecurityGroupIngressCommand)
      .filter((c) => c.returnValue !== undefined)
      .map((c) => c.args[0].input.SecurityGroupRuleIds ?? []);
    const removed = results.flatMap((r) =>
      r.groups.flatMap((g) => g.actions.filter((a) => a.status === 'done')),
    );
    expect(removed).toHaveLength(1);
    expect(successful.length).toBeGreaterThanOrEqual(1);
    const notices = published();
    expect(notices.length).toBeLessThanOrEqual(4);
    // Each world-open rule reported revoked in exactly one notice, and no other notice names it.
    for (const port of WORLD_PORTS) {
      const naming = notices.filter((n) => n.Message?.includes(`tcp ${port} from 0.0.0.0/0`));
      expect(naming).toHaveLength(1);
      expect(naming[0]?.Subject).toMatch(/— revoked$/);
    }
    // ≤ 6 reads per batch (5 for the slice, 1 to verify a racing revoke).
    expect(describeCalls()).toBeLessThanOrEqual(6 * batches.length);
  });
});
