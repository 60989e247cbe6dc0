import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import type { AsffFinding } from '../../../../shared/report/asff';
import { memoryIo } from '../../../helpers';

const hub = mockClient(SecurityHubClient);
// The snapshot's account is the credentials' (the CLI checks before importing).
const sts = mockClient(STSClient);
const DEMO = 'examples/demo-snapshot.json';
const PRODUCT = 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default';

beforeEach(() => {
  hub.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
});

describe('audit --import-to-security-hub', () => {
  it("imports every finding of the audit into the snapshot's account and region, and says so on stderr", async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
    hub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: unknown[] }) => ({
      ProcessedFindings: input.FindingIdentifiers,
      UnprocessedFindings: [],
    }));
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--format', 'json', '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    const report = JSON.parse(env.stdout()) as { findings: { ruleId: string; resourceId: string }[] };
    const sent = hub
      .commandCalls(BatchImportFindingsCommand)
      .flatMap((c) => (c.args[0].input.Findings ?? []) as AsffFinding[]);
    expect(code).toBe(0);
    expect(sent.map((f) => f.Id).sort()).toEqual(
      report.findings.map((f) => `vpc-guardrail/111122223333/eu-west-1/${f.ruleId}/${f.resourceId}`).sort(),
    );
    expect(new Set(sent.map((f) => f.ProductArn))).toEqual(new Set([PRODUCT]));
    expect(await hub.commandCalls(BatchImportFindingsCommand)[0]?.thisValue.config.region()).toBe(
      'eu-west-1',
    );
    expect(env.stderr()).toBe(
      `Security Hub: imported ${sent.length} of ${sent.length} findings into ${PRODUCT}\n`,
    );
    // The demo's exemption holds until 2027: no Workflow to move, so only the import is called.
    expect(hub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
  });

  it('lists each finding Security Hub rejected and exits 2', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).rejects(
      Object.assign(new Error('Account 111122223333 is not subscribed to AWS Security Hub'), {
        name: 'InvalidAccessException',
      }),
    );
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(
      env
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('  not imported: ')),
    ).toHaveLength(12);
    expect(env.stderr()).toContain('Security Hub: imported 0 of 12 findings');
    expect(env.stderr()).toContain(
      '  not imported: vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-0d3m00000000000b1: InvalidAccessException: Account 111122223333 is not subscribed to AWS Security Hub\n',
    );
  });

  it('refuses, before sending anything, a snapshot that does not say its account and region', async () => {
    // Prepare
    const env = memoryIo({ 'bare.json': JSON.stringify({ Vpcs: [] }) });

    // Act
    const code = await runCli(['audit', '--snapshot', 'bare.json', '--import-to-security-hub'], env.io);

    // Assess
    expect(code).toBe(2);
    expect(env.stderr()).toContain(
      'vpc-guardrail: ASFF (Security Hub) needs the AWS account and region of the findings:\n' +
        '  accountId: missing (add "accountId": "123456789012" at the top level of the snapshot)\n' +
        '  region: missing (add "region": "eu-west-1" at the top level of the snapshot)\n',
    );
    expect(env.stdout()).toBe('');
    expect(hub.calls()).toHaveLength(0);
  });

  it('refuses to import a multi-account audit (the default product takes the calling account only)', async () => {
    // Prepare
    const env = memoryIo();

    // Act
    const code = await runCli(
      [
        'audit',
        '--accounts',
        '111122223333,222233334444',
        '--regions',
        'eu-west-1',
        '--import-to-security-hub',
      ],
      env.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(env.stderr()).toContain(
      "--import-to-security-hub: imports one account (the credentials' own); not with --accounts or --organization",
    );
    expect(hub.calls()).toHaveLength(0);
  });
});

describe('audit --import-to-security-hub without credentials', () => {
  it('lists the findings not imported, then says once what to do about the credentials', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    hub.on(BatchImportFindingsCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const env = memoryIo();
    const profile = process.env.AWS_PROFILE;
    delete process.env.AWS_PROFILE;

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    ).finally(() => {
      if (profile !== undefined) process.env.AWS_PROFILE = profile;
    });

    // Assess
    expect(code).toBe(2);
    const lines = env.stderr().split('\n');
    expect(lines.filter((line) => line.startsWith('  not imported: '))).toHaveLength(12);
    expect(
      lines.filter((line) => line.startsWith('  no AWS credentials found: set AWS_PROFILE')),
    ).toHaveLength(1);
    expect(lines.at(-2)).toBe(
      '  no AWS credentials found: set AWS_PROFILE (after `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  });
});

describe('audit --import-to-security-hub with the endpoint unreachable', () => {
  // Node's refused connection: an Error whose code says why, or (dual-stack, Node ≥ 20's
  // autoSelectFamily) an AggregateError carrying the same code.
  const refused = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5077'), { code: 'ECONNREFUSED' });
  const aggregate = () =>
    Object.assign(new AggregateError([refused(), refused()], 'connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
    });

  it.each([
    ['an Error', refused],
    ['an AggregateError', aggregate],
  ])('lists the findings not imported, then says once what to check (%s)', async (_label, error) => {
    // Prepare
    sts.on(GetCallerIdentityCommand).rejects(error());
    hub.on(BatchImportFindingsCommand).rejects(error());
    const env = memoryIo();
    const endpoint = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    ).finally(() => {
      if (endpoint !== undefined) process.env.AWS_ENDPOINT_URL = endpoint;
    });

    // Assess
    expect(code).toBe(2);
    const lines = env.stderr().split('\n');
    expect(lines.filter((line) => line.startsWith('  not imported: '))).toHaveLength(12);
    expect(lines.filter((line) => line.includes('could not be reached'))).toEqual([
      '  the AWS endpoint could not be reached: check the network (proxy, firewall)',
    ]);
  });
});
