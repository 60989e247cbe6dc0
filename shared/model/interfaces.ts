import { parseCidr6, parseIpv4, parseIpv6 } from '../net/cidr';
import { isPublicIpv6 } from '../net/public-space';
import { compareStrings, push, sortSmall } from './common';
import type { NetworkInterfaceItem, Tag } from './snapshot-schema';
import type { NetworkInterfaceNode } from './types';

const NO_ADDRESSES: string[] = Object.freeze([]) as unknown as string[];

/** `list` with `value` appended unless already there (the shared empty list is never written to). */
function withUnique(list: string[], value: string): string[] {
  if (list.includes(value)) return list;
  if (list === NO_ADDRESSES) return [value];
  list.push(value);
  return list;
}

/** `list`, sorted in place when it has more than one item. */
function sortedSmall(list: string[]): string[] {
  if (list.length > 1) sortSmall(list, compareStrings);
  return list;
}

/** The interface's distinct group ids, sorted. */
function groupIdsOf(eni: NetworkInterfaceItem): string[] {
  const groups = eni.Groups;
  // Kept for the interface (an exposed one: its findings and paths name them): a list of exact
  // size (one grown by push keeps room for 16), most of one group.
  if (groups.length === 1) return [(groups[0] as NetworkInterfaceItem['Groups'][number]).GroupId];
  const ids = groups.map(groupIdOf);
  return sortedSmall(hasRepeat(ids) ? [...new Set(ids)] : ids);
}

function groupIdOf(group: NetworkInterfaceItem['Groups'][number]): string {
  return group.GroupId;
}

/** True when some id is listed twice (a handful of ids: compared pairwise). */
function hasRepeat(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) for (let j = 0; j < i; j++) if (ids[i] === ids[j]) return true;
  return false;
}

/**
 * Its distinct public IPv4 addresses: the primary's first (`Association.PublicIp`, EC2's public
 * address of the interface, the one its public DNS name resolves to), then the secondaries' in
 * numeric order, whatever order `PrivateIpAddresses` lists them in.
 */
function publicIpsOf(eni: NetworkInterfaceItem): string[] {
  // hot: for every interface of the region, mostly before it is optimized: no closure, and an
  // indexed loop (a for-of step in unoptimized code allocates an iterator result).
  let ips: string[] = NO_ADDRESSES;
  const primary = eni.Association?.PublicIp;
  if (primary) ips = [primary];
  const addresses = eni.PrivateIpAddresses;
  for (let i = 0; i < addresses.length; i++) {
    const ip = addresses[i]?.Association?.PublicIp;
    if (ip) ips = withUnique(ips, ip);
  }
  if (ips.length < 2) return ips;
  // Rare (secondary public addresses): the list is sorted, the primary put back in front.
  sortSmall(ips, compareIpv4);
  if (primary && ips[0] !== primary) {
    ips.splice(ips.indexOf(primary), 1);
    ips.unshift(primary);
  }
  return ips;
}

/** Numeric order of dotted quads (`3.3.3.3` before `100.20.0.1`); text order for anything else. */
function compareIpv4(a: string, b: string): number {
  const x = parseIpv4(a);
  const y = parseIpv4(b);
  if (x === undefined || y === undefined) return compareStrings(a, b);
  return x - y;
}

/** Its distinct IPv6 addresses (the list and the single field), in numeric order. */
function ipv6AddressesOf(eni: NetworkInterfaceItem): string[] {
  let ips: string[] = NO_ADDRESSES;
  const list = eni.Ipv6Addresses;
  for (let i = 0; i < list.length; i++)
    ips = withUnique(ips, (list[i] as NetworkInterfaceItem['Ipv6Addresses'][number]).Ipv6Address);
  if (eni.Ipv6Address) ips = withUnique(ips, eni.Ipv6Address);
  if (ips.length > 1) sortSmall(ips, compareIpv6);
  return ips;
}

