import { type ExtractContext, ids, noResource, type ScopeParts } from './extract';
import { distinct, either, field, members, num, text } from './shapes';
import type { Ignored } from './types';

// The managed prefix list rows of the event table (./event-table.ts).

/**
 * ModifyManagedPrefixList / RestoreManagedPrefixListVersion (beyond §7's list, added: a list's
 * entries are the sources of every security-group rule and the destinations of every route naming
 * it, so `0.0.0.0/0` added to a list an ingress rule names opens that group to the world without a
 * security-group call). `{ModifyManagedPrefixListRequest: {PrefixListId, CurrentVersion, AddEntry,
 * RemoveEntry}}` in CloudTrail (the Query names; the SDK's `AddEntries` is read too); a restore's
 * `PreviousVersion` is the version whose entries the list takes. Removed entries can only close
 * what a rule opened, and are not read.
 */
export function managedPrefixListChange({ eventName, request }: ExtractContext): ScopeParts | Ignored {
  const prefixListIds = ids(field(request, 'PrefixListId'));
  const prefixListId = prefixListIds[0];
  if (prefixListId === undefined) return noResource('no PrefixListId in the request');
  if (eventName === 'RestoreManagedPrefixListVersion') {
    const version = num(field(request, 'PreviousVersion'));
    return {
      prefixListIds,
      restoredPrefixListVersions: version === undefined ? [] : [{ prefixListId, version }],
    };
  }
  const added = distinct(
    members(either(request, 'AddEntry', 'AddEntries')).map((e) => text(field(e, 'Cidr'))),
  );
  return { prefixListIds, addedPrefixListEntries: added.map((cidr) => ({ prefixListId, cidr })) };
}
