import { Command, CommanderError } from 'commander';
import { InputError } from '../shared/errors';
import { VERSION } from '../shared/version';
import { registerAudit } from './commands/audit';
import { registerSimulate } from './commands/simulate';
import { registerSnapshot } from './commands/snapshot';
import { type CliIo, EXIT, processIo } from './io';

const HELP_FOOTER = `
Exit codes: audit: 0 no unsuppressed finding at or above --fail-on, 1 at least one; simulate,
snapshot: 0 done; every command: 2 usage or input error (the message on stderr names it), and
with --accounts or --organization an account-region that could not be read (the report is
incomplete; stderr names it).
Documentation: README.md of the package (snapshot format, rules, configuration).
Installed from the package, this runs the bundled CLI. In a source checkout, a bundle older
than its sources (cli/, shared/, scripts/, package.json) is never run: the sources run instead,
through tsx.
`;

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('vpc-guardrail')
    .description(
      'Guardrail for AWS VPC network security: audit snapshots, regions and organizations, simulate CloudTrail events, record snapshots.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .addHelpText('after', HELP_FOOTER)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  registerAudit(program, io, setExit);
  registerSnapshot(program, io, setExit);
  registerSimulate(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; everything else is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof InputError) {
      io.stderr(`vpc-guardrail: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
