import type { Analysis } from '../analysis/analysis';
import { BOTH_FAMILIES, IPV4_ONLY, IPV6_ONLY, listFamilies, NO_FAMILY } from '../analysis/sg-families';
import { type Family, TRANSPORTS, type Transport } from '../analysis/sg-reach';
import type { TransportPorts } from '../analysis/world-open';
import type { PortSpec } from '../config';
import type { IpPermissionInput, RevokeTarget } from '../findings';
import type { SecurityGroupNode, SgRule } from '../model/model';
import { intersect, subtract, union } from '../net/interval-set';
import { formatPortSet, formatPortsWithProtocol, type PortSet } from '../net/ports';
import { matchesTransport } from '../net/protocol';

// Where the rules have always found them; they live with the world-open analysis.
export { mapPorts, somePorts, type TransportPorts } from '../analysis/world-open';

/** Contributing rules listed in evidence; a group with thousands of narrow rules lists a sample. */
const MAX_RULES_IN_EVIDENCE = 20;

/** True when no port of any transport and family is set. */
export function isEmptyPorts(ports: TransportPorts): boolean {
  // Four reads, no closure: this runs for every world-open group in every sg-open-* rule.
  const { tcp, udp } = ports;
  return tcp.ipv4.length === 0 && tcp.ipv6.length === 0 && udp.ipv4.length === 0 && udp.ipv6.length === 0;
}

const NO_PORTS: PortSet = Object.freeze([]) as PortSet;

/** `intersect(a, b)`, without building an empty set when either side is empty. */
export function intersectPorts(a: PortSet, b: PortSet): PortSet {
  return a.length === 0 || b.length === 0 ? NO_PORTS : intersect(a, b);
}

/** `subtract(a, b)`, without building an empty set when `a` is empty. */
export function subtractPorts(a: PortSet, b: PortSet): PortSet {
  return a.length === 0 ? NO_PORTS : subtract(a, b);
}

/** `["22/tcp", "3389/udp"]`: tcp first, then udp, ascending. */
export function formatTransportPorts(ports: Record<Transport, PortSet>): string[] {
  return TRANSPORTS.flatMap((t) => formatPortsWithProtocol(ports[t], t));
}

/** Both families merged, per transport. */
export function mergedFamilies(ports: TransportPorts): Record<Transport, PortSet> {
  return { tcp: union(ports.tcp.ipv4, ports.tcp.ipv6), udp: union(ports.udp.ipv4, ports.udp.ipv6) };
}

/** Structured ports (tcp first, then udp, ascending): what a draft's `ports` holds. */
export function portSpecsOf(ports: Record<Transport, PortSet>): PortSpec[] {
  const out: PortSpec[] = [];
  for (const protocol of TRANSPORTS) {
    // Indexed: destructuring steps an array iterator in code not yet optimized (once per finding).
    const set = ports[protocol];
    for (let i = 0; i < set.length; i++) {
      const interval = set[i] as readonly [number, number];
      out.push({ protocol, from: interval[0], to: interval[1] - 1 });
    }
  }
  return out;
}

/** One family's ports per transport. */
export function familyOnly(ports: TransportPorts, family: Family): Record<Transport, PortSet> {
  return { tcp: ports.tcp[family], udp: ports.udp[family] };
}

/** The family or families a rule's source opens to public addresses (prefix lists: by their entries). */
export function publicFamilies(rule: SgRule, analysis: Analysis): readonly Family[] {
  const { source } = rule;
  // `public` is "meets public space", as intersecting the range with it would say.
  if (source.kind === 'ipv4') return source.public ? IPV4_ONLY : NO_FAMILY;
  if (source.kind === 'ipv6') return source.public ? IPV6_ONLY : NO_FAMILY;
  if (source.kind === 'prefix-list') {
    const list = analysis.model.prefixLists.get(source.prefixListId);
    // An unresolved list may hold anything: it is shown as a possible contributor of both families.
    if (!list) return BOTH_FAMILIES;
    return listFamilies(list.cidrs4.length > 0, list.cidrs6.length > 0);
  }
  return NO_FAMILY;
}

/** True when the rule carries `transport` traffic on at least one port of `ports`. */
function touches(rule: SgRule, transport: Transport, ports: PortSet): boolean {
  if (!matchesTransport(rule.protocol, transport)) return false;
  // `intersect([[from, end]], ports).length > 0` step for step, without the two arrays it builds:
  // this runs for every rule of every group with a finding.
  const from = rule.fromPort;
  const end = rule.toPort + 1;
  for (let j = 0; j < ports.length; j++) {
    const y = ports[j] as readonly [number, number];
    const s = Math.max(from, y[0]);
    const e = Math.min(end, y[1]);
    if (s < e) return true;
    if (end < y[1]) return false;
  }
  return false;
}

/** How a rule reads in evidence: its id when known, protocol, ports and source as written. */
export function describeRule(rule: SgRule): Record<string, string> {
  const { source } = rule;
  const text =
    source.kind === 'ipv4' || source.kind === 'ipv6'
      ? source.cidr
      : source.kind === 'prefix-list'
        ? source.prefixListId
        : (source.groupId ?? source.userId ?? 'referenced group');
  const ports =
    rule.protocol === 'tcp' || rule.protocol === 'udp'
      ? (formatPortSet([[rule.fromPort, rule.toPort + 1]])[0] ?? '')
      : 'all';
  return {
    ...(rule.ruleId ? { ruleId: rule.ruleId } : {}),
    protocol: rule.ipProtocol,
    ports,
    source: text,
  };
}

