import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

// `npm run bench:bundle [-- --runs N] [-- --cpu-prof]`: cold import time of each built bundle
// over a bare `node` start (DESIGN §12 budget: ≤ 100 ms), median of N fresh processes, plus the
// in-process time of the `import()` itself. Run `npm run build` first.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLES = [
  'dist/functions/on-network-change/index.mjs',
  'dist/functions/audit/index.mjs',
  'dist/cli/vpc-guardrail.mjs',
] as const;

/** What the functions read at cold start; dummy values, nothing is called. */
const ENV = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:vpc-guardrail',
  VPC_GUARDRAIL_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/vpc-guardrail',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Wall time of one fresh `node` process running `code` as an ES module. */
function wall(code: string, extraArgs: string[] = []): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [...extraArgs, '--input-type=module', '-e', code], {
    env: ENV,
    stdio: 'pipe',
  });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** In-process duration of `import()` of the bundle, as the child measures it. */
function importInProcess(url: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    env: ENV,
    stdio: 'pipe',
  });
  return Number(out.toString());
}

function main(): void {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 15;
  const profile = args.includes('--cpu-prof');
  const rows: string[] = [];
  const results: Record<string, unknown>[] = [];
  // Warm the file cache so the first measured process is not slower than the rest.
  wall('');
  const bare = median(Array.from({ length: runs }, () => wall('')));
  for (const bundle of BUNDLES) {
    const path = `${ROOT}${bundle}`;
    if (!existsSync(path)) {
      rows.push(`${bundle.padEnd(46)} not built`);
      continue;
    }
    const url = pathToFileURL(path).href;
    // The CLI runs its command on import: give it `help`, which prints and exits 0.
    const cli = bundle.includes('/cli/');
    const code = cli
      ? `process.argv.push('_', 'help'); await import(${JSON.stringify(url)});`
      : `await import(${JSON.stringify(url)});`;
    wall(code);
    const full = median(Array.from({ length: runs }, () => wall(code)));
    const inProcess = cli ? Number.NaN : median(Array.from({ length: runs }, () => importInProcess(url)));
    if (profile) {
      mkdirSync(`${ROOT}bench/out`, { recursive: true });
      wall(code, ['--cpu-prof', `--cpu-prof-dir=${ROOT}bench/out`, '--cpu-prof-interval=100']);
    }
    const bytes = statSync(path).size;
    results.push({ bundle, bytes, overBareNodeMs: full - bare, importMs: inProcess });
    rows.push(
      `${bundle.padEnd(46)} ${(bytes / 1024).toFixed(1).padStart(8)} KB ${(full - bare).toFixed(1).padStart(8)} ms ${inProcess
        .toFixed(1)
        .padStart(8)} ms`,
    );
  }
  process.stdout.write(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), median of ${runs} runs; bare node start ${bare.toFixed(1)} ms\n` +
      `${'bundle'.padEnd(46)} ${'size'.padStart(11)} ${'over bare'.padStart(11)} ${'import()'.padStart(11)}\n${rows.join('\n')}\n`,
  );
  if (profile) process.stdout.write(`CPU profiles in bench/out/ (open in Chrome DevTools or speedscope)\n`);
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ bare, results })}\n`);
}

main();
