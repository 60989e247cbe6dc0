import type { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MODES, meantName } from '../shared/config';
import { ConfigError, InputError } from '../shared/errors';
import { parseConfig } from '../shared/load-config';
import type { VpcGuardrailStackProps } from './vpc-guardrail-stack';

// CDK context arrives as strings from `-c key=value` and as JSON values from cdk.json. A typo
// there must fail `cdk synth` with a sentence naming the key, not deploy something else
// (`createTrail=yes` read as "no trail") nor end in a stack trace. Every key of every stack is
// read through one ContextReader, which collects all problems and reports them together.

/** CDK context that does not hold what its key needs; `issues` name each key (`-c key: …`). */
export class ContextError extends InputError {
  override readonly name: string = 'ContextError';
}

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays).filter(
  (days): days is number => typeof days === 'number' && days !== logs.RetentionDays.INFINITE,
);

/** Loose on purpose (SNS checks the address); catches a missing `@`, spaces, a list. */
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/**
 * Every context key the stacks read (single-account, then organization mode). A key given that is
 * not one of them but is spelt like one (`createtrail`, `emial`, `excludeAccount`) would be
 * ignored by CDK without a word: no trail, no subscription, an account governed.
 */
export const CONTEXT_KEYS = [
  'mode',
  'config',
  'email',
  'createTrail',
  'auditSchedule',
  'logRetentionDays',
  'batchWindowSeconds',
  'securityHub',
  'slackWorkspaceId',
  'slackChannelId',
  'organizationId',
  'targetOus',
  'regions',
  'memberRoleName',
  'accounts',
  'excludeAccounts',
] as const;

/** Reads typed values from CDK context, collecting a message per bad key; `done()` throws them. */
export class ContextReader {
  readonly issues: string[] = [];

  /**
   * `given` lists the context keys present (all of them: cdk.json's, CDK's own, lookups), so that
   * `done()` can name one that is a misspelling of ours; keys that resemble none are left alone.
   */
  constructor(
    private readonly lookup: (key: string) => unknown,
    private readonly given: () => readonly string[] = () => [],
  ) {}

  /** The raw value, or undefined when the key is absent, null or an empty string. */
  raw(key: string): unknown {
    const value = this.lookup(key);
    return value === undefined || value === null || value === '' ? undefined : value;
  }

  /** Records a problem with `key`. */
  fail(key: string, problem: string): undefined {
    this.issues.push(`-c ${key}: ${problem}`);
    return undefined;
  }

  /** A string (numbers are taken as written), optionally matching `pattern` (`expected` says what). */
  string(key: string, check?: { pattern: RegExp; expected: string }): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      return this.fail(key, `expected ${check?.expected ?? 'a string'}, got ${shown(value)}`);
    }
    const text = String(value).trim();
    if (check && !check.pattern.test(text))
      return this.fail(key, `expected ${check.expected}, got ${shown(value)}`);
    return text;
  }

  /** `true` or `false` (a JSON boolean or exactly those words); anything else is an error. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.fail(key, `expected true or false, got ${shown(value)}`);
    return fallback;
  }

  /** A whole number, optionally one of `allowed` or within `min`..`max`. */
  integer(
    key: string,
    limits: { allowed?: readonly number[]; min?: number; max?: number } = {},
  ): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    // Digits only: Number() reads " " as 0, "0x1e" as 30 and "1e2" as 100, none of which is what
    // a person typed a whole number as.
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
          ? Number(value.trim())
          : Number.NaN;
    if (!Number.isInteger(number)) return this.fail(key, `expected a whole number, got ${shown(value)}`);
    if (limits.allowed && !limits.allowed.includes(number)) {
      return this.fail(key, `expected one of ${limits.allowed.join(', ')}, got ${shown(value)}`);
    }
    if (
      (limits.min !== undefined && number < limits.min) ||
      (limits.max !== undefined && number > limits.max)
    ) {
      return this.fail(
        key,
        `expected a number from ${limits.min ?? '…'} to ${limits.max ?? '…'}, got ${shown(value)}`,
      );
    }
    return number;
  }

  /** One of `values`. */
  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    return this.fail(key, `expected one of ${values.join(', ')}, got ${shown(value)}`);
  }

  /** A list: a JSON array of strings, or a comma-separated string (`-c regions=eu-west-1,us-east-1`). */
  list(key: string, check?: { pattern: RegExp; expected: string }): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    let items: unknown[];
    if (Array.isArray(value)) items = value;
    else if (typeof value === 'string') {
      const text = value.trim();
      items = text.startsWith('[') ? parsedArray(text) : text.split(',').map((s) => s.trim());
    } else return this.fail(key, `expected a comma-separated list, got ${shown(value)}`);
    const bad = items.filter(
      (item) => typeof item !== 'string' || item === '' || (check && !check.pattern.test(item)),
    );
    if (bad.length > 0) {
      return this.fail(
        key,
        `expected ${check?.expected ?? 'non-empty strings'} in the list, got ${bad.map(shown).join(', ')}`,
      );
    }
    return items as string[];
  }

  /** A JSON object, given as an object (cdk.json) or as JSON text (`-c key='{…}'`). */
  object(key: string): Record<string, unknown> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    let parsed: unknown = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        return this.fail(key, `not JSON (${(error as Error).message})`);
      }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return this.fail(key, `expected a JSON object, got ${shown(parsed)}`);
    }
    return parsed as Record<string, unknown>;
  }

  /** Throws a ContextError listing every problem recorded so far. */
  done(): void {
    const known: readonly string[] = CONTEXT_KEYS;
    for (const key of this.given()) {
      if (known.includes(key)) continue;
      const meant = meantName(key, known);
      if (meant) this.fail(key, `unknown context key; did you mean ${meant}?`);
    }
    if (this.issues.length > 0) throw new ContextError('invalid CDK context', [...this.issues]);
  }
}

