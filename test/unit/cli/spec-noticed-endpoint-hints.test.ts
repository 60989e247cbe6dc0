import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// The SDK reads the shared config file after the variables (@smithy/core getEndpointUrlConfig): a
// `[services NAME]` section the profile names, then the profile's own `endpoint_url`. A profile
// pointing at a local emulator that is down used to get "check the region name".
describe('connection hints name the endpoints the shared config file sets', () => {
  function configFile(text: string): string {
    const path = join(mkdtempSync(join(tmpdir(), 'vg-hints-')), 'config');
    writeFileSync(path, text);
    return path;
  }

  it("names the profile's endpoint_url, with the file and section", () => {
    const config = configFile('[profile local]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:5000\n');
    expect(connectionHints(['ECONNREFUSED'], { AWS_PROFILE: 'local', AWS_CONFIG_FILE: config })).toEqual([
      `the endpoint could not be reached: check endpoint_url in [profile local] of ${config} (http://127.0.0.1:5000) and the network`,
    ]);
  });

  it('names the default profile’s, and a services section’s endpoint for a service before the profile’s', () => {
    const config = configFile(
      '[default]\nservices = local\nendpoint_url = http://all:1\n\n[services local]\nec2 =\n  endpoint_url = http://ec2:2\nsns =\n  endpoint_url = http://sns:3\n',
    );
    expect(connectionHints(['ENOTFOUND'], { AWS_CONFIG_FILE: config })).toEqual([
      `the endpoint's host name did not resolve: check ec2's endpoint_url in [services local] of ${config} (http://ec2:2), endpoint_url in [default] of ${config} (http://all:1) and the network (DNS)`,
    ]);
  });

  it('leaves out what the variables override: a service with its own variable, every service under AWS_ENDPOINT_URL', () => {
    const config = configFile(
      '[default]\nservices = local\n[services local]\nec2 =\n  endpoint_url = http://ec2:2\n',
    );
    expect(
      connectionHints(['ETIMEDOUT'], { AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_EC2: 'http://env-ec2:9' }),
    ).toEqual([
      'the endpoint could not be reached: check AWS_ENDPOINT_URL_EC2 (http://env-ec2:9) and the network',
    ]);
    const everywhere = configFile('[default]\nendpoint_url = http://all:1\n');
    expect(
      connectionHints(['ETIMEDOUT'], { AWS_CONFIG_FILE: everywhere, AWS_ENDPOINT_URL: 'http://env:8' }),
    ).toEqual(['the endpoint could not be reached: check AWS_ENDPOINT_URL (http://env:8) and the network']);
  });

  it("ignore_configured_endpoint_urls = true in the profile, or another profile's endpoint: the region name is what to check", () => {
    const config = configFile(
      '[profile quiet]\nendpoint_url = http://a:1\nignore_configured_endpoint_urls = true\n[profile other]\nendpoint_url = http://b:2\n',
    );
    const region =
      "the AWS endpoint's host name did not resolve: check the region name (a region that does not exist has no endpoint) and the network (DNS, proxy)";
    expect(connectionHints(['ENOTFOUND'], { AWS_PROFILE: 'quiet', AWS_CONFIG_FILE: config })).toEqual([
      region,
    ]);
    expect(connectionHints(['ENOTFOUND'], { AWS_CONFIG_FILE: config })).toEqual([region]);
  });
});
