import type { Analysis } from '../analysis/analysis';
import type { Config } from '../config';
import type { FindingDraft, ResourceType, Severity } from '../findings';
import type { Model } from '../model/model';

/** Whether a rule can remediate: never, when the mode says so, or only when enabled per rule. */
export type AutoFix = 'no' | 'yes' | 'opt-in';

/** What a rule sees: the normalized model, the config, and shared (memoized) analyses. */
export interface RuleContext {
  model: Model;
  config: Config;
  analysis: Analysis;
}

/** One rule of the catalogue (DESIGN §5). */
export interface RuleDefinition {
  id: string;
  /** Fixed severity, or `by-ports` when the finding's ports decide it. */
  severity: Severity | 'by-ports';
  title: string;
  resourceType: ResourceType;
  controls: readonly string[];
  autoFix: AutoFix;
  /** IAM actions its remediation calls (empty when it cannot fix). */
  fixActions: readonly string[];
  /** Config keys the rule reads. */
  parameters: readonly (keyof Config)[];
  evaluate(context: RuleContext): FindingDraft[];
}
