import type { EventScope, ParsedEvent } from '../../shared/events/types';
import type { Finding } from '../../shared/findings';
import type { FixedFinding, NoticeInput } from '../../shared/notify/notice';
import type { ActionResult, SkippedFinding } from '../../shared/remediation/types';

/** A one-call notice described the way a single event reads: one call, its findings, its results. */
export interface OneCall {
  event: ParsedEvent;
  scope: EventScope;
  couldNotEvaluate?: string;
  findings: readonly Finding[];
  /** Findings the results closed (default none: every finding is still open). */
  fixed?: readonly FixedFinding[];
  results: readonly ActionResult[];
  skipped: readonly SkippedFinding[];
  dryRun: boolean;
  alreadyRemoved: NoticeInput['alreadyRemoved'];
  removedEntries?: NoticeInput['removedEntries'];
  mode: string;
  exemptionTagKey: string;
  redelivery?: boolean;
  notifyMinSeverity?: NoticeInput['notifyMinSeverity'];
}

/** The digest input of one call (a batch of one). */
export function oneCall(input: OneCall): NoticeInput {
  const fixed = input.fixed ?? [];
  const fixedIds = new Set(fixed.map((f) => f.finding.id));
  return {
    ...(input.event.accountId ? { accountId: input.event.accountId } : {}),
    ...(input.event.region ? { region: input.event.region } : {}),
    calls: [{ event: input.event, scope: input.scope }],
    ...(input.couldNotEvaluate !== undefined ? { couldNotEvaluate: input.couldNotEvaluate } : {}),
    findings: input.findings,
    open: input.findings.filter((f) => !fixedIds.has(f.id)),
    fixed,
    results: input.results,
    skipped: input.skipped,
    dryRun: input.dryRun,
    alreadyRemoved: input.alreadyRemoved,
    ...(input.removedEntries ? { removedEntries: input.removedEntries } : {}),
    goneFindings: [],
    redelivery:
      input.redelivery ?? (input.alreadyRemoved.length > 0 || (input.removedEntries?.length ?? 0) > 0),
    mode: input.mode,
    exemptionTagKey: input.exemptionTagKey,
    notifyMinSeverity: input.notifyMinSeverity ?? 'low',
  };
}
