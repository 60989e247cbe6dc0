import type { Analysis, Direction } from '../analysis/analysis';
import { memoByTwoKeys } from '../analysis/memo';
import type { NaclSegment } from '../analysis/nacl-eval';
import { portClasses } from '../analysis/port-classes';
import { TRANSPORTS, type Transport } from '../analysis/sg-reach';
import type { FindingDraft } from '../findings';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { formatSet4, formatSet6 } from '../net/cidr-format';
import { type Interval, type IntervalSet, intersect, normalize, subtract, union } from '../net/interval-set';
import { type PortSet, type PortSpec, portRangeSet } from '../net/ports';
import { defineRule, reportOnly } from './define-rule';
import { aclLabel, describeEntry, subnetsUsing } from './nacl-common';
import { formatTransportPorts, portSpecsOf } from './sg-open-common';

const ID = 'nacl-ephemeral-return-blocked';
const TITLE = 'Network ACL blocks the return traffic of a service it allows';
/** Blocked peer ranges shown per family: enough to recognise them, bounded for the notice. */
const MAX_PEERS_IN_EVIDENCE = 5;

interface Peers {
  v4: IntervalSet<number>;
  v6: IntervalSet<bigint>;
}

const NO_PEERS4: IntervalSet<number> = Object.freeze([]);
const NO_PEERS6: IntervalSet<bigint> = Object.freeze([]);
const EMPTY: Peers = { v4: NO_PEERS4, v6: NO_PEERS6 };
const opposite = (d: Direction): Direction => (d === 'ingress' ? 'egress' : 'ingress');
const unionPeers = (a: Peers, b: Peers): Peers => ({ v4: union(a.v4, b.v4), v6: union(a.v6, b.v6) });
const isEmpty = (p: Peers) => p.v4.length === 0 && p.v6.length === 0;

/**
 * Peers let through on the service ports (below the ephemeral range), after first match. Any allow
 * entry contributing on a port below the ephemeral range has a part below it, so it is a service
 * entry by definition.
 */
function servicePeers(segments: readonly NaclSegment[], ephemeralFrom: number): Peers {
  // hot: segments of one first-match decision share their (normalized) sets, so a set equal by
  // reference to the one before adds nothing, and one distinct set is the union itself.
  let first4: IntervalSet<number> | undefined;
  let first6: IntervalSet<bigint> | undefined;
  let v4: Interval<number>[] | undefined;
  let v6: Interval<bigint>[] | undefined;
  let last4: IntervalSet<number> | undefined;
  let last6: IntervalSet<bigint> | undefined;
  for (const segment of segments) {
    if (segment.from >= ephemeralFrom) continue;
    const s4 = segment.v4;
    if (s4.length > 0 && s4 !== last4) {
      last4 = s4;
      if (!first4) first4 = s4;
      else {
        v4 ??= first4.slice();
        for (const interval of s4) v4.push(interval);
      }
    }
    const s6 = segment.v6;
    if (s6.length > 0 && s6 !== last6) {
      last6 = s6;
      if (!first6) first6 = s6;
      else {
        v6 ??= first6.slice();
        for (const interval of s6) v6.push(interval);
      }
    }
  }
  return {
    v4: v4 ? normalize(v4) : (first4 ?? NO_PEERS4),
    v6: v6 ? normalize(v6) : (first6 ?? NO_PEERS6),
  };
}

/** The service entries of `servicePeers` by rule number (read only when a return path is broken). */
function serviceEntries(segments: readonly NaclSegment[], ephemeralFrom: number): Map<number, NaclEntry> {
  const entries = new Map<number, NaclEntry>();
  for (const segment of segments) {
    if (segment.from >= ephemeralFrom) continue;
    for (const entry of segment.contributors4) entries.set(entry.ruleNumber, entry);
    for (const entry of segment.contributors6) entries.set(entry.ruleNumber, entry);
  }
  return entries;
}

/** Running state of one return-path check. */
interface ReturnCheck {
  peers: Peers;
  ports: [number, number][];
  cut: Peers;
  // Segments with the same covering entries share their permitted sets (same references), so the
  // subtraction is redone only when the permitted sets change.
  lastV4?: IntervalSet<number>;
  lastV6?: IntervalSet<bigint>;
  lastMissing: Peers;
}

