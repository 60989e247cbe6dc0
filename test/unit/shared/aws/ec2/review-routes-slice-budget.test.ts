import { EC2Client, EC2ServiceException, GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { emptyScope } from '../../../../../shared/events/event-table';
import { parseConfig } from '../../../../../shared/load-config';
import { assessSlice } from '../../../../../shared/scope/assess';
import { buildWorld, ENI, installFakeEc2, type World } from '../../../../helpers';

// Review (routes): DESIGN §12 "An SG event costs ≤ 6 EC2 read calls" and §14 "≤ 6 Describe calls
// per batch (plus prefix lists)" with a route to the igw- whose destination is a prefix list. The
// README ("Slice") counts it as one GetManagedPrefixListEntries beside the 5 base reads of an SG
// event; a gateway endpoint's list (to a vpce-) is never read; a list both a rule and a route name
// is read once.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const GROUP = 'sg-0web';
const sgScope = {
  ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
  securityGroupIds: [GROUP],
};

/** The world with the main table's IPv4 default route written as `pl-0route` (→ 0.0.0.0/0) to the igw-. */
function world(
  rules: Parameters<typeof buildWorld>[0]['rules'],
  extra: Record<string, string>[] = [],
): World {
  const w = buildWorld({ groupId: GROUP, rules });
  (w.RouteTables[0] as { Routes: unknown[] }).Routes = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    { DestinationPrefixListId: 'pl-0route', GatewayId: 'igw-0a1', State: 'active' },
    ...extra,
  ];
  delete (w.NetworkInterfaces[0] as Record<string, unknown>).Ipv6Addresses;
  w.ManagedPrefixLists = [
    { PrefixListId: 'pl-0route', Entries: [{ Cidr: '0.0.0.0/0' }] },
    { PrefixListId: 'pl-0office', Entries: [{ Cidr: '198.51.100.0/24' }] },
  ];
  return w;
}

const listsRead = () =>
  ec2Mock
    .commandCalls(GetManagedPrefixListEntriesCommand)
    .map((c) => c.args[0].input.PrefixListId)
    .sort();

describe('the read budget of a security-group event whose VPC routes to the igw- through a prefix list', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('5 base reads + the route list = 6; the interface is judged exposed through it', async () => {
    installFakeEc2(ec2Mock, world([{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }]));
    const slice = await loadSlice(ec2, sgScope);
    const assessment = assessSlice([sgScope], slice.snapshot, parseConfig({}), {
      sliceComplete: slice.complete,
    });
    expect(slice.complete).toBe(true);
    expect(slice.calls).toBe(6);
    expect(listsRead()).toEqual(['pl-0route']);
    expect(assessment.findings.filter((f) => f.resourceId === ENI).map((f) => f.ruleId)).toEqual([
      'eni-internet-exposed',
    ]);
  });

  it('an ingress list beside it: 7 (both read, each once, in the same round after the tables)', async () => {
    installFakeEc2(ec2Mock, world([{ id: 'sgr-pl22', from: 22, prefixList: 'pl-0office' }]));
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.calls).toBe(7);
    expect(listsRead()).toEqual(['pl-0office', 'pl-0route']);
  });

  it('a list that is both an ingress source and the route destination is read once', async () => {
    installFakeEc2(ec2Mock, world([{ id: 'sgr-pl22', from: 22, prefixList: 'pl-0route' }]));
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.calls).toBe(6);
    expect(listsRead()).toEqual(['pl-0route']);
  });

  it("a gateway endpoint's list (to a vpce-) costs nothing", async () => {
    const w = world(
      [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }],
      [{ DestinationPrefixListId: 'pl-6da54004', GatewayId: 'vpce-0s3', State: 'active' }],
    );
    installFakeEc2(ec2Mock, w);
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.calls).toBe(6);
    expect(listsRead()).toEqual(['pl-0route']);
  });

  it('a route list that cannot be read (access denied) leaves the slice incomplete, never judged as empty', async () => {
    const w = world([{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }]);
    installFakeEc2(ec2Mock, w);
    ec2Mock.on(GetManagedPrefixListEntriesCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: {},
        message: 'You are not authorized to perform this operation.',
      }),
    );
    const slice = await loadSlice(ec2, sgScope);
    expect(slice.complete).toBe(false);
    expect(slice.errors.join('\n')).toContain('GetManagedPrefixListEntries pl-0route');
  });
});
