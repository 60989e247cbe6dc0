import type { Summary } from '../engine';
import type { Finding } from '../findings';
import { formatTable } from './table';

/** Output formats of the CLI audit. */
export const REPORT_FORMATS = ['table', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders findings in one of the report formats. */
export function formatReport(format: ReportFormat, findings: readonly Finding[], summary: Summary): string {
  switch (format) {
    case 'table':
      return formatTable(findings, summary);
    case 'json':
      return formatJsonReport(findings, summary);
  }
}

/** What `JSON.stringify({ findings: [x] }, null, 2)` writes before and after the element `x`. */
const ELEMENT_HEAD = '{\n  "findings": [\n    ';
const ELEMENT_TAIL = '\n  ]\n}';
/** Between two elements of the findings' array. */
const SEPARATOR = ',\n    ';
/** Pieces are handed out in chunks of about this many characters. */
const CHUNK_CHARS = 1 << 20;

/**
 * `{ "findings": [...], "summary": {...} }` with two-space indentation, byte for byte what
 * `JSON.stringify({ findings, summary }, null, 2)` writes, plus a final newline.
 */
export function formatJsonReport(findings: readonly Finding[], summary: Summary): string {
  return [...jsonReportChunks(findings, summary)].join('');
}

/**
 * `formatJsonReport`'s text in consecutive chunks of about a megabyte, for a writer that takes
 * them one by one (the CLI): the report of a large region (tens of MB) is never one string.
 *
 * Hot: one stringify of the whole report turns into a two-byte string as soon as one finding holds
 * a non-Latin-1 character (the detail's "→"), so the whole report is then built twice as wide and
 * re-encoded in one piece on write. Each finding is stringified on its own instead, at the depth it
 * has in the document (inside a `{ findings: [x] }` wrapper), so only the findings holding such a
 * character are wide, and each chunk is encoded while the next is built.
 */
export function* jsonReportChunks(findings: readonly Finding[], summary: Summary): Generator<string> {
  const rest = JSON.stringify({ findings: [], summary }, null, 2);
  if (findings.length === 0) {
    yield `${rest}\n`;
    return;
  }
  let chunk: string[] = [ELEMENT_HEAD];
  let size = ELEMENT_HEAD.length;
  for (let i = 0; i < findings.length; i++) {
    const text = JSON.stringify({ findings: [findings[i]] }, null, 2);
    const piece = text.slice(ELEMENT_HEAD.length, text.length - ELEMENT_TAIL.length);
    if (i > 0) {
      chunk.push(SEPARATOR);
      size += SEPARATOR.length;
    }
    chunk.push(piece);
    size += piece.length;
    if (size >= CHUNK_CHARS) {
      yield chunk.join('');
      chunk = [];
      size = 0;
    }
  }
  // `rest` is `{\n  "findings": [],\n  "summary": …}`: the summary follows the findings' array.
  chunk.push('\n  ]', rest.slice(rest.indexOf('[]') + 2), '\n');
  yield chunk.join('');
}
