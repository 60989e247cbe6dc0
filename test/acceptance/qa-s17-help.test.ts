import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { programHelpFooter, readmePath } from '../../cli/help';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';

// QA s17, the user path (DESIGN §11): `--help` as an engineer reads it in an 80-column terminal.
// Found: the top-level help's exit-code lines ran to 94 columns, `audit --help` (the command a
// pipeline gates on) did not say its exit codes at all, and "Documentation: README.md of the
// package" did not say where an installed package's README is.

async function help(argv: string[]): Promise<string> {
  const { io, stdout } = memoryIo();
  expect(await runCli(argv, io)).toBe(0);
  return stdout();
}

let temp = '';
afterEach(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
  temp = '';
});

describe('QA s17: --help', () => {
  it.each([[[]], [['audit']], [['snapshot']], [['simulate']]])(
    '%j --help fits 80 columns',
    async (command) => {
      const text = await help([...command, '--help']);
      expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
    },
  );

  it('audit --help states its exit codes (DESIGN §11) and shows examples', async () => {
    const text = (await help(['audit', '--help'])).replace(/\s+/g, ' ');
    expect(text).toContain(
      'Exit codes: 0 no unsuppressed finding at or above --fail-on; 1 at least one; 2 usage or input error (stderr names it), or with --accounts or --organization an account-region that could not be read (stderr names it), or with --import-to-security-hub findings Security Hub did not take.',
    );
    expect(text).toContain('Examples: vpc-guardrail audit --snapshot snapshot.json');
  });

  it('snapshot --help and simulate --help state theirs: 0 done, 2 usage or input error', async () => {
    expect((await help(['snapshot', '--help'])).replace(/\s+/g, ' ')).toContain(
      'Exit codes: 0 written; 2 usage or input error, or a region or account-region that could not be read (stderr names it).',
    );
    expect((await help(['simulate', '--help'])).replace(/\s+/g, ' ')).toContain(
      'Exit codes: 0 the simulation ran, whatever it found (audit --fail-on is the gate); 2 usage or input error (stderr names it).',
    );
  });

  it('names the README of the checkout it runs from', async () => {
    const text = await help(['--help']);
    expect(text).toContain(
      `Documentation (snapshot format, rules, configuration, deploy):\n  ${join(process.cwd(), 'README.md')}\n`,
    );
  });

  it('finds the README of an installed package from its bundle (dist/cli/vpc-guardrail.mjs)', () => {
    // Prepare: the layout `npm install -g` makes under <prefix>/lib/node_modules
    temp = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-help-'));
    const pkg = join(temp, 'lib', 'node_modules', 'vpc-guardrail');
    mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'vpc-guardrail' }));
    writeFileSync(join(pkg, 'README.md'), '# VPC Guardrail\n');
    // Act
    const found = readmePath(join(pkg, 'dist', 'cli', 'vpc-guardrail.mjs'));
    // Assess
    expect(found).toBe(join(pkg, 'README.md'));
  });

  it("names no path when no README of this package is beside it (another package's is not ours)", () => {
    temp = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-help-'));
    mkdirSync(join(temp, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(temp, 'package.json'), JSON.stringify({ name: 'something-else' }));
    writeFileSync(join(temp, 'README.md'), '# Something else\n');
    expect(readmePath(join(temp, 'dist', 'cli', 'vpc-guardrail.mjs'))).toBeUndefined();
    expect(programHelpFooter(undefined)).toContain(
      'Documentation: README.md of the package (snapshot format, rules, configuration, deploy).',
    );
  });
});
