import { EC2Client } from '@aws-sdk/client-ec2';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { type AuditDeps, runAudit } from '../../../../shared/audit/pipeline';
import { AssumeRoleDeniedError } from '../../../../shared/aws/errors';
import { syncFindings } from '../../../../shared/aws/security-hub';
import { staleRecords } from '../../../../shared/integrations/stale-findings';
import { parseConfig } from '../../../../shared/load-config';
import { mockRegion, sshGroup } from '../../../helpers';

// DESIGN §16 (RecordState ARCHIVED, Workflow RESOLVED for a finding that no longer fires): the event
// function closes what an event's scope no longer reports, but a finding whose change no event told
// (a group deleted — no event handles a deletion —, a rule fixed while the event function was
// failing, a rule turned off) stayed ACTIVE in Security Hub for good, a fixed group still shown as
// open by every later audit. The audit now sweeps: what Security Hub holds ACTIVE under its product
// for an account-region it read whole, and no longer reports, is resolved and archived.

const ACCOUNT = '111122223333';
const PRODUCT = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const EU = `vpc-guardrail/${ACCOUNT}/eu-west-1/`;
const VPC = 'vpc-0000000a';

const ec2Mock = mockClient(EC2Client);
const hubMock = mockClient(SecurityHubClient);
const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const hub = new SecurityHubClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

/** A finding as GetFindings returns one of ours (imported by an earlier evaluation). */
function held(
  ruleId: string,
  resourceId: string,
  overrides: Partial<AwsSecurityFinding> = {},
  prefix = EU,
): AwsSecurityFinding {
  return {
    SchemaVersion: '2018-10-08',
    Id: `${prefix}${ruleId}/${resourceId}`,
    ProductArn: PRODUCT,
    GeneratorId: `vpc-guardrail/${ruleId}`,
    AwsAccountId: ACCOUNT,
    CreatedAt: '2026-01-01T00:00:00.000Z',
    UpdatedAt: '2026-01-01T00:00:00.000Z',
    Title: 'old',
    Description: 'old',
    Resources: [{ Type: 'AwsEc2SecurityGroup', Id: resourceId }],
    RecordState: 'ACTIVE',
    ProductFields: { 'vpc-guardrail/RuleId': ruleId, 'vpc-guardrail/ResourceId': resourceId },
    ...overrides,
  };
}

function deps(): AuditDeps {
  return {
    config: parseConfig({ mode: 'notify' }),
    accountId: ACCOUNT,
    homeRegion: 'eu-west-1',
    ec2For: () => ec2,
    securityHub: (plan) => syncFindings(hub, plan),
    now: () => new Date('2026-02-01T00:00:00Z'),
  };
}

