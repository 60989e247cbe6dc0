import type { PrefixListNode, RuleSource, SgRule } from '../model/model';
import type { Cidr4, Cidr6 } from '../net/cidr';
import { type Interval, normalize } from '../net/interval-set';
import type { PortSet } from '../net/ports';
import type { Protocol } from '../net/protocol';
import {
  BROAD_IPV4,
  BROAD_IPV6,
  coversWorld4,
  coversWorld6,
  PUBLIC_IPV4_SIZE,
  PUBLIC_IPV6_SIZE,
  publicCount4,
  publicCount6,
  worldThresholds,
} from '../net/public-space';
import { segmentPorts } from './segments';

export type Transport = 'tcp' | 'udp';
export const TRANSPORTS: readonly Transport[] = ['tcp', 'udp'];
export type Family = 'ipv4' | 'ipv6';

export interface FamilyPorts {
  ipv4: PortSet;
  ipv6: PortSet;
}

/** What a set of security-group rules lets in from the internet, per transport protocol. */
export interface TransportReach {
  /** Ports on which the permitted sources cover ≥ the world-open share of public space. */
  worldOpen: FamilyPorts;
  /** Ports with ≥ 2^24 public IPv4 (2^96 IPv6) sources that are not world-open. */
  broad: FamilyPorts;
}

export interface Reach {
  tcp: TransportReach;
  udp: TransportReach;
  /** Prefix lists referenced by the rules whose entries the snapshot does not give. */
  unresolvedPrefixLists: string[];
}

const EMPTY: TransportReach = { worldOpen: { ipv4: [], ipv6: [] }, broad: { ipv4: [], ipv6: [] } };

interface Sourced<T> {
  from: number;
  to: number;
  range: T;
}

const publicCache4 = new WeakMap<Cidr4, number>();
const publicCache6 = new WeakMap<Cidr6, bigint>();

/** The public address count of a parsed CIDR, computed once per range object. */
function cachedCount<R extends object, N>(cache: WeakMap<R, N>, range: R, count: (range: R) => N): N {
  let known = cache.get(range);
  if (known === undefined) {
    known = count(range);
    cache.set(range, known);
  }
  return known;
}

const count4 = (range: Cidr4): number => publicCount4([[range.start, range.end]]);
const count6 = (range: Cidr6): bigint => publicCount6([[range.start, range.end]]);

function cidrPublic4(range: Cidr4): number {
  return cachedCount(publicCache4, range, count4);
}

function cidrPublic6(range: Cidr6): bigint {
  return cachedCount(publicCache6, range, count6);
}

/**
 * The reach of rules without a single public source (most groups: VPC ranges and referenced
 * groups only). One shared, frozen object, so callers can also test for it by identity.
 */
export const EMPTY_REACH: Reach = Object.freeze({
  tcp: EMPTY,
  udp: EMPTY,
  unresolvedPrefixLists: Object.freeze([]) as unknown as string[],
});

/** True when some tcp/udp rule has a public IPv4/IPv6 source or a prefix list (which may hold any). */
function hasPublicSource(rules: readonly SgRule[]): boolean {
  for (const rule of rules) {
    if (rule.protocol !== 'all' && rule.protocol !== 'tcp' && rule.protocol !== 'udp') continue;
    const { source } = rule;
    if (source.kind === 'ipv4') {
      if (cidrPublic4(source.range) > 0) return true;
    } else if (source.kind === 'ipv6') {
      if (cidrPublic6(source.range) > 0n) return true;
    } else if (source.kind === 'prefix-list') return true;
  }
  return false;
}

/**
 * Computes the internet reach of a set of rules (one group's ingress, or the union of an
 * interface's groups). Only tcp and udp count; ICMP and other protocols never do.
 */
export function computeReach(
  rules: readonly SgRule[],
  prefixLists: ReadonlyMap<string, PrefixListNode>,
  coverage: number,
): Reach {
  if (!hasPublicSource(rules)) return EMPTY_REACH;
  const collector = new ReachCollector(prefixLists, coverage);
  for (const rule of rules) collector.visit(rule.protocol, rule.fromPort, rule.toPort, rule.source);
  return collector.finish();
}

/** Visits one rule's source: its protocol, inclusive port range and source. */
export type SourceVisitor = (
  protocol: Protocol,
  fromPort: number,
  toPort: number,
  source: RuleSource,
) => void;

/** Visits to the collector of one transport: tcp, udp or both ("all"). */
const TCP = 1;
const UDP = 2;

