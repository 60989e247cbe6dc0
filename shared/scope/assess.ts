import type { Config } from '../config';
import { evaluateModel } from '../engine';
import type { AddedRule, EventScope } from '../events/types';
import type { Finding } from '../findings';
import { buildModel, type Model, type SgRule } from '../model/model';
import type { Snapshot } from '../model/snapshot-schema';
import { parseCidr4, parseCidr6 } from '../net/cidr';
import { planRemediation } from '../remediation/plan';
import type { RemediationPlanResult } from '../remediation/types';
import type { AutoFix } from '../rules/types';
import { findingsInScope, type ResolvedScope, resolveScope } from './resolve';

export interface AssessOptions {
  /** Judges exemption expiries (the engine reads no clock). */
  now?: Date;
  /** False when some Describe* call failed: findings are still reported, nothing is remediated. */
  sliceComplete: boolean;
  autoFixOf?: (ruleId: string) => AutoFix;
}

/** What the pure part of the pipeline decides for one event and its slice. */
export interface Assessment {
  resolved: ResolvedScope;
  /** Findings reported for the event (suppressed ones included, marked), in engine order. */
  findings: Finding[];
  plan: RemediationPlanResult;
  /**
   * World-open ingress rules this event added that the slice no longer holds: removed already
   * (by an earlier attempt of this invocation, or by someone else). Reported so a retry after a
   * failed notice still tells a person.
   */
  alreadyRemoved: AddedRule[];
}

/** Slice → findings in scope → remediation plan (DESIGN §7, §8). Pure and deterministic. */
export function assessSlice(
  scope: EventScope,
  snapshot: Snapshot,
  config: Config,
  options: AssessOptions,
): Assessment {
  const model = buildModel(snapshot);
  const resolved = resolveScope(scope, model);
  const findings = findingsInScope(
    evaluateModel(model, config, options.now ? { now: options.now } : {}),
    resolved,
  );
  const plan = planRemediation(findings, config, {
    sliceComplete: options.sliceComplete,
    ...(options.autoFixOf ? { autoFixOf: options.autoFixOf } : {}),
  });
  return { resolved, findings, plan, alreadyRemoved: alreadyRemoved(scope, model, config) };
}

function alreadyRemoved(scope: EventScope, model: Model, config: Config): AddedRule[] {
  return scope.addedRules.filter((rule) => {
    if (rule.egress || !isWorldCidr(rule) || !offendingPorts(rule, config)) return false;
    const group = model.securityGroups.get(rule.groupId);
    if (!group) return false;
    // By id when the slice carries rule ids; else by content (a group left with no rule at all
    // carries no ids either, and its world rule is then gone all the same).
    if (group.hasRuleIds) return ![...group.ingress, ...group.egress].some((r) => r.ruleId === rule.ruleId);
    return !group.ingress.some((r) => sameRule(r, rule));
  });
}

/** The rule as a described ingress rule: same protocol, ports and world CIDR. */
function sameRule(r: SgRule, rule: AddedRule): boolean {
  const cidr = rule.cidrIpv4 ?? rule.cidrIpv6;
  if (r.source.kind !== 'ipv4' && r.source.kind !== 'ipv6') return false;
  if (cidr === undefined || r.source.range.prefix !== 0 || !cidr.endsWith('/0')) return false;
  if ((r.source.kind === 'ipv6') !== cidr.includes(':')) return false;
  const protocol = normalProtocol(rule.ipProtocol);
  if (protocol !== normalProtocol(r.ipProtocol)) return false;
  if (protocol === '-1') return true;
  return (r.rawFromPort ?? -1) === (rule.fromPort ?? -1) && (r.rawToPort ?? -1) === (rule.toPort ?? -1);
}

/** Whether a world rule on these ports makes an `sg-open-*` finding: not ICMP, not only authorized ports. */
function offendingPorts(rule: AddedRule, config: Config): boolean {
  const protocol = normalProtocol(rule.ipProtocol);
  if (protocol === '-1') return true;
  if (protocol !== 'tcp' && protocol !== 'udp') return false;
  const from = rule.fromPort === undefined || rule.fromPort < 0 ? 0 : rule.fromPort;
  const to = rule.toPort === undefined || rule.toPort < 0 ? 65535 : rule.toPort;
  const authorized = config.authorizedPorts
    .filter((p) => p.protocol === protocol)
    .sort((a, b) => a.from - b.from);
  let next = from;
  for (const p of authorized) {
    if (p.from > next) break;
    if (p.to >= next) next = p.to + 1;
    if (next > to) return false;
  }
  return true;
}

function normalProtocol(ipProtocol: string): string {
  const lower = ipProtocol.toLowerCase();
  if (lower === '6') return 'tcp';
  if (lower === '17') return 'udp';
  if (lower === 'all') return '-1';
  return lower;
}

function isWorldCidr(rule: AddedRule): boolean {
  if (rule.cidrIpv4 !== undefined) return parseCidr4(rule.cidrIpv4)?.prefix === 0;
  if (rule.cidrIpv6 !== undefined) return parseCidr6(rule.cidrIpv6)?.prefix === 0;
  return false;
}