/** A value as a message shows it: strings quoted, long ones cut. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function parsedArray(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [text];
  } catch {
    return [text];
  }
}

/** A reader of the app's context (`-c key=value`, cdk.json, cdk.context.json). */
export function contextReader(app: App): ContextReader {
  return new ContextReader(
    (key) => app.node.tryGetContext(key),
    () => Object.keys(app.node.getAllContext() as Record<string, unknown>),
  );
}

/**
 * The single-account stack's settings from context, validated: `mode`, `config` (the guardrail's
 * configuration, checked with its own schema), `email`, `createTrail`, `auditSchedule`,
 * `logRetentionDays`, `batchWindowSeconds`, `securityHub`, `slackWorkspaceId` with `slackChannelId`.
 * Throws a ContextError naming every bad key.
 */
export function stackPropsFromContext(context: ContextReader): VpcGuardrailStackProps {
  const mode = context.oneOf('mode', MODES);
  let config = context.object('config') ?? {};
  if (mode) config = { ...config, mode };
  try {
    parseConfig(config, 'config');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) context.fail('config', issue);
  }
  // As `-c accounts` / `-c excludeAccounts`: keys only organization mode reads. The single-account
  // event function would ignore them while its audit function honoured an excluded own account.
  if (context.raw('organizationId') === undefined) {
    for (const key of ['accounts', 'excludeAccounts']) {
      const value = config[key];
      if (Array.isArray(value) && value.length > 0) {
        context.fail('config', `${key}: needs organizationId (organization mode)`);
      }
    }
  }
  // The stack creates the topic and sets it on both functions: another one here would be ignored.
  if ('topicArn' in config) {
    context.fail('config', 'topicArn: set by the stack (its own topic; subscribe to the TopicArn output)');
  }
  const email = context.string('email', {
    pattern: EMAIL,
    expected: 'an e-mail address like ops@example.com',
  });
  const createTrail = context.boolean('createTrail', false);
  const auditSchedule = context.string('auditSchedule', {
    pattern: /^(rate|cron)\(.+\)$/,
    expected: 'rate(…) or cron(…), e.g. "rate(1 day)"',
  });
  const logRetention = context.integer('logRetentionDays', { allowed: LOG_RETENTION_DAYS });
  const batchWindowSeconds = context.integer('batchWindowSeconds', { min: 0, max: 300 });
  const securityHub = context.boolean('securityHub', false);
  const slackChannel = slackChannelFromContext(context);
  context.done();
  return {
    config,
    ...(email ? { notificationEmail: email } : {}),
    createTrail,
    ...(auditSchedule ? { auditSchedule } : {}),
    ...(logRetention ? { logRetention: logRetention as logs.RetentionDays } : {}),
    ...(batchWindowSeconds !== undefined ? { batchWindowSeconds } : {}),
    ...(securityHub ? { securityHub } : {}),
    ...(slackChannel ? { slackChannel } : {}),
  };
}

/** `slackWorkspaceId` and `slackChannelId`, both or neither (the ids Slack and the console show). */
function slackChannelFromContext(context: ContextReader): VpcGuardrailStackProps['slackChannel'] {
  const workspaceId = context.string('slackWorkspaceId', {
    pattern: /^[0-9A-Z]{1,255}$/,
    expected: 'a Slack workspace id like T0123456789',
  });
  const channelId = context.string('slackChannelId', {
    pattern: /^[A-Za-z0-9]{1,255}$/,
    expected: 'a Slack channel id like C0123456789',
  });
  if ((context.raw('slackWorkspaceId') === undefined) !== (context.raw('slackChannelId') === undefined)) {
    context.fail(
      context.raw('slackWorkspaceId') === undefined ? 'slackWorkspaceId' : 'slackChannelId',
      'is needed too: slackWorkspaceId and slackChannelId go together',
    );
  }
  return workspaceId && channelId ? { workspaceId, channelId } : undefined;
}