/** The public address counts of a resolved prefix list's entries (IPv6 as a double, see below). */
interface ListCounts {
  v4: number;
  v6: number;
}

const listCountsCache = new WeakMap<PrefixListNode, ListCounts>();

function listCounts(list: PrefixListNode): ListCounts {
  let counts = listCountsCache.get(list);
  if (!counts) {
    let v4 = 0;
    let v6 = 0;
    for (const entry of list.cidrs4) v4 += cidrPublic4(entry.range);
    for (const entry of list.cidrs6) v6 += Number(cidrPublic6(entry.range));
    counts = { v4, v6 };
    listCountsCache.set(list, counts);
  }
  return counts;
}

/**
 * Slack on the IPv6 sums kept as doubles: each public count is a power of two (exact), each addition
 * rounds by at most 2^-53 of the sum, so a sum of fewer than 2^33 counts is within 2^-20 of the
 * exact one, and the threshold as a double within 2^-52 of its own. The sums only decide which rule
 * sets are classified exactly (by bigints): the threshold is lowered by the slack twice over, so a
 * set whose exact sum reaches it is always classified.
 */
const SLACK6 = 1 + 2 ** -20;

/**
 * Collects the sources of one rule set at a time and turns them into its reach; reused from one
 * group to the next. Hot: a scan of 50k groups visits ~45k public sources, and most rule sets
 * fall far short of the broad and world-open thresholds (a /56 of IPv6, a /32 office address):
 * their sources are kept in flat arrays reused from one set to the next and their public counts
 * summed per transport and family, and only a set whose sums reach a threshold is classified.
 */
export class ReachCollector {
  /** Visits one source; pass it to a walk. */
  readonly visit: SourceVisitor;
  /**
   * True when the rule set visited since the last `finish` has a tcp/udp source that may be
   * public: a public IPv4/IPv6 range, or a prefix list (resolved or not).
   */
  publicSource = false;
  /** The visited public sources since the last `finish`: `count` of them in the parallel arrays. */
  private count = 0;
  private readonly transports: number[] = [];
  private readonly froms: number[] = [];
  private readonly tos: number[] = [];
  private readonly sources: RuleSource[] = [];
  /** Public addresses per transport and family, summed over sources (IPv6 as doubles). */
  private tcp4 = 0;
  private tcp6 = 0;
  private udp4 = 0;
  private udp6 = 0;
  private unresolved: Set<string> | undefined;
  /** The least IPv6 sum that may reach a threshold (broad, or world-open at this coverage). */
  private readonly threshold6: number;

  constructor(
    private readonly prefixLists: ReadonlyMap<string, PrefixListNode>,
    private readonly coverage: number,
  ) {
    this.visit = (protocol, from, to, source) => this.add(protocol, from, to, source);
    const world6 = Number(worldThresholds(coverage).v6);
    this.threshold6 = Math.min(Number(BROAD_IPV6), world6) / SLACK6 / SLACK6;
  }

  private add(protocol: Protocol, from: number, to: number, source: RuleSource): void {
    // Nothing is allocated: most rule sets have no public source, or too few addresses to count.
    if (source.kind === 'group') return;
    if ((source.kind === 'ipv4' || source.kind === 'ipv6') && !source.public) return;
    const transports =
      protocol === 'all' ? TCP | UDP : protocol === 'tcp' ? TCP : protocol === 'udp' ? UDP : 0;
    if (transports === 0) return; // ICMP and other protocols never count
    this.publicSource = true;
    let v4 = 0;
    let v6 = 0;
    if (source.kind === 'ipv4') v4 = source.publicCount;
    else if (source.kind === 'ipv6') v6 = source.publicCount;
    else {
      const list = this.prefixLists.get(source.prefixListId);
      if (!list) {
        this.unresolved ??= new Set();
        this.unresolved.add(source.prefixListId);
        return;
      }
      const counts = listCounts(list);
      v4 = counts.v4;
      v6 = counts.v6;
    }
    if (v4 === 0 && v6 === 0) return;
    if (transports & TCP) {
      this.tcp4 += v4;
      this.tcp6 += v6;
    }
    if (transports & UDP) {
      this.udp4 += v4;
      this.udp6 += v6;
    }
    const at = this.count++;
    this.transports[at] = transports;
    this.froms[at] = from;
    this.tos[at] = to;
    this.sources[at] = source;
  }

