import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { auditNotice } from '../../shared/audit/audit-notice';
import { auditTargets } from '../../shared/audit/run-targets';
import { DEFAULT_CONFIG } from '../../shared/config';
import { memoryIo } from '../helpers';

// QA s17, the user path (DESIGN §11, §15): the table of an audit over several account-regions.
// Found running `vpc-guardrail audit --accounts A,B --regions eu-west-1,us-east-1` against moto:
// the same group id in four account-regions printed four identical heads
// (`sg-open-admin-port sg-1 (vpc-1)`), and nothing told the on-call engineer which account and
// region to open; only the "Not judged" footer and the warnings named them.

const A = '111111111111';
const B = '222222222222';

/** One account-region's snapshot: group sg-1 open to the world on 22. */
function sshOpen(accountId: string, region: string) {
  return {
    accountId,
    region,
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        GroupName: 'bastion',
        VpcId: 'vpc-1',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        IpPermissionsEgress: [],
      },
    ],
  };
}

/** The audit function's notice over `targets` (each holding `sshOpen`), as shared/audit builds it. */
async function noticeOver(
  targets: { accountId: string; region: string }[],
  multiAccount: boolean,
  regions: string[],
) {
  const result = await auditTargets(
    targets,
    { remediate: false, multiAccount },
    {
      config: DEFAULT_CONFIG,
      recorded: (t) => sshOpen(t.accountId, t.region),
      now: new Date('2026-12-07T00:00:00Z'),
    },
  );
  return auditNotice({
    findings: result.findings,
    summary: result.summary,
    failures: result.failures,
    accountId: A,
    regions,
    ...(result.accounts ? { accounts: result.accounts } : {}),
    notJudgedText: result.notJudgedText,
  });
}

/** The lines of the `sg-open-admin-port` entries: the head and the line under it. */
function adminHeads(table: string): string[] {
  const lines = table.split('\n');
  return lines.flatMap((line, i) =>
    line.startsWith('  sg-open-admin-port ') ? [`${line} | ${lines[i + 1] ?? ''}`] : [],
  );
}

