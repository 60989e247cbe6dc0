import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONFIG } from '../shared/config';
import { evaluateReport, summarize } from '../shared/engine';
import { parseSnapshotJson, readSnapshot } from '../shared/model/snapshot';
import { jsonReportChunks } from '../shared/report/format';

/** The phases of one audit, in milliseconds (also the `endToEnd` report's phases). */
export interface CliPhases {
  readMs: number;
  parseMs: number;
  validateMs: number;
  evaluateMs: number;
  formatMs: number;
  totalMs: number;
}

/** The phases of one audit and the text it read (kept for the bare parse). */
interface CliPath extends CliPhases {
  text: string;
}

/**
 * What `vpc-guardrail audit --snapshot FILE --format json > out.json` does, phase by phase, with
 * the same shared functions. Only the text outlives it: the snapshot, model and report are garbage
 * once it returns, as they are when the CLI exits.
 */
async function cliPath(file: string): Promise<CliPath> {
  const t0 = performance.now();
  const text = await readFile(file, 'utf8');
  const t1 = performance.now();
  const parsed = parseSnapshotJson(text, `snapshot ${file}`);
  const t2 = performance.now();
  const { snapshot, warnings } = readSnapshot(parsed, `snapshot ${file}`);
  const t3 = performance.now();
  const result = evaluateReport(snapshot, DEFAULT_CONFIG, { now: new Date() });
  const t4 = performance.now();
  const summary = summarize(result.findings, {
    notJudged: result.notJudged,
    warnings: [...warnings, ...result.warnings],
  });
  // As the CLI writes `--format json`: chunk by chunk (cli/commands/audit.ts).
  const fd = openSync('/dev/null', 'w');
  for (const chunk of jsonReportChunks(result.findings, summary)) writeSync(fd, chunk);
  closeSync(fd);
  const t5 = performance.now();
  return {
    text,
    readMs: t1 - t0,
    parseMs: t2 - t1,
    validateMs: t3 - t2,
    evaluateMs: t4 - t3,
    formatMs: t5 - t4,
    totalMs: t5 - t0,
  };
}

/**
 * One end-to-end audit in a fresh process (DESIGN §12 "End to end"), then, in the same process, a
 * bare `JSON.parse` of the same text as the yardstick the budgets are ratios to. Prints one line.
 */
async function main(): Promise<void> {
  const [file, size] = process.argv.slice(2);
  if (!file || !size) throw new Error('usage: end-to-end-child FILE SIZE');
  const { text, ...phases } = await cliPath(file);
  const bareStart = performance.now();
  const bare: unknown = JSON.parse(text);
  const bareParseMs = performance.now() - bareStart;
  if (bare === null) throw new Error('a snapshot is an object'); // keeps the parse observable
  const ms = (value: number) => Math.round(value);
  process.stdout.write(
    `${JSON.stringify({
      size,
      bytes: Buffer.byteLength(text, 'utf8'),
      readMs: ms(phases.readMs),
      parseMs: ms(phases.parseMs),
      validateMs: ms(phases.validateMs),
      evaluateMs: ms(phases.evaluateMs),
      formatMs: ms(phases.formatMs),
      totalMs: ms(phases.totalMs),
      bareParseMs: ms(bareParseMs),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

await main();
