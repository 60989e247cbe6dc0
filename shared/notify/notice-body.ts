import type { ParsedEvent } from '../events/types';
import { memberAccountCheck } from '../org/advice';
import { cap, describeAction, STATUS_LABEL, shellWord, undoCommand } from './action-text';
import { exemptionLines } from './exemption-lines';
import { callLines, resourceLines } from './notice-resources';
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
export function cutToSize(message: string, maxBytes = MAX_MESSAGE_BYTES): string {
  const note = '\n… truncated: the message exceeded the SNS size limit; see the function log.\n';
  const budget = maxBytes - utf8Length(note);
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
  // The lists a prefix-list call changed: what its groups and tables are in scope for.
  add(
    'prefix lists changed',
    all((s) => s.prefixListIds),
  );
  add(
    'VPCs created',
    all((s) => s.newVpcIds),
  );
  add('interfaces', r?.networkInterfaces ?? all((s) => s.networkInterfaceIds));
  if (!r)
    add(
      'instances',
      all((s) => s.instanceIds),
    );
  if (r && r.missing.length > 0) add('not found', r.missing);
  return parts.length > 0 ? parts.join('; ') : '(no resource found)';
}

/** What to do about a call whose record does not name what it created. */
const UNEVALUATED_ADVICE =
  'Nothing was evaluated or remediated for it. Find what the call created or changed (its time and caller are below) and run `vpc-guardrail audit --region <region>` on it, or review it by hand.';

function couldNotEvaluateLines(input: NoticeInput): string[] {
  if (input.couldNotEvaluate === undefined) {
    const unevaluated = input.unevaluated ?? [];
    if (unevaluated.length === 0) return [];
    return [
      'COULD NOT EVALUATE (some calls)',
      ...cap(unevaluated, 20).map((u) => `  ${sanitize(u, 400)}`),
      `  ${UNEVALUATED_ADVICE}`,
      '',
    ];
  }
  return [
    'COULD NOT EVALUATE',
    input.responseDropped
      ? `  What these calls created or changed is not known: ${sanitize(input.couldNotEvaluate, 1000)}`
      : `  The resources these calls touched could not be fully read: ${sanitize(input.couldNotEvaluate, 1000)}`,
    `  ${couldNotEvaluateAdvice(input)}`,
    ...callLines(input.calls.map((c) => c.event)),
    '',
  ];
}

/**
 * What a "could not evaluate" notice tells the reader to do (plain text and chat), the check first.
 * A member account whose role could not be assumed (`memberRoleDenied`) is not onboarded or does
 * not trust the central functions: the central role's Describe permissions are not the cause.
 */
export function couldNotEvaluateAdvice(
  input: Pick<
    NoticeInput,
    'memberRoleDenied' | 'responseDropped' | 'readAs' | 'accountId' | 'lastReceiveReadFault'
  >,
): string {
  if (input.responseDropped) return UNEVALUATED_ADVICE;
  if (input.lastReceiveReadFault) {
    return 'Nothing was remediated. EC2 throttled these reads (or was unavailable) past the retries, on the last receive: the events go to the dead-letter queue. Redrive them once the throttling is over (README "Redrive"), or review the change by hand.';
  }
  const check = memberAccountCheck(input) ?? 'Check the function role’s ec2:Describe* permissions';
  return `Nothing was remediated. ${check}, then review the change by hand.`;
}

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
  const entries = input.removedEntries ?? [];
  if (input.alreadyRemoved.length === 0 && entries.length === 0) return [];
  const lines = [
    `ALREADY REMOVED: world-open rules these calls added are no longer there${entries.some((e) => e.blocked) ? ' (or no longer open)' : ''}${input.alreadyRemoved.some((r) => r.unverified) ? ' (or could not be verified)' : ''}`,
  ];
  // EC2 (and CloudTrail's rule set) writes -1 for the ports of an all-traffic rule: "-1 -1--1" is
  // not a rule a person can recognize.
  const portsText = (from: number | undefined, to: number | undefined) =>
    from === undefined || from === -1
      ? 'all ports'
      : to === undefined || to === from
        ? `${from}`
        : `${from}-${to}`;
  const protocolText = (protocol: string) => (protocol === '-1' ? 'all protocols' : sanitize(protocol, 8));
  for (const rule of cap(input.alreadyRemoved, MAX_LINES_PER_SECTION)) {
    // A prefix-list source was judged by the list's entries as the slice read them; a list that
    // could not be read leaves the rule unverified, and the line says so.
    const source =
      rule.prefixListId === undefined
        ? sanitize(rule.cidrIpv4 ?? rule.cidrIpv6, 64)
        : rule.unverified
          ? `prefix list ${sanitize(rule.prefixListId, 64)} (NOT VERIFIED: the rule is gone and the list could not be read, so whether it held the whole internet is not known)`
          : `prefix list ${sanitize(rule.prefixListId, 64)} (it holds the whole internet)`;
    // A ModifySecurityGroupRules record names no direction: "from" would call the rule inbound.
    const direction = rule.directionUnknown
      ? ` with ${source} (inbound or outbound: a ModifySecurityGroupRules record names no direction)`
      : ` from ${source}`;
    lines.push(
      `  ${sanitize(rule.ruleId ?? 'rule (no id in the record)', 64)} on ${sanitize(rule.groupId, 64)}: ${protocolText(rule.ipProtocol)} ${portsText(rule.fromPort, rule.toPort)}${direction}${rule.groupGone ? ' (the group itself is gone)' : ''}`,
    );
  }
  for (const entry of cap(entries, MAX_LINES_PER_SECTION)) {
    const state = entry.blocked
      ? 'still there, but an entry before it now denies the internet on its admin ports'
      : entry.aclGone
        ? 'gone with the network ACL itself'
        : 'gone, or no longer this entry';
    lines.push(
      `  entry ${entry.ruleNumber} (${entry.egress ? 'outbound' : 'inbound'}) of ${sanitize(entry.networkAclId, 64)}: ${sanitize(entry.ruleAction, 8)} protocol ${sanitize(entry.protocol, 8)} ${portsText(entry.fromPort, entry.toPort)} from ${sanitize(
        entry.cidrBlock ?? entry.ipv6CidrBlock,
        64,
      )} (${state})`,
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

/** The plain text's "HOW TO EXEMPT" section (empty when nothing is open). */
export function exemptHowToLines(input: NoticeInput): string[] {
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
