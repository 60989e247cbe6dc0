import type { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import { loadSlice } from '../../shared/aws/ec2/slice';
import { AssumeRoleDeniedError, RemediationRetryableError, SliceLoadError } from '../../shared/aws/errors';
import { type AccountClients, memberRoleArn } from '../../shared/aws/member-accounts';
import { publishNotice } from '../../shared/aws/notifier';
import { executeActions, resultsWhenStopped } from '../../shared/aws/remediator';
import { type SecurityHubSync, syncFindings } from '../../shared/aws/security-hub';
import type { Config } from '../../shared/config';
import type { EventGroup, MessageTriage } from '../../shared/events/batch';
import { clip } from '../../shared/events/parse';
import {
  type PipelineOptions,
  runGroupPipeline,
  triageMessages,
  type Where,
} from '../../shared/events/pipeline';
import type { IgnoreCode } from '../../shared/events/types';
import { observedSince, securityHubPlan, splitByState } from '../../shared/integrations/security-hub';
import { parseSnapshot } from '../../shared/model/snapshot';
import { noticeWithAccount } from '../../shared/notify/account-subject';
import type { Notice } from '../../shared/notify/notice';
import { excludedOwnAccount, type OrgScope, orgTriageBatch } from '../../shared/org/triage';
import type { ActionStatus } from '../../shared/remediation/types';
import { defaultProductArn } from '../../shared/report/asff';
import { loggedId, logOutcome, logTriage } from './log-lines';
import {
  lastReceives,
  markRedriven,
  type QueueMessage,
  type QueueSettings,
  stoppedTexts,
} from './queue-settings';
import { publishUnsent, remember } from './unsent-notices';

/** What one invocation needs; built once at cold start (see handler.ts), injected by tests. */
export interface EventDeps {
  config: Config;
  topicArn: string;
  /** The EC2 client of the function's own account and region. */
  ec2: EC2Client;
  /** The EC2 client for a group's account and region (organization mode plugs in here); default `ec2`. */
  ec2For?: (where: Where) => EC2Client | Promise<EC2Client>;
  sns: SNSClient;
  logger: Logger;
  /** Set when the stack enables the Security Hub integration (DESIGN §16). */
  securityHub?: SecurityHubClient;
  /** The function's own account (from its ARN) and region (`AWS_REGION`). */
  accountId: string;
  region: string;
  /**
   * False (default): events of another account or region than the function's are rejected (DESIGN
   * §7). True: every account and region is evaluated with `ec2For`'s client (organization mode,
   * whose allow-list decides upstream).
   */
  anyOrigin?: boolean;
  now(): Date;
  /**
   * Organization mode (DESIGN §15): who is governed, and EC2 clients per account and region
   * (implies `anyOrigin`; its triage decides which accounts count).
   */
  org?: OrgDeps;
  /** Names the invocation in a member account's CloudTrail when a group has no event id. */
  requestId?: string;
  /**
   * CloudTrail event ids whose group failed in this execution environment (kept across
   * invocations by the handler). A direct invocation carries no receive count, but Lambda's retry
   * of a failed one usually lands in the same warm environment: seen here, the event is handled as
   * a redelivery, so a rule its first attempt removed before the publish failed is still told.
   */
  failedEvents?: Set<string>;
  /**
   * Notices whose publish failed here, by the CloudTrail event ids of their group (kept across
   * invocations by the handler). When one of those events comes back (its messages redelivered to
   * this warm environment), the notice is published then, before the group's own: what its calls
   * did — a rule that was there before the calls and that they revoked — is then heard of, where
   * the redelivery alone (which no longer sees that rule) could not tell it. A redelivery in
   * another environment has only the ERROR log, as before.
   */
  unsentNotices?: Map<string, Notice[]>;
  /**
   * The SQS buffer's redrive settings (set by the stack): the last receive is told as such, and a
   * message redriven from the dead-letter queue is read as a redelivery (queue-settings.ts).
   */
  queue?: QueueSettings;
}

/** How many failed event ids an environment remembers (oldest forgotten first). */
const FAILED_EVENTS_KEPT = 1000;

/** What organization mode adds: the allow-list and member role, and the per-account client port. */
export interface OrgDeps {
  scope: OrgScope;
  clients: AccountClients;
}

/** What was done for one account-region group of a batch (also logged): never secrets. */
export interface GroupReport {
  key: string;
  messageIds: string[];
  /** Active and suppressed findings in scope as loaded, before the actions. */
  findings: number;
  suppressed: number;
  /** Active findings still open after the actions (evaluated in memory). */
  open: number;
  actions: { action: string; status: ActionStatus }[];
  couldNotEvaluate?: string;
  notified: boolean;
  messageId?: string;
  /** What Security Hub took (with the integration on): imported, archived, resolved, failures. */
  securityHub?: SecurityHubSync;
}

/** A batch's result: the messages to retry, and what was decided for each group and message. */
export interface BatchResult {
  messages: MessageTriage[];
  groups: GroupReport[];
  /** The message ids of groups that hit a transient fault (throttling past retries, a failed publish). */
  failedMessageIds: string[];
  /** The first transient fault, for a caller that must throw (a direct invocation). */
  error?: unknown;
}

/** The invocation's result for a bare event (a batch of one): what was decided, never secrets. */
export type EventResult =
  | { status: 'ignored'; code: IgnoreCode; reason: string }
  | ({ status: 'handled'; eventId?: string } & Omit<GroupReport, 'key' | 'messageIds'>);

/**
 * A batch through the pipeline with real EC2 and SNS (DESIGN §14): each message triaged alone,
 * then per account and region one slice, one evaluation, one plan, one execution and one notice.
 * Groups run concurrently and fail alone: a transient fault marks only its group's messages.
 */
export async function processMessages(
  messages: readonly QueueMessage[],
  deps: EventDeps,
): Promise<BatchResult> {
  const { logger } = deps;
  const options =
    deps.anyOrigin || deps.org
      ? // Organization mode acts in the event's account and region: they must read as such (§15).
        { now: deps.now(), ...(deps.org ? { requireAwsOrigin: true } : {}) }
      : { now: deps.now(), expectedAccountId: deps.accountId, expectedRegion: deps.region };
  const all = triageMessages(messages, deps.config, options);
  // Organization mode: ungoverned accounts and the member role's own calls are ignored here; alone,
  // the own account when excludeAccounts lists it.
  const triaged = deps.org
    ? orgTriageBatch(all, deps.org.scope)
    : excludedOwnAccount(all, deps.accountId, deps.config.excludeAccounts);
  const failedEvents = deps.failedEvents;
  for (const member of triaged.groups.flatMap((g) => g.members)) {
    const id = member.event.eventId;
    if (id !== undefined && failedEvents?.has(id)) member.redelivered = true;
  }
  // Redriven from the dead-letter queue (SQS counts its receives from 1 again): a redelivery.
  const redriven = markRedriven(triaged, messages, deps.queue);
  for (const m of redriven) {
    logger.info('message read as redriven from the dead-letter queue', {
      messageId: m.messageId,
      eventId: loggedId(m.event.eventId),
      eventTime: m.event.eventTime,
    });
  }
  for (const m of triaged.messages) logTriage(logger, m);
  // One event (a direct invocation, a batch of one): its CloudTrail id correlates the log lines.
  const handled = triaged.groups.flatMap((g) => g.members);
  const only = handled.length === 1 ? handled[0]?.event.eventId : undefined;
  if (only) logger.setCorrelationId(loggedId(only));

  // Per group, how many of its messages (members and their duplicates) were on their last receive.
  const receives = new Map(messages.map((m) => [m.id, m.receiveCount]));
  // Each group's messages: its members', then their duplicates' in batch order (one pass, not one per group).
  const groupOf = new Map(triaged.groups.flatMap((g) => g.members.map((m) => [m.messageId, g] as const)));
  const duplicates = new Map<EventGroup, string[]>();
  for (const m of triaged.messages) {
    const group = m.outcome === 'duplicate' ? groupOf.get(m.duplicateOf) : undefined;
    if (group) duplicates.get(group)?.push(m.messageId) ?? duplicates.set(group, [m.messageId]);
  }
  const messagesOf = (group: EventGroup) => [
    ...new Set(group.members.map((m) => m.messageId)),
    ...(duplicates.get(group) ?? []),
  ];
  const settled = await Promise.allSettled(
    triaged.groups.map((group) =>
      processGroup(group, deps, options, lastReceives(messagesOf(group), receives, deps.queue)),
    ),
  );
  const groups: GroupReport[] = [];
  const failed: string[] = [];
  let error: unknown;
  settled.forEach((result, i) => {
    const group = triaged.groups[i];
    if (!group) return;
    const messageIds = group.members.map((m) => m.messageId);
    if (result.status === 'fulfilled') {
      groups.push(result.value);
      return;
    }
    // Transient AWS faults after the SDK's retries: only this group's messages are retried.
    const made =
      result.reason instanceof RemediationRetryableError
        ? result.reason.done.filter((r) => r.status === 'done').map((r) => r.action)
        : [];
    const last = lastReceives(messagesOf(group), receives, deps.queue);
    logger.error(
      last !== undefined && last.last === last.of
        ? 'group not processed; last receive: its messages go to the dead-letter queue'
        : 'group not processed; its messages will be retried',
      {
        group: group.key,
        messageIds,
        ...(last !== undefined && last.last > 0 ? { lastReceive: last } : {}),
        error: result.reason as Error,
        // Changes made before the fault: the retry finds them done, so the log is where they are told.
        ...(made.length > 0
          ? { callsMade: made.map((a) => ({ action: a.action, parameters: a.parameters })) }
          : {}),
      },
    );
    // A duplicate of a member is a message of this account and region too (DESIGN §14 "fails only
    // the messages of that account and region"): it is retried with its twin, never acknowledged
    // while the twin is not.
    failed.push(...messagesOf(group));
    error ??= result.reason;
    if (failedEvents) {
      for (const m of group.members) {
        // A hostile id longer than any CloudTrail id is not kept: the set would hold megabytes.
        const id = m.event.eventId;
        if (id !== undefined && clip(id) === id) failedEvents.add(id);
      }
      for (const id of [...failedEvents].slice(0, Math.max(0, failedEvents.size - FAILED_EVENTS_KEPT))) {
        failedEvents.delete(id);
      }
    }
  });
  return {
    messages: triaged.messages,
    groups,
    failedMessageIds: failed,
    ...(error !== undefined ? { error } : {}),
  };
}

/**
 * One CloudTrail event (a direct invocation: a bare EventBridge event or CloudTrail record) as a
 * batch of one. Ignored events return normally; a transient fault throws (the invocation is retried).
 */
export async function processEvent(input: unknown, deps: EventDeps): Promise<EventResult> {
  // Not an SQS message: Lambda's own retries (and DLQ) follow, whatever the buffer's settings.
  const { queue: _buffer, ...direct } = deps;
  const batch = await processMessages([{ id: 'direct', body: input, receiveCount: 1 }], direct);
  if (batch.error !== undefined) throw batch.error;
  const triage = batch.messages[0];
  if (!triage || triage.outcome === 'unreadable') {
    return { status: 'ignored', code: 'malformed', reason: triage?.reason ?? 'no event' };
  }
  if (triage.outcome === 'ignored') return { status: 'ignored', ...triage.ignored };
  const report = batch.groups[0];
  const {
    key: _key,
    messageIds: _ids,
    ...rest
  } = report ?? {
    key: '',
    messageIds: [],
    findings: 0,
    suppressed: 0,
    open: 0,
    actions: [],
    notified: false,
  };
  return { status: 'handled', ...(triage.event.eventId ? { eventId: triage.event.eventId } : {}), ...rest };
}

async function processGroup(
  group: EventGroup,
  deps: EventDeps,
  options: PipelineOptions,
  receives: { last: number; of: number } | undefined,
): Promise<GroupReport> {
  const { logger } = deps;
  const messageIds = group.members.map((m) => m.messageId);
  const { org } = deps;
  // The session name ties the member account's CloudTrail to this invocation (DESIGN §15: its
  // request id); a local run without one falls back to the group's first event.
  const sessionName = deps.requestId ?? group.members[0]?.event.eventId;
  // Set when a transient fault stopped the remediation: the group fails after its notice is sent.
  let stopped: RemediationRetryableError | undefined;
  // Set when a read failed transiently on the last receive: the group fails after its notice.
  let readFault: SliceLoadError | undefined;
  const clientFor = async (where: Where) =>
    org
      ? org.clients.ec2(where.accountId ?? deps.accountId, where.region ?? deps.region, sessionName)
      : deps.ec2For
        ? deps.ec2For(where)
        : deps.ec2;
  const outcome = await runGroupPipeline(
    group,
    deps.config,
    {
      loadSlice: async (scope, where) => {
        let client: EC2Client;
        try {
          client = await clientFor(where);
        } catch (error) {
          // Not onboarded yet (or its trust is broken): say so, acknowledge, do not retry.
          if (!(error instanceof AssumeRoleDeniedError)) throw error;
          logger.error('member role not assumed', { accountId: error.accountId, roleArn: error.roleArn });
          return {
            snapshot: parseSnapshot({}),
            complete: false,
            errors: [error.message],
            memberRoleDenied: true,
          };
        }
        let slice: Awaited<ReturnType<typeof loadSlice>>;
        try {
          slice = await loadSlice(client, scope, where);
        } catch (error) {
          // A read throttled past the SDK's retries fails the messages quietly for redelivery
          // (DESIGN §14); on their last receive none follows: told as "could not evaluate" first.
          if (!(error instanceof SliceLoadError) || receives === undefined || receives.last < receives.of) {
            throw error;
          }
          readFault = error;
          return {
            snapshot: parseSnapshot({}),
            complete: false,
            errors: [error.message],
            lastReceiveReadFault: true,
          };
        }
        logger.info('slice loaded', {
          group: group.key,
          calls: slice.calls,
          complete: slice.complete,
          errors: slice.errors,
        });
        // Read through a member role: a refused read is that role's (or its account's SCPs'), so
        // the notice names it rather than the function's own role (DESIGN §15).
        const account = where.accountId;
        if (org && !slice.complete && account !== undefined && account !== deps.accountId) {
          const role = memberRoleArn(account, org.scope.memberRoleName, where.region ?? deps.region);
          return { ...slice, readAs: role };
        }
        return slice;
      },
      execute: async (plan, where) => {
        const client = await clientFor(where);
        try {
          return await executeActions(client, plan);
        } catch (error) {
          if (!(error instanceof RemediationRetryableError)) throw error;
          // Told before the messages are retried (DESIGN §8 "a notice is never lost silently",
          // "act first, then notify"; §14 "Partial failure"): a rule revoked before the fault is
          // gone when the redelivery reads the slice, so its notice would never name it.
          stopped = error;
          return resultsWhenStopped(plan.actions, error, stoppedTexts(error, receives));
        }
      },
    },
    options,
  );
  logOutcome(logger, outcome, messageIds);

  let messageId: string | undefined;
  // A member account's notice names the account in its subject (the attributes always carry it),
  // and so does its chat form, whose title is the subject.
  const notice =
    outcome.notice && group.accountId !== undefined && group.accountId !== deps.accountId
      ? noticeWithAccount(outcome.notice, group.accountId)
      : outcome.notice;
  const eventIds = group.members.flatMap((m) => (m.event.eventId !== undefined ? [m.event.eventId] : []));
  // An earlier attempt's notice first (it tells older calls); if SNS refuses it, this one is not tried.
  let failure = await publishUnsent(deps, group.key, eventIds);
  if (notice) {
    try {
      if (failure === undefined) messageId = await publishNotice(deps.sns, deps.topicArn, notice);
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) {
      // Never lost silently: the whole notice is in the log, kept for these events' return here,
      // and the retry sends it again.
      remember(deps.unsentNotices, eventIds, notice);
      logger.error('notice not published', {
        group: group.key,
        notice,
        error: failure as Error,
        // On the last receive no redelivery will try it again: the dead-letter queue keeps the events.
        ...(receives !== undefined && receives.last > 0 ? { lastReceive: receives } : {}),
      });
    }
  }
  // A remediation stopped by a transient fault is the group's error (its log names the calls made),
  // else a read that failed so on the last receive, else a refused publish: the redelivery re-reads
  // the slice and makes the rest (Security Hub then).
  const groupError = stopped ?? readFault ?? failure;
  if (groupError !== undefined) throw groupError;
  const before = outcome.assessment?.findings ?? [];
  // After the notice: Security Hub mirrors what the person was told. A failure there is logged and
  // reported, not retried: a retry would evaluate, act and notify again for a secondary copy.
  let securityHub: SecurityHubSync | undefined;
  if (deps.securityHub && outcome.assessment) {
    const plan = securityHubPlan({
      ...splitByState(before, outcome.after),
      scope: outcome.assessment.resolved,
      notJudged: outcome.assessment.notJudged,
      // Exemption tags set or removed by these calls: their findings' Workflow follows them.
      exemptionChanges: group.members.flatMap((m) => (m.scope.exemption ? [m.scope.exemption] : [])),
      // Records of resources no longer firing carry no account or region of their own: they are the
      // group's (a member account in organization mode), imported under this account's product.
      asff: {
        accountId: group.accountId ?? deps.accountId,
        region: group.region ?? deps.region,
        now: options.now,
        // FirstObservedAt: when the change the evaluation follows was made (README, Security Hub).
        firstObservedAt: observedSince(
          group.members.map((m) => m.event.eventTime),
          options.now,
        ),
        productArn: defaultProductArn(deps.region, deps.accountId),
      },
    });
    if (plan.otherAccounts.length > 0) {
      logger.info('member findings not sent to Security Hub: it takes them only from their own account', {
        group: group.key,
        notImported: plan.otherAccounts,
      });
    }
    securityHub = await syncFindings(deps.securityHub, plan);
    if (securityHub.failed.length > 0) {
      logger.error('findings not taken by Security Hub', { group: group.key, securityHub });
    } else logger.info('findings sent to Security Hub', { group: group.key, securityHub });
  }
  return {
    key: group.key,
    messageIds,
    findings: before.filter((f) => !f.suppressed).length,
    suppressed: before.filter((f) => f.suppressed).length,
    open: outcome.after.filter((f) => !f.suppressed).length,
    actions: outcome.results.map((r) => ({ action: r.action.action, status: r.status })),
    ...(outcome.couldNotEvaluate ? { couldNotEvaluate: outcome.couldNotEvaluate } : {}),
    notified: outcome.notice !== undefined,
    ...(messageId ? { messageId } : {}),
    ...(securityHub ? { securityHub } : {}),
  };
}
