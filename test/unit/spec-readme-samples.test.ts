import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';

// The README as a new user meets it (spec matrix "readme"): the outputs it shows for the commands
// it gives are what those commands print. Each sample below is taken from the README itself, so a
// change to the output or to the README that makes them differ fails here.

const README = readFileSync('README.md', 'utf8');
const DEMO = 'examples/demo-snapshot.json';
const EVENT = 'examples/events/authorize-bastion-ssh-world-and-office.json';

async function cli(args: string[]) {
  const env = memoryIo();
  const code = await runCli(args, env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

/** The bodies of the first `count` fenced blocks that follow `after` in the README. */
function blocksAfter(after: string, count: number): string[] {
  const at = README.indexOf(after);
  expect(at, after).toBeGreaterThan(-1);
  const blocks: string[] = [];
  let from = at + after.length;
  while (blocks.length < count) {
    const open = README.indexOf('\n```', from);
    const body = README.indexOf('\n', open + 1) + 1;
    const close = README.indexOf('\n```', body);
    blocks.push(README.slice(body, close));
    from = close + 4;
  }
  return blocks;
}

/**
 * Whether `sample` is `output` as the README abridges it: runs of lines separated by `  …`, the
 * first run at the very start, each run contiguous in `output` and the runs in order.
 */
function abridges(sample: string[], output: string[]): boolean {
  const runs: string[][] = [[]];
  for (const line of sample) {
    if (line === '  …') runs.push([]);
    else runs.at(-1)?.push(line);
  }
  let from = 0;
  return runs.every((run, index) => {
    const at = output.findIndex(
      (_, start) => start >= from && run.every((line, offset) => output[start + offset] === line),
    );
    if (at < 0 || (index === 0 && at !== 0)) return false;
    from = at + run.length;
    return true;
  });
}

describe('README "Quick start": the demo output it shows', () => {
  it('is what npm run demo prints, abridged at its "…" lines', async () => {
    // Prepare
    const [sample = ''] = blocksAfter('The demo prints a report grouped by severity', 1);

    // Act
    const run = await cli(['audit', '--snapshot', DEMO, '--fail-on', 'none']);

    // Assess
    expect(run.code).toBe(0);
    expect(sample.split('\n').length).toBeGreaterThan(8);
    expect(abridges(sample.split('\n'), run.stdout.split('\n'))).toBe(true);
  });
});

describe('README "vpc-guardrail simulate": the sample output', () => {
  it('is the start of what the command it shows prints, line for line, up to its "…"', async () => {
    // Prepare: the command block, then the output block the README prints under it
    const [command = '', output = ''] = blocksAfter('### `vpc-guardrail simulate`', 2);
    expect(
      command
        .replace(/\\\n\s*/g, '')
        .split(/\s+/)
        .filter(Boolean),
    ).toEqual([
      'npm',
      'run',
      'vpc-guardrail',
      '--',
      'simulate',
      '--event',
      EVENT,
      '--snapshot',
      DEMO,
      '--mode',
      'remediate',
    ]);
    const sample = output.split('\n');
    expect(sample.at(-1)).toBe('  …');
    const shown = sample.slice(0, -1);

    // Act
    const run = await cli(['simulate', '--event', EVENT, '--snapshot', DEMO, '--mode', 'remediate']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, shown.length)).toEqual(shown);
  });
});

describe('README "Output formats": the demo figures it quotes', () => {
  it('the table opens "11 findings, 1 suppressed" and lists 12 (json: findings.length = total + suppressed)', async () => {
    // Prepare: the sentence that quotes the demo
    expect(README).toContain('(the demo\'s "11 findings, 1 suppressed" above 12 listed)');

    // Act
    const table = await cli(['audit', '--snapshot', DEMO, '--fail-on', 'none']);
    const json = await cli(['audit', '--snapshot', DEMO, '--fail-on', 'none', '--format', 'json']);

    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe('VPC Guardrail: 11 findings, 1 suppressed');
    const report = JSON.parse(json.stdout) as {
      findings: unknown[];
      summary: { total: number; suppressed: number };
    };
    expect(report.findings).toHaveLength(12);
    expect(report.summary.total).toBe(11);
    expect(report.summary.suppressed).toBe(1);
  });

  it('the SARIF category example of a --vpc part that is not hex is the one the demo gives', async () => {
    // Prepare: the README's example
    const example = /`--vpc (vpc-[^`]+)` gives `(vpcs-[^`]+)`/.exec(README);
    expect(example).not.toBeNull();
    const [, vpc = '', part = ''] = example ?? [];

    // Act
    const run = await cli([
      'audit',
      '--snapshot',
      DEMO,
      '--vpc',
      vpc,
      '--format',
      'sarif',
      '--fail-on',
      'none',
    ]);

    // Assess: the count is the number of VPCs (one), the digest that of the demo VPC's id
    expect(run.code).toBe(0);
    const sarif = JSON.parse(run.stdout) as { runs: { automationDetails?: { id: string } }[] };
    expect(sarif.runs[0]?.automationDetails?.id).toBe(`vpc-guardrail/111122223333/eu-west-1/${part}`);
    expect(part).toBe('vpcs-1-1e2b4d59265a/');
  });
});

describe('README "Quick start" and "The vpc-guardrail command": what the demo commands exit with', () => {
  it('npm run demo exits 0 whatever it finds; the installed command on the demo exits 1 (critical findings)', async () => {
    // Prepare: the demo script is the audit of the demo snapshot with --fail-on none
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts.demo).toBe(`node --import tsx cli/bin.ts audit --snapshot ${DEMO} --fail-on none`);
    expect(README).toContain(
      'npm ci && npm run demo     # audit the demo VPC in examples/demo-snapshot.json (exit 0 whatever it finds)',
    );
    expect(README).toContain('examples/demo-snapshot.json"   # exit 1: it finds critical issues');

    // Act
    const demo = await cli(['audit', '--snapshot', DEMO, '--fail-on', 'none']);
    const plain = await cli(['audit', '--snapshot', DEMO]);

    // Assess
    expect(demo.code).toBe(0);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('CRITICAL (2)');
  });
});
