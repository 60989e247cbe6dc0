import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBytesBound, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../../infra/environment-size';
import { VpcGuardrailStack, type VpcGuardrailStackProps } from '../../../infra/vpc-guardrail-stack';
import { InputError } from '../../../shared/errors';

// DESIGN §10 / §15: `accounts` and `excludeAccounts` travel in both functions' environment
// (VPC_GUARDRAIL_CONFIG), which Lambda caps at 4 KB. A list that passed the synth and failed the
// deployment of the functions half-way is what this guards: the synth fails instead, naming the
// limit, the bound and the count of account ids, and how many would fit.

const organization = {
  organizationId: 'o-a1b2c3d4e5',
  targetOus: ['ou-ab12-cd34ef56'],
  regions: ['eu-west-1', 'us-east-1'],
  memberRoleName: 'VpcGuardrailMember',
};
let bundlesDir = '';

beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-bundles-'));
  for (const name of ['on-network-change', 'audit']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
});

afterAll(() => {
  rmSync(bundlesDir, { recursive: true, force: true });
});

function accountIds(count: number, from = 100000000000): string[] {
  return Array.from({ length: count }, (_, i) => String(from + i));
}

function central(config: Record<string, unknown>, extra: Partial<VpcGuardrailStackProps> = {}) {
  const app = new App({ builtinCloudFormationValidation: false });
  return new VpcGuardrailStack(app, 'VpcGuardrailCentral', {
    bundlesDir,
    config: { mode: 'remediate', ...config },
    organization,
    ...extra,
  });
}

function synthError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('the synth passed');
}

/** The largest count the failure message says fits, read from the message itself. */
function fitsFromMessage(error: InputError): number {
  const fits = /at most (\d+) fit/.exec(error.message)?.[1];
  if (fits === undefined) throw new Error(`no count in ${error.message}`);
  return Number(fits);
}

describe("the functions' environment and Lambda's 4 KB limit", () => {
  it('fails the synth for an allow-list too long for the environment, naming the limit, the bound and the count', () => {
    const error = synthError(() => central({ accounts: accountIds(300) }));
    expect(error.message).toContain("the functions' environment does not fit Lambda's 4 KB limit");
    expect(error.issues).toHaveLength(2);
    expect(error.issues[0]).toMatch(
      /^VpcGuardrailCentral\/OnNetworkChange\/Function: its environment can take up to \d+ bytes once deployed, over Lambda's 4 KB limit \(4096 bytes, names and values together\); accounts and excludeAccounts name 300 account ids together \(VPC_GUARDRAIL_CONFIG\), at most \d+ fit/,
    );
    expect(error.issues[1]).toMatch(/^VpcGuardrailCentral\/Audit\/Function: .*name 300 account ids together/);
  });

  it('synthesizes exactly the count the message says fits, and fails one account more', () => {
    const fits = fitsFromMessage(synthError(() => central({ accounts: accountIds(300) })));
    // With every reference at its longest; ~240 with the lengths CloudFormation usually generates.
    // (193 before the event function's VPC_GUARDRAIL_QUEUE, 30 bytes: guard3, README "Redrive".)
    expect(fits).toBe(191);
    expect(() => central({ accounts: accountIds(fits) })).not.toThrow();
    const over = synthError(() => central({ accounts: accountIds(fits + 1) }));
    expect(over.message).toContain(`name ${fits + 1} account ids together`);
    expect(fitsFromMessage(over)).toBe(fits);
  });

  it('counts accounts and excludeAccounts together', () => {
    const both = (a: number, b: number) => ({
      accounts: accountIds(a),
      excludeAccounts: accountIds(b, 200000000000),
    });
    const error = synthError(() => central(both(150, 150)));
    expect(error.issues[0]).toContain('name 300 account ids together');
    const fits = fitsFromMessage(error);
    expect(fits).toBeLessThan(191); // the second key takes room too
    expect(() => central(both(100, fits - 100))).not.toThrow();
    expect(synthError(() => central(both(100, fits - 99))).issues[0]).toContain(
      `name ${fits + 1} account ids together`,
    );
  });

  it('fails a single-account stack whose config alone is too long, telling to shorten it', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const allowRequesterIds = Array.from({ length: 400 }, (_, i) => `requester-${i}`);
    const error = synthError(
      () => new VpcGuardrailStack(app, 'VpcGuardrail', { bundlesDir, config: { allowRequesterIds } }),
    );
    expect(error.issues[0]).toMatch(
      /^VpcGuardrail\/OnNetworkChange\/Function: its environment can take up to \d+ bytes once deployed, over Lambda's 4 KB limit \(4096 bytes, names and values together\); shorten the config \(-c config\)$/,
    );
  });

  it('bounds the deployed environment: literals as Lambda measures them, the topic ARN at 309 and each role ARN at 102 characters', () => {
    const stack = central({ accounts: accountIds(3) });
    const fn = stack.node.findAll().find((c): c is lambda.Function => c instanceof lambda.Function);
    if (!fn) throw new Error('no function');
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }[];
    const variables = resource?.Properties.Environment.Variables ?? {};
    // Prepare: the longest values CloudFormation could fill in (partition aws-us-gov and longer,
    // 64-character generated role names, a 256-character topic name).
    const longest = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        typeof value === 'string'
          ? value
          : name === 'VPC_GUARDRAIL_TOPIC_ARN'
            ? 'x'.repeat(309)
            : 'x'.repeat(102 + 1 + 102),
      ]),
    );
    expect(Object.keys(longest)).toEqual(
      expect.arrayContaining([
        'VPC_GUARDRAIL_TOPIC_ARN',
        'VPC_GUARDRAIL_OWN_ROLE_ARN',
        'VPC_GUARDRAIL_CONFIG',
      ]),
    );
    // Assess: the bound is that JSON, and VPC_GUARDRAIL_CONFIG counts its escaped quotes.
    expect(environmentBytesBound(stack, fn)).toBe(JSON.stringify(longest).length);
    expect(JSON.stringify(longest)).toContain('{\\"accounts\\":[\\"100000000000\\"');
    expect(environmentBytesBound(stack, fn)).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
  });

  it('counts a character beyond ASCII as its JSON escape, never less than its UTF-8 bytes', () => {
    const stack = new Stack(new App(), 'Plain');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      environment: { NOTE: 'é€😀' },
    });
    // {"NOTE":"\u00e9\u20ac\ud83d\ude00"}: 4 escapes of 6 bytes (UTF-8 would be 2 + 3 + 4).
    expect(environmentBytesBound(stack, fn)).toBe('{"NOTE":""}'.length + 4 * 6);
  });

  it('refuses to guess the length of a reference it has no bound for', () => {
    const stack = new Stack(new App(), 'Plain');
    const code = lambda.Code.fromInline('exports.handler = async () => ({});');
    const other = new lambda.Function(stack, 'Other', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
    });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
      environment: { OTHER: other.functionArn },
    });
    expect(() => environmentBytesBound(stack, fn)).toThrow(
      /^OTHER: no length bound for the environment value/,
    );
  });
});
