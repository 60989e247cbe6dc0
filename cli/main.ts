import { Command, CommanderError } from 'commander';
import { InputError } from '../shared/errors';
import { VERSION } from '../shared/version';
import { registerAudit } from './commands/audit';
import { registerSimulate } from './commands/simulate';
import { registerSnapshot } from './commands/snapshot';
import { programHelpFooter, readmePath } from './help';
import { type CliIo, EXIT, processIo } from './io';
import { escapeErrorLine } from './terminal-text';

export { escapeErrorLine };

/**
 * Commander's usage errors with what to do where its own line does not say it: a stray argument
 * (`audit snapshot.json`, `--regions eu-west-1 us-east-1`) and a command it cannot guess.
 */
export function withUsageHint(text: string): string {
  const stray = /^error: too many arguments for '([\w-]+)'/.exec(text);
  if (stray) {
    const command = stray[1] ?? '';
    return `${text}(each value follows its option, e.g. --snapshot FILE; lists are comma-separated, e.g. --regions eu-west-1,us-east-1; see vpc-guardrail ${command} --help)\n`;
  }
  if (/^error: unknown command /.test(text) && !text.includes('Did you mean')) {
    return `${text}(the commands are audit, snapshot and simulate; see vpc-guardrail --help)\n`;
  }
  return text;
}

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
    // A function: the README's path is looked up only when help is shown.
    .addHelpText('after', () => programHelpFooter(readmePath()))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(escapeErrorLine(withUsageHint(s))),
    });
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
      // The message may quote the input (a JSON parse error quotes the file's bytes, an issue a key).
      io.stderr(`vpc-guardrail: ${escapeErrorLine(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
