import type { Logger } from '@aws-lambda-powertools/logger';
import type { MessageTriage } from '../../shared/events/batch';
import { clip } from '../../shared/events/parse';
import type { GroupOutcome } from '../../shared/events/pipeline';
import type { IgnoreCode } from '../../shared/events/types';
import { notJudgedInScope } from '../../shared/scope/resolve';

// The event function's log lines (DESIGN §13: every message's fate, every group's outcome).

/**
 * The event id as logged: CloudTrail's are 36-character UUIDs; a hostile record's may be megabytes,
 * and the correlation id is repeated on every line of the invocation (DESIGN §13: the log stays
 * readable, and CloudWatch cuts an event at 256 KB). Clipped as parse.ts clips any value it quotes.
 */
export function loggedId(id: string | undefined): string | undefined {
  return id === undefined ? undefined : clip(id);
}

/** Ignore reasons logged at ERROR: something is wrong with the event or the wiring. */
const ERROR_CODES: ReadonlySet<IgnoreCode> = new Set<IgnoreCode>([
  'malformed',
  'no-resource',
  'unknown-event',
  'not-ec2',
]);

export function logTriage(logger: Logger, m: MessageTriage): void {
  switch (m.outcome) {
    case 'unreadable':
      // Acknowledged, never retried forever: an error to look at.
      logger.error('message ignored', { messageId: m.messageId, code: 'not-json', reason: m.reason });
      return;
    case 'ignored': {
      const details = {
        messageId: m.messageId,
        code: m.ignored.code,
        reason: m.ignored.reason,
        eventName: m.event?.eventName,
        eventId: loggedId(m.event?.eventId),
      };
      // DESIGN §13: a malformed, unknown or hostile event is "a clear logged error". A call of the
      // table whose record names no resource to judge (cut short, or a shape not read) is one too:
      // a change went unjudged. So is an event the EventBridge pattern never sends (another source,
      // a name outside the table): the wiring is wrong. The other reasons are the guardrail working.
      if (ERROR_CODES.has(m.ignored.code)) logger.error('event ignored', details);
      else logger.info('event ignored', details);
      return;
    }
    case 'duplicate':
      logger.info('duplicate event counted once', {
        messageId: m.messageId,
        eventId: loggedId(m.event.eventId),
        duplicateOf: m.duplicateOf,
      });
      return;
    case 'handled':
      logger.info('event accepted', {
        messageId: m.messageId,
        eventId: loggedId(m.event.eventId),
        eventName: m.event.eventName,
        group: m.group,
      });
  }
}

export function logOutcome(logger: Logger, outcome: GroupOutcome, messageIds: string[]): void {
  logger.info('group evaluated', {
    group: outcome.group.key,
    messageIds,
    eventIds: outcome.group.members.map((m) => loggedId(m.event.eventId)),
    scope: outcome.assessment?.resolved ?? outcome.scope,
    findings: (outcome.assessment?.findings ?? []).map((f) => ({
      id: f.id,
      ruleId: f.ruleId,
      resourceId: f.resourceId,
      suppressed: !!f.suppressed,
    })),
    open: outcome.after.filter((f) => !f.suppressed).map((f) => f.id),
    actions: outcome.results.map((r) => ({ ...r.action, status: r.status, error: r.error })),
    // What could not be judged about the reported resources (DESIGN §3): the audit's summary.notJudged
    // for them (scripts/emulator/parity.py compares the two).
    ...(outcome.assessment
      ? { notJudged: notJudgedInScope(outcome.assessment.notJudged, outcome.assessment.resolved) }
      : {}),
    ...(outcome.couldNotEvaluate ? { couldNotEvaluate: outcome.couldNotEvaluate } : {}),
  });
  // The findings in full (severity, evidence, exposure) only at DEBUG (POWERTOOLS_LOG_LEVEL): what an
  // operator compares with an audit's findings for the same resources (scripts/emulator/parity.py).
  if (outcome.assessment && logger.getLevelName() === 'DEBUG') {
    logger.debug('findings in scope', { group: outcome.group.key, findings: outcome.assessment.findings });
  }
  for (const failed of outcome.results.filter((r) => r.status === 'failed')) {
    logger.error('remediation failed', {
      action: failed.action.action,
      parameters: failed.action.parameters,
      error: failed.error,
    });
  }
}
