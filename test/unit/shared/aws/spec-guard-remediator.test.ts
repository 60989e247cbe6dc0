import { DescribeSubnetsCommand, EC2Client, ModifySubnetAttributeCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeActions } from '../../../../shared/aws/remediator';
import type { PlannedAction } from '../../../../shared/remediation/types';

// DESIGN §8 "Verified outcome", §14 "Concurrency": a call reports `done` only for what it changed.
// EC2 answers ModifySubnetAttribute with success whether or not the attribute was already off, so
// the subnet is read just before: one a concurrent batch already turned off is that batch's news.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const SUBNET = 'subnet-0pub';

const turnOff: PlannedAction = {
  action: 'ModifySubnetAttribute',
  parameters: { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: false } },
  findingIds: ['f1'],
};

const subnetReads = () => ec2Mock.commandCalls(DescribeSubnetsCommand).map((c) => c.args[0].input);
const modifies = () => ec2Mock.commandCalls(ModifySubnetAttributeCommand).map((c) => c.args[0].input);

describe('the subnet fix (subnet-auto-assign-public-ip) claims only what it changed', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(ModifySubnetAttributeCommand).resolves({});
  });

  it('turns the attribute off and reports done when the subnet still assigns public addresses', async () => {
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: SUBNET, MapPublicIpOnLaunch: true }] });
    const results = await executeActions(ec2, { dryRun: false, actions: [turnOff], skipped: [] });
    expect(results.map((r) => r.status)).toEqual(['done']);
    expect(subnetReads()).toEqual([{ SubnetIds: [SUBNET] }]);
    expect(modifies()).toEqual([{ SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: false } }]);
  });

  it('makes no call and reports already-done when a concurrent batch turned it off since the slice was read', async () => {
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: SUBNET, MapPublicIpOnLaunch: false }] });
    const results = await executeActions(ec2, { dryRun: false, actions: [turnOff], skipped: [] });
    expect(results).toEqual([
      {
        action: turnOff,
        status: 'already-done',
        error:
          'the subnet already assigns no public IPv4 address: another attempt of this fix (a concurrent batch) turned it off',
      },
    ]);
    expect(modifies()).toEqual([]);
  });

  it('makes the call when the read fails (the call then speaks for itself)', async () => {
    ec2Mock.on(DescribeSubnetsCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const results = await executeActions(ec2, { dryRun: false, actions: [turnOff], skipped: [] });
    expect(results.map((r) => r.status)).toEqual(['done']);
    expect(modifies()).toHaveLength(1);
  });

  it('reads nothing in a dry run', async () => {
    const results = await executeActions(ec2, { dryRun: true, actions: [turnOff], skipped: [] });
    expect(results.map((r) => r.status)).toEqual(['dry-run']);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
