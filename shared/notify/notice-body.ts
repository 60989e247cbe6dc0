import type { ParsedEvent } from '../events/types';
import type { Finding } from '../findings';
import type { ActionResult, PlannedAction } from '../remediation/types';
import type { ResolvedScope } from '../scope/resolve';
import { cap, describeAction, shellWord, undoCommand } from './action-text';
import { byHeadline, headline } from './notice-policy';
import { MAX_MESSAGE_BYTES, type NoticeAction, type NoticeInput } from './notice-types';
import { sanitize, utf8Length } from './sanitize';

const MAX_LINES_PER_SECTION = 200;

/** The plain-text body of a digest: a person can act on it (DESIGN §8, §14). Under the SNS limit. */
export function messageOf(input: NoticeInput, action: NoticeAction): string {
  const head = headerLines(input, action);
  const tail = [
    ...couldNotEvaluateLines(input),
    ...exemptionLines(input),
    ...alreadyRemovedLines(input),
    ...skippedLines(input),
    ...actionLines(input),
    ...exemptHowToLines(input),
    ...undoLines(input),
    '— VPC Guardrail (one message per account and region per batch of calls; the function log holds the full evaluation).',
  ];
  const fixed = `${head.join('\n')}\n${tail.join('\n')}\n`;
  const budget = MAX_MESSAGE_BYTES - utf8Length(fixed) - 512;
  const body = resourceLines(input, Math.max(0, budget));
  const message = `${[...head, ...body, ...tail].join('\n')}\n`;
  return utf8Length(message) <= MAX_MESSAGE_BYTES ? message : cutToSize(message);
}

/**
 * The last guard of the SNS size limit: the other sections are capped by lines, and very many
 * actions (an exemption removed from hundreds of groups) can still outgrow it.
 */
function cutToSize(message: string): string {
  const note = '\n… truncated: the message exceeded the SNS size limit; see the function log.\n';
  const budget = MAX_MESSAGE_BYTES - utf8Length(note);
  const kept = Buffer.from(message, 'utf8').subarray(0, budget).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD: drop it, and the partial line.
  const end = kept.lastIndexOf('\n');
  return `${end > 0 ? kept.slice(0, end) : kept.replace(/\uFFFD$/u, '')}${note}`;
}

function headerLines(input: NoticeInput, action: NoticeAction): string[] {
  const where = `account ${sanitize(input.accountId) || '(unknown)'}, region ${sanitize(input.region) || '(unknown)'}`;
  const only = input.calls.length === 1 ? input.calls[0]?.event : undefined;
  const lines: string[] = [];
  if (only) {
    const actor = only.actor;
    lines.push(
      `VPC Guardrail: ${sanitize(only.eventName, 64)} in ${where}`,
      '',
      `Who:     ${sanitize(actor.arn) || '(unknown principal)'}${actor.type ? ` (${sanitize(actor.type, 32)})` : ''}`,
    );
    if (actor.invokedBy) lines.push(`Via:     ${sanitize(actor.invokedBy, 128)}`);
    lines.push(
      `From:    ${sanitize(actor.sourceIp, 64) || '(unknown)'}${actor.userAgent ? `, ${sanitize(actor.userAgent, 160)}` : ''}`,
      `When:    ${sanitize(only.eventTime, 64) || '(unknown)'}`,
      `Call:    ${sanitize(only.eventName, 64)}${only.eventId ? ` (CloudTrail event ${sanitize(only.eventId, 64)})` : ''}`,
    );
  } else {
    const actors = [...new Set(input.calls.map((c) => sanitize(c.event.actor.arn) || '(unknown principal)'))];
    lines.push(
      `VPC Guardrail: ${input.calls.length} calls in ${where}`,
      '',
      `Who:     ${cap(actors, 5).join(', ')}${actors.length > 5 ? ` (+${actors.length - 5} more)` : ''}`,
      `When:    ${timeSpan(input.calls.map((c) => c.event))}`,
      'Calls:   listed under each resource they touched (and under OTHER CALLS)',
    );
  }
  lines.push(
    `Scope:   ${scopeSummary(input)}`,
    `Mode:    ${sanitize(input.mode, 16)}; outcome: ${action}`,
    '',
  );
  return lines;
}

