import { describe, expect, it } from 'vitest';
import { securityHubPlan } from '../../../../shared/integrations/security-hub';
import { makeFinding } from '../../../helpers';

// A date passing is no API call: no event says an exemption expired. Whichever evaluation sees a
// finding fire unsuppressed past its exemption's date sets it NEW again (the import cannot).

const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-11-25T00:00:00.000Z') };
const ID = (resourceId: string) => `vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/${resourceId}`;
const expired = makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' });
expired.evidence.exemptionExpired = '2026-11-01';
const exempted = {
  ...makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' }),
  suppressed: { by: 'tag' as const, reason: 'vpc-guardrail:exempt=*' },
};
const plain = makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-3' });

describe('securityHubPlan: expired exemptions and the audit', () => {
  it('reopens a finding whose exemption expired, in the event path too (no tag change)', () => {
    const plan = securityHubPlan({ open: [expired, exempted, plain], closed: [], asff: ASFF });
    expect(plan.workflow).toEqual({ suppress: [], reopen: [expect.objectContaining({ Id: ID('sg-1') })] });
  });

  it('sets no exempted finding SUPPRESSED without a tag change seen (the analyst keeps its Workflow)', () => {
    const plan = securityHubPlan({ open: [exempted], closed: [], asff: ASFF });
    expect(plan.workflow.suppress).toEqual([]);
  });

  it('does not reopen an expired exemption whose finding another exemption still suppresses', () => {
    const stillSuppressed = { ...expired, suppressed: { by: 'config' as const, reason: 'allow-listed' } };
    const plan = securityHubPlan({ open: [stillSuppressed], closed: [], asff: ASFF });
    expect(plan.workflow.reopen).toEqual([]);
  });
});
