import type { Analysis } from './analysis/analysis';
import {
  type ExposedPorts,
  exposureAnalysis,
  exposureSeverity,
  type InterfaceExposure,
} from './analysis/exposure';
import { segmentPorts } from './analysis/segments';
import { EMPTY_REACH, type Family, TRANSPORTS, type Transport } from './analysis/sg-reach';
import type { Config, PortSpec } from './config';
import { exemptionActive, parseExemptionTag, suppressionFor, tagReason } from './exemptions';
import { type Finding, findingId, type Suppression } from './findings';
import type { Model } from './model/model';
import { intersect, normalize, subtract, union } from './net/interval-set';
import { ALL_PORTS, formatPortsWithProtocol, type PortSet } from './net/ports';
import { interfaceTitle, shownPorts } from './rules/eni-internet-exposed';
import { portSpecsOf } from './rules/sg-open-common';

/**
 * A security-group finding's structured ports (the engine keeps them; the evidence text is never
 * re-read). Only security-group findings are asked for: they are what exempts a group's ports.
 */
export type PortsOf = (finding: Finding) => readonly PortSpec[];

// DESIGN §8 "Exemptions": an interface's `eni-internet-exposed` finding is suppressed for the ports
// on which every security group that opens them to the world is exempted for them (the operator
// accepted that path); its evidence names the exemptions; other ports stay reported.

const ENI_RULE = 'eni-internet-exposed';
const NONE: ExposedPorts = { tcp: [], udp: [] };

/** Why a group is exempted for some ports: the tag or allow-list entry, and the ports it covers. */
interface GroupExemption {
  by: Suppression['by'];
  reason: string;
  ports: ExposedPorts;
}

/** One group's share of an interface's accepted ports, as evidence lists it. */
interface AcceptedThrough {
  groupId: string;
  ports: string[];
  exemptions: { by: Suppression['by']; reason: string }[];
}

const portsText = (ports: ExposedPorts): string[] =>
  TRANSPORTS.flatMap((t) => formatPortsWithProtocol(ports[t], t));
const isEmpty = (ports: ExposedPorts) => ports.tcp.length === 0 && ports.udp.length === 0;
const combine = (a: ExposedPorts, b: ExposedPorts, f: (x: PortSet, y: PortSet) => PortSet): ExposedPorts => ({
  tcp: f(a.tcp, b.tcp),
  udp: f(a.udp, b.udp),
});
const ALL: ExposedPorts = { tcp: ALL_PORTS, udp: ALL_PORTS };

function specsPorts(specs: readonly { protocol: Transport; from: number; to: number }[]): ExposedPorts {
  return {
    tcp: normalize(specs.filter((s) => s.protocol === 'tcp').map((s) => [s.from, s.to + 1] as const)),
    udp: normalize(specs.filter((s) => s.protocol === 'udp').map((s) => [s.from, s.to + 1] as const)),
  };
}

/**
 * The exemptions of one security group, port by port: a tag entry in force for `*` or for
 * `eni-internet-exposed` (every port); a suppressed finding of the group (the ports it reports,
 * exempted by tag or allow-list); an allow-list entry for the group on its ports (all rules, or
 * `eni-internet-exposed`, or the named rules' reported ports).
 */
function groupExemptions(
  groupId: string,
  model: Model,
  config: Config,
  findingsOf: readonly Finding[],
  now: Date | undefined,
  portsOf: PortsOf,
  byShapeOnly: ReadonlySet<Finding>,
): GroupExemption[] {
  const out: GroupExemption[] = [];
  const tag = model.securityGroups.get(groupId)?.tags.find((t) => t.Key === config.exemptionTagKey);
  if (tag) {
    const whole = parseExemptionTag(tag.Value).entries.find(
      (e) => (e.ruleId === '*' || e.ruleId === ENI_RULE) && exemptionActive(e, now),
    );
    // Worded as the group's own suppressed findings word it: the evidence names each exemption once.
    if (whole)
      out.push({ by: 'tag', reason: tagReason(config.exemptionTagKey, tag.Value, whole), ports: ALL });
  }
  for (const finding of findingsOf) {
    // Accepted by shape is no exemption (DESIGN §8: "by tag or allow-list"): the group's interfaces
    // matched a type, which says nothing about an interface's exposure through it.
    if (!finding.suppressed || byShapeOnly.has(finding)) continue;
    const ports = specsPorts(portsOf(finding));
    if (!isEmpty(ports)) out.push({ by: finding.suppressed.by, reason: finding.suppressed.reason, ports });
  }
  for (const entry of config.allowLists) {
    if (entry.resourceId !== groupId) continue;
    const allowed = entry.ports ? specsPorts(entry.ports) : ALL;
    let ports = allowed;
    if (entry.ruleIds && !entry.ruleIds.includes(ENI_RULE)) {
      const named = findingsOf
        .filter((f) => entry.ruleIds?.includes(f.ruleId))
        .map((f) => specsPorts(portsOf(f)));
      ports = combine(
        allowed,
        named.reduce((a, b) => combine(a, b, union), NONE),
        intersect,
      );
    }
    if (!isEmpty(ports)) out.push({ by: 'config', reason: entry.reason, ports });
  }
  return out;
}