function missingFor(check: ReturnCheck, v4: IntervalSet<number>, v6: IntervalSet<bigint>): Peers {
  if (v4 !== check.lastV4 || v6 !== check.lastV6) {
    check.lastV4 = v4;
    check.lastV6 = v6;
    check.lastMissing = { v4: subtract(check.peers.v4, v4), v6: subtract(check.peers.v6, v6) };
  }
  return check.lastMissing;
}

function record(check: ReturnCheck, from: number, to: number, missing: Peers): void {
  if (isEmpty(missing)) return;
  check.ports.push([from, to + 1]);
  check.cut = unionPeers(check.cut, missing);
}

/**
 * Return ports on which some of `peers` are not permitted, and the peers cut off on at least
 * one of them. A peer permitted on only some ephemeral ports is cut off: its stack picks any of them.
 */
function blockedReturn(segments: readonly NaclSegment[], required: PortSet, peers: Peers) {
  const check: ReturnCheck = { peers, ports: [], cut: EMPTY, lastMissing: EMPTY };
  for (const interval of required) {
    const end = interval[1];
    let at = interval[0];
    for (const segment of segments) {
      if (segment.to < at || segment.from >= end) continue;
      if (segment.from > at) record(check, at, segment.from - 1, peers);
      const to = Math.min(segment.to, end - 1);
      record(check, Math.max(segment.from, at), to, missingFor(check, segment.v4, segment.v6));
      at = to + 1;
      if (at >= end) break;
    }
    if (at < end) record(check, at, end - 1, peers);
  }
  return { ports: normalize(check.ports), cut: check.cut };
}

/** Whether an entry lets through any of the cut-off peers (it is one of the broken services). */
function reaches(entry: NaclEntry, cut: Peers): boolean {
  if (entry.range4) return intersect([[entry.range4.start, entry.range4.end]], cut.v4).length > 0;
  if (entry.range6) return intersect([[entry.range6.start, entry.range6.end]], cut.v6).length > 0;
  return false;
}

/** Everything a finding says that depends only on the NACL's entries (not on its id or subnets). */
interface ReturnTemplate {
  /** The blocked return ports, structured: the engine writes `evidence.ports`, allow-lists read them. */
  ports: PortSpec[];
  directions: Record<string, unknown>[];
  summary: string;
  evidenceKey: string;
}

/** The finding's content for one NACL's entries, or undefined when no return path is broken. */
function returnTemplate(
  analysis: Analysis,
  acl: NetworkAclNode,
  ephemeralFrom: number,
  /** Per transport, the return ports every served peer needs: the ephemeral range but admin ports. */
  required: Record<Transport, PortSet>,
): ReturnTemplate | undefined {
  const directions: Record<string, unknown>[] = [];
  const allPorts: Record<Transport, PortSet> = { tcp: [], udp: [] };
  const keys: string[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const back = opposite(direction);
    const services = new Map<number, NaclEntry>();
    const blockedPorts: Record<Transport, PortSet> = { tcp: [], udp: [] };
    let cutPeers = EMPTY;
    for (const transport of TRANSPORTS) {
      const segments = analysis.naclEntries(acl[direction], transport);
      const peers = servicePeers(segments, ephemeralFrom);
      if (isEmpty(peers)) continue;
      const { ports, cut } = blockedReturn(
        analysis.naclEntries(acl[back], transport),
        required[transport],
        peers,
      );
      if (ports.length === 0) continue;
      blockedPorts[transport] = ports;
      allPorts[transport] = union(allPorts[transport], ports);
      cutPeers = unionPeers(cutPeers, cut);
      for (const entry of serviceEntries(segments, ephemeralFrom).values())
        if (reaches(entry, cut)) services.set(entry.ruleNumber, entry);
    }
    const portList = formatTransportPorts(blockedPorts);
    if (portList.length === 0) continue;
    keys.push(`${direction}:${portList.join(',')}`);
    const blockedPeers: Record<string, string[]> = {};
    if (cutPeers.v4.length > 0) blockedPeers.ipv4 = formatSet4(cutPeers.v4, MAX_PEERS_IN_EVIDENCE);
    if (cutPeers.v6.length > 0) blockedPeers.ipv6 = formatSet6(cutPeers.v6, MAX_PEERS_IN_EVIDENCE);
    directions.push({
      direction,
      returnDirection: back,
      serviceEntries: [...services.values()].sort((a, b) => a.ruleNumber - b.ruleNumber).map(describeEntry),
      blockedPorts: portList,
      blockedPeers,
    });
  }
  if (directions.length === 0) return undefined;
  const summary = directions
    .map((d) => {
      const numbers = (d.serviceEntries as { ruleNumber: number }[]).map((e) => e.ruleNumber);
      const service = d.direction === 'ingress' ? 'inbound' : 'outbound';
      const back = d.returnDirection === 'ingress' ? 'inbound' : 'outbound';
      const entries =
        numbers.length === 1 ? `entry ${numbers[0]} allows` : `entries ${numbers.join(', ')} allow`;
      return `${service} ${entries} a service, but ${back} return traffic to those peers is not allowed on ${(d.blockedPorts as string[]).join(', ')}`;
    })
    .join('; ');
  return {
    ports: portSpecsOf(allPorts),
    directions,
    summary,
    evidenceKey: keys.join('|'),
  };
}