function timeSpan(events: readonly ParsedEvent[]): string {
  const times = events
    .map((e) => sanitize(e.eventTime, 64))
    .filter((t) => t !== '')
    .sort();
  if (times.length === 0) return '(unknown)';
  return times[0] === times[times.length - 1]
    ? (times[0] ?? '')
    : `${times[0]} to ${times[times.length - 1]}`;
}

function scopeSummary(input: NoticeInput): string {
  const parts: string[] = [];
  const add = (label: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const shown = ids.slice(0, 10).map((id) => sanitize(id, 64));
    parts.push(`${label} ${shown.join(', ')}${ids.length > 10 ? ` (+${ids.length - 10} more)` : ''}`);
  };
  const r = input.resolved;
  const all = (pick: (s: NoticeInput['calls'][number]['scope']) => readonly string[]) => [
    ...new Set(input.calls.flatMap((c) => pick(c.scope))),
  ];
  add('security groups', r?.securityGroups ?? all((s) => s.securityGroupIds));
  if (!r)
    add(
      'groups named',
      all((s) => s.securityGroupNames),
    );
  add('network ACLs', r?.networkAcls ?? all((s) => s.networkAclIds));
  add('route tables', r?.routeTables ?? all((s) => s.routeTableIds));
  add('subnets', r?.subnets ?? all((s) => s.subnetIds));
  add('NAT gateways', r?.natGateways ?? all((s) => s.natGatewayIds));
  add('VPC endpoints', r?.vpcEndpoints ?? all((s) => s.vpcEndpointIds));
  add('interfaces', r?.networkInterfaces ?? all((s) => s.networkInterfaceIds));
  if (!r)
    add(
      'instances',
      all((s) => s.instanceIds),
    );
  if (r && r.missing.length > 0) add('not found', r.missing);
  return parts.length > 0 ? parts.join('; ') : '(no resource found)';
}

function couldNotEvaluateLines(input: NoticeInput): string[] {
  if (input.couldNotEvaluate === undefined) return [];
  return [
    'COULD NOT EVALUATE',
    `  The resources these calls touched could not be fully read: ${sanitize(input.couldNotEvaluate, 1000)}`,
    '  Nothing was remediated. Check the function role’s ec2:Describe* permissions, then review the change by hand.',
    ...callLines(input.calls.map((c) => c.event)),
    '',
  ];
}

function exemptionLines(input: NoticeInput): string[] {
  const lines: string[] = [];
  const untaggable = new Map((input.untaggable ?? []).map((u) => [u.resourceId, u.instead]));
  for (const { event, scope } of input.calls) {
    const exemption = scope.exemption;
    if (!exemption) continue;
    const who = sanitize(event.actor.arn) || '(unknown principal)';
    const judged = exemption.resourceIds.filter((id) => !untaggable.has(id));
    const verb = exemption.change === 'set' ? 'set' : 'removed';
    const value = exemption.value !== undefined ? ` = ${sanitize(exemption.value, 200)}` : '';
    lines.push(
      'EXEMPTION TAG CHANGED',
      `  ${who} ${verb} the tag ${sanitize(exemption.key, 128)}${value}`,
      `  on ${cap(
        exemption.resourceIds.map((id) => sanitize(id, 64)),
        50,
      ).join(', ')}${event.eventTime ? ` at ${sanitize(event.eventTime, 64)}` : ''}.`,
    );
    if (judged.length > 0) {
      lines.push(
        exemption.change === 'set'
          ? `  Findings of the named rules on ${cap(judged, 20).join(', ')} are now reported as suppressed and never remediated.`
          : `  Findings on ${cap(judged, 20).join(', ')} are reported (and remediated where configured) again.`,
      );
    }
    for (const id of exemption.resourceIds) {
      const instead = untaggable.get(id);
      if (instead === undefined) continue;
      lines.push(
        `  The tag on ${sanitize(id, 64)} has no effect: no rule judges this kind of resource.`,
        instead.length > 0
          ? `  To exempt its findings, tag what they are about instead: ${cap(instead, 20)
              .map((x) => sanitize(x, 64))
              .join(', ')}.`
          : '  To exempt findings, tag the security groups, network ACLs, subnets, route tables or interfaces they are about.',
      );
    }
    lines.push('');
  }
  return lines;
}

