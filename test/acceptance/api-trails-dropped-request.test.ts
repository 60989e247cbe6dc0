// API model audit (CloudTrail record contents): CloudTrail leaves out `requestParameters` over its
// size limit (100 KB), and the response of a large call with it (an AuthorizeSecurityGroupIngress
// of a few thousand CIDRs, as Terraform writes from a list). Such a record names no resource; it was
// logged as `no-resource` and acknowledged, so a change that may have opened a group to the world
// was told to nobody (a silent false negative). As for a Create call whose response was dropped,
// it is now a "could not evaluate" notice naming the call (DESIGN §8 "Safety": never a silent skip).

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { triageEvent } from '../../shared/events/parse';
import {
  buildWorld,
  cloudTrailRecord,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** A record of `eventName` whose parameters CloudTrail left out (`null`, or no key at all). */
function dropped(eventName: string, form: 'null' | 'absent', response: unknown = null) {
  const record = cloudTrailRecord(eventName, null, response);
  if (form === 'absent') delete record.requestParameters;
  return record;
}

describe('a successful call whose record has no requestParameters', () => {
  it.each([
    ['AuthorizeSecurityGroupIngress', 'null'],
    ['AuthorizeSecurityGroupIngress', 'absent'],
    ['CreateNetworkAclEntry', 'null'],
    ['ReplaceRoute', 'null'],
    ['ModifyNetworkInterfaceAttribute', 'absent'],
    ['ModifyManagedPrefixList', 'null'],
  ] as const)('%s (%s) is handled as unreadable, naming why', (name, form) => {
    const triage = triageEvent(envelope(dropped(name, form, { _return: true })), OPTIONS);
    expect(triage.kind === 'handle' ? triage.scope.unreadable : triage).toMatch(/no requestParameters/);
  });

  it('sends a "could not evaluate" notice (high, failed) and reads nothing', async () => {
    installFakeEc2(ec2Mock, buildWorld({ groupId: 'sg-0web', rules: [] }));
    const result = await processMessages(
      [
        {
          id: 'm',
          body: JSON.stringify(envelope(dropped('AuthorizeSecurityGroupIngress', 'null'))),
          receiveCount: 1,
        },
      ],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(ec2Mock.calls()).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[HIGH] could not evaluate AuthorizeSecurityGroupIngress — failed',
    ]);
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(notices[0]?.Message).toContain('created or changed');
  });

  it('still reads a record whose response names the group (the rule set) though the request was left out', () => {
    const triage = triageEvent(
      envelope(
        dropped('AuthorizeSecurityGroupIngress', 'null', {
          _return: true,
          securityGroupRuleSet: {
            items: [
              {
                groupId: 'sg-0web',
                securityGroupRuleId: 'sgr-1',
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                cidrIpv4: '0.0.0.0/0',
              },
            ],
          },
        }),
      ),
      OPTIONS,
    );
    expect(
      triage.kind === 'handle' ? [triage.scope.securityGroupIds, triage.scope.unreadable] : triage,
    ).toEqual([['sg-0web'], undefined]);
  });

  it('keeps ignoring a record whose request is there but names nothing (no-resource)', () => {
    const triage = triageEvent(
      envelope(cloudTrailRecord('AuthorizeSecurityGroupIngress', { ipPermissions: {} })),
      OPTIONS,
    );
    expect(triage.kind === 'ignore' ? triage.ignored.code : triage.kind).toBe('no-resource');
  });
});
