import { describe, expect, it } from 'vitest';
import { endToEndReport, measureEndToEnd } from '../../../bench/end-to-end';
import { generateRegion } from '../../../bench/generate';

describe('bench --end-to-end', () => {
  it('times every phase of an audit in a fresh process and reports exactly the documented fields', () => {
    // Act (the S snapshot: the harness is the same for L, only slower)
    const result = measureEndToEnd('S', 1);
    // Assess
    expect(Object.keys(result)).toEqual([
      'size',
      'bytes',
      'readMs',
      'parseMs',
      'validateMs',
      'evaluateMs',
      'formatMs',
      'totalMs',
      'bareParseMs',
      'peakRssMb',
    ]);
    expect(result.size).toBe('S');
    expect(result.bytes).toBe(Buffer.byteLength(JSON.stringify(generateRegion('S', 1).snapshot), 'utf8'));
    const phases = [result.readMs, result.parseMs, result.validateMs, result.evaluateMs, result.formatMs];
    for (const ms of [...phases, result.bareParseMs]) expect(ms).toBeGreaterThanOrEqual(0);
    // The whole is the phases back to back (each rounded on its own).
    const sum = phases.reduce((a, b) => a + b, 0);
    expect(Math.abs(result.totalMs - sum)).toBeLessThanOrEqual(3);
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(endToEndReport(result)).toContain('whole CLI path');
  }, 60_000);
});
