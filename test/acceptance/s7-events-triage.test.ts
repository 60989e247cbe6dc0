import { describe, expect, it } from 'vitest';
import { parseEvent, triageEvent } from '../../shared/events/parse';
import type { ParsedEvent, Triage } from '../../shared/events/types';
import { cloudTrailFixture, cloudTrailRecord, envelope } from '../helpers';

const KEY = 'vpc-guardrail:exempt';
const OWN_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-on-network-change';
const HERE = { exemptionTagKey: KEY, expectedAccountId: '111122223333', expectedRegion: 'us-east-1' };

const sgRecord = (overrides: Record<string, unknown> = {}) =>
  cloudTrailRecord('AuthorizeSecurityGroupIngress', { groupId: 'sg-0aaa' }, { _return: true }, overrides);

function parsed(input: unknown): ParsedEvent {
  const event = parseEvent(input);
  if ('code' in event) throw new Error(`not parsed: ${event.reason}`);
  return event;
}

function ignoredCode(triage: Triage): string | undefined {
  return triage.kind === 'ignore' ? triage.ignored.code : undefined;
}

describe('§7 account and region of an event', () => {
  it("takes the account from the envelope's account, not recipientAccountId nor userIdentity.accountId", () => {
    // Prepare
    const detail = sgRecord({
      recipientAccountId: '999999999999',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::444455556666:user/x', accountId: '444455556666' },
    });
    // Act
    const event = parsed(envelope(detail, '111122223333', 'eu-west-1'));
    // Assess
    expect(event.accountId).toBe('111122223333');
    expect(event.region).toBe('eu-west-1');
    expect(event.envelope).toBe(true);
  });

  it('takes recipientAccountId and awsRegion for a bare record', () => {
    const event = parsed(sgRecord({ recipientAccountId: '222233334444', awsRegion: 'ap-south-1' }));
    expect(event).toMatchObject({ accountId: '222233334444', region: 'ap-south-1', envelope: false });
  });

  it("never takes the caller's userIdentity.accountId, even when nothing else names an account", () => {
    const record = sgRecord({
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::444455556666:user/x', accountId: '444455556666' },
    });
    delete record.recipientAccountId;
    expect(parsed(record).accountId).toBeUndefined();
    expect(parsed(envelope(record, '', '')).accountId).toBeUndefined();
  });

  it('falls back to detail.recipientAccountId and detail.awsRegion when the envelope lacks them', () => {
    const wrapped = envelope(
      sgRecord({ recipientAccountId: '222233334444', awsRegion: 'eu-west-3' }),
    ) as Record<string, unknown>;
    delete wrapped.account;
    delete wrapped.region;
    expect(parsed(wrapped)).toMatchObject({ accountId: '222233334444', region: 'eu-west-3' });
  });

  it('rejects an event of another account with a reason naming both accounts', () => {
    const triage = triageEvent(envelope(sgRecord(), '999988887777'), HERE);
    expect(triage).toMatchObject({ kind: 'ignore', ignored: { code: 'other-account' } });
    expect(triage.kind === 'ignore' && triage.ignored.reason).toMatch(/999988887777.*111122223333/);
  });

  it('rejects an event of another region with a reason naming both regions', () => {
    const triage = triageEvent(envelope(sgRecord(), '111122223333', 'eu-west-1'), HERE);
    expect(triage).toMatchObject({ kind: 'ignore', ignored: { code: 'other-region' } });
    expect(triage.kind === 'ignore' && triage.ignored.reason).toMatch(/eu-west-1.*us-east-1/);
  });

  it('judges the account by the envelope, so a forged recipientAccountId does not get an event in', () => {
    const detail = sgRecord({ recipientAccountId: '111122223333' });
    expect(ignoredCode(triageEvent(envelope(detail, '999988887777'), HERE))).toBe('other-account');
  });

  it('accepts an event of its own account and region', () => {
    expect(triageEvent(envelope(sgRecord()), HERE).kind).toBe('handle');
    expect(triageEvent(sgRecord(), HERE).kind).toBe('handle');
  });
});

