import { InputError } from '../errors';
import { formatPath, parseJsonText } from '../validation';
import { oneOwnerIssues } from './cross-checks';
import { foldKeyLoose, nearMissMessage } from './near-miss';
import { policyKeyRepeat } from './policy-notes';
import { nearMissKeys, validate } from './schema-kit';
import { REFINED_NEAR_MISS_KEYS, SNAPSHOT_KEYS, type Snapshot, SnapshotSchema } from './snapshot-schema';

/** A validated snapshot and what was odd about it without being wrong (DESIGN §3 "Keys"). */
export interface ReadSnapshot {
  snapshot: Snapshot;
  /** Unknown top-level keys, a snapshot with no item at all: said, never fatal. */
  warnings: string[];
}

const KNOWN = new Set<string>(SNAPSHOT_KEYS);
// DESIGN §3's near miss (case, a trailing `s`), and a space, `_` or `-` besides (`Security_Groups`,
// `"SecurityGroups "`): EC2 prints no key holding one, and read as unknown, every item under it
// would be ignored with exit 0, a clean result for a region never read.
const BY_FOLD = new Map<string, string>(SNAPSHOT_KEYS.map((key) => [foldKeyLoose(key), key]));
const LISTS = SNAPSHOT_KEYS.filter((key) => key !== 'accountId' && key !== 'region');

/** What to do instead, for the keys of Describe* outputs that look like a snapshot's but are not. */
const HINTS = new Map([
  [
    'PrefixLists',
    ' (describe-managed-prefix-lists prints its lists as PrefixLists, without their entries: give' +
      ' each list with its get-managed-prefix-list-entries Entries under ManagedPrefixLists)',
  ],
  [
    'NextToken',
    ' (a Describe* output holding NextToken is one page of a longer answer: the items of the' +
      ' pages after it are not in the snapshot; run the command without --max-items)',
  ],
]);

/**
 * For an unknown key whose value holds a snapshot's lists (a recording's `{"status_code", "data":
 * {...}}`, an SDK answer nested by hand): that they are not read, and where they go.
 */
function wrapped(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return '';
  const held = LISTS.filter((key) => Object.hasOwn(value, key));
  if (held.length === 0) return '';
  return ` (it holds ${held.join(', ')}, which are not read there: give them at the top level)`;
}

/**
 * Sorts the top-level keys: a near miss of a known key (`securityGroups`, `SecurityGroup`) is an
 * error naming the key it resembles — read as absent it would hide every item under it; any other
 * unknown key is a warning naming it.
 */
function checkKeys(input: Record<string, unknown>, source: string): string[] {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const key of Object.keys(input)) {
    if (KNOWN.has(key)) continue;
    const resembles = BY_FOLD.get(foldKeyLoose(key));
    // The error's path as every other is written (a key with a blank or an unseen character quoted,
    // escaped); a warning keeps the raw key (the CLI escapes what it prints, a JSON consumer reads it).
    if (resembles) errors.push(`${formatPath([key])}: ${nearMissMessage(key, resembles)}`);
    else warnings.push(`${key}: unknown top-level key, ignored${HINTS.get(key) ?? wrapped(input[key])}`);
  }
  if (errors.length > 0) throw new InputError(`invalid ${source}`, errors);
  return warnings;
}

/**
 * Validates a parsed JSON value as a snapshot (DESIGN §3); errors name the JSON path, warnings are
 * returned. `source` names it in the error's headline (`snapshot FILE`), as the JSON parse does.
 */
export function readSnapshot(input: unknown, source = 'snapshot'): ReadSnapshot {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError(`invalid ${source}`, ['(root): expected an object of Describe* lists']);
  }
  const warnings = checkKeys(input as Record<string, unknown>, source);
  let issues = validate(SnapshotSchema, input);
  // Only on a refused input (the valid path pays nothing): a protocol written as a JSON number is
  // read as the same number in text, then checked again.
  if (issues && numericProtocolsAsText(input as Record<string, unknown>))
    issues = validate(SnapshotSchema, input);
  if (issues) throw new InputError(`invalid ${source}`, capped(issues));
  const snapshot = input as Snapshot;
  const ownerIssues = oneOwnerIssues(snapshot);
  if (ownerIssues.length > 0) throw new InputError(`invalid ${source}`, capped(ownerIssues));
  if (LISTS.every((key) => snapshot[key].length === 0)) {
    warnings.push('(root): the snapshot holds no resources (every Describe* list is empty or absent)');
  }
  return { snapshot, warnings };
}

