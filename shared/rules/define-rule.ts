import type { RuleDefinition } from './types';

const RULE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Declares a rule (in the spirit of typescript-eslint's `createRule({ meta, create })`): metadata
 * stated once and typed, checked when the module loads so a malformed rule never reaches a run.
 */
export function defineRule(rule: RuleDefinition): RuleDefinition {
  const { meta } = rule;
  if (!RULE_ID.test(meta.id)) throw new Error(`rule id ${JSON.stringify(meta.id)} is not kebab-case`);
  if (meta.autoFix === 'no' && meta.fixActions.length > 0) {
    throw new Error(`rule ${meta.id} cannot fix, yet lists fix actions ${meta.fixActions.join(', ')}`);
  }
  if (meta.autoFix !== 'no' && meta.fixActions.length === 0) {
    throw new Error(`rule ${meta.id} can fix, yet lists no IAM action for its fix`);
  }
  return rule;
}
