import type { ParsedEvent } from '../events/types';
import type { Finding } from '../findings';
import type { PlannedAction } from '../remediation/types';
import type { ResolvedScope } from '../scope/resolve';
import { cap, describeAction, STATUS_LABEL } from './action-text';
import { byHeadline, headline } from './notice-policy';
import type { FixedFinding, NoticeInput } from './notice-types';
import { sanitize, utf8Length } from './sanitize';

// The digest's core section (DESIGN §14): per resource, its findings, the actions on it and every
// call that touched it.

const MAX_CALL_LINES = 200;

/**
 * The digest's core: per resource, its findings (fixed by which call, or still open), the actions
 * on it, and every call that touched it (who, from where, when, which call). Calls that touched no
 * listed resource follow under OTHER CALLS, so every call of the batch is named.
 */
export function resourceLines(input: NoticeInput, budget: number): string[] {
  if (input.couldNotEvaluate !== undefined) return [];
  const open = byHeadline(input.open.filter((f) => !f.suppressed));
  const fixedBy = new Map(input.fixed.map((f) => [f.finding.id, f]));
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
      block.push(...findingBlock(finding, state, fixedBy.get(finding.id), input.registry));
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
export function callLines(events: readonly ParsedEvent[], indent = '  '): string[] {
  return cap(events, MAX_CALL_LINES).map((e) => {
    const a = e.actor;
    const who = `${sanitize(a.arn) || '(unknown principal)'}${a.type ? ` (${sanitize(a.type, 32)})` : ''}`;
    const via = a.invokedBy ? ` via ${sanitize(a.invokedBy, 128)}` : '';
    const from = `${sanitize(a.sourceIp, 64) || '(unknown)'}${a.userAgent ? `, ${sanitize(a.userAgent, 120)}` : ''}`;
    const id = e.eventId ? ` (CloudTrail event ${sanitize(e.eventId, 64)})` : '';
    return `${indent}- ${sanitize(e.eventTime, 64) || '(unknown time)'} ${sanitize(e.eventName, 64)} by ${who}${via} from ${from}${id}`;
  });
}

/**
 * The calls that close the port first (a deny, a narrowing, a deletion, a revoke), then the allows
 * a NACL fix adds for its kept sources, which keep admin access but close nothing: when the line
 * is cut, it still names what closed the finding. Stable otherwise.
 */
function closingFirst(by: readonly PlannedAction[]): PlannedAction[] {
  const keeps = (a: PlannedAction) =>
    a.action === 'CreateNetworkAclEntry' && a.parameters.RuleAction === 'allow';
  return [...by.filter((a) => !keeps(a)), ...by.filter(keeps)];
}

/** Calls named on a fixed finding's "fixed by" line; the rest are counted (ACTIONS lists them all). */
const MAX_FIXED_BY = 5;

function findingBlock(
  f: Finding,
  state: 'open' | 'fixed' | 'gone',
  fix: FixedFinding | undefined,
  registry: NoticeInput['registry'],
): string[] {
  const by = fix?.by;
  const head = headline(f, {}, registry);
  const controls = f.controls.length > 0 ? f.controls.map((c) => sanitize(c, 40)).join(', ') : '—';
  const exposure = f.exposure !== undefined ? `; internet-exposed interfaces using it: ${f.exposure}` : '';
  const label = state === 'fixed' ? 'FIXED' : state === 'gone' ? 'ALREADY REMOVED' : 'OPEN';
  const how: string[] =
    state === 'fixed' && by && by.length > 0
      ? [
          `      fixed by: ${cap(closingFirst(by), MAX_FIXED_BY).map(describeAction).join('; ')}${
            by.length > MAX_FIXED_BY ? ` (+${by.length - MAX_FIXED_BY} more calls, under ACTIONS)` : ''
          }`,
        ]
      : state === 'gone'
        ? ['      closed before this retry (by an earlier attempt or someone else)']
        : [];
  if (state === 'fixed' && fix?.accepted) {
    how.push(
      `      still reachable through an accepted path (listed under SUPPRESSED): ${headline(fix.accepted, {}, registry)}`,
    );
  }
  return [
    `    - ${label} [${f.severity.toUpperCase()}] ${head}`,
    ...how,
    ...(head.includes(sanitize(f.title, 100)) ? [] : [`      ${sanitize(f.title, 300)}`]),
    `      ${sanitize(f.detail, 1200)}`,
    `      rule ${f.ruleId}; controls: ${controls}${exposure}`,
    `      evidence: ${sanitize(JSON.stringify(f.evidence), 800)}`,
  ];
}
