import type { EC2Client } from '@aws-sdk/client-ec2';
import { loadRegionSnapshot, mapLimit, RegionLoadError } from '../../shared/aws/region-loader';
import { executeActions } from '../../shared/aws/remediator';
import type { SecurityHubSync } from '../../shared/aws/security-hub';
import type { Config } from '../../shared/config';
import { evaluateReport, type NotJudged, type Summary, summarize } from '../../shared/engine';
import { compareFindings, type Finding } from '../../shared/findings';
import {
  type SecurityHubPlan,
  securityHubPlan,
  splitByRemediation,
} from '../../shared/integrations/security-hub';
import { readSnapshot } from '../../shared/model/snapshot';
import { isLoud, type Notice } from '../../shared/notify/notice';
import { planRemediation } from '../../shared/remediation/plan';
import type { ActionResult, SkippedFinding } from '../../shared/remediation/types';
import { type AsffFinding, toAsff } from '../../shared/report/asff';
import { type SarifLog, toSarif } from '../../shared/report/sarif';
import { auditNotice } from './notice';
import type { AuditPayload } from './payload';

/** A region that could not be loaded: it is reported, never silently left out. */
export interface RegionFailure {
  region: string;
  operation: string;
  code: string;
  message: string;
}

/** What was loaded per region. */
export interface RegionCoverage {
  region: string;
  vpcs: number;
  securityGroups: number;
  networkAcls: number;
  networkInterfaces: number;
}

/** What remediation did in one region (only when the payload asks for it). */
export interface RegionRemediation {
  region: string;
  dryRun: boolean;
  results: ActionResult[];
  skipped: SkippedFinding[];
}

/** The audit's answer; `findings` is in the requested format (`sarif` holds the SARIF log instead). */
export interface AuditResult {
  format: AuditPayload['format'];
  findings?: Finding[] | AsffFinding[];
  sarif?: SarifLog;
  summary: Summary;
  regions: RegionCoverage[];
  errors?: RegionFailure[];
  remediation?: RegionRemediation[];
  notified?: boolean;
  /** What Security Hub took (when the stack enables it), every rejected finding listed up to 100. */
  securityHub?: Omit<SecurityHubSync, 'failed'> & { failedCount: number; failed: SecurityHubSync['failed'] };
  /** Set when the findings were cut to fit Lambda's 6 MB response limit. */
  truncated?: { returned: number; total: number };
}

/** What the audit needs from the outside world (injected, so tests and the CLI can supply their own). */
export interface AuditDeps {
  config: Config;
  accountId: string;
  /** The function's own region: the default region, and the home of the topic. */
  homeRegion: string;
  ec2For(region: string): EC2Client;
  publish?(notice: Notice): Promise<void>;
  /** Sends the findings to Security Hub (set when the stack enables the integration). */
  securityHub?(plan: SecurityHubPlan): Promise<SecurityHubSync>;
  now(): Date;
  /** Regions loaded at once. */
  regionConcurrency?: number;
}

/** Every region failed to load: the audit has nothing to report, so the invocation fails. */
export class AuditLoadError extends Error {
  override readonly name: string = 'AuditLoadError';
  readonly failures: RegionFailure[];

  constructor(failures: RegionFailure[]) {
    super(`no region could be loaded: ${failures.map((f) => `${f.region}: ${f.message}`).join('; ')}`);
    this.failures = failures;
  }
}

/** Lambda's synchronous response limit is 6 MB; stay clearly below it. */
const RESPONSE_MAX_BYTES = 5_500_000;

/**
 * Loads the regions (or VPCs) asked for, evaluates each, and returns findings in the requested
 * format. A region that fails to load is listed under `errors`; if all fail, the audit throws.
 */
