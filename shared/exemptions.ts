import { portSetsBySpec } from './analysis/port-classes';
import { TRANSPORTS } from './analysis/sg-reach';
import type { AllowListEntry, Config, PortSpec } from './config';
import {
  type Finding,
  ID_PREFIXES,
  judgedTypeOf,
  type ResourceType,
  type RevokeTarget,
  type Suppression,
} from './findings';
import type { Model } from './model/model';
import type { Tag } from './model/snapshot-schema';
import { intersect, isSubset } from './net/interval-set';
import { formatPortsWithProtocol, type PortSet } from './net/ports';
import { matchesTransport, parseProtocol } from './net/protocol';

/** One rule id (or `*`) of an exemption tag value, with its optional expiry date. */
export interface ExemptionEntry {
  ruleId: string;
  /** `YYYY-MM-DD`: exempt through the end of that day (UTC). */
  until?: string;
}

const ENTRY = /^([a-z0-9*][a-z0-9-]*|\*)(?:@(\d{4}-\d{2}-\d{2}))?$/;

/**
 * Parses an exemption tag value: `*` or a comma list of rule ids, each optionally `@YYYY-MM-DD`.
 * Returns the entries and the parts that could not be read (reported, never silently dropped).
 */
export function parseExemptionTag(value: string): { entries: ExemptionEntry[]; invalid: string[] } {
  const entries: ExemptionEntry[] = [];
  const invalid: string[] = [];
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = ENTRY.exec(part);
    const date = m?.[2];
    if (!m || (date !== undefined && !isCalendarDate(date))) {
      invalid.push(part);
      continue;
    }
    entries.push(date ? { ruleId: m[1] as string, until: date } : { ruleId: m[1] as string });
  }
  // An empty value (the console lets a tag be set with a key alone) names nothing: said, like any
  // unreadable value, rather than read in silence as "exempt nothing" (or taken for `*`).
  if (entries.length === 0 && invalid.length === 0) invalid.push(value);
  return { entries, invalid };
}

/** True for a real day: `2025-02-30` is rejected (Date.parse would roll it over to March 2). */
function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/** True while the entry is in force at `now` (an undated entry always is). */
export function exemptionActive(entry: ExemptionEntry, now: Date | undefined): boolean {
  if (!entry.until || !now) return true;
  return now.getTime() < Date.parse(`${entry.until}T00:00:00Z`) + 86_400_000;
}

/** How a suppression by tag names its reason: the tag as set, and the expiry of the entry in force. */
export function tagReason(key: string, value: string, entry: ExemptionEntry): string {
  return `${key}=${value}${entry.until ? ` until ${entry.until}` : ''}`;
}

const NO_TAGS: readonly Tag[] = Object.freeze([]);

/**
 * Tags of a resource of the model. hot: once per finding; a switch on the type (an exhaustive one:
 * a new type must say where its tags are) rather than a call through a table of closures.
 */
export function resourceTags(model: Model, type: ResourceType, id: string): readonly Tag[] {
  switch (type) {
    case 'AWS::EC2::SecurityGroup':
      return model.securityGroups.get(id)?.tags ?? NO_TAGS;
    case 'AWS::EC2::NetworkAcl':
      return model.networkAcls.get(id)?.tags ?? NO_TAGS;
    case 'AWS::EC2::Subnet':
      return model.subnets.get(id)?.tags ?? NO_TAGS;
    case 'AWS::EC2::RouteTable':
      return model.routeTables.get(id)?.tags ?? NO_TAGS;
    case 'AWS::EC2::NatGateway':
      return model.natGateways.get(id)?.Tags ?? NO_TAGS;
    case 'AWS::EC2::VPCEndpoint':
      return model.vpcEndpoints.get(id)?.Tags ?? NO_TAGS;
    case 'AWS::EC2::NetworkInterface':
      return model.networkInterfaces.get(id)?.tags ?? NO_TAGS;
    default:
      return unknownType(type);
  }
}

function unknownType(type: never): never {
  throw new Error(`no tags known for resource type ${String(type)}`);
}

/**
 * Why a finding is suppressed, if it is: an exemption tag on its resource naming its rule (or `*`)
 * and not expired, or a config allow-list entry covering its resource, rule and `ports` (the
 * finding's structured ports). A tag that cannot be read is recorded in the finding's evidence and
 * suppresses nothing.
 */
