import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { emptyScope } from '../../../../../shared/events/event-table';
import { buildWorld, installFakeEc2 } from '../../../../helpers';

// Spec conformance, DESIGN §12: "An SG event costs ≤ 6 EC2 read calls, issued concurrently where
// independent." The count is pinned elsewhere (trace-events-slice-budget, batch tests); this pins
// the concurrency. Each call is held a few milliseconds; a call's wave is one after the latest wave
// of the calls that had already answered when it was issued. Calls issued together (one
// Promise.all) share a wave whatever the machine's load; a call awaited after another cannot.
// An SG event needs the interfaces that use the group first (their subnets, VPCs and other groups
// decide the exposure); everything else depends only on them.

const GROUP = 'sg-0web';

interface Call {
  name: string;
  wave: number;
  answered: boolean;
}

/** Wraps the client's `send` to record each call's wave. */
function recordWaves(ec2: EC2Client): Call[] {
  const calls: Call[] = [];
  const send = ec2.send.bind(ec2) as (command: unknown) => Promise<unknown>;
  const wrapped = async (command: unknown): Promise<unknown> => {
    const answered = calls.filter((c) => c.answered).map((c) => c.wave);
    const call: Call = {
      name: (command as object).constructor.name.replace(/Command$/, ''),
      wave: 1 + Math.max(0, ...answered),
      answered: false,
    };
    calls.push(call);
    await new Promise((resolve) => setTimeout(resolve, 5));
    try {
      return await send(command);
    } finally {
      call.answered = true;
    }
  };
  Object.assign(ec2, { send: wrapped });
  return calls;
}

/** Names by wave, each wave sorted (calls of one wave have no order). */
function waves(calls: readonly Call[]): string[][] {
  const out: string[][] = [];
  for (const call of calls) {
    const wave = out[call.wave - 1] ?? [];
    wave.push(call.name);
    out[call.wave - 1] = wave;
  }
  return out.map((names) => names.sort());
}

describe('spec §12: the reads of a security-group event are issued concurrently where independent', () => {
  it('reads the interfaces of the group, then the groups, rules, NACLs and route tables at once: 5 calls in 2 waves', async () => {
    // Prepare
    const ec2 = new EC2Client({ region: 'us-east-1' });
    installFakeEc2(
      mockClient(ec2),
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    const calls = recordWaves(ec2);

    // Act
    const slice = await loadSlice(ec2, {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: [GROUP],
    });

    // Assess
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(5);
    expect(waves(calls)).toEqual([
      ['DescribeNetworkInterfaces'],
      ['DescribeNetworkAcls', 'DescribeRouteTables', 'DescribeSecurityGroupRules', 'DescribeSecurityGroups'],
    ]);
  });

  it("waits for a group's description only when no interface tells its VPC: still 5 calls, the VPC's tables and NACLs in a third wave", async () => {
    // Prepare: the event names a second group that no interface uses (here: one EC2 does not
    // return), so its VPC is known only from DescribeSecurityGroups.
    const ec2 = new EC2Client({ region: 'us-east-1' });
    installFakeEc2(
      mockClient(ec2),
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    const calls = recordWaves(ec2);

    // Act
    const slice = await loadSlice(ec2, {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: [GROUP, 'sg-0unused'],
    });

    // Assess: one call each still (the tables and NACLs of every VPC in one call), the independent
    // ones together.
    expect(slice.calls).toBe(5);
    expect(waves(calls)).toEqual([
      ['DescribeNetworkInterfaces'],
      ['DescribeSecurityGroupRules', 'DescribeSecurityGroups'],
      ['DescribeNetworkAcls', 'DescribeRouteTables'],
    ]);
  });
});
