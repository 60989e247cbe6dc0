import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// The README's usage block and each command's --help show the same usage lines (DESIGN §11), so
// neither can drift from the other. Compared with runs of spaces collapsed (the columns differ).
const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The usage forms of `vpc-guardrail <command> --help`: its "Usage:" lines up to the blank line. */
async function usageForms(command: string): Promise<string[]> {
  const env = memoryIo();
  expect(await runCli([command, '--help'], env.io)).toBe(0);
  const usage = env.stdout().split('\n\n')[0] ?? '';
  return squeeze(usage.replace(/^Usage: /, ''))
    .split(/ (?=vpc-guardrail )/)
    .map((form) => (form.startsWith('vpc-guardrail ') ? form : `vpc-guardrail ${command} ${form}`));
}

/** The README's usage block, one form per command line. */
function readmeForms(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```\n(vpc-guardrail audit [\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return squeeze(block).split(/ (?=vpc-guardrail )/);
}

describe('usage lines', () => {
  it.each(['audit', 'simulate', 'snapshot'])('of %s are the README usage block lines', async (command) => {
    const forms = await usageForms(command);
    expect(forms.length).toBeGreaterThan(0);
    for (const form of forms) expect(readmeForms()).toContain(form);
  });
});

describe('the exit codes --help states', () => {
  it('include exit 2 for an account-region that could not be read (DESIGN §15, README "Audits across the organization")', async () => {
    const env = memoryIo();
    expect(await runCli(['--help'], env.io)).toBe(0);
    expect(squeeze(env.stdout())).toContain(
      'with --accounts or --organization an account-region that could not be read (the report is incomplete; stderr names it)',
    );
  });
});
