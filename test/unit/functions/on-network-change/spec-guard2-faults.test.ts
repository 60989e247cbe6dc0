import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateNetworkAclEntryCommand,
  type CreateNetworkAclEntryCommandInput,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  ReplaceNetworkAclEntryCommand,
  type ReplaceNetworkAclEntryCommandInput,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
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
  cloudTrailRecord,
  envelope,
  installFakeEc2,
  OTHER_GROUP,
  publishedNotices,
  type World,
} from '../../../helpers';

// DESIGN §8 "Order and retries" (act first, then notify; a notice is never lost silently; an
// existing identical entry counts as done) and §14 "Partial failure" (a transient fault fails the
// group's messages, which are delivered again), as the on-call engineer hears them: a remediation
// stopped half-way by throttling is told before its messages are retried, and its redelivery
// finishes the fix without doubling what the first attempt made.

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OWN_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-on-network-change';

function deps(config: ConfigInput, logger = new Logger({ logLevel: 'SILENT' })): EventDeps {
  return {
    config: parseConfig({ ownRoleArn: OWN_ROLE, mode: 'remediate', ...config }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger,
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode: status } });

const THROTTLED = 'RequestLimitExceeded: RequestLimitExceeded (test)';
const RETRIED = `retried when these calls are delivered again (throttled or unavailable past the SDK's retries; after the last attempt a dead-letter queue keeps them): ${THROTTLED}`;
const NOT_MADE =
  "not made: an earlier remediation call was throttled or unavailable past the SDK's retries; retried when these calls are delivered again";

/** The lines of one section of a notice's text (its heading excluded), up to the blank line. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

// --- NACL ---------------------------------------------------------------------------------------

const NACL_FIX: ConfigInput = { rules: { 'nacl-open-admin-port': 'remediate' } };

/** A CreateNetworkAclEntry of tcp 0-1023 from the world at 100: tcp 22 open through a broader entry. */
const broadEntry = JSON.stringify(
  cloudTrailRecord('CreateNetworkAclEntry', {
    networkAclId: ACL,
    ruleNumber: 100,
    egress: false,
    ruleAction: 'allow',
    aclProtocol: '6',
    cidrBlock: '0.0.0.0/0',
    portRange: { from: 0, to: 1023 },
    icmpTypeCode: {},
  }),
);

/** A CreateNetworkAclEntry of tcp 22 from the world at 100: an admin-only entry (narrowed in place). */
const adminEntry = JSON.stringify(
  cloudTrailRecord('CreateNetworkAclEntry', {
    networkAclId: ACL,
    ruleNumber: 100,
    egress: false,
    ruleAction: 'allow',
    aclProtocol: '6',
    cidrBlock: '0.0.0.0/0',
    portRange: { from: 22, to: 22 },
    icmpTypeCode: {},
  }),
);

function naclWorld(ingress: { from: number; to: number }): World {
  const w = buildWorld({
    groupId: 'sg-0web',
    rules: [],
    naclIngress: [{ rule: 100, protocol: '6', ...ingress, cidr: '0.0.0.0/0' }],
  });
  installFakeEc2(ec2Mock, w);
  return w;
}

type EntryWrite = CreateNetworkAclEntryCommandInput | ReplaceNetworkAclEntryCommandInput;

/** Writes an entry as EC2 would: at its number and direction, replacing what was there. */
function write(w: World, input: EntryWrite): void {
  const acl = w.NetworkAcls.find((a) => a.NetworkAclId === input.NetworkAclId);
  if (!acl) throw new Error(`no NACL ${input.NetworkAclId}`);
  const { NetworkAclId: _id, ...entry } = input;
  const others = (acl.Entries as { RuleNumber: number; Egress: boolean }[]).filter(
    (e) => e.RuleNumber !== input.RuleNumber || e.Egress !== input.Egress,
  );
  acl.Entries = [...others, entry];
}

/** EC2's NACL writes against the world, the `n`-th write (from 1) throttled once. */
function writesThrottledAt(w: World, n: number): void {
  let count = 0;
  const fake = (input: EntryWrite) => {
    count += 1;
    if (count === n) throw awsError('RequestLimitExceeded', 503);
    write(w, input);
    return {};
  };
  ec2Mock.on(CreateNetworkAclEntryCommand).callsFake(fake);
  ec2Mock.on(ReplaceNetworkAclEntryCommand).callsFake(fake);
}

