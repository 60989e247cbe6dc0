import { EXIT } from './io';
import { runCli } from './main';

// The process entry point: exit code from the CLI, and never a raw crash without a message.
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`vpc-guardrail: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.usage;
  },
);