/**
 * The latest date on which an exemption of one of `groupIds` (the groups opening an interface to
 * the world) stopped accepting its exposure: a tag entry for `*` or `eni-internet-exposed` past its
 * date, or the expired exemption of one of the group's own findings that nothing else suppresses
 * (`evidence.exemptionExpired`, set by `suppressionFor`). Set on the interface's finding as on a
 * group's own, so that whatever imported it SUPPRESSED while the exemption held reopens it (a date
 * passing is no API call: shared/integrations/security-hub.ts).
 */
function expiredAcceptance(
  groupIds: ReadonlySet<string>,
  model: Model,
  config: Config,
  byGroup: ReadonlyMap<string, readonly Finding[]>,
  now: Date | undefined,
): string | undefined {
  let latest: string | undefined;
  const consider = (date: string) => {
    if (latest === undefined || date > latest) latest = date;
  };
  for (const groupId of groupIds) {
    const tag = model.securityGroups.get(groupId)?.tags.find((t) => t.Key === config.exemptionTagKey);
    if (tag) {
      // As for a group's own findings, any entry in force accepts: an expired one beside it moves nothing.
      const entries = parseExemptionTag(tag.Value).entries.filter(
        (e) => e.ruleId === '*' || e.ruleId === ENI_RULE,
      );
      if (!entries.some((e) => exemptionActive(e, now)))
        for (const e of entries) if (e.until) consider(e.until);
    }
    for (const finding of byGroup.get(groupId) ?? []) {
      const date = finding.evidence.exemptionExpired;
      if (!finding.suppressed && typeof date === 'string') consider(date);
    }
  }
  return latest;
}

/** The ports a group's exemptions cover together. */
const coveredPorts = (exemptions: readonly GroupExemption[]): ExposedPorts =>
  exemptions.reduce((a, e) => combine(a, e.ports, union), NONE);

/**
 * The candidate ports less those that the groups not exempted for them still open to the world
 * together: with sg-1 world-open on 22 and exempted, and sg-2 (0.0.0.0/1) and sg-3 (128.0.0.0/1)
 * not, the interface stays world-open on 22 without sg-1, a path no one accepted. Each run of
 * ports on which the same groups are unexempted is judged with the union of those groups (two or
 * more with a public source; one alone would have been an unexempted opener already).
 */
function openThroughUnexempted(
  candidate: ExposedPorts,
  family: Family,
  groupIds: readonly string[],
  analysis: Analysis,
  exemptionsOf: (groupId: string) => GroupExemption[],
): ExposedPorts {
  if (isEmpty(candidate) || groupIds.length < 2) return candidate;
  const publicGroups = groupIds.filter((id) => analysis.groupReach(id) !== EMPTY_REACH);
  if (publicGroups.length < 2) return candidate;
  const exempt = publicGroups.map((id) => coveredPorts(exemptionsOf(id)));
  const out: ExposedPorts = { tcp: candidate.tcp, udp: candidate.udp };
  for (const t of TRANSPORTS) {
    // Swept together, the candidate's runs (group -1) and each group's exempted runs give the
    // pieces of the candidate over which the same groups are exempted. A port set's run ends one
    // past its last port; a segment's range is inclusive.
    const runs = [
      ...candidate[t].map((ports) => ({ group: -1, ports })),
      ...exempt.flatMap((set, group) => set[t].map((ports) => ({ group, ports }))),
    ];
    let stillOpen: PortSet = [];
    for (const segment of segmentPorts(runs, (run) => [run.ports[0], run.ports[1] - 1])) {
      if (!segment.items.some((run) => run.group < 0)) continue;
      const unexempted = publicGroups.filter((_, k) => !segment.items.some((run) => run.group === k));
      if (unexempted.length < 2) continue;
      const world = analysis.unionReach(unexempted)[t].worldOpen[family];
      stillOpen = union(stillOpen, intersect([[segment.from, segment.to + 1]], world));
    }
    out[t] = subtract(candidate[t], stillOpen);
  }
  return out;
}

