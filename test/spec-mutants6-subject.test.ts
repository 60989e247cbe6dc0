// Mutation checks of shared/notify/notice-subject.ts left open by mutants2 (N46, N57, N61): the
// subject is what an on-call engineer reads first (DESIGN §8, §14 "worst severity, resource and
// count"). It keeps the full resource id while the subject fits, gives up the resource count
// before the ports ("the port is the last thing to go"), and keeps the outcome word when the news
// that leads is not itself a removal.
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../shared/events/event-table';
import type { ParsedEvent } from '../shared/events/types';
import { buildNotice, type NoticeInput } from '../shared/notify/notice';
import { MAX_SUBJECT_LENGTH } from '../shared/notify/notice-types';
import type { PlannedAction } from '../shared/remediation/types';
import { makeFinding } from './helpers';

const GROUP = 'sg-0123456789abcdef0';

const event = {
  eventId: 'ev-1',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'us-east-1',
  actor: { arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser' },
  requestParameters: {},
  responseElements: {},
  envelope: true,
} as ParsedEvent;

function digest(extra: Partial<NoticeInput> = {}): NoticeInput {
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    calls: [
      {
        event,
        scope: {
          ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
          securityGroupIds: [GROUP],
        },
      },
    ],
    findings: [],
    open: [],
    fixed: [],
    results: [],
    skipped: [],
    dryRun: false,
    alreadyRemoved: [],
    goneFindings: [],
    redelivery: false,
    mode: 'notify',
    exemptionTagKey: 'vpc-guardrail:exempt',
    notifyMinSeverity: 'low',
    ...extra,
  };
}

/** A world-open finding on `GROUP` with these ports, and one on each of two other groups. */
function threeGroups(ports: string[]): NoticeInput {
  const lead = makeFinding({ ruleId: 'sg-open-admin-port', resourceId: GROUP, evidence: { ports } });
  const others = ['sg-0123456789abcdef1', 'sg-0123456789abcdef2'].map((resourceId) =>
    makeFinding({ ruleId: 'sg-open-admin-port', resourceId, evidence: { ports: ['22/tcp'] } }),
  );
  return digest({ findings: [lead, ...others], open: [lead, ...others] });
}

describe('a subject shortened only as far as it must be', () => {
  it('keeps the full group id and every count when the subject is exactly the limit long (N46)', () => {
    const notice = buildNotice(threeGroups(['1433/tcp', '3389/tcp', '5432/tcp', '6379/tcp']));
    expect(notice.subject).toBe(
      `[CRITICAL] ${GROUP} world-open on 1433/tcp, 3389/tcp, 5432/tcp, … (+2 more on 3 groups)`,
    );
    expect(notice.subject).toHaveLength(MAX_SUBJECT_LENGTH);
  });

  it('drops the count of groups before any port (N61)', () => {
    // With the group count the subject is 100 characters; without it, it fits with its three ports.
    const notice = buildNotice(threeGroups(['20-21/tcp', '23-3388/tcp', '3390-5431/tcp', '9000-9100/tcp']));
    expect(notice.subject).toBe(
      '[CRITICAL] sg-01234567… world-open on 20-21/tcp, 23-3388/tcp, 3390-5431/tcp, … (+2 more)',
    );
  });

  it('keeps the bare count, not the count of groups, when the headline itself must be cut (N61)', () => {
    const long = makeFinding({
      ruleId: 'sg-default-not-restricted',
      resourceId: GROUP,
      title: `${GROUP} ${'x'.repeat(90)}`,
    });
    const others = ['sg-0123456789abcdef1', 'sg-0123456789abcdef2'].map((resourceId) =>
      makeFinding({ ruleId: 'sg-default-not-restricted', resourceId }),
    );
    const notice = buildNotice(digest({ findings: [long, ...others], open: [long, ...others] }));
    expect(notice.subject).toBe(`[CRITICAL] sg-0123… ${'x'.repeat(68)}… (+2 more)`);
    expect(notice.subject).toHaveLength(MAX_SUBJECT_LENGTH);
  });
});

describe('the outcome word after news that is no removal', () => {
  it('says "already removed" after an unreadable call that leads over a fix found already made (N57)', () => {
    // A redelivery: the medium finding's rule was already gone (the revoke answered NotFound), and a
    // RunInstances call of the batch could not be evaluated (high news, so it leads).
    const medium = makeFinding({
      ruleId: 'sg-open-unauthorized-port',
      resourceId: GROUP,
      severity: 'medium',
      evidence: { ports: ['8080/tcp'] },
    });
    const revoke: PlannedAction = {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-1'] },
      findingIds: [medium.id],
    };
    const base = digest();
    const notice = buildNotice(
      digest({
        mode: 'remediate',
        redelivery: true,
        calls: [
          ...base.calls,
          {
            event: { ...event, eventId: 'ev-2', eventName: 'RunInstances' },
            scope: {
              ...emptyScope('RunInstances', 'network-interface'),
              unreadable: 'no instance id in the response',
            },
          },
        ],
        findings: [medium],
        fixed: [{ finding: medium, by: [revoke] }],
        results: [{ action: revoke, status: 'already-done' }],
      }),
    );
    expect(notice.subject).toBe('[HIGH] could not evaluate RunInstances (+1 more) — already removed');
    expect(notice.attributes.action?.StringValue).toBe('remediated');
  });
});
