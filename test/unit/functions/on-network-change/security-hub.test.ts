import { EC2Client } from '@aws-sdk/client-ec2';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventResult } from '../../../../functions/on-network-change/process';
import type { AsffFinding } from '../../../../shared/report/asff';
import { authorizeIngress, buildWorld, cloudTrailRecord, envelope, installFakeEc2 } from '../../../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const hubMock = mockClient(SecurityHubClient);
const ACCOUNT = '111122223333';
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const id = (ruleId: string, resourceId: string) =>
  `vpc-guardrail/${ACCOUNT}/us-east-1/${ruleId}/${resourceId}`;
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vpc-guardrail-on-network-change`,
  awsRequestId: 'req-0001',
  functionName: 'vpc-guardrail-on-network-change',
} as Context;

async function loadHandler() {
  vi.resetModules();
  return import('../../../../functions/on-network-change/handler');
}

/** Every record sent with BatchImportFindings, by id. */
function imported(): Map<string, AsffFinding> {
  const records = hubMock
    .commandCalls(BatchImportFindingsCommand)
    .flatMap((c) => (c.args[0].input.Findings ?? []) as AsffFinding[]);
  return new Map(records.map((r) => [r.Id, r]));
}

/** The ids BatchUpdateFindings was asked to resolve. */
function resolvedIds(): string[] {
  return hubMock
    .commandCalls(BatchUpdateFindingsCommand)
    .flatMap((c) => (c.args[0].input.FindingIdentifiers ?? []).map((f) => f.Id ?? ''));
}

describe('on-network-change with Security Hub', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    hubMock.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', `arn:aws:sns:us-east-1:${ACCOUNT}:vpc-guardrail`);
    vi.stubEnv('VPC_GUARDRAIL_SECURITY_HUB', 'true');
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('archives and resolves the finding its revoke closed, under the same id, and imports what still fires', async () => {
    // Prepare
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'remediate');
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const { handler } = await loadHandler();

    // Act
    const result = await handler(
      envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])),
      context,
    );

    // Assess
    const admin = id('sg-open-admin-port', 'sg-0web');
    expect(resolvedIds()).toContain(admin);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input).toMatchObject({
      Workflow: { Status: 'RESOLVED' },
    });
    expect(imported().get(admin)).toMatchObject({
      ProductArn: PRODUCT,
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
      Severity: { Label: 'CRITICAL' },
    });
    // The revoke also ended the interface's exposure (the slice evaluated again after the actions).
    expect(imported().get(id('eni-internet-exposed', 'eni-0web'))).toMatchObject({
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
    });
    expect([...imported().values()].filter((r) => r.RecordState === 'ACTIVE')).toEqual([]);
    expect(result).toMatchObject({
      status: 'handled',
      securityHub: { imported: 0, archived: 2, failed: [] },
    });
  });

  it("dates the records: FirstObservedAt is the call's CloudTrail eventTime, CreatedAt = UpdatedAt = LastObservedAt the evaluation", async () => {
    // Prepare: Security Hub replaces CreatedAt on every import and wants it equal to UpdatedAt when
    // it creates a finding, so the change's time goes to FirstObservedAt (README, Security Hub).
    vi.useFakeTimers({ now: new Date('2025-06-15T10:53:00.000Z'), toFake: ['Date'] });
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const { handler } = await loadHandler();

    // Act
    await handler(envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])), context);
    vi.useRealTimers();

    // Assess: the record's eventTime is 2025-06-15T10:51:12Z.
    const record = imported().get(id('sg-open-admin-port', 'sg-0web'));
    expect(record).toMatchObject({
      RecordState: 'ACTIVE',
      CreatedAt: '2025-06-15T10:53:00.000Z',
      UpdatedAt: '2025-06-15T10:53:00.000Z',
      FirstObservedAt: '2025-06-15T10:51:12.000Z',
      LastObservedAt: '2025-06-15T10:53:00.000Z',
    });
  });

  it('sets Workflow NEW again on the findings of a group whose exemption tag was removed (an import cannot)', async () => {
    // Prepare: the group was exempted (its findings imported SUPPRESSED); DeleteTags removes the tag.
    hubMock.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string }[] }) => ({
      ProcessedFindings: input.FindingIdentifiers,
      UnprocessedFindings: [],
    }));
    const { handler } = await loadHandler();
    const deleteTags = cloudTrailRecord('DeleteTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0web' }] },
      tagSet: { items: [{ key: 'vpc-guardrail:exempt' }] },
    });

    // Act
    const result = await handler(envelope(deleteTags), context);

    // Assess
    const admin = id('sg-open-admin-port', 'sg-0web');
    expect(imported().get(admin)).toMatchObject({ RecordState: 'ACTIVE', Workflow: { Status: 'NEW' } });
    const workflowCalls = hubMock
      .commandCalls(BatchUpdateFindingsCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.Workflow?.Status === 'NEW');
    // The group's interface, accepted through the group's exemption, fires again with it.
    expect(workflowCalls.flatMap((input) => (input.FindingIdentifiers ?? []).map((f) => f.Id))).toEqual([
      id('eni-internet-exposed', 'eni-0web'),
      admin,
    ]);
    expect(result).toMatchObject({ securityHub: { workflowSet: 2, failed: [] } });
  });

  it('in notify mode imports the open finding as active, and archives only findings Security Hub holds that no longer fire', async () => {
    // Prepare
    const stale = id('sg-open-high-risk-port', 'sg-0web');
    hubMock.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string }[] }) => ({
      ProcessedFindings: input.FindingIdentifiers.filter((f) => f.Id === stale).map((f) => ({
        Id: f.Id,
        ProductArn: PRODUCT,
      })),
      UnprocessedFindings: input.FindingIdentifiers.filter((f) => f.Id !== stale).map((f) => ({
        FindingIdentifier: { Id: f.Id, ProductArn: PRODUCT },
        ErrorCode: 'FindingNotFound',
        ErrorMessage: 'not found',
      })),
    }));
    const { handler } = await loadHandler();

    // Act
    const result = await handler(
      envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])),
      context,
    );

    // Assess
    const records = imported();
    expect(records.get(id('sg-open-admin-port', 'sg-0web'))).toMatchObject({ RecordState: 'ACTIVE' });
    expect(resolvedIds()).not.toContain(id('sg-open-admin-port', 'sg-0web'));
    expect(resolvedIds()).toContain(stale);
    expect(records.get(stale)).toMatchObject({ RecordState: 'ARCHIVED', Workflow: { Status: 'RESOLVED' } });
    // Rules that never fired there are not created in Security Hub.
    expect([...records.values()].filter((r) => r.RecordState === 'ARCHIVED').map((r) => r.Id)).toEqual([
      stale,
    ]);
    expect(result).toMatchObject({ securityHub: { archived: 1, resolved: 1, failed: [] } });
  });

  it('reports a Security Hub failure without failing the invocation (the notice is already out)', async () => {
    // Prepare
    hubMock
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const { handler } = await loadHandler();

    // Act
    const result = await handler(
      envelope(authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']])),
      context,
    );

    // Assess
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(result).toMatchObject({ status: 'handled', notified: true });
    const handled = result as EventResult;
    const failed = handled.status === 'handled' ? (handled.securityHub?.failed ?? []) : [];
    expect(failed).toContainEqual({
      id: id('sg-open-admin-port', 'sg-0web'),
      code: 'AccessDeniedException',
      message: 'denied',
    });
  });
});
