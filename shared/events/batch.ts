import { repeatedKey } from '../json-keys';
import { keyPath } from '../validation';
import { emptyScope } from './event-table';
import { type TriageOptions, triageEvent } from './parse';
import {
  addedNaclEntryKey,
  addedRuleKey,
  type EventScope,
  type Ignored,
  type ParsedEvent,
  prefixListEntryKey,
} from './types';

// DESIGN §14 "Coalescing": each message of a batch is triaged on its own, duplicate event ids
// count once, and the rest are grouped by account and region so that each group's slice is read,
// evaluated, planned and acted on once.

/** One message of a batch: an SQS record's body (text) or an event given directly (a batch of one). */
export interface BatchMessage {
  /** The SQS `messageId` (what `batchItemFailures` names); an index for a direct invocation. */
  id: string;
  /** The SQS body text, or an already-parsed event. */
  body: unknown;
  /** SQS `ApproximateReceiveCount`: above 1 the message is a redelivery. 1 for a direct event. */
  receiveCount: number;
}

/** A message that will be evaluated with its group. */
export interface GroupMember {
  messageId: string;
  event: ParsedEvent;
  scope: EventScope;
  /** True when SQS delivers this message again (`ApproximateReceiveCount` > 1). */
  redelivered: boolean;
}

/** The messages of one account and region: one slice, one evaluation, one plan, one notice. */
export interface EventGroup {
  key: string;
  accountId?: string;
  region?: string;
  members: GroupMember[];
}

/** What triage decided for one message, in batch order (logged, and printed by `simulate`). */
export type MessageTriage =
  | { messageId: string; outcome: 'unreadable'; reason: string }
  | { messageId: string; outcome: 'ignored'; event?: ParsedEvent; ignored: Ignored }
  | { messageId: string; outcome: 'duplicate'; event: ParsedEvent; duplicateOf: string }
  | { messageId: string; outcome: 'handled'; event: ParsedEvent; group: string };

/** A batch after triage: one outcome per message, and the groups to evaluate. */
export interface TriagedBatch {
  messages: MessageTriage[];
  groups: EventGroup[];
}

/** Triages every message and groups the handled ones by account and region. Never throws. */
export function triageBatch(messages: readonly BatchMessage[], options: TriageOptions): TriagedBatch {
  const out: MessageTriage[] = [];
  const groups = new Map<string, EventGroup>();
  const seen = new Map<string, GroupMember>();
  for (const message of messages) {
    const body = readBody(message.body);
    if (!body.ok) {
      out.push({ messageId: message.id, outcome: 'unreadable', reason: body.reason });
      continue;
    }
    const triage = triageEvent(body.value, options);
    if (triage.kind === 'ignore') {
      out.push({
        messageId: message.id,
        outcome: 'ignored',
        ignored: triage.ignored,
        ...(triage.event ? { event: triage.event } : {}),
      });
      continue;
    }
    const { event, scope } = triage;
    // SQS standard queues deliver at least once, and a person may send one event twice.
    const first = event.eventId === undefined ? undefined : seen.get(event.eventId);
    if (first !== undefined) {
      out.push({ messageId: message.id, outcome: 'duplicate', event, duplicateOf: first.messageId });
      // A redelivered copy means an earlier attempt may have acted on the event: the kept copy
      // reports like a redelivery, or a rule that attempt removed would never be told.
      if (message.receiveCount > 1) first.redelivered = true;
      continue;
    }
    const key = `${event.accountId ?? '(no account)'}|${event.region ?? '(no region)'}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        ...(event.accountId !== undefined ? { accountId: event.accountId } : {}),
        ...(event.region !== undefined ? { region: event.region } : {}),
        members: [],
      };
      groups.set(key, group);
    }
    const member: GroupMember = {
      messageId: message.id,
      event,
      scope,
      redelivered: message.receiveCount > 1,
    };
    group.members.push(member);
    if (event.eventId !== undefined) seen.set(event.eventId, member);
    out.push({ messageId: message.id, outcome: 'handled', event, group: key });
  }
  return { messages: out, groups: [...groups.values()] };
}

/**
 * The scopes of a group as one, for the slice loader: every list the union in first-seen order.
 * The area and event name are the first event's (the loader reads only the lists); reporting
 * resolves each event's own scope (see assessSlice).
 */
export function mergeScopes(scopes: readonly EventScope[]): EventScope {
  const first = scopes[0];
  const merged = emptyScope(first?.eventName ?? '(none)', first?.area ?? 'security-group');
  const union = <T>(pick: (s: EventScope) => readonly T[], key: (value: T) => string = String): T[] => {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const scope of scopes) {
      for (const value of pick(scope)) {
        const k = key(value);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(value);
      }
    }
    return out;
  };
  return {
    ...merged,
    securityGroupIds: union((s) => s.securityGroupIds),
    securityGroupNames: union((s) => s.securityGroupNames),
    securityGroupRuleIds: union((s) => s.securityGroupRuleIds),
    addedRules: union((s) => s.addedRules, addedRuleKey),
    addedNaclEntries: union((s) => s.addedNaclEntries, addedNaclEntryKey),
    networkAclIds: union((s) => s.networkAclIds),
    networkAclAssociationIds: union((s) => s.networkAclAssociationIds),
    subnetIds: union((s) => s.subnetIds),
    routeTableIds: union((s) => s.routeTableIds),
    internetGatewayIds: union((s) => s.internetGatewayIds),
    vpcIds: union((s) => s.vpcIds),
    natGatewayIds: union((s) => s.natGatewayIds),
    vpcEndpointIds: union((s) => s.vpcEndpointIds),
    networkInterfaceIds: union((s) => s.networkInterfaceIds),
    instanceIds: union((s) => s.instanceIds),
    prefixListIds: union((s) => s.prefixListIds),
    addedPrefixListEntries: union((s) => s.addedPrefixListEntries, prefixListEntryKey),
    removedPrefixListEntries: union((s) => s.removedPrefixListEntries, prefixListEntryKey),
    newVpcIds: union((s) => s.newVpcIds),
    restoredPrefixListVersions: union(
      (s) => s.restoredPrefixListVersions,
      (v) => `${v.prefixListId}|${v.version}`,
    ),
    ...(scopes.some((s) => s.mainRouteTables) ? { mainRouteTables: true as const } : {}),
  };
}

/** The message body as an event: SQS delivers text, a direct invocation an object. */
function readBody(body: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof body !== 'string') return { ok: true, value: body };
  const text = body.replace(/^\uFEFF/, '');
  try {
    const value: unknown = JSON.parse(text);
    // A key given twice is read by its last value (as the snapshot, config and `simulate --event`
    // inputs refuse it): the record judged would not be the record sent. EventBridge never writes
    // one; a hand-sent or forged message may.
    const found = typeof value === 'object' && value !== null ? repeatedKey(text) : undefined;
    if (found) {
      return {
        ok: false,
        reason: `the message body repeats the key ${keyPath(found.path)} (JSON keeps only the last of its values; send each key once)`,
      };
    }
    return { ok: true, value };
  } catch (error) {
    const preview = body.length > 80 ? `${body.slice(0, 80)}…` : body;
    return {
      ok: false,
      reason: `the message body is not JSON (${(error as Error).message}): ${JSON.stringify(preview)}`,
    };
  }
}
