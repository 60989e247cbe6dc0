import type { EC2Client } from '@aws-sdk/client-ec2';
import { loadRegionSnapshot } from '../aws/ec2/region';
import {
  AssumeRoleDeniedError,
  errorCode,
  errorText,
  isRetryable,
  RegionLoadError,
  RemediationRetryableError,
} from '../aws/errors';
import { mapLimit } from '../aws/map-limit';
import { executeActions, resultsWhenStopped } from '../aws/remediator';
import type { Config } from '../config';
import { evaluateReport, type NotJudged, type Summary, summarize } from '../engine';
import { InputError } from '../errors';
import { compareFindings, type Finding } from '../findings';
import { readSnapshot } from '../model/snapshot';
import { planRemediation } from '../remediation/plan';
import type { ActionResult, PlannedAction } from '../remediation/types';
import type { AccountSummary, AuditTarget, RegionCoverage, RegionFailure, RegionRemediation } from './types';

/** How the account-regions are read and judged (the audit function and the CLI supply their own). */
export interface TargetDeps {
  config: Config;
  /** The EC2 client of an account and region (assumed-role in another account). */
  ec2For?(target: AuditTarget): EC2Client | Promise<EC2Client>;
  /**
   * The account-region as recorded (`audit --snapshot` of a `snapshot --accounts` file): judged
   * as a live read would be, with no EC2 call, so nothing can be remediated.
   */
  recorded?(target: AuditTarget): unknown;
  /**
   * How an error names a recorded snapshot that is malformed (the CLI: its file and index);
   * by default `of ACCOUNT REGION`.
   */
  recordedName?(target: AuditTarget): string;
  /** The time exemption expiries are judged at. */
  now: Date;
  /** Account-regions read at once (DESIGN §15: 8). */
  concurrency?: number;
  /** Called as each account-region ends (progress). */
  onTargetDone?(done: number, total: number, target: AuditTarget, failed: boolean): void;
}

export interface TargetOptions {
  vpcIds?: readonly string[];
  remediate: boolean;
  /** Name the account on every coverage, failure and remediation entry, and count per account. */
  multiAccount: boolean;
}

/** The options of one account-region: also whether text names the account-region of what it could not judge. */
interface OneTargetOptions extends TargetOptions {
  located: boolean;
}

/** What the account-regions gave: every finding (sorted), what was read, what failed, what was done. */
export interface AuditRun {
  findings: Finding[];
  summary: Summary;
  coverage: RegionCoverage[];
  failures: RegionFailure[];
  remediation: RegionRemediation[];
  /** Multi-account runs only. */
  accounts?: AccountSummary[];
  /**
   * `summary.notJudged` as text shows it (the table's footer, stderr lines, the notice): over
   * several account-regions each resource id is led by its account and region, since an id alone
   * does not say where the resource is. The JSON keeps DESIGN §3's `{resourceId, reason, ruleId?}`.
   */
  notJudgedText: NotJudged[];
}

/** What could not be judged (also as text shows it), and what looked odd, named with the account-region it was seen in. */
interface Notes {
  notJudged: NotJudged[];
  notJudgedText: NotJudged[];
  warnings: string[];
}

/** An account-region read and judged. */
interface Judged {
  target: AuditTarget;
  findings: Finding[];
  coverage: RegionCoverage;
  notes: Notes;
  remediation?: RegionRemediation;
}

type Outcome = Judged | { target: AuditTarget; failure: RegionFailure };

/**
 * Reads, evaluates and (when asked) remediates each account-region with bounded concurrency. A
 * region that cannot be read, or an account whose member role cannot be assumed, is a failure
 * entry; the others are still reported. A remediation call still throttled after the SDK's
 * retries is a failed action of its account-region (see `throttledResults`). Anything else (a
 * bug) throws.
 */