/**
 * The stateless-firewall trap (DESIGN §5): a NACL allows a service in one direction, but the
 * opposite direction does not let the same peers through on the whole ephemeral range for the
 * same protocol, so replies are dropped. Admin ports inside the return range are excepted: denying
 * 22/3389 there is the standard way to close them and must not be punished.
 *
 * NACLs with identical entries share their `Analysis.nacl` evaluations (the same segment arrays):
 * the finding's content is computed once per pair of inbound and outbound evaluations.
 */
export const naclEphemeralReturnBlocked = defineRule({
  meta: reportOnly(ID, 'medium', {
    title: TITLE,
    resourceType: 'AWS::EC2::NetworkAcl',
    parameters: ['ephemeralPorts', 'adminPorts'],
  }),
  evaluate(context) {
    const { analysis, config } = context;
    const admin = portClasses(config).admin;
    const ephemeral = config.ephemeralPorts;
    const tail =
      `NACLs are stateless: replies go to the peer's ephemeral ports (${ephemeral.from}-${ephemeral.to}), ` +
      'so these connections fail. Allow the return range for those peers (admin ports may stay denied).';
    const ephemeralPorts = `${ephemeral.from}-${ephemeral.to}`;
    const returnRange = portRangeSet(ephemeral.from, ephemeral.to);
    const required: Record<Transport, PortSet> = {
      tcp: subtract(returnRange, admin.tcp),
      udp: subtract(returnRange, admin.udp),
    };
    const drafts: FindingDraft[] = [];
    // Keyed by the shared tcp evaluations of both directions: equal keys mean equal entry lists.
    const templates = new Map<readonly NaclSegment[], Map<readonly NaclSegment[], ReturnTemplate | null>>();
    for (const acl of context.model.networkAcls.values()) {
      const inKey = analysis.naclEntries(acl.ingress, 'tcp');
      const outKey = analysis.naclEntries(acl.egress, 'tcp');
      const template = memoByTwoKeys(
        templates,
        inKey,
        outKey,
        () => returnTemplate(analysis, acl, ephemeral.from, required) ?? null,
      );
      if (template === null) continue;
      const subnetIds = subnetsUsing(context, acl);
      const associated = subnetIds.length > 0;
      // Key order is the evidence's order in the report.
      // `ports` leads the evidence: the engine writes it from the draft's structured ports.
      const evidence: Record<string, unknown> = associated
        ? { ephemeralPorts, associated, subnetIds, directions: template.directions }
        : {
            ephemeralPorts,
            associated,
            subnetIds,
            association: 'not associated',
            directions: template.directions,
          };
      drafts.push({
        ruleId: ID,
        severity: 'medium',
        resourceType: 'AWS::EC2::NetworkAcl',
        resourceId: acl.id,
        vpcId: acl.vpcId,
        title: TITLE,
        detail: `Network ACL ${aclLabel(acl, subnetIds)}: ${template.summary}. ${tail}`,
        controls: [],
        evidence,
        ports: template.ports,
        evidenceKey: template.evidenceKey,
        resourceTags: acl.tags,
      });
    }
    return drafts;
  },
});
