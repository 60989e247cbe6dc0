import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { type AuditDeps, runAudit } from '../../../../shared/audit/pipeline';
import type { AuditTarget } from '../../../../shared/audit/types';
import { AssumeRoleDeniedError } from '../../../../shared/aws/errors';
import { organizationAccounts } from '../../../../shared/aws/member-accounts';
import type { ConfigInput } from '../../../../shared/config';
import type { Finding } from '../../../../shared/findings';
import type { SecurityHubPlan } from '../../../../shared/integrations/security-hub';
import { parseConfig } from '../../../../shared/load-config';
import type { Notice } from '../../../../shared/notify/notice';
import type { AsffFinding } from '../../../../shared/report/asff';
import { mockRegion, sshGroup } from '../../../helpers';

const CENTRAL = '111122223333';
const B = '222233334444';
const C = '555566667777';
const orgMock = mockClient(OrganizationsClient);

/** One client per account-region, each answering with one world-open group named after it. */
function clientsPerTarget(failing?: AuditTarget) {
  const asked: string[] = [];
  const ec2For = (target: AuditTarget): EC2Client => {
    asked.push(`${target.accountId}/${target.region}`);
    const client = new EC2Client({
      region: target.region,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(client);
    const vpc = 'vpc-0000000a';
    mockRegion(
      mock,
      vpc,
      [
        sshGroup(
          `sg-${target.accountId.slice(0, 4)}${target.region.slice(-1)}`,
          vpc,
          ['0.0.0.0/0'],
          target.accountId,
        ),
      ],
      target.accountId,
    );
    if (failing && failing.accountId === target.accountId && failing.region === target.region) {
      mock
        .on(DescribeVpcsCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: {} }));
    }
    return client;
  };
  return { ec2For, asked };
}

