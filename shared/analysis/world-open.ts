import type { SecurityGroupNode } from '../model/model';
import type { PortSet } from '../net/ports';
import type { Analysis } from './analysis';
import {
  computeReach,
  type Family,
  type FamilyPorts,
  type Reach,
  type Transport,
  worldSourceFamilies,
} from './sg-reach';

// A group's world-open ports and what stays open once its world-source rules are revoked: asked by
// the four `sg-open-*` rules per group, so kept per evaluation (per Analysis) and per group. Both
// answers depend only on the model and config of that Analysis, never on which rule asked first.

/** Ports per transport protocol and address family. */
export type TransportPorts = Record<Transport, FamilyPorts>;

/** A group's world-open ingress ports, both families, and whether every tcp port is among them. */
export interface WorldOpen {
  allTraffic: boolean;
  world: TransportPorts;
}

/** Ports per transport and family, each computed by `f`. */
export function mapPorts(f: (transport: Transport, family: Family) => PortSet): TransportPorts {
  return {
    tcp: { ipv4: f('tcp', 'ipv4'), ipv6: f('tcp', 'ipv6') },
    udp: { ipv4: f('udp', 'ipv4'), ipv6: f('udp', 'ipv6') },
  };
}

const isAll = (set: readonly (readonly [number, number])[]) =>
  set.length === 1 && set[0]?.[0] === 0 && set[0]?.[1] === 65536;

const residualByAnalysis = new WeakMap<Analysis, Map<string, Reach>>();

const worldByAnalysis = new WeakMap<Analysis, Map<string, WorldOpen>>();

/** A group's world-open ports, read from its memoized reach (once per evaluation: four rules ask). */
export function worldOpen(analysis: Analysis, groupId: string): WorldOpen {
  let cache = worldByAnalysis.get(analysis);
  if (!cache) {
    cache = new Map();
    worldByAnalysis.set(analysis, cache);
  }
  let open = cache.get(groupId);
  if (!open) {
    const reach = analysis.groupReach(groupId);
    const world = mapPorts((t, f) => reach[t].worldOpen[f]);
    open = { allTraffic: isAll(world.tcp.ipv4) || isAll(world.tcp.ipv6), world };
    cache.set(groupId, open);
  }
  return open;
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
