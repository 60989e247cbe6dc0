import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// Standard input (`-`) can be read once, and an empty file is said to be empty, whichever option
// names it (DESIGN §11: exit 2, the message names the problem).

const SNAPSHOT = 'examples/demo-snapshot.json';
const EVENT = 'examples/events/authorize-bastion-ssh-world-and-office.json';

/** An io whose standard input holds `stdin` (read as `-`), for one read only, as a pipe is. */
function withStdin(stdin: string) {
  const env = memoryIo();
  let read = false;
  const readText = env.io.readText;
  env.io.readText = async (path) => {
    if (path !== '-') return readText(path);
    const text = read ? '' : stdin;
    read = true;
    return text;
  };
  return env;
}

describe('standard input named twice', () => {
  it.each([
    [['audit', '--snapshot', '-', '--config', '-'], '--snapshot and --config'],
    [['simulate', '--event', '-', '--snapshot', '-'], '--event and --snapshot'],
    [['simulate', '--event', EVENT, '--snapshot', '-', '--config', '-'], '--snapshot and --config'],
    [['simulate', '--event', '-', '--event', '-', '--snapshot', SNAPSHOT], '--event and --event'],
  ])('%j is a usage error naming %s, before anything is read', async (args, options) => {
    // Prepare: the snapshot on stdin, which the first read would have taken for the config
    const { io, stdout, stderr } = withStdin(readFileSync(SNAPSHOT, 'utf8'));

    // Act
    const code = await runCli(args, io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      `vpc-guardrail: invalid options:\n  ${options}: standard input (-) can be read only once; give a file for all but one\n`,
    );
  });

  it('reads one option from standard input as before', async () => {
    // Prepare
    const { io, stdout } = withStdin(readFileSync(SNAPSHOT, 'utf8'));

    // Act
    const code = await runCli(['audit', '--snapshot', '-', '--format', 'json', '--fail-on', 'none'], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout()).findings.length).toBeGreaterThan(0);
  });
});

describe('an empty file', () => {
  it.each([
    [['simulate', '--event', 'e.json', '--snapshot', SNAPSHOT], 'invalid event e.json'],
    [['audit', '--snapshot', SNAPSHOT, '--config', 'e.json'], 'invalid config file e.json'],
    [
      ['simulate', '--event', EVENT, '--snapshot', SNAPSHOT, '--config', 'e.json'],
      'invalid config file e.json',
    ],
  ])('%j says the file is empty', async (args, what) => {
    // Prepare
    const { io, stderr } = memoryIo({ 'e.json': ' \n' });

    // Act
    const code = await runCli(args, io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toBe(`vpc-guardrail: ${what}:\n  (root): the file is empty\n`);
  });
});

describe('empty standard input', () => {
  it.each([
    [['audit', '--snapshot', '-'], 'invalid snapshot -'],
    [['simulate', '--event', EVENT, '--snapshot', '-'], 'invalid snapshot -'],
    [['simulate', '--event', '-', '--snapshot', SNAPSHOT], 'invalid event -'],
    [['audit', '--snapshot', SNAPSHOT, '--config', '-'], 'invalid config file -'],
  ])('%j says nothing was piped in, not that a file is empty', async (args, what) => {
    // Prepare: `-` with nothing piped (a failed command before the pipe)
    const { io, stderr } = withStdin(' \n');

    // Act
    const code = await runCli(args, io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toBe(
      `vpc-guardrail: ${what}:\n  (root): standard input is empty (nothing was piped in)\n`,
    );
  });
});
