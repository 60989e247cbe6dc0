import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';

// The CLI as a user types it (small8 review): option values in any case, and errors that name
// what was given and where.

const DEMO = readFileSync(new URL('../../examples/demo-snapshot.json', import.meta.url), 'utf8');

async function cli(args: string[], files: Record<string, string> = {}) {
  const env = memoryIo({ 'demo.json': DEMO, ...files });
  const code = await runCli(args, env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

describe('option values in any case: --fail-on, --format, simulate --mode', () => {
  it('--fail-on HIGH and --format JSON mean high and json', async () => {
    const lower = await cli(['audit', '--snapshot', 'demo.json', '--fail-on', 'high', '--format', 'json']);
    const upper = await cli(['audit', '--snapshot', 'demo.json', '--fail-on', 'HIGH', '--format', 'JSON']);
    expect(upper).toEqual(lower);
    expect(upper.code).toBe(1);
    expect(JSON.parse(upper.stdout).summary.total).toBe(11);
    // The demo's worst is critical: --fail-on Critical exits 1, NONE exits 0.
    expect((await cli(['audit', '--snapshot', 'demo.json', '--fail-on', 'Critical'])).code).toBe(1);
    expect((await cli(['audit', '--snapshot', 'demo.json', '--fail-on', 'NONE'])).code).toBe(0);
  });

  it('a value that is no choice in any case is a usage error listing the accepted spellings', async () => {
    const { code, stdout, stderr } = await cli(['audit', '--snapshot', 'demo.json', '--fail-on', ' high']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "error: option '--fail-on <severity>' argument ' high' is invalid. Allowed choices are critical, high, medium, low, info, none (in any case).\n",
    );
    expect((await cli(['audit', '--snapshot', 'demo.json', '--format', 'yaml'])).stderr).toContain(
      'Allowed choices are table, json, sarif, asff (in any case).',
    );
  });

  it('simulate --mode Dry-Run and --format JSON', async () => {
    const event = readFileSync(
      new URL('../../examples/events/authorize-bastion-ssh-world-and-office.json', import.meta.url),
      'utf8',
    );
    const args = (mode: string, format: string) => [
      'simulate',
      '--event',
      'e.json',
      '--snapshot',
      'demo.json',
      '--mode',
      mode,
      '--format',
      format,
    ];
    const lower = await cli(args('dry-run', 'json'), { 'e.json': event });
    const mixed = await cli(args('Dry-Run', 'JSON'), { 'e.json': event });
    expect(mixed).toEqual(lower);
    expect(mixed.code).toBe(0);
    expect((await cli(args('dryrun', 'json'), { 'e.json': event })).stderr).toContain(
      'Allowed choices are notify, remediate, dry-run (in any case).',
    );
  });

  it('a configuration value stays exact, and its error shows what was given', async () => {
    const { code, stderr } = await cli(['audit', '--snapshot', 'demo.json', '--config', 'c.json'], {
      'c.json': '{"mode":"Remediate"}',
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vpc-guardrail: invalid config file c.json:\n  mode: expected one of "notify", "remediate", "dry-run", got a string ("Remediate")\n',
    );
  });
});

describe('a refused snapshot is named by its file, whatever refused it', () => {
  const badPort = JSON.stringify({
    SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: '22', ToPort: 22 }] }],
  });
  const line = '  SecurityGroups[0].IpPermissions[0].FromPort: expected a number, got a string ("22")\n';

  it('audit: the schema, a misspelt top-level key and a parse error', async () => {
    const schema = await cli(['audit', '--snapshot', 'bad.json'], { 'bad.json': badPort });
    expect(schema.code).toBe(2);
    expect(schema.stderr).toBe(`vpc-guardrail: invalid snapshot bad.json:\n${line}`);
    const key = await cli(['audit', '--snapshot', 'bad.json'], { 'bad.json': '{"securityGroups": []}' });
    expect(key.stderr).toBe(
      'vpc-guardrail: invalid snapshot bad.json:\n  securityGroups: unknown key; did you mean SecurityGroups?\n',
    );
    const notObject = await cli(['audit', '--snapshot', 'bad.json'], { 'bad.json': '42' });
    expect(notObject.stderr).toBe(
      'vpc-guardrail: invalid snapshot bad.json:\n  (root): expected an object of Describe* lists\n',
    );
    const parse = await cli(['audit', '--snapshot', 'bad.json'], { 'bad.json': '{"Vpcs": [' });
    expect(parse.stderr).toMatch(/^vpc-guardrail: invalid snapshot bad\.json:\n {2}\(root\): not JSON/);
  });

  it('simulate names the file too', async () => {
    const event = readFileSync(
      new URL('../../examples/events/authorize-bastion-ssh-world-and-office.json', import.meta.url),
      'utf8',
    );
    const { code, stderr } = await cli(['simulate', '--event', 'e.json', '--snapshot', 'bad.json'], {
      'e.json': event,
      'bad.json': badPort,
    });
    expect(code).toBe(2);
    expect(stderr).toBe(`vpc-guardrail: invalid snapshot bad.json:\n${line}`);
  });

  it('a file of several snapshots: the file, the element and its account-region', async () => {
    const several = JSON.stringify([
      { accountId: '111122223333', region: 'eu-west-1', Vpcs: [] },
      { accountId: '444455556666', region: 'eu-west-1', ...JSON.parse(badPort) },
    ]);
    const { code, stderr } = await cli(['audit', '--snapshot', 'all.json'], { 'all.json': several });
    expect(code).toBe(2);
    expect(stderr).toBe(`vpc-guardrail: invalid snapshot all.json [1] (444455556666 eu-west-1):\n${line}`);
  });
});
