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
  publicCount4,
  publicCount6,
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
  return reachOf(
    (visit) => {
      for (const rule of rules) visit(rule.protocol, rule.fromPort, rule.toPort, rule.source);
    },
    prefixLists,
    coverage,
  );
}

/** Calls `visit` once per rule: its protocol, inclusive port range and source. */
export type SourceWalk = (visit: SourceVisitor) => void;
export type SourceVisitor = (
  protocol: Protocol,
  fromPort: number,
  toPort: number,
  source: RuleSource,
) => void;

interface Sink {
  v4: Sourced<Cidr4>[];
  v6: Sourced<Cidr6>[];
  total4: number;
  total6: bigint;
}

function addSource(
  sink: Sink,
  from: number,
  to: number,
  source: RuleSource,
  prefixLists: ReadonlyMap<string, PrefixListNode>,
  unresolved: Set<string>,
): void {
  if (source.kind === 'ipv4') {
    if (!source.public) return;
    const count = cidrPublic4(source.range);
    if (count > 0) {
      sink.v4.push({ from, to, range: source.range });
      sink.total4 += count;
    }
  } else if (source.kind === 'ipv6') {
    if (!source.public) return;
    const count = cidrPublic6(source.range);
    if (count > 0n) {
      sink.v6.push({ from, to, range: source.range });
      sink.total6 += count;
    }
  } else if (source.kind === 'prefix-list') {
    const list = prefixLists.get(source.prefixListId);
    if (!list) {
      unresolved.add(source.prefixListId);
      return;
    }
    for (const entry of list.cidrs4) {
      const count = cidrPublic4(entry.range);
      if (count > 0) {
        sink.v4.push({ from, to, range: entry.range });
        sink.total4 += count;
      }
    }
    for (const entry of list.cidrs6) {
      const count = cidrPublic6(entry.range);
      if (count > 0n) {
        sink.v6.push({ from, to, range: entry.range });
        sink.total6 += count;
      }
    }
  }
}

/**
 * The internet reach of the rules a walk visits (one pass for both transports). Lets a group's
 * reach be computed straight from its raw permissions, without expanding them into rule objects.
 */
export function reachOf(
  walk: SourceWalk,
  prefixLists: ReadonlyMap<string, PrefixListNode>,
  coverage: number,
): Reach {
  const collector = new ReachCollector(prefixLists, coverage);
  walk(collector.visit);
  return collector.finish();
}

/**
 * Collects the sources of one rule set at a time and turns them into its reach; reused from one
 * group to the next, so a scan of 50k groups allocates no closure, set or sink per group (most
 * groups admit only VPC ranges and referenced groups, and get the shared EMPTY_REACH).
 */
export class ReachCollector {
  /** Visits one source; pass it to a walk. */
  readonly visit: SourceVisitor;
  /**
   * True when the rule set visited since the last `finish` has a tcp/udp source that may be
   * public: a public IPv4/IPv6 range, or a prefix list (resolved or not).
   */
  publicSource = false;
  private sinks: Record<Transport, Sink> | undefined;
  private unresolved: Set<string> | undefined;

  constructor(
    private readonly prefixLists: ReadonlyMap<string, PrefixListNode>,
    private readonly coverage: number,
  ) {
    this.visit = (protocol, from, to, source) => this.add(protocol, from, to, source);
  }

  private add(protocol: Protocol, from: number, to: number, source: RuleSource): void {
    // Nothing is allocated until a source that may be public shows up: most groups have none.
    if (source.kind === 'group') return;
    if ((source.kind === 'ipv4' || source.kind === 'ipv6') && !source.public) return;
    const tcp = protocol === 'tcp' || protocol === 'all';
    const udp = protocol === 'udp' || protocol === 'all';
    if (!tcp && !udp) return; // ICMP and other protocols never count
    this.publicSource = true;
    this.sinks ??= newSinks();
    const sinks = this.sinks;
    this.unresolved ??= new Set();
    if (tcp) addSource(sinks.tcp, from, to, source, this.prefixLists, this.unresolved);
    if (udp) addSource(sinks.udp, from, to, source, this.prefixLists, this.unresolved);
  }

  /** The reach of the rule set visited since the last call; then starts afresh (`publicSource` too). */
  finish(): Reach {
    const { sinks, unresolved, coverage } = this;
    this.sinks = undefined;
    this.unresolved = undefined;
    this.publicSource = false;
    if (!sinks) return EMPTY_REACH;
    let reach: Reach | undefined;
    for (const transport of TRANSPORTS) {
      const sink = sinks[transport];
      // The sum of per-source counts bounds the union: below both the broad and the world-open
      // thresholds nothing can fire (a small `worldOpenCoverage` puts world-open below broad).
      const r4 =
        sink.v4.length > 0 && (sink.total4 >= BROAD_IPV4 || coversWorld4(sink.total4, coverage))
          ? classify4(sink.v4, coverage)
          : undefined;
      const r6 =
        sink.v6.length > 0 && (sink.total6 >= BROAD_IPV6 || coversWorld6(sink.total6, coverage))
          ? classify6(sink.v6, coverage)
          : undefined;
      if (r4 || r6) {
        reach ??= { tcp: EMPTY, udp: EMPTY, unresolvedPrefixLists: [] };
        reach[transport] = {
          worldOpen: { ipv4: r4?.world ?? [], ipv6: r6?.world ?? [] },
          broad: { ipv4: r4?.broad ?? [], ipv6: r6?.broad ?? [] },
        };
      }
    }
    if (unresolved !== undefined && unresolved.size > 0) {
      reach ??= { tcp: EMPTY, udp: EMPTY, unresolvedPrefixLists: [] };
      reach.unresolvedPrefixLists = [...unresolved].sort();
    }
    return reach ?? EMPTY_REACH;
  }
}

function newSinks(): Record<Transport, Sink> {
  return {
    tcp: { v4: [], v6: [], total4: 0, total6: 0n },
    udp: { v4: [], v6: [], total4: 0, total6: 0n },
  };
}

const range = (s: { from: number; to: number }) => [s.from, s.to] as const;

function classify4(items: Sourced<Cidr4>[], coverage: number): { world: PortSet; broad: PortSet } {
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

function classify6(items: Sourced<Cidr6>[], coverage: number): { world: PortSet; broad: PortSet } {
  const world: Interval<number>[] = [];
  const broad: Interval<number>[] = [];
  for (const segment of segmentPorts(items, range)) {
    const count = publicCount6(normalize(segment.items.map((i) => [i.range.start, i.range.end] as const)));
    if (coversWorld6(count, coverage)) world.push([segment.from, segment.to + 1]);
    else if (count >= BROAD_IPV6) broad.push([segment.from, segment.to + 1]);
  }
  return { world: normalize(world), broad: normalize(broad) };
}

/** The family a world-source rule opens (`undefined` for other rules; both for a mixed prefix list). */
export function worldSourceFamilies(
  rule: SgRule,
  prefixLists: ReadonlyMap<string, PrefixListNode>,
): Family[] {
  const { source } = rule;
  if (source.kind === 'ipv4') return source.range.prefix === 0 ? ['ipv4'] : [];
  if (source.kind === 'ipv6') return source.range.prefix === 0 ? ['ipv6'] : [];
  if (source.kind === 'prefix-list') {
    const list = prefixLists.get(source.prefixListId);
    if (!list) return [];
    const out: Family[] = [];
    if (list.cidrs4.some((c) => c.range.prefix === 0)) out.push('ipv4');
    if (list.cidrs6.some((c) => c.range.prefix === 0)) out.push('ipv6');
    return out;
  }
  return [];
}
