import type { NaclEntry, NetworkAclNode } from '../model/model';
import { formatPortSet } from '../net/ports';
import type { RuleContext } from './types';

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
