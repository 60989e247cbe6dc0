import type { AddedNaclEntry, AddedRule, EventScope, ParsedEvent } from '../events/types';
import type { Finding, Severity } from '../findings';
import type { ActionResult, PlannedAction, SkippedFinding } from '../remediation/types';
import type { RuleRegistry } from '../rules/registry';
import type { ResolvedScope } from '../scope/resolve';
import type { ChatNotification } from './chat';

/**
 * The longest subject sent: SNS's Publish reference asks for "less than 100 characters" (DESIGN
 * §14 says ≤ 100; 99 satisfies both, so a full-length subject is never the reason a notice fails).
 */
export const MAX_SUBJECT_LENGTH = 99;
/**
 * SNS caps a message (body plus attributes) at 256 KiB; the body stays well under that so the
 * subject, attributes and the truncation note always fit.
 */
export const MAX_MESSAGE_BYTES = 240 * 1024;

/** The `action` message attribute (DESIGN §8). */
export type NoticeAction = 'remediated' | 'notified' | 'partially-remediated' | 'failed' | 'dry-run';

/** An SNS message attribute, exactly as `Publish` takes it. */
export interface MessageAttribute {
  DataType: 'String' | 'String.Array';
  StringValue: string;
}

/** One SNS message: what `Publish` sends besides the topic. */
export interface Notice {
  subject: string;
  message: string;
  attributes: Record<string, MessageAttribute>;
  /** The chat form (DESIGN §16); when absent the publisher derives one from the text. */
  chat?: ChatNotification;
}

/** One CloudTrail call that contributed to a digest, with what it touched. */
export interface NoticeCall {
  event: ParsedEvent;
  scope: EventScope;
}

/** A finding the actions closed, and the calls that closed it. */
export interface FixedFinding {
  finding: Finding;
  by: PlannedAction[];
  /**
   * The same rule's finding on the resource after the actions, suppressed: what stays reachable
   * through an accepted path (an exempted group, an allow-listed port), so not everything closed.
   */
  accepted?: Finding;
}

/** A tagged resource no rule judges: the tag has no effect; what to tag instead. */
export interface UntaggableResource {
  resourceId: string;
  /** The resources whose findings the tag was probably meant for (an instance's interfaces and groups). */
  instead: string[];
}

/** Everything one digest notice reports: one account and region, one batch (DESIGN §8, §14). */
export interface NoticeInput {
  accountId?: string;
  region?: string;
  /** When the batch was judged: tells an exemption tag's expired dates from those in force. */
  now?: Date;
  /** The calls of the batch for this account and region, in order, duplicates removed. */
  calls: readonly NoticeCall[];
  /** Set when the slice could not be loaded: the reason (no findings, no remediation). */
  couldNotEvaluate?: string;
  /**
   * With `couldNotEvaluate`: every call's record lacks what it created (`responseElements` left out),
   * so nothing was read; the remedy is an audit, not the read permissions.
   */
  responseDropped?: true;
  /**
   * Calls of an evaluated digest whose record does not name what they created (`Call: why`): told
   * as "could not evaluate" beside the findings of the others (at least `high`, always notified).
   */
  unevaluated?: readonly string[];
  /** With `couldNotEvaluate`: the account's member role could not be assumed (the remedy is onboarding it). */
  memberRoleDenied?: true;
  /**
   * With `couldNotEvaluate`: a read throttled (or EC2 unavailable) past the SDK's retries on the
   * messages' last receive (the remedy is a redrive once it is over, not the read permissions).
   */
  lastReceiveReadFault?: true;
  /**
   * With `couldNotEvaluate`: the member role (ARN) the reads were made with, in another account
   * than the function's (organization mode): its permissions, or that account's SCPs, refused them.
   */
  readAs?: string;
  resolved?: ResolvedScope;
  /** Each call's own resolved scope, in the order of `calls`. */
  perEvent?: readonly ResolvedScope[];
  /** Findings in scope before the actions (suppressed ones included). */
  findings: readonly Finding[];
  /** Findings in scope after the actions (suppressed ones included): what is still open. */
  open: readonly Finding[];
  /** Findings this invocation's calls closed. */
  fixed: readonly FixedFinding[];
  /** The outcomes to report (rules found already gone are left out on a first delivery). */
  results: readonly ActionResult[];
  skipped: readonly SkippedFinding[];
  dryRun: boolean;
  /**
   * World-open rules redelivered calls added that are already gone (DESIGN §8: news on a retry),
   * each with the severity and rules of the finding it made (the notice's `severity` and `ruleIds`
   * count them). `unverified`: a rule from a prefix list that could not be read, judged as if the
   * list held the whole internet; the notice says it is not verified.
   */
  alreadyRemoved: readonly (AddedRule & {
    severity?: Severity;
    ruleIds?: readonly string[];
    unverified?: true;
    /** The rule's group itself is gone (deleted since the call). */
    groupGone?: true;
  })[];
  /**
   * World-open NACL entries redelivered calls wrote that are gone or changed (as `alreadyRemoved`),
   * or still there but `blocked` by an entry before them that denies what they allowed.
   */
  removedEntries?: readonly (AddedNaclEntry & {
    severity?: Severity;
    ruleIds?: readonly string[];
    blocked?: true;
    /** The entry's NACL itself is gone (deleted since the call). */
    aclGone?: true;
  })[];
  /** Findings closed by someone else's removal, reported on a redelivery. */
  goneFindings: readonly Finding[];
  /** True when some message of the group is a redelivery. */
  redelivery: boolean;
  /** Tagged resources no rule judges (DESIGN §8 "Exemptions"). */
  untaggable?: readonly UntaggableResource[];
  /**
   * Resources a DeleteTags named that still carry the exemption tag in the slice read after it, with
   * its value: EC2 deletes a tag only when the value named (if any) is its value, and answers
   * success either way — so nothing was deleted there (or the tag was set again since).
   */
  stillTagged?: readonly { resourceId: string; value: string }[];
  /** The effective global mode, printed in the notice. */
  mode: string;
  exemptionTagKey: string;
  /** Findings below it never cause a notice on their own (DESIGN §8 "No noise"). */
  notifyMinSeverity: Severity;
  /** The rule catalogue whose hooks word the findings (default: the registry). */
  registry?: RuleRegistry;
}
