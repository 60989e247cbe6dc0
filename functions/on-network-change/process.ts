import type { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SNSClient } from '@aws-sdk/client-sns';
import { loadSlice } from '../../shared/aws/ec2/slice';
import { AssumeRoleDeniedError } from '../../shared/aws/errors';
import type { AccountClients } from '../../shared/aws/member-accounts';
import { publishNotice } from '../../shared/aws/notifier';
import { executeActions } from '../../shared/aws/remediator';
import type { Config } from '../../shared/config';
import { isIgnored } from '../../shared/events/event-table';
import { parseEvent } from '../../shared/events/parse';
import { runEventPipeline } from '../../shared/events/pipeline';
import type { IgnoreCode, Ignored } from '../../shared/events/types';
import { parseSnapshot } from '../../shared/model/snapshot';
import { subjectWithAccount } from '../../shared/notify/account-subject';
import { type OrgScope, orgTriage } from '../../shared/org/triage';
import type { ActionStatus } from '../../shared/remediation/types';

/** What one invocation needs; built once at cold start (see handler.ts), injected by tests. */
export interface EventDeps {
  config: Config;
  topicArn: string;
  ec2: EC2Client;
  sns: SNSClient;
  logger: Logger;
  /** The function's own account (from its ARN) and region (`AWS_REGION`). */
  accountId: string;
  region: string;
  now(): Date;
  /** Organization mode (DESIGN §15): who is governed, and EC2 clients per account and region. */
  org?: OrgDeps;
  /** Names the invocation in the member account's CloudTrail when no event id is at hand. */
  requestId?: string;
}

/** What organization mode adds: the allow-list and member role, and the per-account client port. */
export interface OrgDeps {
  scope: OrgScope;
  clients: AccountClients;
}

/** The invocation's result (also logged): what was decided, never secrets. */
export type EventResult =
  | { status: 'ignored'; code: IgnoreCode; reason: string }
  | {
      status: 'handled';
      eventId?: string;
      findings: number;
      suppressed: number;
      actions: { action: string; status: ActionStatus }[];
      couldNotEvaluate?: string;
      notified: boolean;
      messageId?: string;
    };

/** Logs an ignored event: a malformed one is an error to look at, the others are the guardrail working. */
function ignore(logger: Logger, ignored: Ignored, eventName: string | undefined): EventResult {
  const { code, reason } = ignored;
  const details = { code, reason, eventName };
  if (code === 'malformed') logger.error('event ignored', details);
  else logger.info('event ignored', details);
  return { status: 'ignored', code, reason };
}

/**
 * One CloudTrail event through the pipeline with real EC2 and SNS. Ignored events return normally;
 * transient AWS faults and a failed publish throw (the invocation is retried, then dead-lettered).
 */
export async function processEvent(input: unknown, deps: EventDeps): Promise<EventResult> {
  const { logger, ec2, config } = deps;
  const parsed = parseEvent(input);
  if (!isIgnored(parsed) && parsed.eventId) logger.setCorrelationId(parsed.eventId);
  const org = deps.org;
  if (org && !isIgnored(parsed)) {
    const ignored = orgTriage(parsed, org.scope);
    if (ignored) return ignore(logger, ignored, parsed.eventName);
  }
  const accountId = (org && !isIgnored(parsed) && parsed.accountId) || deps.accountId;
  const region = (org && !isIgnored(parsed) && parsed.region) || deps.region;
  const sessionName = (!isIgnored(parsed) && parsed.eventId) || deps.requestId;
  /** The EC2 client of the event's account and region (the member role's, in another account). */
  const clientFor = (): Promise<EC2Client> =>
    org ? org.clients.ec2(accountId, region, sessionName) : Promise.resolve(ec2);

  const outcome = await runEventPipeline(
    input,
    config,
    {
      loadSlice: async (scope, event) => {
        let client: EC2Client;
        try {
          client = await clientFor();
        } catch (error) {
          // Not onboarded yet (or its trust is broken): say so, acknowledge, do not retry.
          if (!(error instanceof AssumeRoleDeniedError)) throw error;
          logger.error('member role not assumed', { accountId: error.accountId, roleArn: error.roleArn });
          return { snapshot: parseSnapshot({}), complete: false, errors: [error.message] };
        }
        const slice = await loadSlice(client, scope, {
          ...(event.accountId ? { accountId: event.accountId } : {}),
          ...(event.region ? { region: event.region } : {}),
        });
        logger.info('slice loaded', { calls: slice.calls, complete: slice.complete, errors: slice.errors });
        return slice;
      },
      execute: async (plan) => executeActions(await clientFor(), plan),
    },
    // Organization mode takes account and region from the event (checked by orgTriage above).
    org
      ? { now: deps.now() }
      : { now: deps.now(), expectedAccountId: deps.accountId, expectedRegion: deps.region },
  ).catch((error: unknown) => {
    // Transient AWS faults after the SDK's retries: the invocation fails and is retried.
    logger.error('event not processed; the invocation will be retried', { error: error as Error });
    throw error;
  });

  if (outcome.kind === 'ignored') return ignore(logger, outcome.ignored, outcome.event?.eventName);

  const findings = outcome.assessment?.findings ?? [];
  const actions = outcome.results.map((r) => ({ action: r.action.action, status: r.status }));
  logger.info('event evaluated', {
    eventName: outcome.event.eventName,
    scope: outcome.assessment?.resolved ?? outcome.scope,
    findings: findings.map((f) => ({
      id: f.id,
      ruleId: f.ruleId,
      resourceId: f.resourceId,
      suppressed: !!f.suppressed,
    })),
    actions: outcome.results.map((r) => ({ ...r.action, status: r.status, error: r.error })),
    ...(outcome.couldNotEvaluate ? { couldNotEvaluate: outcome.couldNotEvaluate } : {}),
  });
  for (const failed of outcome.results.filter((r) => r.status === 'failed')) {
    logger.error('remediation failed', {
      action: failed.action.action,
      parameters: failed.action.parameters,
      error: failed.error,
    });
  }

  let messageId: string | undefined;
  // A member account's notice names the account in its subject (the attributes always carry it).
  const notice =
    outcome.notice && accountId !== deps.accountId
      ? { ...outcome.notice, subject: subjectWithAccount(outcome.notice.subject, accountId) }
      : outcome.notice;
  if (notice) {
    try {
      messageId = await publishNotice(deps.sns, deps.topicArn, notice);
    } catch (error) {
      // Never lost silently: the whole notice is in the log, and the retry sends it again.
      logger.error('notice not published', { notice, error: error as Error });
      throw error;
    }
  }
  return {
    status: 'handled',
    ...(outcome.event.eventId ? { eventId: outcome.event.eventId } : {}),
    findings: findings.filter((f) => !f.suppressed).length,
    suppressed: findings.filter((f) => f.suppressed).length,
    actions,
    ...(outcome.couldNotEvaluate ? { couldNotEvaluate: outcome.couldNotEvaluate } : {}),
    notified: outcome.notice !== undefined,
    ...(messageId ? { messageId } : {}),
  };
}
