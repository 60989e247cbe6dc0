import type { Protocol } from '../net/protocol';

/** Appends `value` to the list under `key`. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * First port of a rule's inclusive range (with `portTo`: all ports for all-protocol, portless or
 * ICMP rules). Two functions rather than one returning a pair: no array per rule.
 */
export function portFrom(protocol: Protocol, from: number | undefined, to: number | undefined): number {
  if (protocol !== 'tcp' && protocol !== 'udp') return 0;
  if (from === undefined || to === undefined || from < 0 || to < 0) return 0;
  return Math.max(0, from);
}

/** Last port of a rule's inclusive range (see `portFrom`). */
export function portTo(protocol: Protocol, from: number | undefined, to: number | undefined): number {
  if (protocol !== 'tcp' && protocol !== 'udp') return 65535;
  if (from === undefined || to === undefined || from < 0 || to < 0) return 65535;
  return Math.min(65535, to);
}

/** Orders strings by code unit (what `sort()` does without a comparator). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Stable in-place insertion sort for the short lists of a model (an interface's groups, a NACL's
 * dozen entries): Array.prototype.sort copies into a work array on every call, which at 50k
 * interfaces and 10k NACLs is measurable garbage. Long lists fall back to it.
 */
export function sortSmall<T>(list: T[], compare: (a: T, b: T) => number): void {
  if (list.length > 32) {
    list.sort(compare);
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const value = list[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(list[j] as T, value) > 0) {
      list[j + 1] = list[j] as T;
      j--;
    }
    list[j + 1] = value;
  }
}

/**
 * Whether an association state (a route table's, a VPC CIDR block's) holds, or is about to
 * (`associating`): one being removed, gone or failed claims nothing. No state is taken as in force.
 */
export function stateInForce(state: { State?: string | undefined } | undefined): boolean {
  const value = state?.State;
  return value === undefined || value === 'associated' || value === 'associating';
}

/** Whether a route-table association holds, or is about to (`stateInForce`). */
export function associationInForce(a: {
  AssociationState?: { State?: string | undefined } | undefined;
}): boolean {
  return stateInForce(a.AssociationState);
}