/**
 * Rewrites each `IpProtocol` / NACL `Protocol` written as a JSON integer (`6`, `-1`, as
 * CloudFormation templates write them) as its decimal text, the form EC2 prints; true when one was.
 * The number means one protocol only, so it is read rather than refused (DESIGN §3 allows "a
 * number 0–255"); the text is then checked like any other (`256` is still refused, naming the path).
 */
function numericProtocolsAsText(input: Record<string, unknown>): boolean {
  let changed = false;
  const fix = (item: unknown, key: string) => {
    if (item === null || typeof item !== 'object') return;
    const o = item as Record<string, unknown>;
    const value = o[key];
    if (typeof value === 'number' && Number.isInteger(value)) {
      o[key] = String(value);
      changed = true;
    }
  };
  const each = (list: unknown, f: (item: Record<string, unknown>) => void) => {
    if (!Array.isArray(list)) return;
    for (const item of list)
      if (item !== null && typeof item === 'object') f(item as Record<string, unknown>);
  };
  each(input.SecurityGroups, (group) => {
    each(group.IpPermissions, (p) => fix(p, 'IpProtocol'));
    each(group.IpPermissionsEgress, (p) => fix(p, 'IpProtocol'));
  });
  each(input.SecurityGroupRules, (rule) => fix(rule, 'IpProtocol'));
  each(input.NetworkAcls, (acl) => each(acl.Entries, (entry) => fix(entry, 'Protocol')));
  return changed;
}

/** Validates a parsed JSON value as a snapshot (DESIGN §3); errors name the JSON path. */
export function parseSnapshot(input: unknown): Snapshot {
  return readSnapshot(input).snapshot;
}

const MAX_ISSUES = 20;

function capped(issues: string[]): string[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [...issues.slice(0, MAX_ISSUES), `… and ${issues.length - MAX_ISSUES} more`];
}

/**
 * Parses the JSON text of a snapshot file (one snapshot, or an array of them), refusing a key an
 * object repeats and two keys of an object that differ only in case (`IpPermissions` beside
 * `ipPermissions`: JSON keeps both, the engine reads one, and the rules under the other vanished),
 * or besides by a space, `_` or `-` beside a key whose lone misspelling is an error (`"IpPermissions "`).
 */
export function parseSnapshotJson(text: string, source = 'snapshot'): unknown {
  GUARDED_KEYS ??= new Set([...nearMissKeys(SnapshotSchema), ...REFINED_NEAR_MISS_KEYS]);
  return parseJsonText(text, source, InputError, {
    caseVariants: true,
    tolerate: policyKeyRepeat,
    looseKeys: GUARDED_KEYS,
  });
}

/**
 * The keys whose lone misspelling is an error (a list, a required field, an optional field that
 * reads as safe when absent): beside one of them, a key that differs only in a space, `_` or `-`
 * (and case, a trailing `s`) is refused too; beside any other key (`Owner_Id` and `OwnerId`) it
 * hides nothing and is left alone, as it is alone.
 */
let GUARDED_KEYS: ReadonlySet<string> | undefined;

/** Parses snapshot text (a file's contents) with its warnings; empty or non-JSON text is an InputError. */
export function readSnapshotText(text: string, source = 'snapshot'): ReadSnapshot {
  if (text.trim() === '') throw new InputError(`invalid ${source}`, ['(root): the file is empty']);
  return readSnapshot(parseSnapshotJson(text, source), source);
}

/** Parses snapshot text (a file's contents); empty or non-JSON text is an InputError. */
export function parseSnapshotText(text: string, source = 'snapshot'): Snapshot {
  return readSnapshotText(text, source).snapshot;
}
