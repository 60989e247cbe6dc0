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
  byAcl: Map<string, string[]>;
  result: Map<string, string[]>;
}

const subnetsByAnalysis = new WeakMap<RuleContext['analysis'], SubnetIndex>();

/**
 * Subnets that use the NACL: its explicit associations plus, for a VPC's default NACL, the subnets
 * of the snapshot that have no association of their own. Memoized per evaluation (two rules ask).
 */
export function subnetsUsing(context: RuleContext, acl: NetworkAclNode): string[] {
  let index = subnetsByAnalysis.get(context.analysis);
  if (!index) {
    index = { byAcl: new Map(), result: new Map() };
    for (const subnet of context.model.subnets.values()) {
      if (!subnet.networkAclId) continue;
      const list = index.byAcl.get(subnet.networkAclId);
      if (list) list.push(subnet.id);
      else index.byAcl.set(subnet.networkAclId, [subnet.id]);
    }
    subnetsByAnalysis.set(context.analysis, index);
  }
  let result = index.result.get(acl.id);
  if (!result) {
    const implicit = index.byAcl.get(acl.id);
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

/**
 * True when `sorted` is strictly ascending (sorted, no duplicates: what `[...new Set(x)].sort()`
 * would return for it) and holds every id of `ids`.
 */
function sortedSetHoldsAll(sorted: readonly string[], ids: readonly string[]): boolean {
  for (let i = 1; i < sorted.length; i++)
    if (!((sorted[i - 1] as string) < (sorted[i] as string))) return false;
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