/** Every NACL write made, in order: `create 98 allow 6 22-22 10.0.0.0/16`. */
function naclWrites(): string[] {
  const text = (verb: string, p: EntryWrite) =>
    `${verb} ${p.RuleNumber} ${p.RuleAction} ${p.Protocol} ${p.PortRange?.From}-${p.PortRange?.To} ${p.CidrBlock ?? p.Ipv6CidrBlock}`;
  return ec2Mock.calls().flatMap((c) => {
    const command = c.args[0];
    if (command instanceof CreateNetworkAclEntryCommand) return [text('create', command.input)];
    if (command instanceof ReplaceNetworkAclEntryCommand) return [text('replace', command.input)];
    if (command instanceof DeleteNetworkAclEntryCommand) return [`delete ${command.input.RuleNumber}`];
    return [];
  });
}

/** The world's inbound IPv4 entries: `98 allow 6 22-22 10.0.0.0/16`. */
function inbound(w: World): string[] {
  const acl = w.NetworkAcls.find((a) => a.NetworkAclId === ACL);
  type E = {
    RuleNumber: number;
    Egress: boolean;
    RuleAction: string;
    Protocol: string;
    CidrBlock?: string;
    PortRange?: { From?: number; To?: number };
  };
  return ((acl?.Entries ?? []) as E[])
    .filter((e) => !e.Egress && e.CidrBlock !== undefined && e.RuleNumber < 32767)
    .sort((a, b) => a.RuleNumber - b.RuleNumber)
    .map(
      (e) =>
        `${e.RuleNumber} ${e.RuleAction} ${e.Protocol} ${e.PortRange ? `${e.PortRange.From}-${e.PortRange.To}` : 'all'} ${e.CidrBlock}`,
    );
}

