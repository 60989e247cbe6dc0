import type { SecurityGroupNode } from '../model/model';
import { union } from '../net/interval-set';
import type { PortSet } from '../net/ports';
import type { Analysis } from './analysis';
import { worldSourceFamilies } from './sg-families';
import { computeReach, type Family, type FamilyPorts, type Reach, type Transport } from './sg-reach';

// A group's world-open ports and what stays open once its world-source rules are revoked: asked by
// the four `sg-open-*` rules per group, so kept per evaluation (per Analysis) and per group. Both
// answers depend only on the model and config of that Analysis, never on which rule asked first.

/** Ports per transport protocol and address family. */
export type TransportPorts = Record<Transport, FamilyPorts>;

/** A group's world-open ingress ports, both families, and whether every tcp port is among them. */
export interface WorldOpen {
  allTraffic: boolean;
  world: TransportPorts;
  /** True when some port is world-open (of either transport and family). */
  any: boolean;
}

/** A group and its world-open ports. */
export interface GroupWorldOpen {
  group: SecurityGroupNode;
  open: WorldOpen;
}

/** Ports per transport and family, each computed by `f`. */
export function mapPorts(f: (transport: Transport, family: Family) => PortSet): TransportPorts {
  return {
    tcp: { ipv4: f('tcp', 'ipv4'), ipv6: f('tcp', 'ipv6') },
    udp: { ipv4: f('udp', 'ipv4'), ipv6: f('udp', 'ipv6') },
  };
}

/**
 * Ports per transport and family computed by `f`, or undefined when every one is empty (then no
 * object is built: a selector runs for every world-open group and most select nothing).
 */
export function somePorts(f: (transport: Transport, family: Family) => PortSet): TransportPorts | undefined {
  const tcp4 = f('tcp', 'ipv4');
  const tcp6 = f('tcp', 'ipv6');
  const udp4 = f('udp', 'ipv4');
  const udp6 = f('udp', 'ipv6');
  if (tcp4.length === 0 && tcp6.length === 0 && udp4.length === 0 && udp6.length === 0) return undefined;
  return { tcp: { ipv4: tcp4, ipv6: tcp6 }, udp: { ipv4: udp4, ipv6: udp6 } };
}

const isAll = (set: readonly (readonly [number, number])[]) =>
  set.length === 1 && set[0]?.[0] === 0 && set[0]?.[1] === 65536;

const ALL_TCP_PORTS = 65536;

/** How many ports a set holds (its half-open intervals' lengths). */
function portCount(set: PortSet): number {
  let n = 0;
  for (let i = 0; i < set.length; i++) {
    const interval = set[i] as readonly [number, number];
    n += interval[1] - interval[0];
  }
  return n;
}

const residualByAnalysis = new WeakMap<Analysis, Map<string, Reach>>();

const worldGroupsByAnalysis = new WeakMap<Analysis, GroupWorldOpen[]>();

/** The world-open ports of a reach. */
function worldOpenOf(reach: Reach): WorldOpen {
  // The reach's own family ports: nothing is copied.
  const world: TransportPorts = { tcp: reach.tcp.worldOpen, udp: reach.udp.worldOpen };
  const { ipv4, ipv6 } = world.tcp;
  return {
    // A port is world-open when it is so in either family (DESIGN §4): every tcp port open to the
    // world may be split between them (0-32767 from 0.0.0.0/0, the rest from ::/0). The union is
    // built only when neither family holds every port alone and both together hold enough ports
    // (most dual-stack groups are world-open on a few ports: counted, nothing allocated).
    allTraffic:
      isAll(ipv4) ||
      isAll(ipv6) ||
      (portCount(ipv4) + portCount(ipv6) >= ALL_TCP_PORTS && isAll(union(ipv4, ipv6))),
    world,
    any:
      world.tcp.ipv4.length > 0 ||
      world.tcp.ipv6.length > 0 ||
      world.udp.ipv4.length > 0 ||
      world.udp.ipv6.length > 0,
  };
}

/**
 * The groups with some world-open port and those ports, in the model's order: computed once per
 * evaluation for the four `sg-open-*` rules (each reads this list, no lookup per group).
 */
export function worldOpenGroups(analysis: Analysis): readonly GroupWorldOpen[] {
  let list = worldGroupsByAnalysis.get(analysis);
  if (!list) {
    list = [];
    for (const { group, reach } of analysis.reachingGroups()) {
      const open = worldOpenOf(reach);
      if (open.any) list.push({ group, open });
    }
    worldGroupsByAnalysis.set(analysis, list);
  }
  return list;
}

/**
 * What stays world-open once every ingress rule with a world source (`0.0.0.0/0`, `::/0`, a prefix
 * list holding them) is revoked: those ports cannot be fixed by revoking and are notify-only.
 */
export function residualReach(analysis: Analysis, group: SecurityGroupNode): Reach {
  let cache = residualByAnalysis.get(analysis);
  if (!cache) {
    cache = new Map();
    residualByAnalysis.set(analysis, cache);
  }
  let reach = cache.get(group.id);
  if (!reach) {
    const { prefixLists } = analysis.model;
    // Every world-source rule is among the rules that may be public, and the others add nothing
    // to a reach: those rules alone decide it.
    const candidates = group.publicIngress;
    const kept = candidates.filter((r) => worldSourceFamilies(r, prefixLists).length === 0);
    reach =
      kept.length === candidates.length
        ? analysis.groupReach(group.id)
        : computeReach(kept, prefixLists, analysis.config.worldOpenCoverage);
    cache.set(group.id, reach);
  }
  return reach;
}
