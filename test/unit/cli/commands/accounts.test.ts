import { EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import type { Finding } from '../../../../shared/findings';
import { memoryIo, mockRegion, sshGroup } from '../../../helpers';

const CENTRAL = '111122223333';
const B = '222233334444';
const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const org = mockClient(OrganizationsClient);

function assumed() {
  return {
    Credentials: {
      AccessKeyId: 'AKID',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  };
}

describe('vpc-guardrail audit --accounts / --organization', () => {
  beforeEach(() => {
    ec2.reset();
    sts.reset();
    org.reset();
    mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['0.0.0.0/0'])]);
    sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
    sts.on(AssumeRoleCommand).resolves(assumed());
  });

  it('audits every account-region, the own account directly and the others through the member role', async () => {
    // Prepare
    const { io, stdout, stderr } = memoryIo();
    // Act
    const code = await runCli(
      ['audit', '--accounts', `${B},${CENTRAL}`, '--regions', 'eu-west-1,us-east-1', '--format', 'json'],
      io,
    );
    // Assess
    expect(code).toBe(1);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${B}:role/VpcGuardrailMember`,
    ]);
    // The member account's CloudTrail names the run (memoryIo's clock: 2026-11-25T12:00:00Z).
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleSessionName)).toEqual([
      'vpc-guardrail-cli-20261125T120000Z',
    ]);
    const out = JSON.parse(stdout()) as {
      findings: Finding[];
      accounts: { accountId: string; regions: number }[];
    };
    const admin = out.findings.filter((f) => f.ruleId === 'sg-open-admin-port');
    expect(admin.map((f) => `${f.accountId}/${f.region}`).sort()).toEqual([
      `${CENTRAL}/eu-west-1`,
      `${CENTRAL}/us-east-1`,
      `${B}/eu-west-1`,
      `${B}/us-east-1`,
    ]);
    expect(out.accounts.map((a) => [a.accountId, a.regions])).toEqual([
      [B, 2],
      [CENTRAL, 2],
    ]);
    // Not a terminal: one plain progress line per account-region, counting up to 4.
    const lines = stderr()
      .split('\n')
      .filter((l) => l.startsWith('audited '));
    expect(lines.map((l) => l.replace(/ \(\d\/4\)$/, '')).sort()).toEqual([
      `audited ${CENTRAL} eu-west-1`,
      `audited ${CENTRAL} us-east-1`,
      `audited ${B} eu-west-1`,
      `audited ${B} us-east-1`,
    ]);
    expect(lines.map((l) => /\((\d)\/4\)$/.exec(l)?.[1])).toEqual(['1', '2', '3', '4']);
  });

  it('lists the organization (ACTIVE accounts) and assumes the named role', async () => {
    // Prepare
    org.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: B, State: 'ACTIVE' },
        { Id: '999999999999', State: 'SUSPENDED' },
      ],
    });
    const { io, stdout } = memoryIo();
    // Act
    const code = await runCli(
      [
        'audit',
        '--organization',
        '--role-name',
        'GuardrailReader',
        '--regions',
        'eu-west-1',
        '--fail-on',
        'none',
      ],
      io,
    );
    // Assess
    expect(code).toBe(0);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${B}:role/GuardrailReader`,
    ]);
    expect(stdout()).toContain(`Per account:\n  ${B}: 1 region(s), `);
  });

  /** `audit --accounts CENTRAL,B --regions eu-west-1 --format json`: exit code, report, stderr. */
  async function auditCentralAndB() {
    const { io, stdout, stderr } = memoryIo();
    const code = await runCli(
      ['audit', '--accounts', `${CENTRAL},${B}`, '--regions', 'eu-west-1', '--format', 'json'],
      io,
    );
    const out = JSON.parse(stdout()) as {
      findings: Finding[];
      errors: { accountId: string; operation: string; code: string }[];
    };
    return { code, out, stderr };
  }

  it('reports the rest and exits 2 when an account cannot be read, naming account and role', async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: {} }));
    // Act
    const { code, out, stderr } = await auditCentralAndB();
    // Assess
    expect(code).toBe(2);
    expect(new Set(out.findings.map((f) => f.accountId))).toEqual(new Set([CENTRAL]));
    expect(out.errors.map((e) => [e.accountId, e.operation])).toEqual([[B, 'AssumeRole']]);
    expect(stderr()).toContain(
      `not read: ${B} eu-west-1: cannot assume arn:aws:iam::${B}:role/VpcGuardrailMember in account ${B}: AccessDenied: not authorized`,
    );
    expect(stderr()).toContain('vpc-guardrail: 1 of 2 account-region(s) could not be read');
  });

  it('lists an account whose AssumeRole is still throttled after the retries, reports the rest and exits 2', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
        $retryable: { throttling: true },
      }),
    );
    // Act
    const { code, out, stderr } = await auditCentralAndB();
    // Assess
    expect(code).toBe(2);
    expect(new Set(out.findings.map((f) => f.accountId))).toEqual(new Set([CENTRAL]));
    expect(out.errors.map((e) => [e.accountId, e.code])).toEqual([[B, 'Throttling']]);
    expect(stderr()).toContain(
      `not read: ${B} eu-west-1: cannot assume the member role in account ${B} (after retries): Throttling: Rate exceeded`,
    );
  });

  it("writes --format asff with each finding under its own account's default product", async () => {
    const { io, stdout } = memoryIo();
    const code = await runCli(
      ['audit', '--accounts', `${CENTRAL},${B}`, '--regions', 'eu-west-1', '--format', 'asff'],
      io,
    );
    expect(code).toBe(1);
    const records = JSON.parse(stdout()) as { AwsAccountId: string; ProductArn: string }[];
    expect(records.map((r) => [r.AwsAccountId, r.ProductArn])).toEqual([
      [CENTRAL, `arn:aws:securityhub:eu-west-1:${CENTRAL}:product/${CENTRAL}/default`],
      [B, `arn:aws:securityhub:eu-west-1:${B}:product/${B}/default`],
    ]);
  });

  it('refuses --regions without --accounts or --organization instead of ignoring it (exit 2)', async () => {
    for (const argv of [
      ['audit', '--regions', 'eu-west-1,us-east-1'],
      ['audit', '--snapshot', 'examples/demo-snapshot.json', '--regions', 'eu-west-1'],
      ['snapshot', '--region', 'eu-west-1', '--regions', 'us-east-1'],
    ]) {
      const { io, stdout, stderr } = memoryIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(stdout()).toBe('');
      expect(stderr()).toContain('--regions goes with --accounts or --organization');
    }
    expect(ec2.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });

  it('refuses --vpc with several regions, or a malformed VPC id, before any call (as the audit payload does)', async () => {
    for (const [command, verb] of [
      ['audit', 'audit'],
      ['snapshot', 'snapshot'],
    ] as const) {
      // Act
      const several = memoryIo();
      const severalCode = await runCli(
        [command, '--accounts', CENTRAL, '--regions', 'eu-west-1,us-east-1', '--vpc', 'vpc-0000000a'],
        several.io,
      );
      const malformed = memoryIo();
      const malformedCode = await runCli(
        [command, '--accounts', CENTRAL, '--regions', 'eu-west-1', '--vpc', 'sg-0000000a'],
        malformed.io,
      );

      // Assess
      expect(severalCode, verb).toBe(2);
      expect(several.stdout()).toBe('');
      expect(several.stderr()).toBe(
        'vpc-guardrail: invalid options:\n  --vpc: VPC ids belong to one region; give one region with --regions\n',
      );
      expect(malformedCode, verb).toBe(2);
      expect(malformed.stderr()).toBe(
        'vpc-guardrail: invalid options:\n  --vpc: not a VPC id ("sg-0000000a")\n',
      );
    }
    expect(ec2.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });

  it('refuses --region beside --regions with account options rather than drop one (exit 2)', async () => {
    // Act
    const { io, stdout, stderr } = memoryIo();
    const code = await runCli(
      ['audit', '--accounts', CENTRAL, '--region', 'eu-west-1', '--regions', 'us-east-1'],
      io,
    );

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      'vpc-guardrail: invalid options:\n  give either --region or --regions, not both (--regions eu-west-1,us-east-1 lists several)\n',
    );
    expect(ec2.calls()).toHaveLength(0);
  });

  it('refuses --role-name without --accounts or --organization instead of ignoring it (exit 2)', async () => {
    for (const argv of [
      ['audit', '--region', 'eu-west-1', '--role-name', 'GuardrailReader'],
      ['snapshot', '--region', 'eu-west-1', '--role-name', 'VpcGuardrailMember'],
    ]) {
      const { io, stdout, stderr } = memoryIo();
      // Before: the credentials' own region audited (exit 1), the role never used.
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(stdout()).toBe('');
      expect(stderr()).toBe(
        'vpc-guardrail: invalid options:\n' +
          '  --role-name goes with --accounts or --organization (the role assumed in the other accounts)\n',
      );
    }
    expect(ec2.calls()).toHaveLength(0);
  });

  it('skips the accounts the configuration excludes, and says so', async () => {
    // Prepare
    const { io, stdout, stderr } = memoryIo({ 'c.json': JSON.stringify({ excludeAccounts: [B] }) });
    // Act
    const code = await runCli(
      [
        'audit',
        '--accounts',
        `${B},${CENTRAL}`,
        '--regions',
        'eu-west-1',
        '--config',
        'c.json',
        '--format',
        'json',
      ],
      io,
    );
    // Assess
    expect(code).toBe(1);
    expect(stderr()).toContain(`skipped: account ${B} is in excludeAccounts\n`);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    const out = JSON.parse(stdout()) as { accounts: { accountId: string }[] };
    expect(out.accounts.map((a) => a.accountId)).toEqual([CENTRAL]);
  });

  it('exits 2 when every account asked for is excluded, instead of a clean report of nothing', async () => {
    // Prepare
    const { io, stdout, stderr } = memoryIo({ 'c.json': JSON.stringify({ excludeAccounts: [B, CENTRAL] }) });
    // Act
    const code = await runCli(
      ['audit', '--accounts', `${B},${CENTRAL}`, '--regions', 'eu-west-1', '--config', 'c.json'],
      io,
    );
    // Assess: before, exit 0 and "VPC Guardrail: no findings" with nothing read.
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      `skipped: account ${B} is in excludeAccounts\n` +
        `skipped: account ${CENTRAL} is in excludeAccounts\n` +
        'vpc-guardrail: nothing to audit:\n' +
        '  every account asked for is outside the accounts / excludeAccounts of --config\n',
    );
    expect(ec2.calls()).toHaveLength(0);
  });

  it.each([
    [['audit', '--organization', '--regions', 'eu-west-1']],
    [['snapshot', '--organization', '--regions', 'eu-west-1']],
  ])('%j exits 2 when the organization lists no ACTIVE account', async (argv) => {
    // Prepare
    org.on(ListAccountsCommand).resolves({ Accounts: [{ Id: B, State: 'SUSPENDED' }] });
    const { io, stdout, stderr } = memoryIo();
    // Act
    const code = await runCli(argv, io);
    // Assess: before, exit 0 with an empty report (audit) or [] (snapshot).
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      'vpc-guardrail: --organization:\n  organizations:ListAccounts listed no ACTIVE account: nothing to audit\n',
    );
    expect(ec2.calls()).toHaveLength(0);
  });

  it.each([
    [
      ['audit', '--accounts', B, '--organization', '--regions', 'eu-west-1'],
      'give either --accounts or --organization, not both',
    ],
    [['audit', '--accounts', B], '--regions: is required with --accounts or --organization'],
    [
      ['audit', '--accounts', '1234', '--regions', 'eu-west-1'],
      '--accounts: not a 12-digit account id ("1234")',
    ],
    [['audit', '--accounts', B, '--regions', 'mars-1'], '--regions: not a region name ("mars-1")'],
    [
      ['audit', '--accounts', B, '--regions', 'eu-west-1', '--role-name', 'a b'],
      '--role-name: not an IAM role name ("a b")',
    ],
  ])('exits 2 on bad account options %j, before any call', async (argv, message) => {
    const { io, stderr } = memoryIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(stderr()).toContain(message);
    expect(sts.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
  });
});

