// API model audit (CloudTrail request shapes): a customer-managed prefix list changed by
// ModifyManagedPrefixList or RestoreManagedPrefixListVersion changes what every security-group rule
// and route naming it permits (DESIGN §4 "Prefix lists are resolved", §5 default route through a
// list). `0.0.0.0/0` added to a list that a group's ingress on 22 names opens the group to the world
// without any security-group call: before this row, no event reached the function (a silent false
// negative). Request shapes from the EC2 API model (botocore `ModifyManagedPrefixListRequest`:
// `PrefixListId`, `CurrentVersion`, `AddEntry`/`AddEntries` [{Cidr, Description}], `RemoveEntry`;
// `RestoreManagedPrefixListVersionRequest`: `PrefixListId`, `PreviousVersion`, `CurrentVersion`),
// in the PascalCase request wrapper CloudTrail writes for the newer calls. Through the event
// function's batch path with the EC2 fake behind aws-sdk-client-mock.

import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { networkChangePattern } from '../../infra/event-pattern';
import { HANDLED_EVENT_NAMES } from '../../shared/events/event-table';
import { triageEvent } from '../../shared/events/parse';
import {
  buildWorld,
  cloudTrailRecord,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
  SUBNET,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };
const LIST = 'pl-0office';

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** sg-0web admits ssh from the office list only; the list (as EC2 holds it) is `entries`. */
function listWorld(entries: string[]): World {
  const w = buildWorld({
    groupId: 'sg-0web',
    rules: [
      { id: 'sgr-pl22', from: 22, prefixList: LIST },
      { id: 'sgr-443', from: 443, cidr: '10.0.0.0/8' },
    ],
  });
  w.ManagedPrefixLists = [{ PrefixListId: LIST, Entries: entries.map((Cidr) => ({ Cidr })) }];
  return w;
}

/** The record of a ModifyManagedPrefixList call adding `cidrs`, as CloudTrail wraps the newer calls. */
function modifyRecord(cidrs: string[], listId = LIST) {
  const AddEntry =
    cidrs.length === 1
      ? { Cidr: cidrs[0], Description: 'wide', tag: 1 }
      : cidrs.map((Cidr, i) => ({ Cidr, tag: i + 1 }));
  return cloudTrailRecord(
    'ModifyManagedPrefixList',
    { ModifyManagedPrefixListRequest: { PrefixListId: listId, CurrentVersion: 3, AddEntry } },
    {
      ModifyManagedPrefixListResponse: {
        prefixList: { prefixListId: listId, state: 'modify-in-progress', version: 3 },
        requestId: 'r',
      },
    },
  );
}

