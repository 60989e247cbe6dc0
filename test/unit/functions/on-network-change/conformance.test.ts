// DESIGN §7, §8 and §14 sentence by sentence: cases the other event tests do not reach. Each test
// names the sentence it holds the function to.

import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../../../functions/on-network-change/process';
import type { ConfigInput } from '../../../../shared/config';
import { parseConfig } from '../../../../shared/load-config';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailFixture,
  cloudTrailRecord,
  envelope,
  installFakeEc2,
  publishedNotices,
  type RuleSpec,
} from '../../../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

function deps(accountId: string, config: ConfigInput = { mode: 'remediate' }): EventDeps {
  return {
    config: parseConfig(config),
    topicArn: `arn:aws:sns:us-east-1:${accountId}:vpc-guardrail`,
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId,
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

function world(groupId: string, accountId: string, rules: RuleSpec[], defaultVpc = false): void {
  installFakeEc2(ec2Mock, buildWorld({ groupId, rules, accountId, region: 'us-east-1', defaultVpc }));
}

function published() {
  return publishedNotices(snsMock);
}

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('§8 "on a retry, offending rules that this event added and that are already gone are reported as already removed"', () => {
  // Records from before rule ids (2017 to early 2021) carry only `{"_return": true}`: the rules the
  // call added are read from its request, and matched by content.
  const GO_SDK = 'AuthorizeSecurityGroupIngress--go-sdk-anywhere-ssh-panther.json';
  const GO_SDK_GROUP = 'sg-0d921df5d84f7270a';
  const GO_SDK_ACCOUNT = '112233445566';
  const message = (receiveCount: number) => ({
    id: 'msg-1',
    body: JSON.stringify(envelope(cloudTrailFixture(GO_SDK), GO_SDK_ACCOUNT, 'us-east-1')),
    receiveCount,
  });

  it('a redelivered record without a rule set whose world rule on 22 is gone: one "already removed" notice, no call', async () => {
    // Prepare: the first attempt revoked the rule, then its publish failed; an office rule is left.
    world(GO_SDK_GROUP, GO_SDK_ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    // Act
    const result = await processMessages([message(2)], deps(GO_SDK_ACCOUNT));
    // Assess
    expect(result.failedMessageIds).toEqual([]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    const notices = published();
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice?.Subject).toBe(`[CRITICAL] world-open rule on ${GO_SDK_GROUP} already removed`);
    expect(notice?.MessageAttributes?.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
    expect(notice?.Message).toContain('ALREADY REMOVED');
    expect(notice?.Message).toContain(`on ${GO_SDK_GROUP}: tcp 22 from 0.0.0.0/0`);
  });

  it('the same record on a first delivery, rule gone: no notice (a concurrent batch told it)', async () => {
    // Prepare
    world(GO_SDK_GROUP, GO_SDK_ACCOUNT, [{ id: 'sgr-https', from: 443, cidr: '0.0.0.0/0' }]);
    // Act
    const result = await processMessages([message(1)], deps(GO_SDK_ACCOUNT));
    // Assess
    expect(result.failedMessageIds).toEqual([]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('the same record redelivered while its rule is still there: revoked by id and reported revoked, not "already removed"', async () => {
    // Prepare
    world(GO_SDK_GROUP, GO_SDK_ACCOUNT, [{ id: 'sgr-ssh', from: 22, cidr: '0.0.0.0/0' }]);
    // Act
    await processMessages([message(2)], deps(GO_SDK_ACCOUNT));
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: GO_SDK_GROUP, SecurityGroupRuleIds: ['sgr-ssh'] },
    ]);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toMatch(/— revoked$/);
    expect(notices[0]?.Message).not.toContain('ALREADY REMOVED');
  });

  it('a redelivered console record adding 0.0.0.0/0 and ::/0 on 22 without a rule set: both reported already removed', async () => {
    // Prepare
    const fixture = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--ipv4-and-ipv6-anywhere-eventbridge-no-ruleset.json',
    );
    world('sg-0db7d4784c4db8612', '963584523464', [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    // Act
    await processMessages(
      [{ id: 'msg-1', body: JSON.stringify(fixture), receiveCount: 3 }],
      deps('963584523464'),
    );
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Message).toContain('on sg-0db7d4784c4db8612: tcp 22 from 0.0.0.0/0');
    expect(notices[0]?.Message).toContain('on sg-0db7d4784c4db8612: tcp 22 from ::/0');
  });

  it('a redelivered legacy flat-form record (cidrIp at the top, no rule set): reported already removed', async () => {
    // Prepare: the Stratus sample's request form, with its rule set taken away (an older record).
    const record = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--legacy-flat-params-cidrIp-with-ruleset.json',
    ) as Record<string, unknown>;
    const request = record.requestParameters as { groupId: string };
    const old = { ...record, responseElements: { _return: true }, awsRegion: 'us-east-1' };
    const account = String(record.recipientAccountId);
    world(request.groupId, account, []);
    // Act
    await processMessages(
      [{ id: 'msg-1', body: JSON.stringify(envelope(old, account, 'us-east-1')), receiveCount: 2 }],
      deps(account),
    );
    // Assess
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe(`[CRITICAL] world-open rule on ${request.groupId} already removed`);
    expect(notices[0]?.Message).toContain(`on ${request.groupId}: tcp 22 from 208.236.235.254/0`);
  });
});

describe('§7 "CreateTags, DeleteTags on the exemption tag key" — a DeleteTags naming no tag deletes every tag, the exemption included', () => {
  const ACCOUNT = '111122223333';
  const deleteEveryTag = (...resourceIds: string[]) =>
    envelope(
      cloudTrailRecord('DeleteTags', {
        resourcesSet: { items: resourceIds.map((resourceId) => ({ resourceId })) },
      }),
      ACCOUNT,
    );

  it('re-evaluates the group whose tags are all gone: its world rule on 22 is revoked, and the notice says every tag was removed without claiming an exemption was set', async () => {
    // Prepare: the exemption went with every other tag; the group is world-open on 22.
    world('sg-0web', ACCOUNT, [{ id: 'sgr-ssh', from: 22, cidr: '0.0.0.0/0' }]);
    // Act
    await processMessages(
      [{ id: 'msg-1', body: JSON.stringify(deleteEveryTag('sg-0web')), receiveCount: 1 }],
      deps(ACCOUNT),
    );
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-ssh'] },
    ]);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toMatch(/^\[CRITICAL\] sg-0web world-open on 22\/tcp.* — revoked$/);
    expect(notices[0]?.Message).toContain(
      'removed every tag (the tag vpc-guardrail:exempt with them, if it was set)',
    );
  });

  it('notifies it even when nothing in scope is open (an exemption change always notifies), without claiming the tag was there', async () => {
    // Prepare
    world('sg-0web', ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    // Act
    await processMessages(
      [{ id: 'msg-1', body: JSON.stringify(deleteEveryTag('sg-0web')), receiveCount: 1 }],
      deps(ACCOUNT),
    );
    // Assess
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[INFO] every tag removed from sg-0web by Admin/alice');
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('info');
  });

  it('ignores every tag removed from resources no rule judges (an AMI, an instance): no read, no notice', async () => {
    // Act
    const result = await processMessages(
      [{ id: 'msg-1', body: JSON.stringify(deleteEveryTag('ami-0abc', 'i-0web')), receiveCount: 1 }],
      deps(ACCOUNT),
    );
    // Assess
    expect(result.messages).toMatchObject([{ outcome: 'ignored', ignored: { code: 'not-exemption-tag' } }]);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('§14 "Duplicate event ids count once" with §8 "on a retry … reported as already removed"', () => {
  it('a fresh copy and a redelivered copy of one event in a batch: counted once, as a redelivery, so the rule it added and that is gone is told', async () => {
    // Prepare: the first attempt revoked the world rule, then failed to publish; EventBridge also
    // delivered the event twice, so a fresh copy sits before the redelivered one.
    const ACCOUNT = '111122223333';
    const body = JSON.stringify(
      envelope(
        cloudTrailFixture('AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json'),
        ACCOUNT,
      ),
    );
    const record = JSON.parse(body) as { detail: { requestParameters: { groupId: string } } };
    const groupId = record.detail.requestParameters.groupId;
    world(groupId, ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    // Act
    const result = await processMessages(
      [
        { id: 'fresh', body, receiveCount: 1 },
        { id: 'retried', body, receiveCount: 2 },
      ],
      deps(ACCOUNT),
    );
    // Assess
    expect(result.messages.map((m) => m.outcome)).toEqual(['handled', 'duplicate']);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe(`[CRITICAL] world-open rule on ${groupId} already removed`);
  });
});

describe('§7 "groupName instead of groupId (default VPC, CloudFormation) … fall back to a describe by name"', () => {
  it('a by-name call (no rule set, no VPC) whose name is in two VPCs: the default VPC is read, and only its group is judged and revoked', async () => {
    // Prepare: `web` in the default VPC (world-open on 22) and `web` in another VPC (also world-open).
    const ACCOUNT = '111122223333';
    const w = buildWorld({
      groupId: 'sg-0default',
      rules: [{ id: 'sgr-default22', from: 22, cidr: '0.0.0.0/0' }],
    });
    const defaultVpc = w.Vpcs[0];
    if (defaultVpc) defaultVpc.IsDefault = true;
    w.Vpcs.push({
      VpcId: 'vpc-0other',
      OwnerId: ACCOUNT,
      CidrBlock: '10.9.0.0/16',
      IsDefault: false,
      Tags: [],
    });
    w.SecurityGroups.push({
      GroupId: 'sg-0other',
      GroupName: 'web',
      VpcId: 'vpc-0other',
      OwnerId: ACCOUNT,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      IpPermissionsEgress: [],
      Tags: [],
    });
    w.SecurityGroupRules.push({
      SecurityGroupRuleId: 'sgr-other22',
      GroupId: 'sg-0other',
      GroupOwnerId: ACCOUNT,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
    });
    installFakeEc2(ec2Mock, w);
    const byName = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      {
        groupName: 'web',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              groups: {},
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              ipv6Ranges: {},
              prefixListIds: {},
            },
          ],
        },
      },
      { _return: true },
    );
    // Act
    await processMessages(
      [{ id: 'msg-1', body: JSON.stringify(envelope(byName, ACCOUNT)), receiveCount: 1 }],
      deps(ACCOUNT),
    );
    // Assess: the name is read as EC2 reads it (`GroupNames`: the default VPC's group only), so no
    // VPC needs reading to tell which group the call meant (before: the group-name filter found
    // both, and a DescribeVpcs told them apart).
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      GroupNames: ['web'],
    });
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0default', SecurityGroupRuleIds: ['sgr-default22'] },
    ]);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toMatch(/^\[CRITICAL\] sg-0default world-open on 22\/tcp.* — revoked$/);
    expect(notices[0]?.Message).not.toContain('sg-0other');
  });
});

