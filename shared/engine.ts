import { acceptExposure } from './accepted-exposure';
import { Analysis } from './analysis/analysis';
import { exposureAnalysis } from './analysis/exposure';
import { type NotJudged, notJudgedOf } from './analysis/not-judged';
import type { Config } from './config';
import { suppressionFor } from './exemptions';
import { compareFindings, type Finding, findingId, SEVERITIES, type Severity } from './findings';
import { buildModel, type Model } from './model/model';
import type { Snapshot } from './model/snapshot-schema';
import { RULES } from './rules/registry';
import type { RuleDefinition } from './rules/types';

export interface EvaluateOptions {
  /** The time exemption expiries are judged at; the engine reads no clock. Undated exemptions ignore it. */
  now?: Date;
  /** Rules to run (default: the whole catalogue). */
  rules?: readonly RuleDefinition[];
}

/** Evaluates a validated snapshot with the rule catalogue: every finding, deterministic order. */
export function evaluate(snapshot: Snapshot, config: Config, options: EvaluateOptions = {}): Finding[] {
  return evaluateModel(buildModel(snapshot), config, options);
}

export type { NotJudged } from './analysis/not-judged';

/** Findings, plus what could not be judged and what looked odd in the input (DESIGN §3). */
export interface EngineResult {
  findings: Finding[];
  notJudged: NotJudged[];
  /** The model's warnings (two views of a group that disagree); the snapshot's own come from parsing. */
  warnings: string[];
}

/** Evaluates a validated snapshot and says what it could not judge (`notJudged`) and why. */
export function evaluateReport(
  snapshot: Snapshot,
  config: Config,
  options: EvaluateOptions = {},
): EngineResult {
  return evaluateModelReport(buildModel(snapshot), config, options);
}

/** `evaluateReport` of an already-built model (the event path scopes findings with the model). */
export function evaluateModelReport(
  model: Model,
  config: Config,
  options: EvaluateOptions = {},
): EngineResult {
  const { findings, analysis } = run(model, config, options);
  const running = (options.rules ?? RULES).filter((rule) => config.rules[rule.id] !== 'off');
  const notJudged = notJudgedOf(analysis, {
    interfaceRuleIds: running
      .filter((rule) => rule.resourceType === 'AWS::EC2::NetworkInterface')
      .map((rule) => rule.id),
    judgesGroups: running.some((rule) => rule.resourceType === 'AWS::EC2::SecurityGroup'),
  });
  return { findings, notJudged, warnings: model.warnings };
}

/** Evaluates an already-built model (lets callers reuse the model, e.g. to scope findings). */
export function evaluateModel(model: Model, config: Config, options: EvaluateOptions = {}): Finding[] {
  return run(model, config, options).findings;
}

/** One evaluation: the findings, and the analysis they came from (its memos answer `notJudged`). */
function run(
  model: Model,
  config: Config,
  options: EvaluateOptions,
): { findings: Finding[]; analysis: Analysis } {
  const analysis = new Analysis(model, config);
  const context = { model, config, analysis };
  const findings: Finding[] = [];
  for (const rule of options.rules ?? RULES) {
    if (config.rules[rule.id] === 'off') continue;
    for (const draft of rule.evaluate(context)) {
      const { evidenceKey, ...fields } = draft;
      const finding: Finding = {
        id: findingId(draft.ruleId, draft.resourceId, evidenceKey),
        ...fields,
        ...(model.accountId ? { accountId: model.accountId } : {}),
        ...(model.region ? { region: model.region } : {}),
      };
      const suppressed = suppressionFor(finding, model, config, options.now);
      if (suppressed) finding.suppressed = suppressed;
      findings.push(finding);
    }
  }
  // Interface exposure accepted through exempted groups (DESIGN §8), once every SG finding is known.
  acceptExposure(findings, model, config, analysis, options.now);
  addExposureCounts(findings, analysis);
  return { findings: findings.sort(compareFindings), analysis };
}

/**
 * Sets `exposure` on security-group findings: how many internet-exposed interfaces use the group
 * (0 included, so "world-open but attached to nothing reachable" reads as such). Computed from the
 * same memoized exposure analysis as `eni-internet-exposed`, and only when there is an SG finding.
 */
function addExposureCounts(findings: Finding[], analysis: Analysis): void {
  let counts: ReadonlyMap<string, number> | undefined;
  for (const finding of findings) {
    if (finding.resourceType !== 'AWS::EC2::SecurityGroup') continue;
    counts ??= exposureAnalysis(analysis).exposedCountByGroup();
    finding.exposure = counts.get(finding.resourceId) ?? 0;
  }
}

export interface Summary {
  /** Findings not suppressed. */
  total: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  /** The most severe active finding's severity, if any. */
  highestSeverity?: Severity;
  /** Resources a rule could not judge for lack of data (DESIGN §3); they do not change the exit code. */
  notJudged: NotJudged[];
  /** What looked odd in the input without being wrong; they do not change the exit code. */
  warnings: string[];
}

/** What an evaluation could not judge and what it warned about, for `summarize`. */
export interface SummaryNotes {
  notJudged?: readonly NotJudged[];
  warnings?: readonly string[];
}

/** Counts of active (unsuppressed) findings by severity and rule, plus the suppressed count. */
export function summarize(findings: readonly Finding[], notes: SummaryNotes = {}): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  let suppressed = 0;
  let highest: Severity | undefined;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    if (highest === undefined || SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(highest))
      highest = f.severity;
  }
  const total = findings.length - suppressed;
  const notJudged = [...(notes.notJudged ?? [])];
  const warnings = [...(notes.warnings ?? [])];
  return highest
    ? { total, suppressed, bySeverity, byRule, highestSeverity: highest, notJudged, warnings }
    : { total, suppressed, bySeverity, byRule, notJudged, warnings };
}
