import { type ExtractContext, ids, noResource, type ScopeParts } from './extract';
import { asObject, distinct, either, field, members, num, text } from './shapes';
import { IGNORE_REASONS, type Ignored } from './types';

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
  const unchanged = entriesUnchanged(request);
  if (unchanged !== undefined) {
    return {
      code: IGNORE_REASONS.notExposureChange,
      reason: `ModifyManagedPrefixList changes no entry of ${prefixListId} (${unchanged.join(', ')})`,
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

/** The entry members of ModifyManagedPrefixList: CloudTrail's Query names and the SDK's. */
const ENTRY_KEYS: ReadonlySet<string> = new Set(['addentry', 'addentries', 'removeentry', 'removeentries']);

/** Members that say which list and call they are, and change nothing. */
const NEUTRAL_KEYS: ReadonlySet<string> = new Set(['prefixlistid', 'currentversion', 'dryrun']);

/** Members that change the list but not its entries: its name, its size (EC2 `MaxEntries`). */
const NOT_ENTRY_KEYS: ReadonlySet<string> = new Set(['prefixlistname', 'maxentries']);

/**
 * The members a ModifyManagedPrefixList changes when it adds and removes no entry and changes
 * nothing else (a rename, a resize), else undefined. Every rule and route naming the list then
 * admits and sends what it did (DESIGN §4: a list is its entries): nothing to judge again. Any
 * other member (a later API's, such as IPAM resolver sync, which hands the entries to another
 * service) and any entry member with a member in it, readable or not, is judged (the safe side).
 */
function entriesUnchanged(request: unknown): string[] | undefined {
  const changed: string[] = [];
  for (const [key, value] of Object.entries(asObject(request) ?? {})) {
    const name = key.toLowerCase();
    if (ENTRY_KEYS.has(name)) {
      if (members(value).length > 0) return undefined;
    } else if (NOT_ENTRY_KEYS.has(name)) changed.push(key);
    else if (!NEUTRAL_KEYS.has(name)) return undefined;
  }
  return changed.length > 0 ? changed : undefined;
}
