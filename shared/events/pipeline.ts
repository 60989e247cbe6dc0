import type { Config } from '../config';
import type { Snapshot } from '../model/snapshot-schema';
import { withChat } from '../notify/event-chat';
import { buildNotice, type Notice, type NoticeInput, shouldNotify } from '../notify/notice';
import type { ActionResult, RemediationPlanResult } from '../remediation/types';
import type { AutoFix } from '../rules/types';
import { type Assessment, assessSlice } from '../scope/assess';
import { triageEvent } from './parse';
import type { EventScope, Ignored, ParsedEvent } from './types';

/** A loaded slice: the snapshot, and whether every read succeeded. */
export interface SliceSource {
  snapshot: Snapshot;
  complete: boolean;
  errors: string[];
}

/**
 * What the pipeline needs from the outside world: the Lambda reads EC2 and calls it, the simulate
 * command reads a snapshot file and calls nothing.
 */
export interface PipelinePorts {
  loadSlice(scope: EventScope, event: ParsedEvent): Promise<SliceSource>;
  execute(plan: RemediationPlanResult): Promise<ActionResult[]>;
}

export interface PipelineOptions {
  /** The time exemption expiries are judged at. */
  now: Date;
  /** The function's own account and region: events elsewhere are rejected. Unset: not checked. */
  expectedAccountId?: string;
  expectedRegion?: string;
  autoFixOf?: (ruleId: string) => AutoFix;
}

/** What the pipeline did with one event. */
export type EventOutcome =
  | { kind: 'ignored'; event?: ParsedEvent; ignored: Ignored }
  | {
      kind: 'handled';
      event: ParsedEvent;
      scope: EventScope;
      /** Set when the slice could not be fully read: the reason (nothing was assessed or remediated). */
      couldNotEvaluate?: string;
      assessment?: Assessment;
      results: ActionResult[];
      /** The message to publish; undefined when there is nothing to tell (DESIGN §8). */
      notice?: Notice;
      /** The notice as it would read even when it is not sent (simulate prints it). */
      draft: Notice;
    };

/**
 * event → scope → slice → findings → plan → act → notice (DESIGN §7, §8). Publishing is left to the
 * caller, after the actions: remediation never waits on SNS.
 */
export async function runEventPipeline(
  input: unknown,
  config: Config,
  ports: PipelinePorts,
  options: PipelineOptions,
): Promise<EventOutcome> {
  const triage = triageEvent(input, {
    exemptionTagKey: config.exemptionTagKey,
    ...(config.ownRoleArn ? { ownRoleArn: config.ownRoleArn } : {}),
    ...(options.expectedAccountId !== undefined ? { expectedAccountId: options.expectedAccountId } : {}),
    ...(options.expectedRegion !== undefined ? { expectedRegion: options.expectedRegion } : {}),
  });
  if (triage.kind === 'ignore') {
    return triage.event
      ? { kind: 'ignored', event: triage.event, ignored: triage.ignored }
      : { kind: 'ignored', ignored: triage.ignored };
  }
  const { event, scope } = triage;
  const slice = await ports.loadSlice(scope, event);
  const noticeBase = {
    event,
    scope,
    mode: config.mode,
    exemptionTagKey: config.exemptionTagKey,
  };

  if (!slice.complete) {
    const couldNotEvaluate = slice.errors.join('; ') || 'the slice could not be loaded';
    const noticeInput: NoticeInput = {
      ...noticeBase,
      couldNotEvaluate,
      findings: [],
      results: [],
      skipped: [],
      dryRun: config.mode === 'dry-run',
      alreadyRemoved: [],
    };
    const draft = withChat(buildNotice(noticeInput), noticeInput);
    return { kind: 'handled', event, scope, couldNotEvaluate, results: [], notice: draft, draft };
  }

  const assessment = assessSlice(scope, slice.snapshot, config, {
    now: options.now,
    sliceComplete: true,
    ...(options.autoFixOf ? { autoFixOf: options.autoFixOf } : {}),
  });
  // Act first, then tell: the caller publishes after this returns.
  const results = await ports.execute(assessment.plan);
  const noticeInput: NoticeInput = {
    ...noticeBase,
    resolved: assessment.resolved,
    findings: assessment.findings,
    results,
    skipped: assessment.plan.skipped,
    dryRun: assessment.plan.dryRun,
    alreadyRemoved: assessment.alreadyRemoved,
  };
  const draft = withChat(buildNotice(noticeInput), noticeInput);
  return {
    kind: 'handled',
    event,
    scope,
    assessment,
    results,
    draft,
    ...(shouldNotify(noticeInput) ? { notice: draft } : {}),
  };
}
