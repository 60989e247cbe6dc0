import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SNSClient } from '@aws-sdk/client-sns';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseAuditPayload } from '../../shared/audit/payload';
import { type AuditDeps, runAudit } from '../../shared/audit/pipeline';
import type { AuditResult } from '../../shared/audit/types';
import { regionEc2Client, snsClient } from '../../shared/aws/clients';
import { AuditLoadError } from '../../shared/aws/errors';
import { accountOf } from '../../shared/aws/lambda-context';
import { publishNotice } from '../../shared/aws/notifier';
import { configFromEnv } from '../../shared/config';
import { ConfigError, InputError } from '../../shared/errors';
import type { Notice } from '../../shared/notify/notice';

// Cold start: read and validate the environment once; an invalid config fails here, loudly.
const logger = new Logger({ serviceName: 'vpc-guardrail-audit' });
const config = configFromEnv(process.env);
const homeRegion = process.env.AWS_REGION ?? '';
if (!homeRegion) throw new ConfigError('invalid environment', ['AWS_REGION: is required']);

let sns: SNSClient | undefined;

/** Publishes the audit's one summary notice (the SNS client is built on first use). */
async function publish(notice: Notice): Promise<void> {
  if (!config.topicArn) {
    throw new ConfigError('notify is not configured', ['VPC_GUARDRAIL_TOPIC_ARN: is required to notify']);
  }
  sns ??= snsClient(homeRegion);
  await publishNotice(sns, config.topicArn, notice);
}

async function audit(event: unknown, context: Context): Promise<AuditResult> {
  const payload = parseAuditPayload(event);
  if (payload.notify && !config.topicArn) {
    throw new ConfigError('notify is not configured', ['VPC_GUARDRAIL_TOPIC_ARN: is required to notify']);
  }
  const deps: AuditDeps = {
    config,
    accountId: accountOf(context),
    homeRegion,
    ec2For: regionEc2Client,
    publish,
    now: () => new Date(),
  };
  logger.info('audit started', { payload });
  const result = await runAudit(payload, deps);
  for (const failure of result.errors ?? []) logger.error('region not evaluated', { failure });
  logger.info('audit finished', {
    summary: result.summary,
    regions: result.regions,
    truncated: result.truncated,
  });
  return result;
}

/**
 * Callers see what they can act on (a bad payload, regions that could not be read); anything else
 * is logged in full and surfaces as a generic failure that names the request.
 */
function errorBoundary(): MiddlewareObj<unknown, AuditResult, Error, Context> {
  return {
    onError: async function hideInternals(request) {
      const { error } = request;
      if (error instanceof InputError) {
        logger.warn('rejected payload', { issues: error.issues });
        return;
      }
      if (error instanceof AuditLoadError) {
        logger.error('audit failed', { failures: error.failures });
        return;
      }
      logger.error('audit failed unexpectedly', { error: error ?? undefined });
      request.error = new Error(
        `audit failed; see the function's log for request ${request.context.awsRequestId}`,
      );
    },
  };
}

/** The on-demand (and scheduled) audit: `{ vpcIds?, regions?, format?, notify? }` → `{ findings, summary }`. */
export const handler = middy<unknown, AuditResult, Error, Context>(audit)
  .use(injectLambdaContext(logger))
  .use(errorBoundary());
