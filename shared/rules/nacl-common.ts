import { insertBounds } from '../analysis/nacl-eval';
import { subnetsUsingNacl } from '../analysis/nacl-subnets';
import type { Family, Transport } from '../analysis/sg-reach';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import type { Bound, Interval, IntervalSet } from '../net/interval-set';
import { formatPortSet } from '../net/ports';
import { matchesTransport } from '../net/protocol';
import { PUBLIC_IPV4, PUBLIC_IPV6 } from '../net/public-space';
import type { RuleContext } from './types';

/** The precedence group of the NACL inbound admin-port rules: world-open first, then broad. */
export const NACL_ADMIN_INBOUND = 'nacl-admin-inbound';

/**
 * Allow entries whose first-match contribution on [from, to] includes public peers of the family.
 * An entry that only lets in private ranges (10.0.0.0/8 for SSH from the VPC) is no part of the
 * world-open set, so it is neither deleted nor used to place the deny entry.
 *
 * hot (in the first evaluation: a few calls per NACL template, each over the inbound entries):
 * the peers decided so far are grown in place in scratch bounds (`insertBounds`, as the NACL
 * evaluation does), and an entry's undecided part is tested against public space without building
 * it: no interval set per entry, which cost more than the rest of the NACL admin rule.
 */
export function publicContributors(
  entries: readonly NaclEntry[],
  transport: Transport,
  family: Family,
  from: number,
  to: number,
): NaclEntry[] {
  const out: NaclEntry[] = [];
  // The first `decided` bounds of the family's scratch arrays: the peers of the entries read so far.
  let decided = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as NaclEntry;
    if (!matchesTransport(entry.protocol, transport) || entry.fromPort > from || entry.toPort < to) continue;
    if (family === 'ipv4') {
      const range = entry.range4;
      if (!range) continue;
      if (entry.allow && undecidedPublic(starts4, ends4, decided, range.start, range.end, PUBLIC_IPV4))
        out.push(entry);
      decided = insertBounds(starts4, ends4, decided, range.start, range.end);
    } else {
      const range = entry.range6;
      if (!range) continue;
      if (entry.allow && undecidedPublic(starts6, ends6, decided, range.start, range.end, PUBLIC_IPV6))
        out.push(entry);
      decided = insertBounds(starts6, ends6, decided, range.start, range.end);
    }
  }
  return out;
}

/** Scratch bounds of `publicContributors` (not reentrant), per family; past the count, stale. */
const starts4: number[] = [];
const ends4: number[] = [];
const starts6: bigint[] = [];
const ends6: bigint[] = [];

/**
 * True when some part of [s, e) outside the decided set (its first `n` bounds, normalized) lies in
 * `space`: `intersect(subtract([[s, e]], decided), space)` is not empty, with no set built.
 */
function undecidedPublic<T extends Bound>(
  starts: readonly T[],
  ends: readonly T[],
  n: number,
  s: T,
  e: T,
  space: IntervalSet<T>,
): boolean {
  let at = s;
  for (let k = 0; k < n; k++) {
    const ds = starts[k] as T;
    const de = ends[k] as T;
    if (de <= at) continue;
    if (ds >= e) break;
    if (ds > at && meets(space, at, ds)) return true;
    at = de;
    if (at >= e) return false;
  }
  return at < e && meets(space, at, e);
}

/** True when [s, e) (not empty) meets the normalized set. */
function meets<T extends Bound>(set: IntervalSet<T>, s: T, e: T): boolean {
  for (let i = 0; i < set.length; i++) {
    const interval = set[i] as Interval<T>;
    if (interval[0] >= e) return false;
    if (interval[1] > s) return true;
  }
  return false;
}

/** How an entry reads in evidence: rule number, action, protocol, ports and peer range as written. */
export function describeEntry(entry: NaclEntry): Record<string, string | number> {
  const ports =
    entry.protocol === 'tcp' || entry.protocol === 'udp'
      ? (formatPortSet([[entry.fromPort, entry.toPort + 1]])[0] ?? '')
      : 'all';
  return {
    ruleNumber: entry.ruleNumber,
    action: entry.allow ? 'allow' : 'deny',
    protocol: entry.rawProtocol,
    ports,
    cidr: entry.cidr,
  };
}

/** `100 (allow tcp 1024-65535 from 0.0.0.0/0)` */
export function entryText(entry: NaclEntry, direction: 'ingress' | 'egress'): string {
  const d = describeEntry(entry);
  const protocol =
    entry.protocol === 'all' ? 'all traffic' : `${entry.protocol === 'other' ? d.protocol : entry.protocol}`;
  const ports = d.ports === 'all' ? '' : ` ${d.ports}`;
  return `${entry.ruleNumber} (${d.action} ${protocol}${ports} ${direction === 'ingress' ? 'from' : 'to'} ${entry.cidr})`;
}

/** Subnets that use the NACL (explicit associations, and for a VPC's default NACL the unassociated). */
export function subnetsUsing(context: RuleContext, acl: NetworkAclNode): string[] {
  return subnetsUsingNacl(context.analysis, acl);
}

/** `acl-0abc (default, not associated)` */
export function aclLabel(acl: NetworkAclNode, subnetIds: readonly string[]): string {
  // hot (one per NACL finding): the four cases spelled out, no array of notes.
  if (subnetIds.length === 0)
    return acl.isDefault ? `${acl.id} (default, not associated)` : `${acl.id} (not associated)`;
  return acl.isDefault ? `${acl.id} (default)` : acl.id;
}