function deps(ec2For: AuditDeps['ec2For'], config: ConfigInput = {}, published: Notice[] = []): AuditDeps {
  return {
    config: parseConfig(config),
    accountId: CENTRAL,
    homeRegion: 'eu-west-1',
    ec2For,
    listAccounts: () => organizationAccounts(new OrganizationsClient({ region: 'eu-west-1' })),
    publish: async (notice) => {
      published.push(notice);
    },
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
}

describe('audit across accounts', () => {
  beforeEach(() => {
    orgMock.reset();
  });

  it('reports three of two accounts × two regions when one fails, lists the error, and sums per account', async () => {
    // Prepare
    const { ec2For } = clientsPerTarget({ accountId: C, region: 'us-east-1' });
    const published: Notice[] = [];
    const payload = parseAuditPayload({
      accounts: [B, C],
      regions: ['eu-west-1', 'us-east-1'],
      notify: true,
    });
    // Act
    const result = await runAudit(payload, deps(ec2For, {}, published));
    // Assess
    expect(result.regions.map((r) => `${r.accountId}/${r.region}`)).toEqual([
      `${B}/eu-west-1`,
      `${B}/us-east-1`,
      `${C}/eu-west-1`,
    ]);
    expect(result.errors).toEqual([
      {
        accountId: C,
        region: 'us-east-1',
        operation: 'DescribeVpcs',
        code: 'UnauthorizedOperation',
        message: 'DescribeVpcs failed in us-east-1: UnauthorizedOperation: denied',
      },
    ]);
    const admin = (result.findings as Finding[]).filter((f) => f.ruleId === 'sg-open-admin-port');
    expect(admin.map((f) => `${f.accountId}/${f.region}/${f.resourceId}`).sort()).toEqual([
      `${B}/eu-west-1/sg-22221`,
      `${B}/us-east-1/sg-22221`,
      `${C}/eu-west-1/sg-55551`,
    ]);
    expect(result.accounts?.map((a) => [a.accountId, a.regions, a.failed, a.summary.total])).toEqual([
      [B, 2, 0, 2],
      [C, 1, 1, 1],
    ]);
    expect(result.accounts?.[0]?.summary.bySeverity.critical).toBe(2);
    expect(published).toHaveLength(1);
    // Capped at 99 characters: SNS asks for a subject of less than 100.
    expect(published[0]?.subject).toBe(
      '[CRITICAL] VPC Guardrail audit: 3 findings, 1 region(s) not evaluated in 2 accounts eu-west-1,us...',
    );
    expect(published[0]?.subject).toHaveLength(99);
    expect(published[0]?.message).toContain(`${C}: 1 region(s), 1 not evaluated,`);
    expect(published[0]?.message).toContain(`NOT EVALUATED: ${C} us-east-1: DescribeVpcs failed`);
  });

  it('sends a notice at least high when a region could not be read, so a critical/high filter still gets it', async () => {
    // Prepare: eu-west-1 reads clean, us-east-1 is denied.
    const ec2For = (target: AuditTarget): EC2Client => {
      const client = new EC2Client({
        region: target.region,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      const mock = mockClient(client);
      mockRegion(mock, 'vpc-0000000a', [], target.accountId);
      if (target.region === 'us-east-1') {
        mock
          .on(DescribeVpcsCommand)
          .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: {} }));
      }
      return client;
    };
    const published: Notice[] = [];
    // Act
    const result = await runAudit(
      parseAuditPayload({ regions: ['eu-west-1', 'us-east-1'], notify: true }),
      deps(ec2For, {}, published),
    );
    // Assess: DESIGN §8, a "could not evaluate" carries severity high and action failed.
    expect(result.summary.total).toBe(0);
    expect(published).toHaveLength(1);
    expect(published[0]?.attributes.severity).toEqual({ DataType: 'String', StringValue: 'high' });
    expect(published[0]?.attributes.action).toEqual({ DataType: 'String', StringValue: 'failed' });
    expect(published[0]?.subject).toMatch(
      /^\[HIGH\] VPC Guardrail audit: no findings, 1 region\(s\) not evaluated in 111122223333 eu-west-1/,
    );
  });

  it('pages through ListAccounts, skips suspended accounts and honours excludeAccounts', async () => {
    // Prepare
    orgMock
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({
        Accounts: [
          { Id: B, State: 'ACTIVE' },
          { Id: '999999999999', State: 'SUSPENDED', Status: 'SUSPENDED' },
        ],
        NextToken: 'p2',
      })
      .on(ListAccountsCommand, { NextToken: 'p2' })
      .resolves({
        Accounts: [
          { Id: C, Status: 'ACTIVE' },
          { Id: CENTRAL, State: 'ACTIVE' },
          { Id: '888888888888', State: 'CLOSED' },
        ],
      });
    const { ec2For, asked } = clientsPerTarget();
    // Act
    const result = await runAudit(
      parseAuditPayload({ organization: true, regions: ['eu-west-1'] }),
      deps(ec2For, { excludeAccounts: [C] }),
    );
    // Assess
    expect(orgMock.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(asked).toEqual([`${CENTRAL}/eu-west-1`, `${B}/eu-west-1`]);
    expect(result.accounts?.map((a) => a.accountId)).toEqual([CENTRAL, B]);
    expect(result.excludedAccounts).toEqual([{ accountId: C, reason: `account ${C} is in excludeAccounts` }]);
  });

  it('lists an account whose member role cannot be assumed as failed in each region, and reports the others', async () => {
    // Prepare
    const { ec2For } = clientsPerTarget();
    const denied = (target: AuditTarget) => {
      if (target.accountId !== B) return ec2For(target);
      const cause = Object.assign(new Error('no trust'), { name: 'AccessDenied', $metadata: {} });
      const role = `arn:aws:iam::${B}:role/VpcGuardrailMember`;
      throw new AssumeRoleDeniedError(B, role, 'AccessDenied: no trust', { cause });
    };
    // Act
    const result = await runAudit(
      parseAuditPayload({ accounts: [B, C], regions: ['eu-west-1', 'us-east-1'] }),
      deps(denied),
    );
    // Assess
    expect(result.errors?.map((e) => [e.accountId, e.region, e.operation, e.code])).toEqual([
      [B, 'eu-west-1', 'AssumeRole', 'AccessDenied'],
      [B, 'us-east-1', 'AssumeRole', 'AccessDenied'],
    ]);
    expect(result.errors?.[0]?.message).toBe(
      `cannot assume arn:aws:iam::${B}:role/VpcGuardrailMember in account ${B}: AccessDenied: no trust`,
    );
    expect(result.accounts?.map((a) => [a.accountId, a.regions, a.failed])).toEqual([
      [B, 0, 2],
      [C, 2, 0],
    ]);
  });

  it('lists an account-region whose EC2 answer does not validate, and reports the others', async () => {
    // Prepare: C's eu-west-1 answers a group rule with a port EC2 never writes as text.
    const { ec2For } = clientsPerTarget();
    const odd = (target: AuditTarget) => {
      if (target.accountId !== C || target.region !== 'eu-west-1') return ec2For(target);
      const client = new EC2Client({
        region: target.region,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      const group = {
        GroupId: 'sg-0odd',
        VpcId: 'vpc-0000000a',
        OwnerId: C,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 'abc' as unknown as number }],
      };
      mockRegion(mockClient(client), 'vpc-0000000a', [{ group, rules: [] }], C);
      return client;
    };
    // Act
    const result = await runAudit(
      parseAuditPayload({ accounts: [B, C], regions: ['eu-west-1', 'us-east-1'] }),
      deps(odd),
    );
    // Assess: one account-region not judged, said so; the three others reported.
    expect(result.errors).toEqual([
      {
        accountId: C,
        region: 'eu-west-1',
        operation: 'ValidateSnapshot',
        code: 'InvalidData',
        message:
          'what EC2 returned could not be judged: SecurityGroups[0].IpPermissions[0].FromPort: expected a number, got a string ("abc")',
      },
    ]);
    expect(result.accounts?.map((a) => [a.accountId, a.regions, a.failed])).toEqual([
      [B, 2, 0],
      [C, 1, 1],
    ]);
    expect(result.summary.total).toBe(3);
  });

  it('lists an account whose AssumeRole is still throttled after the retries, and reports the others', async () => {
    // Prepare
    const { ec2For } = clientsPerTarget();
    const throttled = async (target: AuditTarget) => {
      if (target.accountId !== B) return ec2For(target);
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
        $retryable: { throttling: true },
      });
    };
    // Act
    const result = await runAudit(
      parseAuditPayload({ accounts: [B, C], regions: ['eu-west-1'] }),
      deps(throttled),
    );
    // Assess
    expect(result.errors).toEqual([
      {
        accountId: B,
        region: 'eu-west-1',
        operation: 'AssumeRole',
        code: 'Throttling',
        message: `cannot assume the member role in account ${B} (after retries): Throttling: Rate exceeded`,
      },
    ]);
    expect(result.accounts?.map((a) => [a.accountId, a.regions, a.failed, a.summary.total])).toEqual([
      [B, 0, 1, 0],
      [C, 1, 0, 1],
    ]);
  });

  it('still fails on what is not an AWS fault (a bug is not a region to list)', async () => {
    const broken = async () => {
      throw new TypeError('x is undefined');
    };
    await expect(
      runAudit(parseAuditPayload({ accounts: [B], regions: ['eu-west-1'] }), deps(broken)),
    ).rejects.toThrow('x is undefined');
  });

  it('says the organization cannot be listed, naming the AWS error', async () => {
    orgMock.on(ListAccountsCommand).rejects(
      Object.assign(new Error('not a delegated administrator'), {
        name: 'AccessDeniedException',
        $metadata: {},
      }),
    );
    const { ec2For } = clientsPerTarget();
    await expect(runAudit(parseAuditPayload({ organization: true }), deps(ec2For))).rejects.toThrow(
      "cannot list the organization's accounts: AccessDeniedException: not a delegated administrator (ListAccounts answers in the management account or a delegated administrator: run there, or register this account with aws organizations register-delegated-administrator; or name the accounts)",
    );
  });

  it('says an account outside any organization should name its accounts', async () => {
    orgMock.on(ListAccountsCommand).rejects(
      Object.assign(new Error('Your account is not a member of an organization.'), {
        name: 'AWSOrganizationsNotInUseException',
        $metadata: {},
      }),
    );
    const { ec2For } = clientsPerTarget();
    await expect(runAudit(parseAuditPayload({ organization: true }), deps(ec2For))).rejects.toThrow(
      "cannot list the organization's accounts: AWSOrganizationsNotInUseException: Your account is not a member of an organization. (this account is not in an organization: name the accounts instead)",
    );
  });

  it('fails, instead of a clean report of no account, when the organization lists no ACTIVE account', async () => {
    // Prepare: moto without an organization answers an empty list; a closed account is not ACTIVE.
    orgMock.on(ListAccountsCommand).resolves({ Accounts: [{ Id: B, State: 'SUSPENDED' }] });
    const { ec2For } = clientsPerTarget();
    // Act, Assess: before, an answer with no region, no account and no error.
    await expect(runAudit(parseAuditPayload({ organization: true }), deps(ec2For))).rejects.toThrow(
      'organizations:ListAccounts listed no ACTIVE account: nothing to audit',
    );
  });

  it('reads at most 8 account-regions at once', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const { ec2For } = clientsPerTarget();
    const slow = async (target: AuditTarget) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return ec2For(target);
    };
    const accounts = Array.from({ length: 10 }, (_, i) => `${100000000000 + i}`);
    // Act
    const result = await runAudit(
      parseAuditPayload({ accounts, regions: ['eu-west-1', 'us-east-1'] }),
      deps(slow),
    );
    // Assess
    expect(result.regions).toHaveLength(20);
    expect(peak).toBe(8);
  });

  it("imports only the central account's own findings into Security Hub and counts the members' per account", async () => {
    // Prepare: one world-open group per account-region; the central account is audited too.
    const { ec2For } = clientsPerTarget();
    const plans: SecurityHubPlan[] = [];
    const withHub: AuditDeps = {
      ...deps(ec2For),
      securityHub: async (plan) => {
        plans.push(plan);
        return { imported: plan.active.length, archived: 0, resolved: 0, failed: [], calls: 1 };
      },
    };
    // Act
    const result = await runAudit(
      parseAuditPayload({ accounts: [CENTRAL, B, C], regions: ['eu-west-1', 'us-east-1'] }),
      withHub,
    );
    // Assess: a default product takes findings only from their own account (BatchImportFindings
    // API reference), so the members' are not sent to be rejected one by one.
    const [plan] = plans;
    const product = `arn:aws:securityhub:eu-west-1:${CENTRAL}:product/${CENTRAL}/default`;
    expect(plan?.active.map((r) => [r.AwsAccountId, r.Resources[0]?.Id, r.ProductArn])).toEqual([
      [CENTRAL, `arn:aws:ec2:eu-west-1:${CENTRAL}:security-group/sg-11111`, product],
      [CENTRAL, `arn:aws:ec2:us-east-1:${CENTRAL}:security-group/sg-11111`, product],
    ]);
    expect(result.securityHub).toEqual({
      imported: 2,
      archived: 0,
      resolved: 0,
      failed: [],
      failedCount: 0,
      calls: 1,
      notImported: [
        { accountId: B, findings: 2 },
        { accountId: C, findings: 2 },
      ],
    });
  });

  it("renders format asff with each finding under its own account's default product (importable by that account)", async () => {
    const { ec2For } = clientsPerTarget();
    const result = await runAudit(
      parseAuditPayload({ accounts: [CENTRAL, B], regions: ['us-east-1'], format: 'asff' }),
      deps(ec2For),
    );
    const records = (result.findings ?? []) as AsffFinding[];
    expect(records.map((r) => [r.AwsAccountId, r.ProductArn])).toEqual([
      [CENTRAL, `arn:aws:securityhub:eu-west-1:${CENTRAL}:product/${CENTRAL}/default`],
      [B, `arn:aws:securityhub:eu-west-1:${B}:product/${B}/default`],
    ]);
  });

  it('neither reads nor remediates its own account when excludeAccounts lists it (no accounts in the payload)', async () => {
    // Prepare
    const { ec2For, asked } = clientsPerTarget();
    // Act
    const result = await runAudit(
      parseAuditPayload({ remediate: true }),
      deps(ec2For, { mode: 'remediate', excludeAccounts: [CENTRAL] }),
    );
    // Assess
    expect(asked).toEqual([]);
    expect(result.summary.total).toBe(0);
    expect(result.regions).toEqual([]);
    expect(result.remediation).toEqual([]);
    expect(result.excludedAccounts).toEqual([
      { accountId: CENTRAL, reason: `account ${CENTRAL} is in excludeAccounts` },
    ]);
  });

  it('audits its own account by default even when the accounts allow-list leaves it out', async () => {
    const { ec2For, asked } = clientsPerTarget();
    const result = await runAudit(parseAuditPayload({}), deps(ec2For, { accounts: [B] }));
    expect(asked).toEqual([`${CENTRAL}/eu-west-1`]);
    expect(result.excludedAccounts).toBeUndefined();
  });

  it('rejects a payload with both accounts and organization, and VPC ids across accounts', () => {
    expect(() => parseAuditPayload({ accounts: [B], organization: true })).toThrow(
      'organization: give either accounts or organization: true, not both',
    );
    expect(() => parseAuditPayload({ accounts: [B, C], vpcIds: ['vpc-0000000a'] })).toThrow(
      'vpcIds: VPC ids belong to one account',
    );
    expect(() => parseAuditPayload({ accounts: ['12345'] })).toThrow('not a 12-digit AWS account id');
  });
});

describe('audit payload: organization', () => {
  it('reads organization: false as leaving it out, and refuses a value that is not a boolean', async () => {
    // Prepare
    orgMock.reset();
    const { ec2For, asked } = clientsPerTarget();
    // Act
    const result = await runAudit(parseAuditPayload({ organization: false }), deps(ec2For));
    // Assess: the own account only, no ListAccounts, no per-account counts (a one-account audit).
    expect(asked).toEqual([`${CENTRAL}/eu-west-1`]);
    expect(orgMock.commandCalls(ListAccountsCommand)).toHaveLength(0);
    expect(result.accounts).toBeUndefined();
    expect(parseAuditPayload({ organization: false, accounts: [B] }).accounts).toEqual([B]);
    expect(() => parseAuditPayload({ organization: 'yes' })).toThrow(
      'organization: expected a boolean, got a string ("yes")',
    );
    expect(() => parseAuditPayload({ organization: true, accounts: [B] })).toThrow(
      'organization: give either accounts or organization: true, not both',
    );
  });
});
