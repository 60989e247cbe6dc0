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

describe('securityHubPlan: one record per ASFF id', () => {
  // Two findings of one rule on one resource (evidence differs: two events of a batch, two slices).
  const first = makeFinding({
    ruleId: 'sg-open-admin-port',
    resourceId: 'sg-1',
    evidence: { ports: ['22/tcp'] },
  });
  const second = makeFinding({
    ruleId: 'sg-open-admin-port',
    resourceId: 'sg-1',
    severity: 'high',
    evidence: { ports: ['3389/tcp'] },
  });
  const ID = 'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-1';

  it('imports it once, the first (BatchImportFindings rejects a request naming an id twice) (I21)', () => {
    // Act
    const plan = securityHubPlan({ open: [first, second], closed: [], asff: ASFF });

    // Assess
    expect(plan.active.map((r) => [r.Id, r.Severity.Label])).toEqual([[ID, 'CRITICAL']]);
  });

  it('never archives the record of a finding that still fires under the same id (I20)', () => {
    // Act: remediation closed one of the two; the other still fires.
    const plan = securityHubPlan({ open: [second], closed: [first], asff: ASFF });

    // Assess
    expect(plan.active.map((r) => [r.Id, r.RecordState])).toEqual([[ID, 'ACTIVE']]);
    expect(plan.closed).toEqual([]);
  });
});

describe('securityHubPlan: workflow under a product other than the default one', () => {
  it('moves the Workflow of its findings: only a default product is limited to its own account (I22)', () => {
    // Prepare: a finding suppressed by an exemption tag this evaluation saw set, and one reopened.
    const asff = {
      ...ASFF,
      productArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/acme/vpc-guardrail',
    };
    const suppressed = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-1',
      suppressed: { by: 'tag', reason: 'bastion' },
    });
    const reopened = makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' });

    // Act
    const plan = securityHubPlan({
      open: [suppressed, reopened],
      closed: [],
      exemptionChanges: [
        { change: 'set', resourceIds: ['sg-1'] },
        { change: 'removed', resourceIds: ['sg-2'] },
      ],
      asff,
    });

    // Assess
    expect(plan.workflow.suppress.map((r) => [r.Id, r.ProductArn])).toEqual([
      ['vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-1', asff.productArn],
    ]);
    expect(plan.workflow.reopen.map((r) => r.Id)).toEqual([
      'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-2',
    ]);
  });
  it("moves the Workflow of a member account's finding, under that account's id (I37)", () => {
    // Prepare: organization mode under a custom product (any account may import into it).
    const asff = {
      ...ASFF,
      productArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/acme/vpc-guardrail',
    };
    const member = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-9',
      accountId: '999988887777',
      suppressed: { by: 'tag', reason: 'bastion' },
    });

    // Act
    const plan = securityHubPlan({
      open: [member],
      closed: [],
      exemptionChanges: [{ change: 'set', resourceIds: ['sg-9'] }],
      asff,
    });

    // Assess
    expect(plan.workflow.suppress.map((r) => [r.Id, r.AwsAccountId])).toEqual([
      ['vpc-guardrail/999988887777/eu-west-1/sg-open-admin-port/sg-9', '999988887777'],
    ]);
  });
});

describe('securityHubPlan: findings of other accounts under the default product', () => {
  it('sends none and counts them per account, in account order (I25)', () => {
    // Prepare: organization mode, the central account's default product.
    const member = (accountId: string, resourceId: string) =>
      makeFinding({ ruleId: 'sg-open-admin-port', resourceId, accountId });

    // Act
    const plan = securityHubPlan({
      open: [member('999988887777', 'sg-9'), member('444455556666', 'sg-4'), member('999988887777', 'sg-8')],
      closed: [member('444455556666', 'sg-5')],
      asff: ASFF,
    });

    // Assess
    expect([plan.active, plan.closed]).toEqual([[], []]);
    expect(plan.otherAccounts).toEqual([
      { accountId: '444455556666', findings: 2 },
      { accountId: '999988887777', findings: 2 },
    ]);
  });

  it('moves no Workflow of theirs: a finding never imported under this product cannot be updated under it (I26)', () => {
    // Prepare: a member's finding whose exemption expired, and one whose exemption tag was set.
    const expired = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-9',
      accountId: '999988887777',
      evidence: { exemptionExpired: '2025-12-31' },
    });
    const exempted = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-8',
      accountId: '999988887777',
      suppressed: { by: 'tag', reason: 'bastion' },
    });

    // Act
    const plan = securityHubPlan({
      open: [expired, exempted],
      closed: [],
      exemptionChanges: [{ change: 'set', resourceIds: ['sg-8'] }],
      asff: ASFF,
    });

    // Assess
    expect(plan.workflow).toEqual({ suppress: [], reopen: [] });
    expect(plan.otherAccounts).toEqual([{ accountId: '999988887777', findings: 2 }]);
  });
});
