import type { PrefixListNode, SgRule } from '../model/model';
import type { Family } from './sg-reach';

// Which address families a security-group rule opens, asked per rule of every group with a
// finding: the answers are shared lists, never built per rule.

/** Family lists returned by the family tests below: shared, never built per rule. */
export const NO_FAMILY: readonly Family[] = Object.freeze([]);
export const IPV4_ONLY: readonly Family[] = Object.freeze(['ipv4']);
export const IPV6_ONLY: readonly Family[] = Object.freeze(['ipv6']);
export const BOTH_FAMILIES: readonly Family[] = Object.freeze(['ipv4', 'ipv6']);

/** The families of a prefix list's entries (an empty list has none). */
export function listFamilies(hasIpv4: boolean, hasIpv6: boolean): readonly Family[] {
  if (hasIpv4) return hasIpv6 ? BOTH_FAMILIES : IPV4_ONLY;
  return hasIpv6 ? IPV6_ONLY : NO_FAMILY;
}

/** The family a world-source rule opens (none for other rules; both for a mixed prefix list). */
export function worldSourceFamilies(
  rule: SgRule,
  prefixLists: ReadonlyMap<string, PrefixListNode>,
): readonly Family[] {
  const { source } = rule;
  if (source.kind === 'ipv4') return source.range.prefix === 0 ? IPV4_ONLY : NO_FAMILY;
  if (source.kind === 'ipv6') return source.range.prefix === 0 ? IPV6_ONLY : NO_FAMILY;
  if (source.kind === 'prefix-list') {
    const list = prefixLists.get(source.prefixListId);
    if (!list) return NO_FAMILY;
    return listFamilies(
      list.cidrs4.some((c) => c.range.prefix === 0),
      list.cidrs6.some((c) => c.range.prefix === 0),
    );
  }
  return NO_FAMILY;
}
