import { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { credentialHints } from '../../cli/credential-hint';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';

// QA s17, the user path (README "Exit codes and errors"): `audit --region eu-west-4` (a name that
// reads like a region, of none that exists) ended, after the SDK's retries, with
// `ENOTFOUND: getaddrinfo ENOTFOUND ec2.eu-west-4.amazonaws.com` and nothing on what to do; with
// AWS_ENDPOINT_URL pointing nowhere, `ECONNREFUSED` likewise. Credential errors already name
// the fix; these now do too.

/** A network error as Node's resolver or socket gives it to the SDK (a `code`, name `Error`). */
function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);

afterEach(() => {
  vi.unstubAllEnvs();
  ec2.reset();
  sts.reset();
});

describe('QA s17: what to do when the AWS endpoint cannot be reached', () => {
  it('audit --region of a region with no endpoint: exit 2, the failed call, then check the region name', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    const notFound = networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND ec2.eu-west-4.amazonaws.com');
    ec2.onAnyCommand().rejects(notFound);
    sts.on(GetCallerIdentityCommand).rejects(notFound);
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'eu-west-4'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(
      /^vpc-guardrail: cannot load eu-west-4:\n {2}Describe\w+ failed in eu-west-4: ENOTFOUND: getaddrinfo ENOTFOUND ec2\.eu-west-4\.amazonaws\.com\n {2}the AWS endpoint's host name did not resolve: check the region name \(a region that does not exist has no endpoint\) and the network \(DNS, proxy\)\n$/,
    );
  });

  it('snapshot --region with AWS_ENDPOINT_URL refusing connections names the variable', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:5999');
    const refused = networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5999');
    ec2.onAnyCommand().rejects(refused);
    sts.on(GetCallerIdentityCommand).rejects(refused);
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toContain(
      '\n  the endpoint could not be reached: check AWS_ENDPOINT_URL (http://127.0.0.1:5999) and the network\n',
    );
  });

  it.each([
    ['ENOTFOUND', {}, "the AWS endpoint's host name did not resolve"],
    ['EAI_AGAIN', {}, "the AWS endpoint's host name did not resolve"],
    [
      'ENOTFOUND',
      { AWS_ENDPOINT_URL: 'http://moto:5000' },
      "the endpoint's host name did not resolve: check AWS_ENDPOINT_URL (http://moto:5000)",
    ],
    ['ETIMEDOUT', {}, 'the AWS endpoint could not be reached: check the network (proxy, firewall)'],
    ['ECONNRESET', {}, 'the AWS endpoint could not be reached'],
    ['EHOSTUNREACH', {}, 'the AWS endpoint could not be reached'],
  ])('%s (%j) gets the hint "%s…"', (code, env, hint) => {
    const [line, ...more] = credentialHints(networkError(code, 'x'), env);
    expect(more).toEqual([]);
    expect(line?.startsWith(hint)).toBe(true);
  });

  it('adds nothing to an error AWS answered that is not about the credentials', () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' });
    expect(credentialHints(denied, {})).toEqual([]);
  });
});
