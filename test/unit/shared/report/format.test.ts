import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../../shared/engine';
import type { Finding } from '../../../../shared/findings';
import { formatJsonReport, formatReport, jsonReportChunks } from '../../../../shared/report/format';
import { makeFinding, SAMPLE_FINDINGS } from '../../../helpers';

/** What `--format json` has always printed: one stringify of the whole report. */
function reference(findings: readonly Finding[], notes: Parameters<typeof summarize>[1] = {}): string {
  return `${JSON.stringify({ findings, summary: summarize(findings, notes) }, null, 2)}\n`;
}

describe('formatJsonReport', () => {
  it('writes the whole report byte for byte as one stringify would', () => {
    const summary = summarize(SAMPLE_FINDINGS, { warnings: ['w'], notJudged: [] });
    expect(formatReport('json', SAMPLE_FINDINGS, summary)).toBe(
      reference(SAMPLE_FINDINGS, { warnings: ['w'], notJudged: [] }),
    );
  });

  it('writes an empty findings list as `[]`, as before', () => {
    const text = formatJsonReport([], summarize([]));
    expect(text).toBe(reference([]));
    expect(text.startsWith('{\n  "findings": [],\n  "summary": {')).toBe(true);
  });

  it('keeps non-Latin-1 text, quotes, newlines and absent fields exactly', () => {
    const findings = [
      makeFinding({
        ruleId: 'r',
        resourceId: 'sg-1',
        detail: 'igw-1 → rtb-1 "quoted"\n\ttab',
        title: 'é ü 日本',
      }),
      makeFinding({
        ruleId: 'r',
        resourceId: 'sg-2',
        suppressed: undefined,
        evidence: { nested: [[], {}, [1]] },
      }),
    ];
    expect(formatJsonReport(findings, summarize(findings))).toBe(reference(findings));
  });

  it('matches one stringify for any findings (property)', () => {
    const text = fc.string({ unit: 'binary' });
    const evidence = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    const finding = fc
      .record({ resourceId: text, detail: text, evidence })
      .map((f) => makeFinding({ ruleId: 'prop-rule', ...f }));
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 5 }), (findings) => {
        expect(formatJsonReport(findings, summarize(findings))).toBe(reference(findings));
      }),
    );
  });

  it('hands a large report out in chunks of about a megabyte that join to the same text', () => {
    const findings = Array.from({ length: 3000 }, (_, i) =>
      makeFinding({ ruleId: 'r', resourceId: `sg-${i}`, detail: `${'x'.repeat(1000)} → ${i}` }),
    );
    const chunks = [...jsonReportChunks(findings, summarize(findings))];
    expect(chunks.length).toBe(4);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(1 << 20);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan((1 << 20) + 2000);
    expect(chunks.join('')).toBe(reference(findings));
  });
});
