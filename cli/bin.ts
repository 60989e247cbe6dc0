import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleBundleCause } from './freshness';
import { EXIT } from './io';
import { runCli } from './main';

/** Runs the CLI in this process: exit code from the CLI, and never a raw crash without a message. */
function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vpc-guardrail: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}

// The process entry point. Built into dist/cli/vpc-guardrail.mjs, it first makes sure that, in a
// source checkout, it is not older than the sources; if it is, the sources run instead (through
// tsx, a dev dependency a checkout has), so `npx vpc-guardrail` always runs what is checked out.
const stale = staleBundleCause(fileURLToPath(import.meta.url));
if (stale) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(`${stale.root}/cli/bin.ts`).href);
} else {
  main();
}
