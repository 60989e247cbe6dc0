import type { Summary } from '../engine';
import type { Finding } from '../findings';
import { formatTable } from './table';

/** Output formats of the CLI audit. */
export const REPORT_FORMATS = ['table', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Stderr lines naming what could not be judged, for a format with no place for it (ASFF is a bare
 * array of findings): DESIGN §3 lets nothing go unjudged in silence.
 */
export function notJudgedStderrLines(summary: Pick<Summary, 'notJudged'>): string[] {
  return summary.notJudged.map(
    (n) => `not judged: ${n.resourceId}${n.ruleId ? ` (${n.ruleId})` : ''}: ${n.reason}\n`,
  );
}

/** Renders findings in one of the report formats. */
export function formatReport(format: ReportFormat, findings: readonly Finding[], summary: Summary): string {
  switch (format) {
    case 'table':
      return formatTable(findings, summary);
    case 'json':
      return formatJsonReport(findings, summary);
  }
}

/** What `JSON.stringify({ findings: [...] }, null, 2)` writes before the first element. */
const FINDINGS_HEAD = '{\n  "findings": [\n    ';
/** ... and after the last one, when no summary follows. */
const FINDINGS_TAIL = '\n  ]\n}';
/**
 * A run of findings is stringified into about this many characters. Hot: measured on the bench's
 * L report (43 MB), 64 Ki characters beat 1 Mi by ~25 ms: a run's text then stays a regular heap
 * object (at most 128 KB) rather than a large object that is mapped and page-faulted afresh.
 */
export const JSON_CHUNK_CHARS = 1 << 16;

/**
 * `{ "findings": [...], "summary": {...} }` with two-space indentation, byte for byte what
 * `JSON.stringify({ findings, summary }, null, 2)` writes, plus a final newline.
 */
export function formatJsonReport(findings: readonly Finding[], summary: Summary): string {
  return [...jsonReportChunks(findings, summary)].join('');
}

/**
 * `formatJsonReport`'s text in consecutive chunks of about `chunkChars`, for a writer that
 * takes them one by one (the CLI): the report of a large region (tens of MB) is never one string.
 *
 * Each chunk is a slice of one native stringify of a run of consecutive findings, inside the
 * wrapper the whole report has (so every finding is written at its depth, exactly as one stringify
 * of the report writes it). A run after the first is stringified behind a placeholder element
 * (`[0, ...run]`): its text then begins with the `,\n    ` before the run's first finding. The
 * last run carries the summary. A run's length is the findings that fit in a chunk at their mean
 * size so far, at most twice the last run's, from 1.
 *
 * Hot: in the end-to-end bench's child (L: 17,672 findings, 43 MB) summary and output take
 * ~165 ms where stringifying each finding in its own wrapper and joining the slices into 1 MB
 * chunks took ~225 ms (a wrapper and slice per finding, the join's copy, large strings); one
 * stringify of the whole report is one 43 MB string (86 MB once a finding holds a non-Latin-1
 * "→") encoded in one piece. What is left is V8's indenting stringify itself (half of it walking
 * objects and writing indentation, a sixth flattening the findings' concatenated strings).
 */
export function* jsonReportChunks(
  findings: readonly Finding[],
  summary: Summary,
  /** Tests pass a few characters, to put run boundaries everywhere. */
  chunkChars = JSON_CHUNK_CHARS,
): Generator<string> {
  if (findings.length === 0 || findings.some(hasToJson)) {
    // JSON calls a finding's `toJSON` with the finding's index, which a run's wrapper would not give.
    yield `${JSON.stringify({ findings, summary }, null, 2)}\n`;
    return;
  }
  let start = 0;
  let count = 1;
  let chars = 0;
  while (start < findings.length) {
    const end = Math.min(findings.length, start + count);
    const last = end === findings.length;
    const run = start === 0 ? findings.slice(0, end) : [0, ...findings.slice(start, end)];
    let text: string;
    try {
      text = JSON.stringify(last ? { findings: run, summary } : { findings: run }, null, 2);
    } catch (error) {
      // Longer than a string can be (findings far larger than the ones before): one at a time.
      if (!(error instanceof RangeError) || end - start === 1) throw error;
      count = 1;
      continue;
    }
    const from = start === 0 ? 0 : FINDINGS_HEAD.length + 1; // after the placeholder `0`
    yield last ? `${text.slice(from)}\n` : text.slice(from, text.length - FINDINGS_TAIL.length);
    chars += text.length;
    start = end;
    count = Math.max(1, Math.min(2 * count, Math.round((chunkChars * start) / chars)));
  }
}

/** True when JSON would call a `toJSON` method of the finding. */
function hasToJson(finding: Finding): boolean {
  return typeof (finding as { toJSON?: unknown } | null | undefined)?.toJSON === 'function';
}
