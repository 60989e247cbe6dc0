import { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';
import { mockRegion, sshGroup } from '../../../helpers/region-mock';

// A live region when STS GetCallerIdentity does not answer: the loader took the first VPC's
// OwnerId for the account. In a participant account of a shared VPC that is the VPC owner's: the
// snapshot and ASFF findings were filed under the owner, and an excluded owner refused the
// participant's audit. A snapshot file without accountId already took the one OwnerId all its
// resources carry; live now does the same (several: no account, and the exclusions are a warning).

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const PARTICIPANT = '111122223333';
const VPC_OWNER = '999988887777';

/** The owner's shared VPC, and the participant's own group in it, open on 22 to the world. */
function sharedVpc(groupOwner = PARTICIPANT): void {
  mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['0.0.0.0/0'], groupOwner)], VPC_OWNER);
}

beforeEach(() => {
  ec2.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).rejects(new Error('endpoint unreachable'));
});

describe('live region without an STS answer: the account is the one owner of what was read', () => {
  it('snapshot of a shared VPC names no account rather than the VPC owner', async () => {
    sharedVpc();
    const env = memoryIo();
    const code = await runCli(['snapshot', '--region', 'eu-west-1'], env.io);
    expect(code).toBe(0);
    expect(JSON.parse(env.stdout())).not.toHaveProperty('accountId');
  });

  it('snapshot whose every resource has one owner names it', async () => {
    sharedVpc(VPC_OWNER);
    const env = memoryIo();
    await runCli(['snapshot', '--region', 'eu-west-1'], env.io);
    expect(JSON.parse(env.stdout()).accountId).toBe(VPC_OWNER);
  });

  it('audits the participant when only the VPC owner is excluded, warning that the exclusion could not be applied', async () => {
    sharedVpc();
    const env = memoryIo({ 'config.json': JSON.stringify({ excludeAccounts: [VPC_OWNER] }) });
    const code = await runCli(
      ['audit', '--region', 'eu-west-1', '--config', 'config.json', '--format', 'json'],
      env.io,
    );
    expect(code).toBe(1);
    expect(JSON.parse(env.stdout()).findings.map((f: { resourceId: string }) => f.resourceId)).toEqual([
      'sg-1',
    ]);
    expect(env.stderr()).toContain(
      `warning: the account of the local credentials is not known (STS GetCallerIdentity did not answer, and the resources read belong to several accounts: ${PARTICIPANT}, ${VPC_OWNER}; a shared VPC is its owner's): excludeAccounts of --config (${VPC_OWNER}) could not be applied\n`,
    );
  });

  it('refuses when every owner of what was read is excluded', async () => {
    sharedVpc();
    const env = memoryIo({ 'config.json': JSON.stringify({ excludeAccounts: [VPC_OWNER, PARTICIPANT] }) });
    const code = await runCli(['audit', '--region', 'eu-west-1', '--config', 'config.json'], env.io);
    expect(code).toBe(2);
    expect(env.stderr()).toContain(
      `accounts ${PARTICIPANT}, ${VPC_OWNER} (every one owning the resources read) are in excludeAccounts of --config`,
    );
  });

  it('--format asff asks for the account instead of filing the findings under the VPC owner', async () => {
    sharedVpc();
    const env = memoryIo();
    const code = await runCli(['audit', '--region', 'eu-west-1', '--format', 'asff'], env.io);
    expect(code).toBe(2);
    expect(env.stdout()).toBe('');
    expect(env.stderr()).toContain('ASFF (Security Hub) needs the AWS account and region of the findings');
  });
});
