// Review of the prefix-list rows (round 2 of the API model audit; DESIGN §4 prefix lists, §7, §8
// "Safety", §14 batches). ModifyManagedPrefixList is applied by EC2 asynchronously
// (`modify-in-progress`): the slice must be judged from the list as the call leaves it, or not at
// all. Found:
// - In a batch, an entry added to a list that nothing names and that EC2 does not show yet made
//   the whole account-region "could not evaluate": the world range in the list a group does name
//   was neither reported nor revoked, and the subject named that other list. Likewise a list
//   nothing names that could not be read (deleted since).
// - A RemoveEntry that EC2 has not applied yet was judged from the entries it is removing: the
//   world range the person is taking out of the list got the rule naming the list revoked (and
//   with it every office range of the list), told as "revoked".
// - An entry added and removed again within one batch was expected in the list: "could not
//   evaluate" for a list that ends as it began.
// Through the event function's batch path with the EC2 fake behind aws-sdk-client-mock.

import {
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { triageEvent } from '../../shared/events/parse';
import {
  buildWorld,
  cloudTrailRecord,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OFFICE = 'pl-0office';
const UNUSED = 'pl-0unused';

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** sg-0web admits ssh from the office list; the office list holds `office`; another list, unused. */
function world(office: string[]): World {
  const w = buildWorld({
    groupId: 'sg-0web',
    rules: [
      { id: 'sgr-pl22', from: 22, prefixList: OFFICE },
      { id: 'sgr-443', from: 443, cidr: '10.0.0.0/8' },
    ],
  });
  w.ManagedPrefixLists = [
    { PrefixListId: OFFICE, Entries: office.map((Cidr) => ({ Cidr })) },
    { PrefixListId: UNUSED, Entries: [{ Cidr: '192.0.2.0/24' }] },
  ];
  return w;
}

/** A ModifyManagedPrefixList record as CloudTrail wraps the newer calls (Query member names). */
function modify(listId: string, change: { add?: string[]; remove?: string[]; version?: number }) {
  const item = (Cidr: string, i: number) => ({ Cidr, tag: i + 1 });
  return cloudTrailRecord(
    'ModifyManagedPrefixList',
    {
      ModifyManagedPrefixListRequest: {
        PrefixListId: listId,
        ...(change.version !== undefined ? { CurrentVersion: change.version } : {}),
        ...(change.add ? { AddEntry: change.add.map(item) } : {}),
        ...(change.remove ? { RemoveEntry: change.remove.map(item) } : {}),
      },
    },
    {
      ModifyManagedPrefixListResponse: { prefixList: { prefixListId: listId, state: 'modify-in-progress' } },
    },
  );
}

async function run(w: World, records: Record<string, unknown>[]) {
  installFakeEc2(ec2Mock, w);
  const result = await processMessages(
    records.map((record, i) => ({
      id: `m${i}`,
      body: JSON.stringify(envelope({ ...record, eventID: `ev-${i}` })),
      receiveCount: 1,
    })),
    eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
  );
  const revoked = ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
  return { result, revoked, notices: publishedNotices(snsMock) };
}

describe('ModifyManagedPrefixList in a batch: only the lists the groups and tables name decide', () => {
  it('revokes the office list rule opened to the world though an unused list of the batch is still modify-in-progress', async () => {
    const { result, revoked, notices } = await run(world(['203.0.113.0/24', '0.0.0.0/0']), [
      modify(OFFICE, { add: ['0.0.0.0/0'], version: 3 }),
      // EC2 does not show this entry yet; no group or table names the list.
      modify(UNUSED, { add: ['198.51.100.0/24'], version: 1 }),
    ]);
    expect(result.groups[0]?.couldNotEvaluate).toBeUndefined();
    expect(revoked).toEqual([{ GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-pl22'] }]);
    expect(notices.map((n) => n.Subject)).toEqual([
      expect.stringMatching(/^\[CRITICAL\] sg-0web world-open on 22\/tcp.* — revoked$/),
    ]);
  });

  it('judges the batch when a list nothing names cannot be read any more (deleted since)', async () => {
    const w = world(['0.0.0.0/0']);
    installFakeEc2(ec2Mock, w);
    ec2Mock.on(GetManagedPrefixListEntriesCommand, { PrefixListId: UNUSED }).rejects(
      Object.assign(new Error(`The prefix list ID '${UNUSED}' does not exist`), {
        name: 'InvalidPrefixListID.NotFound',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const result = await processMessages(
      [modify(OFFICE, { add: ['0.0.0.0/0'] }), modify(UNUSED, { add: ['198.51.100.0/24'] })].map(
        (record, i) => ({
          id: `m${i}`,
          body: JSON.stringify(envelope({ ...record, eventID: `e${i}` })),
          receiveCount: 1,
        }),
      ),
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(result.groups[0]?.couldNotEvaluate).toBeUndefined();
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-pl22'] },
    ]);
  });

  it('still says "could not evaluate" when the list a group names cannot be read', async () => {
    const w = world(['0.0.0.0/0']);
    installFakeEc2(ec2Mock, w);
    ec2Mock.on(GetManagedPrefixListEntriesCommand, { PrefixListId: OFFICE }).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(modify(OFFICE, { add: ['0.0.0.0/0'] }))), receiveCount: 1 }],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(result.groups[0]?.couldNotEvaluate).toMatch(/GetManagedPrefixListEntries.*not authorized/);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
  });
});

describe('ModifyManagedPrefixList RemoveEntry: judged from the list as the call leaves it', () => {
  it('reads the removed entries and the version from the wrapped request', () => {
    const triage = triageEvent(envelope(modify(OFFICE, { remove: ['0.0.0.0/0'], version: 7 })), {
      exemptionTagKey: 'vpc-guardrail:exempt',
    });
    expect(triage.kind === 'handle' ? triage.scope.removedPrefixListEntries : triage).toEqual([
      { prefixListId: OFFICE, cidr: '0.0.0.0/0', version: 7 },
    ]);
  });

  it('says "could not evaluate" and revokes nothing while EC2 still shows the world range being removed', async () => {
    const { result, revoked, notices } = await run(world(['203.0.113.0/24', '0.0.0.0/0']), [
      modify(OFFICE, { remove: ['0.0.0.0/0'], version: 4 }),
    ]);
    expect(result.groups[0]?.couldNotEvaluate).toMatch(
      /pl-0office: GetManagedPrefixListEntries still shows 0\.0\.0\.0\/0 that ModifyManagedPrefixList removed/,
    );
    expect(revoked).toEqual([]);
    expect(notices.map((n) => n.MessageAttributes?.action?.StringValue)).toEqual(['failed']);
  });

  it('sends nothing once the world range is out of the list', async () => {
    const { result, revoked, notices } = await run(world(['203.0.113.0/24']), [
      modify(OFFICE, { remove: ['0.0.0.0/0'], version: 4 }),
    ]);
    expect(result.groups[0]?.couldNotEvaluate).toBeUndefined();
    expect(result.groups[0]?.findings).toBe(0);
    expect(revoked).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('expects the later call of an entry added and removed again in one batch (CurrentVersion)', async () => {
    // Added at version 3, removed at version 4: the list ends without it, as EC2 shows.
    const gone = await run(world(['203.0.113.0/24']), [
      modify(OFFICE, { add: ['0.0.0.0/0'], version: 3 }),
      modify(OFFICE, { remove: ['0.0.0.0/0'], version: 4 }),
    ]);
    expect(gone.result.groups[0]?.couldNotEvaluate).toBeUndefined();
    expect(gone.notices).toEqual([]);
    // Removed at version 3, added back at version 4: the list must hold it again.
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const back = await run(world(['203.0.113.0/24']), [
      modify(OFFICE, { add: ['0.0.0.0/0'], version: 4 }),
      modify(OFFICE, { remove: ['0.0.0.0/0'], version: 3 }),
    ]);
    expect(back.result.groups[0]?.couldNotEvaluate).toMatch(
      /does not show 0\.0\.0\.0\/0 that ModifyManagedPrefixList added yet/,
    );
    expect(back.revoked).toEqual([]);
  });
});

describe('RestoreManagedPrefixListVersion: the entries the restored version lacks are taken out', () => {
  const restore = () =>
    cloudTrailRecord('RestoreManagedPrefixListVersion', {
      RestoreManagedPrefixListVersionRequest: { PrefixListId: OFFICE, PreviousVersion: 1, CurrentVersion: 4 },
    });

  it('says "could not evaluate" and revokes nothing while EC2 still shows the world range the restore removes', async () => {
    const w = world(['203.0.113.0/24', '0.0.0.0/0']);
    const list = w.ManagedPrefixLists[0];
    if (list) list.Versions = { 1: [{ Cidr: '203.0.113.0/24' }] };
    const { result, revoked } = await run(w, [restore()]);
    expect(result.groups[0]?.couldNotEvaluate).toMatch(
      /pl-0office: GetManagedPrefixListEntries still shows 0\.0\.0\.0\/0 that RestoreManagedPrefixListVersion removed \(version 1 lacks it\)/,
    );
    expect(revoked).toEqual([]);
  });

  it('sends nothing once the list is the restored version', async () => {
    const w = world(['203.0.113.0/24']);
    const list = w.ManagedPrefixLists[0];
    if (list) list.Versions = { 1: [{ Cidr: '203.0.113.0/24' }] };
    const { result, notices } = await run(w, [restore()]);
    expect(result.groups[0]?.couldNotEvaluate).toBeUndefined();
    expect(notices).toEqual([]);
  });
});

describe('the notice of a world range in a list: what the revoke takes with it', () => {
  it('says that the rule naming the list goes with every range of the list, not that other sources stay', async () => {
    const { notices } = await run(world(['203.0.113.0/24', '0.0.0.0/0']), [
      modify(OFFICE, { add: ['0.0.0.0/0'], version: 3 }),
    ]);
    const body = notices[0]?.Message ?? '';
    expect(body).toContain(
      'Fix: revoke the rule whose source is the whole internet. A rule naming a prefix list (pl-0office) goes with every range of the list; to keep the others, take the world range out of the list instead.',
    );
    expect(body).not.toContain('other sources stay');
  });

  it('keeps "other sources stay" for rules whose own source is the world', async () => {
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-o22', from: 22, cidr: '203.0.113.0/24' },
      ],
    });
    const { notices } = await run(w, [
      cloudTrailRecord(
        'AuthorizeSecurityGroupIngress',
        {
          groupId: 'sg-0web',
          ipPermissions: {
            items: [
              { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
            ],
          },
        },
        { _return: true },
      ),
    ]);
    expect(notices[0]?.Message ?? '').toContain(
      'Fix: revoke the rule whose source is the whole internet; other sources stay.',
    );
  });
});
