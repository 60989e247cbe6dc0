import type { AddedRule, EventScope, ParsedEvent } from '../events/types';
import type { Finding, IpPermissionInput, Severity } from '../findings';
import { SEVERITIES } from '../findings';
import { inverseOf } from '../remediation/inverse';
import type { ActionResult, PlannedAction, SkippedFinding } from '../remediation/types';
import type { ResolvedScope } from '../scope/resolve';
import type { ChatNotification } from './chat';
import { sanitize, truncate, utf8Length } from './sanitize';

/** SNS caps a subject at 100 characters. */
export const MAX_SUBJECT_LENGTH = 100;
/**
 * SNS caps a message (body plus attributes) at 256 KiB; the body stays well under that so the
 * subject, attributes and the truncation note always fit.
 */
export const MAX_MESSAGE_BYTES = 240 * 1024;

/** The `action` message attribute (DESIGN §8). */
export type NoticeAction = 'remediated' | 'notified' | 'partially-remediated' | 'failed' | 'dry-run';

/** An SNS message attribute, exactly as `Publish` takes it. */
export interface MessageAttribute {
  DataType: 'String' | 'String.Array';
  StringValue: string;
}

/** One SNS message: what `Publish` sends besides the topic. */
export interface Notice {
  subject: string;
  message: string;
  attributes: Record<string, MessageAttribute>;
  /** The chat form (DESIGN §16); when absent the publisher derives one from the text. */
  chat?: ChatNotification;
}

/** Everything a notice reports about one event. */
export interface NoticeInput {
  event: ParsedEvent;
  scope: EventScope;
  /** Set when the slice could not be loaded: the reason (no findings, no remediation). */
  couldNotEvaluate?: string;
  resolved?: ResolvedScope;
  /** Findings reported for the event, suppressed ones included. */
  findings: readonly Finding[];
  results: readonly ActionResult[];
  skipped: readonly SkippedFinding[];
  dryRun: boolean;
  alreadyRemoved: readonly AddedRule[];
  /** The effective global mode, printed in the notice. */
  mode: string;
  exemptionTagKey: string;
}

/**
 * Whether an event deserves a message (DESIGN §8): something active is reported in scope, an action
 * failed, the slice could not be evaluated, an exemption tag changed, or a rule it added is gone.
 */
export function shouldNotify(input: NoticeInput): boolean {
  return (
    input.couldNotEvaluate !== undefined ||
    input.scope.exemption !== undefined ||
    input.alreadyRemoved.length > 0 ||
    input.results.some((r) => r.status === 'failed') ||
    input.findings.some((f) => !f.suppressed)
  );
}

/** The `action` attribute: what happened, for subscription filter policies. */
export function noticeAction(input: NoticeInput): NoticeAction {
  if (input.couldNotEvaluate !== undefined) return 'failed';
  return outcomeOf(input.results);
}

/**
 * The `action` of a set of call outcomes; `otherFailures` counts failures that are not calls (the
 * audit's regions that could not be read).
 */
export function outcomeOf(results: readonly Pick<ActionResult, 'status'>[], otherFailures = 0): NoticeAction {
  const failed = otherFailures + results.filter((r) => r.status === 'failed').length;
  const succeeded = results.filter((r) => r.status === 'done' || r.status === 'already-done').length;
  if (failed > 0) return succeeded > 0 ? 'partially-remediated' : 'failed';
  if (results.some((r) => r.status === 'dry-run')) return 'dry-run';
  if (succeeded > 0) return 'remediated';
  return 'notified';
}

/** The most severe active finding's severity, else `info`. */
export function highestSeverity(findings: readonly Finding[]): Severity {
  let best = SEVERITIES.length - 1;
  for (const f of findings) if (!f.suppressed) best = Math.min(best, SEVERITIES.indexOf(f.severity));
  return SEVERITIES[best] ?? 'info';
}

/** Builds the one SNS message of an event: subject, plain-text body, attributes. */
export function buildNotice(input: NoticeInput): Notice {
  const action = noticeAction(input);
  const severity = highestSeverity(input.findings);
  const active = headlineOrder(input);
  const ruleIds = [...new Set(active.map((f) => f.ruleId))].sort();
  const attributes: Record<string, MessageAttribute> = {
    severity: { DataType: 'String', StringValue: severity },
    // Omitted when empty: a filter policy on rule ids should not match a notice without findings.
    ...(ruleIds.length > 0
      ? { ruleIds: { DataType: 'String.Array' as const, StringValue: JSON.stringify(ruleIds) } }
      : {}),
    action: { DataType: 'String', StringValue: action },
  };
  const accountId = sanitize(input.event.accountId, 64);
  const region = sanitize(input.event.region, 64);
  if (accountId) attributes.accountId = { DataType: 'String', StringValue: accountId };
  if (region) attributes.region = { DataType: 'String', StringValue: region };
  return {
    subject: subjectOf(input, action, severity, active),
    message: messageOf(input, action),
    attributes,
  };
}

