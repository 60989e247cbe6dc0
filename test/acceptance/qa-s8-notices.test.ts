import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../functions/on-network-change/process';
import type { BatchMessage } from '../../shared/events/batch';
import { parseConfig } from '../../shared/load-config';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailRecord,
  type Ec2Mock,
  envelope,
  installFakeEc2,
  type RuleSpec,
  type World,
} from '../helpers';

// Independent QA cases for DESIGN §8 notices through the event pipeline (aws-sdk-client-mock EC2 and
// SNS): the "could not evaluate" attributes, notifyMinSeverity, the subject cap, tags without effect.

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0qa';

function deps(config: Record<string, unknown> = {}): EventDeps {
  return {
    config: parseConfig({
      mode: 'remediate',
      ownRoleArn: 'arn:aws:iam::111122223333:role/guardrail',
      ...config,
    }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

function messages(events: readonly unknown[], receiveCount = 1): BatchMessage[] {
  return events.map((event, i) => ({ id: `m-${i}`, body: JSON.stringify(event), receiveCount }));
}

function published() {
  return snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

function world(rules: RuleSpec[], groupId = GROUP): World {
  const w = buildWorld({ groupId, rules });
  installFakeEc2(ec2Mock, w);
  return w;
}

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'x' });
});

const WORLD_22: RuleSpec[] = [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }];
/** The CloudTrail event of a call adding `id`, a world-open rule on `port`, to the group. */
const add = (port: number, id: string) => envelope(authorizeIngress(GROUP, port, [[id, '0.0.0.0/0']]));

describe('§8 "could not evaluate": a notice a critical-and-high filter still receives', () => {
  it('carries severity high and action failed, names the failed read, remediates nothing and is acknowledged', async () => {
    world(WORLD_22);
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(
      Object.assign(new Error('not authorized'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const result = await processMessages(messages([add(22, 'sgr-w22')]), deps());
    expect(result.failedMessageIds).toEqual([]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    const [notice, ...more] = published();
    expect(more).toEqual([]);
    expect(notice?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(notice?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(notice?.Subject).toBe(
      '[HIGH] could not evaluate AuthorizeSecurityGroupIngress on sg-0qa — failed',
    );
    expect(notice?.Message).toContain('DescribeSecurityGroups: UnauthorizedOperation: not authorized');
  });
});

describe('§8 "No noise": notifyMinSeverity', () => {
  it('an interface exposed only on 443 (info) sends nothing with the default (low)', async () => {
    world([{ id: 'sgr-w443', from: 443, cidr: '0.0.0.0/0' }]);
    const result = await processMessages(messages([add(443, 'sgr-w443')]), deps());
    expect(result.groups.map((g) => [g.findings, g.notified])).toEqual([[1, false]]);
    expect(published()).toEqual([]);
  });

  it('notifyMinSeverity high: a medium exposure (8443) in notify mode sends nothing; a critical one (22) does', async () => {
    world([{ id: 'sgr-w8443', from: 8443, cidr: '0.0.0.0/0' }]);
    const quiet = await processMessages(
      messages([add(8443, 'sgr-w8443')]),
      deps({ mode: 'notify', notifyMinSeverity: 'high' }),
    );
    expect(quiet.groups.map((g) => [g.findings, g.notified])).toEqual([[2, false]]);
    expect(published()).toEqual([]);
    world([...WORLD_22, { id: 'sgr-w8443', from: 8443, cidr: '0.0.0.0/0' }]);
    await processMessages(
      messages([add(22, 'sgr-w22')]),
      deps({ mode: 'notify', notifyMinSeverity: 'high' }),
    );
    const [notice] = published();
    expect(notice?.MessageAttributes?.severity?.StringValue).toBe('critical');
    // Findings below the threshold are still listed in a notice that is sent for another reason.
    expect(notice?.Message).toContain('8443/tcp');
  });

  it('notifyMinSeverity critical: a failed revoke of a critical rule still notifies, with action failed', async () => {
    world(WORLD_22);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await processMessages(messages([add(22, 'sgr-w22')]), deps({ notifyMinSeverity: 'critical' }));
    const [notice] = published();
    expect(notice?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(notice?.Subject).toMatch(/— remediation failed$/);
  });
});

describe('§8 Notification subject', () => {
  it('stays within 100 characters and keeps the port for the longest real ids', async () => {
    const long = 'sg-0123456789abcdef0';
    world([{ id: 'sgr-0123456789abcdef0', from: 3389, protocol: 'udp', cidr: '::/0' }], long);
    await processMessages(
      messages([envelope(authorizeIngress(long, 3389, [['sgr-0123456789abcdef0', '::/0']]))]),
      deps({ mode: 'dry-run' }),
    );
    const subjects = published().map((p) => p.Subject ?? '');
    expect(subjects).toEqual(['[CRITICAL] sg-0123456789abcdef0 world-open on 3389/udp (+1 more) — dry run']);
    expect(subjects[0]?.length).toBeLessThanOrEqual(100);
  });
});

describe('§8 Exemptions: a tag on a resource no rule judges', () => {
  it('an instance tagged exempt: the notice says it has no effect and names its interfaces and groups', async () => {
    world(WORLD_22);
    const tagged = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'i-0web' }] },
      tagSet: { items: [{ key: 'vpc-guardrail:exempt', value: '*' }] },
    });
    await processMessages(messages([envelope(tagged)]), deps());
    const [notice] = published();
    expect(notice?.Message).toContain(
      'The tag on i-0web has no effect: no rule judges this kind of resource.',
    );
    expect(notice?.Message).toContain(
      'To exempt its findings, tag what they are about instead: eni-0web, sg-0qa, sg-0base.',
    );
    // Nothing is promised as suppressed: the interface exposure stays open.
    expect(notice?.Message).toContain(
      'OPEN [CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    );
  });
});
