import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ec2Client, snsClient } from '../../shared/aws/clients';
import { accountOf } from '../../shared/aws/lambda-context';
import { configFromEnv } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import { type EventDeps, type EventResult, processEvent } from './process';

// Cold start: the environment is read and validated once; an invalid config fails here, loudly.
const logger = new Logger({ serviceName: 'vpc-guardrail-on-network-change' });
const config = configFromEnv(process.env);
const topicArn = config.topicArn ?? '';
const region = process.env.AWS_REGION ?? '';
const missing = [
  ...(topicArn ? [] : ['VPC_GUARDRAIL_TOPIC_ARN: is required (the SNS topic for notices)']),
  ...(region ? [] : ['AWS_REGION: is required']),
];
if (missing.length > 0) throw new ConfigError('invalid environment', missing);

// SDK clients live as long as the execution environment (retry policy: shared/aws/clients.ts).
const ec2 = ec2Client(region, 'event');
const sns = snsClient(region);

async function onNetworkChange(event: unknown, context: Context): Promise<EventResult> {
  const deps: EventDeps = {
    config,
    topicArn,
    ec2,
    sns,
    logger,
    accountId: accountOf(context),
    region,
    now: () => new Date(),
  };
  return processEvent(event, deps);
}

/** EventBridge "AWS API Call via CloudTrail" (or a bare CloudTrail record) → findings, fix, notice. */
export const handler = middy<unknown, EventResult, Error, Context>(onNetworkChange).use(
  injectLambdaContext(logger, { resetKeys: true }),
);

/** The clients, exposed for tests that check their retry settings. */
export const clients = { ec2, sns };
