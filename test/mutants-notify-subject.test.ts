// Mutation checks of shared/notify/notice-subject.ts (DESIGN §8 "Verified outcome", §14 subject:
// worst severity, resource and count): the subject is what an on-call engineer reads first, so
// its outcome word, severity tag and "(+N more)" count must say what the batch did.
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../shared/events/event-table';
import type { ParsedEvent } from '../shared/events/types';
import { buildNotice, type NoticeInput } from '../shared/notify/notice';
import type { ActionResult, PlannedAction } from '../shared/remediation/types';
import { makeFinding } from './helpers';

const event: ParsedEvent = {
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
          securityGroupIds: ['sg-0abc'],
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
    mode: 'remediate',
    exemptionTagKey: 'vpc-guardrail:exempt',
    notifyMinSeverity: 'low',
    ...extra,
  };
}

const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-0abc',
  severity: 'critical',
  title: 'sg-0abc world-open on 22/tcp',
});
const nacl = makeFinding({
  ruleId: 'nacl-open-admin-port',
  resourceType: 'AWS::EC2::NetworkAcl',
  resourceId: 'acl-0abc',
  severity: 'high',
  title: 'acl-0abc allows 22/tcp from the internet',
});

const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-0abc', SecurityGroupRuleIds: ['sgr-1'] },
  findingIds: [admin.id],
};
const revoke2: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-0abc', SecurityGroupRuleIds: ['sgr-2'] },
  findingIds: [admin.id],
};
const deleteEntry = {
  action: 'DeleteNetworkAclEntry',
  parameters: { NetworkAclId: 'acl-0abc', RuleNumber: 100, Egress: false },
  findingIds: [nacl.id],
} as PlannedAction;
const result = (action: PlannedAction, status: ActionResult['status']): ActionResult =>
  ({ action, status }) as ActionResult;

describe('the outcome word', () => {
  it('says revoked when one call removed a rule and another found its rule already gone', () => {
    const notice = buildNotice(
      digest({
        findings: [admin],
        fixed: [{ finding: admin, by: [revoke, revoke2] }],
        results: [result(revoke, 'done'), result(revoke2, 'already-done')],
      }),
    );
    expect(notice.subject.endsWith(' — revoked')).toBe(true);
  });

  it('says remediated, not revoked, when a NACL entry was deleted beside a revoke', () => {
    const notice = buildNotice(
      digest({
        findings: [admin, nacl],
        fixed: [
          { finding: admin, by: [revoke] },
          { finding: nacl, by: [deleteEntry] },
        ],
        results: [result(revoke, 'done'), result(deleteEntry, 'done')],
      }),
    );
    expect(notice.subject.startsWith('[CRITICAL] ')).toBe(true);
    expect(notice.subject).toContain('(+1 more)');
    expect(notice.subject.endsWith(' — remediated')).toBe(true);
  });

  it('says already removed when every call found its rule already gone', () => {
    const notice = buildNotice(
      digest({
        findings: [admin],
        fixed: [{ finding: admin, by: [revoke] }],
        results: [result(revoke, 'already-done')],
      }),
    );
    expect(notice.subject.endsWith(' — already removed')).toBe(true);
  });
});

describe('calls left unevaluated', () => {
  it('says how many calls were not evaluated, one call singular', () => {
    const one = buildNotice(
      digest({ findings: [admin], open: [admin], unevaluated: ['RunInstances: no instance id'] }),
    );
    expect(one.subject.endsWith(' — 1 call not evaluated')).toBe(true);
    const two = buildNotice(
      digest({ findings: [admin], open: [admin], unevaluated: ['RunInstances: a', 'RunInstances: b'] }),
    );
    expect(two.subject.endsWith(' — 2 calls not evaluated')).toBe(true);
  });
});

