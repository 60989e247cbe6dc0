import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo, mockRegion, sshGroup } from '../../../helpers';

// DESIGN §15: account-regions that fail are listed while the rest is reported. A region name that
// reads right but does not exist (`eu-west-9`) has no endpoint: every account fails there with the
// SDK's name-resolution error. Each account-region is listed (as §15 says), and the CLI now says
// once what to check — as a one-region run does — instead of a bare `ENOTFOUND` per account.
const CENTRAL = '111122223333';
const B = '222233334444';
const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const HINT =
  "  the AWS endpoint's host name did not resolve: check the region name (a region that does not exist has no endpoint) and the network (DNS, proxy)";

function notFound(host: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
}

beforeEach(() => {
  ec2.reset();
  sts.reset();
  mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['0.0.0.0/0'])]);
  ec2.on(DescribeVpcsCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    if (region === 'eu-west-9') throw notFound('ec2.eu-west-9.amazonaws.com');
    return { Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: CENTRAL }] };
  });
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

describe('audit --accounts with a region that does not exist', () => {
  it('lists each account-region not read, reports the rest, says once to check the region name, exits 2', async () => {
    // Prepare
    const env = memoryIo();
    const saved = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;

    // Act
    const code = await runCli(
      ['audit', '--accounts', `${CENTRAL},${B}`, '--regions', 'eu-west-1,eu-west-9', '--format', 'json'],
      env.io,
    ).finally(() => {
      if (saved !== undefined) process.env.AWS_ENDPOINT_URL = saved;
    });

    // Assess
    expect(code).toBe(2);
    const out = JSON.parse(env.stdout()) as {
      errors: { accountId: string; region: string; code: string }[];
      findings: { accountId: string; region: string }[];
    };
    expect(out.errors.map((e) => `${e.accountId} ${e.region} ${e.code}`).sort()).toEqual([
      `${CENTRAL} eu-west-9 ENOTFOUND`,
      `${B} eu-west-9 ENOTFOUND`,
    ]);
    expect(new Set(out.findings.map((f) => `${f.accountId} ${f.region}`))).toEqual(
      new Set([`${CENTRAL} eu-west-1`, `${B} eu-west-1`]),
    );
    const lines = env.stderr().split('\n');
    expect(lines.filter((l) => l.startsWith('not read: '))).toHaveLength(2);
    expect(lines.filter((l) => l === HINT)).toHaveLength(1);
    expect(lines.at(-2)).toBe('vpc-guardrail: 2 of 4 account-region(s) could not be read');
  });

  it('snapshot --accounts says it too', async () => {
    // Prepare
    const env = memoryIo();
    const saved = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;

    // Act
    const code = await runCli(
      ['snapshot', '--accounts', CENTRAL, '--regions', 'eu-west-1,eu-west-9'],
      env.io,
    ).finally(() => {
      if (saved !== undefined) process.env.AWS_ENDPOINT_URL = saved;
    });

    // Assess
    expect(code).toBe(2);
    expect((JSON.parse(env.stdout()) as { region: string }[]).map((s) => s.region)).toEqual(['eu-west-1']);
    const lines = env.stderr().split('\n');
    expect(lines.filter((l) => l.startsWith(`not read: ${CENTRAL} eu-west-9: `))).toHaveLength(1);
    expect(lines.filter((l) => l === HINT)).toHaveLength(1);
  });
});
