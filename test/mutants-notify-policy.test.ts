// Mutation checks of shared/notify/notice-policy.ts (DESIGN §8 "No noise", "Notices tell the state
// after the actions"): which digests are sent at all, and the `action` / `severity` attributes that
// subscription filter policies select on. Each case is one cause alone, so dropping that cause from
// the policy sends nothing (a silent miss) or tags the notice wrongly.
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../shared/events/event-table';
import type { ParsedEvent } from '../shared/events/types';
import { buildNotice, type NoticeInput, noticeAction, shouldNotify } from '../shared/notify/notice';
import { highestSeverity, noticeSeverity } from '../shared/notify/notice-policy';
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

/** A digest of one call with nothing to report: each test adds one cause. */
function digest(extra: Partial<NoticeInput> = {}): NoticeInput {
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    calls: [{ event, scope: emptyScope('AuthorizeSecurityGroupIngress', 'security-group') }],
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
    notifyMinSeverity: 'high',
    ...extra,
  };
}

const low = makeFinding({
  ruleId: 'sg-broad-public-source',
  resourceId: 'sg-0low',
  severity: 'low',
  title: 'sg-0low open to a broad public range',
});
const critical = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-0abc',
  severity: 'critical',
  title: 'sg-0abc world-open on 22/tcp',
});

const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-0low', SecurityGroupRuleIds: ['sgr-1'] },
  findingIds: [low.id],
};
const result = (status: ActionResult['status']): ActionResult => ({ action: revoke, status }) as ActionResult;

describe('shouldNotify: each cause alone sends the digest', () => {
  it('sends nothing for a digest with nothing to report, nor for a finding below the threshold', () => {
    expect(shouldNotify(digest())).toBe(false);
    expect(shouldNotify(digest({ findings: [low], open: [low] }))).toBe(false);
  });

  it('sends a digest whose only news is a call left unevaluated', () => {
    expect(shouldNotify(digest({ unevaluated: ['RunInstances: the record names no instance'] }))).toBe(true);
  });

  it('sends a redelivery whose only news is a finding someone else closed', () => {
    expect(shouldNotify(digest({ goneFindings: [critical], redelivery: true }))).toBe(true);
  });

  it('sends a digest whose only news is a call this invocation made, even for a finding below the threshold', () => {
    expect(shouldNotify(digest({ findings: [low], results: [result('done')] }))).toBe(true);
  });

  it('sends nothing for a call found already done with nothing else to tell', () => {
    expect(shouldNotify(digest({ findings: [low], results: [result('already-done')] }))).toBe(false);
  });

  it('sends a digest whose only news is a loud finding the actions fixed', () => {
    expect(shouldNotify(digest({ findings: [critical], fixed: [{ finding: critical, by: [] }] }))).toBe(true);
  });
});

describe('action and severity attributes', () => {
  it('tags a digest with a call left unevaluated as failed, or partially remediated beside a done call', () => {
    const unevaluated = ['RunInstances: the record names no instance'];
    expect(noticeAction(digest({ unevaluated }))).toBe('failed');
    expect(noticeAction(digest({ unevaluated, results: [result('done')] }))).toBe('partially-remediated');
    const notice = buildNotice(digest({ unevaluated }));
    expect(notice.attributes.action?.StringValue).toBe('failed');
    expect(notice.attributes.severity?.StringValue).toBe('high');
  });

  it('keeps a critical finding critical beside a call left unevaluated (high is a floor, not a cap)', () => {
    const input = digest({
      unevaluated: ['RunInstances: the record names no instance'],
      findings: [critical],
      open: [critical],
    });
    expect(noticeSeverity(input)).toBe('critical');
    expect(noticeSeverity({ ...input, findings: [low], open: [low] })).toBe('high');
    expect(noticeSeverity(digest({ couldNotEvaluate: 'AccessDenied on DescribeSecurityGroups' }))).toBe(
      'high',
    );
  });

  it('ignores suppressed findings in the highest severity', () => {
    expect(
      highestSeverity([{ ...critical, suppressed: { by: 'config' as const, reason: 'accepted' } }, low]),
    ).toBe('low');
    expect(highestSeverity([])).toBe('info');
    expect(highestSeverity([low, critical])).toBe('critical');
  });

  it('tags the severity with the worst of the findings and the rules already removed', () => {
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
    expect(
      noticeSeverity(digest({ findings: [low], open: [low], alreadyRemoved: [rule], redelivery: true })),
    ).toBe('critical');
    expect(
      noticeSeverity(
        digest({ findings: [critical], open: [critical], alreadyRemoved: [{ ...rule, severity: 'low' }] }),
      ),
    ).toBe('critical');
  });
});

describe('what a redelivery and the subject report', () => {
  it('counts findings someone else closed in the severity and ruleIds attributes', () => {
    const notice = buildNotice(
      digest({ findings: [low], open: [low], goneFindings: [critical], redelivery: true }),
    );
    expect(notice.attributes.severity?.StringValue).toBe('critical');
    expect(notice.attributes.ruleIds?.StringValue).toBe(
      JSON.stringify(['sg-broad-public-source', 'sg-open-admin-port']),
    );
  });

  it('never leads the subject with a suppressed finding, nor counts it as one more', () => {
    const accepted = { ...critical, suppressed: { by: 'config' as const, reason: 'accepted' } };
    const notice = buildNotice(
      digest({
        findings: [accepted, low],
        open: [accepted, low],
        results: [result('done')],
        notifyMinSeverity: 'low',
      }),
    );
    expect(notice.subject.startsWith('[LOW] ')).toBe(true);
    expect(notice.subject).toContain('sg-0low');
    expect(notice.subject).not.toContain('sg-0abc');
    expect(notice.subject).not.toContain('more');
  });

  it('leads with a critical interface exposure over a high group finding (severity before resource kind)', () => {
    const eni = makeFinding({
      ruleId: 'eni-internet-exposed',
      resourceType: 'AWS::EC2::NetworkInterface',
      resourceId: 'eni-0crit',
      severity: 'critical',
      title: 'eni-0crit reachable from the internet on 22/tcp',
    });
    const high = makeFinding({
      ruleId: 'sg-open-high-risk-port',
      resourceId: 'sg-0high',
      severity: 'high',
      title: 'sg-0high world-open on 3306/tcp',
    });
    const notice = buildNotice(digest({ findings: [high, eni], open: [high, eni] }));
    expect(notice.subject.startsWith('[CRITICAL] ')).toBe(true);
    expect(notice.subject).toContain('eni-0crit');
    expect(notice.subject).toContain('(+1 more)');
  });
});