/**
 * Active findings, the one the subject names first: most severe; at equal severity one an action
 * fixed, then one about the changed resource itself before the exposure of an interface using it.
 */
function headlineOrder(input: NoticeInput): Finding[] {
  const acted = new Set(input.results.flatMap((r) => r.action.findingIds));
  const rank = (f: Finding) =>
    SEVERITIES.indexOf(f.severity) * 4 +
    (acted.has(f.id) ? 0 : 2) +
    (f.resourceType === 'AWS::EC2::NetworkInterface' ? 1 : 0);
  return input.findings.filter((f) => !f.suppressed).sort((a, b) => rank(a) - rank(b));
}

// --- subject -----------------------------------------------------------------------------------

const OUTCOME: Record<NoticeAction, string> = {
  remediated: 'remediated',
  'partially-remediated': 'partially remediated',
  failed: 'remediation failed',
  'dry-run': 'dry run',
  notified: '',
};

function subjectOf(input: NoticeInput, action: NoticeAction, severity: Severity, active: Finding[]): string {
  const eventName = sanitize(input.event.eventName, 40);
  const first = firstResource(input);
  let head: string;
  let outcome = OUTCOME[action];
  // DESIGN §8's example subject: "… world-open on 22/tcp — revoked" when the fix was a revoke.
  const revokes = input.results.filter((r) => r.status === 'done' || r.status === 'already-done');
  if (action === 'remediated' && revokes.every((r) => r.action.action.startsWith('RevokeSecurityGroup'))) {
    outcome = 'revoked';
  }
  if (input.couldNotEvaluate !== undefined) {
    head = `[FAILED] could not evaluate ${eventName}${first ? ` on ${first}` : ''}`;
    outcome = '';
  } else if (active[0]) {
    const more = active.length > 1 ? ` (+${active.length - 1} more)` : '';
    head = `[${severity.toUpperCase()}] ${headline(active[0])}${more}`;
  } else if (input.scope.exemption) {
    const { change, resourceIds } = input.scope.exemption;
    const who = shortActor(input.event);
    head = `[INFO] exemption ${change === 'set' ? 'set on' : 'removed from'} ${sanitize(resourceIds[0], 40)}${
      resourceIds.length > 1 ? ` (+${resourceIds.length - 1})` : ''
    }${who ? ` by ${who}` : ''}`;
  } else if (input.alreadyRemoved[0]) {
    head = `[INFO] world-open rule on ${sanitize(input.alreadyRemoved[0].groupId, 40)} already removed`;
  } else {
    head = `[INFO] ${eventName}${first ? ` on ${first}` : ''}`;
  }
  const suffix = outcome ? ` — ${outcome}` : '';
  return `${truncate(head, MAX_SUBJECT_LENGTH - suffix.length)}${suffix}`;
}

/** `sg-0abc world-open on 22/tcp, 3389/tcp`, else the title with the resource id in front. */
export function headline(finding: Finding): string {
  const id = sanitize(finding.resourceId, 40);
  const ports = finding.evidence.ports;
  const open = finding.ruleId.startsWith('sg-open-') || finding.ruleId.startsWith('nacl-open-');
  if (open && Array.isArray(ports) && ports.length > 0 && ports.every((p) => typeof p === 'string')) {
    const shown = ports.slice(0, 3).map((p) => sanitize(p, 16));
    return `${id} world-open on ${shown.join(', ')}${ports.length > 3 ? ', …' : ''}`;
  }
  const title = sanitize(finding.title, 100);
  return title.includes(finding.resourceId) ? title : `${id}: ${title}`;
}

function firstResource(input: NoticeInput): string | undefined {
  const s = input.scope;
  const id =
    s.securityGroupIds[0] ??
    s.securityGroupNames[0] ??
    s.networkAclIds[0] ??
    s.routeTableIds[0] ??
    s.internetGatewayIds[0] ??
    s.subnetIds[0] ??
    s.natGatewayIds[0] ??
    s.vpcEndpointIds[0] ??
    s.networkInterfaceIds[0] ??
    s.instanceIds[0];
  return id === undefined ? undefined : sanitize(id, 40);
}

