import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { accountOf } from '../../shared/aws/lambda-context';
import { securityHubEnabled } from '../../shared/aws/security-hub';
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

// SDK clients live as long as the execution environment; adaptive retries absorb throttling.
const ec2 = new EC2Client({ region, retryMode: 'adaptive', maxAttempts: 6 });
const sns = new SNSClient({ region, retryMode: 'adaptive', maxAttempts: 6 });
const securityHub = securityHubEnabled(process.env)
  ? new SecurityHubClient({ region, retryMode: 'adaptive', maxAttempts: 6 })
  : undefined;

async function onNetworkChange(event: unknown, context: Context): Promise<EventResult> {
  const deps: EventDeps = {
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
  return processEvent(event, deps);
}

/** EventBridge "AWS API Call via CloudTrail" (or a bare CloudTrail record) → findings, fix, notice. */
export const handler = middy<unknown, EventResult, Error, Context>(onNetworkChange).use(
  injectLambdaContext(logger, { resetKeys: true }),
);

/** The clients, exposed for tests that check their retry settings. */
export const clients = { ec2, sns };
