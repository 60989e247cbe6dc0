import type { Config } from '../config';
import type { Finding, IpPermissionInput, NaclEntryInput, RevokeTarget } from '../findings';
import { ruleById } from '../rules/registry';
import type { AutoFix } from '../rules/types';
import type {
  DeleteNetworkAclEntryParameters,
  PlannedAction,
  RemediationPlanResult,
  SkippedFinding,
} from './types';

export interface PlanOptions {
  /** False when the slice could not be fully loaded: nothing is planned (DESIGN §8 safety). */
  sliceComplete: boolean;
  /** A rule's auto-fix capability (default: the rule registry's). */
  autoFixOf?: (ruleId: string) => AutoFix;
}

const defaultAutoFix = (ruleId: string): AutoFix => ruleById(ruleId)?.meta.autoFix ?? 'no';

/**
 * The effective mode of a rule: its per-rule mode, else the global one — except that a global
 * `dry-run` holds for every rule (a dry run never calls a write API).
 */
export function ruleMode(config: Config, ruleId: string): 'off' | 'notify' | 'remediate' | 'dry-run' {
  const own = config.rules[ruleId];
  if (own === 'off') return 'off';
  if (config.mode === 'dry-run') return own === 'notify' ? 'notify' : 'dry-run';
  return own ?? config.mode;
}

/**
 * Turns the remediation plans of the findings in scope into EC2 calls (DESIGN §8): only unsuppressed
 * findings of auto-fix rules whose mode is `remediate` (opt-in rules only when enabled per rule);
 * one revoke per group and direction listing all its offending rule ids; NACL creates, replaces
 * and deletes deduplicated per entry; nothing at all when the slice is incomplete.
 */
export function planRemediation(
  findings: readonly Finding[],
  config: Config,
  options: PlanOptions,
): RemediationPlanResult {
  const autoFixOf = options.autoFixOf ?? defaultAutoFix;
  const skipped: SkippedFinding[] = [];
  const skip = (finding: Finding, reason: string) =>
    skipped.push({ findingId: finding.id, ruleId: finding.ruleId, resourceId: finding.resourceId, reason });
  const chosen: Finding[] = [];

  for (const finding of findings) {
    const plan = finding.remediation;
    const unfixable = unfixableText(finding);
    // Never remediated (DESIGN §8). The engine drops a suppressed finding's plan, so a rule that
    // remediates says why it left the finding alone even without one.
    if (finding.suppressed) {
      if (plan || unfixable || autoFixOf(finding.ruleId) !== 'no')
        skip(finding, `suppressed (${finding.suppressed.by})`);
      continue;
    }
    // A finding with nothing planned is skipped silently unless part of it cannot be fixed: that
    // part is named, so a notify-only port is never left out of both the actions and the skips.
    if (!plan && !unfixable) continue;
    const autoFix = autoFixOf(finding.ruleId);
    const mode = ruleMode(config, finding.ruleId);
    if (autoFix === 'no') {
      skip(finding, 'this rule does not remediate automatically');
      continue;
    }
    if (mode === 'off' || mode === 'notify') {
      skip(finding, `mode ${mode}`);
      continue;
    }
    if (autoFix === 'opt-in' && config.rules[finding.ruleId] !== 'remediate') {
      skip(finding, `opt-in: set rules.${finding.ruleId} to "remediate" to enable`);
      continue;
    }
    if (!options.sliceComplete) {
      skip(finding, 'the slice could not be fully loaded');
      continue;
    }
    if (unfixable) skip(finding, `not fixable automatically: ${unfixable}`);
    if (plan) chosen.push(finding);
  }

  return { dryRun: config.mode === 'dry-run', actions: mergePlans(chosen), skipped };
}

/**
 * What a finding says it cannot fix, as one line: a NACL fix's `notPlanned` reasons, or the ports
 * a security group keeps world-open through narrower ranges (`notRemediable`).
 */
function unfixableText(finding: Finding): string | undefined {
  const { notPlanned, notRemediable } = finding.evidence;
  if (Array.isArray(notPlanned) && notPlanned.length > 0) return notPlanned.map(String).join('; ');
  if (notRemediable && typeof notRemediable === 'object') {
    const parts = Object.entries(notRemediable as Record<string, unknown>)
      .filter(([, ports]) => Array.isArray(ports) && ports.length > 0)
      .map(([family, ports]) => `${(ports as unknown[]).map(String).join(', ')} (${family})`);
    if (parts.length > 0) return `world-open through a union of narrower ranges on ${parts.join('; ')}`;
  }
  return undefined;
}

interface RevokeGroup {
  groupId: string;
  direction: 'ingress' | 'egress';
  targets: Map<string, RevokeTarget>;
  findingIds: Set<string>;
}

interface NaclGroup {
  networkAclId: string;
  creates: Map<string, NaclEntryInput>;
  replaces: Map<string, NaclEntryInput>;
  deletes: Map<string, DeleteNetworkAclEntryParameters>;
  /** Replaced and deleted entries as they were, by entry key (for "how to undo"). */
  previous: Map<string, NaclEntryInput>;
  findingIds: Set<string>;
}

/** The entry a replace or delete overwrites, as the snapshot had it, under the action's undo key. */
function undoEntry(
  group: NaclGroup,
  entry: { RuleNumber: number; Egress: boolean },
  key: 'replacedEntry' | 'deletedEntry',
): Partial<Record<'replacedEntry' | 'deletedEntry', NaclEntryInput>> {
  const previous = group.previous.get(entryKey(entry.RuleNumber, entry.Egress));
  return previous ? { [key]: previous } : {};
}

