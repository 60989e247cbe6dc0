import type { NetworkAclNode } from '../model/model';
import type { Analysis } from './analysis';

// Which subnets use a NACL, kept per evaluation (per Analysis): three NACL rules ask for the same
// NACLs. The answer depends only on the model, never on which NACL or rule asked first.

interface SubnetIndex {
  /** Subnets per NACL that some VPC falls back on (its default NACL); filled on first need. */
  byFallback: Map<string, string[]> | undefined;
  result: Map<string, string[]>;
}

const subnetsByAnalysis = new WeakMap<Analysis, SubnetIndex>();

/**
 * Subnets that use the NACL: its explicit associations plus, for a VPC's default NACL, the subnets
 * of the snapshot that have no association of their own. Memoized per evaluation (two rules ask).
 *
 * A subnet uses a NACL that is no VPC's default only through an explicit association (the model's
 * `networkAclId`: explicit association, else the VPC's default NACL), so such a NACL's subnets are
 * its associations: sorted and deduplicated as the merge would return them. Only default NACLs
 * need the scan of every subnet.
 */
export function subnetsUsingNacl(analysis: Analysis, acl: NetworkAclNode): string[] {
  let index = subnetsByAnalysis.get(analysis);
  if (!index) {
    index = { byFallback: undefined, result: new Map() };
    subnetsByAnalysis.set(analysis, index);
  }
  let result = index.result.get(acl.id);
  if (!result) {
    const { model } = analysis;
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
