import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpcGuardrailMemberStack } from '../../infra/member-stack';
import { VpcGuardrailStack } from '../../infra/vpc-guardrail-stack';
import { InputError } from '../../shared/errors';

// QA s17, the user path (DESIGN §10, §15): what the README's deploy steps name is what the
// templates hold. Step 4 of "Organization" deploys the member template by hand with
// `--parameter-overrides` taken from the central stack's outputs; a parameter it leaves out, or an
// output it names that the stack does not have, fails the deploy in the management account.

const README = readFileSync('README.md', 'utf8');
const ORG = 'o-a1b2c3d4e5';
let bundlesDir = '';

beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-deploy-'));
  for (const name of ['on-network-change', 'audit']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
});

afterAll(() => {
  rmSync(bundlesDir, { recursive: true, force: true });
});

function templates() {
  const app = new App({ builtinCloudFormationValidation: false });
  const single = new VpcGuardrailStack(app, 'VpcGuardrail', { bundlesDir, config: {} });
  const central = new VpcGuardrailStack(app, 'VpcGuardrailCentral', {
    bundlesDir,
    config: {},
    organization: {
      organizationId: ORG,
      targetOus: ['ou-ab12-cd34ef56'],
      regions: ['eu-west-1', 'us-east-1'],
      memberRoleName: 'VpcGuardrailMember',
    },
  });
  const member = new VpcGuardrailMemberStack(app, 'VpcGuardrailMember', {
    config: {},
    memberRoleName: 'VpcGuardrailMember',
    organizationId: ORG,
  });
  return {
    single: Template.fromStack(single).toJSON(),
    central: Template.fromStack(central).toJSON(),
    member: Template.fromStack(member).toJSON(),
  };
}

/** The `Key=Value` pairs of the README's `aws cloudformation deploy … --parameter-overrides …`. */
function readmeOverrides(): Map<string, string> {
  const command =
    /aws cloudformation deploy --template-file cdk\.out\/VpcGuardrailMember\.template\.json[\s\S]*?```/.exec(
      README,
    )?.[0];
  const overrides = command?.split('--parameter-overrides')[1] ?? '';
  return new Map([...overrides.matchAll(/(\w+)=(<[^>]*>|\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

describe('QA s17: the README deploy steps against the templates', () => {
  it('step 4 gives every member parameter without a default, and names central outputs that exist', () => {
    // Prepare
    const { central, member } = templates();
    const parameters = member.Parameters as Record<string, { Default?: unknown; Description: string }>;
    const required = Object.keys(parameters).filter((key) => parameters[key]?.Default === undefined);
    const overrides = readmeOverrides();

    // Assess: exactly the parameters CloudFormation asks for
    expect([...overrides.keys()].sort()).toEqual(required.sort());
    expect(required.sort()).toEqual(['CentralEventBusArn', 'CentralRoleArns', 'PrimaryRegion']);
    // `<X output>` placeholders name outputs of the central stack, as the descriptions do
    const outputs = Object.keys(central.Outputs as object);
    for (const [key, value] of overrides) {
      const named = /^<(\w+) output>$/.exec(value)?.[1];
      if (key === 'PrimaryRegion') {
        expect(value).toBe('eu-west-1');
        continue;
      }
      expect(named).toBe(key);
      expect(outputs).toContain(named);
      expect(parameters[key]?.Description).toContain(`VpcGuardrailCentral output ${key}`);
    }
    expect(parameters.CentralRoleArns?.Description).toBe(
      "The central functions' roles (VpcGuardrailCentral output CentralRoleArns)",
    );
  });

  it("lists the single-account stack's outputs as the README's Deploy section names them", () => {
    const { single } = templates();
    const listed = /Outputs: ((?:`\w+`(?:, | and |,\n|\n)?)+)\./.exec(README)?.[1] ?? '';
    expect([...listed.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort()).toEqual(
      Object.keys(single.Outputs as object).sort(),
    );
  });

  it("keeps the cdk-nag acknowledgments, with their reasons, in the stack's metadata (README Deploy), citing no document the user lacks", () => {
    // Prepare
    const out = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-cdkout-'));
    try {
      const app = new App({ builtinCloudFormationValidation: false, outdir: out });
      new VpcGuardrailStack(app, 'VpcGuardrail', { bundlesDir, config: {} });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

      // Act: what `cdk synth` writes
      app.synth();
      const metadata = JSON.parse(readFileSync(join(out, 'VpcGuardrail.metadata.json'), 'utf8')) as Record<
        string,
        { type: string; data: unknown }[]
      >;

      // Assess
      const reasons = Object.values(metadata)
        .flat()
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.values(entry.data as Record<string, string>));
      expect(reasons.length).toBeGreaterThan(5);
      expect(reasons).toContain('Node.js 22 is the runtime the bundles are built, measured and tested for.');
      expect(reasons.filter((reason) => /DESIGN|§/.test(reason))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('stops with what to run when the function bundles are not built, not a stack trace from aws-cdk-lib', () => {
    const empty = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-nobundles-'));
    try {
      const build = () =>
        new VpcGuardrailStack(new App({ builtinCloudFormationValidation: false }), 'VpcGuardrail', {
          bundlesDir: empty,
          config: {},
        });
      expect(build).toThrow(InputError);
      expect(build).toThrow(
        `the function bundles are not built:\n  ${join(empty, 'on-network-change', 'index.mjs')}: not found; run npm run build first (cdk synth and cdk deploy run it through cdk.json)`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
