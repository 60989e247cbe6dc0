import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DESCRIBE, readActions } from '../../../../../shared/aws/ec2/describe-table';

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
