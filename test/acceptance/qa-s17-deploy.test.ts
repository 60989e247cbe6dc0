import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpcGuardrailMemberStack } from '../../infra/member-stack';
import { VpcGuardrailStack } from '../../infra/vpc-guardrail-stack';

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
});