describe('the lead and the count', () => {
  const low = makeFinding({
    ruleId: 'sg-broad-public-source',
    resourceId: 'sg-0low',
    severity: 'low',
    title: 'sg-0low open to a broad public range',
  });
  const medium = makeFinding({
    ruleId: 'sg-open-unauthorized-port',
    resourceId: 'sg-0med',
    severity: 'medium',
    title: 'sg-0med world-open on 8080/tcp',
  });

  it('leads with the critical finding fixed, not an open one below notifyMinSeverity', () => {
    const notice = buildNotice(
      digest({
        notifyMinSeverity: 'high',
        findings: [admin, low],
        open: [low],
        fixed: [{ finding: admin, by: [revoke] }],
        results: [result(revoke, 'done')],
      }),
    );
    expect(notice.subject).toBe('[CRITICAL] sg-0abc world-open on 22/tcp (+1 more on 2 groups) — revoked');
  });

  it('leads a redelivery with the finding someone else closed', () => {
    const notice = buildNotice(digest({ goneFindings: [admin], redelivery: true }));
    expect(notice.subject.startsWith('[CRITICAL] sg-0abc')).toBe(true);
    expect(notice.subject).toContain('22/tcp');
  });

  it('counts only the loud open findings behind a worse rule already removed', () => {
    const rule = {
      ruleId: 'sgr-world',
      groupId: 'sg-0abc',
      egress: false,
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
      severity: 'critical' as const,
      ruleIds: ['sg-open-admin-port'],
    };
    const notice = buildNotice(
      digest({
        notifyMinSeverity: 'medium',
        findings: [medium, low],
        open: [medium, low],
        alreadyRemoved: [rule],
        redelivery: true,
      }),
    );
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0abc already removed (+1 more)');
  });
});

describe('news subjects: exemption changes, unreadable calls, NACL entries, callers', () => {
  const tagScope = (change: 'set' | 'removed', resourceIds: string[]) => ({
    ...emptyScope('CreateTags', 'exemption'),
    securityGroupIds: resourceIds,
    exemption: { change, key: 'vpc-guardrail:exempt', value: 'ticket-42', resourceIds },
  });
  const tagEvent = (arn: string): ParsedEvent =>
    ({ ...event, eventName: 'CreateTags', actor: { arn, type: 'AssumedRole' } }) as ParsedEvent;

  it('names the first tagged resource, how many others, and the caller of an assumed role', () => {
    const notice = buildNotice(
      digest({
        calls: [
          {
            event: tagEvent('arn:aws:sts::111122223333:assumed-role/Operator/ryan'),
            scope: tagScope('set', ['sg-0one', 'sg-0two', 'sg-0three']),
          },
        ],
      }),
    );
    expect(notice.subject).toBe('[INFO] exemption set on sg-0one (+2) by Operator/ryan');
  });

  it('says an exemption was not removed only when every resource is still tagged', () => {
    const calls = [
      {
        event: tagEvent('arn:aws:iam::111122223333:user/alice'),
        scope: tagScope('removed', ['sg-0one', 'sg-0two']),
      },
    ];
    const partly = buildNotice(digest({ calls, stillTagged: [{ resourceId: 'sg-0one', value: 'x' }] }));
    expect(partly.subject).toBe('[INFO] exemption removed from sg-0one (+1) by alice');
    const kept = buildNotice(
      digest({
        calls,
        stillTagged: [
          { resourceId: 'sg-0one', value: 'x' },
          { resourceId: 'sg-0two', value: 'x' },
        ],
      }),
    );
    expect(kept.subject).toBe('[INFO] exemption not removed from sg-0one (+1) by alice');
  });

  it('tags a call whose record names nothing to read high', () => {
    const scope = {
      ...emptyScope('RunInstances', 'network-interface'),
      unreadable: 'no instance id in the response',
    };
    const notice = buildNotice(
      digest({ calls: [{ event: { ...event, eventName: 'RunInstances' } as ParsedEvent, scope }] }),
    );
    expect(notice.subject.startsWith('[HIGH] could not evaluate RunInstances')).toBe(true);
  });

  it('says a world-open NACL entry still there behind a deny is blocked, not removed', () => {
    const entry = {
      networkAclId: 'acl-0abc',
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      protocol: '6',
      cidrBlock: '0.0.0.0/0',
      fromPort: 22,
      toPort: 22,
      severity: 'high' as const,
      ruleIds: ['nacl-open-admin-port'],
    };
    const blocked = buildNotice(digest({ removedEntries: [{ ...entry, blocked: true }], redelivery: true }));
    expect(blocked.subject).toBe('[HIGH] world-open entry 100 of acl-0abc already blocked');
    const removed = buildNotice(digest({ removedEntries: [entry], redelivery: true }));
    expect(removed.subject).toBe('[HIGH] world-open entry 100 of acl-0abc already removed');
  });

  it('counts the calls of a digest of several of one kind', () => {
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0abc'],
    };
    const notice = buildNotice(
      digest({
        calls: [
          { event, scope },
          { event: { ...event, eventId: 'ev-2' } as ParsedEvent, scope },
        ],
        couldNotEvaluate: 'AccessDenied',
      }),
    );
    expect(notice.subject).toBe(
      '[HIGH] could not evaluate 2 AuthorizeSecurityGroupIngress calls on sg-0abc — failed',
    );
  });
});
