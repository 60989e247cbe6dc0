import type { Config } from '../config';
import { evaluateModel, evaluateModelReport, type NotJudged } from '../engine';
import {
  type AddedNaclEntry,
  type AddedRule,
  addedNaclEntryKey,
  addedRuleKey,
  type EventScope,
} from '../events/types';
import type { Finding, IpPermissionInput, ResourceType } from '../findings';
import { buildModel, type Model, type NaclEntry, type SgRule } from '../model/model';
import type { Snapshot } from '../model/snapshot-schema';
import { parseProtocol } from '../net/protocol';
import { isRevoke } from '../remediation/narrow';
import { planRemediation } from '../remediation/plan';
import type { RemediationPlanResult } from '../remediation/types';
import { REGISTRY } from '../rules/registry';
import type { AutoFix, RuleDefinition, SourceRule } from '../rules/types';
import { judgeRemovedEntry, judgeRemovedRule, type RemovedJudgement } from './removed-severity';
import { findingsInScope, type ResolvedScope, resolveScope } from './resolve';

export interface AssessOptions {
  /** Judges exemption expiries (the engine reads no clock). */
  now?: Date;
  /** False when some Describe* call failed: findings are still reported, nothing is remediated. */
  sliceComplete: boolean;
  autoFixOf?: (ruleId: string) => AutoFix;
  /**
   * Per scope, whether its message is a redelivery. Only those scopes' added rules and entries are
   * looked for "already removed": on a first delivery a rule already gone is not news (DESIGN §8
   * "Order and retries", §14), so that work is skipped. Absent: no scope is a redelivery.
   */
  retried?: readonly boolean[];
}

/** What the pure part of the pipeline decides for a batch's events and their one slice. */
export interface Assessment {
  /** The union of the events' resolved scopes: what is reported. */
  resolved: ResolvedScope;
  /** Each event's own resolved scope, in the order of the scopes given (which calls touched what). */
  perEvent: ResolvedScope[];
  /** Findings reported for the event (suppressed ones included, marked), in engine order. */
  findings: Finding[];
  plan: RemediationPlanResult;
  /**
   * World-open ingress rules this event added that the slice no longer holds: removed already
   * (by an earlier attempt of this invocation, or by someone else). Reported so a retry after a
   * failed notice still tells a person.
   */
  alreadyRemoved: RemovedRule[];
  /**
   * NACL entries the retried events wrote, world-open on an admin port, that the slice no longer
   * holds as written, or holds behind an entry that now denies what they allowed (`blocked`).
   */
  removedEntries: RemovedEntry[];
  /** What the slice lacks to judge (an interface whose subnet or NACL is not in it, …). */
  notJudged: NotJudged[];
  /** The slice as the engine read it (its resources and their tags, before any action). */
  model: Model;
}

/**
 * An added world-open rule found gone, with the severity and rules of the finding it made (DESIGN §8).
 * `unverified`: its source was a prefix list the slice could not read (deleted since, or the read
 * was refused), so whether it held the whole internet is not known; it is judged as if it did (the
 * worst it can have been) and the notice says it was not verified, rather than saying nothing.
 */
export type RemovedRule = AddedRule & RemovedJudgement & { unverified?: true; groupGone?: true };

/**
 * An added world-open NACL entry found gone or changed (or, `blocked`, still there behind an entry
 * that denies what it allowed), with the severity of the finding it made.
 */
export type RemovedEntry = AddedNaclEntry & RemovedJudgement & { blocked?: true; aclGone?: true };

/**
 * Slice → findings in scope → remediation plan (DESIGN §7, §8, §14). Each event's scope is resolved
 * on its own against the one slice (an SG event's interfaces are not a NACL event's subnets), and
 * the union is reported. Pure and deterministic.
 */
