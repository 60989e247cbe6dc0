import type { Analysis } from '../analysis/analysis';
import { portClasses } from '../analysis/port-classes';
import {
  computeReach,
  EMPTY_REACH,
  type Family,
  type FamilyPorts,
  type Reach,
  TRANSPORTS,
  type Transport,
  worldSourceFamilies,
} from '../analysis/sg-reach';
import type { Config } from '../config';
import type { FindingDraft, IpPermissionInput, RevokeTarget, Severity } from '../findings';
import type { SecurityGroupNode, SgRule } from '../model/model';
import { intersect, subtract, union } from '../net/interval-set';
import { formatPortSet, formatPortsWithProtocol, type PortSet } from '../net/ports';
import { matchesTransport } from '../net/protocol';
import { PUBLIC_IPV4, PUBLIC_IPV6 } from '../net/public-space';

/** Ports per transport protocol and address family. */
export type TransportPorts = Record<Transport, FamilyPorts>;

/** A group's world-open ports split by the precedence of DESIGN §5. */
export interface WorldOpenSplit {
  /** Every tcp port is world-open in at least one family: the group gets only `sg-open-all-traffic`. */
  allTraffic: boolean;
  /** Every world-open port. */
  world: TransportPorts;
  admin: TransportPorts;
  /** High-risk ports other than admin ones. */
  highRisk: TransportPorts;
  /** World-open ports that are neither admin, high-risk nor authorized. */
  unauthorized: TransportPorts;
}

const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
/** Contributing rules listed in evidence; a group with thousands of narrow rules lists a sample. */
const MAX_RULES_IN_EVIDENCE = 20;

const splitByAnalysis = new WeakMap<Analysis, Map<string, WorldOpenSplit>>();
const residualByAnalysis = new WeakMap<Analysis, Map<string, Reach>>();

function mapPorts(f: (transport: Transport, family: Family) => PortSet): TransportPorts {
  return {
    tcp: { ipv4: f('tcp', 'ipv4'), ipv6: f('tcp', 'ipv6') },
    udp: { ipv4: f('udp', 'ipv4'), ipv6: f('udp', 'ipv6') },
  };
}

const isAll = (set: PortSet) => set.length === 1 && set[0]?.[0] === 0 && set[0]?.[1] === 65536;

/**
 * Splits a reach's world-open ports by precedence: all-traffic > admin > high-risk > unauthorized.
 * Authorized ports (80/443 by default) fall in no class.
 */
function splitReach(reach: Reach, config: Config): WorldOpenSplit {
  const classes = portClasses(config);
  const world = mapPorts((t, f) => reach[t].worldOpen[f]);
  const admin = mapPorts((t, f) => intersect(world[t][f], classes.admin[t]));
  const highRisk = mapPorts((t, f) =>
    subtract(intersect(world[t][f], classes.highRisk[t]), classes.admin[t]),
  );
  const unauthorized = mapPorts((t, f) =>
    subtract(subtract(subtract(world[t][f], classes.admin[t]), classes.highRisk[t]), classes.authorized[t]),
  );
  return {
    allTraffic: isAll(world.tcp.ipv4) || isAll(world.tcp.ipv6),
    world,
    admin,
    highRisk,
    unauthorized,
  };
}

const EMPTY_TRANSPORT_PORTS: TransportPorts = { tcp: { ipv4: [], ipv6: [] }, udp: { ipv4: [], ipv6: [] } };
const EMPTY_SPLIT: WorldOpenSplit = {
  allTraffic: false,
  world: EMPTY_TRANSPORT_PORTS,
  admin: EMPTY_TRANSPORT_PORTS,
  highRisk: EMPTY_TRANSPORT_PORTS,
  unauthorized: EMPTY_TRANSPORT_PORTS,
};