export function suppressionFor(
  finding: Finding,
  model: Model,
  config: Config,
  now?: Date,
  ports?: readonly PortSpec[],
  /** The catalogue's rule ids: a tag entry naming another id (a typo) is shown as unreadable. */
  knownRuleIds?: ReadonlySet<string>,
  /** The resource's tags, when the caller holds them (else looked up in the model by id). */
  tagsOfResource?: readonly Tag[],
): Suppression | undefined {
  // A plain loop, no closure: this runs once per finding (tens of thousands on a large region),
  // and almost every resource has no exemption tag and no allow-list entry.
  const tags = tagsOfResource ?? resourceTags(model, finding.resourceType, finding.resourceId);
  const key = config.exemptionTagKey;
  let tag: Tag | undefined;
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i] as Tag;
    if (t.Key === key) {
      tag = t;
      break;
    }
  }
  if (!tag && config.allowLists.length === 0) return undefined;
  if (tag) {
    const { entries, invalid } = parseExemptionTag(tag.Value);
    // A misspelt rule id exempts nothing, like any unreadable part, and is shown the same way.
    if (knownRuleIds) {
      for (const e of entries) {
        if (e.ruleId !== '*' && !knownRuleIds.has(e.ruleId))
          invalid.push(e.until ? `${e.ruleId}@${e.until}` : e.ruleId);
      }
    }
    if (invalid.length > 0) finding.evidence.exemptionTagUnreadable = invalid;
    // Any entry in force suppresses: an expired `*@…` must not hide a later entry for the rule.
    const matches = entries.filter((e) => e.ruleId === '*' || e.ruleId === finding.ruleId);
    const active = matches.find((e) => exemptionActive(e, now));
    if (active) return { by: 'tag', reason: tagReason(config.exemptionTagKey, tag.Value, active) };
    const expired = matches.map((e) => e.until).filter((d): d is string => d !== undefined);
    if (expired.length > 0) finding.evidence.exemptionExpired = expired.sort().at(-1);
  }
  const allowed = config.allowLists.find((entry) => allowListCovers(entry, finding, ports));
  return allowed ? { by: 'config', reason: allowed.reason } : undefined;
}

const ENI_RULE_ID = 'eni-internet-exposed';

/** Each kind of resource a rule judges, as a warning names it. */
export const KIND_NAMES: Record<ResourceType, string> = {
  'AWS::EC2::SecurityGroup': 'security groups',
  'AWS::EC2::NetworkAcl': 'network ACLs',
  'AWS::EC2::Subnet': 'subnets',
  'AWS::EC2::RouteTable': 'route tables',
  'AWS::EC2::NatGateway': 'NAT gateways',
  'AWS::EC2::VPCEndpoint': 'VPC endpoints',
  'AWS::EC2::NetworkInterface': 'network interfaces',
};

/**
 * The kind of resource `ruleId` judges when it is not `kind`, so that an entry naming it on a
 * `kind` resource suppresses nothing; undefined for `*`, an id not in `rules`, and a group's
 * `eni-internet-exposed` (it accepts its interfaces' exposure: accepted-exposure.ts).
 */
export function otherKindJudged(
  ruleId: string,
  kind: ResourceType,
  rules: readonly { id: string; resourceType: ResourceType }[],
): ResourceType | undefined {
  const type = rules.find((rule) => rule.id === ruleId)?.resourceType;
  if (type === undefined || type === kind) return undefined;
  return ruleId === ENI_RULE_ID && kind === 'AWS::EC2::SecurityGroup' ? undefined : type;
}

/**
 * Allow-list entries that can suppress nothing, as warnings: a resource of a kind no rule judges
 * (a VPC, an instance, a security-group rule `sgr-`), or a listed rule that judges another kind
 * (`nacl-open-admin-port` for a group). Such an entry would otherwise be a silent no-op, the
 * operator believing a finding allowed (DESIGN §8 says the same of a tag on an instance or a VPC).
 * `rules`: the catalogue's id and resource type of each rule.
 */
export function allowListWarnings(
  config: Config,
  rules: readonly { id: string; resourceType: ResourceType }[],
): string[] {
  const warnings: string[] = [];
  config.allowLists.forEach((entry, i) => {
    const kind = judgedTypeOf(entry.resourceId);
    if (!kind) {
      warnings.push(
        `config allowLists[${i}].resourceId ${entry.resourceId}: no rule judges this kind of resource, so the entry suppresses nothing; name what the rules judge instead (ids ${Object.values(ID_PREFIXES).join(', ')})`,
      );
      return;
    }
    for (const ruleId of entry.ruleIds ?? []) {
      const type = otherKindJudged(ruleId, kind, rules);
      if (type)
        warnings.push(
          `config allowLists[${i}].ruleIds: ${ruleId} judges ${KIND_NAMES[type]} (${ID_PREFIXES[type]}…), not ${entry.resourceId}: it suppresses nothing there`,
        );
    }
  });
  return warnings;
}

