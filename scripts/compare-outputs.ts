/**
 * Records, then compares, the outputs a refactoring must keep byte-identical: the JSON audit of the
 * demo snapshot and of the bench's S and M snapshots (seed 1), and `simulate --format json` of every
 * example and fixture event against the demo snapshot, in notify and remediate mode.
 *
 *   node --import tsx scripts/compare-outputs.ts record DIR    # before the change
 *   node --import tsx scripts/compare-outputs.ts compare DIR   # after: exit 1 on any difference
 *
 * The outputs stay out of the repository (they are large and derived); only this script is kept.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRegion } from '../bench/generate';
import type { CliIo } from '../cli/io';
import { processIo } from '../cli/io';
import { runCli } from '../cli/main';

/** A fixed clock: exemption expiries and timestamps must not depend on when the script runs. */
const NOW = new Date('2026-01-15T12:00:00Z');
const DEMO = 'examples/demo-snapshot.json';
const EVENT_DIRS = ['examples/events', 'test/fixtures/cloudtrail'];

/** Virtual files (generated bench snapshots) served without touching the disk. */
const virtual = new Map<string, string>();

function ioCapturing(out: string[]): CliIo {
  return {
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(`[stderr] ${text}`),
    readText: async (path) => virtual.get(path) ?? processIo.readText(path),
    now: () => NOW,
  };
}

async function run(argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await runCli(argv, ioCapturing(out));
  return `${out.join('')}\n[exit ${code}]\n`;
}

/** Every case: a file name and the CLI arguments that produce it. */
function cases(): [string, string[]][] {
  for (const size of ['S', 'M'] as const) {
    virtual.set(`bench:${size}`, JSON.stringify(generateRegion(size, 1).snapshot));
  }
  const list: [string, string[]][] = [
    ['audit-demo.json', ['audit', '--snapshot', DEMO, '--format', 'json', '--fail-on', 'none']],
    ['audit-demo.table', ['audit', '--snapshot', DEMO, '--format', 'table', '--fail-on', 'none']],
    ['audit-demo.sarif', ['audit', '--snapshot', DEMO, '--format', 'sarif', '--fail-on', 'none']],
    ['audit-bench-S.json', ['audit', '--snapshot', 'bench:S', '--format', 'json', '--fail-on', 'none']],
    ['audit-bench-M.json', ['audit', '--snapshot', 'bench:M', '--format', 'json', '--fail-on', 'none']],
  ];
  for (const dir of EVENT_DIRS) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      for (const mode of ['notify', 'remediate']) {
        list.push([
          `simulate-${file.replace(/\.json$/, '')}-${mode}.json`,
          ['simulate', '--event', join(dir, file), '--snapshot', DEMO, '--mode', mode, '--format', 'json'],
        ]);
      }
    }
  }
  return list;
}

async function main(): Promise<void> {
  const [command, dir] = process.argv.slice(2);
  if ((command !== 'record' && command !== 'compare') || !dir) {
    throw new Error('usage: compare-outputs.ts record|compare DIR');
  }
  if (command === 'record') mkdirSync(dir, { recursive: true });
  let differences = 0;
  let unrecorded = 0;
  const all = cases();
  for (const [name, argv] of all) {
    const output = await run(argv);
    const path = join(dir, name);
    if (command === 'record') {
      writeFileSync(path, output);
      continue;
    }
    // A case added since the recording (a new fixture) has nothing to compare with: said, not thrown.
    if (!existsSync(path)) {
      unrecorded++;
      process.stdout.write(`NEW ${name} (no recorded output to compare with)\n`);
      continue;
    }
    const before = readFileSync(path, 'utf8');
    if (before !== output) {
      differences++;
      const at = [...before].findIndex((c, i) => output[i] !== c);
      process.stdout.write(`DIFFERS ${name} (first difference at character ${at})\n`);
      process.stdout.write(`  before: ${JSON.stringify(before.slice(Math.max(0, at - 80), at + 80))}\n`);
      process.stdout.write(`  after:  ${JSON.stringify(output.slice(Math.max(0, at - 80), at + 80))}\n`);
    }
  }
  process.stdout.write(
    command === 'record'
      ? `recorded ${all.length} outputs in ${dir}\n`
      : `${all.length - differences - unrecorded} of ${all.length - unrecorded} recorded outputs identical` +
          (unrecorded > 0 ? `, ${unrecorded} new\n` : '\n'),
  );
  if (differences > 0) process.exitCode = 1;
}

await main();
