import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpcGuardrailStack } from '../../infra/vpc-guardrail-stack';

// The README's Deploy section as a new user checks it after `npm run synth` (spec matrix "readme"):
// what it says `cdk.out/validation-report.json` holds is what the synth writes. The README once
// said that file "lists no plugin report when nothing is left unacknowledged"; the synth writes
// cdk-nag's AwsSolutions report with conclusion `success`, no violations, and the acknowledged
// findings under `suppressedViolations` — a user reading the file for proof found the opposite of
// what the README promised.

const README = readFileSync('README.md', 'utf8');
let bundlesDir = '';
let out = '';

interface Report {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations: { ruleName: string }[];
  }[];
}

beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-spec-readme-bundles-'));
  for (const name of ['on-network-change', 'audit']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  out = mkdtempSync(join(tmpdir(), 'vpc-guardrail-spec-readme-cdkout-'));
  // What infra/app.ts does for `npm run synth` without context: the stack, then cdk-nag.
  const app = new App({ builtinCloudFormationValidation: false, outdir: out });
  new VpcGuardrailStack(app, 'VpcGuardrail', { bundlesDir, config: {} });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
});

afterAll(() => {
  rmSync(bundlesDir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('README Deploy: cdk.out/validation-report.json after a synth', () => {
  it("holds cdk-nag's AwsSolutions report, success, no violations, the acknowledged rules under suppressedViolations", () => {
    // Prepare: the sentence of the README
    expect(README.replace(/\s+/g, ' ')).toContain(
      "`cdk.out/validation-report.json` holds cdk-nag's `AwsSolutions` report: `conclusion` `success`, no `violations`, the acknowledged ones under `suppressedViolations`",
    );

    // Act
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as Report;

    // Assess: exactly one plugin report, and the acknowledgments the README lists for the default stack
    expect(report.pluginReports.map((plugin) => [plugin.pluginName, plugin.conclusion])).toEqual([
      ['AwsSolutions', 'success'],
    ]);
    const [plugin] = report.pluginReports;
    expect(plugin?.violations).toEqual([]);
    const acknowledged = new Set(plugin?.suppressedViolations.map((v) => v.ruleName));
    // Without remediation or a trail: Describe* on Resource::*, the runtime and the DLQ's own DLQ.
    expect([...acknowledged].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-L1',
      'AwsSolutions-SQS3',
    ]);
  });
});
