import { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionHints, credentialHints } from '../../../cli/credential-hint';
import { runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// README "Exit codes and errors": a network error before AWS answered names the endpoint variable
// to check. The SDK for JavaScript reads AWS_ENDPOINT_URL_<SERVICE> before AWS_ENDPOINT_URL
// (@smithy/core getEndpointUrlConfig: `AWS_ENDPOINT_URL_EC2` for EC2's service id, `_STS`,
// `_ORGANIZATIONS`, `_SECURITYHUB`) and neither with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
// With only AWS_ENDPOINT_URL_EC2 set, the hint told to check the region name: the wrong fix.

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);

afterEach(() => {
  vi.unstubAllEnvs();
  ec2.reset();
  sts.reset();
});

describe('connection hints name the endpoint variables the SDK reads', () => {
  it('AWS_ENDPOINT_URL_EC2 alone: names it, not the region name', () => {
    expect(
      credentialHints(networkError('ECONNREFUSED'), { AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:5081' }),
    ).toEqual([
      'the endpoint could not be reached: check AWS_ENDPOINT_URL_EC2 (http://127.0.0.1:5081) and the network',
    ]);
    expect(credentialHints(networkError('ENOTFOUND'), { AWS_ENDPOINT_URL_EC2: 'http://moto:5000' })).toEqual([
      "the endpoint's host name did not resolve: check AWS_ENDPOINT_URL_EC2 (http://moto:5000) and the network (DNS)",
    ]);
  });

  it('both set: the service’s own first (the SDK reads it first), then AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_EC2: 'http://b:2' };
    expect(connectionHints(['ETIMEDOUT'], env)).toEqual([
      'the endpoint could not be reached: check AWS_ENDPOINT_URL_EC2 (http://b:2), AWS_ENDPOINT_URL (http://a:1) and the network',
    ]);
  });

  it('names the other services’ variables the command’s clients read (STS, Organizations, Security Hub)', () => {
    const env = {
      AWS_ENDPOINT_URL_STS: 'http://sts:1',
      AWS_ENDPOINT_URL_ORGANIZATIONS: 'http://org:2',
      AWS_ENDPOINT_URL_SECURITYHUB: 'http://hub:3',
      AWS_ENDPOINT_URL_SNS: 'http://sns:4',
    };
    expect(connectionHints(['ECONNRESET'], env)).toEqual([
      'the endpoint could not be reached: check AWS_ENDPOINT_URL_STS (http://sts:1), AWS_ENDPOINT_URL_ORGANIZATIONS (http://org:2), AWS_ENDPOINT_URL_SECURITYHUB (http://hub:3) and the network',
    ]);
  });

  it('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: the SDK uses AWS’s endpoints, so the region name is what to check', () => {
    const env = { AWS_ENDPOINT_URL: 'http://a:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(credentialHints(networkError('ENOTFOUND'), env)).toEqual([
      "the AWS endpoint's host name did not resolve: check the region name (a region that does not exist has no endpoint) and the network (DNS, proxy)",
    ]);
  });

  it('empty variables count as unset, as the SDK reads them', () => {
    expect(
      credentialHints(networkError('ECONNREFUSED'), { AWS_ENDPOINT_URL_EC2: '', AWS_ENDPOINT_URL: '' }),
    ).toEqual(['the AWS endpoint could not be reached: check the network (proxy, firewall)']);
  });

  it('snapshot --region with AWS_ENDPOINT_URL_EC2 refusing connections: exit 2, names the variable', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', 'http://127.0.0.1:5999');
    const refused = networkError('ECONNREFUSED');
    ec2.onAnyCommand().rejects(refused);
    sts.on(GetCallerIdentityCommand).rejects(refused);
    const { io, stdout, stderr } = memoryIo();
    // Act
    const code = await runCli(['snapshot', '--region', 'eu-west-1'], io);
    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toContain(
      '\n  the endpoint could not be reached: check AWS_ENDPOINT_URL_EC2 (http://127.0.0.1:5999) and the network\n',
    );
  });
});
