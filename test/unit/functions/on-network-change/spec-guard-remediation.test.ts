import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateNetworkAclEntryCommand,
  type CreateNetworkAclEntryCommandInput,
  DeleteNetworkAclEntryCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventDeps, processMessages } from '../../../../functions/on-network-change/process';
import type { ConfigInput } from '../../../../shared/config';
import { parseConfig } from '../../../../shared/load-config';
import {
  ACL,
  authorizeIngress,
  buildWorld,
  cloudTrailRecord,
  envelope,
  installFakeEc2,
  publishedNotices,
  SUBNET,
  type World,
} from '../../../helpers';

// DESIGN §8 "NACL precision" and "Order and retries", §14 "Partial failure", from the on-call
// engineer's side: a NACL fix stopped half-way (the entry quota, throttling) never leaves a deny
// without the allows of the VPC's own blocks, and what it did make is told.

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

const NACL_FIX: ConfigInput = { rules: { 'nacl-open-admin-port': 'remediate' } };

/** A CreateNetworkAclEntry of tcp 0-1023 from the world at 100: tcp 22 open through a broader entry. */
const body = JSON.stringify(
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

/** The world with that entry, and EC2's NACL writes applied to it (so a second delivery reads them). */
function naclWorld(): World {
  const w = buildWorld({
    groupId: 'sg-0web',
    rules: [],
    naclIngress: [{ rule: 100, protocol: '6', from: 0, to: 1023, cidr: '0.0.0.0/0' }],
  });
  installFakeEc2(ec2Mock, w);
  return w;
}

/** Makes a create as EC2 would: the entry lands in the world's NACL. */
function landed(w: World, input: CreateNetworkAclEntryCommandInput): void {
  const acl = w.NetworkAcls.find((a) => a.NetworkAclId === input.NetworkAclId);
  if (!acl) throw new Error(`no NACL ${input.NetworkAclId}`);
  const { NetworkAclId: _id, ...entry } = input;
  acl.Entries = [...(acl.Entries as unknown[]), entry];
}

function created(): string[] {
  return ec2Mock.commandCalls(CreateNetworkAclEntryCommand).map((c) => {
    const p = c.args[0].input;
    return `${p.RuleNumber} ${p.RuleAction} ${p.PortRange?.From}-${p.PortRange?.To} ${p.CidrBlock ?? p.Ipv6CidrBlock}`;
  });
}

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode: status } });

