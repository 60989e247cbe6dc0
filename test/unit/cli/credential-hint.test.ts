import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { credentialHints } from '../../../cli/credential-hint';
import { runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// With AWS_PROFILE set, the SDK's default chain reads that profile only: "set AWS_PROFILE" is no
// help when it is set; the hint says whether the profile exists in the files the SDK reads.

/** The error the SDK's default chain throws when it finds nothing (its name, as the SDK sets it). */
function noCredentials(): Error {
  const error = new Error('Could not load credentials from any providers');
  error.name = 'CredentialsProviderError';
  return error;
}

function named(name: string): Error {
  const error = new Error('x');
  error.name = name;
  return error;
}

let dir = '';
let files: { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string; HOME: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-hint-'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(
    config,
    '[default]\nregion = eu-west-1\n[profile dev]\nsso_session = corp\n[sso-session corp]\n',
  );
  writeFileSync(credentials, '[ci]\naws_access_key_id = AKIA\naws_secret_access_key = x\n');
  files = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, HOME: dir };
});

describe('credentialHints', () => {
  it('without AWS_PROFILE, says what to set', () => {
    expect(credentialHints(noCredentials(), { ...files })).toEqual([
      'no AWS credentials found: set AWS_PROFILE (after `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it('with AWS_PROFILE naming a profile no file holds, says so and names both files', () => {
    expect(credentialHints(noCredentials(), { ...files, AWS_PROFILE: 'prod' })).toEqual([
      `AWS_PROFILE is "prod", a profile that is in neither ${files.AWS_CONFIG_FILE} nor ${files.AWS_SHARED_CREDENTIALS_FILE}: name one they hold (\`aws configure list-profiles\`), or unset AWS_PROFILE to use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    ]);
  });

  it('does not take an sso-session section for a profile of that name', () => {
    expect(credentialHints(noCredentials(), { ...files, AWS_PROFILE: 'corp' })[0]).toMatch(
      /^AWS_PROFILE is "corp", a profile that is in neither /,
    );
  });

  it('with AWS_PROFILE naming an existing profile (config or credentials file), says it gave nothing and how to log in', () => {
    for (const profile of ['dev', 'ci', 'default']) {
      expect(credentialHints(noCredentials(), { ...files, AWS_PROFILE: profile })).toEqual([
        `the profile "${profile}" (AWS_PROFILE) gave no credentials: for an SSO profile run \`aws sso login --profile ${profile}\`; otherwise check its settings (\`aws configure list --profile ${profile}\`)`,
      ]);
    }
  });

  it('reads ~/.aws/config and ~/.aws/credentials when the variables are unset', () => {
    const env = { HOME: dir, AWS_PROFILE: 'dev' };
    // dir holds config and credentials, not .aws/: no profile there.
    expect(credentialHints(noCredentials(), env)[0]).toBe(
      `AWS_PROFILE is "dev", a profile that is in neither ${join(dir, '.aws', 'config')} nor ${join(dir, '.aws', 'credentials')}: name one they hold (\`aws configure list-profiles\`), or unset AWS_PROFILE to use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  });

  it('names the profile for expired and refused credentials', () => {
    const env = { ...files, AWS_PROFILE: 'dev' };
    expect(credentialHints(named('ExpiredToken'), env)).toEqual([
      'the credentials of the profile "dev" (AWS_PROFILE) have expired: renew them (`aws sso login --profile dev` for an SSO profile, or new session credentials)',
    ]);
    expect(credentialHints(named('InvalidClientTokenId'), env)).toEqual([
      'AWS did not accept the credentials of the profile "dev" (AWS_PROFILE): check its access key, or name another profile',
    ]);
    expect(credentialHints(named('InvalidClientTokenId'), { ...files })).toEqual([
      'AWS did not accept these credentials: check AWS_PROFILE or the access key',
    ]);
  });

  it('adds nothing to another error', () => {
    expect(credentialHints(named('UnauthorizedOperation'), { ...files, AWS_PROFILE: 'nope' })).toEqual([]);
  });
});

describe('audit --region with AWS_PROFILE naming a missing profile', () => {
  const ec2 = mockClient(EC2Client);

  afterEach(() => {
    vi.unstubAllEnvs();
    ec2.reset();
  });

  it('says the profile is missing, not "set AWS_PROFILE"', async () => {
    // Prepare
    vi.stubEnv('AWS_PROFILE', 'prod');
    vi.stubEnv('AWS_CONFIG_FILE', files.AWS_CONFIG_FILE);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', files.AWS_SHARED_CREDENTIALS_FILE);
    ec2.onAnyCommand().rejects(noCredentials());
    ec2.on(DescribeVpcsCommand).rejects(noCredentials());
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(
      /^vpc-guardrail: cannot load eu-west-1:\n {2}Describe\w+ failed in eu-west-1: CredentialsProviderError: Could not load credentials from any providers\n {2}AWS_PROFILE is "prod", a profile that is in neither .*config nor .*credentials: name one they hold/,
    );
    expect(stderr()).not.toContain('no AWS credentials found');
  });
});