  /** The reach of the rule set visited since the last call; then starts afresh (`publicSource` too). */
  finish(): Reach {
    const { unresolved } = this;
    if (this.count === 0 && unresolved === undefined) {
      // Nothing collected (most groups: no public source): the sums are all still zero.
      this.publicSource = false;
      return EMPTY_REACH;
    }
    let reach: Reach | undefined;
    const tcp = this.classify(TCP, this.tcp4, this.tcp6);
    const udp = this.classify(UDP, this.udp4, this.udp6);
    if (tcp || udp || (unresolved !== undefined && unresolved.size > 0)) {
      reach = {
        tcp: tcp ?? EMPTY,
        udp: udp ?? EMPTY,
        unresolvedPrefixLists: unresolved ? [...unresolved].sort() : [],
      };
    }
    this.count = 0;
    this.tcp4 = 0;
    this.tcp6 = 0;
    this.udp4 = 0;
    this.udp6 = 0;
    this.unresolved = undefined;
    this.publicSource = false;
    return reach ?? EMPTY_REACH;
  }

  /**
   * One transport's reach, or undefined when it opens no port (world-open or broad) to either
   * family. The sum of per-source counts bounds the union: below both the broad and the
   * world-open thresholds nothing can fire (a small `worldOpenCoverage` puts world-open below broad).
   */
  private classify(transport: number, total4: number, total6: number): TransportReach | undefined {
    const { coverage } = this;
    const check4 = total4 > 0 && (total4 >= BROAD_IPV4 || coversWorld4(total4, coverage));
    const check6 = total6 > 0 && total6 >= this.threshold6;
    if (!check4 && !check6) return undefined;
    const r4 = check4 ? this.family4(transport) : undefined;
    const r6 = check6 ? this.family6(transport) : undefined;
    const world4 = r4?.world ?? NO_PORTS;
    const world6 = r6?.world ?? NO_PORTS;
    const broad4 = r4?.broad ?? NO_PORTS;
    const broad6 = r6?.broad ?? NO_PORTS;
    // Sums past a threshold whose union is not (overlapping sources) open nothing either.
    if (world4.length + world6.length + broad4.length + broad6.length === 0) return undefined;
    return { worldOpen: { ipv4: world4, ipv6: world6 }, broad: { ipv4: broad4, ipv6: broad6 } };
  }

  // Hot: most rule sets that reach a threshold do so through a source holding all of public space
  // (0.0.0.0/0, ::/0) beside a few narrow ones. Every port of such a source is open to the world
  // whatever else is there; when the other sources together hold fewer addresses than either
  // threshold, no other port can fire, and the ports of those sources are the answer without the
  // port sweep (what `classify4`/`classify6` would return, segment for segment).

  /** One transport's IPv4 world-open and broad ports. */
  private family4(transport: number): Classified {
    const { transports, froms, tos, sources, coverage } = this;
    const full: Interval<number>[] = [];
    let rest = 0;
    for (let i = 0; i < this.count; i++) {
      if (((transports[i] as number) & transport) === 0) continue;
      const source = sources[i] as RuleSource;
      if (source.kind === 'ipv4') {
        if (source.publicCount === PUBLIC_IPV4_SIZE) full.push(portInterval(froms[i], tos[i]));
        else rest += source.publicCount;
      } else if (source.kind === 'prefix-list') {
        const list = this.prefixLists.get(source.prefixListId);
        if (!list) continue;
        for (const entry of list.cidrs4) {
          const count = cidrPublic4(entry.range);
          if (count === PUBLIC_IPV4_SIZE) full.push(portInterval(froms[i], tos[i]));
          else rest += count;
        }
      }
    }
    if (rest < BROAD_IPV4 && !coversWorld4(rest, coverage)) {
      return fullOnly(full, coversWorld4(PUBLIC_IPV4_SIZE, coverage), PUBLIC_IPV4_SIZE >= BROAD_IPV4);
    }
    const items: Sourced<Cidr4>[] = [];
    for (let i = 0; i < this.count; i++) {
      if (((transports[i] as number) & transport) === 0) continue;
      const from = froms[i] as number;
      const to = tos[i] as number;
      const source = sources[i] as RuleSource;
      if (source.kind === 'ipv4') items.push({ from, to, range: source.range });
      else if (source.kind === 'prefix-list') {
        const list = this.prefixLists.get(source.prefixListId);
        if (!list) continue;
        for (const entry of list.cidrs4)
          if (cidrPublic4(entry.range) > 0) items.push({ from, to, range: entry.range });
      }
    }
    return classify4(items, coverage);
  }

