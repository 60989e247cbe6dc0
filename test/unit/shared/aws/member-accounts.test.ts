import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ClientCredentials, stsClient } from '../../../../shared/aws/clients';
import { AssumeRoleDeniedError } from '../../../../shared/aws/errors';
import { accountClients, sessionNameFor } from '../../../../shared/aws/member-accounts';

const stsMock = mockClient(STSClient);
const HOME = '111122223333';
const B = '222233334444';

function setup(clock: { now: Date }) {
  const built: { region: string; credentials?: ClientCredentials }[] = [];
  const clients = accountClients({
    homeAccountId: HOME,
    memberRoleName: 'VpcGuardrailMember',
    sts: new STSClient({ region: 'eu-west-1' }),
    purpose: 'region',
    now: () => clock.now,
    buildEc2: (region, credentials) => {
      built.push({ region, ...(credentials ? { credentials } : {}) });
      return new EC2Client({ region });
    },
  });
  return { clients, built };
}

async function resolve(credentials: ClientCredentials | undefined) {
  return typeof credentials === 'function' ? credentials() : credentials;
}

describe('accountClients: credentials per account', () => {
  beforeEach(() => {
    stsMock.reset();
    let n = 0;
    stsMock.on(AssumeRoleCommand).callsFake(() => {
      n++;
      return {
        Credentials: {
          AccessKeyId: `AKID${n}`,
          SecretAccessKey: 's',
          SessionToken: `t${n}`,
          Expiration: new Date('2026-01-01T01:00:00Z'),
        },
      };
    });
  });

  it('reuses credentials within their lifetime and assumes again shortly before they expire', async () => {
    // Prepare
    const clock = { now: new Date('2026-01-01T00:00:00Z') };
    const { clients, built } = setup(clock);
    // Act
    const first = await clients.ec2(B, 'eu-west-1', 'evt-1');
    const second = await clients.ec2(B, 'us-east-1', 'evt-2');
    const again = await clients.ec2(B, 'eu-west-1', 'evt-3');
    const early = await resolve(built[0]?.credentials);
    clock.now = new Date('2026-01-01T00:55:00Z');
    const late = await resolve(built[0]?.credentials);
    // Assess
    expect(again).toBe(first);
    expect(second).not.toBe(first);
    expect(built.map((b) => b.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(early?.accessKeyId).toBe('AKID1');
    expect(late?.accessKeyId).toBe('AKID2');
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleSessionName)).toEqual([
      'vpc-guardrail-evt-1',
      'vpc-guardrail-evt-3',
    ]);
  });

  it('uses the default chain for the home account (no AssumeRole)', async () => {
    // Prepare
    const { clients, built } = setup({ now: new Date('2026-01-01T00:00:00Z') });
    // Act
    await clients.ec2(HOME, 'eu-west-1');
    // Assess
    expect(stsMock.calls()).toHaveLength(0);
    expect(built).toEqual([{ region: 'eu-west-1' }]);
  });

  it('names the account and role when the role cannot be assumed, and retries a throttled AssumeRole', async () => {
    // Prepare
    const { clients } = setup({ now: new Date('2026-01-01T00:00:00Z') });
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'Throttling', $metadata: {} }))
      .rejects(Object.assign(new Error('no trust'), { name: 'AccessDenied', $metadata: {} }));
    // Act
    const throttled = clients.ec2(B, 'eu-west-1');
    await expect(throttled).rejects.toMatchObject({ name: 'Throttling' });
    const denied = clients.ec2(B, 'eu-west-1');
    // Assess
    await expect(denied).rejects.toBeInstanceOf(AssumeRoleDeniedError);
    await expect(denied).rejects.toMatchObject({
      accountId: B,
      roleArn: `arn:aws:iam::${B}:role/VpcGuardrailMember`,
      message: `cannot assume arn:aws:iam::${B}:role/VpcGuardrailMember in account ${B}: AccessDenied: no trust`,
    });
  });

  it.each([
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('assumes the member role under the partition of the region (%s → %s)', async (region, partition) => {
    // Prepare
    const { clients } = setup({ now: new Date('2026-01-01T00:00:00Z') });
    // Act
    await clients.ec2(B, region, 'evt-1');
    // Assess: China and GovCloud deny an arn:aws: role ARN, so the partition follows the region.
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      `arn:${partition}:iam::${B}:role/VpcGuardrailMember`,
    ]);
  });

  it('refuses another account when organization mode is off', async () => {
    const clients = accountClients({ homeAccountId: HOME, purpose: 'event' });
    await expect(clients.ec2(B, 'eu-west-1')).rejects.toThrow(
      `account ${B} is not this account and organization mode is off`,
    );
  });
});

describe('STS client and session names', () => {
  it('calls the regional STS endpoint', async () => {
    const sts = stsClient('eu-west-1');
    expect(await sts.config.region()).toBe('eu-west-1');
    const endpoint = sts.config.endpointProvider({ Region: 'eu-west-1', UseGlobalEndpoint: false });
    expect(endpoint.url.hostname).toBe('sts.eu-west-1.amazonaws.com');
    expect((sts.config as { useGlobalEndpoint?: unknown }).useGlobalEndpoint).toBe(false);
  });

  it('keeps session names to what STS accepts', () => {
    expect(sessionNameFor('c0ffee00-1234-5678-9abc-def012345678')).toBe(
      'vpc-guardrail-c0ffee00-1234-5678-9abc-def012345678',
    );
    expect(sessionNameFor('a b/c:d')).toBe('vpc-guardrail-a-b-c-d');
    expect(sessionNameFor(undefined)).toBe('vpc-guardrail-session');
    expect(sessionNameFor('x'.repeat(100))).toHaveLength(64);
  });
});