export async function runAudit(payload: AuditPayload, deps: AuditDeps): Promise<AuditResult> {
  const regions = payload.regions ? [...new Set(payload.regions)] : [deps.homeRegion];
  const now = deps.now();
  const loads = await mapLimit(regions, deps.regionConcurrency ?? 4, async (region) => {
    try {
      const raw = await loadRegionSnapshot(deps.ec2For(region), {
        region,
        accountId: deps.accountId,
        ...(payload.vpcIds ? { vpcIds: payload.vpcIds } : {}),
      });
      const read = readSnapshot(raw);
      const { snapshot } = read;
      const coverage: RegionCoverage = {
        region,
        vpcs: snapshot.Vpcs.length,
        securityGroups: snapshot.SecurityGroups.length,
        networkAcls: snapshot.NetworkAcls.length,
        networkInterfaces: snapshot.NetworkInterfaces.length,
      };
      const report = evaluateReport(snapshot, deps.config, { now });
      const { findings } = report;
      // What could not be judged, and what looked odd, named with the region it was seen in.
      const notes = {
        notJudged: report.notJudged,
        warnings: [...read.warnings, ...report.warnings].map((w) => `${region}: ${w}`),
      };
      if (!payload.remediate) return { region, findings, coverage, notes };
      // The region loaded completely (a failed load never gets here), so acting on it is safe.
      const plan = planRemediation(findings, deps.config, { sliceComplete: true });
      const results = await executeActions(deps.ec2For(region), plan);
      const remediation: RegionRemediation = { region, dryRun: plan.dryRun, results, skipped: plan.skipped };
      return { region, findings, coverage, remediation, notes };
    } catch (error) {
      if (error instanceof RegionLoadError) {
        const failure: RegionFailure = {
          region,
          operation: error.operation,
          code: error.code,
          message: error.message,
        };
        return { region, failure };
      }
      throw error;
    }
  });

  const failures = loads.flatMap((load) => ('failure' in load && load.failure ? [load.failure] : []));
  if (failures.length === regions.length) throw new AuditLoadError(failures);
  const findings = loads.flatMap((load) => ('findings' in load && load.findings ? load.findings : []));
  findings.sort(compareFindings);
  const notJudged: NotJudged[] = [];
  const warnings: string[] = [];
  for (const load of loads) {
    if (!('notes' in load) || !load.notes) continue;
    notJudged.push(...load.notes.notJudged);
    warnings.push(...load.notes.warnings);
  }
  const summary = summarize(findings, { notJudged, warnings });
  const remediation = loads.flatMap((load) =>
    'remediation' in load && load.remediation ? [load.remediation] : [],
  );

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
        auditNotice({ findings, summary, failures, remediation, accountId: deps.accountId, regions }),
      );
    }
  }

  let securityHub: AuditResult['securityHub'];
  if (deps.securityHub) {
    const results = remediation.flatMap((r) => r.results);
    const plan = securityHubPlan({
      ...splitByRemediation(findings, results),
      asff: { accountId: deps.accountId, region: deps.homeRegion, now },
    });
    const sync = await deps.securityHub(plan);
    securityHub = { ...sync, failedCount: sync.failed.length, failed: sync.failed.slice(0, 100) };
  }

  const result: AuditResult = {
    format: payload.format,
    summary,
    regions: loads.flatMap((load) => ('coverage' in load && load.coverage ? [load.coverage] : [])),
    ...(failures.length > 0 ? { errors: failures } : {}),
    ...(payload.remediate ? { remediation } : {}),
    ...(notified !== undefined ? { notified } : {}),
    ...(securityHub ? { securityHub } : {}),
  };
  return fitResponse(result, findings, (subset) => render(payload.format, subset, deps, now));
}

function render(
  format: AuditPayload['format'],
  findings: readonly Finding[],
  deps: AuditDeps,
  now: Date,
): Pick<AuditResult, 'findings' | 'sarif'> {
  switch (format) {
    case 'json':
      return { findings: [...findings] };
    case 'asff':
      return { findings: toAsff(findings, { accountId: deps.accountId, region: deps.homeRegion, now }) };
    case 'sarif':
      return { sarif: toSarif(findings) };
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