/** The precedence split of one group's world-open ingress ports (memoized per evaluation). */
function worldOpenSplit(analysis: Analysis, groupId: string): WorldOpenSplit {
  let cache = splitByAnalysis.get(analysis);
  if (!cache) {
    cache = new Map();
    splitByAnalysis.set(analysis, cache);
  }
  let split = cache.get(groupId);
  if (!split) {
    // Nine groups in ten reach nothing: one shared empty split instead of a dozen empty port sets each.
    const reach = analysis.groupReach(groupId);
    split = reach === EMPTY_REACH ? EMPTY_SPLIT : splitReach(reach, analysis.config);
    cache.set(groupId, split);
  }
  return split;
}

/**
 * What stays world-open once every ingress rule with a world source (`0.0.0.0/0`, `::/0`, a prefix
 * list holding them) is revoked: those ports cannot be fixed by revoking and are notify-only.
 */
function residualReach(analysis: Analysis, group: SecurityGroupNode): Reach {
  let cache = residualByAnalysis.get(analysis);
  if (!cache) {
    cache = new Map();
    residualByAnalysis.set(analysis, cache);
  }
  let reach = cache.get(group.id);
  if (!reach) {
    const { prefixLists } = analysis.model;
    const kept = group.ingress.filter((r) => worldSourceFamilies(r, prefixLists).length === 0);
    reach =
      kept.length === group.ingress.length
        ? analysis.groupReach(group.id)
        : computeReach(kept, prefixLists, analysis.config.worldOpenCoverage);
    cache.set(group.id, reach);
  }
  return reach;
}

/** True when no port of any transport and family is set. */
export function isEmptyPorts(ports: TransportPorts): boolean {
  return TRANSPORTS.every((t) => ports[t].ipv4.length === 0 && ports[t].ipv6.length === 0);
}

/** `["22/tcp", "3389/udp"]`: tcp first, then udp, ascending. */
export function formatTransportPorts(ports: Record<Transport, PortSet>): string[] {
  return TRANSPORTS.flatMap((t) => formatPortsWithProtocol(ports[t], t));
}

/** Both families merged, per transport. */
export function mergedFamilies(ports: TransportPorts): Record<Transport, PortSet> {
  return { tcp: union(ports.tcp.ipv4, ports.tcp.ipv6), udp: union(ports.udp.ipv4, ports.udp.ipv6) };
}

export function familyOnly(ports: TransportPorts, family: Family): Record<Transport, PortSet> {
  return { tcp: ports.tcp[family], udp: ports.udp[family] };
}