export async function auditTargets(
  targets: readonly AuditTarget[],
  options: TargetOptions,
  deps: TargetDeps,
): Promise<AuditRun> {
  const named = <T extends object>(target: AuditTarget, value: T): T =>
    options.multiAccount ? { accountId: target.accountId, ...value } : value;
  // Over several account-regions a resource id alone does not say where a resource could not be
  // judged: text then names its account-region, as the warnings do.
  const located = options.multiAccount || new Set(targets.map((t) => t.region)).size > 1;
  let done = 0;
  const outcomes = await mapLimit(targets, deps.concurrency ?? 8, async (target): Promise<Outcome> => {
    const outcome = await auditOne(target, { ...options, located }, deps, named);
    done++;
    deps.onTargetDone?.(done, targets.length, target, 'failure' in outcome);
    return outcome;
  });

  const findings = outcomes.flatMap((o) => ('findings' in o ? o.findings : []));
  findings.sort(compareFindings);
  const failures = outcomes.flatMap((o) => ('failure' in o ? [o.failure] : []));
  const notJudged = outcomes.flatMap((o) => ('notes' in o ? o.notes.notJudged : []));
  const warnings = outcomes.flatMap((o) => ('notes' in o ? o.notes.warnings : []));
  const run: AuditRun = {
    findings,
    summary: summarize(findings, { notJudged, warnings }),
    coverage: outcomes.flatMap((o) => ('coverage' in o ? [o.coverage] : [])),
    failures,
    remediation: outcomes.flatMap((o) => ('remediation' in o && o.remediation ? [o.remediation] : [])),
    notJudgedText: outcomes.flatMap((o) => ('notes' in o ? o.notes.notJudgedText : [])),
  };
  if (options.multiAccount) run.accounts = perAccount(targets, outcomes, findings);
  return run;
}

async function auditOne(
  target: AuditTarget,
  options: OneTargetOptions,
  deps: TargetDeps,
  named: <T extends object>(target: AuditTarget, value: T) => T,
): Promise<Outcome> {
  const { accountId, region } = target;
  if (deps.recorded) {
    if (options.remediate) throw new Error('a recorded snapshot cannot be remediated');
    const raw = deps.recorded(target);
    try {
      return judged(target, raw, options, deps, named);
    } catch (error) {
      // Several snapshots in one file: say which one is malformed.
      if (!(error instanceof InputError)) throw error;
      const name = deps.recordedName?.(target) ?? `of ${accountId} ${region}`;
      throw new InputError(`invalid snapshot ${name}`, error.issues, { cause: error });
    }
  }
  if (!deps.ec2For) throw new Error('auditTargets: give ec2For or recorded');
  let ec2: EC2Client;
  try {
    ec2 = await deps.ec2For(target);
  } catch (error) {
    // DESIGN §15: an account-region that fails is listed, the rest reported. A denied AssumeRole is
    // an AssumeRoleDeniedError (below); one still throttled or failing server-side after the SDK's
    // retries is listed the same way rather than failing the whole audit.
    if (!(error instanceof AssumeRoleDeniedError) && isRetryable(error)) {
      return {
        target,
        failure: named(target, {
          region,
          operation: 'AssumeRole',
          code: errorCode(error),
          message: `cannot assume the member role in account ${accountId} (after retries): ${errorText(error)}`,
        }),
      };
    }
    return failedOrThrow(error, target, named);
  }
  try {
    const raw = await loadRegionSnapshot(ec2, {
      region,
      accountId,
      ...(options.vpcIds ? { vpcIds: options.vpcIds } : {}),
    });
    let outcome: Judged;
    try {
      outcome = judged(target, raw, options, deps, named);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return invalidLiveData(target, error, named);
    }
    if (!options.remediate) return outcome;
    const { findings } = outcome;
    // The region loaded completely (a failed load never gets here), so acting on it is safe.
    const plan = planRemediation(findings, deps.config, { sliceComplete: true });
    const results = await executeActions(ec2, plan).catch((error: unknown) => {
      if (error instanceof RemediationRetryableError) return throttledResults(plan.actions, error);
      throw error;
    });
    const remediation = named(target, { region, dryRun: plan.dryRun, results, skipped: plan.skipped });
    return { ...outcome, remediation };
  } catch (error) {
    return failedOrThrow(error, target, named);
  }
}

/**
 * What EC2 answered for an account-region does not validate (a shape the reader does not know):
 * that account-region is not judged, and is listed as such with the first issues; the others are
 * still reported (DESIGN §15), rather than one odd answer failing a whole organization's audit.
 */
function invalidLiveData(
  target: AuditTarget,
  error: InputError,
  named: <T extends object>(target: AuditTarget, value: T) => T,
): Outcome {
  const shown = error.issues.slice(0, 5).join('; ');
  const more = error.issues.length > 5 ? `; … (${error.issues.length - 5} more)` : '';
  return {
    target,
    failure: named(target, {
      region: target.region,
      operation: 'ValidateSnapshot',
      code: 'InvalidData',
      message: `what EC2 returned could not be judged: ${shown}${more}`,
    }),
  };
}

