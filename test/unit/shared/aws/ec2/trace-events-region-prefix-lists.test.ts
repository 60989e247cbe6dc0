import {
  DescribeManagedPrefixListsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRegionSnapshot } from '../../../../../shared/aws/ec2/region';
import { RegionLoadError } from '../../../../../shared/aws/errors';
import { DEFAULT_CONFIG } from '../../../../../shared/config';
import { evaluateReport } from '../../../../../shared/engine';
import { parseSnapshot } from '../../../../../shared/model/snapshot';
import { mockRegion } from '../../../../helpers';

// The live region load and prefix lists that change under it (DESIGN §3 "Not judged is said",
// §13 "not found"): a list deleted between DescribeManagedPrefixLists and its
// GetManagedPrefixListEntries is left out, so what names it is listed as not judged, rather than
// the whole region failing.

const ec2 = mockClient(EC2Client);
const client = new EC2Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

const notFound = (code: string) =>
  new EC2ServiceException({
    name: code,
    $fault: 'client',
    $metadata: {},
    message: `The prefix list ID does not exist`,
  });

function region(prefixLists: string[]): void {
  const group = (GroupId: string, port: number, PrefixListId: string) => ({
    group: {
      GroupId,
      GroupName: GroupId.slice(3),
      VpcId: 'vpc-1',
      OwnerId: '111122223333',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, PrefixListIds: [{ PrefixListId }] }],
      IpPermissionsEgress: [],
    },
    rules: [],
  });
  mockRegion(ec2, 'vpc-1', [group('sg-gone', 22, 'pl-gone'), group('sg-kept', 3389, 'pl-kept')]);
  ec2.on(DescribeManagedPrefixListsCommand).resolves({
    PrefixLists: prefixLists.map((id) => ({
      PrefixListId: id,
      PrefixListName: id,
      AddressFamily: 'IPv4',
      OwnerId: '111122223333',
    })),
  });
  ec2
    .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-kept' })
    .resolves({ Entries: [{ Cidr: '0.0.0.0/0' }] });
}

describe('loadRegionSnapshot with a prefix list deleted during the load', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('leaves the deleted list out and loads the rest; the group naming it is not judged, the other judged', async () => {
    // Prepare
    region(['pl-gone', 'pl-kept']);
    ec2
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-gone' })
      .rejects(notFound('InvalidPrefixListID.NotFound'));

    // Act
    const raw = await loadRegionSnapshot(client, { region: 'eu-west-1' });
    const report = evaluateReport(parseSnapshot(raw), DEFAULT_CONFIG);

    // Assess
    expect(raw.ManagedPrefixLists.map((l) => l.PrefixListId)).toEqual(['pl-kept']);
    expect(report.notJudged).toEqual([
      {
        resourceId: 'sg-gone',
        reason:
          "an ingress rule's source is prefix list pl-gone, whose entries are not in the snapshot (add it to ManagedPrefixLists)",
      },
    ]);
    expect(report.findings.filter((f) => f.resourceId === 'sg-kept').map((f) => f.ruleId)).toEqual([
      'sg-open-admin-port',
    ]);
    expect(report.findings.some((f) => f.resourceId === 'sg-gone' && f.ruleId.startsWith('sg-open'))).toBe(
      false,
    );
  });

  it('still fails the region on any other error of the entries read (access denied)', async () => {
    // Prepare
    region(['pl-gone', 'pl-kept']);
    ec2
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-gone' })
      .rejects(notFound('UnauthorizedOperation'));

    // Act
    const load = loadRegionSnapshot(client, { region: 'eu-west-1' });

    // Assess
    await expect(load).rejects.toBeInstanceOf(RegionLoadError);
    await expect(load).rejects.toMatchObject({
      operation: 'GetManagedPrefixListEntries',
      code: 'UnauthorizedOperation',
    });
  });
});
