import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo, mockRegion, sshGroup } from '../../../helpers';

// DESIGN §15: account-regions run with bounded concurrency (default 8); "the CLI does the same".
// The audit function's bound was tested; the CLI's two runs (audit, snapshot) set their own.
const HOME = '111122223333';
const REGIONS = [
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'sa-east-1',
];
const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
let inFlight = 0;
let peak = 0;

beforeEach(() => {
  ec2.reset();
  sts.reset();
  inFlight = 0;
  peak = 0;
  sts.on(GetCallerIdentityCommand).resolves({ Account: HOME });
  mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['10.0.0.0/8'])], HOME);
  ec2.on(DescribeVpcsCommand).callsFake(async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight--;
    return { Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: HOME }] };
  });
});

describe('the CLI reads at most 8 account-regions at once', () => {
  it.each([
    ['audit', ['--format', 'json', '--fail-on', 'none']],
    ['snapshot', []],
  ])('%s --accounts over 12 regions', async (command, extra) => {
    // Prepare
    const env = memoryIo();

    // Act
    const code = await runCli(
      [command, '--accounts', HOME, '--regions', REGIONS.join(','), ...extra],
      env.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(12);
    expect(peak).toBe(8);
  });
});
