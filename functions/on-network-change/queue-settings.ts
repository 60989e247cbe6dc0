import { errorText, type RemediationRetryableError } from '../../shared/aws/errors';
import type { StoppedTexts } from '../../shared/aws/remediator';
import type { BatchMessage, GroupMember, TriagedBatch } from '../../shared/events/batch';

// What the event function knows of the SQS buffer it reads (DESIGN §14), from the environment the
// stack sets: how many receives a message gets before the dead-letter queue, and how long a
// received message stays invisible. The function cannot read them from an SQS record.

/** The buffer's redrive settings (`VPC_GUARDRAIL_QUEUE`: `<maxReceiveCount>,<visibility seconds>`). */
export interface QueueSettings {
  /** The buffer's `maxReceiveCount`: a message failed on this receive goes to the dead-letter queue. */
  maxReceives: number;
  /** The buffer's visibility timeout: a failed message is received again no sooner than this. */
  visibilitySeconds: number;
}

/** An SQS message of the buffer: its `SentTimestamp` (milliseconds) beside what triage reads. */
export interface QueueMessage extends BatchMessage {
  sentAt?: number;
}

const QUEUE = 'VPC_GUARDRAIL_QUEUE';

/**
 * The buffer's settings from the environment, or none when the variable is not set (a local run,
 * or a stack from before it was passed: the notices then keep the general wording). A value that is
 * not two whole numbers within SQS's bounds (maxReceiveCount 1–1000, visibility timeout 0–12 hours)
 * is a configuration error naming the variable: the cold start fails, loudly.
 */
export function queueSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): {
  settings?: QueueSettings;
  issues: string[];
} {
  const value = env[QUEUE];
  if (value === undefined) return { issues: [] };
  const match = /^(\d{1,4}),(\d{1,5})$/.exec(value);
  const maxReceives = Number(match?.[1]);
  const visibilitySeconds = Number(match?.[2]);
  if (!match || maxReceives < 1 || maxReceives > 1000 || visibilitySeconds > 43_200) {
    return {
      issues: [
        `${QUEUE}: must be "<maxReceiveCount 1-1000>,<visibility timeout seconds 0-43200>" (the stack sets it), got ${JSON.stringify(value.slice(0, 40))}`,
      ],
    };
  }
  return { settings: { maxReceives, visibilitySeconds }, issues: [] };
}

/**
 * How many of a group's messages (its members and their duplicates) were on their last receive: a
 * failure sends those to the dead-letter queue instead of delivering them again. Undefined when the
 * buffer's settings are not known.
 */
export function lastReceives(
  messageIds: readonly string[],
  receives: ReadonlyMap<string, number>,
  settings: QueueSettings | undefined,
): { last: number; of: number } | undefined {
  if (settings === undefined) return undefined;
  const last = messageIds.filter((id) => (receives.get(id) ?? 1) >= settings.maxReceives).length;
  return { last, of: messageIds.length };
}

/**
 * Marks as redelivered the members whose message reads as a first delivery but came back from the
 * dead-letter queue. SQS treats a redriven message as a new one (new message id, `SentTimestamp`,
 * receive count from 1: SQS Developer Guide, "dead-letter queue redrive"), so a rule its first
 * attempt removed before the notice failed would be "not news" and the person never told. A
 * message reaches the dead-letter queue no sooner than `maxReceives × visibility` after its event
 * (each failed receive waits out the visibility timeout): one sent to the buffer that long after its
 * call was made is read as redriven (README "Redrive"). An event EventBridge delivered that late
 * (its retries, up to 2 hours, when SQS refused) reads the same: at worst a rule a concurrent batch
 * removed is reported "already removed" twice. Returns the members marked.
 */
export function markRedriven(
  batch: TriagedBatch,
  messages: readonly QueueMessage[],
  settings: QueueSettings | undefined,
): GroupMember[] {
  if (settings === undefined) return [];
  const sentAt = new Map(messages.map((m) => [m.id, m.sentAt]));
  // A copy counted once as a duplicate speaks for its twin (as a redelivered copy does in triage).
  for (const m of batch.messages) {
    const late = m.outcome === 'duplicate' ? sentAt.get(m.messageId) : undefined;
    if (m.outcome === 'duplicate' && late !== undefined && late > (sentAt.get(m.duplicateOf) ?? 0)) {
      sentAt.set(m.duplicateOf, late);
    }
  }
  const after = settings.maxReceives * settings.visibilitySeconds * 1000;
  const marked: GroupMember[] = [];
  for (const member of batch.groups.flatMap((g) => g.members)) {
    if (member.redelivered) continue;
    const sent = sentAt.get(member.messageId);
    const made = member.event.eventTime === undefined ? Number.NaN : Date.parse(member.event.eventTime);
    if (sent === undefined || !Number.isFinite(made) || sent - made < after) continue;
    member.redelivered = true;
    marked.push(member);
  }
  return marked;
}

/**
 * How a notice words the call a transient fault stopped in and the calls after it: the messages
 * fail, SQS (or Lambda, for a direct invocation) delivers them again, and the redelivery re-reads
 * the slice and makes what is still needed (README "Failures" for the last attempt).
 */
export function stoppedTexts(
  error: RemediationRetryableError,
  receives: { last: number; of: number } | undefined,
): StoppedTexts {
  const cause = errorText(error.cause ?? error);
  const fault = "throttled or unavailable past the SDK's retries";
  // The stack passes the buffer's maxReceiveCount: the last receive says that no retry follows.
  if (receives !== undefined && receives.last === receives.of) {
    const dlq = `not retried again: last receive, ${receives.of > 1 ? 'the messages go' : 'the message goes'} to the dead-letter queue (redrive once the cause is fixed)`;
    return {
      stopped: `${dlq} (${fault}): ${cause}`,
      notMade: `not made: an earlier remediation call was ${fault}; ${dlq}`,
    };
  }
  // Some messages on their last receive: the others come back, with only their own calls' scope.
  const some =
    receives !== undefined && receives.last > 0
      ? `; ${receives.last} of ${receives.of} messages on their last receive go to the dead-letter queue: a call only they lead to is not retried`
      : '; after the last attempt a dead-letter queue keeps them';
  return {
    // The retry first: a notice line is capped, and AWS's message can be long.
    stopped: `retried when these calls are delivered again (${fault}${some}): ${cause}`,
    notMade: `not made: an earlier remediation call was ${fault}; retried when these calls are delivered again`,
  };
}