/** The entry names the finding's resource and (when it names rules) its rule. */
function entryApplies(entry: AllowListEntry, finding: Finding): boolean {
  return (
    entry.resourceId === finding.resourceId && (!entry.ruleIds || entry.ruleIds.includes(finding.ruleId))
  );
}

/** The ports, per transport, that the rule of a revoke target carries (-1 or no ports: all). */
function targetPorts(target: RevokeTarget): Record<'tcp' | 'udp', PortSet> {
  const protocol = parseProtocol(target.ipPermission.IpProtocol);
  const { FromPort, ToPort } = target.ipPermission;
  const all = protocol === 'all' || FromPort === undefined || FromPort < 0;
  const from = all ? 0 : FromPort;
  const to = all || ToPort === undefined || ToPort < 0 ? 65535 : ToPort;
  const range: PortSet = [[from, to + 1]];
  return {
    tcp: matchesTransport(protocol, 'tcp') ? range : [],
    udp: matchesTransport(protocol, 'udp') ? range : [],
  };
}

/**
 * A finding that a port-limited allow-list entry covers in part (DESIGN §8: "a group id allowed to
 * be world-open on 443"): it stays reported (the entry does not hold all its ports), but its fix
 * must not take away what the entry allows. A revoke spares every rule that opens, among the
 * finding's ports, only allow-listed ones (listed in `allowListedRulesKept`); a rule that also
 * opens ports the entry does not allow is still revoked (it is the offending rule, DESIGN §8
 * precision), and the detail says that it closes allow-listed ports too. A NACL fix, whose entries
 * serve several ports, is not planned at all. The evidence names the allow-listed ports and the
 * reasons. Runs only for an unsuppressed finding with ports when the config has allow-list entries.
 */
export function applyPartialAllowLists(
  finding: Finding,
  config: Config,
  ports: readonly PortSpec[] | undefined,
): void {
  if (!ports || ports.length === 0) return;
  const entries = config.allowLists.filter((entry) => entry.ports && entryApplies(entry, finding));
  if (entries.length === 0) return;
  const own = portSetsBySpec(ports);
  const granted = portSetsBySpec(entries.flatMap((entry) => entry.ports ?? []));
  const covered = { tcp: intersect(own.tcp, granted.tcp), udp: intersect(own.udp, granted.udp) };
  if (covered.tcp.length === 0 && covered.udp.length === 0) return;
  const text = TRANSPORTS.flatMap((t) => formatPortsWithProtocol(covered[t], t));
  const reasons = [...new Set(entries.map((entry) => entry.reason))];
  finding.evidence.allowListed = { ports: text, reasons };
  const notes = spareAllowListed(finding, own, covered);
  finding.detail += ` Allow-listed in the configuration (${reasons.join('; ')}): ${text.join(', ')}${notes.map((n) => `; ${n}`).join('')}.`;
}

/** Takes the allow-listed ports out of the finding's fix (see applyPartialAllowLists); what it says. */
function spareAllowListed(
  finding: Finding,
  own: Record<'tcp' | 'udp', PortSet>,
  covered: Record<'tcp' | 'udp', PortSet>,
): string[] {
  const plan = finding.remediation;
  if (!plan) return [];
  const notes: string[] = [];
  if (plan.action === 'revoke-security-group-rules') {
    const kept: RevokeTarget[] = [];
    const rules: RevokeTarget[] = [];
    const closing: RevokeTarget[] = [];
    for (const target of plan.rules) {
      const opens = targetPorts(target);
      const reported = TRANSPORTS.map((t) => intersect(opens[t], own[t]));
      const allowed = TRANSPORTS.map((t) => intersect(opens[t], covered[t]));
      const onlyAllowed = reported.every((set, i) => isSubset(set, allowed[i] ?? []));
      const someAllowed = allowed.some((set) => set.length > 0);
      if (onlyAllowed && someAllowed) kept.push(target);
      else {
        rules.push(target);
        if (someAllowed) closing.push(target);
      }
    }
    if (kept.length === 0 && closing.length === 0) return notes;
    const names = (targets: RevokeTarget[]) => targets.map((t) => t.securityGroupRuleId ?? describeTarget(t));
    if (kept.length > 0) {
      finding.evidence.allowListedRulesKept = names(kept);
      notes.push(
        `the fix does not revoke ${names(kept).join(', ')}, which ${kept.length === 1 ? 'opens' : 'open'} only those ports`,
      );
    }
    if (closing.length > 0) {
      notes.push(
        `${names(closing).join(', ')} also ${closing.length === 1 ? 'opens' : 'open'} other ports and ${closing.length === 1 ? 'is' : 'are'} revoked all the same (re-add a rule for the allow-listed ports alone)`,
      );
    }
    if (rules.length > 0) finding.remediation = { ...plan, rules };
    else delete finding.remediation;
  } else {
    delete finding.remediation;
    notes.push('no automatic fix of this network ACL is made (narrow by hand)');
  }
  return notes;
}