/** The last part of the caller's ARN (`alice`, `Operator/ryan@example.com`). */
function shortActor(event: ParsedEvent): string {
  const arn = event.actor.arn;
  if (!arn) return '';
  const resource = arn.split(':').slice(5).join(':');
  const short = resource.replace(/^(user|role|assumed-role)\//, '');
  return sanitize(short || arn, 40);
}

// --- body --------------------------------------------------------------------------------------

const MAX_LINES_PER_SECTION = 200;

function messageOf(input: NoticeInput, action: NoticeAction): string {
  const head = headerLines(input, action);
  const tail = [
    ...couldNotEvaluateLines(input),
    ...exemptionLines(input),
    ...actionLines(input),
    ...alreadyRemovedLines(input),
    ...skippedLines(input),
    ...exemptHowToLines(input),
    ...undoLines(input),
    '— VPC Guardrail (one message per CloudTrail event; the function log holds the full evaluation).',
  ];
  const fixed = `${head.join('\n')}\n${tail.join('\n')}\n`;
  const budget = MAX_MESSAGE_BYTES - utf8Length(fixed) - 512;
  const findings = findingLines(input, Math.max(0, budget));
  const message = `${[...head, ...findings, ...tail].join('\n')}\n`;
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
  const { event } = input;
  const actor = event.actor;
  const lines = [
    `VPC Guardrail: ${sanitize(event.eventName, 64)} in account ${sanitize(event.accountId) || '(unknown)'}, region ${
      sanitize(event.region) || '(unknown)'
    }`,
    '',
    `Who:     ${sanitize(actor.arn) || '(unknown principal)'}${actor.type ? ` (${sanitize(actor.type, 32)})` : ''}`,
  ];
  if (actor.invokedBy) lines.push(`Via:     ${sanitize(actor.invokedBy, 128)}`);
  lines.push(
    `From:    ${sanitize(actor.sourceIp, 64) || '(unknown)'}${actor.userAgent ? `, ${sanitize(actor.userAgent, 160)}` : ''}`,
    `When:    ${sanitize(event.eventTime, 64) || '(unknown)'}`,
    `Call:    ${sanitize(event.eventName, 64)}${event.eventId ? ` (CloudTrail event ${sanitize(event.eventId, 64)})` : ''}`,
    `Scope:   ${scopeSummary(input)}`,
    `Mode:    ${sanitize(input.mode, 16)}; outcome: ${action}`,
    '',
  );
  return lines;
}

function scopeSummary(input: NoticeInput): string {
  const parts: string[] = [];
  const add = (label: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const shown = ids.slice(0, 10).map((id) => sanitize(id, 64));
    parts.push(`${label} ${shown.join(', ')}${ids.length > 10 ? ` (+${ids.length - 10} more)` : ''}`);
  };
  const r = input.resolved;
  const s = input.scope;
  add('security groups', r?.securityGroups ?? s.securityGroupIds);
  if (!r) add('groups named', s.securityGroupNames);
  add('network ACLs', r?.networkAcls ?? s.networkAclIds);
  add('route tables', r?.routeTables ?? s.routeTableIds);
  add('subnets', r?.subnets ?? s.subnetIds);
  add('NAT gateways', r?.natGateways ?? s.natGatewayIds);
  add('VPC endpoints', r?.vpcEndpoints ?? s.vpcEndpointIds);
  add('interfaces', r?.networkInterfaces ?? s.networkInterfaceIds);
  if (!r) add('instances', s.instanceIds);
  if (r && r.missing.length > 0) add('not found', r.missing);
  return parts.length > 0 ? parts.join('; ') : '(no resource found)';
}

function couldNotEvaluateLines(input: NoticeInput): string[] {
  if (input.couldNotEvaluate === undefined) return [];
  return [
    'COULD NOT EVALUATE',
    `  The resources this call touched could not be fully read: ${sanitize(input.couldNotEvaluate, 1000)}`,
    '  Nothing was remediated. Check the function role’s ec2:Describe* permissions, then review the change by hand.',
    '',
  ];
}

function exemptionLines(input: NoticeInput): string[] {
  const exemption = input.scope.exemption;
  if (!exemption) return [];
  const who = sanitize(input.event.actor.arn) || '(unknown principal)';
  const resources = cap(
    exemption.resourceIds.map((id) => sanitize(id, 64)),
    50,
  ).join(', ');
  const verb = exemption.change === 'set' ? 'set' : 'removed';
  const value = exemption.value !== undefined ? ` = ${sanitize(exemption.value, 200)}` : '';
  const meaning =
    exemption.change === 'set'
      ? 'Findings of the named rules on these resources are now reported as suppressed and never remediated.'
      : 'Findings on these resources are reported (and remediated where configured) again.';
  return [
    'EXEMPTION TAG CHANGED',
    `  ${who} ${verb} the tag ${sanitize(exemption.key, 128)}${value}`,
    `  on ${resources}.`,
    `  ${meaning}`,
    '',
  ];
}

function findingLines(input: NoticeInput, budget: number): string[] {
  if (input.couldNotEvaluate !== undefined) return [];
  const active = headlineOrder(input);
  const suppressed = input.findings.filter((f) => f.suppressed);
  const blocks: string[][] = [];
  if (active.length > 0) blocks.push([`FINDINGS (${active.length})`]);
  else if (input.findings.length === 0) blocks.push(['FINDINGS: none in scope', '']);
  for (const f of active) blocks.push(findingBlock(f));
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

function findingBlock(f: Finding): string[] {
  const controls = f.controls.length > 0 ? f.controls.map((c) => sanitize(c, 40)).join(', ') : '—';
  const exposure = f.exposure !== undefined ? `; internet-exposed interfaces using it: ${f.exposure}` : '';
  return [
    `  - [${f.severity.toUpperCase()}] ${headline(f)}`,
    ...(headline(f).includes(sanitize(f.title, 100)) ? [] : [`    ${sanitize(f.title, 300)}`]),
    `    ${sanitize(f.detail, 1200)}`,
    `    rule ${f.ruleId}; ${f.resourceType} ${sanitize(f.resourceId, 64)} in ${sanitize(f.vpcId, 64) || '(no VPC)'}; controls: ${controls}${exposure}`,
    `    evidence: ${sanitize(JSON.stringify(f.evidence), 800)}`,
  ];
}

function actionLines(input: NoticeInput): string[] {
  if (input.results.length === 0) return [];
  const lines = [input.dryRun ? 'ACTIONS (dry run: planned, not called)' : 'ACTIONS'];
  for (const result of cap(input.results, MAX_LINES_PER_SECTION)) {
    const status = STATUS_LABEL[result.status];
    const error = result.error ? ` — ${sanitize(result.error, 300)}` : '';
    lines.push(`  ${status} ${describeAction(result.action)}${error}`);
  }
  if (input.results.length > MAX_LINES_PER_SECTION) {
    lines.push(`  … and ${input.results.length - MAX_LINES_PER_SECTION} more`);
  }
  lines.push('');
  return lines;
}

const STATUS_LABEL: Record<ActionResult['status'], string> = {
  done: 'done:          ',
  'already-done': 'already done:  ',
  failed: 'FAILED:        ',
  'dry-run': 'would call:    ',
};

/** One line for a call: `RevokeSecurityGroupIngress sg-… rules sgr-1, sgr-2`. */
export function describeAction(action: PlannedAction): string {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const p = action.parameters;
      const what = p.SecurityGroupRuleIds
        ? `rules ${cap(p.SecurityGroupRuleIds, 50)
            .map((id) => sanitize(id, 64))
            .join(', ')}`
        : `permissions ${sanitize(JSON.stringify(p.IpPermissions), 600)}`;
      const sources = action.revoked
        ? ` (${sanitize(action.revoked.map(permissionText).join('; '), 400)})`
        : '';
      return `${action.action} ${sanitize(p.GroupId, 64)} ${what}${sources}`;
    }
    case 'CreateNetworkAclEntry':
    case 'ReplaceNetworkAclEntry': {
      const p = action.parameters;
      return `${action.action} ${sanitize(p.NetworkAclId, 64)} ${p.Egress ? 'egress' : 'ingress'} rule ${p.RuleNumber}: ${
        p.RuleAction
      } protocol ${sanitize(p.Protocol, 8)} ports ${p.PortRange ? `${p.PortRange.From}-${p.PortRange.To}` : 'all'} from ${sanitize(
        p.CidrBlock ?? p.Ipv6CidrBlock,
        64,
      )}`;
    }
    case 'DeleteNetworkAclEntry': {
      const p = action.parameters;
      return `DeleteNetworkAclEntry ${sanitize(p.NetworkAclId, 64)} ${p.Egress ? 'egress' : 'ingress'} rule ${p.RuleNumber}`;
    }
    case 'ModifySubnetAttribute':
      return `ModifySubnetAttribute ${sanitize(action.parameters.SubnetId, 64)} MapPublicIpOnLaunch=false`;
  }
}

