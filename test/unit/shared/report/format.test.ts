import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { summarize } from '../../../../shared/engine';
import type { Finding } from '../../../../shared/findings';
import {
  formatJsonReport,
  formatReport,
  JSON_CHUNK_CHARS,
  jsonReportChunks,
} from '../../../../shared/report/format';
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

  it('matches one stringify for any findings and any run boundaries (property)', () => {
    // Every UTF-16 unit (lone surrogates, controls, quotes, backslashes) and the tricky ones often.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '→', '\ud800', '\udfff', '😀', 'é'),
    );
    const text = fc.string({ unit, maxLength: 12 });
    const key = fc.oneof(
      text,
      fc.constantFrom('__proto__', 'toJSON', 'constructor', '', '0', '10', '-1', 'a'),
    );
    const leaf = fc.oneof(
      text,
      fc.double(),
      fc.constantFrom(-0, 1e21, 5e-7, 1e-7, Number.MAX_VALUE, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom(null, undefined, () => 1, Symbol('s')),
      fc.date({ noInvalidDate: false }),
    );
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('value'), { maxLength: 4 }),
        fc.sparseArray(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
        fc.dictionary(key, tie('value'), { maxKeys: 3, noNullPrototype: false }), // some null-prototype
      ),
    }));
    const finding = fc
      .record(
        {
          resourceId: text,
          title: text,
          detail: text,
          controls: fc.array(text, { maxLength: 2 }),
          evidence: fc.dictionary(key, value, { maxKeys: 5 }),
          accountId: text,
          exposure: fc.oneof(fc.integer(), fc.constant(-0)),
        },
        { requiredKeys: ['resourceId', 'evidence'] },
      )
      .map((f) =>
        makeFinding({ ruleId: 'prop-rule', ...f } as Partial<Finding> & {
          resourceId: string;
          ruleId: string;
        }),
      );
    const notes = fc.record({ warnings: fc.array(text, { maxLength: 2 }) });
    fc.assert(
      fc.property(
        fc.array(finding, { maxLength: 12 }),
        notes,
        fc.integer({ min: 1, max: 2000 }),
        (findings, note, chunkChars) => {
          const summary = summarize(findings, note);
          const expected = `${JSON.stringify({ findings, summary }, null, 2)}\n`;
          expect([...jsonReportChunks(findings, summary, chunkChars)].join('')).toBe(expected);
          expect(formatJsonReport(findings, summary)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives a finding's toJSON its index in the findings, as one stringify does", () => {
    const findings = Array.from({ length: 5 }, (_, i) => {
      const finding = makeFinding({ ruleId: 'r', resourceId: `sg-${i}` });
      return i === 3 ? Object.assign(finding, { toJSON: (key: string) => ({ key }) }) : finding;
    });
    const text = formatJsonReport(findings, summarize(findings));
    expect(text).toBe(reference(findings));
    expect(text).toContain('"key": "3"');
  });

  it('fails as one stringify does on a value JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const base = makeFinding({ ruleId: 'r', resourceId: 'sg-1' });
    for (const evidence of [cyclic, { big: 1n }]) {
      const findings = [base, base, { ...base, evidence }];
      const summary = summarize(findings);
      expect(() => JSON.stringify({ findings, summary })).toThrow(TypeError);
      expect(() => [...jsonReportChunks(findings, summary, 10)]).toThrow(TypeError);
    }
  });

  it('stringifies a run one finding at a time when the run is too long for one string', () => {
    const findings = Array.from({ length: 40 }, (_, i) =>
      makeFinding({ ruleId: 'r', resourceId: `sg-${i}` }),
    );
    const stringify = JSON.stringify;
    let thrown = 0;
    const spy = vi.spyOn(JSON, 'stringify').mockImplementation((value, replacer, space) => {
      const run = (value as { findings?: unknown[] } | undefined)?.findings;
      if (run && run.length > 8 && thrown < 3) {
        thrown++;
        throw new RangeError('Invalid string length');
      }
      return stringify(value, replacer as (number | string)[], space);
    });
    try {
      const text = [...jsonReportChunks(findings, summarize(findings), 20_000)].join('');
      spy.mockRestore();
      expect(thrown).toBe(3);
      expect(text).toBe(reference(findings));
    } finally {
      spy.mockRestore();
    }
  });

  it('hands a large report out in chunks of about JSON_CHUNK_CHARS that join to the same text', () => {
    const findings = Array.from({ length: 3000 }, (_, i) =>
      makeFinding({ ruleId: 'r', resourceId: `sg-${i}`, detail: `${'x'.repeat(1000)} → ${i}` }),
    );
    const chunks = [...jsonReportChunks(findings, summarize(findings))];
    const expected = reference(findings);
    expect(chunks.join('')).toBe(expected);
    // Runs double from one finding up to a chunk's worth, then stay about a chunk long.
    expect(chunks.length).toBeLessThan(expected.length / JSON_CHUNK_CHARS + 12);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(JSON_CHUNK_CHARS + 2000);
    expect(chunks.length).toBeGreaterThan(expected.length / JSON_CHUNK_CHARS);
  });
});
