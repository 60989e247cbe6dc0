import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../../../functions/on-network-change/process';
import type { ConfigInput } from '../../../../shared/config';
import { parseConfig } from '../../../../shared/load-config';
import {
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

/** The lines of one section of a notice's text (its heading excluded), up to the blank line. */
function sections(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const out: string[][] = [];
  lines.forEach((l, start) => {
    if (l !== heading) return;
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
