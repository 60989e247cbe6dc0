import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  importFindings,
  resolveFindings,
  securityHubEnabled,
  syncFindings,
} from '../../../../shared/aws/security-hub';
import { securityHubPlan, splitByRemediation } from '../../../../shared/integrations/security-hub';
import { type AsffFinding, defaultProductArn, toAsff } from '../../../../shared/report/asff';
import { makeFinding, revokePlan } from '../../../helpers';

const hubMock = mockClient(SecurityHubClient);
const hub = new SecurityHubClient({ region: 'eu-west-1' });
const NOW = new Date('2026-01-02T03:04:05.000Z');
const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: NOW };
const PRODUCT = defaultProductArn('eu-west-1', '111122223333');

/** `count` distinct findings, one per group. */
function records(count: number): AsffFinding[] {
  const findings = Array.from({ length: count }, (_, i) =>
    makeFinding({ ruleId: 'sg-open-admin-port', resourceId: `sg-${String(i).padStart(17, '0')}` }),
  );
  return toAsff(findings, ASFF);
}

/** The Findings of every BatchImportFindings call, in order. */
function importedBatches(): AsffFinding[][] {
  return hubMock
    .commandCalls(BatchImportFindingsCommand)
    .map((call) => (call.args[0].input.Findings ?? []) as AsffFinding[]);
}

beforeEach(() => {
  hubMock.reset();
});

describe('importFindings', () => {
  it('imports 250 findings in 3 BatchImportFindings calls of at most 100, all under the default product', async () => {
    // Prepare
    hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));

    // Act
    const report = await importFindings(hub, records(250));

    // Assess
    const batches = importedBatches();
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(new Set(batches.flat().map((f) => f.Id)).size).toBe(250);
    expect(batches.flat().every((f) => f.ProductArn === PRODUCT)).toBe(true);
    expect(report).toEqual({ imported: 250, failed: [], calls: 3 });
  });

  it("repeats Severity and Types under FindingProviderFields, the provider's own fields on every update", async () => {
    // Prepare
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 2 });
    const [critical, gone] = [
      toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1', severity: 'critical' })], ASFF),
      securityHubPlan({
        open: [],
        closed: [makeFinding({ ruleId: 'route-blackhole', resourceId: 'rtb-1', severity: 'info' })],
        asff: ASFF,
      }).closed,
    ].flat();

    // Act
    await importFindings(
      hub,
      [critical, gone].flatMap((r) => (r ? [r] : [])),
    );

    // Assess
    const sent = hubMock.commandCalls(BatchImportFindingsCommand)[0]?.args[0].input.Findings ?? [];
    expect(sent.map((f) => f.FindingProviderFields)).toEqual([
      {
        Severity: { Label: 'CRITICAL', Original: 'critical' },
        Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      },
      {
        Severity: { Label: 'INFORMATIONAL', Original: 'info' },
        Types: gone?.Types,
      },
    ]);
    expect(sent.map((f) => [f.Severity?.Label, f.RecordState])).toEqual([
      ['CRITICAL', 'ACTIVE'],
      ['INFORMATIONAL', 'ARCHIVED'],
    ]);
  });

  it('reports each finding Security Hub rejected, and every finding of a call that failed whole', async () => {
    // Prepare
    const all = records(150);
    const rejected = all[7]?.Id ?? '';
    hubMock
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 99,
        FailedFindings: [{ Id: rejected, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding size exceeded' }],
      })
      .rejectsOnce(
        Object.assign(new Error('Account is not subscribed to AWS Security Hub'), {
          name: 'InvalidAccessException',
        }),
      );

    // Act
    const report = await importFindings(hub, all);

    // Assess
    expect(report.calls).toBe(2);
    expect(report.imported).toBe(99);
    expect(report.failed).toHaveLength(51);
    expect(report.failed[0]).toEqual({
      id: rejected,
      code: 'InvalidInput',
      message: 'Finding size exceeded',
    });
    expect(report.failed.slice(1).map((f) => f.id)).toEqual(all.slice(100).map((f) => f.Id));
    expect(report.failed[1]).toMatchObject({
      code: 'InvalidAccessException',
      message: 'Account is not subscribed to AWS Security Hub',
    });
  });

  it('sends the partition in ASFF spelling', async () => {
    // Prepare
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const [record] = toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' })], {
      ...ASFF,
      region: 'cn-north-1',
    });

    // Act
    await importFindings(hub, record ? [record] : []);

    // Assess
    expect(importedBatches()[0]?.[0]?.Resources[0]?.Partition).toBe('aws-cn');
  });
});

