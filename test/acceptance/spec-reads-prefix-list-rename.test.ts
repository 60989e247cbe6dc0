// reads (c): a ModifyManagedPrefixList that changes no entry (a rename, `PrefixListName`, or a
// resize, `MaxEntries`) changes nothing a finding depends on: every rule and route naming the list
// admits and sends exactly what it did (DESIGN §4: a list is its entries). It is ignored, named, as
// ModifyInstanceAttribute of other attributes is (`not-exposure-change`, logged at INFO), instead of
// re-judging every group and table that names the list and notifying their standing findings again.
// A call that adds or removes an entry, or carries a member the guardrail does not know (a later
// API's, such as IPAM resolver sync, which hands the entries to another service), is still judged.
// Through triage and the event function's batch path with the EC2 fake behind aws-sdk-client-mock.

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { triageEvent } from '../../shared/events/parse';
import {
  buildWorld,
  cloudTrailRecord,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };
const LIST = 'pl-0world';

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** A ModifyManagedPrefixList record with `request` in the PascalCase wrapper CloudTrail writes. */
function modify(request: Record<string, unknown>) {
  return envelope(
    cloudTrailRecord(
      'ModifyManagedPrefixList',
      { ModifyManagedPrefixListRequest: { PrefixListId: LIST, ...request } },
      {
        ModifyManagedPrefixListResponse: {
          prefixList: { prefixListId: LIST, state: 'modify-in-progress', version: 4 },
          requestId: 'r',
        },
      },
    ),
  );
}

/** sg-0web admits ssh from a list holding the world: a standing sg-open-admin-port finding. */
function world() {
  const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-pl22', from: 22, prefixList: LIST }] });
  w.ManagedPrefixLists = [{ PrefixListId: LIST, Entries: [{ Cidr: '0.0.0.0/0' }] }];
  return w;
}

describe('ModifyManagedPrefixList that changes no entry', () => {
  it('a rename is ignored as not-exposure-change, naming what it changed', () => {
    const triage = triageEvent(modify({ PrefixListName: 'office-renamed' }), OPTIONS);
    expect(triage.kind === 'ignore' ? triage.ignored : triage.kind).toEqual({
      code: 'not-exposure-change',
      reason: `ModifyManagedPrefixList changes no entry of ${LIST} (PrefixListName)`,
    });
  });

  it('a resize, and a rename with a resize, written with CurrentVersion and empty entry lists, are ignored', () => {
    const resize = triageEvent(modify({ MaxEntries: 20 }), OPTIONS);
    expect(resize.kind === 'ignore' ? resize.ignored.reason : resize.kind).toBe(
      `ModifyManagedPrefixList changes no entry of ${LIST} (MaxEntries)`,
    );
    const both = triageEvent(
      modify({ CurrentVersion: 3, PrefixListName: 'x', MaxEntries: 20, AddEntry: {}, RemoveEntry: '' }),
      OPTIONS,
    );
    expect(both.kind === 'ignore' ? both.ignored.reason : both.kind).toBe(
      `ModifyManagedPrefixList changes no entry of ${LIST} (PrefixListName, MaxEntries)`,
    );
  });

  it('reads nothing from EC2, notifies nothing and logs at INFO (the guardrail working)', async () => {
    installFakeEc2(ec2Mock, world());
    const deps = eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' });
    const info = vi.spyOn(deps.logger, 'info');
    const error = vi.spyOn(deps.logger, 'error');
    const body = JSON.stringify(modify({ PrefixListName: 'office-renamed' }));
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps);
    expect(result.messages[0]?.outcome).toBe('ignored');
    expect(info).toHaveBeenCalledWith(
      'event ignored',
      expect.objectContaining({ code: 'not-exposure-change' }),
    );
    expect(error).not.toHaveBeenCalled();
    expect(ec2Mock.calls()).toEqual([]);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it('an entry added beside a rename is judged: the group it opens is reported', async () => {
    installFakeEc2(ec2Mock, world());
    const body = JSON.stringify(
      modify({ CurrentVersion: 3, PrefixListName: 'x', AddEntry: { Cidr: '0.0.0.0/0', tag: 1 } }),
    );
    const result = await processMessages(
      [{ id: 'm', body, receiveCount: 1 }],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Message).toContain('sg-0web');
  });

  it('an entry removed, an entry without a readable CIDR, or a member it does not know is judged', () => {
    const handled = (request: Record<string, unknown>) => triageEvent(modify(request), OPTIONS).kind;
    expect(handled({ CurrentVersion: 3, RemoveEntry: { Cidr: '10.0.0.0/8', tag: 1 } })).toBe('handle');
    // A member whose CIDR cannot be read is not taken for "no entry": judged on the safe side.
    expect(handled({ CurrentVersion: 3, AddEntry: { tag: 1 } })).toBe('handle');
    // IPAM resolver sync hands the list's entries to another service: its entries may change.
    expect(handled({ IpamPrefixListResolverSyncEnabled: true })).toBe('handle');
    expect(handled({})).toBe('handle');
  });
});
