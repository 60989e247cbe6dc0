import type { Summary } from '../engine';
import { type Finding, type IpPermissionInput, SEVERITIES } from '../findings';
import { sanitize } from '../notify/sanitize';

const WIDTH = 80;

/** Wraps text to `width` columns with a hanging indent. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = indent;
  // Names, tags and descriptions come from whoever created the resource: an escape sequence or a
  // carriage return in them must not reach the terminal (the notices' sanitizer, uncut: a report
  // hides nothing).
  const room = Math.max(1, width - indent.length);
  const words = sanitize(text, Number.POSITIVE_INFINITY).split(' ').filter(Boolean);
  // A word wider than a line (a 3,000-character group name) is cut into line-wide pieces, so no
  // line of the table runs past `width` columns; nothing of it is dropped.
  for (const word of words.flatMap((w) => (w.length > room ? pieces(w, room) : [w]))) {
    const candidate = line.trim() === '' ? `${indent}${word}` : `${line} ${word}`;
    if (candidate.length > width && line.trim() !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = candidate;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

/** `word` in pieces of at most `size` code points (a surrogate pair is never split). */
function pieces(word: string, size: number): string[] {
  const chars = Array.from(word);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function describePermission(p: IpPermissionInput): string {
  const protocol = p.IpProtocol === '-1' ? 'all traffic' : p.IpProtocol;
  const ports =
    p.FromPort === undefined || p.FromPort < 0
      ? ''
      : p.FromPort === p.ToPort
        ? ` ${p.FromPort}`
        : ` ${p.FromPort}-${p.ToPort}`;
  const sources = [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId),
    ...(p.UserIdGroupPairs ?? []).map((r) => r.GroupId ?? 'a group'),
  ];
  return `${protocol}${ports}${sources.length > 0 ? ` ${sources.join(', ')}` : ''}`;
}

function describeFix(finding: Finding): string | undefined {
  const plan = finding.remediation;
  if (!plan) return undefined;
  switch (plan.action) {
    case 'revoke-security-group-rules': {
      const targets = plan.rules.map(
        (r) => r.securityGroupRuleId ?? `${r.direction} rule (${describePermission(r.ipPermission)})`,
      );
      return `fix: revoke ${targets.join(', ')}`;
    }
    case 'fix-network-acl-entries': {
      const parts = [
        ...plan.replaceEntries.map(
          (e) => `narrow entry ${e.RuleNumber} to ${e.CidrBlock ?? e.Ipv6CidrBlock}`,
        ),
        ...plan.deleteEntries.map((e) => `delete entry ${e.RuleNumber}`),
        ...plan.createEntries.map((e) => {
          const protocol = e.Protocol === '6' ? 'tcp' : e.Protocol === '17' ? 'udp' : e.Protocol;
          const range = e.PortRange;
          const ports = !range
            ? 'all'
            : range.From === range.To
              ? `${range.From}`
              : `${range.From}-${range.To}`;
          return `${e.RuleAction} ${ports}/${protocol} from ${e.CidrBlock ?? e.Ipv6CidrBlock} as entry ${e.RuleNumber}`;
        }),
      ];
      return `fix: ${parts.join('; ')}`;
    }
    case 'disable-subnet-auto-assign-public-ip':
      return 'fix: turn off MapPublicIpOnLaunch';
  }
}

/** Evidence values are JSON data: read them defensively, a report must not crash on a new shape. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(portText).filter((v): v is string => v !== undefined) : [];
}

/** `"22/tcp"` as written, or a structured `{ protocol, from, to }` as the same text. */
function portText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || typeof value.from !== 'number' || typeof value.to !== 'number') return undefined;
  const range = value.from === value.to ? `${value.from}` : `${value.from}-${value.to}`;
  return typeof value.protocol === 'string' ? `${range}/${value.protocol}` : range;
}

const FAMILY_NAMES: Record<string, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };
const MAX_SOURCES = 10;

