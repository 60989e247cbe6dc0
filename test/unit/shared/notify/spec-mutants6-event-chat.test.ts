// Mutation checks of shared/notify/event-chat.ts (DESIGN §16 "Chat", §8 notification): the chat
// message of a digest carries the same facts as its plain text — who did what, the findings open
// and fixed, what was done and how to undo it, and every piece of news (exemption changes, calls
// not evaluated, rules and entries already removed, tags with no effect, findings not remediated).
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../../../shared/events/event-table';
import type { EventScope, ParsedEvent } from '../../../../shared/events/types';
import { eventChatFacts, withChat } from '../../../../shared/notify/event-chat';
import { buildNotice, type NoticeInput } from '../../../../shared/notify/notice';
import type { PlannedAction } from '../../../../shared/remediation/types';
import { makeFinding } from '../../../helpers';

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const ADVICE =
  'Nothing was evaluated or remediated for it. Find what the call created or changed (its time and caller are below) and run `vpc-guardrail audit --region <region>` on it, or review it by hand.';

const event: ParsedEvent = {
  eventId: 'ev-1',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'us-east-1',
  actor: { arn: ALICE, type: 'IAMUser', sourceIp: '198.51.100.7' },
  requestParameters: {},
  responseElements: {},
  envelope: true,
};

const sgScope = (...ids: string[]): EventScope => ({
  ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
  securityGroupIds: ids,
});

function digest(extra: Partial<NoticeInput> = {}): NoticeInput {
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    calls: [{ event, scope: sgScope('sg-0aaa') }],
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

const facts = (input: NoticeInput) => eventChatFacts(input, buildNotice(input));

const tagCall = (
  exemption: NonNullable<EventScope['exemption']>,
  actor: ParsedEvent['actor'] = { arn: ALICE, type: 'IAMUser' },
) => ({
  event: { ...event, eventName: exemption.change === 'set' ? 'CreateTags' : 'DeleteTags', actor },
  scope: { ...emptyScope(exemption.change === 'set' ? 'CreateTags' : 'DeleteTags', 'exemption'), exemption },
});

const world = (id: string, port: number, severity: 'critical' | 'high' = 'critical') =>
  makeFinding({
    ruleId: severity === 'critical' ? 'sg-open-admin-port' : 'sg-open-high-risk-port',
    resourceId: id,
    severity,
    title: `${id} finding title`,
    evidence: { ports: [`${port}/tcp`] },
  });

const revokeOf = (groupId: string, ruleId: string, findingId: string, port: number): PlannedAction => ({
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: groupId, SecurityGroupRuleIds: [ruleId] },
  findingIds: [findingId],
  revoked: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
});

describe('the chat notes of exemption changes', () => {
  it('names the tag, its value, the resources and the caller of a tag set; a resource still tagged is no news there', () => {
    const input = digest({
      calls: [
        tagCall({ change: 'set', key: 'vpc-guardrail:exempt', value: 'ticket-42', resourceIds: ['sg-0aaa'] }),
      ],
      stillTagged: [{ resourceId: 'sg-0aaa', value: 'ticket-42' }],
    });
    expect(facts(input).notes).toEqual([
      `Exemption tag vpc-guardrail:exempt = ticket-42 set on sg-0aaa by ${ALICE}.`,
    ]);
  });

  it('says which resources of a removal still carry the tag, and only those the call named', () => {
    const input = digest({
      calls: [
        tagCall({
          change: 'removed',
          key: 'vpc-guardrail:exempt',
          value: 'old',
          resourceIds: ['sg-0aaa', 'sg-0bbb'],
        }),
      ],
      stillTagged: [
        { resourceId: 'sg-0bbb', value: 'ticket-42' },
        { resourceId: 'sg-0ccc', value: 'ticket-42' },
      ],
    });
    expect(facts(input).notes).toEqual([
      `Exemption tag vpc-guardrail:exempt = old removed from sg-0aaa, sg-0bbb by ${ALICE}. Still tagged, exemption unchanged: sg-0bbb.`,
    ]);
  });

  it('says a DeleteTags naming no tag removed every tag, without claiming an exemption was set; an unknown caller is said', () => {
    const input = digest({
      calls: [
        tagCall(
          { change: 'removed', key: 'vpc-guardrail:exempt', resourceIds: ['sg-0aaa'], everyTag: true },
          { type: 'AWSService' },
        ),
      ],
    });
    expect(facts(input).notes).toEqual([
      'Every tag (vpc-guardrail:exempt included, if it was set) removed from sg-0aaa by (unknown principal).',
    ]);
  });

  it('names the first ten resources of a call on twelve, and the first ten still tagged', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `sg-${String(i).padStart(4, '0')}`);
    const input = digest({
      calls: [tagCall({ change: 'removed', key: 'vpc-guardrail:exempt', resourceIds: ids })],
      stillTagged: ids.map((resourceId) => ({ resourceId, value: 'x' })),
    });
    const ten = ids.slice(0, 10).join(', ');
    expect(facts(input).notes).toEqual([
      `Exemption tag vpc-guardrail:exempt removed from ${ten}, … by ${ALICE}. Still tagged, exemption unchanged: ${ten}.`,
    ]);
  });
});

