// Evaluating a built snapshot and reading the findings back in the shapes assertions compare.
import type { ConfigInput } from '../../shared/config';
import { evaluate } from '../../shared/engine';
import type { Finding, RevokeTarget } from '../../shared/findings';
import { parseConfig } from '../../shared/load-config';
import { parseSnapshot } from '../../shared/model/snapshot';
import { ruleById } from '../../shared/rules/registry';
import type { RuleDefinition } from '../../shared/rules/types';

/** Evaluates a snapshot (validated as the CLI would) with the whole catalogue or the named rules. */
export function audit(
  snapshot: Record<string, unknown>,
  options: { rules?: readonly string[]; config?: ConfigInput; now?: Date } = {},
): Finding[] {
  const rules = options.rules?.map((id) => {
    const rule = ruleById(id);
    if (!rule) throw new Error(`unknown rule ${id}`);
    return rule;
  });
  return evaluate(parseSnapshot(snapshot), parseConfig(options.config ?? {}), {
    ...(rules ? { rules: rules as readonly RuleDefinition[] } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/** Evaluates a snapshot (validated as the CLI would) with the given rule definitions only. */
export function run(
  rules: RuleDefinition | readonly RuleDefinition[],
  snapshot: Record<string, unknown>,
  config: ConfigInput = {},
): Finding[] {
  const list = Array.isArray(rules) ? rules : [rules as RuleDefinition];
  return evaluate(parseSnapshot(snapshot), parseConfig(config), { rules: list });
}

/** `[ruleId, resourceId, severity, evidence.ports]` of each finding. */
export function triples(findings: readonly Finding[]): [string, string, string, unknown][] {
  return findings.map((f) => [f.ruleId, f.resourceId, f.severity, f.evidence.ports]);
}

/** `[ruleId, resourceId, ports]` of each finding: the shape most rule tests compare. */
export function summary(findings: readonly Finding[]): [string, string, unknown][] {
  return findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports]);
}

/** The only finding of a rule, failing when there is not exactly one. */
export function only(findings: readonly Finding[], ruleId: string): Finding {
  const hits = findings.filter((f) => f.ruleId === ruleId);
  if (hits.length !== 1) throw new Error(`expected one ${ruleId} finding, got ${hits.length}`);
  return hits[0] as Finding;
}

/** Formats a sorted list of single ports as `a-b/proto` ranges (a brute-force twin of the engine's formatter). */
export function rangesOf(ports: readonly number[], protocol: 'tcp' | 'udp'): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < ports.length) {
    const start = ports[i] as number;
    let end = start;
    while (ports[i + 1] === end + 1) {
      end++;
      i++;
    }
    out.push(`${start === end ? start : `${start}-${end}`}/${protocol}`);
    i++;
  }
  return out;
}

/** The revoke targets a finding plans (none when it has no revoke plan). */
export function revokeRules(finding: Finding | undefined): RevokeTarget[] {
  const plan = finding?.remediation;
  return plan?.action === 'revoke-security-group-rules' ? plan.rules : [];
}
