import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// audit --snapshot FILE with excludeAccounts of --config (DESIGN §15: an excluded account is never
// governed). A snapshot without a top-level accountId was taken to be its first VPC's OwnerId. In
// a shared VPC (RAM) a participant's `aws ec2 describe-*` output lists the owner's VPC and subnets
// under the owner's id beside its own groups, so a participant's snapshot was refused (exit 2,
// nothing judged) whenever the network account that shares the VPC was excluded.

const NETWORK = '222222222222'; // shares the VPC; excluded
const WORKLOAD = '111111111111'; // the participant whose snapshot this is

function participantSnapshot(groupOwner = WORKLOAD): string {
  return JSON.stringify({
    Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: NETWORK, CidrBlock: '10.0.0.0/16' }],
    Subnets: [
      { SubnetId: 'subnet-0000000a', VpcId: 'vpc-0000000a', OwnerId: NETWORK, MapPublicIpOnLaunch: false },
    ],
    SecurityGroups: [
      {
        GroupId: 'sg-0000000a',
        GroupName: 'ssh',
        VpcId: 'vpc-0000000a',
        OwnerId: groupOwner,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        IpPermissionsEgress: [],
      },
    ],
  });
}

async function audit(snapshot: string, excludeAccounts: string[]) {
  const { io, stdout, stderr } = memoryIo({
    's.json': snapshot,
    'config.json': JSON.stringify({ excludeAccounts }),
  });
  const code = await runCli(
    ['audit', '--snapshot', 's.json', '--config', 'config.json', '--format', 'json'],
    io,
  );
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('audit --snapshot of a shared-VPC participant, the VPC owner excluded', () => {
  it("judges the participant's own groups (exit 1, its finding), warning that the exclusion could not be applied", async () => {
    const { code, stdout, stderr } = await audit(participantSnapshot(), [NETWORK]);

    expect(code).toBe(1);
    expect(
      JSON.parse(stdout).findings.map((f: { ruleId: string; resourceId: string }) => f.resourceId),
    ).toContain('sg-0000000a');
    expect(stderr).toBe(
      `warning: the snapshot's resources belong to several accounts (${WORKLOAD}, ${NETWORK}: a shared VPC is its owner's), so which one recorded it is not known; give its top-level accountId: excludeAccounts of --config (${NETWORK}) could not be applied\n`,
    );
  });

  it('still refuses it when its top-level accountId is excluded, or every account it names is', async () => {
    const named = JSON.stringify({ ...JSON.parse(participantSnapshot()), accountId: NETWORK });
    expect((await audit(named, [NETWORK])).code).toBe(2);
    const both = await audit(participantSnapshot(), [NETWORK, WORKLOAD]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      `accounts ${WORKLOAD}, ${NETWORK} (every one the snapshot names) are in excludeAccounts of --config`,
    );
    // One account throughout (no sharing): that account, as before.
    const own = await audit(participantSnapshot(NETWORK), [NETWORK]);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain(`account ${NETWORK} (the snapshot's) is in excludeAccounts of --config`);
  });
});

describe('audit --snapshot --format asff of a shared-VPC participant', () => {
  async function asff(snapshot: string) {
    const { io, stdout, stderr } = memoryIo({
      's.json': JSON.stringify({ ...JSON.parse(snapshot), region: 'eu-west-1' }),
    });
    const code = await runCli(['audit', '--snapshot', 's.json', '--format', 'asff'], io);
    return { code, stdout: stdout(), stderr: stderr() };
  }

  it("does not file the participant's findings under the VPC owner: the account is asked for", async () => {
    const { code, stdout, stderr } = await asff(participantSnapshot());
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `accountId: missing (add "accountId": "123456789012" at the top level of the snapshot (its resources belong to ${WORKLOAD}, ${NETWORK}))`,
    );
  });

  it('takes the one OwnerId a snapshot of one account carries, or its top-level accountId', async () => {
    const own = await asff(participantSnapshot(NETWORK));
    expect(own.code).toBe(1);
    expect(JSON.parse(own.stdout)[0].AwsAccountId).toBe(NETWORK);
    const named = await asff(JSON.stringify({ ...JSON.parse(participantSnapshot()), accountId: WORKLOAD }));
    expect(named.code).toBe(1);
    expect(JSON.parse(named.stdout)[0].AwsAccountId).toBe(WORKLOAD);
  });
});
