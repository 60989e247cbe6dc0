import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ec2Client, snsClient, stsClient } from '../../shared/aws/clients';
import { accountOf } from '../../shared/aws/lambda-context';
import { accountClients } from '../../shared/aws/member-accounts';
import { configFromEnv } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import { memberRoleNameFromEnv, orgScope } from '../../shared/org/settings';
import { type EventDeps, type EventResult, type OrgDeps, processEvent } from './process';

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
// Organization mode (DESIGN §15) is on when the member role is named.
const memberRoleName = memberRoleNameFromEnv(process.env);
let org: OrgDeps | undefined;

/** The organization deps, built on the first invocation (the home account comes from its ARN). */
function orgDeps(homeAccountId: string): OrgDeps | undefined {
  if (!memberRoleName) return undefined;
  org ??= {
    scope: orgScope(config, homeAccountId, memberRoleName),
    clients: accountClients({ homeAccountId, memberRoleName, sts: stsClient(region), purpose: 'event' }),
  };
  return org;
}

async function onNetworkChange(event: unknown, context: Context): Promise<EventResult> {
  const accountId = accountOf(context);
  const orgMode = orgDeps(accountId);
  const deps: EventDeps = {
    config,
    topicArn,
    ec2,
    sns,
    logger,
    accountId,
    region,
    now: () => new Date(),
    requestId: context.awsRequestId,
    ...(orgMode ? { org: orgMode } : {}),
  };
  return processEvent(event, deps);
}

/** EventBridge "AWS API Call via CloudTrail" (or a bare CloudTrail record) → findings, fix, notice. */
export const handler = middy<unknown, EventResult, Error, Context>(onNetworkChange).use(
  injectLambdaContext(logger, { resetKeys: true }),
);

/** The clients, exposed for tests that check their retry settings. */
export const clients = { ec2, sns };