describe('resolveFindings', () => {
  it('archives and resolves a finding remediation closed, by the same id, even when Security Hub does not hold it yet', async () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-0abc',
      remediation: revokePlan('sg-0abc', ['sgr-1', 22]),
      controls: ['CIS 5.2'],
    });
    const plan = securityHubPlan({
      ...splitByRemediation(
        [finding],
        [
          {
            action: {
              action: 'RevokeSecurityGroupIngress',
              parameters: { GroupId: 'sg-0abc', SecurityGroupRuleIds: ['sgr-1'] },
              findingIds: [finding.id],
            },
            status: 'done',
          },
        ],
      ),
      asff: ASFF,
    });
    const id = 'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-0abc';
    hubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: id, ProductArn: PRODUCT },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'x',
        },
      ],
    });
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });

    // Act
    const report = await syncFindings(hub, plan);

    // Assess
    expect(plan.active).toEqual([]);
    expect(hubMock).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: id, ProductArn: PRODUCT }],
      Workflow: { Status: 'RESOLVED' },
    });
    expect(importedBatches()).toEqual([
      [
        expect.objectContaining({
          Id: id,
          RecordState: 'ARCHIVED',
          Workflow: { Status: 'RESOLVED' },
          Compliance: { Status: 'PASSED', RelatedRequirements: ['CIS 5.2'] },
          UpdatedAt: NOW.toISOString(),
        }),
      ],
    ]);
    expect(report).toEqual({ imported: 0, archived: 1, resolved: 0, failed: [], calls: 2 });
  });

  it('archives a finding that no longer fires only where Security Hub holds it', async () => {
    // Prepare
    const gone = toAsff(
      [
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-held' }),
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-never' }),
      ],
      ASFF,
    );
    const [held, never] = gone.map((r) => r.Id);
    hubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [{ Id: held, ProductArn: PRODUCT }],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: never, ProductArn: PRODUCT },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: '',
        },
      ],
    });
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });

    // Act
    const report = await resolveFindings(hub, [], gone);

    // Assess
    expect(
      importedBatches()
        .flat()
        .map((f) => f.Id),
    ).toEqual([held]);
    expect(report).toEqual({ archived: 1, resolved: 1, failed: [], calls: 2 });
  });

  it('reports workflow updates Security Hub refused, and archives nothing it could not look up', async () => {
    // Prepare
    const gone = toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-x' })], ASFF);
    hubMock
      .on(BatchUpdateFindingsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const report = await resolveFindings(hub, [], gone);

    // Assess
    expect(hubMock).not.toHaveReceivedCommand(BatchImportFindingsCommand);
    expect(report.failed).toEqual([
      { id: gone[0]?.Id, code: 'AccessDeniedException', message: 'not authorized' },
    ]);
  });
});

describe('securityHubEnabled', () => {
  it('reads VPC_GUARDRAIL_SECURITY_HUB: true, false or unset, anything else is an error naming it', () => {
    expect(securityHubEnabled({})).toBe(false);
    expect(securityHubEnabled({ VPC_GUARDRAIL_SECURITY_HUB: 'false' })).toBe(false);
    expect(securityHubEnabled({ VPC_GUARDRAIL_SECURITY_HUB: 'true' })).toBe(true);
    expect(() => securityHubEnabled({ VPC_GUARDRAIL_SECURITY_HUB: 'yes' })).toThrow(
      expect.objectContaining({ issues: ['VPC_GUARDRAIL_SECURITY_HUB: expected true or false, got "yes"'] }),
    );
  });
});
