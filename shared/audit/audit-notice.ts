import type { NotJudged, Summary } from '../engine';
import { atOrAbove, type Finding, type Severity } from '../findings';
import { chatNotification } from '../notify/chat';
import {
  describeAction,
  headline,
  MAX_SUBJECT_LENGTH,
  type MessageAttribute,
  type Notice,
  outcomeOf,
  undoCommand,
} from '../notify/notice';
import type { ActionResult } from '../remediation/types';
import { formatTable } from '../report/table';
import type { AccountSummary, RegionFailure, RegionRemediation } from './types';

/** The whole message under SNS's 256 KB (kept well under). */
const MESSAGE_MAX_BYTES = 200_000;

/** Subject: printable ASCII only (SNS rejects control characters), capped at MAX_SUBJECT_LENGTH (99: SNS asks for less than 100). */
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

/** What remediation did, for the subject (before the account and regions, so the cap keeps it). */
function remediationWords(results: readonly ActionResult[]): string {
  if (results.length === 0) return '';
  const calls = (n: number) => `${n} call${n === 1 ? '' : 's'}`;
  // A call that found its rule already gone changed nothing: it is not counted as this audit's
  // remediation (DESIGN §8 "Verified outcome"), only said.
  const done = results.filter((r) => r.status === 'done').length;
  const already = results.filter((r) => r.status === 'already-done').length;
  const alreadyWords = already > 0 ? `, ${already} already done` : '';
  const failed = results.filter((r) => r.status === 'failed').length;
  switch (outcomeOf(results)) {
    case 'dry-run':
      return `, dry run (${calls(results.length)} planned)`;
    case 'remediated':
      return done > 0
        ? `, remediated (${calls(done)}${alreadyWords})`
        : `, already remediated (${calls(already)})`;
    case 'partially-remediated':
      return `, partially remediated (${done} done${alreadyWords}, ${failed} failed)`;
    default:
      return `, remediation failed (${calls(failed)})`;
  }
}

/** The notice's severity: the worst finding's, raised to high when a region could not be read. */
function noticeSeverity(highest: Severity | undefined, notEvaluated: boolean): Severity | undefined {
  if (!notEvaluated) return highest;
  return highest && atOrAbove(highest, 'high') ? highest : 'high';
}

