// DESIGN §3 / §8 (exemptions) and §12 (the SG event's reads), end to end through the event
// function with the EC2 fake behind aws-sdk-client-mock, compared with `vpc-guardrail audit` of the
// same world. The interface's other group (not the event's) opens 22 to the world and is exempted
// by tag: the audit accepts the interface's exposure through it; the event path must as well.

import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { processMessages } from '../../functions/on-network-change/process';
import type { Finding } from '../../shared/findings';
import {
  authorizeIngress,
  buildWorld,
  ENI,
  envelope,
  eventDeps,
  installFakeEc2,
  memoryIo,
  OTHER_GROUP,
  publishedNotices,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';
const KEY = 'vpc-guardrail:exempt';

/**
 * The world: sg-0web (the event's group) admits 8080 from the VPC only; the interface's other group
 * sg-0base admits 22 from the world (both views) and carries `tag` (none when undefined).
 */
function world(tag: string | undefined): World {
  const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-vpc8080', from: 8080, cidr: '10.0.0.0/16' }] });
  const other = w.SecurityGroups.find((g) => g.GroupId === OTHER_GROUP);
  if (!other) throw new Error('the world has no other group');
  other.IpPermissions = [
    {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
  ];
  other.Tags = tag === undefined ? [] : [{ Key: KEY, Value: tag }];
  w.SecurityGroupRules.push({
    SecurityGroupRuleId: 'sgr-0base-w22',
    GroupId: OTHER_GROUP,
    GroupOwnerId: '111122223333',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    CidrIpv4: '0.0.0.0/0',
    Tags: [],
  });
  return w;
}

/** The event function on an AuthorizeSecurityGroupIngress of sg-0web (8080 from the VPC). */
async function onEvent(w: World) {
  installFakeEc2(ec2Mock, w);
  const record = authorizeIngress(GROUP, 8080, [['sgr-vpc8080', '10.0.0.0/16']]);
  const result = await processMessages(
    [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
    eventDeps(),
  );
  const reads = ec2Mock
    .calls()
    .map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''))
    .filter((n) => n.startsWith('Describe') || n.startsWith('Get'));
  return { result, reads, notices: publishedNotices(snsMock) };
}

/** `vpc-guardrail audit` of the same world: its findings, suppressed ones included. */
async function audit(w: World): Promise<Finding[]> {
  const env = memoryIo({ 'in.json': JSON.stringify(w) });
  await runCli(['audit', '--snapshot', 'in.json', '--format', 'json', '--fail-on', 'none'], env.io);
  return (JSON.parse(env.stdout()) as { findings: Finding[] }).findings;
}

const eniFinding = (findings: readonly Finding[]) =>
  findings.find((f) => f.ruleId === 'eni-internet-exposed' && f.resourceId === ENI);

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const SG_READS = [
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeSecurityGroupRules',
  'DescribeSecurityGroups',
];

describe("§8 an exemption tag on an interface's other group accepts its exposure on the event path as in the audit", () => {
  it.each(['sg-open-admin-port', 'eni-internet-exposed', '*'])(
    'tag %s: the audit suppresses the exposure; the event sends no notice, in the same 5 reads',
    async (tag) => {
      const w = world(tag);
      const inAudit = eniFinding(await audit(w));
      expect(inAudit?.suppressed).toBeDefined();
      const { result, reads, notices } = await onEvent(w);
      expect(result.failedMessageIds).toEqual([]);
      expect(result.messages[0]?.outcome).toBe('handled');
      expect(notices).toEqual([]);
      expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
      // §12: the other group's tags come with the one DescribeSecurityGroups, after the interfaces.
      expect(reads.sort()).toEqual(SG_READS);
      expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters)).toEqual(
        [[{ Name: 'group-id', Values: [GROUP, OTHER_GROUP] }]],
      );
    },
  );

  it('a tag for another rule only does not accept it: reported on both paths', async () => {
    const w = world('sg-open-all-traffic');
    expect(eniFinding(await audit(w))?.suppressed).toBeUndefined();
    const { notices } = await onEvent(w);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    ]);
  });

  it('without the tag: the exposure through the other group is reported on both paths, nothing revoked', async () => {
    const w = world(undefined);
    expect(eniFinding(await audit(w))?.suppressed).toBeUndefined();
    const { reads, notices } = await onEvent(w);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
    expect(reads.sort()).toEqual(SG_READS);
  });
});
