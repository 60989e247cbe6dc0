import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliPhases } from './end-to-end-child';
import { type BenchSize, generateRegion } from './generate';

/** The phases of one end-to-end audit (the `endToEnd` object of `--json`), in ms and MB. */
export interface EndToEnd extends CliPhases {
  size: BenchSize;
  bytes: number;
  bareParseMs: number;
  peakRssMb: number;
}

/**
 * Writes the size's snapshot to a temp file, then audits it in a fresh child process (nothing
 * warmed, as for a user's `vpc-guardrail audit`), which times each phase and a bare parse.
 */
export function measureEndToEnd(size: BenchSize, seed: number): EndToEnd {
  const dir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-e2e-'));
  try {
    const file = join(dir, `${size}.json`);
    writeFileSync(file, JSON.stringify(generateRegion(size, seed).snapshot));
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', new URL('./end-to-end-child.ts', import.meta.url).pathname, file, size],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`end-to-end child failed (${child.status ?? child.signal})`);
    const last = child.stdout.trim().split('\n').pop() ?? '';
    return JSON.parse(last) as EndToEnd;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The end-to-end table (README "Benchmark"), with the ratios the budgets are stated in. */
export function endToEndReport(e: EndToEnd): string {
  const ratio = (ms: number) => (ms / e.bareParseMs).toFixed(2);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  const rows: [string, string, string][] = [
    ['read', `${e.readMs}`, ratio(e.readMs)],
    ['JSON.parse', `${e.parseMs}`, ratio(e.parseMs)],
    ['validation', `${e.validateMs}`, `${ratio(e.validateMs)} (budget 0.3)`],
    ['first evaluation', `${e.evaluateMs}`, `(budget 1500 ms)`],
    ['JSON output', `${e.formatMs}`, ratio(e.formatMs)],
    ['whole CLI path', `${e.totalMs}`, `${ratio(e.totalMs)} (budget 2.0)`],
    ['bare JSON.parse', `${e.bareParseMs}`, '1.00'],
  ];
  const lines = rows.map(([phase, ms, x]) => `${phase.padEnd(18)}${ms.padStart(8)}  ${x}`);
  return [
    `Node ${process.version}, ${cpus().length} × ${cpu}, load ${load}; size ${e.size}, ` +
      `${(e.bytes / 1e6).toFixed(0)} MB, fresh process`,
    '',
    `${'phase'.padEnd(18)}${'ms'.padStart(8)}  × bare parse`,
    ...lines,
    '',
    `peak RSS ${e.peakRssMb} MB (budget 1024)`,
  ].join('\n');
}