export function assessSlice(
  scopes: readonly EventScope[],
  snapshot: Snapshot,
  config: Config,
  options: AssessOptions,
): Assessment {
  const model = buildModel(snapshot);
  const perEvent = scopes.map((scope) => resolveScope(scope, model, config.worldOpenCoverage));
  const resolved = unionResolved(perEvent);
  const report = evaluateModelReport(model, config, options.now ? { now: options.now } : {});
  const findings = findingsInScope(report.findings, resolved);
  const plan = planRemediation(findings, config, {
    sliceComplete: options.sliceComplete,
    ...(options.autoFixOf ? { autoFixOf: options.autoFixOf } : {}),
  });
  for (const action of plan.actions) {
    if (isRevoke(action)) {
      const ids = action.parameters.SecurityGroupRuleIds;
      if (ids) action.revoked = asRemoved(snapshot, ids, action.revoked ?? []);
    }
  }
  const retried = scopes.flatMap((scope, i) => {
    const own = perEvent[i];
    return options.retried?.[i] === true && own ? [withNamedGroups(scope, own, model)] : [];
  });
  const removed = distinctBy(
    retried.flatMap((scope) => alreadyRemoved(scope, model, config)),
    addedRuleKey,
  ).map((rule) => ({
    ...rule,
    ...judgeRemovedRule(rule, config, prefixListCidrs(model, rule.prefixListId)),
  }));
  const removedEntries = distinctBy(
    retried.flatMap((scope) => entriesGone(scope, model, config, report)),
    addedNaclEntryKey,
  ).map((entry) => ({ ...entry, ...judgeRemovedEntry(entry, config) }));
  return {
    resolved,
    perEvent,
    findings,
    plan,
    alreadyRemoved: removed,
    removedEntries,
    notJudged: report.notJudged,
    model,
  };
}

function distinctBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    return !seen.has(k) && seen.add(k);
  });
}

/** The findings in `resolved` after the slice changed (actions applied in memory): no new reads. */
export function findingsAfter(
  snapshot: Snapshot,
  resolved: ResolvedScope,
  config: Config,
  options: Pick<AssessOptions, 'now'>,
): Finding[] {
  return findingsInScope(
    evaluateModel(buildModel(snapshot), config, options.now ? { now: options.now } : {}),
    resolved,
  );
}

/** Several resolved scopes as one: every list the sorted union. */
function unionResolved(scopes: readonly ResolvedScope[]): ResolvedScope {
  const union = (pick: (s: ResolvedScope) => readonly string[]) => [...new Set(scopes.flatMap(pick))].sort();
  return {
    securityGroups: union((s) => s.securityGroups),
    networkAcls: union((s) => s.networkAcls),
    subnets: union((s) => s.subnets),
    routeTables: union((s) => s.routeTables),
    natGateways: union((s) => s.natGateways),
    vpcEndpoints: union((s) => s.vpcEndpoints),
    networkInterfaces: union((s) => s.networkInterfaces),
    missing: union((s) => s.missing),
  };
}

/**
 * The rules a revoke by id removes, as `Authorize…` takes them back — with their descriptions, so
 * a notice's "how to undo" is the exact inverse. In the order of the ids (the remediator narrows a
 * revoke by index); a rule the slice lists without an id keeps the planned permission.
 */
function asRemoved(
  snapshot: Snapshot,
  ids: readonly string[],
  planned: readonly IpPermissionInput[],
): IpPermissionInput[] {
  return ids.flatMap((id, i) => {
    const rule = snapshot.SecurityGroupRules.find((r) => r.SecurityGroupRuleId === id);
    if (!rule) return planned[i] ? [planned[i]] : [];
    const d = rule.Description !== undefined ? { Description: rule.Description } : {};
    const p: IpPermissionInput = { IpProtocol: rule.IpProtocol };
    if (rule.FromPort !== undefined) p.FromPort = rule.FromPort;
    if (rule.ToPort !== undefined) p.ToPort = rule.ToPort;
    if (rule.CidrIpv4 !== undefined) p.IpRanges = [{ CidrIp: rule.CidrIpv4, ...d }];
    if (rule.CidrIpv6 !== undefined) p.Ipv6Ranges = [{ CidrIpv6: rule.CidrIpv6, ...d }];
    if (rule.PrefixListId !== undefined) p.PrefixListIds = [{ PrefixListId: rule.PrefixListId, ...d }];
    const group = rule.ReferencedGroupInfo;
    if (group?.GroupId !== undefined) {
      p.UserIdGroupPairs = [
        { GroupId: group.GroupId, ...(group.UserId ? { UserId: group.UserId } : {}), ...d },
      ];
    }
    return [p];
  });
}

/** The catalogue's rules judging `resourceType` that would have removed this source rule. */
function offendedRules(resourceType: ResourceType, rule: SourceRule, config: Config): RuleDefinition[] {
  return REGISTRY.rules.filter(
    (r) => r.meta.resourceType === resourceType && r.meta.hooks?.offendingSource?.(rule, config) === true,
  );
}