/** A rule without an id, as evidence names it: `tcp 8000-9000 0.0.0.0/0`. */
function describeTarget(target: RevokeTarget): string {
  const p = target.ipPermission;
  const source =
    p.IpRanges?.[0]?.CidrIp ?? p.Ipv6Ranges?.[0]?.CidrIpv6 ?? p.PrefixListIds?.[0]?.PrefixListId ?? '';
  // EC2 writes every port of tcp/udp as -1/-1 (as it does for protocol -1): said as `all`, not `-1--1`.
  const ports =
    p.FromPort === undefined || p.FromPort < 0 ? 'all' : `${p.FromPort}-${p.ToPort ?? p.FromPort}`;
  return `${p.IpProtocol} ${ports} ${source}`.trim();
}

/** True when the entry names the finding's resource and rule, and holds every one of its ports. */
function allowListCovers(
  entry: AllowListEntry,
  finding: Finding,
  ports: readonly PortSpec[] | undefined,
): boolean {
  if (!entryApplies(entry, finding)) return false;
  if (!entry.ports) return true;
  // An entry limited to ports cannot cover a finding that is not about ports.
  if (!ports || ports.length === 0) return false;
  const wanted = portSetsBySpec(ports);
  const allowed = portSetsBySpec(entry.ports);
  return TRANSPORTS.every((t) => isSubset(wanted[t], allowed[t]));
}

/**
 * DESIGN §8 "Accepted by shape": security groups whose every attached interface has an
 * `InterfaceType` in `allowInterfaceTypes` or a `RequesterId` in `allowRequesterIds`, with the
 * reason naming the setting. A group attached to nothing is not accepted (there is no interface
 * to vouch for it). Empty when neither setting lists anything.
 */
export function acceptedByShape(model: Model, config: Config): Map<string, Suppression> {
  const accepted = new Map<string, Suppression>();
  const types = new Set(config.allowInterfaceTypes);
  const requesters = new Set(config.allowRequesterIds);
  if (types.size === 0 && requesters.size === 0) return accepted;
  // Per group: the settings its interfaces matched, or null once one interface matches neither.
  const matched = new Map<string, { types: Set<string>; requesters: Set<string>; count: number } | null>();
  for (const eni of model.networkInterfaces.values()) {
    const type = eni.item.InterfaceType;
    const requester = eni.item.RequesterId;
    const byType = type !== undefined && types.has(type);
    const byRequester = requester !== undefined && requesters.has(requester);
    for (const groupId of eni.groupIds) {
      const seen = matched.get(groupId);
      if (seen === null) continue;
      if (!byType && !byRequester) {
        matched.set(groupId, null);
        continue;
      }
      const entry = seen ?? { types: new Set<string>(), requesters: new Set<string>(), count: 0 };
      entry.count++;
      // An interface matching both settings is credited to the type (the first one named).
      if (byType) entry.types.add(type);
      else if (requester !== undefined) entry.requesters.add(requester);
      matched.set(groupId, entry);
    }
  }
  for (const [groupId, entry] of matched) {
    if (!entry) continue;
    const settings = [
      ...(entry.types.size > 0 ? [`allowInterfaceTypes (${[...entry.types].sort().join(', ')})`] : []),
      ...(entry.requesters.size > 0
        ? [`allowRequesterIds (${[...entry.requesters].sort().join(', ')})`]
        : []),
    ];
    const count =
      entry.count === 1
        ? 'its only attached interface matches'
        : `all ${entry.count} attached interfaces match`;
    accepted.set(groupId, { by: 'config', reason: `accepted by shape: ${count} ${settings.join(' or ')}` });
  }
  return accepted;
}