/**
 * The ports a security-group finding leaves world-open after its fix (evidence `notRemediable`),
 * and the rules that keep them open: the contributing rules the fix does not revoke.
 */
function notRemediableLine(finding: Finding): string | undefined {
  const stuck = finding.evidence.notRemediable;
  if (!isRecord(stuck)) return undefined;
  const plan = finding.remediation;
  const revoked = new Set<string>();
  if (plan?.action === 'revoke-security-group-rules') {
    for (const target of plan.rules) {
      if (target.securityGroupRuleId) revoked.add(target.securityGroupRuleId);
      for (const r of target.ipPermission.IpRanges ?? []) revoked.add(r.CidrIp);
      for (const r of target.ipPermission.Ipv6Ranges ?? []) revoked.add(r.CidrIpv6);
    }
  }
  const rules = Array.isArray(finding.evidence.rules) ? finding.evidence.rules.filter(isRecord) : [];
  const parts = Object.entries(stuck).flatMap(([family, ports]) => {
    const list = strings(ports);
    if (list.length === 0) return [];
    const kept = rules
      .filter((rule) => !(typeof rule.ruleId === 'string' && revoked.has(rule.ruleId)))
      .filter((rule) => typeof rule.source === 'string' && !revoked.has(rule.source))
      // An IPv4 block cannot keep an IPv6 port open, nor the reverse; prefix lists and groups can.
      .filter((rule) => {
        const source = String(rule.source);
        return family === 'ipv4' ? !/^[0-9a-f]*:/i.test(source) : !/^\d+\.\d+\.\d+\.\d+\//.test(source);
      })
      .map((rule) => `${String(rule.protocol)} ${portText(rule.ports) ?? 'all'} from ${String(rule.source)}`);
    const shown = kept.slice(0, MAX_SOURCES).join(', ');
    const more = kept.length > MAX_SOURCES ? ` and ${kept.length - MAX_SOURCES} more` : '';
    const through = kept.length > 0 ? ` through ${shown}${more}` : '';
    return [`${list.join(', ')} (${FAMILY_NAMES[family] ?? family})${through}`];
  });
  if (parts.length === 0) return undefined;
  return `not fixable automatically, stays world-open: ${parts.join('; ')}; narrow these sources by hand`;
}

/** An exemption tag whose parts could not be read (they exempt nothing), or that has expired. */
function exemptionLines(finding: Finding): string[] {
  const lines: string[] = [];
  const unreadable = strings(finding.evidence.exemptionTagUnreadable);
  if (unreadable.length > 0) {
    lines.push(
      `exemption tag unreadable, ignored: ${unreadable.map((part) => JSON.stringify(part)).join(', ')} ` +
        '(expected "*" or rule ids, each optionally @YYYY-MM-DD)',
    );
  }
  const expired = finding.evidence.exemptionExpired;
  if (typeof expired === 'string') lines.push(`exemption expired on ${expired}`);
  return lines;
}

/**
 * What a finding's head names besides its resource: nothing more (`one`: the report covers one
 * account-region), its region (one account, several regions) or its account and region (several
 * accounts). Resource ids are unique per account-region only, and the on-call reader of a report
 * over several must know where to look.
 */
export type TableLocation = 'one' | 'region' | 'account-region';

/** Options of `formatTable`. */
export interface TableOptions {
  /** Default `one`. */
  location?: TableLocation;
  /** The one account-region the report covers, as far as it is known: named under the counts. */
  scope?: { accountId?: string; region?: string };
}

/** `account 111122223333, region eu-west-1` (what is known of it), or nothing. */
function scopeLine(scope: TableOptions['scope']): string | undefined {
  const parts = [
    ...(scope?.accountId ? [`account ${scope.accountId}`] : []),
    ...(scope?.region ? [`region ${scope.region}`] : []),
  ];
  return parts.length > 0 ? sanitize(parts.join(', '), 200) : undefined;
}

