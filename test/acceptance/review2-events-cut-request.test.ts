// Review of "a record without requestParameters" (round 2 of the API model audit; DESIGN §8
// "Safety", §13). CloudTrail's record contents: "CloudTrail truncates a field if the field's
// contents exceeds the maximum field size. If a field is truncated, omitted is present with a value
// of true." Round 1 told a record whose requestParameters are null or absent; one whose parameters
// are there but cut — `{"omitted": true}`, or a value that is not an object at all — still named
// nothing, was logged as `no-resource` and acknowledged: a large Authorize that may have opened a
// group to the world told to nobody.

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

describe('a successful call whose requestParameters CloudTrail cut', () => {
  it.each([
    ['AuthorizeSecurityGroupIngress', { omitted: true }],
    ['AuthorizeSecurityGroupIngress', { omitted: 'true' }],
    ['CreateNetworkAclEntry', '{"networkAclId":"acl-0a1","ruleNumber":1'],
    ['ModifyManagedPrefixList', [{ Cidr: '0.0.0.0/0' }]],
  ] as const)('%s with %j is handled as unreadable, naming why', (name, requestParameters) => {
    const record = cloudTrailRecord(name, requestParameters as never, { _return: true });
    const triage = triageEvent(envelope(record), OPTIONS);
    expect(triage.kind === 'handle' ? triage.scope.unreadable : triage).toMatch(
      /^the record's requestParameters are cut \(CloudTrail truncates a field over its size limit, 100 KB\) and do not name what the call changed \(no /,
    );
  });

  it('sends a "could not evaluate" notice (high, failed) and reads nothing', async () => {
    installFakeEc2(ec2Mock, buildWorld({ groupId: 'sg-0web', rules: [] }));
    const record = cloudTrailRecord('AuthorizeSecurityGroupIngress', { omitted: true } as never, {
      _return: true,
    });
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(ec2Mock.calls()).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => [n.Subject, n.MessageAttributes?.severity?.StringValue])).toEqual([
      ['[HIGH] could not evaluate AuthorizeSecurityGroupIngress — failed', 'high'],
    ]);
  });

  it('still ignores an empty request ({}) as naming no resource: nothing was cut', () => {
    const triage = triageEvent(envelope(cloudTrailRecord('ModifyManagedPrefixList', {})), OPTIONS);
    expect(triage.kind === 'ignore' ? triage.ignored.code : triage.kind).toBe('no-resource');
  });

  it('judges a cut request whose response still names the group (the rule set)', () => {
    const record = cloudTrailRecord('AuthorizeSecurityGroupIngress', { omitted: true } as never, {
      _return: true,
      securityGroupRuleSet: {
        items: [{ groupId: 'sg-0web', securityGroupRuleId: 'sgr-1', isEgress: false }],
      },
    });
    const triage = triageEvent(envelope(record), OPTIONS);
    expect(
      triage.kind === 'handle' ? [triage.scope.securityGroupIds, triage.scope.unreadable] : triage,
    ).toEqual([['sg-0web'], undefined]);
  });
});