describe('vpc-guardrail snapshot --accounts', () => {
  beforeEach(() => {
    ec2.reset();
    sts.reset();
    mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['0.0.0.0/0'])]);
    sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
    sts.on(AssumeRoleCommand).resolves(assumed());
  });

  it('writes one snapshot per account-region as a JSON array', async () => {
    const { io, stdout, stderr } = memoryIo();
    const code = await runCli(['snapshot', '--accounts', B, '--regions', 'eu-west-1,us-east-1'], io);
    expect(code).toBe(0);
    const snapshots = JSON.parse(stdout()) as {
      accountId: string;
      region: string;
      SecurityGroups: unknown[];
    }[];
    expect(snapshots.map((s) => [s.accountId, s.region, s.SecurityGroups.length])).toEqual([
      [B, 'eu-west-1', 1],
      [B, 'us-east-1', 1],
    ]);
    expect(stderr()).toBe(`read ${B} eu-west-1 (1/2)\nread ${B} us-east-1 (2/2)\n`);
  });

  it('writes the other account-regions and exits 2 when an AssumeRole stays throttled', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: {}, $retryable: {} }),
      );
    const { io, stdout, stderr } = memoryIo();
    const code = await runCli(['snapshot', '--accounts', `${CENTRAL},${B}`, '--regions', 'eu-west-1'], io);
    expect(code).toBe(2);
    const snapshots = JSON.parse(stdout()) as { accountId: string }[];
    expect(snapshots.map((s) => s.accountId)).toEqual([CENTRAL]);
    expect(stderr()).toContain(
      `not read: ${B} eu-west-1: cannot assume the member role (after retries): Throttling: Rate exceeded`,
    );
  });
});

describe('account-region progress on a terminal', () => {
  it('draws a cli-progress bar with done/total, elapsed and estimate, and no plain lines', async () => {
    // Prepare
    const { PassThrough } = await import('node:stream');
    const { targetProgress } = await import('../../../../cli/commands/accounts');
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    const chunks: string[] = [];
    terminal.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const { io, stderr } = memoryIo();
    // Act
    const progress = targetProgress(io, 2, 'audited', terminal);
    progress.onTargetDone(1, 2, { accountId: B, region: 'eu-west-1' }, false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    progress.onTargetDone(2, 2, { accountId: B, region: 'us-east-1' }, false);
    progress.stop();
    // Assess
    const drawn = chunks.join('');
    expect(drawn).toMatch(/audited \[=+-+\] 1\/2 account-regions \| \d+s elapsed \| ETA \d+s/);
    expect(drawn).toContain('] 2/2 account-regions');
    expect(stderr()).toBe('');
  });
});
