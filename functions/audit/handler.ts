import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseAuditPayload } from '../../shared/audit/payload';
import { type AuditDeps, runAudit } from '../../shared/audit/pipeline';
import type { AuditResult } from '../../shared/audit/types';
import { organizationsClient, securityHubClient, snsClient, stsClient } from '../../shared/aws/clients';
import { AccountListError, AuditLoadError } from '../../shared/aws/errors';
import { accountOf, GuardrailLogger } from '../../shared/aws/lambda-context';
import { type AccountClients, accountClients, organizationAccounts } from '../../shared/aws/member-accounts';
import { publishNotice } from '../../shared/aws/notifier';
import { securityHubEnabled, syncFindings } from '../../shared/aws/security-hub';
import { ConfigError, InputError } from '../../shared/errors';
import { configFromEnv } from '../../shared/load-config';
import type { Notice } from '../../shared/notify/notice';
import { memberRoleNameFromEnv } from '../../shared/org/settings';

// Cold start: read and validate the environment once; an invalid config fails here, loudly.
const logger = new GuardrailLogger({ serviceName: 'vpc-guardrail-audit' });
const config = configFromEnv(process.env);
const homeRegion = process.env.AWS_REGION ?? '';
if (!homeRegion) throw new ConfigError('invalid environment', ['AWS_REGION: is required']);
const securityHub = securityHubEnabled(process.env);

// Organization mode (DESIGN §15) is on when the member role is named.
const memberRoleName = memberRoleNameFromEnv(process.env);

let sns: SNSClient | undefined;
let hub: SecurityHubClient | undefined;
let clients: AccountClients | undefined;

/** EC2 clients per account and region, built on the first invocation (the home account is in its ARN). */
function clientsFor(homeAccountId: string): AccountClients {
  clients ??= accountClients({
    homeAccountId,
    purpose: 'region',
    ...(memberRoleName ? { memberRoleName, sts: stsClient(homeRegion) } : {}),
  });
  return clients;
}

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
  if ((payload.accounts || payload.organization) && !memberRoleName) {
    throw new ConfigError('organization mode is off', [
      'VPC_GUARDRAIL_MEMBER_ROLE_NAME: is required for accounts and organization (deploy VpcGuardrailCentral)',
    ]);
  }
  const accountId = accountOf(context);
  const accountClientsOf = clientsFor(accountId);
  const deps: AuditDeps = {
    config,
    accountId,
    homeRegion,
    ec2For: ({ accountId: account, region }) => accountClientsOf.ec2(account, region, context.awsRequestId),
    listAccounts: () => organizationAccounts(organizationsClient(homeRegion)),
    publish,
    ...(securityHub
      ? {
          securityHub: (plan) => {
            hub ??= securityHubClient(homeRegion);
            return syncFindings(hub, plan);
          },
        }
      : {}),
    now: () => new Date(),
  };
  logger.info('audit started', { payload });
  const result = await runAudit(payload, deps);
  for (const failure of result.errors ?? []) logger.error('region not evaluated', { failure });
  for (const warning of result.summary.warnings) logger.warn('input warning', { warning });
  if (result.securityHub && result.securityHub.failedCount > 0) {
    logger.error('findings not taken by Security Hub', { securityHub: result.securityHub });
  }
  if (result.securityHub?.notImported) {
    // Expected in organization mode, not a failure: said once, with the counts per account.
    logger.info('member findings not sent to Security Hub: it takes them only from their own account', {
      notImported: result.securityHub.notImported,
    });
  }
  logger.info('audit finished', {
    summary: result.summary,
    securityHub: result.securityHub,
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
      if (error instanceof AccountListError) {
        logger.error('audit failed', { error: error.message });
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