/** True when one of the groups has an exemption tag or an allow-list entry (only those accept). */
function someExemptable(
  groupIds: readonly string[],
  model: Model,
  tagKey: string,
  allowListed: ReadonlySet<string>,
): boolean {
  for (const groupId of groupIds) {
    if (allowListed.has(groupId)) return true;
    const tags = model.securityGroups.get(groupId)?.tags;
    if (tags) for (const tag of tags) if (tag.Key === tagKey) return true;
  }
  return false;
}

/**
 * Applies group exemptions to the `eni-internet-exposed` findings (in place): a port every
 * world-opening group of the interface is exempted for is accepted; a finding whose every exposed
 * port is accepted is suppressed, otherwise its reported ports, title and severity shrink to the
 * rest. A port world-open only through the union of narrower groups has no exempted opener and
 * stays reported.
 */
export function acceptExposure(
  findings: Finding[],
  model: Model,
  config: Config,
  analysis: Analysis,
  now: Date | undefined,
  portsOf: PortsOf,
  /** Findings suppressed only by their group's interface shape (`allowInterfaceTypes`, …). */
  byShapeOnly: ReadonlySet<Finding>,
  /** The catalogue's rule ids, as the first judgement of the interface's own tag had them. */
  knownRuleIds: ReadonlySet<string>,
): void {
  // Only groups with an exemption tag or an allow-list entry can accept anything: in most
  // regions no interface has one, and nothing more is computed.
  const allowListed = new Set(config.allowLists.map((e) => e.resourceId));
  // hot: once per finding (plain loops, no closure per call).
  let reported = false;
  for (let i = 0; i < findings.length && !reported; i++) {
    const f = findings[i] as Finding;
    reported = f.ruleId === ENI_RULE && !f.suppressed;
  }
  if (!reported) return;
  // The interfaces one of whose groups is exempted somehow (usually none), from the exposures the
  // findings were made of: each holds its interface, where a finding would look it up by id.
  const exposed = exposureAnalysis(analysis).exposedInterfaces();
  let exemptable: Set<string> | undefined;
  for (let i = 0; i < exposed.length; i++) {
    const exposure = exposed[i] as InterfaceExposure;
    if (!someExemptable(exposure.networkInterface.groupIds, model, config.exemptionTagKey, allowListed))
      continue;
    exemptable ??= new Set();
    exemptable.add(exposure.networkInterfaceId);
  }
  if (exemptable === undefined) return;
  const interfaceFindings: Finding[] = [];
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    if (f.ruleId === ENI_RULE && !f.suppressed && exemptable.has(f.resourceId)) interfaceFindings.push(f);
  }
  if (interfaceFindings.length === 0) return;
  const byGroup = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.resourceType !== 'AWS::EC2::SecurityGroup') continue;
    const list = byGroup.get(f.resourceId) ?? [];
    list.push(f);
    byGroup.set(f.resourceId, list);
  }
  const exemptionsCache = new Map<string, GroupExemption[]>();
  const exemptionsOf = (groupId: string) => {
    let list = exemptionsCache.get(groupId);
    if (!list) {
      list = groupExemptions(groupId, model, config, byGroup.get(groupId) ?? [], now, portsOf, byShapeOnly);
      exemptionsCache.set(groupId, list);
    }
    return list;
  };
  const exposures = new Map(exposed.map((e) => [e.networkInterfaceId, e]));

  for (const finding of interfaceFindings) {
    const exposure = exposures.get(finding.resourceId);
    if (!exposure) continue;
    let remaining: ExposedPorts = NONE;
    const through = new Map<string, { ports: ExposedPorts; exemptions: GroupExemption[] }>();
    const openerIds = new Set<string>();
    for (const family of exposure.families) {
      let opened: ExposedPorts = NONE;
      let unexempted: ExposedPorts = NONE;
      const openers: { groupId: string; world: ExposedPorts }[] = [];
      for (const groupId of family.path.securityGroupIds) {
        const reach = analysis.groupReach(groupId);
        const world = combine(
          { tcp: reach.tcp.worldOpen[family.family], udp: reach.udp.worldOpen[family.family] },
          family.ports,
          intersect,
        );
        if (isEmpty(world)) continue;
        openers.push({ groupId, world });
        openerIds.add(groupId);
        opened = combine(opened, world, union);
        const exempt = coveredPorts(exemptionsOf(groupId));
        unexempted = combine(unexempted, combine(world, exempt, subtract), union);
      }
      const accepted = openThroughUnexempted(
        combine(opened, unexempted, subtract),
        family.family,
        family.path.securityGroupIds,
        analysis,
        exemptionsOf,
      );
      remaining = combine(remaining, combine(family.ports, accepted, subtract), union);
      for (const { groupId, world } of openers) {
        const ports = combine(world, accepted, intersect);
        if (isEmpty(ports)) continue;
        const used = exemptionsOf(groupId).filter((e) => !isEmpty(combine(e.ports, ports, intersect)));
        const known = through.get(groupId);
        through.set(groupId, {
          ports: known ? combine(known.ports, ports, union) : ports,
          exemptions: known ? [...new Set([...known.exemptions, ...used])] : used,
        });
      }
    }
    if (!isEmpty(remaining)) {
      const expired = expiredAcceptance(openerIds, model, config, byGroup, now);
      if (expired !== undefined) finding.evidence.exemptionExpired = expired;
    }
    const acceptedPorts = combine(exposure.ports, remaining, subtract);
    if (isEmpty(acceptedPorts)) continue;
    const acceptedThrough: AcceptedThrough[] = [...through.entries()].map(([groupId, t]) => {
      // A `*` tag both covers every port and suppresses each of the group's findings: name it once.
      const named = new Map(
        t.exemptions.map((e) => [`${e.by}\u0000${e.reason}`, { by: e.by, reason: e.reason }]),
      );
      return { groupId, ports: portsText(t.ports), exemptions: [...named.values()] };
    });
    const acceptedText = portsText(acceptedPorts);
    finding.evidence.acceptedPorts = acceptedText;
    finding.evidence.acceptedThrough = acceptedThrough;
    const names = acceptedThrough
      .map((a) => `${a.groupId} (${a.exemptions.map((e) => `${e.by}: ${e.reason}`).join('; ')})`)
      .join(', ');
    if (isEmpty(remaining)) {
      const byConfigOnly = acceptedThrough.every((a) => a.exemptions.every((e) => e.by === 'config'));
      finding.suppressed = {
        by: byConfigOnly ? 'config' : 'tag',
        reason: `every security group that opens ${acceptedText.join(', ')} to the internet is exempted for them: ${names}`,
      };
      continue;
    }
    const reported = portsText(remaining);
    finding.evidence.ports = reported;
    // The id follows what is reported (DESIGN §6: the evidence key is the reported ports): the
    // same as with the accepted ports closed, and unchanged when an accepted port opens or closes.
    finding.id = findingId(ENI_RULE, finding.resourceId, reported.join(','));
    finding.severity = exposureSeverity(remaining, config);
    const instanceId = finding.evidence.instanceId;
    finding.title = interfaceTitle(
      finding.resourceId,
      typeof instanceId === 'string' ? instanceId : undefined,
      shownPorts(reported),
    );
    finding.detail += ` Accepted, as every security group opening them is exempted for them: ${acceptedText.join(', ')} through ${names}; still reported: ${reported.join(', ')}.`;
    // An allow-list entry of the interface itself may cover what is left.
    // Judged with the same rule ids: the tag's unreadable parts (a misspelt id) are shown again as before.
    const own = suppressionFor(finding, model, config, now, portSpecsOf(remaining), knownRuleIds);
    if (own) finding.suppressed = own;
  }
}
