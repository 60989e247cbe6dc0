import type { EC2Client } from '@aws-sdk/client-ec2';
import { AccountListError, AuditLoadError, errorCode } from '../aws/errors';
import type { SecurityHubSync } from '../aws/security-hub';
import type { Config } from '../config';
import { type Summary, summarize } from '../engine';
import type { Finding } from '../findings';
import {
  type SecurityHubPlan,
  securityHubPlan,
  splitByRemediation,
  toAsffPerAccount,
} from '../integrations/security-hub';
import { isLoud, type Notice } from '../notify/notice';
import { asffRegionPrefix, defaultProductArn } from '../report/asff';
import { sarifCategory, toSarif } from '../report/sarif';
import { governedAccounts } from './accounts';
import { auditNotice } from './audit-notice';
import type { AuditPayload } from './payload';
import { auditTargets } from './run-targets';
import type { AuditResult, AuditTarget, ExcludedAccount } from './types';

/** What the audit needs from the outside world (injected, so tests and the CLI can supply their own). */
export interface AuditDeps {
  config: Config;
  /** The account the audit runs in (the central one in organization mode). */
  accountId: string;
  /** The function's own region: the default region, and the home of the topic. */
  homeRegion: string;
  /** The EC2 client of an account-region (the member role's in another account). */
  ec2For(target: AuditTarget): EC2Client | Promise<EC2Client>;
  /** The organization's ACTIVE accounts (`organization: true`). */
  listAccounts?(): Promise<string[]>;
  publish?(notice: Notice): Promise<void>;
  /** Sends the findings to Security Hub (set when the stack enables the integration). */
  securityHub?(plan: SecurityHubPlan): Promise<SecurityHubSync>;
  now(): Date;
  /** Account-regions loaded at once (default 8). */
  concurrency?: number;
}

/** Lambda's synchronous response limit is 6 MB; stay clearly below it. */
const RESPONSE_MAX_BYTES = 5_500_000;

/**
 * The accounts an audit covers: its own, or (organization mode) the payload's `accounts` or the
 * organization's ACTIVE accounts, less those the configuration does not govern.
 */
export async function auditAccounts(
  payload: Pick<AuditPayload, 'accounts' | 'organization'>,
  deps: Pick<AuditDeps, 'accountId' | 'config' | 'listAccounts'>,
): Promise<{ accounts: string[]; excluded: ExcludedAccount[]; multiAccount: boolean }> {
  const scope = {
    homeAccountId: deps.accountId,
    accounts: deps.config.accounts,
    excludeAccounts: deps.config.excludeAccounts,
  };
  if (!payload.accounts && !payload.organization) {
    // DESIGN §15: the own account is governed "unless excludeAccounts" lists it — an audit of it
    // (and above all `remediate: true`) must not act on an excluded account either.
    return { ...governedAccounts([deps.accountId], scope), multiAccount: false };
  }
  let requested = payload.accounts ?? [];
  if (payload.organization) {
    if (!deps.listAccounts) throw new Error('organization: the organization cannot be listed here');
    requested = await deps.listAccounts();
  }
  return { ...governedAccounts(requested, scope), multiAccount: true };
}

/**
 * Loads the account-regions (or VPCs) asked for, evaluates each, and returns findings in the
 * requested format. An account-region that fails to load is listed under `errors`; if all fail,
 * the audit throws.
 */