/** `222233334444: 2 region(s), 3 finding(s) (critical 1, high 2)` (and the regions not read). */
export function accountLine(account: AccountSummary): string {
  const { summary } = account;
  const counts = Object.entries(summary.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${severity} ${n}`);
  const failed = account.failed > 0 ? `, ${account.failed} not evaluated` : '';
  // A resource that could not be judged is not a clean one (DESIGN §3): counted beside the findings.
  const notJudged = summary.notJudged.length > 0 ? `, ${summary.notJudged.length} not judged` : '';
  return `${account.accountId}: ${account.regions} region(s)${failed}, ${summary.total} finding(s)${
    counts.length > 0 ? ` (${counts.join(', ')})` : ''
  }${notJudged}`;
}

/** The one summary notice of an audit: counts in the subject, the table report as the body. */
export function auditNotice(input: {
  findings: readonly Finding[];
  summary: Summary;
  failures: readonly RegionFailure[];
  remediation?: readonly RegionRemediation[];
  accountId: string;
  regions: readonly string[];
  /** A multi-account audit: its counts per account. */
  accounts?: readonly AccountSummary[];
  /** `summary.notJudged` as text shows it (AuditRun.notJudgedText: led by account and region). */
  notJudgedText?: readonly NotJudged[];
  /**
   * Set when nothing at all could be evaluated (every account-region failed, or the organization's
   * accounts could not be listed): why, for the subject. The audit then fails, but the notice says
   * so first — "no findings" would read as a clean estate while the guardrail is blind.
   */
  blind?: string;
}): Notice {
  const { findings, summary, failures, accountId, regions } = input;
  const results = (input.remediation ?? []).flatMap((r) => r.results);
  const actionLines = results.map(
    (r) => `${r.status.toUpperCase()}: ${describeAction(r.action)}${r.error ? ` (${r.error})` : ''}`,
  );
  const multi = input.accounts;
  const where = multi
    ? `${multi.length} account${multi.length === 1 ? '' : 's'} ${regions.join(',')}`
    : `${accountId} ${regions.join(',')}`;
  const ruleIds = Object.keys(summary.byRule).sort();
  // A region that could not be read is a "could not evaluate": at least high (DESIGN §8), so a
  // subscription filtered to critical and high still hears that the audit is incomplete.
  const severity = noticeSeverity(summary.highestSeverity, failures.length > 0);
  const level = severity ? `[${severity.toUpperCase()}] ` : '';
  const counts =
    summary.total === 0 ? 'no findings' : `${summary.total} finding${summary.total === 1 ? '' : 's'}`;
  const failed = failures.length > 0 ? `, ${failures.length} region(s) not evaluated` : '';
  const fixed = remediationWords(results);
  const body = [
    multi
      ? `VPC Guardrail audit of ${multi.length} account(s) from ${accountId}, region(s) ${regions.join(', ')}.`
      : `VPC Guardrail audit of account ${accountId}, region(s) ${regions.join(', ')}.`,
    '',
    ...(input.blind !== undefined ? [`NOTHING WAS EVALUATED: ${input.blind}.`, ''] : []),
    ...(multi ? [...multi.map(accountLine), ''] : []),
    ...failures.map((f) => `NOT EVALUATED: ${f.accountId ? `${f.accountId} ` : ''}${f.region}: ${f.message}`),
    ...(failures.length > 0 ? [''] : []),
    ...(actionLines.length > 0 ? ['ACTIONS', ...actionLines, ''] : []),
    // Nothing read: an empty table would say "no findings" of an estate no one looked at.
    ...(input.blind !== undefined
      ? [
          'Fix what the lines above name (the role, its permissions, the organization), then run the audit again.',
        ]
      : [
          formatTable(
            findings,
            { ...summary, notJudged: [...(input.notJudgedText ?? summary.notJudged)] },
            // Where each finding is, as the not-judged lines say it: an id alone does not.
            { location: multi ? 'account-region' : regions.length > 1 ? 'region' : 'one' },
          ),
          'To exempt a resource, tag it vpc-guardrail:exempt with * or a comma list of rule ids (optionally @YYYY-MM-DD).',
        ]),
  ].join('\n');
  const subject = subjectLine(
    input.blind !== undefined
      ? `${level}VPC Guardrail audit failed: ${input.blind} in ${where}`
      : `${level}VPC Guardrail audit: ${counts}${fixed}${failed} in ${where}`,
  );
  const active = findings.filter((f) => !f.suppressed);
  const done = results.filter((r) => r.status === 'done');
  return {
    subject,
    message: truncateBytes(body, MESSAGE_MAX_BYTES),
    chat: chatNotification(subject, {
      severity: severity ?? 'info',
      outcome: outcomeOf(results, failures.length),
      accountId,
      region: regions.join(','),
      who: [{ call: `audit of ${multi ? `${multi.length} account(s), ` : ''}${regions.join(', ')}` }],
      findings: active.slice(0, 40).map((f) => ({
        severity: f.severity,
        resourceId: f.resourceId,
        headline: headline(f),
        ruleId: f.ruleId,
      })),
      actions: results.slice(0, 20).map((r) => ({ status: r.status, text: describeAction(r.action) })),
      undo: done.slice(0, 20).map((r) => undoCommand(r.action)),
      notes: [
        ...(multi ?? []).map(accountLine),
        ...failures.map(
          (f) => `Not evaluated: ${f.accountId ? `${f.accountId} ` : ''}${f.region}: ${f.message}`,
        ),
      ],
      exempt: [],
      resources: [...new Set(active.map((f) => f.resourceId))],
      // Counted in the chat message: `Findings (N)` is every finding, not the 40 listed.
      notListed: {
        findings: Math.max(0, active.length - 40),
        actions: Math.max(0, results.length - 20),
        undo: Math.max(0, done.length - 20),
      },
    }),
    attributes: {
      severity: text(severity ?? 'info'),
      // SNS filter policies match String.Array members; an audit with no findings has none.
      ...(ruleIds.length > 0
        ? { ruleIds: { DataType: 'String.Array', StringValue: JSON.stringify(ruleIds) } }
        : {}),
      // A region not read is a failure even when no call failed (all regions share one mode, so
      // results never mix dry-run and done).
      action: text(outcomeOf(results, failures.length)),
      accountId: text(accountId),
      region: text(regions.join(',')),
    },
  };
}
