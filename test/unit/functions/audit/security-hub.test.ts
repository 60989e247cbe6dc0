import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditResult } from '../../../../shared/audit/types';
import type { AsffFinding } from '../../../../shared/report/asff';

const ec2 = mockClient(EC2Client);
const hub = mockClient(SecurityHubClient);
const ACCOUNT = '111122223333';
const PRODUCT = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const context = {
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:vpc-guardrail-audit`,
  awsRequestId: 'req-1',
  functionName: 'vpc-guardrail-audit',
} as Context;

type Handler = (event: unknown, context: Context) => Promise<AuditResult>;

async function loadHandler(env: Record<string, string>): Promise<Handler> {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  vi.resetModules();
  const module = await import('../../../../functions/audit/handler');
  return module.handler as unknown as Handler;
}

/** One VPC with `count` groups, each open to the world on 22/tcp through rule sgr-<n>. */
function groups(count: number): void {
  ec2.onAnyCommand().resolves({});
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: ACCOUNT }] });
  const ids = Array.from({ length: count }, (_, i) => `sg-${String(i).padStart(17, '0')}`);
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: ids.map((GroupId) => ({
      GroupId,
      GroupName: GroupId,
      VpcId: 'vpc-0000000a',
      OwnerId: ACCOUNT,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      IpPermissionsEgress: [],
    })),
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: ids.map((GroupId, i) => ({
      SecurityGroupRuleId: `sgr-${i}`,
      GroupId,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
    })),
  });
}

const imported = (): AsffFinding[] =>
  hub
    .commandCalls(BatchImportFindingsCommand)
    .flatMap((c) => (c.args[0].input.Findings ?? []) as AsffFinding[]);

describe('audit handler with Security Hub', () => {
  beforeEach(() => {
    ec2.reset();
    hub.reset();
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
    // The audit's sweep of what Security Hub holds (nothing held here).
    hub.on(GetFindingsCommand).resolves({ Findings: [] });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('imports every finding under the default product, at most 100 per call, and says so in its answer', async () => {
    // Prepare
    groups(120);
    const handler = await loadHandler({ VPC_GUARDRAIL_SECURITY_HUB: 'true' });

    // Act
    const result = await handler({}, context);

    // Assess
    const calls = hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length);
    expect(calls).toEqual([100, 20]);
    expect(new Set(imported().map((f) => f.ProductArn))).toEqual(new Set([PRODUCT]));
    expect(imported().every((f) => f.RecordState === 'ACTIVE' && f.AwsAccountId === ACCOUNT)).toBe(true);
    expect(result.summary.total).toBe(120);
    expect(result.securityHub).toEqual({
      imported: 120,
      archived: 0,
      resolved: 0,
      failedCount: 0,
      failed: [],
      // Two imports, and the sweep's one GetFindings (nothing held that no longer fires).
      calls: 3,
      stale: 0,
    });
  });

  it('lists the findings Security Hub rejected in its answer', async () => {
    // Prepare
    groups(2);
    const rejected = `vpc-guardrail/${ACCOUNT}/eu-west-1/sg-open-admin-port/sg-00000000000000001`;
    hub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 1,
      FailedFindings: [{ Id: rejected, ErrorCode: 'InvalidInput', ErrorMessage: 'bad finding' }],
    });
    const handler = await loadHandler({ VPC_GUARDRAIL_SECURITY_HUB: 'true' });

    // Act
    const result = await handler({}, context);

    // Assess
    expect(result.securityHub).toMatchObject({
      imported: 1,
      failedCount: 1,
      failed: [{ id: rejected, code: 'InvalidInput', message: 'bad finding' }],
    });
  });

  it('archives and resolves what its remediation closed, by the id the finding was imported with', async () => {
    // Prepare
    groups(1);
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const handler = await loadHandler({
      VPC_GUARDRAIL_SECURITY_HUB: 'true',
      VPC_GUARDRAIL_MODE: 'remediate',
    });

    // Act
    const result = await handler({ remediate: true }, context);

    // Assess
    const id = `vpc-guardrail/${ACCOUNT}/eu-west-1/sg-open-admin-port/sg-00000000000000000`;
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, {
      GroupId: 'sg-00000000000000000',
      SecurityGroupRuleIds: ['sgr-0'],
    });
    expect(hub).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: id, ProductArn: PRODUCT }],
      Workflow: { Status: 'RESOLVED' },
    });
    expect(imported().find((f) => f.Id === id)).toMatchObject({
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
    });
    expect(result.securityHub?.archived).toBe(1);
  });

  it('calls Security Hub only when the stack enabled it', async () => {
    // Prepare
    groups(1);
    const handler = await loadHandler({});

    // Act
    const result = await handler({}, context);

    // Assess
    expect(hub).not.toHaveReceivedCommand(BatchImportFindingsCommand);
    expect(result.securityHub).toBeUndefined();
  });
});
