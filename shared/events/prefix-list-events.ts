import { type ExtractContext, ids, noResource, type ScopeParts } from './extract';
import { distinct, either, field, members, num, text } from './shapes';
import type { Ignored } from './types';

// The managed prefix list rows of the event table (./event-table.ts).

/**
 * ModifyManagedPrefixList / RestoreManagedPrefixListVersion (beyond §7's list, added: a list's
 * entries are the sources of every security-group rule and the destinations of every route naming
 * it, so `0.0.0.0/0` added to a list an ingress rule names opens that group to the world without a
 * security-group call). `{ModifyManagedPrefixListRequest: {PrefixListId, CurrentVersion, AddEntry,
 * RemoveEntry}}` in CloudTrail (the Query names; the SDK's `AddEntries` / `RemoveEntries` are read
 * too); a restore's `PreviousVersion` is the version whose entries the list takes. Removed entries
 * are read as well: EC2 applies the call asynchronously, and a list still showing an entry being
 * removed is not the list the call leaves (./slice.ts `notYetApplied`).
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
  const version = num(field(request, 'CurrentVersion'));
  const entries = (...names: string[]) =>
    distinct(members(either(request, ...names)).map((e) => text(field(e, 'Cidr')))).map((cidr) => ({
      prefixListId,
      cidr,
      ...(version !== undefined ? { version } : {}),
    }));
  return {
    prefixListIds,
    addedPrefixListEntries: entries('AddEntry', 'AddEntries'),
    removedPrefixListEntries: entries('RemoveEntry', 'RemoveEntries'),
  };
}