/**
 * The digest's core: per resource, its findings (fixed by which call, or still open), the actions
 * on it, and every call that touched it (who, from where, when, which call). Calls that touched no
 * listed resource follow under OTHER CALLS, so every call of the batch is named.
 */
function resourceLines(input: NoticeInput, budget: number): string[] {
  if (input.couldNotEvaluate !== undefined) return [];
  const open = byHeadline(input.open.filter((f) => !f.suppressed));
  const fixedBy = new Map(input.fixed.map((f) => [f.finding.id, f.by]));
  const fixed = byHeadline(input.fixed.map((f) => f.finding));
  const gone = byHeadline(input.goneFindings);
  const suppressed = input.open.filter((f) => f.suppressed);
  const order: string[] = [];
  const byResource = new Map<string, { finding: Finding; state: 'open' | 'fixed' | 'gone' }[]>();
  for (const [state, list] of [
    ['fixed', fixed],
    ['open', open],
    ['gone', gone],
  ] as const) {
    for (const finding of list) {
      const entries = byResource.get(finding.resourceId) ?? [];
      if (entries.length === 0) order.push(finding.resourceId);
      entries.push({ finding, state });
      byResource.set(finding.resourceId, entries);
    }
  }
  // Resources with the worst finding first.
  const rank = (id: string) => Math.min(...(byResource.get(id) ?? []).map((e) => severityIndex(e.finding)));
  order.sort((a, b) => rank(a) - rank(b));

  const blocks: string[][] = [];
  const total = open.length + fixed.length + gone.length;
  if (total === 0)
    blocks.push([input.findings.length === 0 ? 'FINDINGS: none in scope' : 'FINDINGS: none open', '']);
  else
    blocks.push([
      `FINDINGS BY RESOURCE (${order.length} resources, ${fixed.length} fixed, ${open.length} open)`,
    ]);
  const listed = new Set<number>();
  for (const id of order) {
    const entries = byResource.get(id) ?? [];
    const first = entries[0]?.finding;
    const block = [
      `  ${sanitize(id, 64)} (${first?.resourceType ?? ''} in ${sanitize(first?.vpcId, 64) || '(no VPC)'})`,
    ];
    for (const { finding, state } of entries)
      block.push(...findingBlock(finding, state, fixedBy.get(finding.id)));
    const actions = input.results.filter((r) => actionTouches(r.action, id, entries));
    for (const r of cap(actions, 20))
      block.push(`    action: ${STATUS_LABEL[r.status]}${describeAction(r.action)}`);
    const calls = callsTouching(input, id);
    for (const i of calls) listed.add(i);
    if (calls.length > 0) {
      block.push(`    calls (${calls.length}):`);
      block.push(
        ...callLines(
          calls.flatMap((i) => input.calls[i]?.event ?? []),
          '      ',
        ),
      );
    }
    blocks.push(block);
  }
  const others = input.calls.map((_, i) => i).filter((i) => !listed.has(i));
  if (others.length > 0 && input.calls.length > 1) {
    blocks.push([
      `OTHER CALLS (${others.length}; no open or fixed finding on what they touched)`,
      ...callLines(
        others.flatMap((i) => input.calls[i]?.event ?? []),
        '  ',
      ),
    ]);
  }
  if (suppressed.length > 0) {
    blocks.push([`SUPPRESSED (${suppressed.length}): reported, never remediated`]);
    for (const f of suppressed) {
      const by = f.suppressed ? `${f.suppressed.by}: ${sanitize(f.suppressed.reason, 200)}` : '';
      blocks.push([`  - [${f.severity.toUpperCase()}] ${sanitize(f.title, 300)} (${f.ruleId}; ${by})`]);
    }
  }
  const out: string[] = [];
  let used = 0;
  let shown = 0;
  for (const block of blocks) {
    const size = utf8Length(block.join('\n')) + 1;
    if (used + size > budget) {
      out.push(
        `  … truncated: ${blocks.length - shown} more entries not shown (SNS size limit); see the function log.`,
      );
      break;
    }
    out.push(...block);
    used += size;
    shown++;
  }
  out.push('');
  return out;
}