describe('§8 "already removed" for ModifySecurityGroupRules (a rule modified into a world-open one)', () => {
  const ACCOUNT = '111122223333';
  const modify = envelope(
    cloudTrailRecord(
      'ModifySecurityGroupRules',
      {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-0web',
          SecurityGroupRule: {
            SecurityGroupRuleId: 'sgr-was-private',
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIpv4: '0.0.0.0/0' },
            tag: 1,
          },
        },
      },
      {
        ModifySecurityGroupRulesResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', return: true },
      },
    ),
    ACCOUNT,
  );

  it('redelivered after its rule was revoked: one "already removed" notice naming the rule id', async () => {
    // Prepare
    world('sg-0web', ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    // Act
    await processMessages([{ id: 'msg-1', body: JSON.stringify(modify), receiveCount: 2 }], deps(ACCOUNT));
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[CRITICAL] world-open rule on sg-0web already removed');
    // The record names no direction: the line must not call the rule inbound ("from").
    expect(notices[0]?.Message).toContain(
      'sgr-was-private on sg-0web: tcp 3389 with 0.0.0.0/0 (inbound or outbound: a ModifySecurityGroupRules record names no direction)',
    );
    expect(notices[0]?.Message).not.toContain('3389 from 0.0.0.0/0');
  });

  it('redelivered after a world EGRESS rule it modified was deleted: reported, never as an inbound rule', async () => {
    // Prepare: the modified rule was egress (0.0.0.0/0 on 3389 out) and is gone; nothing in the
    // record or the slice tells its direction any more.
    world('sg-0web', ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    // Act
    await processMessages([{ id: 'msg-1', body: JSON.stringify(modify), receiveCount: 2 }], deps(ACCOUNT));
    // Assess
    const message = published()[0]?.Message ?? '';
    const line = message.split('\n').find((l) => l.includes('sgr-was-private on sg-0web')) ?? '';
    expect(line).toContain('inbound or outbound');
    expect(line).not.toMatch(/ from 0\.0\.0\.0\/0/);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('on a first delivery, rule gone: no notice', async () => {
    world('sg-0web', ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }], true);
    await processMessages([{ id: 'msg-1', body: JSON.stringify(modify), receiveCount: 1 }], deps(ACCOUNT));
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('redelivered while the modified rule is an egress rule still there: nothing reported gone', async () => {
    // The request names no direction: a rule still present by its id is never news.
    world('sg-0web', ACCOUNT, [
      { id: 'sgr-was-private', egress: true, from: 3389, cidr: '0.0.0.0/0' },
      { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
    ]);
    await processMessages([{ id: 'msg-1', body: JSON.stringify(modify), receiveCount: 2 }], deps(ACCOUNT));
    expect(published().every((n) => !n.Message.includes('ALREADY REMOVED'))).toBe(true);
  });
});

describe('§14 "Subject: worst severity, resource and count" with §8 "No noise" (findings below notifyMinSeverity never lead)', () => {
  const ACCOUNT = '111122223333';
  const web = [
    { id: 'sgr-https', from: 443, cidr: '0.0.0.0/0' },
    { id: 'sgr-ssh', from: 22, cidr: '0.0.0.0/0' },
  ];
  const addSsh = JSON.stringify(
    envelope(authorizeIngress('sg-0web', 22, [['sgr-ssh', '0.0.0.0/0']]), ACCOUNT),
  );

  it('a web server (443 open, info) gets 22 world-open: the subject leads with the 22/tcp rule revoked, the 443 exposure is listed open', async () => {
    // Prepare
    world('sg-0web', ACCOUNT, web);
    // Act
    await processMessages([{ id: 'msg-1', body: addSsh, receiveCount: 1 }], deps(ACCOUNT));
    // Assess
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-ssh'] },
    ]);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[CRITICAL] sg-0web world-open on 22/tcp (+1 more) — revoked');
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(notices[0]?.Message).toContain(
      'OPEN [INFO] eni-0web (i-0web) is reachable from the internet on 443/tcp',
    );
  });

  it('the same redelivered after its rule was revoked: the subject says the critical rule is already removed', async () => {
    // Prepare
    world('sg-0web', ACCOUNT, web.slice(0, 1));
    // Act
    await processMessages([{ id: 'msg-1', body: addSsh, receiveCount: 2 }], deps(ACCOUNT));
    // Assess
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[CRITICAL] world-open rule on sg-0web already removed');
  });

  it('with notifyMinSeverity info the info exposure is news too, and still open, so it leads (§8: the worst finding still open)', async () => {
    // Prepare
    world('sg-0web', ACCOUNT, web);
    // Act
    await processMessages(
      [{ id: 'msg-1', body: addSsh, receiveCount: 1 }],
      deps(ACCOUNT, { mode: 'remediate', notifyMinSeverity: 'info' }),
    );
    // Assess
    expect(published()[0]?.Subject).toBe(
      '[INFO] eni-0web (i-0web) is reachable from the internet on 443/tcp (+1 more) — revoked',
    );
  });
});

describe('§8 "A notice says revoked only for rules that this invocation\'s own calls removed"', () => {
  it('on a redelivery, a revoke answered NotFound and verified gone: the subject says already removed, not revoked', async () => {
    // Prepare: the slice still shows sgr-w22; it is gone (a concurrent fix) when the revoke is made.
    const ACCOUNT = '111122223333';
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
    installFakeEc2(ec2Mock, w);
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .callsFake((input: RevokeSecurityGroupIngressCommandInput) => {
        w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.SecurityGroupRuleId !== 'sgr-w22');
        throw Object.assign(new Error(`gone: ${String(input.SecurityGroupRuleIds)}`), {
          name: 'InvalidSecurityGroupRuleId.NotFound',
          $metadata: { httpStatusCode: 400 },
        });
      });
    const body = JSON.stringify(
      envelope(authorizeIngress('sg-0web', 22, [['sgr-w22', '0.0.0.0/0']]), ACCOUNT),
    );
    // Act
    const result = await processMessages([{ id: 'msg-1', body, receiveCount: 2 }], deps(ACCOUNT));
    // Assess
    expect(result.groups[0]?.actions).toEqual([
      { action: 'RevokeSecurityGroupIngress', status: 'already-done' },
    ]);
    const notices = published();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[CRITICAL] sg-0web world-open on 22/tcp (+1 more) — already removed');
    expect(notices[0]?.Subject).not.toContain('revoked');
    expect(notices[0]?.Message).toContain('ALREADY REMOVED [CRITICAL] sg-0web world-open on 22/tcp');
  });
});

