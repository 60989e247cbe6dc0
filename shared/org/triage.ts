import type { EventGroup, MessageTriage, TriagedBatch } from '../events/batch';
import type { Ignored, ParsedEvent } from '../events/types';

// Organization mode's part of triage (DESIGN §15), applied per account-region group of events
// after the event's own triage: which accounts are governed, and which calls are the guardrail's.

/** Who is governed: the central account always (unless excluded), the others per the allow-list. */
export interface OrgScope {
  /** The central account (the functions' own). */
  homeAccountId: string;
  /** The member role's name: its calls in any account are the guardrail's own. */
  memberRoleName: string;
  /** When non-empty, only these accounts (and the central one) are governed. */
  accounts: readonly string[];
  /** Never governed, the central account included. */
  excludeAccounts: readonly string[];
}

/** Why an account is not governed, or undefined when it is. */
export function accountNotGoverned(
  accountId: string,
  scope: Pick<OrgScope, 'homeAccountId' | 'accounts' | 'excludeAccounts'>,
): string | undefined {
  if (scope.excludeAccounts.includes(accountId)) return `account ${accountId} is in excludeAccounts`;
  if (accountId === scope.homeAccountId) return undefined;
  if (scope.accounts.length > 0 && !scope.accounts.includes(accountId)) {
    return `account ${accountId} is not in the accounts allow-list`;
  }
  return undefined;
}

/**
 * True for a session of the member role (`arn:aws:iam::<any account>:role/<memberRoleName>`). The
 * template creates it without a path, so a role of that name under a path is someone else's: its
 * changes are judged (ignoring them would be a silent false negative).
 */
export function isMemberRoleCall(event: ParsedEvent, memberRoleName: string): boolean {
  const issuer = event.actor.issuerArn;
  if (!issuer) return false;
  const match = /^arn:aws[\w-]*:iam::\d{12}:role\/([^/]+)$/.exec(issuer);
  return match?.[1] === memberRoleName;
}

/**
 * Organization triage of one parsed event: the member role's own calls are ignored in every account
 * but the central one, and an account outside the allow-list is rejected with the reason.
 * Undefined: handle it. In the central account the guardrail acts with the function's own role,
 * never the member role, so a call by a role of that name there is someone else's: ignoring it
 * would let a role made to look like the guardrail's change anything unseen.
 */
export function orgTriage(event: ParsedEvent, scope: OrgScope): Ignored | undefined {
  if (!event.accountId) return { code: 'malformed', reason: 'the event names no account' };
  if (!event.region) return { code: 'malformed', reason: 'the event names no region' };
  const central = event.accountId === scope.homeAccountId;
  if (!central && isMemberRoleCall(event, scope.memberRoleName)) {
    return { code: 'own-role', reason: `made by the guardrail's member role ${scope.memberRoleName}` };
  }
  const notGoverned = accountNotGoverned(event.accountId, scope);
  return notGoverned ? { code: 'other-account', reason: notGoverned } : undefined;
}

/**
 * Organization triage of a triaged batch (DESIGN §14, §15), per account-region group: a group of an
 * account that is not governed is ignored whole, with the reason; within a governed group, the
 * member role's own calls are ignored. The messages keep their batch order; emptied groups go.
 */
export function orgTriageBatch(batch: TriagedBatch, scope: OrgScope): TriagedBatch {
  const ignored = new Map<string, { event: ParsedEvent; ignored: Ignored }>();
  const groups: EventGroup[] = [];
  for (const group of batch.groups) {
    const members = group.members.filter((member) => {
      const why = orgTriage(member.event, scope);
      if (why) ignored.set(member.messageId, { event: member.event, ignored: why });
      return !why;
    });
    if (members.length > 0) groups.push({ ...group, members });
  }
  const messages: MessageTriage[] = batch.messages.map((m) => {
    const hit = ignored.get(m.messageId);
    return hit && m.outcome === 'handled' ? { messageId: m.messageId, outcome: 'ignored', ...hit } : m;
  });
  return { messages, groups };
}

/**
 * Single-account mode (no member role): the function's own account, when `excludeAccounts` lists
 * it, is not governed — its events are ignored with the reason, as the audit function reads
 * nothing there and `audit --region` refuses it (DESIGN §15: never governed "unless
 * excludeAccounts" lists it). Synth refuses that configuration for a single-account stack; a
 * local run with these variables now does what the other two paths do rather than act on it.
 */
export function excludedOwnAccount(
  batch: TriagedBatch,
  accountId: string,
  excludeAccounts: readonly string[],
): TriagedBatch {
  if (!excludeAccounts.includes(accountId)) return batch;
  const ignored: Ignored = { code: 'other-account', reason: `account ${accountId} is in excludeAccounts` };
  const messages: MessageTriage[] = batch.messages.map((m) =>
    m.outcome === 'handled' ? { messageId: m.messageId, outcome: 'ignored', event: m.event, ignored } : m,
  );
  return { messages, groups: [] };
}