/**
 * Numeric order of IPv6 addresses and prefixes (`2001:db8::9` before `2001:db8::10`, which text
 * order reverses; then the longer prefix after), text order for anything unread and for equal values.
 */
function compareIpv6(a: string, b: string): number {
  const x = a.includes('/') ? parseCidr6(a) : undefined;
  const y = b.includes('/') ? parseCidr6(b) : undefined;
  const p = x ? x.start : parseIpv6(a);
  const q = y ? y.start : parseIpv6(b);
  if (p === undefined || q === undefined || p === q) {
    return (x?.prefix ?? 128) - (y?.prefix ?? 128) || compareStrings(a, b);
  }
  return p < q ? -1 : 1;
}

/** The start of IPv6 public space (2000::/3) and its end (exclusive). */
const PUBLIC6_START = 1n << 125n;
const PUBLIC6_END = 2n << 125n;

/**
 * Its delegated IPv6 prefixes (`Ipv6Prefixes`, prefix delegation) that hold public addresses, as
 * written: the interface answers on every address of them, so they make it reachable as an address does.
 */
function publicIpv6PrefixesOf(eni: NetworkInterfaceItem): string[] {
  let prefixes: string[] = NO_ADDRESSES;
  const list = eni.Ipv6Prefixes ?? NO_PREFIXES;
  for (let i = 0; i < list.length; i++) {
    const text = (list[i] as { Ipv6Prefix: string }).Ipv6Prefix;
    const range = parseCidr6(text);
    if (range && range.start < PUBLIC6_END && range.end > PUBLIC6_START)
      prefixes = withUnique(prefixes, text);
  }
  if (prefixes.length > 1) sortSmall(prefixes, compareIpv6);
  return prefixes;
}

const NO_PREFIXES: { Ipv6Prefix: string }[] = [];

/**
 * An interface whose lists are derived on first read: three in four interfaces of a region have
 * no public address, and the exposure analysis never asks for their groups.
 */
export class InterfaceNode implements NetworkInterfaceNode {
  // 50k interfaces kept for the whole evaluation: what only findings read (tags, every IPv6
  // address) is read from the item, not kept in a field of each.
  readonly id: string;
  readonly subnetId?: string;
  private groups?: string[];
  private publicV4?: string[];
  private publicV6?: string[];

  constructor(
    readonly item: NetworkInterfaceItem,
    readonly vpcId: string | undefined,
  ) {
    this.id = item.NetworkInterfaceId;
    this.subnetId = item.SubnetId;
  }

  get tags(): Tag[] {
    const { item } = this;
    return item.TagSet.length > 0 ? item.TagSet : (item.Tags ?? item.TagSet);
  }

  get groupIds(): string[] {
    this.groups ??= groupIdsOf(this.item);
    return this.groups;
  }

  get publicIps(): string[] {
    this.publicV4 ??= publicIpsOf(this.item);
    return this.publicV4;
  }

  /** Derived on each read: `publicIpv6Addresses`, which keeps its answer, is what the rules read. */
  get ipv6Addresses(): string[] {
    return ipv6AddressesOf(this.item);
  }

  get publicIpv6Addresses(): string[] {
    if (!this.publicV6) {
      const all = this.ipv6Addresses;
      // Most interfaces have none: the shared empty list, no callback.
      const addresses = all.length === 0 || all.every(isPublicIpv6) ? all : all.filter(isPublicIpv6);
      const prefixes = this.item.Ipv6Prefixes ? publicIpv6PrefixesOf(this.item) : NO_ADDRESSES;
      this.publicV6 = prefixes.length === 0 ? addresses : [...addresses, ...prefixes];
    }
    return this.publicV6;
  }
}

/** Interface ids per key (`keys` gives an interface's keys: its groups, its subnet). */
export function indexInterfaces(
  interfaces: ReadonlyMap<string, NetworkInterfaceNode>,
  keys: (eni: NetworkInterfaceNode) => readonly string[],
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const eni of interfaces.values()) for (const key of keys(eni)) push(index, key, eni.id);
  return index;
}
