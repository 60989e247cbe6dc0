import { severityRank } from '../findings';
import { type ChatFacts, chatNotification } from './chat';
import {
  describeAction,
  exemptHowToLines,
  headline,
  type Notice,
  type NoticeInput,
  undoCommand,
} from './notice';

// The chat form of an event's notice: the same facts as its plain text (who, findings, what was
// done, how to undo), cut to what a chat message shows.

/** Lines of a section shown in chat before the rest is counted. */
const MAX_ITEMS = 20;

/** What an event's chat message shows, from the same input as its plain-text notice. */
export function eventChatFacts(input: NoticeInput, notice: Notice): ChatFacts {
  const { event } = input;
  const active = input.couldNotEvaluate === undefined ? input.findings.filter((f) => !f.suppressed) : [];
  active.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const notes: string[] = [];
  if (input.couldNotEvaluate !== undefined) {
    notes.push(
      `Could not evaluate: ${input.couldNotEvaluate}. Nothing was remediated; review the change by hand.`,
    );
  }
  const exemption = input.scope.exemption;
  if (exemption) {
    notes.push(
      `Exemption tag ${exemption.key}${exemption.value !== undefined ? ` = ${exemption.value}` : ''} ${
        exemption.change === 'set' ? 'set on' : 'removed from'
      } ${exemption.resourceIds.slice(0, 10).join(', ')}${exemption.resourceIds.length > 10 ? ', …' : ''}.`,
    );
  }
  for (const rule of input.alreadyRemoved.slice(0, MAX_ITEMS)) {
    notes.push(`World-open rule ${rule.ruleId} on ${rule.groupId} that this call added is already removed.`);
  }
  for (const skipped of input.skipped.filter((s) => !s.reason.startsWith('suppressed')).slice(0, MAX_ITEMS)) {
    notes.push(`Not remediated: ${skipped.ruleId} on ${skipped.resourceId}: ${skipped.reason}.`);
  }
  const resources = [...new Set(active.map((f) => f.resourceId))];
  return {
    // The attributes' values, so a chat message and a filter policy never disagree.
    severity: notice.attributes.severity?.StringValue ?? 'info',
    outcome: notice.attributes.action?.StringValue ?? 'notified',
    ...(event.accountId ? { accountId: event.accountId } : {}),
    ...(event.region ? { region: event.region } : {}),
    who: [
      {
        ...(event.actor.arn ? { principal: event.actor.arn } : {}),
        ...(event.actor.sourceIp ? { sourceIp: event.actor.sourceIp } : {}),
        ...(event.eventTime ? { time: event.eventTime } : {}),
        call: event.eventName,
      },
    ],
    findings: active.slice(0, MAX_ITEMS * 2).map((f) => ({
      severity: f.severity,
      resourceId: f.resourceId,
      headline: headline(f),
      ruleId: f.ruleId,
    })),
    actions: input.results.slice(0, MAX_ITEMS).map((r) => ({
      status: input.dryRun ? 'would call' : r.status,
      text: `${describeAction(r.action)}${r.error ? ` — ${r.error}` : ''}`,
    })),
    undo: input.results
      .filter((r) => r.status === 'done')
      .slice(0, MAX_ITEMS)
      .map((r) => undoCommand(r.action)),
    notes,
    // The plain text's exemption commands, without its heading and closing note.
    exempt: exemptHowToLines(input)
      .filter((line) => line.startsWith('  aws '))
      .map((line) => line.trim())
      .slice(0, 3),
    resources: resources.length > 0 ? resources : (exemption?.resourceIds ?? []),
  };
}

/** The notice with its chat form attached (what `publishNotice` sends on the `https` protocol). */
export function withChat(notice: Notice, input: NoticeInput): Notice {
  return {
    ...notice,
    chat: chatNotification(notice.subject, eventChatFacts(input, notice), input.event.eventId),
  };
}
