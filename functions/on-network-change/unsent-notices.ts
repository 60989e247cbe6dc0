import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSClient } from '@aws-sdk/client-sns';
import { publishNotice } from '../../shared/aws/notifier';
import { clip } from '../../shared/events/parse';
import type { Notice } from '../../shared/notify/notice';

// Notices whose publish failed in this execution environment, kept by the CloudTrail event ids of
// their group until those events come back (EventDeps.unsentNotices in process.ts; README
// "Failures").

/** What publishing the kept notices needs of the event function's dependencies. */
export interface UnsentDeps {
  sns: SNSClient;
  topicArn: string;
  logger: Logger;
  unsentNotices?: Map<string, Notice[]>;
}

/**
 * How many unsent notices an environment keeps (oldest forgotten first): a notice can approach
 * SNS's 256 KB (twice, with its chat form), and a whole SNS outage would otherwise fill the memory.
 */
const UNSENT_NOTICES_KEPT = 20;

/**
 * Publishes the notices of earlier attempts of these events whose publish failed in this
 * environment (`EventDeps.unsentNotices`), oldest first; each is forgotten once sent. A publish
 * that fails again keeps it, and its error is returned: the group fails, as for its own notice.
 */
export async function publishUnsent(
  deps: UnsentDeps,
  groupKey: string,
  eventIds: readonly string[],
): Promise<unknown> {
  const unsent = deps.unsentNotices;
  if (!unsent || unsent.size === 0) return undefined;
  const notices = [...new Set(eventIds.flatMap((id) => unsent.get(id) ?? []))];
  for (const notice of notices) {
    try {
      const messageId = await publishNotice(deps.sns, deps.topicArn, notice);
      deps.logger.info('earlier notice published', { group: groupKey, messageId, subject: notice.subject });
    } catch (error) {
      deps.logger.error('notice not published', { group: groupKey, notice, error: error as Error });
      return error;
    }
    forget(unsent, notice);
  }
  return undefined;
}

/** Drops a notice from every event id it is kept under. */
function forget(unsent: Map<string, Notice[]>, notice: Notice): void {
  for (const [id, kept] of unsent) {
    const left = kept.filter((n) => n !== notice);
    if (left.length > 0) unsent.set(id, left);
    else unsent.delete(id);
  }
}

/** Keeps a notice whose publish failed under the group's event ids (a bounded number of notices). */
export function remember(
  unsent: Map<string, Notice[]> | undefined,
  eventIds: readonly string[],
  notice: Notice,
): void {
  if (!unsent) return;
  // A hostile id longer than any CloudTrail id is not kept (as in failedEvents).
  for (const id of eventIds) if (clip(id) === id) unsent.set(id, [...(unsent.get(id) ?? []), notice]);
  const kept = [...new Set([...unsent.values()].flat())];
  for (const old of kept.slice(0, Math.max(0, kept.length - UNSENT_NOTICES_KEPT))) forget(unsent, old);
}
