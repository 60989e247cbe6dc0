import type { Summary } from '../../shared/engine';
import type { Finding } from '../../shared/findings';
import { chatNotification } from '../../shared/notify/chat';
import {
  describeAction,
  headline,
  MAX_SUBJECT_LENGTH,
  type MessageAttribute,
  type Notice,
  outcomeOf,
  undoCommand,
} from '../../shared/notify/notice';
import { formatTable } from '../../shared/report/table';
import type { RegionFailure, RegionRemediation } from './audit';

/** The whole message under SNS's 256 KB (kept well under). */
const MESSAGE_MAX_BYTES = 200_000;

/** Subject: printable ASCII only (SNS rejects control characters), capped at 100 characters. */
function subjectLine(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '-');
  return clean.length <= MAX_SUBJECT_LENGTH ? clean : `${clean.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

function text(value: string): MessageAttribute {
  return { DataType: 'String', StringValue: value };
}

/** Cuts text to a byte budget at a line boundary and says how much was left out. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (bytes + size > maxBytes - 200) break;
    kept.push(line);
    bytes += size;
  }
  return `${kept.join('\n')}\n\n[truncated: ${lines.length - kept.length} more lines; run the audit with format json for the full list]\n`;
}

/** The one summary notice of an audit: counts in the subject, the table report as the body. */
export function auditNotice(input: {
  findings: readonly Finding[];
  summary: Summary;
  failures: readonly RegionFailure[];
  remediation?: readonly RegionRemediation[];
  accountId: string;
  regions: readonly string[];
}): Notice {
  const { findings, summary, failures, accountId, regions } = input;
  const results = (input.remediation ?? []).flatMap((r) => r.results);
  const actionLines = results.map(
    (r) => `${r.status.toUpperCase()}: ${describeAction(r.action)}${r.error ? ` (${r.error})` : ''}`,
  );
  const where = `${accountId} ${regions.join(',')}`;
  const ruleIds = Object.keys(summary.byRule).sort();
  const level = summary.highestSeverity ? `[${summary.highestSeverity.toUpperCase()}] ` : '';
  const counts =
    summary.total === 0 ? 'no findings' : `${summary.total} finding${summary.total === 1 ? '' : 's'}`;
  const failed = failures.length > 0 ? `, ${failures.length} region(s) not evaluated` : '';
  const body = [
    `VPC Guardrail audit of account ${accountId}, region(s) ${regions.join(', ')}.`,
    '',
    ...failures.map((f) => `NOT EVALUATED: ${f.region}: ${f.message}`),
    ...(failures.length > 0 ? [''] : []),
    ...(actionLines.length > 0 ? ['ACTIONS', ...actionLines, ''] : []),
    formatTable(findings, summary),
    'To exempt a resource, tag it vpc-guardrail:exempt with * or a comma list of rule ids (optionally @YYYY-MM-DD).',
  ].join('\n');
  const subject = subjectLine(`${level}VPC Guardrail audit: ${counts}${failed} in ${where}`);
  const active = findings.filter((f) => !f.suppressed);
  const outcome = outcomeOf(results, failures.length);
  return {
    subject,
    message: truncateBytes(body, MESSAGE_MAX_BYTES),
    chat: chatNotification(subject, {
      severity: summary.highestSeverity ?? 'info',
      outcome,
      accountId,
      region: regions.join(','),
      who: [{ call: `audit of ${regions.join(', ')}` }],
      findings: active.slice(0, 40).map((f) => ({
        severity: f.severity,
        resourceId: f.resourceId,
        headline: headline(f),
        ruleId: f.ruleId,
      })),
      actions: results.slice(0, 20).map((r) => ({ status: r.status, text: describeAction(r.action) })),
      undo: results
        .filter((r) => r.status === 'done')
        .slice(0, 20)
        .map((r) => undoCommand(r.action)),
      notes: failures.map((f) => `Not evaluated: ${f.region}: ${f.message}`),
      exempt: [],
      resources: [...new Set(active.map((f) => f.resourceId))],
    }),
    attributes: {
      severity: text(summary.highestSeverity ?? 'info'),
      // SNS filter policies match String.Array members; an audit with no findings has none.
      ...(ruleIds.length > 0
        ? { ruleIds: { DataType: 'String.Array', StringValue: JSON.stringify(ruleIds) } }
        : {}),
      // A region not read is a failure even when no call failed (all regions share one mode, so
      // results never mix dry-run and done).
      action: text(outcome),
      accountId: text(accountId),
      region: text(regions.join(',')),
    },
  };
}