function severityIndex(f: Finding): number {
  return ['critical', 'high', 'medium', 'low', 'info'].indexOf(f.severity);
}

/** Indexes of the calls whose own resolved scope holds the resource (or that name it). */
function callsTouching(input: NoticeInput, resourceId: string): number[] {
  const out: number[] = [];
  input.calls.forEach((call, i) => {
    const resolved = input.perEvent?.[i];
    if (resolved ? holds(resolved, resourceId) : namesResource(call.scope, resourceId)) out.push(i);
  });
  return out;
}

function holds(r: ResolvedScope, id: string): boolean {
  return [
    r.securityGroups,
    r.networkAcls,
    r.subnets,
    r.routeTables,
    r.natGateways,
    r.vpcEndpoints,
    r.networkInterfaces,
  ].some((list) => list.includes(id));
}

function namesResource(s: NoticeInput['calls'][number]['scope'], id: string): boolean {
  return [
    s.securityGroupIds,
    s.networkAclIds,
    s.subnetIds,
    s.routeTableIds,
    s.natGatewayIds,
    s.vpcEndpointIds,
    s.networkInterfaceIds,
  ].some((list) => list.includes(id));
}

function actionTouches(
  action: PlannedAction,
  resourceId: string,
  entries: readonly { finding: Finding }[],
): boolean {
  if (entries.some((e) => action.findingIds.includes(e.finding.id))) return true;
  const p = action.parameters;
  return (
    ('GroupId' in p && p.GroupId === resourceId) ||
    ('NetworkAclId' in p && p.NetworkAclId === resourceId) ||
    ('SubnetId' in p && p.SubnetId === resourceId)
  );
}

/** `- 2025-06-15T10:51:12Z AuthorizeSecurityGroupIngress by arn (IAMUser) from 198.51.100.7, aws-cli (event ev-1)`. */
function callLines(events: readonly ParsedEvent[], indent = '  '): string[] {
  return cap(events, MAX_LINES_PER_SECTION).map((e) => {
    const a = e.actor;
    const who = `${sanitize(a.arn) || '(unknown principal)'}${a.type ? ` (${sanitize(a.type, 32)})` : ''}`;
    const via = a.invokedBy ? ` via ${sanitize(a.invokedBy, 128)}` : '';
    const from = `${sanitize(a.sourceIp, 64) || '(unknown)'}${a.userAgent ? `, ${sanitize(a.userAgent, 120)}` : ''}`;
    const id = e.eventId ? ` (CloudTrail event ${sanitize(e.eventId, 64)})` : '';
    return `${indent}- ${sanitize(e.eventTime, 64) || '(unknown time)'} ${sanitize(e.eventName, 64)} by ${who}${via} from ${from}${id}`;
  });
}

function findingBlock(
  f: Finding,
  state: 'open' | 'fixed' | 'gone',
  by: readonly PlannedAction[] | undefined,
): string[] {
  const controls = f.controls.length > 0 ? f.controls.map((c) => sanitize(c, 40)).join(', ') : '—';
  const exposure = f.exposure !== undefined ? `; internet-exposed interfaces using it: ${f.exposure}` : '';
  const label = state === 'fixed' ? 'FIXED' : state === 'gone' ? 'ALREADY REMOVED' : 'OPEN';
  const how =
    state === 'fixed' && by && by.length > 0
      ? [`      fixed by: ${cap(by, 5).map(describeAction).join('; ')}`]
      : state === 'gone'
        ? ['      closed before this retry (by an earlier attempt or someone else)']
        : [];
  return [
    `    - ${label} [${f.severity.toUpperCase()}] ${headline(f)}`,
    ...how,
    ...(headline(f).includes(sanitize(f.title, 100)) ? [] : [`      ${sanitize(f.title, 300)}`]),
    `      ${sanitize(f.detail, 1200)}`,
    `      rule ${f.ruleId}; controls: ${controls}${exposure}`,
    `      evidence: ${sanitize(JSON.stringify(f.evidence), 800)}`,
  ];
}

