import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  ContextError,
  ContextReader,
  contextReader,
  LOG_RETENTION_DAYS,
  stackPropsFromContext,
} from '../../../infra/context';
import { synthWithContext } from '../../helpers/synth-app';

/** The stack props for a context, or the ContextError's message. */
function read(context: Record<string, unknown>): ReturnType<typeof stackPropsFromContext> | string {
  try {
    return stackPropsFromContext(contextReader(new App({ context })));
  } catch (error) {
    if (error instanceof ContextError) return error.message;
    throw error;
  }
}

describe('CDK context (infra/context.ts)', () => {
  it('refuses accounts / excludeAccounts in -c config without organizationId, as -c accounts is', () => {
    expect(read({ config: '{"excludeAccounts":["111122223333"],"accounts":["222233334444"]}' })).toBe(
      'invalid CDK context:\n' +
        '  -c config: accounts: needs organizationId (organization mode)\n' +
        '  -c config: excludeAccounts: needs organizationId (organization mode)',
    );
    expect(read({ config: '{"accounts":[],"excludeAccounts":[]}' })).toMatchObject({ createTrail: false });
    expect(
      read({
        organizationId: 'o-a1b2c3d4e5',
        targetOus: 'ou-ab12-cd34ef56',
        regions: 'eu-west-1',
        config: '{"excludeAccounts":["111122223333"]}',
      }),
    ).toMatchObject({ config: { excludeAccounts: ['111122223333'] } });
  });

  it('reads securityHub and the Slack channel (both ids together), and names a bad or lone one', () => {
    expect(
      read({ securityHub: 'true', slackWorkspaceId: 'T0123456789', slackChannelId: 'C0123456789' }),
    ).toEqual({
      config: {},
      createTrail: false,
      securityHub: true,
      slackChannel: { workspaceId: 'T0123456789', channelId: 'C0123456789' },
    });
    expect(read({ securityHub: false })).toEqual({ config: {}, createTrail: false });
    expect(read({ securityHub: 'yes' })).toBe(
      'invalid CDK context:\n  -c securityHub: expected true or false, got "yes"',
    );
    expect(read({ slackWorkspaceId: 'T0123456789' })).toBe(
      'invalid CDK context:\n  -c slackChannelId: is needed too: slackWorkspaceId and slackChannelId go together',
    );
    expect(read({ slackWorkspaceId: 't-lower', slackChannelId: 'C01' })).toBe(
      'invalid CDK context:\n  -c slackWorkspaceId: expected a Slack workspace id like T0123456789, got "t-lower"',
    );
  });

  it('reads the documented keys as given with -c (strings)', () => {
    expect(
      read({
        mode: 'remediate',
        email: 'secops@example.com',
        createTrail: 'true',
        auditSchedule: 'rate(1 day)',
        logRetentionDays: '90',
        config: '{"rules":{"sg-default-not-restricted":"remediate"}}',
      }),
    ).toEqual({
      config: { rules: { 'sg-default-not-restricted': 'remediate' }, mode: 'remediate' },
      notificationEmail: 'secops@example.com',
      createTrail: true,
      auditSchedule: 'rate(1 day)',
      logRetention: 90,
    });
  });

  it('reads batchWindowSeconds (0–300) for the event source mapping, and names a bad value', () => {
    expect(read({ batchWindowSeconds: '0' })).toEqual({
      config: {},
      createTrail: false,
      batchWindowSeconds: 0,
    });
    expect(read({ batchWindowSeconds: 60 })).toEqual({
      config: {},
      createTrail: false,
      batchWindowSeconds: 60,
    });
    expect(read({ batchWindowSeconds: '301' })).toContain(
      '-c batchWindowSeconds: expected a number from 0 to 300, got "301"',
    );
    expect(read({ batchWindowSeconds: 'ten' })).toContain(
      '-c batchWindowSeconds: expected a whole number, got "ten"',
    );
    expect(read({ batchWindowSeconds: ' 30 ' })).toMatchObject({ batchWindowSeconds: 30 });
    expect(read({ batchWindowSeconds: -1 })).toContain(
      '-c batchWindowSeconds: expected a number from 0 to 300, got -1',
    );
    // Number() would read these as 0, 30, 100 and 5: a whole number is digits only.
    for (const typed of [' ', '0x1e', '1e2', '5.0']) {
      expect(read({ batchWindowSeconds: typed })).toContain(
        `-c batchWindowSeconds: expected a whole number, got ${JSON.stringify(typed)}`,
      );
    }
  });

  it('reads JSON values as cdk.json holds them, and defaults when absent', () => {
    expect(read({ createTrail: false, logRetentionDays: 365, config: { mode: 'dry-run' } })).toEqual({
      config: { mode: 'dry-run' },
      createTrail: false,
      logRetention: 365,
    });
    expect(read({})).toEqual({ config: {}, createTrail: false });
  });

  it.each([
    [{ createTrail: 'yes' }, '-c createTrail: expected true or false, got "yes"'],
    [{ createTrail: 'TRUE' }, '-c createTrail: expected true or false, got "TRUE"'],
    [{ createTrail: 1 }, '-c createTrail: expected true or false, got 1'],
    [
      { logRetentionDays: '31' },
      `-c logRetentionDays: expected one of ${LOG_RETENTION_DAYS.join(', ')}, got "31"`,
    ],
    [{ logRetentionDays: 'a month' }, '-c logRetentionDays: expected a whole number, got "a month"'],
    [
      { logRetentionDays: 9999 },
      `-c logRetentionDays: expected one of ${LOG_RETENTION_DAYS.join(', ')}, got 9999`,
    ],
    [{ email: 'secops' }, '-c email: expected an e-mail address like ops@example.com, got "secops"'],
    [
      { email: 'a@example.com,b@example.com' },
      '-c email: expected an e-mail address like ops@example.com, got "a@example.com,b@example.com"',
    ],
    [{ mode: 'fix' }, '-c mode: expected one of notify, remediate, dry-run, got "fix"'],
    [
      { auditSchedule: 'daily' },
      '-c auditSchedule: expected rate(…) or cron(…), e.g. "rate(1 day)", got "daily"',
    ],
    [{ config: '{"rules":' }, /^-c config: not JSON \(.+\)$/],
    [{ config: '[1]' }, '-c config: expected a JSON object, got [1]'],
    [
      { config: '{"rules":{"sg-nope":"remediate"}}' },
      '-c config: rules.sg-nope: unknown rule id (see the rule catalogue in the README)',
    ],
    [{ config: '{"adminPort":["22/tcp"]}' }, '-c config: adminPort: unknown key; did you mean adminPorts?'],
    [{ config: { worldOpenCoverage: 2 } }, /^-c config: worldOpenCoverage: /],
    [
      { config: '{"topicArn":"arn:aws:sns:eu-west-1:123456789012:mine"}' },
      '-c config: topicArn: set by the stack (its own topic; subscribe to the TopicArn output)',
    ],
  ])('rejects %j naming the key', (context, message) => {
    const result = read(context);
    expect(typeof result).toBe('string');
    const [head, ...issues] = String(result).split('\n  ');
    expect(head).toBe('invalid CDK context:');
    expect(issues).toHaveLength(1);
    if (typeof message === 'string') expect(issues[0]).toBe(message);
    else expect(issues[0]).toMatch(message);
  });

  it('reports every bad key at once', () => {
    expect(read({ createTrail: 'yes', email: 'x', logRetentionDays: '2' })).toBe(
      'invalid CDK context:\n' +
        '  -c email: expected an e-mail address like ops@example.com, got "x"\n' +
        '  -c createTrail: expected true or false, got "yes"\n' +
        `  -c logRetentionDays: expected one of ${LOG_RETENTION_DAYS.join(', ')}, got "2"`,
    );
  });

  it('lists the CloudWatch Logs retention values, without CDK-only "infinite"', () => {
    expect(LOG_RETENTION_DAYS).toEqual([
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]);
  });

  it('gives other stacks typed readers for their own keys (lists, ranges)', () => {
    const reader = new ContextReader(
      (key) =>
        ({
          regions: 'eu-west-1, us-east-1',
          targetOus: '["ou-ab12-cdef3456"]',
          batchWindowSeconds: '301',
          securityHub: 'true',
        })[key],
    );
    expect(reader.list('regions', { pattern: /^[a-z]{2}(-[a-z]+)+-\d$/, expected: 'region names' })).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
    expect(reader.list('targetOus')).toEqual(['ou-ab12-cdef3456']);
    expect(reader.boolean('securityHub', false)).toBe(true);
    expect(reader.integer('batchWindowSeconds', { min: 0, max: 300 })).toBeUndefined();
    expect(reader.issues).toEqual(['-c batchWindowSeconds: expected a number from 0 to 300, got "301"']);
    expect(() => reader.done()).toThrow(ContextError);
  });

  it('makes `cdk synth` fail with the message and no stack trace', () => {
    // Act: the app as cdk.json runs it, with context as `-c` passes it.
    const run = synthWithContext({ createTrail: 'yes' }, 'context-test');

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'vpc-guardrail: invalid CDK context:\n  -c createTrail: expected true or false, got "yes"\n',
    );
  }, 60_000);
});