/** The family or families a rule's source opens to public addresses (prefix lists: by their entries). */
export function publicFamilies(rule: SgRule, analysis: Analysis): Family[] {
  const { source } = rule;
  if (source.kind === 'ipv4') {
    return intersect([[source.range.start, source.range.end]], PUBLIC_IPV4).length > 0 ? ['ipv4'] : [];
  }
  if (source.kind === 'ipv6') {
    return intersect([[source.range.start, source.range.end]], PUBLIC_IPV6).length > 0 ? ['ipv6'] : [];
  }
  if (source.kind === 'prefix-list') {
    const list = analysis.model.prefixLists.get(source.prefixListId);
    // An unresolved list may hold anything: it is shown as a possible contributor of both families.
    if (!list) return ['ipv4', 'ipv6'];
    const out: Family[] = [];
    if (list.cidrs4.length > 0) out.push('ipv4');
    if (list.cidrs6.length > 0) out.push('ipv6');
    return out;
  }
  return [];
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

/** What a sg-open-* rule supplies for its finding. */
export interface SgOpenDefinition {
  ruleId: string;
  severity: Severity;
  controls: readonly string[];
  title: string;
  /** The sentence that says why these ports matter (appended to the detail). */
  why: string;
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
  portList: string[],
  rules: readonly SgRule[],
  unresolvedPrefixLists: readonly string[],
): Record<string, unknown> {
  const evidence: Record<string, unknown> = {
    ports: portList,
    ipv4: formatTransportPorts(familyOnly(ports, 'ipv4')),
    ipv6: formatTransportPorts(familyOnly(ports, 'ipv6')),
    rules: shownRules(rules),
  };
  if (rules.length > MAX_RULES_IN_EVIDENCE) evidence.rulesNotShown = rules.length - MAX_RULES_IN_EVIDENCE;
  if (unresolvedPrefixLists.length > 0) evidence.unresolvedPrefixLists = unresolvedPrefixLists;
  return evidence;
}

/**
 * The finding of a sg-open-* rule for one group and its world-open ports: evidence with the ports
 * (`"22/tcp"`), per-family detail, the contributing rules and unresolved prefix lists, and the
 * revoke plan of the rules whose own source is the world on those ports (DESIGN §8 precision).
 */
function sgOpenDraft(
  analysis: Analysis,
  group: SecurityGroupNode,
  definition: SgOpenDefinition,
  ports: TransportPorts,
): FindingDraft {
  const { prefixLists } = analysis.model;
  const merged = mergedFamilies(ports);
  const portList = formatTransportPorts(merged);

  const contributing: SgRule[] = [];
  const targets: SgRule[] = [];
  for (const rule of group.ingress) {
    if (hitsPorts(rule, worldSourceFamilies(rule, prefixLists), ports)) targets.push(rule);
    if (hitsPorts(rule, publicFamilies(rule, analysis), ports)) contributing.push(rule);
  }

  const residual = residualReach(analysis, group);
  const notRemediable: Partial<Record<Family, string[]>> = {};
  for (const family of FAMILIES) {
    const stuck = formatTransportPorts({
      tcp: intersect(ports.tcp[family], residual.tcp.worldOpen[family]),
      udp: intersect(ports.udp[family], residual.udp.worldOpen[family]),
    });
    if (stuck.length > 0) notRemediable[family] = stuck;
  }

  const unresolved = analysis.groupReach(group.id).unresolvedPrefixLists;
  const evidence = openPortsEvidence(ports, portList, contributing, unresolved);
  const stuckFamilies = Object.keys(notRemediable).length > 0;
  if (stuckFamilies) evidence.notRemediable = notRemediable;

  let detail =
    `Security group ${groupLabel(group)} admits the whole internet (${familyText(ports)}) ` +
    `on ${portList.join(', ')}. ${definition.why}`;
  if (targets.length > 0) {
    detail += ` Fix: revoke the ${targets.length === 1 ? 'rule' : `${targets.length} rules`} whose source is the whole internet; other sources stay.`;
  }
  if (stuckFamilies) {
    detail +=
      ' Some ports stay world-open through a union of narrower ranges (see notRemediable): ' +
      'they are reported only, narrow those sources by hand.';
  }
  if (unresolved.length > 0) {
    detail += ` Prefix lists ${unresolved.join(', ')} could not be resolved; their entries are unknown.`;
  }

  return {
    ruleId: definition.ruleId,
    severity: definition.severity,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: group.id,
    vpcId: group.vpcId,
    title: definition.title,
    detail,
    controls: [...definition.controls],
    evidence,
    ...(targets.length > 0
      ? {
          remediation: {
            action: 'revoke-security-group-rules' as const,
            groupId: group.id,
            rules: targets.map(revokeTarget),
          },
        }
      : {}),
    evidenceKey: portList.join(','),
  };
}

/**
 * Runs one sg-open-* rule over every group: `select` picks the rule's ports from the split, and
 * returns undefined when the rule does not apply to the group.
 */
export function evaluateSgOpen(
  analysis: Analysis,
  definition: SgOpenDefinition,
  select: (split: WorldOpenSplit) => TransportPorts | undefined,
): FindingDraft[] {
  const drafts: FindingDraft[] = [];
  // Groups with an empty reach have an empty split: only the few with a reach are read.
  for (const group of analysis.groupsWithReach()) {
    const ports = select(worldOpenSplit(analysis, group.id));
    if (ports && !isEmptyPorts(ports)) drafts.push(sgOpenDraft(analysis, group, definition, ports));
  }
  return drafts;
}