describe('§7 events ignored: failed calls, own role, unknown names', () => {
  it('ignores an event with detail.errorCode (the real failed-call shape, responseElements null)', () => {
    const triage = triageEvent(
      cloudTrailFixture('GetPasswordData--failed-client-unauthorizedoperation-ec2-error-shape.json'),
      { exemptionTagKey: KEY },
    );
    expect(ignoredCode(triage)).toBe('error-code');
  });

  it('ignores a handled event name that failed', () => {
    const record = sgRecord({
      errorCode: 'Client.InvalidGroup.NotFound',
      errorMessage: 'nope',
      responseElements: null,
    });
    expect(ignoredCode(triageEvent(envelope(record), HERE))).toBe('error-code');
  });

  it('treats an explicit "errorCode": null of a trimmed record as success', () => {
    const trimmed = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--console-launch-wizard-anywhere-ssh-trimmed-record.json',
    );
    const triage = triageEvent(trimmed, { exemptionTagKey: KEY });
    expect(triage).toMatchObject({
      kind: 'handle',
      scope: { securityGroupIds: ['sg-db0c0ffeec0e67ce0'], securityGroupRuleIds: ['sgr-db0c0ffee14167c6d'] },
    });
  });

  it('ignores its own role matched on sessionContext.sessionIssuer.arn', () => {
    const record = sgRecord({
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/some-other-name/session',
        sessionContext: { sessionIssuer: { type: 'Role', arn: OWN_ROLE } },
      },
    });
    expect(ignoredCode(triageEvent(envelope(record), { ...HERE, ownRoleArn: OWN_ROLE }))).toBe('own-role');
  });

  it('ignores its own role matched on userIdentity.arn', () => {
    const record = sgRecord({ userIdentity: { type: 'AssumedRole', arn: OWN_ROLE } });
    expect(ignoredCode(triageEvent(envelope(record), { ...HERE, ownRoleArn: OWN_ROLE }))).toBe('own-role');
  });

  it('does not ignore another principal of the same account', () => {
    expect(triageEvent(envelope(sgRecord()), { ...HERE, ownRoleArn: OWN_ROLE }).kind).toBe('handle');
  });

  it.each([
    'DescribeSecurityGroups',
    'CreateVpcPeeringConnection',
    'DeleteSecurityGroup',
    'authorizesecuritygroupingress',
  ])('ignores the event name %s outside the table', (name) => {
    const record = cloudTrailRecord(name, { groupId: 'sg-0aaa' });
    expect(ignoredCode(triageEvent(envelope(record), HERE))).toBe('unknown-event');
  });

  it('does not treat inherited Object properties as event names', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const record = cloudTrailRecord(name, {});
      expect(ignoredCode(triageEvent(envelope(record), HERE))).toBe('unknown-event');
    }
  });
});

describe('§13 malformed and hostile events: a clear reason, never a throw', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'AuthorizeSecurityGroupIngress'],
    ['an array', [sgRecord()]],
    ['an empty object', {}],
    ['an envelope whose detail is null', { 'detail-type': 'AWS API Call via CloudTrail', detail: null }],
    ['an envelope whose detail is a string', { 'detail-type': 'AWS API Call via CloudTrail', detail: 'x' }],
    ['an envelope whose detail is an array', { 'detail-type': 'AWS API Call via CloudTrail', detail: [] }],
    ['an envelope without detail', { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2' }],
    ['a record whose eventName is a number', { ...sgRecord(), eventName: 7 }],
  ])('reports %s as malformed', (_, input) => {
    const triage = triageEvent(input, HERE);
    expect(triage.kind).toBe('ignore');
    expect(ignoredCode(triage)).toBe('malformed');
    expect(triage.kind === 'ignore' && triage.ignored.reason.length).toBeGreaterThan(10);
  });

  it('says that detail is missing when an EventBridge envelope has none', () => {
    const triage = triageEvent({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2' }, HERE);
    expect(triage.kind === 'ignore' && triage.ignored.reason).toMatch(/detail/);
  });

  it('keeps every reason short, however long the hostile strings', () => {
    const huge = 'x'.repeat(1_000_000);
    const inputs = [
      sgRecord({ eventSource: huge }),
      sgRecord({ errorCode: huge }),
      envelope(sgRecord(), huge),
      envelope(sgRecord(), '111122223333', huge),
      sgRecord({ eventName: huge }),
      cloudTrailRecord(
        'AuthorizeSecurityGroupIngress',
        { groupId: 'sg-0aaa' },
        { _return: true },
        { eventName: huge },
      ),
    ];
    for (const input of inputs) {
      const triage = triageEvent(input, HERE);
      expect(triage.kind).toBe('ignore');
      expect(triage.kind === 'ignore' && triage.ignored.reason.length).toBeLessThan(600);
    }
  });

  it('reads prototype-pollution keys as plain data and pollutes nothing', () => {
    const text = `{"eventName":"AuthorizeSecurityGroupIngress","eventSource":"ec2.amazonaws.com",
      "awsRegion":"us-east-1","recipientAccountId":"111122223333","__proto__":{"polluted":true,"eventName":"X"},
      "constructor":{"prototype":{"polluted":true}},
      "requestParameters":{"__proto__":{"groupId":"sg-0evil"},"groupId":"sg-0aaa"},"responseElements":{"_return":true}}`;
    const triage = triageEvent(JSON.parse(text), HERE);
    expect(triage).toMatchObject({ kind: 'handle', scope: { securityGroupIds: ['sg-0aaa'] } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not take ids from a __proto__ member', () => {
    const text = `{"eventName":"AuthorizeSecurityGroupIngress","eventSource":"ec2.amazonaws.com",
      "awsRegion":"us-east-1","recipientAccountId":"111122223333",
      "requestParameters":{"__proto__":{"groupId":"sg-0evil"}},"responseElements":{"_return":true}}`;
    expect(ignoredCode(triageEvent(JSON.parse(text), HERE))).toBe('no-resource');
  });

  it('survives deeply nested lists without a stack overflow', () => {
    let nested: unknown = { groupId: 'sg-0deep', securityGroupRuleId: 'sgr-0deep' };
    for (let i = 0; i < 50_000; i++) nested = { items: nested };
    const record = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      { groupId: 'sg-0aaa' },
      { _return: true, securityGroupRuleSet: nested },
    );
    expect(() => triageEvent(record, HERE)).not.toThrow();
  });

  it('ignores a record of another service', () => {
    const record = sgRecord({ eventSource: 'iam.amazonaws.com' });
    expect(ignoredCode(triageEvent(record, HERE))).toBe('not-ec2');
  });
});
