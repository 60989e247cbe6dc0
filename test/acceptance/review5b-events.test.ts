// Review of the session's event-path additions (DESIGN §7, §8, §14), through the event function's
// batch path with the EC2 fake behind aws-sdk-client-mock.

import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
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
  INSTANCE,
  installFakeEc2,
  publishedNotices,
  SUBNET,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** Delivers the records as one SQS batch to the event function; the notices it published. */
async function deliver(w: World, records: Record<string, unknown>[], fault?: () => void) {
  installFakeEc2(ec2Mock, w);
  fault?.();
  await processMessages(
    records.map((record, i) => ({ id: `m${i}`, body: JSON.stringify(envelope(record)), receiveCount: 1 })),
    eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
  );
  return publishedNotices(snsMock);
}

/** A big RunInstances: CloudTrail left out its responseElements, and with them every id. */
function bigRun(): Record<string, unknown> {
  const record = cloudTrailRecord('RunInstances', { subnetId: SUBNET });
  delete record.responseElements;
  return record;
}

/** A readable call of the same account and region: eni-0web's groups replaced. */
const groupChange = () =>
  cloudTrailRecord(
    'ModifyNetworkInterfaceAttribute',
    { networkInterfaceId: 'eni-0web', groupSet: { items: [{ groupId: 'sg-0web' }] } },
    { _return: true },
    { eventID: 'evt-2' },
  );

describe('a Create call left unevaluated beside a readable call with nothing to report', () => {
  it('is a failed, high notice whose subject says what could not be evaluated', async () => {
    // Prepare: a big RunInstances (responseElements left out) and a clean group change.
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '10.0.0.0/8' }] });
    // Act
    const notices = await deliver(w, [bigRun(), groupChange()]);
    // Assess: DESIGN §8, a "could not evaluate" notice carries severity high and action failed.
    expect(notices.map((n) => n.Subject)).toEqual(['[HIGH] could not evaluate RunInstances']);
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(notices[0]?.Message).toContain('COULD NOT EVALUATE (some calls)');
  });
});

describe('ModifyInstanceAttribute in a shape the table does not spell', () => {
  const triage = (request: Record<string, unknown>) =>
    triageEvent(cloudTrailRecord('ModifyInstanceAttribute', request), {
      exemptionTagKey: 'vpc-guardrail:exempt',
    });

  it('judges the instance when the groups come under another name (EC2 query form GroupId)', () => {
    const t = triage({ ModifyInstanceAttributeRequest: { InstanceId: INSTANCE, GroupId: ['sg-0web'] } });
    expect(t.kind === 'handle' ? t.scope.instanceIds : t.ignored).toEqual([INSTANCE]);
  });

  it('judges the instance for an attribute it does not know, ignores the known others', () => {
    const unknown = triage({ instanceId: INSTANCE, attribute: 'networkSettings', value: 'x' });
    expect(unknown.kind === 'handle' ? unknown.scope.instanceIds : unknown.ignored).toEqual([INSTANCE]);
    const known = triage({ instanceId: INSTANCE, userData: { value: 'IyEvYmluL3No' }, dryRun: false });
    expect(known.kind === 'ignore' ? known.ignored : known.kind).toEqual({
      code: 'not-exposure-change',
      reason: 'ModifyInstanceAttribute changes no security group (userData)',
    });
  });
});

describe('DeleteTags naming the value the tag holds again after the call', () => {
  it('says the tag was set again since, not that EC2 deleted nothing', async () => {
    // Prepare: the slice read after the call shows the very value the call deleted (set again since).
    const KEY = 'vpc-guardrail:exempt';
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }],
      groupTags: [{ Key: KEY, Value: '*' }],
    });
    const record = cloudTrailRecord('DeleteTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0web' }] },
      tagSet: { items: [{ key: KEY, value: '*' }] },
    });
    // Act
    const notices = await deliver(w, [record]);
    // Assess
    const message = notices[0]?.Message ?? '';
    expect(message).toContain(
      'sg-0web still carries the tag (= *): it was set again since. Its exemption stays.',
    );
    expect(message).not.toContain('EC2 deleted nothing there');
  });
});

describe('a Create call left unevaluated beside a call whose slice cannot be read', () => {
  it('names both reasons in the one "could not evaluate" notice', async () => {
    // Prepare: the readable call's group cannot be described (access denied).
    const denied = () =>
      ec2Mock.on(DescribeSecurityGroupsCommand).rejects(
        Object.assign(new Error('not authorized'), {
          name: 'UnauthorizedOperation',
          $metadata: { httpStatusCode: 403 },
        }),
      );
    // Act
    const notices = await deliver(
      buildWorld({ groupId: 'sg-0web', rules: [] }),
      [bigRun(), groupChange()],
      denied,
    );
    // Assess
    expect(notices).toHaveLength(1);
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    const message = notices[0]?.Message ?? '';
    expect(message).toContain('not authorized');
    expect(message).toContain('RunInstances: the record has no responseElements');
  });
});
