import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ec2Client, securityHubClient, snsClient, stsClient } from '../../shared/aws/clients';
import { accountOf, GuardrailLogger } from '../../shared/aws/lambda-context';
import { accountClients } from '../../shared/aws/member-accounts';
import { securityHubEnabled } from '../../shared/aws/security-hub';
import { ConfigError } from '../../shared/errors';
import { configFromEnv } from '../../shared/load-config';
import type { Notice } from '../../shared/notify/notice';
import { memberRoleNameFromEnv, orgScope } from '../../shared/org/settings';
import { type EventDeps, type EventResult, type OrgDeps, processEvent, processMessages } from './process';
import { type QueueMessage, queueSettingsFromEnv } from './queue-settings';

// Cold start: the environment is read and validated once; an invalid config fails here, loudly.
const logger = new GuardrailLogger({ serviceName: 'vpc-guardrail-on-network-change' });
const config = configFromEnv(process.env);
const topicArn = config.topicArn ?? '';
const region = process.env.AWS_REGION ?? '';
const queue = queueSettingsFromEnv(process.env);
const missing = [
  ...(topicArn ? [] : ['VPC_GUARDRAIL_TOPIC_ARN: is required (the SNS topic for notices)']),
  ...(region ? [] : ['AWS_REGION: is required']),
  ...queue.issues,
];
if (missing.length > 0) throw new ConfigError('invalid environment', missing);

// SDK clients live as long as the execution environment (retry policy: shared/aws/clients.ts).
const ec2 = ec2Client(region, 'event');
const sns = snsClient(region);
const securityHub = securityHubEnabled(process.env) ? securityHubClient(region) : undefined;
// Organization mode (DESIGN §15) is on when the member role is named.
const memberRoleName = memberRoleNameFromEnv(process.env);
let org: OrgDeps | undefined;
// Event ids whose group failed here: Lambda's retry of a failed direct invocation is then known.
const failedEvents = new Set<string>();
// Notices whose publish failed, by event id: sent when those events come back here (process.ts).
const unsentNotices = new Map<string, Notice[]>();

/** The organization deps, built on the first invocation (the home account comes from its ARN). */
function orgDeps(homeAccountId: string): OrgDeps | undefined {
  if (!memberRoleName) return undefined;
  org ??= {
    scope: orgScope(config, homeAccountId, memberRoleName),
    clients: accountClients({ homeAccountId, memberRoleName, sts: stsClient(region), purpose: 'event' }),
  };
  return org;
}

/** A message of a failed account-region group: SQS delivers it again (then to the DLQ). */
class GroupRetryError extends Error {
  override readonly name = 'GroupRetryError';
}

function depsOf(context: Context): EventDeps {
  const accountId = accountOf(context);
  const orgMode = orgDeps(accountId);
  return {
    config,
    topicArn,
    ec2,
    sns,
    logger,
    ...(securityHub ? { securityHub } : {}),
    accountId,
    region,
    now: () => new Date(),
    requestId: context.awsRequestId,
    failedEvents,
    unsentNotices,
    ...(queue.settings ? { queue: queue.settings } : {}),
    ...(orgMode ? { org: orgMode } : {}),
  };
}

/** True for an SQS event source mapping's batch (DESIGN §14); anything else is one event. */
function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => (r as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs')
  );
}

function messageOf(record: SQSRecord): QueueMessage {
  const count = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  // When SQS took the message (epoch milliseconds): a redriven one carries its redrive time.
  const sent = Number(record.attributes?.SentTimestamp);
  return {
    id: record.messageId,
    body: record.body,
    receiveCount: Number.isFinite(count) ? count : 1,
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: sent } : {}),
  };
}

/**
 * An SQS batch: coalesced per account and region by processMessages; Powertools' batch processor
 * then answers the partial-failure contract (`batchItemFailures`), each record failing exactly
 * when its group hit a transient fault.
 */
async function onBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const result = processMessages(event.Records.map(messageOf), depsOf(context));
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const { failedMessageIds } = await result;
      if (failedMessageIds.includes(record.messageId)) {
        throw new GroupRetryError(`message ${record.messageId}: its account-region group failed transiently`);
      }
    },
    processor,
    { context, throwOnFullBatchFailure: false },
  );
}

async function onNetworkChange(event: unknown, context: Context): Promise<EventResult | SQSBatchResponse> {
  if (isSqsEvent(event)) return onBatch(event, context);
  return processEvent(event, depsOf(context));
}

/**
 * SQS batches of EventBridge "AWS API Call via CloudTrail" events (DESIGN §14) — or one bare
 * EventBridge event or CloudTrail record (a direct invocation: a batch of one) → findings, fix, notice.
 */
export const handler = middy<unknown, EventResult | SQSBatchResponse, Error, Context>(onNetworkChange).use(
  injectLambdaContext(logger, { resetKeys: true }),
);

/** The clients, exposed for tests that check their retry settings. */
export const clients = { ec2, sns };