describe('QA s17: where each finding is, in a table over several account-regions', () => {
  it('names the account and region under each finding head of audit --snapshot of a several-snapshot file', async () => {
    // Prepare: what `snapshot --accounts A,B --regions eu-west-1,us-east-1` writes
    const file = JSON.stringify([
      sshOpen(A, 'eu-west-1'),
      sshOpen(A, 'us-east-1'),
      sshOpen(B, 'eu-west-1'),
      sshOpen(B, 'us-east-1'),
    ]);
    const { io, stdout } = memoryIo({ 'org.json': file });

    // Act
    const code = await runCli(['audit', '--snapshot', 'org.json'], io);

    // Assess
    expect(code).toBe(1);
    const table = stdout();
    expect(adminHeads(table).sort()).toEqual([
      `  sg-open-admin-port sg-1 (vpc-1) |     account ${A}, region eu-west-1`,
      `  sg-open-admin-port sg-1 (vpc-1) |     account ${A}, region us-east-1`,
      `  sg-open-admin-port sg-1 (vpc-1) |     account ${B}, region eu-west-1`,
      `  sg-open-admin-port sg-1 (vpc-1) |     account ${B}, region us-east-1`,
    ]);
    expect(table).toContain(`Per account:\n  ${A}: 2 region(s), 2 finding(s) (critical 2)\n`);
    // README: the table reads in 80 columns.
    expect(table.split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  it('wraps a per-account line longer than 80 columns under its account, deeper than the next one', async () => {
    // Prepare: an account with findings of four severities makes a count line of 83 columns
    const busy = {
      ...sshOpen(A, 'eu-west-1'),
      Subnets: [
        {
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          CidrBlock: '10.0.0.0/24',
          MapPublicIpOnLaunch: true,
          Tags: [{ Key: 'Name', Value: 'public-a' }],
        },
      ],
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Routes: [
            { DestinationCidrBlock: '172.31.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'blackhole' },
          ],
          Associations: [{ Main: true, RouteTableId: 'rtb-1' }],
        },
      ],
      Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
    };
    const busyGroup = busy.SecurityGroups[0];
    if (!busyGroup) throw new Error('fixture');
    busyGroup.IpPermissions.push({
      IpProtocol: 'tcp',
      FromPort: 3306,
      ToPort: 3306,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    const { io, stdout } = memoryIo({
      'org.json': JSON.stringify([busy, sshOpen(B, 'eu-west-1')]),
    });

    // Act
    await runCli(['audit', '--snapshot', 'org.json', '--fail-on', 'none'], io);

    // Assess
    const perAccount = stdout().split('Per account:\n')[1] ?? '';
    expect(perAccount).toBe(
      `  ${A}: 1 region(s), 5 finding(s) (critical 1, high 1, medium 1, low\n` +
        '    2)\n' +
        `  ${B}: 1 region(s), 1 finding(s) (critical 1)\n`,
    );
    expect(perAccount.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('names the one account and region of a single-snapshot table under its counts', async () => {
    // Prepare: as the snapshot names them; without accountId (and no OwnerId), the region alone;
    // without either, nothing
    const owned = sshOpen(A, 'eu-west-1') as Record<string, unknown>;
    const { accountId: _a, ...noAccount } = owned;
    const { accountId: _b, region: _c, ...neither } = owned;
    const { io, stdout } = memoryIo({
      'one.json': JSON.stringify(owned),
      'no-account.json': JSON.stringify(noAccount),
      'neither.json': JSON.stringify(neither),
    });
    const head = async (file: string, extra: string[] = []) => {
      const before = stdout().length;
      await runCli(['audit', '--snapshot', file, ...extra], io);
      return stdout().slice(before).split('\n').slice(0, 3);
    };

    // Act / Assess
    expect(await head('one.json')).toEqual([
      'VPC Guardrail: 1 finding',
      '1 critical',
      `account ${A}, region eu-west-1`,
    ]);
    expect(await head('no-account.json')).toEqual([
      'VPC Guardrail: 1 finding',
      '1 critical',
      'region eu-west-1',
    ]);
    expect(await head('neither.json')).toEqual(['VPC Guardrail: 1 finding', '1 critical', '']);
  });

  it('leaves the table of one account-region as it was (no location line)', async () => {
    const { io, stdout } = memoryIo({ 'one.json': JSON.stringify(sshOpen(A, 'eu-west-1')) });
    await runCli(['audit', '--snapshot', 'one.json'], io);
    expect(adminHeads(stdout())).toEqual([
      '  sg-open-admin-port sg-1 (vpc-1) |     Security group open to the internet on an admin port',
    ]);
  });

  it('names the region of each finding in the notice of a one-account audit of several regions', async () => {
    // Prepare + Act: the audit function's run over eu-west-1 and us-east-1 of its own account
    const notice = await noticeOver(
      [
        { accountId: A, region: 'eu-west-1' },
        { accountId: A, region: 'us-east-1' },
      ],
      false,
      ['eu-west-1', 'us-east-1'],
    );

    // Assess
    expect(adminHeads(notice.message).sort()).toEqual([
      '  sg-open-admin-port sg-1 (vpc-1) |     region eu-west-1',
      '  sg-open-admin-port sg-1 (vpc-1) |     region us-east-1',
    ]);
  });

  it('names account and region of each finding in the notice of an organization audit', async () => {
    // Prepare + Act
    const notice = await noticeOver(
      [
        { accountId: A, region: 'eu-west-1' },
        { accountId: B, region: 'eu-west-1' },
      ],
      true,
      ['eu-west-1'],
    );

    // Assess
    expect(adminHeads(notice.message).sort()).toEqual([
      `  sg-open-admin-port sg-1 (vpc-1) |     account ${A}, region eu-west-1`,
      `  sg-open-admin-port sg-1 (vpc-1) |     account ${B}, region eu-west-1`,
    ]);
  });
});
