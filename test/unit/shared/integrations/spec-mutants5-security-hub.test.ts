// Mutation checks (mutants5, /work/notes/spec-mutants.md "mutants4"): what a Security Hub user
// relies on in securityHubPlan and splitByState (DESIGN §16) that no other test asserted.
import { describe, expect, it } from 'vitest';
import { securityHubPlan, splitByState } from '../../../../shared/integrations/security-hub';
import { ruleById } from '../../../../shared/rules/registry';
import type { ResolvedScope } from '../../../../shared/scope/resolve';
import { makeFinding } from '../../../helpers';

const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T00:00:00.000Z') };
const EMPTY_SCOPE: ResolvedScope = {
  securityGroups: [],
  networkAcls: [],
  subnets: [],
  routeTables: [],
  natGateways: [],
  vpcEndpoints: [],
  networkInterfaces: [],
  missing: [],
};

describe('securityHubPlan: gone records', () => {
  it("resolves a gone finding with its rule's compliance controls, as it was imported (I13)", () => {
    // Prepare
    const controls = ruleById('nacl-open-admin-port')?.meta.controls ?? [];
    expect(controls.length).toBeGreaterThan(0);

    // Act
    const plan = securityHubPlan({
      open: [],
      closed: [],
      scope: { ...EMPTY_SCOPE, networkAcls: ['acl-1'] },
      asff: ASFF,
    });

    // Assess
    const gone = plan.gone.find(
      (r) => r.Id === 'vpc-guardrail/111122223333/eu-west-1/nacl-open-admin-port/acl-1',
    );
    expect(gone?.Compliance?.RelatedRequirements).toEqual([...controls]);
    expect([gone?.RecordState, gone?.Workflow.Status, gone?.Severity.Label]).toEqual([
      'ARCHIVED',
      'RESOLVED',
      'INFORMATIONAL',
    ]);
  });
});

describe('splitByState', () => {
  it('matches before and after by rule and resource, not by object: a finding evaluated again is open, not closed (I14)', () => {
    // Prepare: the evaluation after the calls builds new finding objects.
    const before = [
      makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' }),
      makeFinding({ ruleId: 'sg-world-open', resourceId: 'sg-1' }),
    ];
    const after = [makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1', detail: 'still open' })];

    // Act
    const split = splitByState(before, after);

    // Assess
    expect(split.open.map((f) => [f.ruleId, f.detail])).toEqual([['sg-open-admin-port', 'still open']]);
    expect(split.closed.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-world-open', 'sg-1']]);
  });
});
