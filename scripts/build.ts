import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { lambdaEnvCredentials, sdkSchemaTreeShaking, zodNamespaceImports } from './esbuild-plugins';

// `npm run build`: one ESM bundle per Lambda (dist/functions/<name>/index.mjs, what the stack
// deploys) and the CLI (dist/cli/vpc-guardrail.mjs). Fails when a function bundle exceeds its
// size budget (DESIGN §12); import time is measured by `npm run bench:bundle`.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda functions: folder under functions/ and dist/functions/. */
export const FUNCTIONS = ['on-network-change', 'audit'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** Budget per function bundle (DESIGN §12). */
export const BUNDLE_BUDGET_BYTES = 1_000_000;

export const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  // The SDK's ESM builds tree-shake; its CommonJS builds do not (1.55 MB vs 0.9 MB, TOOLCHAIN.md).
  mainFields: ['module', 'main'],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

export interface BundleReport {
  name: string;
  file: string;
  bytes: number;
  /** Output bytes per package (or `src` for this project's code), largest first. */
  byPackage: { name: string; bytes: number }[];
}

/** The output of the (single) entry point: the bundle itself, not its source map. */
function entryOutput(metafile: Metafile): Metafile['outputs'][string] | undefined {
  return Object.values(metafile.outputs).find((output) => output.entryPoint !== undefined);
}

/** Groups a metafile output's bytes by npm package (scoped packages keep their scope). */
export function bytesByPackage(metafile: Metafile): { name: string; bytes: number }[] {
  const output = entryOutput(metafile);
  if (!output) return [];
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match?.[1] ?? 'src';
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

async function bundle(
  name: string,
  entry: string,
  outdir: string,
  outfile: string,
  options: BuildOptions,
): Promise<BundleReport> {
  const result = await build({ ...COMMON, ...options, entryPoints: [entry], outfile });
  const metafile = result.metafile;
  if (!metafile) throw new Error(`esbuild gave no metafile for ${name}`);
  // Metafiles go beside, not inside, the function folders: those folders are the deployed assets.
  await mkdir(`${outdir}/meta`, { recursive: true });
  await writeFile(`${outdir}/meta/${name}.json`, JSON.stringify(metafile));
  const bytes = entryOutput(metafile)?.bytes ?? 0;
  return { name, file: relative(process.cwd(), outfile), bytes, byPackage: bytesByPackage(metafile) };
}

/** The folders (under node_modules) of the packages a bundle inlines, by package name. */
function bundledPackageDirs(metafile: Metafile): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const path of Object.keys(entryOutput(metafile)?.inputs ?? {})) {
    // The last node_modules segment: a nested copy is the package that was actually bundled.
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(path);
    if (match?.[1] && match[2] && !dirs.has(match[2])) dirs.set(match[2], match[1]);
  }
  return dirs;
}

/**
 * The licence notices of every package inlined in a bundle (MIT and Apache-2.0 both ask that
 * their text travel with the code): packages grouped by identical licence text, sorted by name.
 */
export async function thirdPartyNotices(metafile: Metafile): Promise<string> {
  const byText = new Map<string, string[]>();
  for (const [name, dir] of [...bundledPackageDirs(metafile)].sort(([a], [b]) => a.localeCompare(b))) {
    const manifest = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8')) as {
      version?: string;
      license?: string;
    };
    const file = (await readdir(join(ROOT, dir))).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = file
      ? (await readFile(join(ROOT, dir, file), 'utf8')).trim()
      : `${manifest.license ?? 'UNKNOWN'} (the package ships no licence file)`;
    const label = `${name}@${manifest.version ?? '?'} (${manifest.license ?? 'UNKNOWN'})`;
    byText.set(text, [...(byText.get(text) ?? []), label]);
  }
  const sections = [...byText].map(([text, packages]) => `${packages.join('\n')}\n\n${text}\n`);
  return `Third-party software inlined in this bundle, with its licence notices.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}

/** Bundles one Lambda function to `<outdir>/functions/<name>/index.mjs` (with its map and metafile). */
export async function buildFunction(name: FunctionName, outdir = `${ROOT}dist`): Promise<BundleReport> {
  const entry = `${ROOT}functions/${name}/handler.ts`;
  if (!existsSync(entry)) throw new Error(`missing ${relative(ROOT, entry)}: every function needs a handler`);
  await mkdir(`${outdir}/functions/${name}`, { recursive: true });
  return bundle(name, entry, outdir, `${outdir}/functions/${name}/index.mjs`, {
    plugins: [sdkSchemaTreeShaking(), zodNamespaceImports(), lambdaEnvCredentials()],
  });
}

/**
 * Bundles the CLI to `<outdir>/cli/vpc-guardrail.mjs`: self-contained (every library inlined), so
 * the npm package needs no runtime dependency. `bin` points at this file.
 */
export async function buildCli(outdir = `${ROOT}dist`): Promise<BundleReport> {
  await mkdir(`${outdir}/cli`, { recursive: true });
  const report = await bundle('cli', `${ROOT}cli/bin.ts`, outdir, `${outdir}/cli/vpc-guardrail.mjs`, {
    // The CLI keeps the SDK's full credential chain (profiles, SSO, …) for local credentials.
    plugins: [sdkSchemaTreeShaking(), zodNamespaceImports()],
    // cli-progress is CommonJS and requires Node built-ins (readline): give the ESM bundle a require.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    // Only loaded in a source checkout whose sources are newer than the bundle (cli/freshness.ts).
    external: ['tsx'],
    // The map stays beside the bundle for debugging in a checkout; the package does not ship it,
    // so the bundle names no map file it would not find.
    sourcemap: 'external',
  });
  const metafile = JSON.parse(await readFile(`${outdir}/meta/cli.json`, 'utf8')) as Metafile;
  await writeFile(`${outdir}/cli/THIRD-PARTY-LICENSES.txt`, await thirdPartyNotices(metafile));
  return report;
}

/** Builds every function and the CLI; returns what each bundle weighs. */
export async function buildAll(outdir = `${ROOT}dist`): Promise<BundleReport[]> {
  await rm(`${outdir}/functions`, { recursive: true, force: true });
  const reports: BundleReport[] = [];
  for (const name of FUNCTIONS) reports.push(await buildFunction(name, outdir));
  reports.push(await buildCli(outdir));
  return reports;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A short table: each bundle's size and its five heaviest packages. */
export function formatReports(reports: readonly BundleReport[]): string {
  const lines = reports.map((r) => {
    const top = r.byPackage
      .slice(0, 5)
      .map((p) => `${p.name} ${kb(p.bytes)}`)
      .join(', ');
    return `${r.file.padEnd(40)} ${kb(r.bytes).padStart(10)}   ${top}`;
  });
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  // `--cli`: the CLI bundle alone (`prepare`/`prepack`: what `bin` and the npm package need).
  if (process.argv.includes('--cli')) {
    process.stdout.write(formatReports([await buildCli()]));
    return;
  }
  const reports = await buildAll();
  process.stdout.write(formatReports(reports));
  await writeFile(`${ROOT}dist/bundle-report.json`, `${JSON.stringify(reports, null, 2)}\n`);
  const over = reports.filter((r) => r.name !== 'cli' && r.bytes > BUNDLE_BUDGET_BYTES);
  for (const r of over)
    process.stderr.write(`over budget: ${r.file} is ${kb(r.bytes)} (budget ${kb(BUNDLE_BUDGET_BYTES)})\n`);
  if (over.length > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
