import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { syncFindings } from '../../../../shared/aws/security-hub';
import { securityHubPlan } from '../../../../shared/integrations/security-hub';
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

  it('sends Security Hub a finding whose every ProductFields value is non-blank (BatchImportFindings request)', async () => {
    // Prepare
    const hubMock = mockClient(SecurityHubClient);
    hubMock.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-1',
      suppressed: { by: 'config', reason: '\u200b' },
    });

    // Act
    const report = await syncFindings(
      new SecurityHubClient({ region: 'eu-west-1' }),
      securityHubPlan({ open: [finding], closed: [], asff: options }),
    );

    // Assert: one call, one finding, its ProductFields exactly these (no blank SuppressedReason).
    const sent = hubMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings ?? []);
    expect(sent.map((findings) => findings.map((f) => f.ProductFields))).toEqual([
      [
        {
          'vpc-guardrail/RuleId': 'sg-open-admin-port',
          'vpc-guardrail/FindingId': finding.id,
          'vpc-guardrail/VpcId': 'vpc-1',
          'vpc-guardrail/ResourceId': 'sg-1',
          'vpc-guardrail/SuppressedBy': 'config',
        },
      ],
    ]);
    expect(report.imported).toBe(1);
    hubMock.restore();
  });
});
