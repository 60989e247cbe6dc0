import { describe, expect, it } from 'vitest';
import { meantName } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import { configFromEnv, parseConfig } from '../../../shared/load-config';

// A configuration key or rule id that is not known is an error (keys are strict); the message
// names what it most likely meant, or where the key belongs, so the fix is obvious.

function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input, 'config file c.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration near misses', () => {
  it.each([
    [{ Mode: 'notify' }, 'Mode: unknown key; did you mean mode?'],
    [{ excludedAccounts: ['111122223333'] }, 'excludedAccounts: unknown key; did you mean excludeAccounts?'],
    [{ account: ['111122223333'] }, 'account: unknown key; did you mean accounts?'],
    [{ adminport: ['22'] }, 'adminport: unknown key; did you mean adminPorts?'],
    [{ judgeunused: false }, 'judgeunused: unknown key; did you mean judgeUnused?'],
    [{ allowList: [] }, 'allowList: unknown key; did you mean allowLists?'],
    [
      { allowLists: [{ resourceId: 'sg-1', Reason: 'x' }] },
      'allowLists[0].Reason: unknown key; did you mean reason?',
    ],
    [{ ephemeralPorts: { from: 1024, To: 65535 } }, 'ephemeralPorts.To: unknown key; did you mean to?'],
    [{ zzzzzz: 1 }, 'zzzzzz: unknown key'],
    [{ notifyMinimumSeverity: 'high' }, 'notifyMinimumSeverity: unknown key'],
    [
      { rules: { 'sg-open-admin-prot': 'off' } },
      'rules.sg-open-admin-prot: unknown rule id (see the rule catalogue in the README); did you mean sg-open-admin-port?',
    ],
    [
      { allowLists: [{ resourceId: 'sg-1', ruleIds: ['SG-OPEN-ADMIN-PORT'] }] },
      'allowLists[0].ruleIds[0]: unknown rule id (see the rule catalogue in the README) ("SG-OPEN-ADMIN-PORT"); did you mean sg-open-admin-port?',
    ],
  ])('%j → %s', (input, issue) => {
    expect(issuesOf(input)).toContain(issue);
  });

  it('says where a key of the stacks or of its own variable belongs', () => {
    expect(issuesOf({ memberRoleName: 'Reader', batchWindowSeconds: 0, securityHub: true })).toEqual([
      "memberRoleName: unknown key; organization mode's member role is VPC_GUARDRAIL_MEMBER_ROLE_NAME (CDK context memberRoleName), not a configuration key",
      'batchWindowSeconds: unknown key; a CDK context key of the stacks (-c batchWindowSeconds=…), not a configuration key',
      'securityHub: unknown key; the Security Hub integration is VPC_GUARDRAIL_SECURITY_HUB (CDK context securityHub), not a configuration key',
    ]);
  });

  it('names the variable too, from the environment', () => {
    expect(() => configFromEnv({ VPC_GUARDRAIL_CONFIG: '{"excludeAccount":["111122223333"]}' })).toThrow(
      'VPC_GUARDRAIL_CONFIG (excludeAccount): unknown key; did you mean excludeAccounts?',
    );
  });

  it("words range and emptiness errors for a person, not in the validator's terms", () => {
    expect(issuesOf({ naclEntryLimit: 0 })).toEqual([
      'naclEntryLimit: not an entry count (an integer from 1 to 32766)',
    ]);
    expect(issuesOf({ naclEntryLimit: 32767 })).toEqual([
      'naclEntryLimit: not an entry count (an integer from 1 to 32766)',
    ]);
    expect(issuesOf({ allowLists: [{ resourceId: '' }] })).toEqual([
      'allowLists[0].resourceId: must not be empty ("")',
    ]);
    expect(issuesOf({ allowLists: [{ resourceId: 'sg-1', reason: ' ' }] })).toEqual([
      'allowLists[0].reason: must not be blank (leave reason out for "allow-listed in configuration") (" ")',
    ]);
    expect(issuesOf({ allowInterfaceTypes: [''], allowRequesterIds: [''] })).toEqual([
      'allowInterfaceTypes[0]: must not be empty ("")',
      'allowRequesterIds[0]: must not be empty ("")',
    ]);
  });

  it('meantName: same but for case, else at most two edits (one for a short name), else nothing', () => {
    expect(meantName('MODE', ['mode', 'rules'])).toBe('mode');
    expect(meantName('rule', ['mode', 'rules'])).toBe('rules');
    expect(meantName('mde', ['mode'])).toBe('mode');
    expect(meantName('md', ['mode'])).toBeUndefined();
    expect(meantName('form', ['from', 'to'])).toBe('from');
    expect(meantName('excldueAccounts', ['accounts', 'excludeAccounts'])).toBe('excludeAccounts');
    expect(meantName('allowListz', ['allowLists', 'accounts'])).toBe('allowLists');
    expect(meantName('something', ['mode', 'rules'])).toBeUndefined();
  });
});

describe('a key set both in VPC_GUARDRAIL_CONFIG and by its own variable', () => {
  it('takes the variable, and still refuses a bad value where the JSON writes it', () => {
    const env = { VPC_GUARDRAIL_MODE: 'notify', VPC_GUARDRAIL_CONFIG: '{"mode":"remediat"}' };
    expect(() => configFromEnv(env)).toThrow(
      'VPC_GUARDRAIL_CONFIG (mode): expected one of "notify", "remediate", "dry-run"',
    );
    expect(
      configFromEnv({ VPC_GUARDRAIL_MODE: 'notify', VPC_GUARDRAIL_CONFIG: '{"mode":"remediate"}' }).mode,
    ).toBe('notify');
    expect(() =>
      configFromEnv({
        VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t',
        VPC_GUARDRAIL_CONFIG: '{"topicArn":"t"}',
      }),
    ).toThrow(/VPC_GUARDRAIL_CONFIG \(topicArn\): not an SNS topic ARN/);
  });
});
