import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// Review of `audit --snapshot FILE --import-to-security-hub`'s account check (DESIGN §16, §11):
// where STS is asked (the findings' region, as Security Hub is, whatever the partition), and what
// a failed STS call leaves to Security Hub.
const hub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);
const DEMO = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as Record<string, unknown>;

/** The demo snapshot with its top-level `region` replaced (or removed when undefined), as a file. */
function demoIn(region: string | undefined, name: string): string {
  const { region: _dropped, ...rest } = DEMO;
  const file = join(tmpdir(), `review-keys-${process.pid}-${name}.json`);
  writeFileSync(file, JSON.stringify(region === undefined ? rest : { ...rest, region }));
  return file;
}

/** The endpoint each STS call went to (the client's resolved endpoint, no network). */
async function stsEndpoints(): Promise<string[]> {
  const calls = sts.commandCalls(GetCallerIdentityCommand);
  return Promise.all(
    calls.map(async (call) => {
      const config = call.thisValue.config;
      const region = await config.region();
      const endpoint = config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
      return endpoint.url.host;
    }),
  );
}

beforeEach(() => {
  hub.reset();
  sts.reset();
  hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
    FailedCount: 0,
    SuccessCount: input.Findings.length,
  }));
});

describe('--import-to-security-hub of a snapshot file: where the account check asks STS', () => {
  it.each([
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
  ])("in the snapshot's region %s, its partition's endpoint", async (region, host) => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    const env = memoryIo();
    const saved = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;

    // Act
    const code = await runCli(
      ['audit', '--snapshot', demoIn(region, region), '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    ).finally(() => {
      if (saved !== undefined) process.env.AWS_ENDPOINT_URL = saved;
    });

    // Assess
    expect(code).toBe(2);
    expect(await stsEndpoints()).toEqual([host]);
    expect(env.stderr()).toContain(
      'the snapshot is of account 111122223333, the local credentials are of account 444455556666',
    );
    expect(hub.calls()).toHaveLength(0);
  });

  it('a snapshot without region (--region is not taken with --snapshot): asked for before any STS call', async () => {
    // Prepare
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', demoIn(undefined, 'none'), '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(env.stderr()).toContain('add "region": "eu-west-1" at the top level of the snapshot');
    expect(sts.calls()).toHaveLength(0);
    expect(hub.calls()).toHaveLength(0);
  });

  it('STS refusing the credentials: the import goes ahead, Security Hub refuses each finding, exit 2', async () => {
    // Prepare
    const denied = Object.assign(new Error('The security token included in the request is invalid.'), {
      name: 'InvalidClientTokenId',
    });
    sts.on(GetCallerIdentityCommand).rejects(denied);
    hub.on(BatchImportFindingsCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'UnrecognizedClientException',
      }),
    );
    const env = memoryIo();

    // Act
    const code = await runCli(
      ['audit', '--snapshot', demoIn('eu-west-1', 'denied'), '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess: the report is printed, the import tried once, its failure said.
    expect(code).toBe(2);
    expect(env.stdout()).not.toBe('');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(hub.commandCalls(BatchImportFindingsCommand).length).toBeGreaterThan(0);
    expect(env.stderr()).toContain('Security Hub: imported 0 of 12 findings');
  });
});
