import { CfnResource, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { InputError } from '../shared/errors';

/**
 * Lambda's cap on a function's environment: 4 KB, measured on the variables as one compact JSON
 * object (`{"NAME":"value",…}`, names, values, quotes and separators together; the string its
 * InvalidParameterValueException quotes as "String measured").
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** Bytes one more account id costs in `VPC_GUARDRAIL_CONFIG` as Lambda measures it: `\"123456789012\",`. */
const BYTES_PER_ACCOUNT_ID = 17;

// The longest values CloudFormation can put where the template holds a reference: the synth runs
// offline and knows neither the account, the partition nor the names CloudFormation generates.
const PARTITION = 'aws-iso-x-'.length; // aws, aws-cn, aws-us-gov (10), aws-iso-b, …
const REGION = 20; // the longest today is 14 (ap-southeast-5); room for new ones
const ACCOUNT = 12;
/** `arn:<partition>:iam::<account>:role/<name>`, a generated role name ≤ 64 characters, path `/`. */
const ROLE_ARN = 'arn:'.length + PARTITION + ':iam::'.length + ACCOUNT + ':role/'.length + 64;
/** `arn:<partition>:sns:<region>:<account>:<name>`, a topic name ≤ 256 characters (SNS's limit). */
const TOPIC_ARN = 'arn:'.length + PARTITION + ':sns:'.length + REGION + 1 + ACCOUNT + 1 + 256;

/** `Ref` / `Fn::GetAtt` of the resource types an environment of this stack names, at their longest. */
const REFERENCE_BOUNDS: Readonly<Record<string, { Ref?: number; Arn?: number }>> = {
  'AWS::SNS::Topic': { Ref: TOPIC_ARN },
  'AWS::IAM::Role': { Ref: 64, Arn: ROLE_ARN },
};
const PSEUDO_BOUNDS: Readonly<Record<string, number>> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length + 4,
  'AWS::StackName': 128,
};

/**
 * The most bytes a function's environment can take once deployed (DESIGN §10, §15): the
 * variables as Lambda measures them, every reference CloudFormation fills in counted at its
 * longest and every character beyond ASCII as a `\uXXXX` escape (never less than its UTF-8 bytes).
 */
export function environmentBytesBound(stack: Stack, fn: lambda.Function): number {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) throw new Error(`${fn.node.path}: no AWS::Lambda::Function`);
  const resolved: unknown = stack.resolve(cfn.environment);
  const variables = isRecord(resolved) && isRecord(resolved.variables) ? resolved.variables : {};
  // Literal values are measured as written; a placeholder of the longest length stands for a
  // value with references in it.
  const filled = Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : 'x'.repeat(lengthBound(stack, value, name)),
    ]),
  );
  return asciiJson(filled).length;
}

/**
 * Fails the synth when a function's environment may exceed Lambda's 4 KB: CloudFormation would
 * otherwise fail the deployment (or an update that adds accounts) half-way. The message names the
 * limit, the bound, and — the usual cause — how many account ids the organization lists hold and
 * how many would fit.
 */
export function assertEnvironmentFits(
  stack: Stack,
  functions: readonly lambda.Function[],
  accountIds: number,
): void {
  const issues: string[] = [];
  for (const fn of functions) {
    const bytes = environmentBytesBound(stack, fn);
    if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) continue;
    const over = bytes - LAMBDA_ENVIRONMENT_LIMIT_BYTES;
    const lists =
      accountIds > 0
        ? `; accounts and excludeAccounts name ${accountIds} account ids together (VPC_GUARDRAIL_CONFIG), at most ${Math.max(0, accountIds - Math.ceil(over / BYTES_PER_ACCOUNT_ID))} fit: list fewer (target OUs with targetOus, leave accounts out with excludeAccounts) or shorten the config`
        : '; shorten the config (-c config)';
    issues.push(
      `${fn.node.path}: its environment can take up to ${bytes} bytes once deployed, over Lambda's 4 KB limit (${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes, names and values together)${lists}`,
    );
  }
  if (issues.length > 0) {
    throw new InputError("the functions' environment does not fit Lambda's 4 KB limit", issues);
  }
}

function lengthBound(stack: Stack, value: unknown, name: string): number {
  if (typeof value === 'string') return asciiJson(value).length - 2;
  if (isRecord(value)) {
    if (typeof value.Ref === 'string') {
      const pseudo = PSEUDO_BOUNDS[value.Ref];
      if (pseudo !== undefined) return pseudo;
      const bound = REFERENCE_BOUNDS[resourceType(stack, value.Ref)]?.Ref;
      if (bound !== undefined) return bound;
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn') {
      const bound = REFERENCE_BOUNDS[resourceType(stack, getAtt[0])]?.Arn;
      if (bound !== undefined) return bound;
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts: unknown[] = join[1];
      const separator = asciiJson(join[0]).length - 2;
      return (
        parts.reduce<number>((sum, part) => sum + lengthBound(stack, part, name), 0) +
        separator * Math.max(0, parts.length - 1)
      );
    }
  }
  // A value this file cannot bound is a change to the stack that needs a row above, not a guess.
  throw new Error(`${name}: no length bound for the environment value ${JSON.stringify(value)}`);
}

function resourceType(stack: Stack, logicalId: string): string {
  for (const child of stack.node.findAll()) {
    if (child instanceof CfnResource && stack.resolve(child.logicalId) === logicalId) {
      return child.cfnResourceType;
    }
  }
  return '';
}

/** Compact JSON with every character beyond ASCII escaped: one byte per character. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
