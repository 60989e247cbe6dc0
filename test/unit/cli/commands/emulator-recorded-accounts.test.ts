import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import type { Finding } from '../../../../shared/findings';
import { memoryIo, mockRegion, sshGroup } from '../../../helpers';

// `snapshot --accounts … > FILE` writes a JSON array of snapshots; `audit --snapshot FILE` must
// judge it as `audit --accounts …` judges the same account-regions live (found against moto: the
// file was refused with "(root): expected an object of Describe* lists", so a recorded
// organization could not be audited at all).

const CENTRAL = '111122223333';
const B = '222233334444';
const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);

interface AccountsReport {
  findings: Finding[];
  summary: { total: number; byRule: Record<string, number> };
  accounts: { accountId: string; regions: number; failed: number }[];
  excludedAccounts?: { accountId: string; reason: string }[];
}

async function cli(args: string[], files: Record<string, string> = {}) {
  const { io, stdout, stderr } = memoryIo(files);
  const code = await runCli(args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('audit --snapshot of a snapshot --accounts file', () => {
  beforeEach(() => {
    ec2.reset();
    sts.reset();
    mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['0.0.0.0/0'])]);
    sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AKID',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
  });

  it('gives the findings, summary and counts per account of the live audit of the same accounts', async () => {
    // Prepare
    const targets = ['--accounts', `${B},${CENTRAL}`, '--regions', 'eu-west-1,us-east-1'];
    const recorded = await cli(['snapshot', ...targets]);
    expect(recorded.code).toBe(0);
    const live = await cli(['audit', ...targets, '--format', 'json']);
    const calls = ec2.calls().length;
    // Act
    const fromFile = await cli(['audit', '--snapshot', 'org.json', '--format', 'json'], {
      'org.json': recorded.stdout,
    });
    // Assess
    expect(ec2.calls()).toHaveLength(calls); // a file: no EC2 call
    expect(fromFile.code).toBe(1);
    expect(fromFile.code).toBe(live.code);
    const file = JSON.parse(fromFile.stdout) as AccountsReport;
    expect(file).toEqual(JSON.parse(live.stdout));
    const admin = file.findings.filter((f) => f.ruleId === 'sg-open-admin-port');
    expect(admin.map((f) => `${f.accountId}/${f.region}/${f.resourceId}`).sort()).toEqual([
      `${CENTRAL}/eu-west-1/sg-1`,
      `${CENTRAL}/us-east-1/sg-1`,
      `${B}/eu-west-1/sg-1`,
      `${B}/us-east-1/sg-1`,
    ]);
    expect(file.accounts.map((a) => [a.accountId, a.regions, a.failed])).toEqual([
      [B, 2, 0],
      [CENTRAL, 2, 0],
    ]);
  });

  it('prints the table with the counts per account, and --fail-on decides the exit code', async () => {
    const recorded = await cli(['snapshot', '--accounts', B, '--regions', 'eu-west-1']);
    const out = await cli(['audit', '--snapshot', 'b.json', '--fail-on', 'none'], {
      'b.json': recorded.stdout,
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Per account:');
    expect(out.stdout).toContain(B);
  });

  it('holds the accounts / excludeAccounts of --config as the live audit does', async () => {
    // Prepare
    const targets = ['--accounts', `${B},${CENTRAL}`, '--regions', 'eu-west-1'];
    const recorded = (await cli(['snapshot', ...targets])).stdout;
    const files = { 'org.json': recorded, 'ex.json': JSON.stringify({ excludeAccounts: [B] }) };
    // Act
    const live = await cli(['audit', ...targets, '--config', 'ex.json', '--format', 'json'], files);
    const fromFile = await cli(
      ['audit', '--snapshot', 'org.json', '--config', 'ex.json', '--format', 'json'],
      files,
    );
    const none = await cli(['audit', '--snapshot', 'org.json', '--config', 'all.json'], {
      ...files,
      'all.json': JSON.stringify({ excludeAccounts: [B, CENTRAL] }),
    });
    // Assess: B is skipped (named on stderr), never judged: excluded means not governed.
    expect(fromFile.stderr).toContain(`skipped: account ${B} is in excludeAccounts`);
    const file = JSON.parse(fromFile.stdout) as AccountsReport;
    expect(file.accounts.map((a) => a.accountId)).toEqual([CENTRAL]);
    expect(file.excludedAccounts).toEqual([{ accountId: B, reason: `account ${B} is in excludeAccounts` }]);
    expect(new Set(file.findings.map((f) => f.accountId))).toEqual(new Set([CENTRAL]));
    expect(file).toEqual(JSON.parse(live.stdout));
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('nothing to audit');
  });

  it('names the account-region of what could not be judged: per account in the JSON, in the table footer and on the stderr lines of ASFF', async () => {
    // Prepare: B's interface has a public address and no SubnetId (its path cannot be followed).
    const file = JSON.stringify([
      {
        accountId: B,
        region: 'eu-west-1',
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-0b',
            VpcId: 'vpc-0b',
            Groups: [],
            Association: { PublicIp: '54.1.1.1' },
          },
        ],
      },
      { accountId: CENTRAL, region: 'eu-west-1', Vpcs: [{ VpcId: 'vpc-0c', CidrBlock: '10.0.0.0/16' }] },
    ]);
    // Act
    const json = await cli(['audit', '--snapshot', 'f.json', '--format', 'json'], { 'f.json': file });
    const asff = await cli(['audit', '--snapshot', 'f.json', '--format', 'asff'], { 'f.json': file });
    // Assess
    const report = JSON.parse(json.stdout) as {
      summary: { notJudged: unknown[] };
      accounts: { accountId: string; summary: { notJudged: unknown[] } }[];
    };
    // The JSON keeps DESIGN §3's entry shape; the per-account summary says whose it is.
    expect(report.summary.notJudged).toEqual([
      { resourceId: 'eni-0b', reason: 'the interface has no SubnetId', ruleId: 'eni-internet-exposed' },
    ]);
    expect(report.accounts.map((a) => [a.accountId, a.summary.notJudged.length])).toEqual([
      [B, 1],
      [CENTRAL, 0],
    ]);
    const table = await cli(['audit', '--snapshot', 'f.json'], { 'f.json': file });
    expect(table.stdout).toContain(`Not judged (1): ${B} eu-west-1 eni-0b (the interface has no SubnetId)`);
    expect(asff.stderr).toContain(
      `not judged: ${B} eu-west-1 eni-0b (eni-internet-exposed): the interface has no SubnetId\n`,
    );
  });

  it('names each malformed element by its index, and a repeated account-region', async () => {
    const one = JSON.parse(
      (await cli(['snapshot', '--accounts', B, '--regions', 'eu-west-1'])).stdout,
    ) as Record<string, unknown>[];
    const [snapshot] = one;
    const { accountId: _a, ...noAccount } = snapshot ?? {};
    const text = JSON.stringify([snapshot, noAccount, snapshot, 'x']);
    const out = await cli(['audit', '--snapshot', 'bad.json'], { 'bad.json': text });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(
      '[1].accountId: expected a 12-digit AWS account id in a file of several snapshots',
    );
    expect(out.stderr).toContain(`[2]: a second snapshot of ${B} eu-west-1 (the first is [0])`);
    expect(out.stderr).toContain('[3]: expected a snapshot object (the file is an array of snapshots)');
  });

  it('names the account-region of an element whose lists are malformed', async () => {
    const [snapshot] = JSON.parse(
      (await cli(['snapshot', '--accounts', B, '--regions', 'eu-west-1'])).stdout,
    ) as {
      SecurityGroups: { IpPermissions: { FromPort?: unknown }[] }[];
    }[];
    const permission = snapshot?.SecurityGroups[0]?.IpPermissions[0];
    if (permission) permission.FromPort = 'twenty-two';
    const out = await cli(['audit', '--snapshot', 'bad.json'], { 'bad.json': JSON.stringify([snapshot]) });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`invalid snapshot bad.json [0] (${B} eu-west-1):`);
    expect(out.stderr).toContain('SecurityGroups[0].IpPermissions[0].FromPort');
  });

  it('refuses an empty array, --vpc and --import-to-security-hub with a clear message', async () => {
    const empty = await cli(['audit', '--snapshot', 'e.json'], { 'e.json': '[]' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('(root): the array holds no snapshot');
    const recorded = (await cli(['snapshot', '--accounts', B, '--regions', 'eu-west-1'])).stdout;
    const vpc = await cli(['audit', '--snapshot', 'b.json', '--vpc', 'vpc-0000000a'], { 'b.json': recorded });
    expect(vpc.code).toBe(2);
    expect(vpc.stderr).toContain('--vpc: not with a file of several snapshots');
    const hub = await cli(['audit', '--snapshot', 'b.json', '--import-to-security-hub'], {
      'b.json': recorded,
    });
    expect(hub.code).toBe(2);
    expect(hub.stderr).toContain('--import-to-security-hub: imports one account');
  });
});

describe('audit --snapshot of an array that is no snapshot --accounts file', () => {
  it('says what a snapshot file holds, rather than asking each item for an account', async () => {
    const out = await cli(['audit', '--snapshot', 'groups.json'], {
      'groups.json': '[{"GroupId": "sg-1", "IpPermissions": []}]',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      '(root): expected an object of Describe* lists, or an array of snapshots each naming its accountId and region (what snapshot --accounts writes)',
    );
    expect(out.stderr).not.toContain('[0].accountId');
  });
});
