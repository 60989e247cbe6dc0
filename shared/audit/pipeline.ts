import type { EC2Client } from '@aws-sdk/client-ec2';
import { loadRegionSnapshot } from '../aws/ec2/region';
import { AuditLoadError, RegionLoadError } from '../aws/errors';
import { mapLimit } from '../aws/map-limit';
import { executeActions } from '../aws/remediator';
import type { Config } from '../config';
import { evaluate, summarize } from '../engine';
import { compareFindings, type Finding } from '../findings';
import { parseSnapshot } from '../model/snapshot';
import type { Notice } from '../notify/notice';
import { planRemediation } from '../remediation/plan';
import type { SkippedFinding } from '../remediation/types';
import { toAsff } from '../report/asff';
import { toSarif } from '../report/sarif';
import { ruleById } from '../rules/registry';
import { auditNotice } from './audit-notice';
import type { AuditPayload } from './payload';
import type { AuditResult, RegionCoverage, RegionFailure, RegionRemediation } from './types';

/** What the audit needs from the outside world (injected, so tests and the CLI can supply their own). */
export interface AuditDeps {
  config: Config;
  accountId: string;
  /** The function's own region: the default region, and the home of the topic. */
  homeRegion: string;
  ec2For(region: string): EC2Client;
  publish?(notice: Notice): Promise<void>;
  now(): Date;
  /** Regions loaded at once. */
  regionConcurrency?: number;
}

/**
 * The unsuppressed findings of rules that remediate but that carry no fix (a group world-open only
 * through a union of narrower sources, e.g. 0.0.0.0/1 + 128.0.0.0/1): listed as skipped with the
 * reason, so the answer accounts for every finding remediation could have touched.
 */
function withoutFix(findings: readonly Finding[]): SkippedFinding[] {
  return findings
    .filter((f) => !f.remediation && !f.suppressed && (ruleById(f.ruleId)?.autoFix ?? 'no') !== 'no')
    .map((f) => ({
      findingId: f.id,
      ruleId: f.ruleId,
      resourceId: f.resourceId,
      reason:
        f.evidence.notRemediable !== undefined
          ? 'no automatic fix: the open ports come through a union of narrower sources (see notRemediable); narrow them by hand'
          : 'no automatic fix for this finding (see its detail)',
    }));
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
      const snapshot = parseSnapshot(raw);
      const coverage: RegionCoverage = {
        region,
        vpcs: snapshot.Vpcs.length,
        securityGroups: snapshot.SecurityGroups.length,
        networkAcls: snapshot.NetworkAcls.length,
        networkInterfaces: snapshot.NetworkInterfaces.length,
      };
      const findings = evaluate(snapshot, deps.config, { now });
      if (!payload.remediate) return { region, findings, coverage };
      // The region loaded completely (a failed load never gets here), so acting on it is safe.
      const plan = planRemediation(findings, deps.config, { sliceComplete: true });
      const results = await executeActions(deps.ec2For(region), plan);
      const skipped = [...plan.skipped, ...withoutFix(findings)];
      const remediation: RegionRemediation = { region, dryRun: plan.dryRun, results, skipped };
      return { region, findings, coverage, remediation };
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
  const summary = summarize(findings);
  const remediation = loads.flatMap((load) =>
    'remediation' in load && load.remediation ? [load.remediation] : [],
  );

  let notified: boolean | undefined;
  if (payload.notify) {
    if (!deps.publish) throw new Error('notify needs a topic (VPC_GUARDRAIL_TOPIC_ARN)');
    await deps.publish(
      auditNotice({ findings, summary, failures, remediation, accountId: deps.accountId, regions }),
    );
    notified = true;
  }

  const result: AuditResult = {
    format: payload.format,
    summary,
    regions: loads.flatMap((load) => ('coverage' in load && load.coverage ? [load.coverage] : [])),
    ...(failures.length > 0 ? { errors: failures } : {}),
    ...(payload.remediate ? { remediation } : {}),
    ...(notified ? { notified } : {}),
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