/**
 * `text` wrapped to `width` columns, its first line indented by `first` and the others by the
 * deeper `rest`, so a wrapped entry never reads as the next one.
 */
export function wrapHanging(text: string, first: string, rest: string, width = WIDTH): string[] {
  const [head = '', ...tail] = wrap(text, rest, width);
  return [`${first}${head.slice(rest.length)}`, ...tail];
}

/** Where a finding is, when the report covers more than one account-region. */
function locationLine(finding: Finding, location: TableLocation): string | undefined {
  const region = finding.region ?? '(region not known)';
  if (location === 'region') return `region ${region}`;
  if (location === 'account-region') {
    return `account ${finding.accountId ?? '(not known)'}, region ${region}`;
  }
  return undefined;
}

function findingLines(finding: Finding, location: TableLocation): string[] {
  const where = finding.vpcId ? `${finding.resourceId} (${finding.vpcId})` : finding.resourceId;
  const lines = wrapHanging(`${finding.ruleId} ${where}`, '  ', '    ');
  const place = locationLine(finding, location);
  if (place) lines.push(...wrap(place, '    '));
  lines.push(...wrap(finding.title, '    '));
  lines.push(...wrap(finding.detail, '    '));
  const meta = [finding.controls.length > 0 ? `controls: ${finding.controls.join(', ')}` : undefined];
  if (finding.exposure) meta.push(`used by ${finding.exposure} internet-exposed interface(s)`);
  // A suppressed finding is never remediated: neither its fix nor what the fix would leave is news.
  if (!finding.suppressed) meta.push(describeFix(finding), notRemediableLine(finding));
  meta.push(...exemptionLines(finding));
  if (finding.suppressed) meta.push(`suppressed by ${finding.suppressed.by}: ${finding.suppressed.reason}`);
  for (const m of meta) if (m) lines.push(...wrap(m, '    '));
  return lines;
}

/** A plain-text report grouped by severity that reads well in 80 columns. */
export function formatTable(
  findings: readonly Finding[],
  summary: Summary,
  options: TableOptions = {},
): string {
  const location = options.location ?? 'one';
  const out: string[] = [];
  const counts = SEVERITIES.filter((s) => summary.bySeverity[s] > 0).map(
    (s) => `${summary.bySeverity[s]} ${s}`,
  );
  const noun = summary.total === 1 ? 'finding' : 'findings';
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
  out.push(`VPC Guardrail: ${summary.total === 0 ? 'no' : summary.total} ${noun}${suppressed}`);
  if (counts.length > 0) out.push(counts.join(', '));
  const scope = scopeLine(options.scope);
  if (scope) out.push(scope);
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => !f.suppressed && f.severity === severity);
    if (group.length === 0) continue;
    out.push('', `${severity.toUpperCase()} (${group.length})`);
    for (const finding of group) out.push(...findingLines(finding, location));
  }
  const exempted = findings.filter((f) => f.suppressed);
  if (exempted.length > 0) {
    out.push('', `SUPPRESSED (${exempted.length})`);
    for (const finding of exempted) out.push(...findingLines(finding, location));
  }
  const footer = notJudgedLine(summary);
  if (footer) out.push('', footer);
  return `${out.join('\n')}\n`;
}

const NOT_JUDGED_SHOWN = 5;

/** The footer naming what could not be judged (DESIGN §3): never left out in silence. */
function notJudgedLine(summary: Summary): string | undefined {
  const { notJudged } = summary;
  if (notJudged.length === 0) return undefined;
  const shown = notJudged
    .slice(0, NOT_JUDGED_SHOWN)
    .map((n) => `${sanitize(n.resourceId, 64)} (${sanitize(n.reason, 200)})`);
  const more =
    notJudged.length > NOT_JUDGED_SHOWN
      ? `; … and ${notJudged.length - NOT_JUDGED_SHOWN} more (--format json lists all)`
      : '';
  return `Not judged (${notJudged.length}): ${shown.join('; ')}${more}`;
}
