import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DESCRIBE, type DescribeOperation } from '../../../../../shared/aws/ec2/describe-table';
import { readListing } from '../../../../../shared/aws/ec2/pages';

// moto ignores MaxResults on these calls (it answers everything in one page), so a page size out
// of EC2's range passes against the emulator and fails against AWS with InvalidParameterValue, for
// the whole region. The ranges are EC2's, from its service model (API version 2016-11-15, as
// botocore 1.43 ships it: the `min`/`max` of each operation's MaxResults shape;
// DescribeVpcEndpoints has none and documents "If the value is greater than 1,000, we return only
// 1,000 items").
const EC2_MAX_RESULTS: Record<string, { min: number; max: number }> = {
  DescribeVpcs: { min: 5, max: 1000 },
  DescribeSubnets: { min: 5, max: 1000 },
  DescribeSecurityGroups: { min: 5, max: 1000 },
  DescribeSecurityGroupRules: { min: 5, max: 1000 },
  DescribeNetworkAcls: { min: 5, max: 1000 },
  DescribeRouteTables: { min: 5, max: 100 },
  DescribeInternetGateways: { min: 5, max: 1000 },
  DescribeNatGateways: { min: 5, max: 1000 },
  DescribeVpcEndpoints: { min: 1, max: 1000 },
  DescribeNetworkInterfaces: { min: 5, max: 1000 },
  DescribeManagedPrefixLists: { min: 1, max: 100 },
  GetManagedPrefixListEntries: { min: 1, max: 100 },
};

/** Every row, as one type (each reads its own item type; only the request matters here). */
const ROWS: readonly DescribeOperation<unknown>[] = Object.values(DESCRIBE);

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

describe('page sizes of a region scan', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.onAnyCommand().resolves({});
  });

  it('has a range for every row of the describe table', () => {
    expect(
      Object.values(DESCRIBE)
        .map((row) => row.operation)
        .sort(),
    ).toEqual(Object.keys(EC2_MAX_RESULTS).sort());
  });

  it.each(ROWS.map((row) => [row.operation, row] as const))(
    '%s is scanned with the largest page EC2 accepts',
    async (operation, row) => {
      // Act: a whole-region scan, as the audit and `snapshot` read it.
      await readListing(ec2, row, {
        pageSize: row.pageSize,
        prefixListId: 'pl-1',
      });
      // Assess: the request EC2 receives, not only the table's number.
      const input = ec2Mock.calls()[0]?.args[0].input as { MaxResults?: number };
      expect(input.MaxResults).toBe(EC2_MAX_RESULTS[operation]?.max);
    },
  );
});