describe('DESIGN §8: a NACL fix stopped half-way', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('at the entry quota: the allow is made, the deny refused, and the notice tells both and the port still open', async () => {
    // Prepare: the allow for the VPC's block lands; the deny meets the NACL's entry quota.
    const w = naclWorld();
    ec2Mock.on(CreateNetworkAclEntryCommand).callsFake((input: CreateNetworkAclEntryCommandInput) => {
      if (input.RuleAction === 'deny') throw awsError('NetworkAclEntryLimitExceeded', 400);
      landed(w, input);
      return {};
    });

    // Act
    const batch = await processMessages([{ id: 'msg-1', body, receiveCount: 1 }], deps(NACL_FIX));

    // Assess: the allow (numbered below) before the deny; no deny ever made alone.
    expect(created()).toEqual(['98 allow 22-22 10.0.0.0/16', '99 deny 22-22 0.0.0.0/0']);
    expect(ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(DeleteNetworkAclEntryCommand)).toHaveLength(0);
    expect(batch.failedMessageIds).toEqual([]);
    expect(batch.groups[0]?.actions).toEqual([
      { action: 'CreateNetworkAclEntry', status: 'done' },
      { action: 'CreateNetworkAclEntry', status: 'failed' },
    ]);
    const [notice] = publishedNotices(snsMock);
    expect(notice?.MessageAttributes?.action?.StringValue).toBe('partially-remediated');
    expect(notice?.Subject).toBe('[HIGH] acl-0default world-open on 22/tcp (+1 more) — partially remediated');
    const text = notice?.Message ?? '';
    expect(text).toContain('NetworkAclEntryLimitExceeded');
    // The entry made is in the undo, the port is still reported open.
    expect(text).toContain(
      'HOW TO UNDO (the exact inverse of each call made)\n  aws ec2 delete-network-acl-entry --network-acl-id acl-0default --rule-number 98 --ingress\n',
    );
    expect(text).not.toMatch(/--rule-number 99/);
    expect(text).not.toContain('FIXED');
    expect(text).toContain('- OPEN [HIGH] acl-0default world-open on 22/tcp');
  });

  it('throttled at the deny: the group is retried, the log names the allow made, and the redelivery completes the fix', async () => {
    // Prepare: the first attempt's deny is throttled past the SDK's retries; the second goes through.
    const w = naclWorld();
    let denies = 0;
    ec2Mock.on(CreateNetworkAclEntryCommand).callsFake((input: CreateNetworkAclEntryCommandInput) => {
      if (input.RuleAction === 'deny' && denies++ === 0) throw awsError('RequestLimitExceeded', 503);
      landed(w, input);
      return {};
    });
    const logger = new Logger({ logLevel: 'SILENT' });
    const errors = vi.spyOn(logger, 'error');

    // Act: the first delivery fails its group; SQS delivers the message again.
    const first = await processMessages([{ id: 'msg-1', body, receiveCount: 1 }], deps(NACL_FIX, logger));
    const second = await processMessages([{ id: 'msg-1', body, receiveCount: 2 }], deps(NACL_FIX));

    // Assess: the change the stopped attempt made is in the log (and its notice: spec-guard2-faults).
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(errors).toHaveBeenCalledWith(
      'group not processed; its messages will be retried',
      expect.objectContaining({
        callsMade: [
          {
            action: 'CreateNetworkAclEntry',
            parameters: {
              NetworkAclId: ACL,
              RuleNumber: 98,
              Protocol: '6',
              RuleAction: 'allow',
              Egress: false,
              CidrBlock: '10.0.0.0/16',
              PortRange: { From: 22, To: 22 },
            },
          },
        ],
      }),
    );
    // The redelivery plans again from what EC2 holds: the first attempt's allow 98 is the allow the
    // fix needs (DESIGN §8 "an existing identical entry counts as done"), so only the deny is made.
    expect(second.failedMessageIds).toEqual([]);
    expect(created()).toEqual([
      '98 allow 22-22 10.0.0.0/16',
      '99 deny 22-22 0.0.0.0/0',
      '99 deny 22-22 0.0.0.0/0',
    ]);
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.MessageAttributes?.action?.StringValue)).toEqual([
      'partially-remediated',
      'remediated',
    ]);
    expect(notices[1]?.Message).toContain('FIXED');
  });
});

describe('DESIGN §8 "Order and retries": a NACL fix whose notice was not published', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
  });

  it('is told on the redelivery, and not made twice', async () => {
    // Prepare: the fix goes through, the publish fails; SQS delivers the message again.
    const w = naclWorld();
    ec2Mock.on(CreateNetworkAclEntryCommand).callsFake((input: CreateNetworkAclEntryCommandInput) => {
      landed(w, input);
      return {};
    });
    snsMock.on(PublishCommand).rejectsOnce(awsError('InternalError', 500)).resolves({ MessageId: 'm-2' });

    // Act
    const first = await processMessages([{ id: 'msg-1', body, receiveCount: 1 }], deps(NACL_FIX));
    const second = await processMessages([{ id: 'msg-1', body, receiveCount: 2 }], deps(NACL_FIX));

    // Assess
    expect(first.failedMessageIds).toEqual(['msg-1']);
    expect(second.failedMessageIds).toEqual([]);
    expect(created()).toEqual(['98 allow 22-22 10.0.0.0/16', '99 deny 22-22 0.0.0.0/0']);
    const notices = publishedNotices(snsMock);
    // The first notice (FIXED, done) failed; the redelivery writes nothing and tells the entry the
    // event added as blocked by an entry before it.
    expect(notices).toHaveLength(2);
    expect(notices[1]?.Subject).toBe('[HIGH] world-open entry 100 of acl-0default already blocked (+1 more)');
    expect(notices[1]?.Message).toContain(
      'entry 100 (inbound) of acl-0default: allow protocol 6 0-1023 from 0.0.0.0/0 (still there, but an entry ' +
        'before it now denies the internet on its admin ports)',
    );
    expect(notices[1]?.Message).not.toContain('done:');
  });
});

