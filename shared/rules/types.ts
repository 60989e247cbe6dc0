import type { Analysis } from '../analysis/analysis';
import type { NotJudged } from '../analysis/not-judged';
import type { Config, PortSpec } from '../config';
import type { Finding, FindingDraft, ResourceType, Severity } from '../findings';
import type { Model } from '../model/model';

/** Whether a rule can remediate: never, when the mode says so, or only when enabled per rule. */
export type AutoFix = 'no' | 'yes' | 'opt-in';

/** What a rule sees: the normalized model, the config, and shared (memoized) analyses. */
export interface RuleContext {
  model: Model;
  config: Config;
  analysis: Analysis;
  /**
   * Ports of this resource already reported by the rules ranked above this one in its precedence
   * group (DESIGN §5: a port is reported under the first rule that applies). Empty for a rule
   * outside any group.
   */
  claimed(resourceId: string): readonly PortSpec[];
}

/**
 * One ingress or egress source rule as an event added it (`AuthorizeSecurityGroupIngress`), or an
 * allow entry a NACL event wrote read as one: the shape the "offending source" hook judges; the
 * event parser's `AddedRule` extends it.
 */
export interface SourceRule {
  egress: boolean;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  /**
   * The CIDRs of the rule's prefix-list source, as the slice read the list (absent: no list
   * source, or a list not read — then the source is not judged world-open).
   */
  prefixListCidrs?: readonly string[];
}

/** How a headline is shortened to fit a notice's subject. */
export interface HeadlineFit {
  /** Characters kept of the resource id (an ellipsis marks a cut). */
  idMax?: number;
  /** Ports shown. */
  maxPorts?: number;
}

/** What other parts of the system ask a rule, instead of deciding by its id or its evidence text. */
export interface RuleHooks {
  /**
   * The short headline a notice's subject uses for one of the rule's findings
   * (`sg-0abc world-open on 22/tcp`); without it, or when it returns undefined, the notice uses
   * the title.
   */
  headline?(finding: Finding, fit: HeadlineFit): string | undefined;
  /**
   * True when a source rule of this shape is one the rule's remediation removes: used to tell
   * "already removed" on a retried event, when the rule is gone from the slice. Asked only of the
   * rules judging the kind it came from (a group's rule, or a NACL's allow entry).
   */
  offendingSource?(rule: SourceRule, config: Config): boolean;
}

/** Everything a rule declares about itself, once (DESIGN §5 row, §8 mode and fix, §9 keys). */
export interface RuleMeta {
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
  /**
   * The precedence group the rule belongs to: rules of one group report a port of a resource
   * once, under the first of them in registry order (the registry declares the order).
   */
  precedenceGroup?: string;
  /**
   * True when a security group's findings of this rule are accepted by the shape of its attached
   * interfaces (config `allowInterfaceTypes`, `allowRequesterIds`; DESIGN §8: the `sg-open-*` rules).
   */
  acceptedByInterfaceShape?: boolean;
  hooks?: RuleHooks;
}

/** One rule of the catalogue (DESIGN §5): its metadata and its evaluation. */
export interface RuleDefinition {
  meta: RuleMeta;
  /**
   * The rule's findings for the whole model. A draft's `ports` are structured; the engine writes
   * them to `evidence.ports` and records them as claimed for the rule's precedence group.
   */
  evaluate(context: RuleContext): FindingDraft[];
  /**
   * The resources the rule skipped for lack of data (DESIGN §3: not judged is said, never skipped
   * in silence). Interfaces and groups need not be declared: their gaps are found for every rule
   * that judges them at once (analysis/not-judged.ts).
   */
  notJudged?(context: RuleContext): NotJudged[];
}
