import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { publishNotice } from '../../../../shared/aws/notifier';
import { emptyScope } from '../../../../shared/events/event-table';
import type { ParsedEvent } from '../../../../shared/events/types';
import { subjectWithAccount } from '../../../../shared/notify/account-subject';
import { buildNotice, MAX_SUBJECT_LENGTH } from '../../../../shared/notify/notice';
import type { PlannedAction } from '../../../../shared/remediation/types';
import { makeFinding, oneCall } from '../../../helpers';

// SNS Publish `Subject` (API reference, the SDK model's text): "UTF-8 text with no line breaks or
// control characters, and less than 100 characters long". A subnet's Name tag reaches the subject
// (the rules' titles name it), and a tag value may hold characters outside the BMP (an emoji is two
// UTF-16 units, as SNS's Java service and JavaScript count them): the subject must stay under 100
// however they are counted, or SNS refuses the notice (InvalidParameter) and the invocation fails.

const event: ParsedEvent = {
  eventId: 'ev-1',
  eventName: 'ModifySubnetAttribute',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'us-east-1',
  actor: { arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser', sourceIp: '198.51.100.7' },
  requestParameters: {},
  responseElements: {},
  envelope: true,
};

/** The subnet rule's finding on a subnet whose Name tag is `name` (its title as the rule writes it). */
function subnetFinding(name: string) {
  const id = 'subnet-bb00ec013a25840da';
  return makeFinding({
    ruleId: 'subnet-auto-assign-public-ip',
    resourceType: 'AWS::EC2::Subnet',
    resourceId: id,
    severity: 'medium',
    title: `Subnet ${id} (${name}) assigns public IPv4 addresses on launch`,
  });
}

function noticeFor(name: string) {
  const finding = subnetFinding(name);
  const modify: PlannedAction = {
    action: 'ModifySubnetAttribute',
    parameters: { SubnetId: finding.resourceId, MapPublicIpOnLaunch: { Value: false } },
    findingIds: [finding.id],
  };
  return buildNotice(
    oneCall({
      event,
      scope: { ...emptyScope('ModifySubnetAttribute', 'subnet'), subnetIds: [finding.resourceId] },
      findings: [finding],
      results: [{ action: modify, status: 'failed', error: 'UnauthorizedOperation' }],
      skipped: [],
      dryRun: false,
      alreadyRemoved: [],
      mode: 'remediate',
      exemptionTagKey: 'vpc-guardrail:exempt',
    }),
  );
}

function subjectFor(name: string): string {
  return noticeFor(name).subject;
}

describe('SNS Subject: less than 100 characters, counted in UTF-16 units', () => {
  it('keeps a subject naming a subnet whose Name tag is emoji under 100 UTF-16 units', () => {
    // Act
    const subject = subjectFor('🔥'.repeat(60));

    // Assert: under the limit however counted, still the lead, the cut and the outcome.
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(Array.from(subject).length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/^\[MEDIUM\] Subnet subnet-bb00… \(🔥+… — remediation failed$/u);
    // Never half an emoji (a lone surrogate is no UTF-8 text).
    expect(subject).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('leaves a subject of BMP characters as it was', () => {
    expect(subjectFor('web-public')).toBe(
      '[MEDIUM] Subnet subnet-bb00… (web-public) assigns public IPv4 addresses on la… — remediation failed',
    );
  });

  it("keeps a member account's subject under 100 UTF-16 units too", () => {
    const subject = subjectWithAccount(subjectFor('🔥'.repeat(60)), '222233334444');
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/^\[MEDIUM\] 222233334444: Subnet subnet-bb00… \(🔥+… — remediation failed$/u);
    expect(subject).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('publishes that subject as it is (the Publish request SNS checks)', async () => {
    const snsMock = mockClient(SNSClient);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notice = noticeFor('🔥'.repeat(60));

    await publishNotice(
      new SNSClient({ region: 'us-east-1' }),
      'arn:aws:sns:us-east-1:111122223333:t',
      notice,
    );

    const subjects = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject ?? '');
    expect(subjects).toEqual([notice.subject]);
    expect(subjects.map((s) => s.length <= MAX_SUBJECT_LENGTH)).toEqual([true]);
    snsMock.restore();
  });
});