export async function runAudit(payload: AuditPayload, deps: AuditDeps): Promise<AuditResult> {
  const regions = payload.regions ? [...new Set(payload.regions)] : [deps.homeRegion];
  const now = deps.now();
  let listed: Awaited<ReturnType<typeof auditAccounts>>;
  try {
    listed = await auditAccounts(payload, deps);
  } catch (error) {
    if (!(error instanceof AccountListError)) throw error;
    // The organization could not be listed: nothing is read, and a scheduled audit is told.
    const failure = {
      region: regions.join(','),
      operation: 'ListAccounts',
      code: errorCode(error.cause ?? error),
      message: error.message,
    };
    return tellBlind(payload, deps, error, {
      findings: [],
      summary: summarize([]),
      failures: [failure],
      accountId: deps.accountId,
      regions,
      blind: 'the organization could not be listed',
    });
  }
  const { accounts, excluded, multiAccount } = listed;
  const targets = accounts.flatMap((accountId) => regions.map((region) => ({ accountId, region })));
  const run = await auditTargets(
    targets,
    { ...(payload.vpcIds ? { vpcIds: payload.vpcIds } : {}), remediate: payload.remediate, multiAccount },
    { config: deps.config, ec2For: deps.ec2For, now, concurrency: deps.concurrency ?? 8 },
  );
  const { findings, summary, failures, remediation } = run;
  if (targets.length > 0 && failures.length === targets.length) {
    return tellBlind(payload, deps, new AuditLoadError(failures), {
      findings,
      summary,
      failures,
      accountId: deps.accountId,
      regions,
      ...(run.accounts ? { accounts: run.accounts } : {}),
      notJudgedText: run.notJudgedText,
      blind: `${failures.length} of ${targets.length} region(s) not read`,
    });
  }

  let notified: boolean | undefined;
  if (payload.notify) {
    if (!deps.publish) throw new Error('notify needs a topic (VPC_GUARDRAIL_TOPIC_ARN)');
    // DESIGN §8 "No noise": findings below notifyMinSeverity never cause a notice on their own;
    // a region not evaluated and a remediation call made or failed always do.
    const calls = remediation.flatMap((r) => r.results);
    notified =
      failures.length > 0 ||
      calls.some((r) => r.status === 'done' || r.status === 'failed') ||
      findings.some((f) => isLoud(f, deps.config.notifyMinSeverity));
    if (notified) {
      await deps.publish(
        auditNotice({
          findings,
          summary,
          failures,
          remediation,
          accountId: deps.accountId,
          regions,
          ...(run.accounts ? { accounts: run.accounts } : {}),
          notJudgedText: run.notJudgedText,
        }),
      );
    }
  }

  let securityHub: AuditResult['securityHub'];
  if (deps.securityHub) {
    const plan = securityHubPlan({
      ...splitByRemediation(
        findings,
        remediation.flatMap((r) => r.results),
      ),
      asff: { accountId: deps.accountId, region: deps.homeRegion, now },
    });
    // The sweep (README "AWS Security Hub"): what Security Hub holds that this audit no longer
    // reports is closed — for the audit's own account (the only one it imports) and the regions it
    // read whole (a VPC subset says nothing of the other VPCs).
    if (!payload.vpcIds) {
      plan.sweep = {
        productArn: defaultProductArn(deps.homeRegion, deps.accountId),
        prefixes: run.coverage
          .filter((c) => (c.accountId ?? deps.accountId) === deps.accountId)
          .map((c) => asffRegionPrefix(deps.accountId, c.region)),
        firing: new Set([...plan.active, ...plan.closed].map((r) => r.Id)),
        notJudged: summary.notJudged,
        now,
      };
    }
    const sync = await deps.securityHub(plan);
    securityHub = {
      ...sync,
      failedCount: sync.failed.length,
      failed: sync.failed.slice(0, 100),
      ...(plan.otherAccounts.length > 0 ? { notImported: plan.otherAccounts } : {}),
    };
  }

  const result: AuditResult = {
    format: payload.format,
    summary,
    regions: run.coverage,
    ...(failures.length > 0 ? { errors: failures } : {}),
    ...(payload.remediate ? { remediation } : {}),
    ...(notified !== undefined ? { notified } : {}),
    ...(run.accounts ? { accounts: run.accounts } : {}),
    ...(excluded.length > 0 ? { excludedAccounts: excluded } : {}),
    ...(securityHub ? { securityHub } : {}),
  };
  // The SARIF run's category: what was asked for, so the same audit always lands in the same one.
  const category = sarifCategory({
    accounts: payload.organization ? 'organization' : multiAccount ? accounts : [deps.accountId],
    regions,
    ...(payload.vpcIds ? { vpcIds: payload.vpcIds } : {}),
  });
  return fitResponse(result, findings, (subset) =>
    render(payload.format, subset, summary, deps, now, category),
  );
}

/**
 * An audit that could evaluate nothing fails (its caller and Lambda's on-failure destination see
 * the error), but with `notify` it first publishes a notice naming every failure: DESIGN §8 "a
 * region not evaluated always" notifies, and a scheduled audit has no one reading its result. A
 * refused publish is thrown with the audit's own error, both named.
 */
async function tellBlind(
  payload: AuditPayload,
  deps: AuditDeps,
  error: Error,
  notice: Parameters<typeof auditNotice>[0],
): Promise<never> {
  if (payload.notify && deps.publish) {
    try {
      await deps.publish(auditNotice(notice));
    } catch (publishError) {
      throw new AggregateError([error, publishError], `${error.message}; and its notice was not published`);
    }
  }
  throw error;
}

function render(
  format: AuditPayload['format'],
  findings: readonly Finding[],
  summary: Summary,
  deps: AuditDeps,
  now: Date,
  category: string,
): Pick<AuditResult, 'findings' | 'sarif'> {
  switch (format) {
    case 'json':
      return { findings: [...findings] };
    case 'asff':
      // Each finding under its own account's default product: what that account can import.
      return {
        findings: toAsffPerAccount(findings, { accountId: deps.accountId, region: deps.homeRegion, now }),
      };
    case 'sarif':
      // What could not be judged goes into the log too, as the CLI's SARIF has it: never a clean run.
      return {
        sarif: toSarif(findings, { notJudged: summary.notJudged, warnings: summary.warnings, category }),
      };
  }
}

/** Adds the rendered findings, keeping the most severe ones that fit the response limit. */
function fitResponse(
  base: AuditResult,
  findings: readonly Finding[],
  renderSubset: (subset: readonly Finding[]) => Pick<AuditResult, 'findings' | 'sarif'>,
): AuditResult {
  let count = findings.length;
  for (;;) {
    const result: AuditResult = { ...base, ...renderSubset(findings.slice(0, count)) };
    if (count < findings.length) result.truncated = { returned: count, total: findings.length };
    if (count === 0 || Buffer.byteLength(JSON.stringify(result), 'utf8') <= RESPONSE_MAX_BYTES) return result;
    count = Math.floor(count / 2);
  }
}
