import type { Summary } from '../engine';
import { type Finding, type IpPermissionInput, SEVERITIES } from '../findings';

const WIDTH = 80;

/** Wraps text to `width` columns with a hanging indent. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line.trim() === '' ? `${indent}${word}` : `${line} ${word}`;
    if (candidate.length > width && line.trim() !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = candidate;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
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

function findingLines(finding: Finding): string[] {
  const where = finding.vpcId ? `${finding.resourceId} (${finding.vpcId})` : finding.resourceId;
  const lines = wrap(`${finding.ruleId}  ${where}`, '  ');
  lines.push(...wrap(finding.title, '    '));
  lines.push(...wrap(finding.detail, '    '));
  const meta = [finding.controls.length > 0 ? `controls: ${finding.controls.join(', ')}` : undefined];
  if (finding.exposure) meta.push(`used by ${finding.exposure} internet-exposed interface(s)`);
  const fix = describeFix(finding);
  if (fix) meta.push(fix);
  if (finding.suppressed) meta.push(`suppressed by ${finding.suppressed.by}: ${finding.suppressed.reason}`);
  for (const m of meta) if (m) lines.push(...wrap(m, '    '));
  return lines;
}

/** A plain-text report grouped by severity that reads well in 80 columns. */
export function formatTable(findings: readonly Finding[], summary: Summary): string {
  const out: string[] = [];
  const counts = SEVERITIES.filter((s) => summary.bySeverity[s] > 0).map(
    (s) => `${summary.bySeverity[s]} ${s}`,
  );
  const noun = summary.total === 1 ? 'finding' : 'findings';
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
  out.push(`VPC Guardrail: ${summary.total === 0 ? 'no' : summary.total} ${noun}${suppressed}`);
  if (counts.length > 0) out.push(counts.join(', '));
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => !f.suppressed && f.severity === severity);
    if (group.length === 0) continue;
    out.push('', `${severity.toUpperCase()} (${group.length})`);
    for (const finding of group) out.push(...findingLines(finding));
  }
  const exempted = findings.filter((f) => f.suppressed);
  if (exempted.length > 0) {
    out.push('', `SUPPRESSED (${exempted.length})`);
    for (const finding of exempted) out.push(...findingLines(finding));
  }
  return `${out.join('\n')}\n`;
}
