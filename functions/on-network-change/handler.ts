import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { accountOf, GuardrailLogger } from '../../shared/aws/lambda-context';
import { securityHubEnabled } from '../../shared/aws/security-hub';
import { configFromEnv } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import type { BatchMessage } from '../../shared/events/batch';
import { type EventDeps, type EventResult, processEvent, processMessages } from './process';

// Cold start: the environment is read and validated once; an invalid config fails here, loudly.
const logger = new GuardrailLogger({ serviceName: 'vpc-guardrail-on-network-change' });
const config = configFromEnv(process.env);
const topicArn = config.topicArn ?? '';
const region = process.env.AWS_REGION ?? '';
const missing = [
  ...(topicArn ? [] : ['VPC_GUARDRAIL_TOPIC_ARN: is required (the SNS topic for notices)']),
  ...(region ? [] : ['AWS_REGION: is required']),
];
if (missing.length > 0) throw new ConfigError('invalid environment', missing);

// SDK clients live as long as the execution environment; adaptive retries absorb throttling.
const ec2 = new EC2Client({ region, retryMode: 'adaptive', maxAttempts: 6 });
const sns = new SNSClient({ region, retryMode: 'adaptive', maxAttempts: 6 });
const securityHub = securityHubEnabled(process.env)
  ? new SecurityHubClient({ region, retryMode: 'adaptive', maxAttempts: 6 })
  : undefined;

/** A message of a failed account-region group: SQS delivers it again (then to the DLQ). */
class GroupRetryError extends Error {
  override readonly name = 'GroupRetryError';
}

function depsOf(context: Context): EventDeps {
  return {
    config,
    topicArn,
    ec2,
    sns,
    logger,
    ...(securityHub ? { securityHub } : {}),
    accountId: accountOf(context),
    region,
    now: () => new Date(),
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

function messageOf(record: SQSRecord): BatchMessage {
  const count = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  return { id: record.messageId, body: record.body, receiveCount: Number.isFinite(count) ? count : 1 };
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
