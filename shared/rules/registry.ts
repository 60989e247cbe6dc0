import type { RuleDefinition } from './types';

/**
 * The rule catalogue, registered explicitly (no import side effects). Adding a rule is adding one
 * file in this folder and one line here. Order is the order of evaluation, not of reporting.
 */
export const RULES: readonly RuleDefinition[] = [];

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The rule with this id, if any. */
export function ruleById(id: string): RuleDefinition | undefined {
  return BY_ID.get(id);
}

/** Every rule id, in catalogue order. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
