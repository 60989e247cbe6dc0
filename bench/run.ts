import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../shared/config';
import { evaluate } from '../shared/engine';
import { parseSnapshot } from '../shared/model/snapshot';
import { endToEndReport, measureEndToEnd } from './end-to-end';
import { type BenchSize, generateRegion, SIZES } from './generate';

/** One line of the benchmark table (and of `--json`). */
export interface BenchResult {
  size: BenchSize;
  securityGroups: number;
  rules: number;
  networkAcls: number;
  networkInterfaces: number;
  findings: number;
  medianMs: number;
}

interface Measured {
  result: BenchResult;
  /** zod validation of the generated snapshot: outside the measured evaluation. */
  validateMs: number;
  runsMs: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The generated region as the CLI sees a snapshot file: serialized, parsed back (flat strings, as
 * JSON.parse makes them), then validated with zod (timed separately from the evaluation).
 */
function generateAndValidate(size: BenchSize, seed: number) {
  const { snapshot: generated, stats } = generateRegion(size, seed);
  const input: unknown = JSON.parse(JSON.stringify(generated));
  const t0 = performance.now();
  const snapshot = parseSnapshot(input);
  return { snapshot, stats, validateMs: performance.now() - t0 };
}

/** Generates one size, validates it once, then times `evaluate` (warm-up, then `runs` runs). */
function measure(size: BenchSize, runs: number, seed: number): Measured {
  // The generator's output goes out of scope once validated: only the validated snapshot stays
  // live, as in the CLI and the functions (a second copy would double the heap the GC walks).
  const { snapshot, stats, validateMs } = generateAndValidate(size, seed);
  let findings = evaluate(snapshot, DEFAULT_CONFIG).length;
  evaluate(snapshot, DEFAULT_CONFIG);
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    findings = evaluate(snapshot, DEFAULT_CONFIG).length;
    runsMs.push(performance.now() - start);
  }
  return {
    result: { size, ...stats, findings, medianMs: Math.round(median(runsMs) * 10) / 10 },
    validateMs: Math.round(validateMs),
    runsMs,
  };
}

function table(measured: readonly Measured[]): string {
  const header = ['size', 'SGs', 'rules', 'NACLs', 'ENIs', 'findings', 'median ms', 'validate ms'];
  const rows = measured.map(({ result: r, validateMs }) => [
    r.size,
    String(r.securityGroups),
    String(r.rules),
    String(r.networkAcls),
    String(r.networkInterfaces),
    String(r.findings),
    r.medianMs.toFixed(1),
    String(validateMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      size: { type: 'string', multiple: true },
      runs: { type: 'string', default: '7' },
      seed: { type: 'string', default: '1' },
      'write-snapshot': { type: 'string' },
      'end-to-end': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  const sizes = (values.size ?? Object.keys(SIZES)) as string[];
  for (const size of sizes) {
    if (!(size in SIZES)) throw new Error(`unknown size ${size} (expected ${Object.keys(SIZES).join(', ')})`);
  }

  if (values['end-to-end']) {
    const size = (values.size?.[0] ?? 'L') as BenchSize;
    const endToEnd = measureEndToEnd(size, seed);
    // As for the warm bench, one last line a consumer can take even with npm's banner above it.
    if (values.json) process.stdout.write(`${JSON.stringify({ node: process.version, endToEnd })}\n`);
    else process.stdout.write(`${endToEndReport(endToEnd)}\n`);
    return;
  }

  const file = values['write-snapshot'];
  if (file !== undefined) {
    const size = (values.size?.[0] ?? 'M') as BenchSize;
    const { snapshot, stats } = generateRegion(size, seed);
    writeFileSync(file, JSON.stringify(snapshot));
    process.stderr.write(
      `wrote ${file}: size ${size}, ${stats.securityGroups} groups, ${stats.rules} rules, ` +
        `${stats.networkAcls} NACLs, ${stats.networkInterfaces} interfaces\n`,
    );
    return;
  }

  const runs = Math.max(5, Number(values.runs));
  const measured = (sizes as BenchSize[]).map((size) => measure(size, runs, seed));
  if (values.json) {
    // One line: a consumer can take the last line of stdout even with npm's banner above it.
    process.stdout.write(
      `${JSON.stringify({ node: process.version, results: measured.map((m) => m.result) })}\n`,
    );
    return;
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `Node ${process.version}, ${cpus().length} × ${cpu}; median of ${runs} runs after two warm-ups; ` +
      'evaluate(snapshot, config) on a validated snapshot\n\n',
  );
  process.stdout.write(`${table(measured)}\n`);
  const m = measured.find((x) => x.result.size === 'M');
  const l = measured.find((x) => x.result.size === 'L');
  if (m && l) {
    const ratio = l.result.medianMs / m.result.medianMs;
    process.stdout.write(
      `\nL: ${l.result.medianMs.toFixed(1)} ms (budget 500 ms), L/M: ${ratio.toFixed(2)} (budget 6)\n`,
    );
  }
}

main();