/** The whole internet of both families: how a gone rule whose prefix list could not be read is judged. */
const WORLD = ['0.0.0.0/0', '::/0'];

/**
 * The CIDRs a prefix-list source is judged by: the list's entries as the slice read them, or, for a
 * list the slice could not read, the whole internet (the worst it can have been: the rule is then
 * reported as not verified, `unverifiedIfUnread`). None without a list.
 */
function prefixListCidrs(model: Model, prefixListId: string | undefined): string[] {
  if (prefixListId === undefined) return [];
  const list = model.prefixLists.get(prefixListId);
  return list ? [...list.cidrs4, ...list.cidrs6].map((c) => c.cidr) : WORLD;
}

/**
 * A by-name record's rules (`groupName`, no id) given the group its call resolved to, as the slice
 * shows it: the rules of a record from before rule ids in the default VPC can then be found gone.
 */
function withNamedGroups(scope: EventScope, resolved: ResolvedScope, model: Model): EventScope {
  if (!scope.addedRules.some((r) => r.groupId === '' && r.groupName !== undefined)) return scope;
  const addedRules = scope.addedRules.flatMap((rule) => {
    if (rule.groupId !== '' || rule.groupName === undefined) return [rule];
    return resolved.securityGroups
      .filter((id) => model.securityGroups.get(id)?.name === rule.groupName)
      .map((groupId) => ({ ...rule, groupId }));
  });
  return { ...scope, addedRules };
}

function alreadyRemoved(
  scope: EventScope,
  model: Model,
  config: Config,
): (AddedRule & { unverified?: true; groupGone?: true })[] {
  return scope.addedRules.flatMap((rule) => {
    if (!goneAndOffending(rule, model, config)) return [];
    const judged = unverifiedIfUnread(rule, model);
    return [model.securityGroups.has(rule.groupId) ? judged : { ...judged, groupGone: true as const }];
  });
}

/** A prefix-list rule whose list the slice did not read (it is read on redeliveries): not verified. */
function unverifiedIfUnread(rule: AddedRule, model: Model): AddedRule & { unverified?: true } {
  return rule.prefixListId !== undefined && !model.prefixLists.has(rule.prefixListId)
    ? { ...rule, unverified: true }
    : rule;
}

function goneAndOffending(rule: AddedRule, model: Model, config: Config): boolean {
  // The rules say which added rules they would have revoked (their `offendingSource` hook). A
  // prefix-list source is judged by the list's entries, which the slice loader reads for the
  // added rules of a redelivery even when the rule is gone. A list it could not read (deleted
  // since, or the read refused) is judged as if it held the whole internet: the rule is then
  // reported as not verified, never left out in silence (a rule on authorized ports only is not
  // news even from the whole internet).
  const source: SourceRule =
    rule.prefixListId !== undefined
      ? { ...rule, prefixListCidrs: prefixListCidrs(model, rule.prefixListId) }
      : rule;
  if (offendedRules('AWS::EC2::SecurityGroup', source, config).length === 0) return false;
  const group = model.securityGroups.get(rule.groupId);
  // A group the event named by id is read by id; absent from a complete slice, it was deleted,
  // and its rules with it (DESIGN §8: an added offending rule already gone is told on a retry).
  if (!group) return rule.groupId !== '';
  // By id when the slice carries rule ids; else by content (a group left with no rule at all
  // carries no ids either, and its world rule is then gone all the same). A rule described only
  // in IpPermissions (two views that disagree, evaluated as their union) has no id: by content.
  // A rule read from a record before rule ids has no id: by content.
  if (group.hasRuleIds && rule.ruleId !== undefined) {
    return ![...group.ingress, ...group.egress].some(
      (r) => r.ruleId === rule.ruleId || (r.ruleId === undefined && sameRule(r, rule)),
    );
  }
  return !group.ingress.some((r) => sameRule(r, rule));
}

