import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ContextError, contextReader, stackPropsFromContext } from '../../../infra/context';
import { organizationFromContext } from '../../../infra/org-context';
import { synthWithContext } from '../../helpers/synth-app';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** What the app does with a context: organization keys, then the stack's; the error's message if any. */
function synthProps(context: Record<string, unknown>): string | 'ok' {
  try {
    const reader = contextReader(new App({ context }));
    organizationFromContext(reader);
    stackPropsFromContext(reader);
    return 'ok';
  } catch (error) {
    if (error instanceof ContextError) return error.message;
    throw error;
  }
}

describe('a misspelt CDK context key (README "Deploy": context is validated before anything is synthesized)', () => {
  it.each([
    ['createtrail', 'true', 'createTrail'],
    ['create-trail', 'true', 'createTrail'],
    ['emial', 'secops@example.com', 'email'],
    ['securityhub', 'true', 'securityHub'],
    ['logRetentionDay', '90', 'logRetentionDays'],
    ['batchWindowSecond', '0', 'batchWindowSeconds'],
  ])('-c %s=%s fails the synth naming %s, rather than deploying without it', (key, value, meant) => {
    expect(synthProps({ [key]: value })).toBe(
      `invalid CDK context:\n  -c ${key}: unknown context key; did you mean ${meant}?`,
    );
  });

  it('names the organization key meant, beside the other problems', () => {
    expect(
      synthProps({
        organizationId: 'o-a1b2c3d4e5',
        targetOus: 'ou-ab12-cd34ef56',
        regions: 'eu-west-1',
        excludeAccount: '333333333333',
      }),
    ).toBe('invalid CDK context:\n  -c excludeAccount: unknown context key; did you mean excludeAccounts?');
  });

  it("leaves alone the keys that are CDK's own, cdk.json's and lookups'", () => {
    const cdkJson = JSON.parse(readFileSync(`${ROOT}cdk.json`, 'utf8')) as {
      context: Record<string, unknown>;
    };
    expect(
      synthProps({
        ...cdkJson.context,
        '@aws-cdk/core:newStyleStackSynthesis': true,
        '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
        'aws:cdk:enable-path-metadata': true,
        'aws:cdk:version-reporting': false,
        'availability-zones:account=111122223333:region=eu-west-1': ['eu-west-1a'],
        'acknowledged-issue-numbers': [32775],
        email: 'secops@example.com',
        createTrail: 'true',
      }),
    ).toBe('ok');
  });

  it('makes `cdk synth` fail with the message and no stack trace', () => {
    // Act: the app as cdk.json runs it, with the typo as `-c createtrail=true` passes it.
    const run = synthWithContext({ createtrail: 'true' }, 'context-unknown-test');

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'vpc-guardrail: invalid CDK context:\n  -c createtrail: unknown context key; did you mean createTrail?\n',
    );
  }, 60_000);
});