describe('DESIGN §8/§14: a NACL fix throttled half-way, then redelivered', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('tells the allow made and the deny still to come, then the redelivery makes only the deny (the allow is reused)', async () => {
    // Prepare: the first attempt's second write (the deny) is throttled past the SDK's retries.
    const w = naclWorld({ from: 0, to: 1023 });
    writesThrottledAt(w, 2);

    // Act: the first delivery, then SQS's redelivery of the same message.
    const first = await processMessages([{ id: 'msg-1', body: broadEntry, receiveCount: 1 }], deps(NACL_FIX));
    const afterFirst = naclWrites();
    const second = await processMessages(
      [{ id: 'msg-1', body: broadEntry, receiveCount: 2 }],
      deps(NACL_FIX),
    );

    // Assess: the first attempt fails its message after telling what it made.
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(afterFirst).toEqual(['create 98 allow 6 22-22 10.0.0.0/16', 'create 99 deny 6 22-22 0.0.0.0/0']);
    // The redelivery: the deny alone, at 99; no second allow for 10.0.0.0/16 at 97.
    expect(second.failedMessageIds).toEqual([]);
    expect(naclWrites().slice(afterFirst.length)).toEqual(['create 99 deny 6 22-22 0.0.0.0/0']);
    expect(second.groups[0]?.actions).toEqual([{ action: 'CreateNetworkAclEntry', status: 'done' }]);
    expect(inbound(w)).toEqual([
      '98 allow 6 22-22 10.0.0.0/16',
      '99 deny 6 22-22 0.0.0.0/0',
      '100 allow 6 0-1023 0.0.0.0/0',
    ]);

    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(2);
    const [stopped, done] = notices;
    expect(stopped?.Subject).toBe(
      '[HIGH] acl-0default world-open on 22/tcp (+1 more) — partially remediated',
    );
    expect(stopped?.MessageAttributes?.action?.StringValue).toBe('partially-remediated');
    expect(stopped?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(section(stopped?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           CreateNetworkAclEntry acl-0default ingress rule 98: allow protocol 6 ports 22 from 10.0.0.0/16',
      `  FAILED:         CreateNetworkAclEntry acl-0default ingress rule 99: deny protocol 6 ports 22 from 0.0.0.0/0 — ${RETRIED}`,
    ]);
    expect(section(stopped?.Message ?? '', 'HOW TO UNDO')).toEqual([
      '  aws ec2 delete-network-acl-entry --network-acl-id acl-0default --rule-number 98 --ingress',
    ]);
    expect(stopped?.Message).toContain('- OPEN [HIGH] acl-0default world-open on 22/tcp');
    expect(done?.MessageAttributes?.action?.StringValue).toBe('remediated');
    expect(section(done?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           CreateNetworkAclEntry acl-0default ingress rule 99: deny protocol 6 ports 22 from 0.0.0.0/0',
    ]);
    expect(section(done?.Message ?? '', 'HOW TO UNDO')).toEqual([
      '  aws ec2 delete-network-acl-entry --network-acl-id acl-0default --rule-number 99 --ingress',
    ]);
    expect(done?.Message).toContain('FIXED');
  });

  it('with an admin source too: the allow made before the throttle is reused, the one not made is made at its planned number', async () => {
    // Prepare: the plan is allow 97 (172.16.50.0/24), allow 98 (10.0.0.0/16), deny 99 — in that
    // order (ascending); the second write is throttled.
    const w = naclWorld({ from: 0, to: 1023 });
    writesThrottledAt(w, 2);
    const config = { ...NACL_FIX, naclAdminSources: ['172.16.50.0/24'] };

    // Act
    const first = await processMessages([{ id: 'msg-1', body: broadEntry, receiveCount: 1 }], deps(config));
    const afterFirst = naclWrites();
    const second = await processMessages([{ id: 'msg-1', body: broadEntry, receiveCount: 2 }], deps(config));

    // Assess
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(afterFirst).toEqual([
      'create 97 allow 6 22-22 172.16.50.0/24',
      'create 98 allow 6 22-22 10.0.0.0/16',
    ]);
    expect(naclWrites().slice(afterFirst.length)).toEqual([
      'create 98 allow 6 22-22 10.0.0.0/16',
      'create 99 deny 6 22-22 0.0.0.0/0',
    ]);
    expect(second.failedMessageIds).toEqual([]);
    expect(inbound(w)).toEqual([
      '97 allow 6 22-22 172.16.50.0/24',
      '98 allow 6 22-22 10.0.0.0/16',
      '99 deny 6 22-22 0.0.0.0/0',
      '100 allow 6 0-1023 0.0.0.0/0',
    ]);
    // The first notice: the allow made, the throttled one, and the deny never made without it.
    const [stopped] = publishedNotices(snsMock);
    expect(section(stopped?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           CreateNetworkAclEntry acl-0default ingress rule 97: allow protocol 6 ports 22 from 172.16.50.0/24',
      `  FAILED:         CreateNetworkAclEntry acl-0default ingress rule 98: allow protocol 6 ports 22 from 10.0.0.0/16 — ${RETRIED}`,
      `  FAILED:         CreateNetworkAclEntry acl-0default ingress rule 99: deny protocol 6 ports 22 from 0.0.0.0/0 — ${NOT_MADE}`,
    ]);
  });

  it('an admin-only entry whose narrowing was throttled: the redelivery narrows it and reuses the allow below', async () => {
    // Prepare: plan = allow 99 (172.16.50.0/24, the further kept source), then replace 100 with
    // 10.0.0.0/16; the replace is throttled.
    const w = naclWorld({ from: 22, to: 22 });
    writesThrottledAt(w, 2);
    const config = { ...NACL_FIX, naclAdminSources: ['172.16.50.0/24'] };

    // Act
    await processMessages([{ id: 'msg-1', body: adminEntry, receiveCount: 1 }], deps(config));
    const afterFirst = naclWrites();
    const second = await processMessages([{ id: 'msg-1', body: adminEntry, receiveCount: 2 }], deps(config));

    // Assess
    expect(afterFirst).toEqual([
      'create 99 allow 6 22-22 172.16.50.0/24',
      'replace 100 allow 6 22-22 10.0.0.0/16',
    ]);
    expect(naclWrites().slice(afterFirst.length)).toEqual(['replace 100 allow 6 22-22 10.0.0.0/16']);
    expect(second.failedMessageIds).toEqual([]);
    expect(inbound(w)).toEqual(['99 allow 6 22-22 172.16.50.0/24', '100 allow 6 22-22 10.0.0.0/16']);
    const [stopped, done] = publishedNotices(snsMock);
    expect(stopped?.MessageAttributes?.action?.StringValue).toBe('partially-remediated');
    expect(done?.MessageAttributes?.action?.StringValue).toBe('remediated');
    expect(section(done?.Message ?? '', 'HOW TO UNDO')).toEqual([
      '  aws ec2 replace-network-acl-entry --network-acl-id acl-0default --rule-number 100 --ingress --protocol 6 --rule-action allow --cidr-block 0.0.0.0/0 --port-range From=22,To=22',
    ]);
  });
});

