import { messageOf } from './notice-body';
import { noticeAction, noticeSeverity, outcomeOf, reportedFindings } from './notice-policy';
import { subjectOf } from './notice-subject';
import type { MessageAttribute, Notice, NoticeInput } from './notice-types';
import { sanitize } from './sanitize';

export { describeAction, undoCommand } from './action-text';
export { headline, highestSeverity, isLoud, noticeAction, outcomeOf, shouldNotify } from './notice-policy';
export {
  type FixedFinding,
  MAX_MESSAGE_BYTES,
  MAX_SUBJECT_LENGTH,
  type MessageAttribute,
  type Notice,
  type NoticeAction,
  type NoticeCall,
  type NoticeInput,
  type UntaggableResource,
} from './notice-types';

/** Builds the one SNS message of an account-region digest: subject, plain-text body, attributes. */
export function buildNotice(input: NoticeInput): Notice {
  const action = noticeAction(input);
  const severity = noticeSeverity(input);
  // The rules whose findings the already-removed rules made count too: a subscription filtered on
  // `ruleIds` hears of them as one filtered on `severity` does.
  const removed = [...input.alreadyRemoved, ...(input.removedEntries ?? [])].flatMap((r) => r.ruleIds ?? []);
  const ruleIds = [...new Set([...reportedFindings(input).map((f) => f.ruleId), ...removed])].sort();
  const attributes: Record<string, MessageAttribute> = {
    severity: { DataType: 'String', StringValue: severity },
    // Omitted when empty: a filter policy on rule ids should not match a notice without findings.
    ...(ruleIds.length > 0
      ? { ruleIds: { DataType: 'String.Array' as const, StringValue: JSON.stringify(ruleIds) } }
      : {}),
    action: { DataType: 'String', StringValue: action },
  };
  const accountId = sanitize(input.accountId, 64);
  const region = sanitize(input.region, 64);
  if (accountId) attributes.accountId = { DataType: 'String', StringValue: accountId };
  if (region) attributes.region = { DataType: 'String', StringValue: region };
  // The subject's outcome is what the calls did: a call left unevaluated is news of its own there.
  const subject = subjectOf(input, outcomeOf(input.results), severity);
  return { subject, message: messageOf(input, action), attributes };
}
