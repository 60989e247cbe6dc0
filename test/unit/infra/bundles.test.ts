import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, type BundleReport, buildFunction, FUNCTIONS } from '../../../scripts/build';

// What the stack deploys: every function bundle builds, stays within its size budget, carries no
// credential provider a Lambda never uses, and loads in a plain `node` with the stack's environment.

const run = promisify(execFile);
let outdir = '';
const reports: BundleReport[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-bundles-'));
  for (const name of FUNCTIONS) reports.push(await buildFunction(name, outdir));
}, 60_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe.each(FUNCTIONS.map((name) => [name]))('the %s bundle', (name) => {
  it('is within the size budget and leaves out the credential providers a Lambda never uses', () => {
    // Assess
    const report = reports.find((r) => r.name === name);
    expect(report?.bytes).toBeGreaterThan(0);
    expect(report?.bytes ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    const packages = (report?.byPackage ?? []).map((p) => p.name);
    expect(packages).toContain('@aws-sdk/client-ec2');
    expect(
      packages.filter((p) => /credential-provider-(?!env)|nested-clients|token-providers/.test(p)),
    ).toEqual([]);
  });

  it('loads with the environment the stack sets and exports the handler', async () => {
    // Prepare
    const url = pathToFileURL(join(outdir, 'functions', name, 'index.mjs')).href;

    // Act
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(url)}); process.stdout.write(typeof m.handler);`,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'eu-west-1',
          VPC_GUARDRAIL_MODE: 'notify',
          VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:vpc-guardrail',
          VPC_GUARDRAIL_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/guardrail',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      },
    );

    // Assess
    expect(stdout).toBe('function');
  });
});