// --- security groups ----------------------------------------------------------------------------

/** The web world plus a pre-existing world-open 22 rule on the base group (sg-0base). */
function twoGroupWorld(): World {
  const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' }] });
  const base = w.SecurityGroups.find((g) => g.GroupId === OTHER_GROUP);
  if (!base) throw new Error('no base group');
  base.IpPermissions = [
    {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
    {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: '10.0.0.0/8' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
  ];
  const rule = (id: string, port: number, cidr: string) => ({
    SecurityGroupRuleId: id,
    GroupId: OTHER_GROUP,
    GroupOwnerId: '111122223333',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    CidrIpv4: cidr,
    Tags: [],
  });
  w.SecurityGroupRules.push(rule('sgr-b22', 22, '0.0.0.0/0'), rule('sgr-b443', 443, '10.0.0.0/8'));
  installFakeEc2(ec2Mock, w);
  return w;
}

/** Two calls of one batch: a private 443 rule on sg-0base (which already holds a world 22 rule), a world 3389 rule on sg-0web. */
const baseCall = JSON.stringify(
  envelope({ ...authorizeIngress(OTHER_GROUP, 443, [['sgr-b443', '10.0.0.0/8']]), eventID: 'evt-1' }),
);
const webCall = JSON.stringify(
  envelope({ ...authorizeIngress('sg-0web', 3389, [['sgr-w3389', '0.0.0.0/0']]), eventID: 'evt-2' }),
);

function batchOf(receiveCount: number) {
  return [
    { id: 'msg-1', body: baseCall, receiveCount },
    { id: 'msg-2', body: webCall, receiveCount },
  ];
}

function revokes(): string[] {
  return ec2Mock
    .commandCalls(RevokeSecurityGroupIngressCommand)
    .map((c) => `${c.args[0].input.GroupId} ${(c.args[0].input.SecurityGroupRuleIds ?? []).join(',')}`);
}

/**
 * The fake's revoke by ids (both views of the group change, as in EC2), except that the group
 * `failing` answers `error` (once, when `once`). The worlds here hold one source per port.
 */
function revokeFailing(w: World, failing: string, error: Error, once: boolean): void {
  let failed = false;
  ec2Mock.on(RevokeSecurityGroupIngressCommand).callsFake((input: RevokeSecurityGroupIngressCommandInput) => {
    if (input.GroupId === failing && !(once && failed)) {
      failed = true;
      throw error;
    }
    const ids = input.SecurityGroupRuleIds ?? [];
    const gone = w.SecurityGroupRules.filter((r) => ids.includes(String(r.SecurityGroupRuleId)));
    if (gone.length !== ids.length) throw awsError('InvalidSecurityGroupRuleId.NotFound', 400);
    w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => !gone.includes(r));
    const ports = new Set(gone.map((r) => Number(r.FromPort)));
    const group = w.SecurityGroups.find((g) => g.GroupId === input.GroupId);
    if (group) {
      group.IpPermissions = ((group.IpPermissions ?? []) as Record<string, unknown>[]).filter(
        (p) => !ports.has(Number(p.FromPort)),
      );
    }
    return { Return: true };
  });
}

describe('DESIGN §8/§14: a pre-existing world-open rule revoked before a throttle', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('is told by the stopped attempt (the redelivery no longer sees it), and the redelivery finishes the other group', async () => {
    // Prepare: the plan revokes sg-0base's sgr-b22 (not added by these calls), then sg-0web's
    // sgr-w3389; the second revoke is throttled past the SDK's retries once.
    const w = twoGroupWorld();
    revokeFailing(w, 'sg-0web', awsError('RequestLimitExceeded', 503), true);
    const logger = new Logger({ logLevel: 'SILENT' });
    const errors = vi.spyOn(logger, 'error');

    // Act
    const first = await processMessages(batchOf(1), deps({}, logger));
    const second = await processMessages(batchOf(2), deps({}));

    // Assess: both messages of the account-region fail on the first attempt, none on the second.
    expect(first.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(second.failedMessageIds).toEqual([]);
    expect(revokes()).toEqual(['sg-0base sgr-b22', 'sg-0web sgr-w3389', 'sg-0web sgr-w3389']);
    // The log still names the call made (for the dead-letter case).
    expect(errors).toHaveBeenCalledWith(
      'group not processed; its messages will be retried',
      expect.objectContaining({
        messageIds: ['msg-1', 'msg-2'],
        callsMade: [
          {
            action: 'RevokeSecurityGroupIngress',
            parameters: { GroupId: OTHER_GROUP, SecurityGroupRuleIds: ['sgr-b22'] },
          },
        ],
      }),
    );
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(2);
    const [stopped, done] = notices;
    // The stopped attempt: sgr-b22 revoked (the only notice that can say so), sgr-w3389 to come.
    expect(stopped?.MessageAttributes?.action?.StringValue).toBe('partially-remediated');
    expect(stopped?.MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(stopped?.Subject).toMatch(/— partially remediated$/);
    expect(section(stopped?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           RevokeSecurityGroupIngress sg-0base rules sgr-b22 (tcp 22 from 0.0.0.0/0)',
      `  FAILED:         RevokeSecurityGroupIngress sg-0web rules sgr-w3389 (tcp 3389 from 0.0.0.0/0) — ${RETRIED}`,
    ]);
    expect(section(stopped?.Message ?? '', 'HOW TO UNDO')).toEqual([
      `  aws ec2 authorize-security-group-ingress --group-id sg-0base --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
    ]);
    expect(stopped?.Message).toMatch(/- FIXED \[CRITICAL\] sg-0base world-open on 22\/tcp/);
    expect(stopped?.Message).toMatch(/- OPEN \[CRITICAL\] sg-0web world-open on 3389\/tcp/);
    // The redelivery: the rest, and nothing about sgr-b22 (it cannot know of it).
    expect(done?.MessageAttributes?.action?.StringValue).toBe('remediated');
    expect(done?.Subject).toMatch(/sg-0web world-open on 3389\/tcp.* — revoked$/);
    expect(section(done?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           RevokeSecurityGroupIngress sg-0web rules sgr-w3389 (tcp 3389 from 0.0.0.0/0)',
    ]);
    expect(done?.Message).not.toContain('sgr-b22');
  });

  it('throttled at the first call: the notice says remediation failed and will be retried, nothing to undo', async () => {
    // Prepare: sg-0base's revoke (the plan's first call) is throttled once.
    const w = twoGroupWorld();
    revokeFailing(w, OTHER_GROUP, awsError('RequestLimitExceeded', 503), true);

    // Act
    const first = await processMessages(batchOf(1), deps({}));

    // Assess
    expect(first.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(revokes()).toEqual(['sg-0base sgr-b22']);
    const [stopped] = publishedNotices(snsMock);
    expect(publishedNotices(snsMock)).toHaveLength(1);
    expect(stopped?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(stopped?.Subject).toMatch(/— remediation failed$/);
    expect(section(stopped?.Message ?? '', 'ACTIONS')).toEqual([
      `  FAILED:         RevokeSecurityGroupIngress sg-0base rules sgr-b22 (tcp 22 from 0.0.0.0/0) — ${RETRIED}`,
      `  FAILED:         RevokeSecurityGroupIngress sg-0web rules sgr-w3389 (tcp 3389 from 0.0.0.0/0) — ${NOT_MADE}`,
    ]);
    expect(stopped?.Message).not.toContain('HOW TO UNDO');
    expect(stopped?.Message).not.toContain('FIXED');
  });

  it('access denied on the second call: a permanent failure, told once and acknowledged (no redelivery)', async () => {
    // Prepare: the role may not revoke on sg-0web (a resource-scoped policy, say).
    const w = twoGroupWorld();
    revokeFailing(w, 'sg-0web', awsError('UnauthorizedOperation', 403), false);

    // Act
    const first = await processMessages(batchOf(1), deps({}));

    // Assess
    expect(first.failedMessageIds).toEqual([]);
    expect(revokes()).toEqual(['sg-0base sgr-b22', 'sg-0web sgr-w3389']);
    expect(first.groups[0]?.actions).toEqual([
      { action: 'RevokeSecurityGroupIngress', status: 'done' },
      { action: 'RevokeSecurityGroupIngress', status: 'failed' },
    ]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('partially-remediated');
    expect(section(notices[0]?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           RevokeSecurityGroupIngress sg-0base rules sgr-b22 (tcp 22 from 0.0.0.0/0)',
      '  FAILED:         RevokeSecurityGroupIngress sg-0web rules sgr-w3389 (tcp 3389 from 0.0.0.0/0) — UnauthorizedOperation: UnauthorizedOperation (test)',
    ]);
  });

  it("when the stopped attempt's notice cannot be published either: logged whole at ERROR, the messages retried, the throttle the group error", async () => {
    // Prepare
    const w = twoGroupWorld();
    revokeFailing(w, 'sg-0web', awsError('RequestLimitExceeded', 503), true);
    snsMock.on(PublishCommand).rejects(awsError('InternalError', 500));
    const logger = new Logger({ logLevel: 'SILENT' });
    const errors = vi.spyOn(logger, 'error');

    // Act
    const first = await processMessages(batchOf(1), deps({}, logger));

    // Assess
    expect(first.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    const unpublished = errors.mock.calls.find(([message]) => message === 'notice not published');
    const logged = (unpublished?.[1] as { notice?: { message?: string } } | undefined)?.notice?.message ?? '';
    expect(logged).toContain('done:           RevokeSecurityGroupIngress sg-0base rules sgr-b22');
    expect(errors).toHaveBeenCalledWith(
      'group not processed; its messages will be retried',
      expect.objectContaining({
        error: expect.objectContaining({ name: 'RemediationRetryableError' }),
        callsMade: [
          {
            action: 'RevokeSecurityGroupIngress',
            parameters: { GroupId: OTHER_GROUP, SecurityGroupRuleIds: ['sgr-b22'] },
          },
        ],
      }),
    );
  });

  it('a direct invocation: the notice is published, then the invocation fails (Lambda retries it)', async () => {
    // Prepare
    const w = twoGroupWorld();
    revokeFailing(w, OTHER_GROUP, awsError('RequestLimitExceeded', 503), true);
    const event = envelope({
      ...authorizeIngress(OTHER_GROUP, 443, [['sgr-b443', '10.0.0.0/8']]),
      eventID: 'evt-9',
    });
    const failedEvents = new Set<string>();

    // Act + Assess: the retry in the same environment is a redelivery, and finishes the fix.
    await expect(processEvent(event, { ...deps({}), failedEvents })).rejects.toThrow('RequestLimitExceeded');
    expect(publishedNotices(snsMock).map((n) => n.MessageAttributes?.action?.StringValue)).toEqual([
      'failed',
    ]);
    expect(failedEvents.has('evt-9')).toBe(true);
    const retried = await processEvent(event, { ...deps({}), failedEvents });
    expect(retried).toMatchObject({
      status: 'handled',
      actions: [{ action: 'RevokeSecurityGroupIngress', status: 'done' }],
    });
    expect(revokes()).toEqual(['sg-0base sgr-b22', 'sg-0base sgr-b22']);
    expect(publishedNotices(snsMock).map((n) => n.MessageAttributes?.action?.StringValue)).toEqual([
      'failed',
      'remediated',
    ]);
  });
});

describe('DESIGN §14: two batches on one group, one of them throttled', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('the throttled batch says it will retry, the other revokes, the retry reports its own rule already removed and nothing twice', async () => {
    // Prepare: batch A (a world 22 rule) is throttled at its revoke; batch B (a world 3389 rule on
    // the same group), running meanwhile, revokes both rules; then A is delivered again.
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [
        { id: 'sgr-a22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-b3389', from: 3389, cidr: '0.0.0.0/0' },
      ],
    });
    installFakeEc2(ec2Mock, w);
    revokeFailing(w, 'sg-0web', awsError('ThrottlingException', 400), true);
    const a = JSON.stringify(
      envelope({ ...authorizeIngress('sg-0web', 22, [['sgr-a22', '0.0.0.0/0']]), eventID: 'evt-a' }),
    );
    const b = JSON.stringify(
      envelope({ ...authorizeIngress('sg-0web', 3389, [['sgr-b3389', '0.0.0.0/0']]), eventID: 'evt-b' }),
    );

    // Act
    const first = await processMessages([{ id: 'msg-a', body: a, receiveCount: 1 }], deps({}));
    const other = await processMessages([{ id: 'msg-b', body: b, receiveCount: 1 }], deps({}));
    const again = await processMessages([{ id: 'msg-a', body: a, receiveCount: 2 }], deps({}));

    // Assess: one revoke made it (B's); A's retry writes nothing.
    expect([first.failedMessageIds, other.failedMessageIds, again.failedMessageIds]).toEqual([
      ['msg-a'],
      [],
      [],
    ]);
    expect(revokes()).toEqual(['sg-0web sgr-a22,sgr-b3389', 'sg-0web sgr-a22,sgr-b3389']);
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.MessageAttributes?.action?.StringValue)).toEqual([
      'failed',
      'remediated',
      'notified',
    ]);
    expect(section(notices[0]?.Message ?? '', 'ACTIONS')).toEqual([
      `  FAILED:         RevokeSecurityGroupIngress sg-0web rules sgr-a22, sgr-b3389 (tcp 22 from 0.0.0.0/0; tcp 3389 from 0.0.0.0/0) — retried when these calls are delivered again (throttled or unavailable past the SDK's retries; after the last attempt a dead-letter queue keeps them): ThrottlingException: ThrottlingException (test)`,
    ]);
    expect(notices[1]?.Subject).toMatch(/— revoked$/);
    // The retry: its own call's rule, already removed (DESIGN §8 "on a retry ... already removed");
    // B's rule is B's news, not named again.
    expect(notices[2]?.Subject).toMatch(/already removed/);
    expect(section(notices[2]?.Message ?? '', 'ALREADY REMOVED')).toEqual([
      '  sgr-a22 on sg-0web: tcp 22 from 0.0.0.0/0',
    ]);
    expect(notices[2]?.Message).not.toContain('sgr-b3389');
    expect(notices[2]?.Message).not.toMatch(/^ {2}done:/m);
  });
});

describe('DESIGN §8 "a notice is never lost silently": a notice whose publish failed', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
  });

  it("is sent when its events come back to the same environment, before the redelivery's own: the pre-existing rule revoked is heard of", async () => {
    // Prepare: both revokes go through; SNS refuses the first publish (past the SDK's retries).
    const w = twoGroupWorld();
    revokeFailing(w, 'sg-none', awsError('RequestLimitExceeded', 503), false);
    snsMock.on(PublishCommand).rejectsOnce(awsError('InternalError', 500)).resolves({ MessageId: 'm-2' });
    const unsentNotices = new Map();

    // Act
    const first = await processMessages(batchOf(1), { ...deps({}), unsentNotices });
    const kept = [...unsentNotices.keys()];
    const second = await processMessages(batchOf(2), { ...deps({}), unsentNotices });

    // Assess
    expect(first.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(kept).toEqual(['evt-1', 'evt-2']);
    expect(second.failedMessageIds).toEqual([]);
    expect(revokes()).toEqual(['sg-0base sgr-b22', 'sg-0web sgr-w3389']);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(3);
    // The refused notice, sent again as it was, then the redelivery's.
    expect(notices[1]).toEqual(notices[0]);
    expect(section(notices[1]?.Message ?? '', 'ACTIONS')).toEqual([
      '  done:           RevokeSecurityGroupIngress sg-0base rules sgr-b22 (tcp 22 from 0.0.0.0/0)',
      '  done:           RevokeSecurityGroupIngress sg-0web rules sgr-w3389 (tcp 3389 from 0.0.0.0/0)',
    ]);
    expect(notices[2]?.Subject).toMatch(/already removed/);
    expect(section(notices[2]?.Message ?? '', 'ALREADY REMOVED')).toEqual([
      '  sgr-w3389 on sg-0web: tcp 3389 from 0.0.0.0/0',
    ]);
    expect(unsentNotices.size).toBe(0);
    expect(second.groups[0]?.messageId).toBe('m-2');
  });

  it("refused again: the redelivery's own notice is kept too, and both are sent, in order, at the next return", async () => {
    // Prepare: SNS refuses three publishes (the first delivery's, then the earlier one on the
    // redelivery — its own is then not tried), then takes them.
    const w = twoGroupWorld();
    revokeFailing(w, 'sg-none', awsError('RequestLimitExceeded', 503), false);
    snsMock
      .on(PublishCommand)
      .rejectsOnce(awsError('InternalError', 500))
      .rejectsOnce(awsError('InternalError', 500))
      .resolves({ MessageId: 'm-3' });
    const unsentNotices = new Map();

    // Act
    await processMessages(batchOf(1), { ...deps({}), unsentNotices });
    const second = await processMessages(batchOf(2), { ...deps({}), unsentNotices });
    const third = await processMessages(batchOf(3), { ...deps({}), unsentNotices });

    // Assess: 2 refused publishes, then the two kept notices and the third delivery's own.
    expect(second.failedMessageIds).toEqual(['msg-1', 'msg-2']);
    expect(third.failedMessageIds).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(5);
    expect(notices[1]).toEqual(notices[0]);
    expect(notices[2]).toEqual(notices[0]);
    expect(notices[3]?.Subject).toMatch(/already removed/);
    expect(notices[4]?.Subject).toMatch(/already removed/);
    expect(unsentNotices.size).toBe(0);
  });
  it('keeps at most 20 notices in an environment, forgetting the oldest (a notice can approach 256 KB)', async () => {
    // Prepare: notify mode, a world-open rule, SNS down: every delivery has a notice it cannot send.
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock.on(PublishCommand).rejects(awsError('InternalError', 500));
    const unsentNotices = new Map();

    // Act: 21 different calls, one batch each.
    for (let i = 0; i < 21; i++) {
      const body = JSON.stringify(
        envelope({ ...authorizeIngress('sg-0web', 22, [['sgr-w22', '0.0.0.0/0']]), eventID: `evt-${i}` }),
      );
      await processMessages([{ id: `msg-${i}`, body, receiveCount: 1 }], {
        ...deps({ mode: 'notify' }),
        unsentNotices,
      });
    }

    // Assess
    expect([...unsentNotices.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `evt-${i + 1}`));
  });
});

describe('guard3 (b): a NACL create refused as already existing, its verifying read throttled', () => {
  // The first try of the allow reached EC2 but its answer was lost; the SDK's retry is answered
  // NetworkAclEntryAlreadyExists, and the read that would tell "made as planned" is throttled past
  // the SDK's retries. Before: the create ended a permanent `failed` (acknowledged, never retried),
  // the deny behind it `not made`, port 22 left world-open with no retry. DESIGN §14: a transient
  // fault fails the group's messages for redelivery, told first (§8 "a notice is never lost").
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('stops the fix with the "retried" notice, fails the message, and the redelivery makes only the deny', async () => {
    // Prepare
    const w = naclWorld({ from: 0, to: 1023 });
    let verifyThrottled = true;
    let created = 0;
    ec2Mock.on(CreateNetworkAclEntryCommand).callsFake((input: CreateNetworkAclEntryCommandInput) => {
      created += 1;
      write(w, input);
      if (created === 1) throw awsError('NetworkAclEntryAlreadyExists', 400);
      return {};
    });
    ec2Mock.on(DescribeNetworkAclsCommand).callsFake((input: { NetworkAclIds?: string[] }) => {
      // The slice's read comes before any create; the verifying read after the refused one.
      if (created > 0 && verifyThrottled) throw awsError('RequestLimitExceeded', 503);
      const ids = input.NetworkAclIds ?? [];
      return {
        NetworkAcls: w.NetworkAcls.filter((a) => ids.length === 0 || ids.includes(String(a.NetworkAclId))),
      };
    });

    // Act: the first delivery; then the redelivery, the throttling over.
    const first = await processMessages([{ id: 'msg-1', body: broadEntry, receiveCount: 1 }], deps(NACL_FIX));
    const afterFirst = naclWrites();
    verifyThrottled = false;
    const second = await processMessages(
      [{ id: 'msg-1', body: broadEntry, receiveCount: 2 }],
      deps(NACL_FIX),
    );

    // Assess: the message fails (retried), after one notice telling the stopped create and the deny left.
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(afterFirst).toEqual(['create 98 allow 6 22-22 10.0.0.0/16']);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(2);
    const [stopped, done] = notices;
    expect(stopped?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(section(stopped?.Message ?? '', 'ACTIONS')).toEqual([
      `  FAILED:         CreateNetworkAclEntry acl-0default ingress rule 98: allow protocol 6 ports 22 from 10.0.0.0/16 — ${RETRIED}`,
      `  FAILED:         CreateNetworkAclEntry acl-0default ingress rule 99: deny protocol 6 ports 22 from 0.0.0.0/0 — ${NOT_MADE}`,
    ]);
    // The redelivery finds the allow in place (reused, not made twice) and makes the deny.
    expect(second.failedMessageIds).toEqual([]);
    expect(naclWrites().slice(afterFirst.length)).toEqual(['create 99 deny 6 22-22 0.0.0.0/0']);
    expect(second.groups[0]?.actions).toEqual([{ action: 'CreateNetworkAclEntry', status: 'done' }]);
    expect(inbound(w)).toEqual([
      '98 allow 6 22-22 10.0.0.0/16',
      '99 deny 6 22-22 0.0.0.0/0',
      '100 allow 6 0-1023 0.0.0.0/0',
    ]);
    expect(done?.MessageAttributes?.action?.StringValue).toBe('remediated');
  });
});
