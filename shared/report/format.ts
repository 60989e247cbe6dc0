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
      return `${JSON.stringify({ findings, summary }, null, 2)}\n`;
  }
}
