import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { syncFindings } from '../../../../shared/aws/security-hub';
import { securityHubPlan } from '../../../../shared/integrations/security-hub';
import { makeFinding } from '../../../helpers';

// Security Hub: "After a finding is created, BatchImportFindings cannot be used to update ...
// Workflow" (API reference). An exemption tag set or removed after the finding was first imported
// must still move its Workflow, else a finding whose exemption was removed stays SUPPRESSED (out of
// Security Hub's default views) while it fires again.

const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T00:00:00.000Z') };
const ID = (ruleId: string, resourceId: string) =>
  `vpc-guardrail/111122223333/eu-west-1/${ruleId}/${resourceId}`;
const admin = makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' });
const exempted = { ...admin, suppressed: { by: 'tag' as const, reason: 'vpc-guardrail:exempt=*' } };
const other = makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' });

describe('securityHubPlan: the workflow an exemption change implies', () => {
  it('reopens a finding firing unsuppressed on a resource whose exemption was removed', () => {
    const plan = securityHubPlan({
      open: [admin, other],
      closed: [],
      exemptionChanges: [{ change: 'removed', resourceIds: ['sg-1'] }],
      asff: ASFF,
    });
    expect(plan.workflow.reopen.map((r) => r.Id)).toEqual([ID('sg-open-admin-port', 'sg-1')]);
    expect(plan.workflow.suppress).toEqual([]);
  });

  it('suppresses a finding now suppressed on a resource whose exemption was set', () => {
    const plan = securityHubPlan({
      open: [exempted, other],
      closed: [],
      exemptionChanges: [{ change: 'set', resourceIds: ['sg-1', 'sg-2'] }],
      asff: ASFF,
    });
    // sg-2's finding is not suppressed (the tag named another rule, or has expired): left alone.
    expect(plan.workflow.suppress.map((r) => r.Id)).toEqual([ID('sg-open-admin-port', 'sg-1')]);
    expect(plan.workflow.reopen).toEqual([]);
  });

  it('moves nothing without an exemption change, or against its direction', () => {
    expect(securityHubPlan({ open: [admin, exempted], closed: [], asff: ASFF }).workflow).toEqual({
      suppress: [],
      reopen: [],
    });
    // Removed but still suppressed (the configuration allow-lists it): stays as it is.
    const allowListed = { ...admin, suppressed: { by: 'config' as const, reason: 'allow-listed' } };
    expect(
      securityHubPlan({
        open: [allowListed],
        closed: [],
        exemptionChanges: [{ change: 'removed', resourceIds: ['sg-1'] }],
        asff: ASFF,
      }).workflow,
    ).toEqual({ suppress: [], reopen: [] });
  });
});

describe('syncFindings: Workflow follows the exemption after the import', () => {
  const hubMock = mockClient(SecurityHubClient);
  const hub = new SecurityHubClient({ region: 'eu-west-1' });
  beforeEach(() => {
    hubMock.reset();
    hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
  });

  it('sets NEW on the reopened finding with BatchUpdateFindings, after BatchImportFindings', async () => {
    hubMock.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string }[] }) => ({
      ProcessedFindings: input.FindingIdentifiers,
      UnprocessedFindings: [],
    }));
    const plan = securityHubPlan({
      open: [admin],
      closed: [],
      exemptionChanges: [{ change: 'removed', resourceIds: ['sg-1'] }],
      asff: ASFF,
    });

    const sync = await syncFindings(hub, plan);

    expect(hubMock.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'BatchImportFindingsCommand',
      'BatchUpdateFindingsCommand',
    ]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input).toEqual({
      FindingIdentifiers: [
        {
          Id: ID('sg-open-admin-port', 'sg-1'),
          ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
        },
      ],
      Workflow: { Status: 'NEW' },
    });
    expect(sync).toEqual({ imported: 1, archived: 0, resolved: 0, workflowSet: 1, failed: [], calls: 2 });
  });

  it('takes FindingNotFound (created by this import with that status) as no failure, and reports others', async () => {
    hubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: ID('sg-open-admin-port', 'sg-1'), ProductArn: 'p' },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'not found',
        },
        {
          FindingIdentifier: { Id: ID('sg-open-admin-port', 'sg-2'), ProductArn: 'p' },
          ErrorCode: 'AccessDenied',
          ErrorMessage: 'no',
        },
      ],
    });
    const plan = securityHubPlan({
      open: [exempted, { ...other, suppressed: exempted.suppressed }],
      closed: [],
      exemptionChanges: [{ change: 'set', resourceIds: ['sg-1', 'sg-2'] }],
      asff: ASFF,
    });

    const sync = await syncFindings(hub, plan);

    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input.Workflow).toEqual({
      Status: 'SUPPRESSED',
    });
    expect(sync.workflowSet).toBe(0);
    expect(sync.failed).toEqual([
      { id: ID('sg-open-admin-port', 'sg-2'), code: 'AccessDenied', message: 'no' },
    ]);
  });

  it('makes no workflow call, and reports no workflowSet, without an exemption change', async () => {
    const sync = await syncFindings(hub, securityHubPlan({ open: [admin], closed: [], asff: ASFF }));
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
    expect(sync).toEqual({ imported: 1, archived: 0, resolved: 0, failed: [], calls: 1 });
  });
});
