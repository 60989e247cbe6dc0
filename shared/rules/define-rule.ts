import type { FindingDraft } from '../findings';
import type { RuleDefinition, RuleMeta } from './types';

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

/** What a report-only rule states besides its id and severity: config keys and optional fields as it has them. */
type ReportOnlyFields = Pick<RuleMeta, 'title' | 'resourceType'> &
  Partial<Pick<RuleMeta, 'parameters' | 'precedenceGroup' | 'acceptedByInterfaceShape' | 'hooks'>>;

/**
 * The metadata of a rule that only reports: no control mapped, no fix, no IAM action. Each rule
 * still states its id, severity, title and resource type (and config keys) in its own file; only
 * the empty fields are filled here, in the order `RuleMeta` lists them.
 */
export function reportOnly<S extends RuleMeta['severity']>(
  id: string,
  severity: S,
  fields: ReportOnlyFields,
): RuleMeta & { severity: S } {
  const { title, resourceType, parameters = [], ...rest } = fields;
  return {
    id,
    severity,
    title,
    resourceType,
    controls: [],
    autoFix: 'no',
    fixActions: [],
    parameters,
    ...rest,
  };
}

/**
 * The drafts of a rule that judges each item on its own: at most one draft an item, in the items'
 * order (`undefined` when the item is fine or cannot be judged).
 */
export function draftsOf<T>(
  items: Iterable<T>,
  judge: (item: T) => FindingDraft | undefined,
): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const item of items) {
    const draft = judge(item);
    if (draft) out.push(draft);
  }
  return out;
}