async function run(w: World, record: Record<string, unknown>) {
  installFakeEc2(ec2Mock, w);
  const result = await processMessages(
    [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
    eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
  );
  const calls = ec2Mock
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
  return { result, calls, notices: publishedNotices(snsMock) };
}

describe('ModifyManagedPrefixList: a list that security-group rules name', () => {
  it('reaches the function: the EventBridge pattern lists both prefix-list calls', () => {
    const names = (networkChangePattern().detail as { eventName: string[] }).eventName;
    expect(names).toContain('ModifyManagedPrefixList');
    expect(names).toContain('RestoreManagedPrefixListVersion');
    expect(HANDLED_EVENT_NAMES).toContain('ModifyManagedPrefixList');
  });

  it('reads the list id and the added entries from the wrapped request (AddEntry, one or several)', () => {
    const one = triageEvent(envelope(modifyRecord(['0.0.0.0/0'])), OPTIONS);
    expect(one.kind === 'handle' ? [one.scope.prefixListIds, one.scope.addedPrefixListEntries] : one).toEqual(
      // The call's CurrentVersion orders an add and a removal of the same entry in one batch.
      [[LIST], [{ prefixListId: LIST, cidr: '0.0.0.0/0', version: 3 }]],
    );
    const two = triageEvent(envelope(modifyRecord(['0.0.0.0/1', '128.0.0.0/1'])), OPTIONS);
    expect(two.kind === 'handle' ? two.scope.addedPrefixListEntries.map((e) => e.cidr) : two).toEqual([
      '0.0.0.0/1',
      '128.0.0.0/1',
    ]);
    // The SDK's member name (AddEntries) in an unwrapped request reads the same.
    const sdk = triageEvent(
      envelope(
        cloudTrailRecord('ModifyManagedPrefixList', {
          prefixListId: LIST,
          AddEntries: [{ Cidr: '::/0' }],
        }),
      ),
      OPTIONS,
    );
    expect(sdk.kind === 'handle' ? sdk.scope.addedPrefixListEntries : sdk).toEqual([
      { prefixListId: LIST, cidr: '::/0' },
    ]);
  });

  it('reports and revokes the group rule that the world added to its list opens on 22', async () => {
    const { result, calls, notices } = await run(
      listWorld(['203.0.113.0/24', '0.0.0.0/0']),
      modifyRecord(['0.0.0.0/0']),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    // The groups naming the list in an ingress rule are found by EC2's filter, not by a region scan.
    const byList = ec2Mock
      .commandCalls(DescribeSecurityGroupsCommand)
      .map((c) => c.args[0].input.Filters?.[0])
      .find((f) => f?.Name === 'ip-permission.prefix-list-id');
    expect(byList?.Values).toEqual([LIST]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-pl22'] },
    ]);
    expect(notices.map((n) => n.Subject)).toEqual([
      expect.stringMatching(/^\[CRITICAL\] sg-0web world-open on 22\/tcp.* — revoked$/),
    ]);
    // The lookups by list (groups, route tables, entries), then a security-group event's reads.
    expect(calls.filter((c) => c !== 'RevokeSecurityGroupIngress').length).toBe(8);
  });

  it('says "could not evaluate" while EC2 does not show the added entries yet (modify-in-progress), and revokes nothing', async () => {
    const { result, notices } = await run(listWorld(['203.0.113.0/24']), modifyRecord(['0.0.0.0/0']));
    expect(result.groups[0]?.couldNotEvaluate).toMatch(
      /pl-0office: .*does not show 0\.0\.0\.0\/0 that ModifyManagedPrefixList added yet/,
    );
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
    expect(notices.map((n) => n.MessageAttributes?.action?.StringValue)).toEqual(['failed']);
  });

  it('sends nothing when the list gains an office range only', async () => {
    const { result, notices } = await run(
      listWorld(['203.0.113.0/24', '198.51.100.0/24']),
      modifyRecord(['198.51.100.0/24']),
    );
    expect(result.groups[0]?.findings).toBe(0);
    expect(notices).toEqual([]);
  });

  it('reports a private subnet whose table now sends the internet to the igw- through the list', async () => {
    const w = listWorld(['0.0.0.0/0']);
    const subnet = w.Subnets[0];
    if (subnet) subnet.Tags = [{ Key: 'Name', Value: 'private-a' }];
    const table = w.RouteTables[0];
    if (table)
      table.Routes = [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        { DestinationPrefixListId: 'pl-0wide', GatewayId: 'igw-0a1', State: 'active' },
      ];
    w.ManagedPrefixLists.push({ PrefixListId: 'pl-0wide', Entries: [{ Cidr: '0.0.0.0/0' }] });
    const { result, notices } = await run(w, modifyRecord(['0.0.0.0/0'], 'pl-0wide'));
    expect(result.messages[0]?.outcome).toBe('handled');
    const byRoute = ec2Mock
      .commandCalls(DescribeRouteTablesCommand)
      .map((c) => c.args[0].input.Filters?.[0])
      .find((f) => f?.Name === 'route.destination-prefix-list-id');
    expect(byRoute?.Values).toEqual(['pl-0wide']);
    const body = notices[0]?.Message ?? '';
    expect(body).toContain('subnet-private-has-igw-route');
    expect(body).toContain(SUBNET);
  });
});

describe('RestoreManagedPrefixListVersion: a list restored to a version holding the world', () => {
  const restore = () =>
    cloudTrailRecord('RestoreManagedPrefixListVersion', {
      RestoreManagedPrefixListVersionRequest: { PrefixListId: LIST, PreviousVersion: 1, CurrentVersion: 4 },
    });

  it('reads the version restored (PreviousVersion) from the wrapped request', () => {
    const triage = triageEvent(envelope(restore()), OPTIONS);
    expect(triage.kind === 'handle' ? triage.scope.restoredPrefixListVersions : triage).toEqual([
      { prefixListId: LIST, version: 1 },
    ]);
  });

  it('judges the groups naming the list once EC2 holds the restored entries', async () => {
    const w = listWorld(['0.0.0.0/0']);
    const list = w.ManagedPrefixLists[0];
    if (list) list.Versions = { 1: [{ Cidr: '0.0.0.0/0' }] };
    const { notices } = await run(w, restore());
    expect(notices.map((n) => n.Subject)).toEqual([
      expect.stringMatching(/^\[CRITICAL\] sg-0web world-open on 22\/tcp.* — revoked$/),
    ]);
    // The current entries, and the restored version's (TargetVersion) to compare them with.
    expect(
      ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input.TargetVersion),
    ).toEqual(expect.arrayContaining([undefined, 1]));
  });

  it('says "could not evaluate" while the list does not hold the restored entries yet, and revokes nothing', async () => {
    const w = listWorld(['203.0.113.0/24']);
    const list = w.ManagedPrefixLists[0];
    if (list) list.Versions = { 1: [{ Cidr: '0.0.0.0/0' }] };
    const { result } = await run(w, restore());
    expect(result.groups[0]?.couldNotEvaluate).toMatch(
      /pl-0office: .*does not show 0\.0\.0\.0\/0 that RestoreManagedPrefixListVersion restored \(version 1\) yet/,
    );
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
  });

  it('is no resource when the record names no list', () => {
    const triage = triageEvent(envelope(cloudTrailRecord('RestoreManagedPrefixListVersion', {})), OPTIONS);
    expect(triage.kind === 'ignore' ? triage.ignored.code : triage.kind).toBe('no-resource');
  });
});
