import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// Security Hub takes findings under an account's default product only from that account
// (`AwsAccountId` = the caller's; BatchImportFindings, Security Hub API reference). A snapshot file
// of another account used to go to the import, which refused every finding one by one (exit 2 after
// a list of rejections); the CLI now compares the accounts first (STS GetCallerIdentity).
const hub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);
const DEMO = 'examples/demo-snapshot.json';

beforeEach(() => {
  hub.reset();
  sts.reset();
  hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
    FailedCount: 0,
    SuccessCount: input.Findings.length,
  }));
});

describe("audit --snapshot FILE --import-to-security-hub: the snapshot's account against the caller's", () => {
  it('refuses, before printing or sending anything, a snapshot of another account than the credentials', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(env.stderr()).toBe(
      'vpc-guardrail: --import-to-security-hub: the snapshot is of account 111122223333, the local credentials are of account 444455556666:\n' +
        "  Security Hub takes findings under an account's default product only from that account: run with credentials of 111122223333, or without --import-to-security-hub\n",
    );
    expect(env.stdout()).toBe('');
    expect(hub.calls()).toHaveLength(0);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(await sts.commandCalls(GetCallerIdentityCommand)[0]?.thisValue.config.region()).toBe('eu-west-1');
  });

  it("imports when the credentials are the snapshot's account, with one STS call", async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
    expect(env.stderr()).toContain('Security Hub: imported 12 of 12 findings');
  });

  it('leaves the answer to Security Hub when STS does not answer (its failures are listed as before)', async () => {
    // Prepare
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', DEMO, '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
  });

  it('makes no STS call when not importing', async () => {
    // Prepare
    const env = memoryIo();

    // Act
    const code = await runCli(['audit', '--snapshot', DEMO, '--format', 'asff', '--fail-on', 'none'], env.io);

    // Assess
    expect(code).toBe(0);
    expect(sts.calls()).toHaveLength(0);
    expect(hub.calls()).toHaveLength(0);
  });
});