/** Why the calls after a throttled one were not made (the audit stops acting in that account-region). */
export const NOT_MADE_AFTER_THROTTLING =
  "not made: an earlier remediation call in this account-region was throttled past the SDK's retries; re-run the audit to retry";

/**
 * The outcome of an audit's remediation that a call still throttled after the SDK's retries
 * stopped. The event function tells the same outcomes, then fails its messages so that the
 * redelivery acts again (README "Readings of the event pipeline"); an audit has no such retry:
 * failing it would throw away every account-region's report, and a synchronous caller would see
 * only "audit failed". So the calls made stay reported as made, the throttled one is a failed action with the AWS error, and the
 * planned calls after it are failed as not made (EC2 throttles an account-region's writes as a
 * whole: more calls now would meet the same limit). The report, its notice (`partially-remediated`
 * or `failed`) and the other account-regions stand.
 */
export function throttledResults(
  actions: readonly PlannedAction[],
  error: RemediationRetryableError,
): ActionResult[] {
  return resultsWhenStopped(actions, error, {
    stopped: throttledText(error),
    notMade: NOT_MADE_AFTER_THROTTLING,
  });
}

function throttledText(error: RemediationRetryableError): string {
  return `${error.message} (throttled past the SDK's retries; re-run the audit to retry)`;
}

/** Validates and evaluates one account-region's snapshot (read live or recorded). */
function judged(
  target: AuditTarget,
  raw: unknown,
  options: OneTargetOptions,
  deps: TargetDeps,
  named: <T extends object>(target: AuditTarget, value: T) => T,
): Judged {
  const { accountId, region } = target;
  const read = readSnapshot(raw);
  const { snapshot } = read;
  const coverage: RegionCoverage = named(target, {
    region,
    vpcs: snapshot.Vpcs.length,
    securityGroups: snapshot.SecurityGroups.length,
    networkAcls: snapshot.NetworkAcls.length,
    networkInterfaces: snapshot.NetworkInterfaces.length,
  });
  const report = evaluateReport(snapshot, deps.config, { now: deps.now });
  const where = options.multiAccount ? `${accountId} ${region}` : region;
  const notes: Notes = {
    notJudged: report.notJudged,
    notJudgedText: options.located
      ? report.notJudged.map((n) => ({ ...n, resourceId: `${where} ${n.resourceId}` }))
      : report.notJudged,
    warnings: [...read.warnings, ...report.warnings].map((w) => `${where}: ${w}`),
  };
  return { target, findings: report.findings, coverage, notes };
}

/** A load or AssumeRole failure as the account-region's failure entry; anything else rethrown. */
function failedOrThrow(
  error: unknown,
  target: AuditTarget,
  named: <T extends object>(target: AuditTarget, value: T) => T,
): Outcome {
  const { region } = target;
  if (error instanceof RegionLoadError) {
    const { operation, code, message } = error;
    return { target, failure: named(target, { region, operation, code, message }) };
  }
  if (error instanceof AssumeRoleDeniedError) {
    const code = errorCode(error.cause);
    return {
      target,
      failure: named(target, { region, operation: 'AssumeRole', code, message: error.message }),
    };
  }
  throw error;
}

/** Counts per account, in the order the accounts were given. */
function perAccount(
  targets: readonly AuditTarget[],
  outcomes: readonly Outcome[],
  findings: readonly Finding[],
): AccountSummary[] {
  const accounts = [...new Set(targets.map((t) => t.accountId))];
  return accounts.map((accountId) => {
    const mine = outcomes.filter((o) => o.target.accountId === accountId);
    // What could not be judged in the account counts with it: without it, an account whose
    // interfaces could not be followed would read "0 finding(s)", as clean as a judged one.
    const notes = mine.flatMap((o) => ('notes' in o ? [o.notes] : []));
    return {
      accountId,
      regions: mine.filter((o) => 'findings' in o).length,
      failed: mine.filter((o) => 'failure' in o).length,
      summary: summarize(
        findings.filter((f) => f.accountId === accountId),
        { notJudged: notes.flatMap((n) => n.notJudged), warnings: notes.flatMap((n) => n.warnings) },
      ),
    };
  });
}