describe('§8 "already removed" for a record from before rule ids that names its group only by name', () => {
  const ACCOUNT = '111122223333';
  // The legacy flat form of the default VPC (DataDog's Stratus record shape), by name, {"_return": true}.
  const byName = envelope(
    cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      {
        groupName: 'web',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIp: '0.0.0.0/0',
        ipPermissions: {},
      },
      { _return: true },
    ),
    ACCOUNT,
  );

  it('redelivered after the rule was revoked: reported already removed on the group the name resolves to', async () => {
    // Prepare: the group "web" no longer holds the world rule (in the default VPC, where EC2 reads
    // a name given without a VPC)
    world('sg-0web', ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }], true);
    // Act
    await processMessages([{ id: 'msg-1', body: JSON.stringify(byName), receiveCount: 2 }], deps(ACCOUNT));
    // Assess
    const notices = published();
    expect(notices.map((n) => n.Subject)).toEqual(['[CRITICAL] world-open rule on sg-0web already removed']);
    expect(notices[0]?.Message).toContain('rule (no id in the record) on sg-0web: tcp 22 from 0.0.0.0/0');
  });

  it('on a first delivery, rule gone: no notice', async () => {
    world('sg-0web', ACCOUNT, [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }]);
    await processMessages([{ id: 'msg-1', body: JSON.stringify(byName), receiveCount: 1 }], deps(ACCOUNT));
    expect(published()).toEqual([]);
  });
});
