import type { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import { publishNotice } from '../../shared/aws/notifier';
import { executeActions } from '../../shared/aws/remediator';
import { type SecurityHubSync, syncFindings } from '../../shared/aws/security-hub';
import { loadSlice } from '../../shared/aws/slice-loader';
import type { Config } from '../../shared/config';
import { isIgnored } from '../../shared/events/event-table';
import { parseEvent } from '../../shared/events/parse';
import { runEventPipeline } from '../../shared/events/pipeline';
import type { IgnoreCode } from '../../shared/events/types';
import { securityHubPlan, splitByRemediation } from '../../shared/integrations/security-hub';
import type { ActionStatus } from '../../shared/remediation/types';

/** What one invocation needs; built once at cold start (see handler.ts), injected by tests. */
export interface EventDeps {
  config: Config;
  topicArn: string;
  ec2: EC2Client;
  sns: SNSClient;
  logger: Logger;
  /** Set when the stack enables the Security Hub integration (DESIGN §16). */
  securityHub?: SecurityHubClient;
  /** The function's own account (from its ARN) and region (`AWS_REGION`). */
  accountId: string;
  region: string;
  now(): Date;
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
      securityHub?: SecurityHubSync;
    };

/**
 * One CloudTrail event through the pipeline with real EC2 and SNS. Ignored events return normally;
 * transient AWS faults and a failed publish throw (the invocation is retried, then dead-lettered).
 */
export async function processEvent(input: unknown, deps: EventDeps): Promise<EventResult> {
  const { logger, ec2, config } = deps;
  const parsed = parseEvent(input);
  if (!isIgnored(parsed) && parsed.eventId) logger.setCorrelationId(parsed.eventId);

  const outcome = await runEventPipeline(
    input,
    config,
    {
      loadSlice: async (scope, event) => {
        const slice = await loadSlice(ec2, scope, {
          ...(event.accountId ? { accountId: event.accountId } : {}),
          ...(event.region ? { region: event.region } : {}),
        });
        logger.info('slice loaded', { calls: slice.calls, complete: slice.complete, errors: slice.errors });
        return slice;
      },
      execute: (plan) => executeActions(ec2, plan),
    },
    { now: deps.now(), expectedAccountId: deps.accountId, expectedRegion: deps.region },
  ).catch((error: unknown) => {
    // Transient AWS faults after the SDK's retries: the invocation fails and is retried.
    logger.error('event not processed; the invocation will be retried', { error: error as Error });
    throw error;
  });

  if (outcome.kind === 'ignored') {
    const { code, reason } = outcome.ignored;
    const details = { code, reason, eventName: outcome.event?.eventName };
    // A malformed event is an error to look at; the other reasons are the guardrail working.
    if (code === 'malformed') logger.error('event ignored', details);
    else logger.info('event ignored', details);
    return { status: 'ignored', code, reason };
  }

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
  if (outcome.notice) {
    try {
      messageId = await publishNotice(deps.sns, deps.topicArn, outcome.notice);
    } catch (error) {
      // Never lost silently: the whole notice is in the log, and the retry sends it again.
      logger.error('notice not published', { notice: outcome.notice, error: error as Error });
      throw error;
    }
  }
  // After the notice: Security Hub mirrors what the person was told. A failure there is logged and
  // reported, not retried: a retry would evaluate, act and notify again for a secondary copy.
  let securityHub: SecurityHubSync | undefined;
  if (deps.securityHub && outcome.assessment) {
    const plan = securityHubPlan({
      ...splitByRemediation(outcome.assessment.findings, outcome.results),
      scope: outcome.assessment.resolved,
      asff: { accountId: deps.accountId, region: deps.region, now: deps.now() },
    });
    securityHub = await syncFindings(deps.securityHub, plan);
    if (securityHub.failed.length > 0) logger.error('findings not taken by Security Hub', { securityHub });
    else logger.info('findings sent to Security Hub', { securityHub });
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
    ...(securityHub ? { securityHub } : {}),
  };
}
