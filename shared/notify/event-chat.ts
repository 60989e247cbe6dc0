import { exemptionParts } from '../events/tag-event';
import type { EventScope } from '../events/types';
import { describeAction, undoCommand } from './action-text';
import { type ChatFacts, chatNotification } from './chat';
import { couldNotEvaluateAdvice, exemptHowToLines } from './notice-body';
import { headline, openInHeadlineOrder } from './notice-policy';
import type { Notice, NoticeInput } from './notice-types';

// The chat form of an account-region digest: the same facts as its plain text (who, findings,
// what was done, how to undo), cut to what a chat message shows.

/** Lines of a section shown in chat before the rest is counted. */
const MAX_ITEMS = 20;

/** What a digest's chat message shows, from the same input as its plain-text notice. */
export function eventChatFacts(input: NoticeInput, notice: Notice): ChatFacts {
  const open = input.couldNotEvaluate === undefined ? openInHeadlineOrder(input) : [];
  const notes: string[] = [];
  // The first MAX_ITEMS of each kind of note; the rest are counted in the Notes section.
  let notesLeft = 0;
  const first = <T>(items: readonly T[]): readonly T[] => {
    notesLeft += Math.max(0, items.length - MAX_ITEMS);
    return items.slice(0, MAX_ITEMS);
  };
  if (input.couldNotEvaluate !== undefined) {
    notes.push(`Could not evaluate: ${input.couldNotEvaluate}. ${couldNotEvaluateAdvice(input)}`);
  }
  for (const u of first(input.unevaluated ?? [])) {
    notes.push(`Could not evaluate ${u}. ${couldNotEvaluateAdvice({ responseDropped: true })}`);
  }
  for (const { event, scope } of input.calls) {
    for (const exemption of scope.exemption ? exemptionParts(scope.exemption) : []) {
      const what = exemption.everyTag
        ? `Every tag (${exemption.key} included, if it was set) removed from`
        : `Exemption tag ${exemption.key}${exemption.value !== undefined ? ` = ${exemption.value}` : ''} ${
            exemption.change === 'set' ? 'set on' : 'removed from'
          }`;
      // A removal that left the tag in place (value named not the tag's): said, as in the plain text.
      const kept =
        exemption.change === 'removed'
          ? (input.stillTagged ?? []).filter((s) => exemption.resourceIds.includes(s.resourceId))
          : [];
      notes.push(
        `${what} ${exemption.resourceIds.slice(0, 10).join(', ')}${exemption.resourceIds.length > 10 ? ', …' : ''} by ${
          event.actor.arn ?? '(unknown principal)'
        }.${
          kept.length > 0
            ? ` Still tagged, exemption unchanged: ${kept
                .slice(0, 10)
                .map((s) => s.resourceId)
                .join(', ')}.`
            : ''
        }`,
      );
    }
  }
  for (const rule of first(input.alreadyRemoved)) {
    notes.push(
      rule.unverified
        ? `Rule ${rule.ruleId ?? '(no id in the record)'} on ${rule.groupId} from prefix list ${rule.prefixListId} is gone; the list could not be read, so whether it was world-open is not verified.`
        : `World-open rule ${rule.ruleId ?? '(no id in the record)'} on ${rule.groupId} is already removed.`,
    );
  }
  for (const entry of first(input.removedEntries ?? [])) {
    notes.push(
      `World-open entry ${entry.ruleNumber} (${entry.egress ? 'outbound' : 'inbound'}) of ${entry.networkAclId} is already ${entry.blocked ? 'blocked by an entry before it' : 'removed'}.`,
    );
  }
  for (const finding of first(input.goneFindings)) {
    // Only a redelivery reports these: the earlier attempt may have been this guardrail's own.
    notes.push(`Closed before this retry (by an earlier attempt or someone else): ${headline(finding)}.`);
  }
  for (const u of first(input.untaggable ?? [])) {
    const instead = u.resourceId.startsWith('sgr-')
      ? 'its security group (a rule has no exemption of its own)'
      : u.instead.join(', ') || 'its interfaces or groups';
    notes.push(`The exemption tag on ${u.resourceId} has no effect; tag ${instead} instead.`);
  }
  for (const skipped of first(input.skipped.filter((s) => !s.reason.startsWith('suppressed')))) {
    notes.push(`Not remediated: ${skipped.ruleId} on ${skipped.resourceId}: ${skipped.reason}.`);
  }
  const resources = [...new Set([...open, ...input.fixed.map((f) => f.finding)].map((f) => f.resourceId))];
  const done = input.results.filter((r) => r.status === 'done');
  return {
    // The attributes' values, so a chat message and a filter policy never disagree.
    severity: notice.attributes.severity?.StringValue ?? 'info',
    outcome: notice.attributes.action?.StringValue ?? 'notified',
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...(input.region ? { region: input.region } : {}),
    who: input.calls.map(({ event }) => ({
      ...(event.actor.arn ? { principal: event.actor.arn } : {}),
      ...(event.actor.sourceIp ? { sourceIp: event.actor.sourceIp } : {}),
      ...(event.eventTime ? { time: event.eventTime } : {}),
      call: event.eventName,
    })),
    findings: open.slice(0, MAX_ITEMS * 2).map((f) => ({
      severity: f.severity,
      resourceId: f.resourceId,
      headline: headline(f),
      ruleId: f.ruleId,
    })),
    fixed: input.fixed.slice(0, MAX_ITEMS).map(({ finding: f }) => ({
      severity: f.severity,
      resourceId: f.resourceId,
      headline: headline(f),
      ruleId: f.ruleId,
    })),
    actions: input.results.slice(0, MAX_ITEMS).map((r) => ({
      status: input.dryRun ? 'would call' : r.status,
      text: `${describeAction(r.action)}${r.error ? ` — ${r.error}` : ''}`,
    })),
    undo: done.slice(0, MAX_ITEMS).map((r) => undoCommand(r.action)),
    notes,
    exempt: exemptHowToLines(input)
      .filter((line) => line.startsWith('  aws '))
      .map((line) => line.trim())
      .slice(0, 3),
    // Without findings (an exemption change, "could not evaluate"): what the calls named, so the
    // message still links the resources a person must look at.
    resources: resources.length > 0 ? resources : [...new Set(input.calls.flatMap((c) => namedIds(c.scope)))],
    notListed: {
      notes: notesLeft,
      findings: Math.max(0, open.length - MAX_ITEMS * 2),
      fixed: Math.max(0, input.fixed.length - MAX_ITEMS),
      actions: Math.max(0, input.results.length - MAX_ITEMS),
      undo: Math.max(0, done.length - MAX_ITEMS),
    },
  };
}

/** The notice with its chat form attached (what `publishNotice` sends on the `https` protocol). */
export function withChat(notice: Notice, input: NoticeInput): Notice {
  const id = input.calls.length === 1 ? input.calls[0]?.event.eventId : undefined;
  return { ...notice, chat: chatNotification(notice.subject, eventChatFacts(input, notice), id) };
}

/** The resource ids a call named (its scope as read from the record), exemption targets first. */
function namedIds(scope: EventScope): string[] {
  return [
    ...(scope.exemption?.resourceIds ?? []),
    ...scope.securityGroupIds,
    ...scope.networkInterfaceIds,
    ...scope.instanceIds,
    ...scope.networkAclIds,
    ...scope.routeTableIds,
    ...scope.subnetIds,
    ...scope.internetGatewayIds,
    ...scope.natGatewayIds,
    ...scope.vpcEndpointIds,
    ...scope.prefixListIds,
    ...scope.newVpcIds,
  ];
}
