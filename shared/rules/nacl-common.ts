import type { Family, Transport } from '../analysis/sg-reach';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { type IntervalSet, intersect, subtract, union } from '../net/interval-set';
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
 */
export function publicContributors(
  entries: readonly NaclEntry[],
  transport: Transport,
  family: Family,
  from: number,
  to: number,
): NaclEntry[] {
  const out: NaclEntry[] = [];
  let decided4: IntervalSet<number> = [];
  let decided6: IntervalSet<bigint> = [];
  for (const entry of entries) {
    if (!matchesTransport(entry.protocol, transport) || entry.fromPort > from || entry.toPort < to) continue;
    if (family === 'ipv4' && entry.range4) {
      const own: IntervalSet<number> = [[entry.range4.start, entry.range4.end]];
      if (entry.allow && intersect(subtract(own, decided4), PUBLIC_IPV4).length > 0) out.push(entry);
      decided4 = union(decided4, own);
    } else if (family === 'ipv6' && entry.range6) {
      const own: IntervalSet<bigint> = [[entry.range6.start, entry.range6.end]];
      if (entry.allow && intersect(subtract(own, decided6), PUBLIC_IPV6).length > 0) out.push(entry);
      decided6 = union(decided6, own);
    }
  }
  return out;
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

interface SubnetIndex {
  /** Subnets per NACL that some VPC falls back on (its default NACL); filled on first need. */
  byFallback: Map<string, string[]> | undefined;
  result: Map<string, string[]>;
}

const subnetsByAnalysis = new WeakMap<RuleContext['analysis'], SubnetIndex>();

/**
 * Subnets that use the NACL: its explicit associations plus, for a VPC's default NACL, the subnets
 * of the snapshot that have no association of their own. Memoized per evaluation (two rules ask).
 *
 * A subnet uses a NACL that is no VPC's default only through an explicit association (the model's
 * `networkAclId`: explicit association, else the VPC's default NACL), so such a NACL's subnets are
 * its associations: sorted and deduplicated as the merge would return them. Only default NACLs
 * need the scan of every subnet.
 */
export function subnetsUsing(context: RuleContext, acl: NetworkAclNode): string[] {
  let index = subnetsByAnalysis.get(context.analysis);
  if (!index) {
    index = { byFallback: undefined, result: new Map() };
    subnetsByAnalysis.set(context.analysis, index);
  }
  let result = index.result.get(acl.id);
  if (!result) {
    const { model } = context;
    // The usual NACL: no VPC's default, associations sorted without duplicates (no memo needed).
    if (index.byFallback && !index.byFallback.has(acl.id) && strictlyAscending(acl.subnetIds))
      return acl.subnetIds;
    let fallback = index.byFallback;
    if (!fallback) {
      fallback = new Map();
      for (const id of model.defaultNetworkAclByVpc.values()) fallback.set(id, []);
      for (const subnet of model.subnets.values()) {
        const list = subnet.networkAclId === undefined ? undefined : fallback.get(subnet.networkAclId);
        if (list) list.push(subnet.id);
      }
      index.byFallback = fallback;
    }
    const listed = fallback.get(acl.id);
    let implicit: readonly string[] | undefined;
    if (listed) implicit = listed.length > 0 ? listed : undefined;
    else if (!strictlyAscending(acl.subnetIds)) {
      // Explicit associations only, in the model's order: the merge below dedupes them.
      const own = acl.subnetIds.filter((id) => model.subnets.get(id)?.networkAclId === acl.id);
      implicit = own.length > 0 ? own : undefined;
    }
    // The subnets that use the NACL are mostly its explicit associations (already sorted): the
    // merge is needed only when some subnet uses it implicitly (a VPC's default NACL).
    result =
      implicit && !sortedSetHoldsAll(acl.subnetIds, implicit)
        ? [...new Set([...acl.subnetIds, ...implicit])].sort()
        : acl.subnetIds;
    index.result.set(acl.id, result);
  }
  return result;
}

function strictlyAscending(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (!((ids[i - 1] as string) < (ids[i] as string))) return false;
  return true;
}

/**
 * True when `sorted` is strictly ascending (sorted, no duplicates: what `[...new Set(x)].sort()`
 * would return for it) and holds every id of `ids`.
 */
function sortedSetHoldsAll(sorted: readonly string[], ids: readonly string[]): boolean {
  if (!strictlyAscending(sorted)) return false;
  for (const id of ids) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as string) < id) lo = mid + 1;
      else hi = mid;
    }
    if (sorted[lo] !== id) return false;
  }
  return true;
}

/** `acl-0abc (default, not associated)` */
export function aclLabel(acl: NetworkAclNode, subnetIds: readonly string[]): string {
  const notes = [acl.isDefault ? 'default' : '', subnetIds.length === 0 ? 'not associated' : ''].filter(
    (n) => n !== '',
  );
  return notes.length > 0 ? `${acl.id} (${notes.join(', ')})` : acl.id;
}