/**
 * The revoke target of one rule: its id when known, and always the one-source permission as
 * written (protocol and ports exactly as EC2 reported them, so a revoke by permission matches).
 */
export function revokeTarget(rule: SgRule): RevokeTarget {
  const permission: IpPermissionInput = { IpProtocol: rule.ipProtocol };
  if (rule.rawFromPort !== undefined) permission.FromPort = rule.rawFromPort;
  if (rule.rawToPort !== undefined) permission.ToPort = rule.rawToPort;
  const { source } = rule;
  if (source.kind === 'ipv4') permission.IpRanges = [{ CidrIp: source.cidr }];
  else if (source.kind === 'ipv6') permission.Ipv6Ranges = [{ CidrIpv6: source.cidr }];
  else if (source.kind === 'prefix-list') permission.PrefixListIds = [{ PrefixListId: source.prefixListId }];
  else if (source.groupId) {
    permission.UserIdGroupPairs = [
      source.userId ? { GroupId: source.groupId, UserId: source.userId } : { GroupId: source.groupId },
    ];
  }
  return {
    direction: rule.egress ? 'egress' : 'ingress',
    ...(rule.ruleId ? { securityGroupRuleId: rule.ruleId } : {}),
    ipPermission: permission,
  };
}

export function familyText(ports: TransportPorts): string {
  const v4 = TRANSPORTS.some((t) => ports[t].ipv4.length > 0);
  const v6 = TRANSPORTS.some((t) => ports[t].ipv6.length > 0);
  return v4 && v6 ? 'IPv4 and IPv6' : v6 ? 'IPv6' : 'IPv4';
}

/** `sg-0abc (web)` */
export function groupLabel(group: SecurityGroupNode): string {
  return group.name ? `${group.id} (${group.name})` : group.id;
}

/** True when the rule touches `ports` for one of `families` (no closure per rule). */
export function hitsPorts(rule: SgRule, families: readonly Family[], ports: TransportPorts): boolean {
  for (const f of families) {
    for (const t of TRANSPORTS) if (touches(rule, t, ports[t][f])) return true;
  }
  return false;
}

// All traffic first, then tcp and udp (as port lists run: `22/tcp`, `3389/udp`), then the rest.
const PROTOCOL_ORDER: Record<SgRule['protocol'], number> = {
  all: 0,
  tcp: 1,
  udp: 2,
  icmp: 3,
  icmpv6: 4,
  other: 5,
};

const SOURCE_ORDER: Record<SgRule['source']['kind'], number> = {
  ipv4: 0,
  ipv6: 1,
  'prefix-list': 2,
  group: 3,
};

function sourceText(rule: SgRule): string {
  const { source } = rule;
  if (source.kind === 'ipv4' || source.kind === 'ipv6') return source.cidr;
  return source.kind === 'prefix-list' ? source.prefixListId : (source.groupId ?? '');
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order a finding lists its rules in (evidence and revoke plan): by protocol, ports, source,
 * then rule id — not the order EC2 happened to list them in, which may differ from one describe
 * call to the next and between the two views of a group (DESIGN §6: the same rules, the same
 * output). Only the few rules of a finding are sorted.
 */
export function compareRules(a: SgRule, b: SgRule): number {
  return (
    PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] ||
    a.fromPort - b.fromPort ||
    a.toPort - b.toPort ||
    SOURCE_ORDER[a.source.kind] - SOURCE_ORDER[b.source.kind] ||
    text(sourceText(a), sourceText(b)) ||
    text(a.ipProtocol, b.ipProtocol) ||
    text(a.ruleId ?? '', b.ruleId ?? '')
  );
}

/** Rules as evidence lists them: the first `MAX_RULES_IN_EVIDENCE`, described. */
export function shownRules(rules: readonly SgRule[]): Record<string, string>[] {
  return rules.slice(0, MAX_RULES_IN_EVIDENCE).map(describeRule);
}

/**
 * Evidence of a finding on a group's open ports: the ports (merged, then per family), the rules
 * that open them (a sample past `MAX_RULES_IN_EVIDENCE`) and the unresolved prefix lists.
 */
export function openPortsEvidence(
  ports: TransportPorts,
  rules: readonly SgRule[],
  unresolvedPrefixLists: readonly string[],
): Record<string, unknown> {
  // `ports` itself is the draft's structured `ports`, written first by the engine.
  const evidence: Record<string, unknown> = {
    ipv4: formatTransportPorts(familyOnly(ports, 'ipv4')),
    ipv6: formatTransportPorts(familyOnly(ports, 'ipv6')),
    rules: shownRules(rules),
  };
  if (rules.length > MAX_RULES_IN_EVIDENCE) evidence.rulesNotShown = rules.length - MAX_RULES_IN_EVIDENCE;
  if (unresolvedPrefixLists.length > 0) evidence.unresolvedPrefixLists = unresolvedPrefixLists;
  return evidence;
}
