import { DescribeNetworkAclsCommand, DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BY_ID_CONCURRENCY, DESCRIBE, readActions } from '../../../../../shared/aws/ec2/describe-table';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

describe('the describe table', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.onAnyCommand().resolves({});
  });

  it.each(Object.entries(DESCRIBE))(
    'row %s calls exactly the operation its IAM action names',
    async (_key, row) => {
      // Act
      const page = await row.page(ec2, {
        filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }],
        pageSize: 5,
        prefixListId: 'pl-1',
      });
      // Assess
      expect(page).toEqual({ items: [], nextToken: undefined });
      expect(ec2Mock.calls().map((c) => c.args[0].constructor.name)).toEqual([`${row.operation}Command`]);
      const input = ec2Mock.calls()[0]?.args[0].input as Record<string, unknown>;
      expect(input.MaxResults).toBe(5);
    },
  );

  it("generates each reader's IAM read actions", () => {
    expect(readActions('slice')).toEqual([
      'ec2:DescribeNatGateways',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcEndpoints',
      'ec2:DescribeVpcs',
      'ec2:GetManagedPrefixListEntries',
    ]);
    expect(readActions('region')).toEqual([
      'ec2:DescribeInternetGateways',
      'ec2:DescribeManagedPrefixLists',
      'ec2:DescribeNatGateways',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcEndpoints',
      'ec2:DescribeVpcs',
      'ec2:GetManagedPrefixListEntries',
    ]);
  });
});

describe('reads by id after a NotFound', () => {
  beforeEach(() => ec2Mock.reset());

  it('re-reads the ids one by one, at most BY_ID_CONCURRENCY at a time, gone ones as empty answers', async () => {
    // Arrange: 12 NACLs named in one read, 2 of them deleted meanwhile (EC2 then rejects the whole call)
    const ids = Array.from({ length: 12 }, (_, i) => `acl-${String(i).padStart(2, '0')}`);
    const gone = new Set(['acl-03', 'acl-07']);
    let inFlight = 0;
    let peak = 0;
    const notFound = Object.assign(new Error('The networkAcl ID does not exist'), {
      name: 'InvalidNetworkAclID.NotFound',
    });
    ec2Mock.on(DescribeNetworkAclsCommand).callsFake(async (input: { NetworkAclIds?: string[] }) => {
      const asked = input.NetworkAclIds ?? [];
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (asked.some((id) => gone.has(id))) throw notFound;
      return { NetworkAcls: asked.map((NetworkAclId) => ({ NetworkAclId })) };
    });
    // Act
    const page = await DESCRIBE.networkAcls.page(ec2, { filters: [{ Name: 'network-acl-id', Values: ids }] });
    // Assess
    expect(page.items.map((n) => n.NetworkAclId)).toEqual(ids.filter((id) => !gone.has(id)));
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1 + ids.length);
    expect(peak).toBe(BY_ID_CONCURRENCY);
  });

  it('fails the read when a one-by-one re-read fails otherwise than NotFound', async () => {
    // Arrange
    const denied = Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' });
    const notFound = Object.assign(new Error('gone'), { name: 'InvalidVpcEndpointId.NotFound' });
    ec2Mock.on(DescribeVpcEndpointsCommand).callsFake(async (input: { VpcEndpointIds?: string[] }) => {
      const asked = input.VpcEndpointIds ?? [];
      if (asked.length > 1) throw notFound;
      if (asked[0] === 'vpce-2') throw denied;
      return { VpcEndpoints: asked.map((VpcEndpointId) => ({ VpcEndpointId })) };
    });
    // Act / Assess
    await expect(
      DESCRIBE.vpcEndpoints.page(ec2, {
        filters: [{ Name: 'vpc-endpoint-id', Values: ['vpce-1', 'vpce-2'] }],
      }),
    ).rejects.toThrow('denied');
  });
});