/** Merges per-finding plans into calls, in a deterministic order (groups, NACLs, subnets). */
function mergePlans(findings: readonly Finding[]): PlannedAction[] {
  const revokes = new Map<string, RevokeGroup>();
  const nacls = new Map<string, NaclGroup>();
  const subnets = new Map<string, Set<string>>();

  for (const finding of findings) {
    const plan = finding.remediation;
    if (!plan) continue;
    if (plan.action === 'revoke-security-group-rules') {
      for (const target of plan.rules) {
        const key = `${plan.groupId}|${target.direction}`;
        let group = revokes.get(key);
        if (!group) {
          group = {
            groupId: plan.groupId,
            direction: target.direction,
            targets: new Map(),
            findingIds: new Set(),
          };
          revokes.set(key, group);
        }
        group.targets.set(target.securityGroupRuleId ?? permissionKey(target.ipPermission), target);
        group.findingIds.add(finding.id);
      }
    } else if (plan.action === 'fix-network-acl-entries') {
      let group = nacls.get(plan.networkAclId);
      if (!group) {
        group = {
          networkAclId: plan.networkAclId,
          creates: new Map(),
          replaces: new Map(),
          deletes: new Map(),
          previous: new Map(),
          findingIds: new Set(),
        };
        nacls.set(plan.networkAclId, group);
      }
      for (const entry of plan.createEntries)
        group.creates.set(entryKey(entry.RuleNumber, entry.Egress), entry);
      for (const entry of plan.replaceEntries)
        group.replaces.set(entryKey(entry.RuleNumber, entry.Egress), entry);
      for (const entry of plan.previousEntries)
        group.previous.set(entryKey(entry.RuleNumber, entry.Egress), entry);
      for (const entry of plan.deleteEntries) {
        group.deletes.set(entryKey(entry.RuleNumber, entry.Egress), {
          NetworkAclId: plan.networkAclId,
          RuleNumber: entry.RuleNumber,
          Egress: entry.Egress,
        });
      }
      group.findingIds.add(finding.id);
    } else {
      const ids = subnets.get(plan.subnetId) ?? new Set<string>();
      ids.add(finding.id);
      subnets.set(plan.subnetId, ids);
    }
  }

  const actions: PlannedAction[] = [];
  for (const group of [...revokes.values()].sort(
    (a, b) => cmp(a.groupId, b.groupId) || cmp(a.direction, b.direction),
  )) {
    const action = group.direction === 'ingress' ? 'RevokeSecurityGroupIngress' : 'RevokeSecurityGroupEgress';
    const targets = [...group.targets.entries()].sort(([a], [b]) => cmp(a, b)).map(([, t]) => t);
    const ruleIds = targets.map((t) => t.securityGroupRuleId);
    const revoked = targets.map((t) => t.ipPermission);
    const findingIds = [...group.findingIds].sort();
    // By id when every rule has one (precise, immune to description changes); else by permission.
    if (ruleIds.every((id): id is string => id !== undefined)) {
      actions.push({
        action,
        parameters: { GroupId: group.groupId, SecurityGroupRuleIds: ruleIds },
        findingIds,
        revoked,
      });
    } else {
      actions.push({
        action,
        parameters: { GroupId: group.groupId, IpPermissions: revoked },
        findingIds,
        revoked,
      });
    }
  }
  for (const group of [...nacls.values()].sort((a, b) => cmp(a.networkAclId, b.networkAclId))) {
    const findingIds = [...group.findingIds].sort();
    // Creates first, ascending: each kept source's allow is numbered below its deny, so admin
    // traffic from the VPC never sees the deny alone; the narrowing replaces and the deletes come
    // after the allows for the further kept sources exist.
    for (const entry of [...group.creates.values()].sort(byEntry)) {
      actions.push({ action: 'CreateNetworkAclEntry', parameters: entry, findingIds });
    }
    for (const entry of [...group.replaces.values()].sort(byEntry)) {
      const undo = undoEntry(group, entry, 'replacedEntry');
      actions.push({ action: 'ReplaceNetworkAclEntry', parameters: entry, findingIds, ...undo });
    }
    for (const entry of [...group.deletes.values()].sort(byEntry)) {
      const undo = undoEntry(group, entry, 'deletedEntry');
      actions.push({ action: 'DeleteNetworkAclEntry', parameters: entry, findingIds, ...undo });
    }
  }
  for (const [subnetId, ids] of [...subnets.entries()].sort(([a], [b]) => cmp(a, b))) {
    actions.push({
      action: 'ModifySubnetAttribute',
      parameters: { SubnetId: subnetId, MapPublicIpOnLaunch: { Value: false } },
      findingIds: [...ids].sort(),
    });
  }
  return actions;
}

function permissionKey(permission: IpPermissionInput): string {
  return JSON.stringify(permission);
}

function entryKey(ruleNumber: number, egress: boolean): string {
  return `${egress ? 'egress' : 'ingress'}|${ruleNumber}`;
}

function byEntry(
  a: { RuleNumber: number; Egress: boolean },
  b: { RuleNumber: number; Egress: boolean },
): number {
  return Number(a.Egress) - Number(b.Egress) || a.RuleNumber - b.RuleNumber;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