describe('the chat notes of a redelivery and of what was not evaluated or not remediated', () => {
  it('tells each rule already removed, a prefix-list one not verified, with or without a rule id', () => {
    const input = digest({
      redelivery: true,
      alreadyRemoved: [
        {
          groupId: 'sg-0aaa',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          prefixListId: 'pl-0world',
          unverified: true,
        },
        {
          groupId: 'sg-0bbb',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
        {
          ruleId: 'sgr-0ccc',
          groupId: 'sg-0ccc',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    expect(facts(input).notes).toEqual([
      'Rule (no id in the record) on sg-0aaa from prefix list pl-0world is gone; the list could not be read, so whether it was world-open is not verified.',
      'World-open rule (no id in the record) on sg-0bbb is already removed.',
      'World-open rule sgr-0ccc on sg-0ccc is already removed.',
    ]);
  });

  it('tells the first twenty rules already removed of twenty-one', () => {
    const rules = Array.from({ length: 21 }, (_, i) => ({
      ruleId: `sgr-${i}`,
      groupId: 'sg-0aaa',
      egress: false,
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    }));
    const notes = facts(digest({ redelivery: true, alreadyRemoved: rules })).notes;
    expect(notes).toHaveLength(20);
    expect(notes[19]).toBe('World-open rule sgr-19 on sg-0aaa is already removed.');
  });

  it('tells a NACL entry removed (outbound) and one blocked by an entry before it (inbound)', () => {
    const entry = { networkAclId: 'acl-0aaa', ruleAction: 'allow', protocol: '6', cidrBlock: '0.0.0.0/0' };
    const input = digest({
      redelivery: true,
      removedEntries: [
        { ...entry, ruleNumber: 100, egress: false, fromPort: 22, toPort: 22, blocked: true },
        { ...entry, ruleNumber: 110, egress: true, fromPort: 22, toPort: 22 },
      ],
    });
    expect(facts(input).notes).toEqual([
      'World-open entry 100 (inbound) of acl-0aaa is already blocked by an entry before it.',
      'World-open entry 110 (outbound) of acl-0aaa is already removed.',
    ]);
  });

  it('tells a finding closed before the retry, and the calls left unevaluated (the first twenty)', () => {
    const closed = world('sg-0aaa', 22);
    const unevaluated = Array.from(
      { length: 21 },
      (_, i) => `RunInstances ${i}: no instance id in the response`,
    );
    const notes = facts(digest({ redelivery: true, goneFindings: [closed], unevaluated })).notes;
    expect(notes).toHaveLength(21);
    expect(notes[0]).toBe(`Could not evaluate RunInstances 0: no instance id in the response. ${ADVICE}`);
    expect(notes[19]).toBe(`Could not evaluate RunInstances 19: no instance id in the response. ${ADVICE}`);
    expect(notes[20]).toBe(
      'Closed before this retry (by an earlier attempt or someone else): sg-0aaa world-open on 22/tcp.',
    );
  });

  it('tells what to tag instead of a resource the exemption tag does nothing on', () => {
    const input = digest({
      untaggable: [
        { resourceId: 'sgr-0aaa', instead: [] },
        { resourceId: 'i-0aaa', instead: ['eni-0aaa', 'sg-0aaa'] },
        { resourceId: 'vpc-0aaa', instead: [] },
      ],
    });
    expect(facts(input).notes).toEqual([
      'The exemption tag on sgr-0aaa has no effect; tag its security group (a rule has no exemption of its own) instead.',
      'The exemption tag on i-0aaa has no effect; tag eni-0aaa, sg-0aaa instead.',
      'The exemption tag on vpc-0aaa has no effect; tag its interfaces or groups instead.',
    ]);
  });

  it('tells a finding not remediated and why, but not one left alone because it is exempted', () => {
    const input = digest({
      skipped: [
        { findingId: 'f1', ruleId: 'sg-open-admin-port', resourceId: 'sg-0aaa', reason: 'suppressed by tag' },
        {
          findingId: 'f2',
          ruleId: 'nacl-open-admin-port',
          resourceId: 'acl-0aaa',
          reason: 'the NACL has no free rule number below the entry',
        },
      ],
    });
    expect(facts(input).notes).toEqual([
      'Not remediated: nacl-open-admin-port on acl-0aaa: the NACL has no free rule number below the entry.',
    ]);
  });
});

describe('the chat facts of findings, actions and resources', () => {
  it('lists who called, the findings open and fixed, each action with its status and error, and undoes only what was done', () => {
    const a = world('sg-0aaa', 22);
    const b = world('sg-0bbb', 3389);
    const c = world('sg-0ccc', 5432, 'high');
    const fixA = revokeOf('sg-0aaa', 'sgr-a', a.id, 22);
    const fixB = revokeOf('sg-0bbb', 'sgr-b', b.id, 3389);
    const fixC = revokeOf('sg-0ccc', 'sgr-c', c.id, 5432);
    const input = digest({
      calls: [{ event, scope: sgScope('sg-0aaa', 'sg-0bbb', 'sg-0ccc') }],
      findings: [a, b, c],
      open: [c],
      fixed: [
        { finding: a, by: [fixA] },
        { finding: b, by: [fixB] },
      ],
      results: [
        { action: fixA, status: 'done' },
        { action: fixB, status: 'already-done', error: 'InvalidPermission.NotFound' },
        { action: fixC, status: 'failed', error: 'UnauthorizedOperation: denied' },
      ],
    });
    const f = facts(input);
    expect(f.severity).toBe('critical');
    expect(f.outcome).toBe('partially-remediated');
    expect(f.accountId).toBe('111122223333');
    expect(f.region).toBe('us-east-1');
    expect(f.who).toEqual([
      {
        principal: ALICE,
        sourceIp: '198.51.100.7',
        time: '2025-06-15T10:51:12Z',
        call: 'AuthorizeSecurityGroupIngress',
      },
    ]);
    expect(f.findings).toEqual([
      {
        severity: 'high',
        resourceId: 'sg-0ccc',
        headline: 'sg-0ccc world-open on 5432/tcp',
        ruleId: 'sg-open-high-risk-port',
      },
    ]);
    expect(f.fixed).toEqual([
      {
        severity: 'critical',
        resourceId: 'sg-0aaa',
        headline: 'sg-0aaa world-open on 22/tcp',
        ruleId: 'sg-open-admin-port',
      },
      {
        severity: 'critical',
        resourceId: 'sg-0bbb',
        headline: 'sg-0bbb world-open on 3389/tcp',
        ruleId: 'sg-open-admin-port',
      },
    ]);
    expect(f.actions).toEqual([
      { status: 'done', text: 'RevokeSecurityGroupIngress sg-0aaa rules sgr-a (tcp 22 from 0.0.0.0/0)' },
      {
        status: 'already-done',
        text: 'RevokeSecurityGroupIngress sg-0bbb rules sgr-b (tcp 3389 from 0.0.0.0/0) — InvalidPermission.NotFound',
      },
      {
        status: 'failed',
        text: 'RevokeSecurityGroupIngress sg-0ccc rules sgr-c (tcp 5432 from 0.0.0.0/0) — UnauthorizedOperation: denied',
      },
    ]);
    expect(f.undo).toEqual([
      `aws ec2 authorize-security-group-ingress --group-id sg-0aaa --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
    ]);
    // The open finding's resource first, then the fixed ones', each once.
    expect(f.resources).toEqual(['sg-0ccc', 'sg-0aaa', 'sg-0bbb']);
  });

  it('names a call without a source address or time by its caller and call only', () => {
    const bare = { ...event, eventTime: '', actor: { arn: ALICE, type: 'IAMUser' } };
    expect(facts(digest({ calls: [{ event: bare, scope: sgScope('sg-0aaa') }] })).who).toEqual([
      { principal: ALICE, call: 'AuthorizeSecurityGroupIngress' },
    ]);
  });

  it('says "would call" for each action of a dry run, and undoes none', () => {
    const a = world('sg-0aaa', 22);
    const fix = revokeOf('sg-0aaa', 'sgr-a', a.id, 22);
    const f = facts(
      digest({
        mode: 'dry-run',
        dryRun: true,
        findings: [a],
        open: [a],
        results: [{ action: fix, status: 'done' }],
      }),
    );
    expect(f.actions).toEqual([
      {
        status: 'would call',
        text: 'RevokeSecurityGroupIngress sg-0aaa rules sgr-a (tcp 22 from 0.0.0.0/0)',
      },
    ]);
  });

  it('lists forty open findings and twenty fixed, in headline order', () => {
    const open = Array.from({ length: 45 }, (_, i) => world(`sg-${String(i).padStart(4, '0')}`, 22));
    const fixed = Array.from({ length: 25 }, (_, i) => world(`sg-f${String(i).padStart(3, '0')}`, 22));
    const f = facts(
      digest({
        findings: [...open, ...fixed],
        open,
        fixed: fixed.map((finding) => ({ finding, by: [] })),
      }),
    );
    expect(f.findings.map((x) => x.resourceId)).toEqual(open.slice(0, 40).map((x) => x.resourceId));
    expect(f.fixed?.map((x) => x.resourceId)).toEqual(fixed.slice(0, 20).map((x) => x.resourceId));
  });

  it('gives the exemption commands of the first three resources only, without the heading or the note', () => {
    const open = ['sg-0aaa', 'sg-0bbb', 'sg-0ccc', 'sg-0ddd'].map((id) => world(id, 22));
    expect(facts(digest({ findings: open, open })).exempt).toEqual(
      ['sg-0aaa', 'sg-0bbb', 'sg-0ccc'].map(
        (id) =>
          `aws ec2 create-tags --resources ${id} --tags Key=vpc-guardrail:exempt,Value=sg-open-admin-port@YYYY-MM-DD`,
      ),
    );
  });

  it('names every resource the calls named, once each, exemption targets first, when there is no finding', () => {
    const every: EventScope = {
      ...emptyScope('CreateTags', 'exemption'),
      exemption: { change: 'set', key: 'vpc-guardrail:exempt', resourceIds: ['i-0tagged'] },
      securityGroupIds: ['sg-0a'],
      networkInterfaceIds: ['eni-0a'],
      instanceIds: ['i-0a'],
      networkAclIds: ['acl-0a'],
      routeTableIds: ['rtb-0a'],
      subnetIds: ['subnet-0a'],
      internetGatewayIds: ['igw-0a'],
      natGatewayIds: ['nat-0a'],
      vpcEndpointIds: ['vpce-0a'],
      prefixListIds: ['pl-0a'],
      newVpcIds: ['vpc-0a'],
    };
    const input = digest({
      calls: [
        { event, scope: every },
        { event: { ...event, eventId: 'ev-2' }, scope: sgScope('sg-0a') },
      ],
    });
    expect(facts(input).resources).toEqual([
      'i-0tagged',
      'sg-0a',
      'eni-0a',
      'i-0a',
      'acl-0a',
      'rtb-0a',
      'subnet-0a',
      'igw-0a',
      'nat-0a',
      'vpce-0a',
      'pl-0a',
      'vpc-0a',
    ]);
  });

  it('names the resources of the findings, each once, not those of the calls, when there are findings', () => {
    const a = world('sg-0aaa', 22);
    const b = world('sg-0aaa', 5432, 'high');
    const c = world('sg-0bbb', 3389);
    const input = digest({
      calls: [{ event, scope: sgScope('sg-0zzz') }],
      findings: [a, b, c],
      open: [a, b],
      fixed: [{ finding: c, by: [] }],
    });
    expect(facts(input).resources).toEqual(['sg-0aaa', 'sg-0bbb']);
  });

  it('carries the event id of a single call, and none for a digest of two', () => {
    const one = digest();
    expect(withChat(buildNotice(one), one).chat?.id).toBe('ev-1');
    const two = digest({
      calls: [
        { event, scope: sgScope('sg-0aaa') },
        { event: { ...event, eventId: 'ev-2' }, scope: sgScope('sg-0bbb') },
      ],
    });
    expect(withChat(buildNotice(two), two).chat).not.toHaveProperty('id');
  });
});

describe('what a chat message leaves out is counted, not dropped (README "Chat": "the rest counted")', () => {
  const descriptionOf = (input: NoticeInput) =>
    withChat(buildNotice(input), input).chat?.content.description ?? '';
  const moreLine = /^• … (\d+) more \(see the e-mail notice or the function log\)$/;
  /** The lines of a section, from its heading to the next heading. */
  function section(description: string, heading: string): string[] {
    const all = description.split('\n');
    const start = all.indexOf(heading);
    if (start < 0) return [];
    const end = all.findIndex((l, i) => i > start && l.startsWith('*'));
    return all.slice(start + 1, end < 0 ? undefined : end);
  }
  /** Shown plus counted: what the section accounts for. */
  const accounted = (lines: string[]) =>
    lines.filter((l) => !moreLine.test(l)).length + Number(moreLine.exec(lines.at(-1) ?? '')?.[1] ?? 0);

  it('gives the number of open findings, all of them, and counts those not shown', () => {
    const open = Array.from({ length: 45 }, (_, i) => world(`sg-${String(i).padStart(4, '0')}`, 22));
    const description = descriptionOf(digest({ mode: 'notify', findings: open, open }));
    expect(description).toContain('*Findings (45):*');
    expect(accounted(section(description, '*Findings (45):*'))).toBe(45);
  });

  it('gives the number of findings fixed, all of them', () => {
    const fixed = Array.from({ length: 25 }, (_, i) => world(`sg-${String(i).padStart(4, '0')}`, 22));
    const description = descriptionOf(
      digest({ findings: fixed, fixed: fixed.map((finding) => ({ finding, by: [] })) }),
    );
    expect(description).toContain('*Fixed (25):*');
    expect(accounted(section(description, '*Fixed (25):*'))).toBe(25);
  });

  it('counts every call made, and every undo command, beyond the twenty listed', () => {
    const done = Array.from({ length: 25 }, (_, i) => ({
      action: revokeOf(`sg-${i}`, `sgr-${i}`, `f${i}`, 22),
      status: 'done' as const,
    }));
    const description = descriptionOf(digest({ results: done }));
    expect(accounted(section(description, '*What was done:*'))).toBe(25);
    expect(accounted(section(description, '*How to undo:*'))).toBe(25);
  });

  it('counts every note beyond the twenty of a kind listed', () => {
    const rules = Array.from({ length: 25 }, (_, i) => ({
      ruleId: `sgr-${i}`,
      groupId: 'sg-0aaa',
      egress: false,
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    }));
    const description = descriptionOf(digest({ redelivery: true, alreadyRemoved: rules }));
    expect(accounted(section(description, '*Notes:*'))).toBe(25);
  });
});

describe('the chat message of an audit counts every finding', () => {
  it('gives the number of findings, all of them, and counts those not shown', async () => {
    const { auditNotice } = await import('../../../../shared/audit/audit-notice');
    const { summarize } = await import('../../../../shared/engine');
    const findings = Array.from({ length: 60 }, (_, i) => world(`sg-${String(i).padStart(4, '0')}`, 22));
    const notice = auditNotice({
      findings,
      summary: summarize(findings),
      failures: [],
      accountId: '111122223333',
      regions: ['us-east-1'],
    });
    const lines = notice.chat?.content.description.split('\n') ?? [];
    expect(lines).toContain('*Findings (60):*');
    const shown = lines.filter((l) => l.startsWith('• CRITICAL ')).length;
    expect(lines).toContain(`• … ${60 - shown} more (see the e-mail notice or the function log)`);
  });
});