/** `tcp 22 from 0.0.0.0/0`. */
function permissionText(p: IpPermissionInput): string {
  const ports =
    p.FromPort === undefined
      ? 'all ports'
      : p.FromPort === p.ToPort
        ? `${p.FromPort}`
        : `${p.FromPort}-${p.ToPort}`;
  const sources = [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId),
    ...(p.UserIdGroupPairs ?? []).map((r) => r.GroupId),
  ];
  return `${p.IpProtocol === '-1' ? 'all protocols' : p.IpProtocol} ${ports} from ${sources.join(', ')}`;
}

function alreadyRemovedLines(input: NoticeInput): string[] {
  if (input.alreadyRemoved.length === 0) return [];
  const lines = ['ALREADY REMOVED: world-open rules this call added are no longer there'];
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

/** The plain text's "HOW TO EXEMPT" section (empty when nothing is open). */
export function exemptHowToLines(input: NoticeInput): string[] {
  const active = input.findings.filter((f) => !f.suppressed);
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
  const lines = ['HOW TO UNDO'];
  for (const { action } of cap(done, MAX_LINES_PER_SECTION)) lines.push(`  ${undoCommand(action)}`);
  lines.push('');
  return lines;
}

/** The AWS CLI command that reverts one call. */
export function undoCommand(action: PlannedAction): string {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const verb = action.action === 'RevokeSecurityGroupIngress' ? 'ingress' : 'egress';
      const permissions = action.revoked ?? action.parameters.IpPermissions ?? [];
      return `aws ec2 authorize-security-group-${verb} --group-id ${shellWord(action.parameters.GroupId)} --ip-permissions ${shellWord(
        JSON.stringify(permissions),
      )}`;
    }
    case 'CreateNetworkAclEntry': {
      const p = action.parameters;
      return `aws ec2 delete-network-acl-entry --network-acl-id ${shellWord(p.NetworkAclId)} --rule-number ${p.RuleNumber} ${
        p.Egress ? '--egress' : '--ingress'
      }`;
    }
    case 'DeleteNetworkAclEntry':
    case 'ReplaceNetworkAclEntry': {
      // The inverse is the entry as it was: re-created after a delete, written back after a replace.
      const inverse = inverseOf(action);
      const p = action.parameters;
      if (inverse?.action !== 'CreateNetworkAclEntry' && inverse?.action !== 'ReplaceNetworkAclEntry') {
        return `(${action.action === 'DeleteNetworkAclEntry' ? 're-create' : 'restore'} ${p.Egress ? 'egress' : 'ingress'} rule ${p.RuleNumber} of ${sanitize(p.NetworkAclId, 64)} as it was)`;
      }
      const e = inverse.parameters;
      const verb = inverse.action === 'CreateNetworkAclEntry' ? 'create' : 'replace';
      const cidr = e.CidrBlock
        ? `--cidr-block ${shellWord(e.CidrBlock)}`
        : `--ipv6-cidr-block ${shellWord(e.Ipv6CidrBlock ?? '')}`;
      const ports = e.PortRange ? ` --port-range From=${e.PortRange.From},To=${e.PortRange.To}` : '';
      return `aws ec2 ${verb}-network-acl-entry --network-acl-id ${shellWord(e.NetworkAclId)} --rule-number ${e.RuleNumber} ${
        e.Egress ? '--egress' : '--ingress'
      } --protocol ${shellWord(e.Protocol)} --rule-action ${e.RuleAction} ${cidr}${ports}`;
    }
    case 'ModifySubnetAttribute':
      return `aws ec2 modify-subnet-attribute --subnet-id ${shellWord(action.parameters.SubnetId)} --map-public-ip-on-launch`;
  }
}

/** A sanitized shell word in single quotes (a quote inside is closed, escaped and reopened). */
function shellWord(value: string): string {
  const clean = sanitize(value, 4000);
  return /^[\w@%+=:,./-]+$/.test(clean) ? clean : `'${clean.replace(/'/g, `'\\''`)}'`;
}

function cap<T>(values: readonly T[], max: number): T[] {
  return values.slice(0, max);
}