  /** One transport's IPv6 world-open and broad ports (counts as doubles: see SLACK6). */
  private family6(transport: number): Classified {
    const { transports, froms, tos, sources, coverage } = this;
    const full: Interval<number>[] = [];
    let rest = 0;
    for (let i = 0; i < this.count; i++) {
      if (((transports[i] as number) & transport) === 0) continue;
      const source = sources[i] as RuleSource;
      if (source.kind === 'ipv6') {
        if (source.publicCount === FULL6) full.push(portInterval(froms[i], tos[i]));
        else rest += source.publicCount;
      } else if (source.kind === 'prefix-list') {
        const list = this.prefixLists.get(source.prefixListId);
        if (!list) continue;
        for (const entry of list.cidrs6) {
          const count = Number(cidrPublic6(entry.range));
          if (count === FULL6) full.push(portInterval(froms[i], tos[i]));
          else rest += count;
        }
      }
    }
    if (rest < this.threshold6) {
      return fullOnly(full, coversWorld6(PUBLIC_IPV6_SIZE, coverage), PUBLIC_IPV6_SIZE >= BROAD_IPV6);
    }
    const items: Sourced<Cidr6>[] = [];
    for (let i = 0; i < this.count; i++) {
      if (((transports[i] as number) & transport) === 0) continue;
      const from = froms[i] as number;
      const to = tos[i] as number;
      const source = sources[i] as RuleSource;
      if (source.kind === 'ipv6') items.push({ from, to, range: source.range });
      else if (source.kind === 'prefix-list') {
        const list = this.prefixLists.get(source.prefixListId);
        if (!list) continue;
        for (const entry of list.cidrs6)
          if (cidrPublic6(entry.range) > 0n) items.push({ from, to, range: entry.range });
      }
    }
    return classify6(items, coverage);
  }
}

/** World-open and broad ports of one family. */
interface Classified {
  world: PortSet;
  broad: PortSet;
}

/** All of public IPv6 space, as a double (2^125: exact). */
const FULL6 = Number(PUBLIC_IPV6_SIZE);

/** A rule's inclusive ports as the port sweep reads them: clamped to 0–65535, half-open. */
function portInterval(from: number | undefined, to: number | undefined): Interval<number> {
  return [Math.max(0, from as number), Math.min(MAX_PORT, to as number) + 1];
}

/**
 * The ports of sources holding all of public space, when no other port can fire: world-open (or,
 * were the whole space short of the world-open share, broad) exactly where such a source admits.
 */
function fullOnly(full: Interval<number>[], world: boolean, broad: boolean): Classified {
  // One interval (the usual single 0.0.0.0/0 rule) is normalized as it stands, if not empty.
  const one = full.length === 1 ? (full[0] as Interval<number>) : undefined;
  const ports = one ? (one[0] < one[1] ? full : NO_PORTS) : normalize(full);
  if (world) return { world: ports, broad: NO_PORTS };
  return { world: NO_PORTS, broad: broad ? ports : NO_PORTS };
}

/** The empty port set of reaches: shared (reaches are never changed). */
const NO_PORTS: PortSet = Object.freeze([]) as PortSet;

const MAX_PORT = 65535;

const range = (s: { from: number; to: number }) => [s.from, s.to] as const;

function classify4(items: Sourced<Cidr4>[], coverage: number): Classified {
  const world: Interval<number>[] = [];
  const broad: Interval<number>[] = [];
  for (const segment of segmentPorts(items, range)) {
    let count: number;
    if (segment.items.some((i) => i.range.prefix === 0)) count = PUBLIC_IPV4_SIZE;
    else if (segment.items.length === 1) count = cidrPublic4((segment.items[0] as Sourced<Cidr4>).range);
    else count = publicCount4(normalize(segment.items.map((i) => [i.range.start, i.range.end] as const)));
    if (coversWorld4(count, coverage)) world.push([segment.from, segment.to + 1]);
    else if (count >= BROAD_IPV4) broad.push([segment.from, segment.to + 1]);
  }
  return { world: normalize(world), broad: normalize(broad) };
}

function classify6(items: Sourced<Cidr6>[], coverage: number): Classified {
  const world: Interval<number>[] = [];
  const broad: Interval<number>[] = [];
  for (const segment of segmentPorts(items, range)) {
    const count = publicCount6(normalize(segment.items.map((i) => [i.range.start, i.range.end] as const)));
    if (coversWorld6(count, coverage)) world.push([segment.from, segment.to + 1]);
    else if (count >= BROAD_IPV6) broad.push([segment.from, segment.to + 1]);
  }
  return { world: normalize(world), broad: normalize(broad) };
}