const STATUS_LABEL: Record<ActionResult['status'], string> = {
  done: 'done:          ',
  'already-done': 'already gone:  ',
  failed: 'FAILED:        ',
  'dry-run': 'would call:    ',
};

function actionLines(input: NoticeInput): string[] {
  if (input.results.length === 0) return [];
  const lines = [input.dryRun ? 'ACTIONS (dry run: planned, not called)' : 'ACTIONS'];
  for (const result of cap(input.results, MAX_LINES_PER_SECTION)) {
    const error = result.error ? ` — ${sanitize(result.error, 300)}` : '';
    lines.push(`  ${STATUS_LABEL[result.status]} ${describeAction(result.action)}${error}`);
  }
  if (input.results.length > MAX_LINES_PER_SECTION) {
    lines.push(`  … and ${input.results.length - MAX_LINES_PER_SECTION} more`);
  }
  lines.push('');
  return lines;
}

function alreadyRemovedLines(input: NoticeInput): string[] {
  if (input.alreadyRemoved.length === 0) return [];
  const lines = ['ALREADY REMOVED: world-open rules these calls added are no longer there'];
  for (const rule of cap(input.alreadyRemoved, MAX_LINES_PER_SECTION)) {
    const ports =
      rule.fromPort === undefined ? 'all ports' : `${rule.fromPort}-${rule.toPort ?? rule.fromPort}`;
    lines.push(
      `  ${sanitize(rule.ruleId, 64)} on ${sanitize(rule.groupId, 64)}: ${sanitize(rule.ipProtocol, 8)} ${ports} from ${sanitize(
        rule.cidrIpv4 ?? rule.cidrIpv6,
        64,
      )}`,
    );
  }
  lines.push('');
  return lines;
}

function skippedLines(input: NoticeInput): string[] {
  const relevant = input.skipped.filter((s) => !s.reason.startsWith('suppressed'));
  if (relevant.length === 0) return [];
  const lines = ['NOT REMEDIATED'];
  for (const s of cap(relevant, MAX_LINES_PER_SECTION)) {
    lines.push(`  ${s.ruleId} on ${sanitize(s.resourceId, 64)}: ${sanitize(s.reason, 200)}`);
  }
  lines.push('');
  return lines;
}

function exemptHowToLines(input: NoticeInput): string[] {
  // Fixed findings too: if the change was intended, the exemption is what lets it be made again.
  const active = [...input.open.filter((f) => !f.suppressed), ...input.fixed.map((f) => f.finding)];
  if (active.length === 0) return [];
  const byResource = new Map<string, Set<string>>();
  for (const f of active) {
    const rules = byResource.get(f.resourceId) ?? new Set<string>();
    rules.add(f.ruleId);
    byResource.set(f.resourceId, rules);
  }
  const key = sanitize(input.exemptionTagKey, 128);
  const lines = ['HOW TO EXEMPT (if this is intended)'];
  for (const [resourceId, rules] of cap([...byResource.entries()], 20)) {
    const value = [...rules]
      .sort()
      .map((r) => `${r}@YYYY-MM-DD`)
      .join(',');
    lines.push(
      `  aws ec2 create-tags --resources ${shellWord(resourceId)} --tags ${shellWord(`Key=${key},Value=${value}`)}`,
    );
  }
  lines.push(
    '  (the date is the last day the exemption holds; or add the resource to the allowLists of the configuration)',
    '',
  );
  return lines;
}

function undoLines(input: NoticeInput): string[] {
  const done = input.results.filter((r) => r.status === 'done');
  if (done.length === 0) return [];
  const lines = ['HOW TO UNDO (the exact inverse of each call made)'];
  for (const { action } of cap(done, MAX_LINES_PER_SECTION)) lines.push(`  ${undoCommand(action)}`);
  lines.push('');
  return lines;
}
