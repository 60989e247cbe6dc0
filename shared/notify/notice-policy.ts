import { atOrAbove, type Finding, SEVERITIES, type Severity } from '../findings';
import type { ActionResult } from '../remediation/types';
import { REGISTRY, type RuleRegistry } from '../rules/registry';
import type { HeadlineFit } from '../rules/types';
import type { NoticeAction, NoticeInput } from './notice-types';
import { sanitize, shortId } from './sanitize';

// What a digest reports and whether it is sent (DESIGN §8 "No noise", "Notices tell the state
// after the actions").

/**
 * Whether a digest deserves a message: a reported finding at or above `notifyMinSeverity`, a call
 * this invocation made, a failure, "could not evaluate", an exemption tag change, or (on a
 * redelivery) a rule or NACL entry that is already gone. Findings below the threshold are listed, never the cause.
 */
export function shouldNotify(input: NoticeInput): boolean {
  const loud = (f: Finding) => isLoud(f, input.notifyMinSeverity);
  return (
    input.couldNotEvaluate !== undefined ||
    (input.unevaluated?.length ?? 0) > 0 ||
    input.calls.some((c) => c.scope.exemption !== undefined) ||
    input.alreadyRemoved.length > 0 ||
    (input.removedEntries?.length ?? 0) > 0 ||
    input.goneFindings.length > 0 ||
    input.results.some((r) => r.status === 'failed' || r.status === 'done') ||
    input.open.some(loud) ||
    input.fixed.some((f) => loud(f.finding))
  );
}

/** An active finding at or above the threshold: one that may cause a notice on its own. */
export function isLoud(finding: Finding, notifyMinSeverity: Severity): boolean {
  return !finding.suppressed && atOrAbove(finding.severity, notifyMinSeverity);
}

/** The `action` attribute: what happened, for subscription filter policies. */
export function noticeAction(input: NoticeInput): NoticeAction {
  if (input.couldNotEvaluate !== undefined) return 'failed';
  // A call left unevaluated is a failure of the digest, as a "could not evaluate" notice is (DESIGN
  // §8: action `failed`), so a subscription filtered on failures hears of it.
  return outcomeOf(input.results, input.unevaluated?.length ?? 0);
}

/**
 * The `action` of a set of call outcomes; `otherFailures` counts failures that are not calls (the
 * audit's regions that could not be read).
 */
export function outcomeOf(results: readonly Pick<ActionResult, 'status'>[], otherFailures = 0): NoticeAction {
  const failed = otherFailures + results.filter((r) => r.status === 'failed').length;
  const succeeded = results.filter((r) => r.status === 'done' || r.status === 'already-done').length;
  if (failed > 0) return succeeded > 0 ? 'partially-remediated' : 'failed';
  if (results.some((r) => r.status === 'dry-run')) return 'dry-run';
  if (succeeded > 0) return 'remediated';
  return 'notified';
}

/** The most severe active finding's severity, else `info`. */
export function highestSeverity(findings: readonly Finding[]): Severity {
  let best = SEVERITIES.length - 1;
  for (const f of findings) if (!f.suppressed) best = Math.min(best, SEVERITIES.indexOf(f.severity));
  return SEVERITIES[best] ?? 'info';
}

/**
 * The `severity` attribute: the highest reported (open, fixed, or gone on a redelivery, and the
 * findings the rules reported already removed made). "Could not evaluate" is at least `high`, so a
 * subscription filtered to critical and high still hears that the guardrail is blind (DESIGN §8).
 */
export function noticeSeverity(input: NoticeInput): Severity {
  const reported = worse(highestSeverity(reportedFindings(input)), removedSeverity(input));
  if (input.couldNotEvaluate === undefined && (input.unevaluated?.length ?? 0) === 0) return reported;
  return atOrAbove(reported, 'high') ? reported : 'high';
}

/** The worst severity of the findings the already-removed rules and NACL entries made, else `info`. */
export function removedSeverity(input: NoticeInput): Severity {
  return [...input.alreadyRemoved, ...(input.removedEntries ?? [])].reduce<Severity>(
    (worst, r) => worse(worst, r.severity ?? 'info'),
    'info',
  );
}

function worse(a: Severity, b: Severity): Severity {
  return atOrAbove(a, b) ? a : b;
}

/** Every active finding the digest reports: open, fixed, and gone (redelivery). */
export function reportedFindings(input: NoticeInput): Finding[] {
  return [
    ...input.open.filter((f) => !f.suppressed),
    ...input.fixed.map((f) => f.finding),
    ...input.goneFindings,
  ];
}

/**
 * Open findings, the one the subject names first: most severe; at equal severity one about the
 * changed resource itself before the exposure of an interface using it.
 */
export function openInHeadlineOrder(input: NoticeInput): Finding[] {
  return byHeadline(input.open.filter((f) => !f.suppressed));
}

/** Findings in the order a subject picks its lead: severity, then resources before interfaces. */
export function byHeadline(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) =>
    SEVERITIES.indexOf(f.severity) * 2 + (f.resourceType === 'AWS::EC2::NetworkInterface' ? 1 : 0);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

export type { HeadlineFit };

/**
 * The rule's own headline (its meta's `headline` hook: `sg-0abc world-open on 22/tcp`), else the
 * title with the resource id in front.
 */
export function headline(finding: Finding, fit: HeadlineFit = {}, registry: RuleRegistry = REGISTRY): string {
  const own = registry.byId(finding.ruleId)?.meta.hooks?.headline?.(finding, fit);
  if (own !== undefined) return own;
  const id = shortId(finding.resourceId, fit.idMax);
  const title = sanitize(finding.title, 100);
  return title.includes(finding.resourceId) ? title.replace(finding.resourceId, id) : `${id}: ${title}`;
}
