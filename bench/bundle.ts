import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { COMMON } from '../scripts/build';
import { lambdaEnvCredentials, sdkSchemaTreeShaking, zodNamespaceImports } from '../scripts/esbuild-plugins';

// `npm run bench:bundle [-- --runs N] [--compare] [--cpu-prof] [--json]`: cold import time of each
// built bundle over a bare `node` start (DESIGN §12 budget: ≤ 100 ms), from N fresh processes
// (median and best), plus the in-process time of the `import()` itself. `--compare` also builds
// the audit function without each of the build's size cuts, to show what each one buys.
// Run `npm run build` first.

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

interface Timing {
  median: number;
  best: number;
}

function timing(values: number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, best: sorted[0] ?? 0 };
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

interface Row {
  bundle: string;
  bytes: number;
  overBare: Timing;
  importMs?: Timing;
}

function measure(label: string, path: string, runs: number, bare: Timing, profile: boolean): Row {
  const url = pathToFileURL(path).href;
  // The CLI runs its command on import: give it `help`, which prints and exits 0.
  const cli = path.includes(`${join('dist', 'cli')}`);
  const code = cli
    ? `process.argv.push('_', 'help'); await import(${JSON.stringify(url)});`
    : `await import(${JSON.stringify(url)});`;
  wall(code); // warm the file cache
  const full = timing(Array.from({ length: runs }, () => wall(code)));
  const row: Row = {
    bundle: label,
    bytes: statSync(path).size,
    overBare: { median: full.median - bare.median, best: full.best - bare.best },
  };
  if (!cli) row.importMs = timing(Array.from({ length: runs }, () => importInProcess(url)));
  if (profile) {
    mkdirSync(`${ROOT}bench/out`, { recursive: true });
    wall(code, ['--cpu-prof', `--cpu-prof-dir=${ROOT}bench/out`, '--cpu-prof-interval=100']);
  }
  return row;
}

/** The audit function built without some of the build's cuts, for `--compare`. */
async function variants(dir: string): Promise<{ label: string; path: string }[]> {
  const list: [string, Plugin[]][] = [
    ['audit, no cuts (plain esbuild)', []],
    ['audit, + SDK schema tree-shaking', [sdkSchemaTreeShaking()]],
    ['audit, + zod namespace import', [sdkSchemaTreeShaking(), zodNamespaceImports()]],
    [
      'audit, + env-only credentials (= dist)',
      [sdkSchemaTreeShaking(), zodNamespaceImports(), lambdaEnvCredentials()],
    ],
  ];
  const out: { label: string; path: string }[] = [];
  for (const [index, [label, plugins]] of list.entries()) {
    const path = join(dir, `variant-${index}.mjs`);
    await build({
      ...COMMON,
      metafile: false,
      plugins,
      entryPoints: [`${ROOT}functions/audit/handler.ts`],
      outfile: path,
    });
    out.push({ label, path });
  }
  return out;
}

const fmt = (ms: number) => ms.toFixed(1).padStart(6);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 15;
  const profile = args.includes('--cpu-prof');
  wall('');
  const bare = timing(Array.from({ length: runs }, () => wall('')));
  const rows: Row[] = [];
  for (const bundle of BUNDLES) {
    const path = `${ROOT}${bundle}`;
    if (existsSync(path)) rows.push(measure(bundle, path, runs, bare, profile));
    else process.stderr.write(`${bundle}: not built (run npm run build)\n`);
  }
  if (args.includes('--compare')) {
    const dir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-variants-'));
    try {
      for (const variant of await variants(dir))
        rows.push(measure(variant.label, variant.path, runs, bare, false));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const lines = rows.map(
    (r) =>
      `| ${r.bundle} | ${(r.bytes / 1024).toFixed(1)} KB | ${fmt(r.overBare.median)} / ${fmt(r.overBare.best)} | ${
        r.importMs ? `${fmt(r.importMs.median)} / ${fmt(r.importMs.best)}` : '—'
      } |`,
  );
  process.stdout.write(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${runs} runs each; ` +
      `bare node start ${bare.median.toFixed(1)} ms (median) / ${bare.best.toFixed(1)} ms (best)\n\n` +
      '| bundle | size | over bare node, ms (median / best) | `import()`, ms (median / best) |\n' +
      `| --- | ---: | ---: | ---: |\n${lines.join('\n')}\n`,
  );
  if (profile) process.stdout.write('\nCPU profiles in bench/out/ (open in Chrome DevTools or speedscope)\n');
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ bare, rows })}\n`);
}

await main();
