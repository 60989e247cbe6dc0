import { InputError } from '../../shared/errors';
import type { CliIo } from '../io';
import { escapeErrorLine } from '../terminal-text';

// Which account a snapshot describes, when nothing says so outright (a file without a top-level
// accountId, a live region whose STS call did not answer), and the refusal of an account that
// `excludeAccounts` of --config lists: the same reading and the same refusal for a file and for a
// live region, worded for each.

/** The lists whose items carry an `OwnerId` (the account that owns the VPC, group, …): a snapshot's, or a live region's as the SDK gives them. */
type OwnedLists = Record<
  'Vpcs' | 'Subnets' | 'SecurityGroups' | 'NetworkAcls' | 'RouteTables' | 'InternetGateways',
  readonly { OwnerId?: string | undefined }[] | undefined
>;

/**
 * The distinct OwnerIds of a snapshot's resources, sorted. In a shared VPC a participant's
 * snapshot lists the owner's VPC and subnets (the owner's id) beside its own groups: the first
 * VPC's OwnerId alone named the owner, and an excluded owner refused the participant's audit.
 * One id: the account the snapshot describes; none or several: not known.
 */
export function ownerAccounts(snapshot: OwnedLists): string[] {
  const ids = new Set<string>();
  for (const list of [
    snapshot.Vpcs,
    snapshot.Subnets,
    snapshot.SecurityGroups,
    snapshot.NetworkAcls,
    snapshot.RouteTables,
    snapshot.InternetGateways,
  ]) {
    for (const item of list ?? []) if (item.OwnerId) ids.add(item.OwnerId);
  }
  return [...ids].sort();
}

/** How a refusal names what it read, for a file or a live region. */
export interface ExclusionWords {
  /** After one account id: `(the snapshot's)`. */
  one: string;
  /** After several: `(every one the snapshot names)`. */
  all: string;
  /** What is not done to an excluded account: `read`, `judged`. */
  verb: string;
  /** The warning when no account is known (without `warning: ` and the end of the line). */
  unknown: string;
  /** The warning when some of several accounts are excluded. */
  several(owners: readonly string[], excluded: readonly string[]): string;
}

/**
 * Refuses input of an account `excludeAccounts` lists (exit 2, "nothing to audit", never a clean
 * report: the CLI's exit code gates pipelines). `accounts`: the accounts the input belongs to —
 * one when it is known; several when its resources name several owners and nothing says which
 * recorded it (refused when every one is excluded, else a warning); none, a warning: the
 * exclusions could not be applied.
 */
export function refuseExcluded(
  io: CliIo,
  accounts: readonly string[],
  excludeAccounts: readonly string[],
  words: ExclusionWords,
): void {
  if (excludeAccounts.length === 0) return;
  if (accounts.length === 0) {
    io.stderr(`warning: ${words.unknown}: excludeAccounts of --config could not be applied\n`);
    return;
  }
  const excluded = accounts.filter((id) => excludeAccounts.includes(id));
  if (excluded.length === accounts.length) {
    throw new InputError('nothing to audit', [
      accounts.length === 1
        ? `account ${accounts[0]} ${words.one} is in excludeAccounts of --config: it is never governed, so it is not ${words.verb}`
        : `accounts ${accounts.join(', ')} ${words.all} are in excludeAccounts of --config: they are never governed, so it is not ${words.verb}`,
    ]);
  }
  if (excluded.length > 0) io.stderr(`warning: ${escapeErrorLine(words.several(accounts, excluded))}\n`);
}