describe('DESIGN §8 "Verified outcome": a revoke raced by someone else', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  const GROUP = 'sg-0web';
  const event = JSON.stringify(
    envelope(
      authorizeIngress(GROUP, 22, [
        ['sgr-w22', '0.0.0.0/0'],
        ['sgr-w22v6', '::/0'],
      ]),
    ),
  );

  it('tells a rule still there after the second revoke as failed, and says nothing of the one someone else removed', async () => {
    // Prepare: another batch removes sgr-w22 just before our revoke of both, which EC2 then rejects
    // whole; the retry of sgr-w22v6 is answered NotFound too, yet a read still shows the rule.
    const w = buildWorld({
      groupId: GROUP,
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-w22v6', from: 22, cidr: '::/0' },
      ],
    });
    installFakeEc2(ec2Mock, w);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).callsFake(() => {
      w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-w22');
      throw awsError('InvalidSecurityGroupRuleId.NotFound', 400);
    });

    // Act
    const batch = await processMessages([{ id: 'msg-1', body: event, receiveCount: 1 }], deps({}));

    // Assess: two revokes (both ids, then the one still present), two reads to verify.
    expect(
      ec2Mock
        .commandCalls(RevokeSecurityGroupIngressCommand)
        .map((c) => c.args[0].input.SecurityGroupRuleIds),
    ).toEqual([['sgr-w22', 'sgr-w22v6'], ['sgr-w22v6']]);
    expect(batch.groups[0]?.actions).toEqual([
      { action: 'RevokeSecurityGroupIngress', status: 'already-done' },
      { action: 'RevokeSecurityGroupIngress', status: 'failed' },
    ]);
    const [notice] = publishedNotices(snsMock);
    expect(notice?.MessageAttributes?.action?.StringValue).toBe('failed');
    const text = notice?.Message ?? '';
    expect(text).toContain('FAILED');
    expect(text).toContain('still present after a second revoke');
    expect(text).toContain('sgr-w22v6');
    // Not news on a first delivery: the other batch reported it (DESIGN §14 "Concurrency").
    expect(text).not.toMatch(/sgr-w22\b(?!v6)/);
    expect(text).not.toContain('revoked');
    expect(text).not.toContain('ALREADY REMOVED');
  });
});

describe('DESIGN §14 "Concurrency": the subnet fix made by another batch', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('is neither made again nor reported: the batch that turned the attribute off told it', async () => {
    // Prepare: the slice reads the subnet assigning public addresses; by the time of the call a
    // concurrent batch has turned it off (the read just before the call sees it).
    const w = buildWorld({ groupId: 'sg-0web', rules: [] });
    const subnet = w.Subnets.find((s) => s.SubnetId === SUBNET);
    if (subnet) subnet.MapPublicIpOnLaunch = true;
    installFakeEc2(ec2Mock, w);
    ec2Mock.on(DescribeSubnetsCommand, { SubnetIds: [SUBNET] }).resolves({
      Subnets: [{ SubnetId: SUBNET, MapPublicIpOnLaunch: false }],
    });
    ec2Mock.on(ModifySubnetAttributeCommand).resolves({});
    const record = JSON.stringify(
      cloudTrailRecord('ModifySubnetAttribute', { subnetId: SUBNET, mapPublicIpOnLaunch: { value: true } }),
    );

    // Act
    const batch = await processMessages(
      [{ id: 'msg-1', body: record, receiveCount: 1 }],
      deps({ rules: { 'subnet-auto-assign-public-ip': 'remediate' } }),
    );

    // Assess
    expect(ec2Mock.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(0);
    expect(batch.groups[0]?.actions).toEqual([{ action: 'ModifySubnetAttribute', status: 'already-done' }]);
    expect(batch.groups[0]?.notified).toBe(false);
    expect(publishedNotices(snsMock)).toEqual([]);
  });
});
