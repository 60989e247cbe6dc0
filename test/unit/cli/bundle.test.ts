import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../../scripts/build';

// The built CLI bundles CommonJS dependencies (cli-progress needs `readline`): it must run as ESM.
const run = promisify(execFile);
let outdir = '';

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-cli-'));
  await buildCli(outdir);
}, 60_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('the CLI bundle', () => {
  it('runs and offers the organization options', async () => {
    const { stdout } = await run(process.execPath, [
      join(outdir, 'cli', 'vpc-guardrail.mjs'),
      'audit',
      '--help',
    ]);
    expect(stdout).toContain('--organization');
    expect(stdout).toContain('--role-name <name>');
  });
});