describe("the audit's Security Hub sweep (DESIGN §16)", () => {
  beforeEach(() => {
    ec2Mock.reset();
    hubMock.reset();
    mockRegion(ec2Mock, VPC, [sshGroup('sg-0open', VPC, ['0.0.0.0/0'])]);
    hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
    hubMock.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string }[] }) => ({
      ProcessedFindings: input.FindingIdentifiers,
      UnprocessedFindings: [],
    }));
  });

  it('resolves and archives a held finding of a deleted group, and leaves the firing one, the other region and other products alone', async () => {
    // Prepare
    const gone = held('sg-open-admin-port', 'sg-0deleted');
    hubMock.on(GetFindingsCommand).resolves({
      Findings: [
        held('sg-open-admin-port', 'sg-0open'),
        gone,
        // Not audited here (only eu-west-1 was read): GetFindings filters it out; an emulator may not.
        held('sg-open-admin-port', 'sg-0east', {}, `vpc-guardrail/${ACCOUNT}/us-east-1/`),
        held('sg-open-admin-port', 'sg-0other', {
          ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty',
        }),
        held('sg-open-admin-port', 'sg-0archived', { RecordState: 'ARCHIVED' }),
        // Imported by the event function while the audit read (after its start): the audit's state
        // cannot show that change, so the finding is left as it is.
        held('sg-open-admin-port', 'sg-0new', { UpdatedAt: '2026-02-01T00:00:05.000Z' }),
      ],
    });

    // Act
    const result = await runAudit(parseAuditPayload({}), deps());

    // Assess
    expect(hubMock.commandCalls(GetFindingsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Filters: {
          ProductArn: [{ Value: PRODUCT, Comparison: 'EQUALS' }],
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
          Id: [{ Value: EU, Comparison: 'PREFIX' }],
        },
        MaxResults: 100,
      },
    ]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input)).toEqual([
      { FindingIdentifiers: [{ Id: gone.Id, ProductArn: PRODUCT }], Workflow: { Status: 'RESOLVED' } },
    ]);
    const imports = hubMock
      .commandCalls(BatchImportFindingsCommand)
      .map((c) => c.args[0].input.Findings ?? []);
    expect(imports).toHaveLength(2);
    expect(imports[0]?.map((f) => [f.Id, f.RecordState])).toEqual([
      [`${EU}sg-open-admin-port/sg-0open`, 'ACTIVE'],
    ]);
    expect(imports[1]?.map((f) => [f.Id, f.RecordState, f.Workflow?.Status, f.Severity?.Label])).toEqual([
      [gone.Id, 'ARCHIVED', 'RESOLVED', 'INFORMATIONAL'],
    ]);
    expect(imports[1]?.[0]?.Description).toBe(
      'No longer detected: sg-0deleted was read again by an audit and rule sg-open-admin-port (Security group open to the internet on an admin port) no longer fires on it.',
    );
    expect(result.securityHub).toMatchObject({
      imported: 1,
      archived: 1,
      resolved: 1,
      stale: 1,
      failedCount: 0,
    });
  });

  it('sweeps nothing in an audit of some VPCs (the others were not read)', async () => {
    // Prepare
    hubMock.on(GetFindingsCommand).resolves({ Findings: [held('sg-open-admin-port', 'sg-0deleted')] });

    // Act
    const result = await runAudit(parseAuditPayload({ vpcIds: [VPC] }), deps());

    // Assess
    expect(hubMock.commandCalls(GetFindingsCommand)).toHaveLength(0);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
    expect(result.securityHub?.stale).toBeUndefined();
  });

  it('sweeps only the regions read whole: a region that failed keeps what Security Hub holds', async () => {
    // Prepare: us-east-1 cannot be read.
    hubMock.on(GetFindingsCommand).resolves({
      Findings: [held('sg-open-admin-port', 'sg-0east', {}, `vpc-guardrail/${ACCOUNT}/us-east-1/`)],
    });

    // Act
    const result = await runAudit(parseAuditPayload({ regions: ['eu-west-1', 'us-east-1'] }), {
      ...deps(),
      ec2For: ({ region }) => {
        if (region !== 'us-east-1') return ec2;
        throw new AssumeRoleDeniedError(ACCOUNT, `arn:aws:iam::${ACCOUNT}:role/x`, 'AccessDenied: no');
      },
    });

    // Assess
    expect(result.errors?.map((e) => e.region)).toEqual(['us-east-1']);
    expect(
      hubMock.commandCalls(GetFindingsCommand).map((c) => c.args[0].input.Filters?.Id?.map((f) => f.Value)),
    ).toEqual([[EU]]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
    expect(result.securityHub).toMatchObject({ stale: 0, archived: 0 });
  });

  it('closes nothing and reports the failure when GetFindings is refused; the audit still answers', async () => {
    // Prepare
    hubMock.on(GetFindingsCommand).rejects(
      Object.assign(new Error('not authorized to perform securityhub:GetFindings'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act
    const result = await runAudit(parseAuditPayload({}), deps());

    // Assess
    expect(result.summary.total).toBe(1);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
    expect(result.securityHub).toMatchObject({
      imported: 1,
      archived: 0,
      stale: 0,
      failed: [
        {
          id: '(GetFindings)',
          code: 'AccessDeniedException',
          message: 'not authorized to perform securityhub:GetFindings',
        },
      ],
    });
  });

  it('reads every page of GetFindings', async () => {
    // Prepare
    hubMock
      .on(GetFindingsCommand)
      .resolvesOnce({ Findings: [held('sg-open-admin-port', 'sg-0a')], NextToken: 'p2' })
      .resolvesOnce({ Findings: [held('sg-open-admin-port', 'sg-0b')] });

    // Act
    const result = await runAudit(parseAuditPayload({}), deps());

    // Assess
    expect(hubMock.commandCalls(GetFindingsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'p2',
    ]);
    expect(
      hubMock
        .commandCalls(BatchUpdateFindingsCommand)
        .flatMap((c) => c.args[0].input.FindingIdentifiers?.map((f) => f.Id)),
    ).toEqual([`${EU}sg-open-admin-port/sg-0a`, `${EU}sg-open-admin-port/sg-0b`]);
    expect(result.securityHub?.stale).toBe(2);
  });
});

describe('staleRecords: what the sweep never closes', () => {
  const sweep = {
    productArn: PRODUCT,
    prefixes: [EU],
    firing: new Set([`${EU}sg-open-admin-port/sg-0open`]),
    notJudged: [
      { resourceId: 'eni-0blind', reason: 'its group sg-0missing is not in the snapshot' },
      { resourceId: 'sg-0unused', reason: 'unused: not every interface was read', ruleId: 'sg-unused' },
    ],
    now: new Date('2026-02-01T00:00:00Z'),
  };

  it('leaves a resource not judged, a rule not judged on it, an unknown rule, a record without our fields or a time', () => {
    const records = staleRecords(
      [
        held('eni-internet-exposed', 'eni-0blind'),
        held('sg-unused', 'sg-0unused'),
        held('no-such-rule', 'sg-0x'),
        held('sg-open-admin-port', 'sg-0y', { ProductFields: {} }),
        held('sg-open-admin-port', 'sg-0undated', { UpdatedAt: undefined }),
        held('sg-open-admin-port', 'sg-0open'),
        // Judged, no longer firing: the one closed.
        held('sg-open-admin-port', 'sg-0unused'),
      ],
      sweep,
    );
    expect(records.map((r) => [r.Id, r.RecordState, r.Workflow.Status, r.Resources[0]?.Id])).toEqual([
      [
        `${EU}sg-open-admin-port/sg-0unused`,
        'ARCHIVED',
        'RESOLVED',
        `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/sg-0unused`,
      ],
    ]);
  });
});
