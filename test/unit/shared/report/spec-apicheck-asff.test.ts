import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../shared/load-config';
import { toAsffFinding } from '../../../../shared/report/asff';
import { makeFinding } from '../../../helpers';

// AwsSecurityFinding against the Security Hub API model (apicheck; /work/notes/spec-apicheck.md):
// every string of a finding is a `NonEmptyString` (pattern `.*\S.*`), the values of
// `ProductFields` (a `FieldMap`) included. Security Hub rejects the whole finding otherwise
// (`FailedFindings`, InvalidInput): it never reaches Security Hub.

const options = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2025-06-01T12:00:00Z') };
const NON_EMPTY = /^.*\S.*$/;

describe('ASFF ProductFields: no blank value', () => {
  it('leaves SuppressedReason out when the allow-list reason is nothing but invisible characters', () => {
    // Prepare: a configuration whose allow-list reason passes its non-blank check (U+200B is no
    // whitespace to String.trim) but is nothing once sanitized for Security Hub.
    const reason = '\u200b\u200b';
    const config = parseConfig({
      allowLists: [{ resourceId: 'sg-1', ruleIds: ['sg-open-admin-port'], reason }],
    });
    expect(config.allowLists[0]?.reason).toBe(reason);
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-1',
      suppressed: { by: 'config', reason },
    });

    // Act
    const record = toAsffFinding(finding, options);

    // Assert: every value non-blank; the suppression still said by SuppressedBy and the Workflow.
    for (const [key, value] of Object.entries(record.ProductFields)) {
      expect([key, NON_EMPTY.test(value)]).toEqual([key, true]);
    }
    expect(record.ProductFields['vpc-guardrail/SuppressedBy']).toBe('config');
    expect('vpc-guardrail/SuppressedReason' in record.ProductFields).toBe(false);
    expect(record.Workflow).toEqual({ Status: 'SUPPRESSED' });
  });

  it('keeps a readable SuppressedReason, sanitized', () => {
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-1',
      suppressed: { by: 'config', reason: 'bastion\u200b of the VPN team' },
    });
    expect(toAsffFinding(finding, options).ProductFields['vpc-guardrail/SuppressedReason']).toBe(
      'bastion of the VPN team',
    );
  });
});