/** The rule as a described ingress rule: same protocol, ports and world CIDR (or prefix list). */
function sameRule(r: SgRule, rule: AddedRule): boolean {
  const cidr = rule.cidrIpv4 ?? rule.cidrIpv6;
  if (rule.prefixListId !== undefined) {
    if (r.source.kind !== 'prefix-list' || r.source.prefixListId !== rule.prefixListId) return false;
  } else {
    if (r.source.kind !== 'ipv4' && r.source.kind !== 'ipv6') return false;
    if (cidr === undefined || r.source.range.prefix !== 0 || !cidr.endsWith('/0')) return false;
    if ((r.source.kind === 'ipv6') !== cidr.includes(':')) return false;
  }
  const protocol = normalProtocol(rule.ipProtocol);
  if (protocol !== normalProtocol(r.ipProtocol)) return false;
  if (protocol === '-1') return true;
  return (r.rawFromPort ?? -1) === (rule.fromPort ?? -1) && (r.rawToPort ?? -1) === (rule.toPort ?? -1);
}

/** `tcp`, `udp`, `-1` (all) or the protocol as given: EC2 accepts numbers and names alike. */
function normalProtocol(ipProtocol: string): string {
  const lower = ipProtocol.toLowerCase();
  if (lower === '6') return 'tcp';
  if (lower === '17') return 'udp';
  if (lower === 'all') return '-1';
  return lower;
}

/**
 * Allow entries the event wrote that `nacl-open-admin-port` fixes (its `offendingSource` hook) and
 * that the slice's NACL no longer holds as written: no entry at that number and direction, or one
 * with other content (narrowed to the VPC's CIDR, replaced). An entry still there as written whose
 * NACL the judging rules now find nothing open on (judged, not off) is closed all the same: an
 * entry before it denies what it allowed (the deny the NACL fix inserts) — `blocked`. A NACL the
 * complete slice lacks was deleted: its entry is gone too (`aclGone`).
 */
function entriesGone(
  scope: EventScope,
  model: Model,
  config: Config,
  report: { findings: readonly Finding[]; notJudged: readonly NotJudged[] },
): (AddedNaclEntry & { blocked?: true; aclGone?: true })[] {
  const out: (AddedNaclEntry & { blocked?: true; aclGone?: true })[] = [];
  for (const entry of scope.addedNaclEntries) {
    if (entry.ruleAction !== 'allow') continue;
    const source: SourceRule = {
      egress: entry.egress,
      ipProtocol: entry.protocol,
      ...(entry.fromPort !== undefined ? { fromPort: entry.fromPort } : {}),
      ...(entry.toPort !== undefined ? { toPort: entry.toPort } : {}),
      ...(entry.cidrBlock !== undefined ? { cidrIpv4: entry.cidrBlock } : {}),
      ...(entry.ipv6CidrBlock !== undefined ? { cidrIpv6: entry.ipv6CidrBlock } : {}),
    };
    const judges = offendedRules('AWS::EC2::NetworkAcl', source, config);
    if (judges.length === 0) continue;
    const acl = model.networkAcls.get(entry.networkAclId);
    // Read by id, absent from a complete slice: the NACL was deleted, and the entry with it.
    if (!acl) {
      out.push({ ...entry, aclGone: true });
      continue;
    }
    const now = (entry.egress ? acl.egress : acl.ingress).find((e) => e.ruleNumber === entry.ruleNumber);
    if (now === undefined || !sameEntry(now, entry)) {
      out.push(entry);
      continue;
    }
    const ids = new Set(judges.map((r) => r.meta.id));
    const judged =
      judges.every((r) => config.rules[r.meta.id] !== 'off') &&
      !report.notJudged.some((n) => n.resourceId === acl.id);
    const open = report.findings.some((f) => f.resourceId === acl.id && ids.has(f.ruleId));
    if (judged && !open) out.push({ ...entry, blocked: true });
  }
  return out;
}

/**
 * The slice's entry is the world-open one written: allow, same protocol, the whole internet of the
 * same family (EC2 stores `1.2.3.4/0` as `0.0.0.0/0`), and for tcp/udp the same ports.
 */
function sameEntry(e: NaclEntry, entry: AddedNaclEntry): boolean {
  if (!e.allow || e.protocol !== parseProtocol(entry.protocol)) return false;
  if (e.family !== (entry.cidrBlock !== undefined ? 'ipv4' : 'ipv6')) return false;
  if ((e.range4 ?? e.range6)?.prefix !== 0) return false;
  if (e.protocol !== 'tcp' && e.protocol !== 'udp') return true;
  return e.fromPort === (entry.fromPort ?? 0) && e.toPort === (entry.toPort ?? 65535);
}
