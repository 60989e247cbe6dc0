import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  type Partition,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { ConfigError } from '../errors';
import type { SecurityHubPlan, StaleSweep } from '../integrations/security-hub';
import { staleRecords } from '../integrations/stale-findings';
import { ASFF_BATCH_SIZE, type AsffFinding, batchImportRequests } from '../report/asff';
import { errorCode } from './errors';

// AWS Security Hub (DESIGN §16): findings go in with BatchImportFindings under the account's default
// custom product. A provider cannot change Workflow through BatchImportFindings once a finding
// exists (API reference, BatchImportFindings), so resolving one also takes BatchUpdateFindings.

/** One finding Security Hub did not take, with its answer. */
export interface SecurityHubFailure {
  /** The ASFF `Id`. */
  id: string;
  code: string;
  message: string;
}

/** What an import did: counts, every failure (per finding), and the calls made. */
export interface SecurityHubReport {
  imported: number;
  failed: SecurityHubFailure[];
  calls: number;
}

/** What resolving did: archived records, workflow updates, and every failure. */
export interface SecurityHubResolveReport {
  /** Findings set to `RecordState: ARCHIVED` (BatchImportFindings). */
  archived: number;
  /** Findings whose `Workflow.Status` was set to `RESOLVED` (BatchUpdateFindings). */
  resolved: number;
  failed: SecurityHubFailure[];
  calls: number;
}

/** ASFF's names of the partitions (`Resource.Partition`), by the partition's own name. */
const ASFF_PARTITIONS: Record<string, Partition> = {
  aws: 'aws',
  'aws-cn': 'aws-cn',
  'aws-us-gov': 'aws-us-gov',
  'aws-iso': 'aws-us-iso',
  'aws-iso-b': 'aws-us-iso-b',
};

/**
 * A record as the SDK takes it: the partition in ASFF's spelling (left out where ASFF has none).
 * `FindingProviderFields` comes with the record (report/asff.ts): updates reach it only so.
 */
export function sdkFinding(record: AsffFinding): AwsSecurityFinding {
  return {
    ...record,
    Resources: record.Resources.map(({ Partition: partition, ...rest }) => {
      const asff = ASFF_PARTITIONS[partition];
      return asff ? { ...rest, Partition: asff } : rest;
    }),
  };
}

/** The error code and message of a failed call, as a per-finding failure of each finding it carried. */
function callFailure(error: unknown): { code: string; message: string } {
  const e = error as { message?: unknown };
  return {
    // A refused connection is an Error whose code says why (ECONNREFUSED): the CLI's hint reads it.
    code: errorCode(error),
    message: typeof e.message === 'string' ? e.message : String(error),
  };
}

/**
 * Imports findings with BatchImportFindings, at most 100 per call. A finding Security Hub rejects,
 * and every finding of a call that failed as a whole (after the SDK's retries), is reported with
 * the answer; the remaining calls still run.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: readonly AsffFinding[],
): Promise<SecurityHubReport> {
  const report: SecurityHubReport = { imported: 0, failed: [], calls: 0 };
  for (const request of batchImportRequests(findings)) {
    report.calls++;
    try {
      const out = await client.send(
        new BatchImportFindingsCommand({ Findings: request.Findings.map(sdkFinding) }),
      );
      const failedIds = new Set<string>();
      for (const failure of out.FailedFindings ?? []) {
        const id = failure.Id ?? '(no id)';
        failedIds.add(id);
        report.failed.push({
          id,
          code: failure.ErrorCode ?? 'Unknown',
          message: failure.ErrorMessage ?? '',
        });
      }
      // FailedCount can exceed the listed failures; count what Security Hub says it took.
      report.imported += out.SuccessCount ?? request.Findings.length - failedIds.size;
    } catch (error) {
      const { code, message } = callFailure(error);
      for (const finding of request.Findings) report.failed.push({ id: finding.Id, code, message });
    }
  }
  return report;
}

/**
 * Closes findings that stopped firing: `Workflow.Status: RESOLVED` with BatchUpdateFindings, then
 * `RecordState: ARCHIVED` with BatchImportFindings (the same ids).
 *
 * - `closed`: findings seen firing in this evaluation and closed by its remediation. Always
 *   archived; a finding Security Hub does not hold yet is created archived and resolved.
 * - `gone`: findings that may have been imported before and no longer fire. Archived only when
 *   BatchUpdateFindings found them, so nothing that never fired is created in Security Hub.
 *
 * Updating first matters: Security Hub resets a RESOLVED workflow to NEW only when a record goes
 * from ARCHIVED back to ACTIVE, never the other way round.
 */
export async function resolveFindings(
  client: SecurityHubClient,
  closed: readonly AsffFinding[],
  gone: readonly AsffFinding[],
): Promise<SecurityHubResolveReport> {
  const all = [...closed, ...gone];
  const closedIds = new Set(closed.map((f) => f.Id));
  // Workflow only: a Note would overwrite what an analyst wrote on the finding. Not found: never
  // imported (or not yet visible) — a closed one is created resolved below, a gone one never was.
  // Without an answer nothing is known about the gone ones of a chunk: they are left as they are.
  const updated = await updateWorkflow(client, all, 'RESOLVED');
  const found = updated.processed;
  const report: SecurityHubResolveReport = {
    archived: 0,
    resolved: 0,
    failed: updated.failed,
    calls: updated.calls,
  };
  report.resolved = found.size;
  const archive = all.filter((f) => closedIds.has(f.Id) || found.has(f.Id));
  const imported = await importFindings(client, archive);
  report.archived = imported.imported;
  report.calls += imported.calls;
  report.failed.push(...imported.failed);
  return report;
}

/** What one evaluation's Security Hub update did (the event function's answer and log). */
export interface SecurityHubSync {
  imported: number;
  archived: number;
  resolved: number;
  /**
   * Findings whose Workflow.Status was set to follow an exemption change (SUPPRESSED or NEW again);
   * absent when no exemption changed.
   */
  workflowSet?: number;
  /**
   * An audit's sweep: findings Security Hub held ACTIVE for an account-region the audit read whole
   * and no longer reports, closed (counted in `archived` and `resolved` too); absent without a sweep.
   */
  stale?: number;
  failed: SecurityHubFailure[];
  calls: number;
}

/**
 * Sets `Workflow.Status` of findings Security Hub holds (BatchUpdateFindings, at most 100 a call).
 * A finding it does not hold yet (`FindingNotFound`) was created by this evaluation's import with
 * the same status, so it is no failure.
 */
export async function setWorkflow(
  client: SecurityHubClient,
  records: readonly AsffFinding[],
  status: 'NEW' | 'SUPPRESSED',
): Promise<{ updated: number; failed: SecurityHubFailure[]; calls: number }> {
  const { processed, failed, calls } = await updateWorkflow(client, records, status);
  return { updated: processed.size, failed, calls };
}

/**
 * BatchUpdateFindings of `Workflow.Status` alone, at most 100 findings a call: the ids Security Hub
 * processed, and every failure but `FindingNotFound` (a finding it does not hold yet is the
 * caller's to read: created by this evaluation's import, or never imported). A call that fails
 * as a whole fails each finding of its chunk.
 */
async function updateWorkflow(
  client: SecurityHubClient,
  records: readonly AsffFinding[],
  status: 'NEW' | 'SUPPRESSED' | 'RESOLVED',
): Promise<{ processed: Set<string>; failed: SecurityHubFailure[]; calls: number }> {
  const processed = new Set<string>();
  const failed: SecurityHubFailure[] = [];
  let calls = 0;
  for (let i = 0; i < records.length; i += ASFF_BATCH_SIZE) {
    const chunk = records.slice(i, i + ASFF_BATCH_SIZE);
    calls++;
    try {
      const out = await client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: chunk.map((f) => ({ Id: f.Id, ProductArn: f.ProductArn })),
          Workflow: { Status: status },
        }),
      );
      for (const done of out.ProcessedFindings ?? []) if (done.Id) processed.add(done.Id);
      for (const failure of out.UnprocessedFindings ?? []) {
        if (failure.ErrorCode === 'FindingNotFound') continue;
        failed.push({
          id: failure.FindingIdentifier?.Id ?? '(no id)',
          code: failure.ErrorCode ?? 'Unknown',
          message: failure.ErrorMessage ?? '',
        });
      }
    } catch (error) {
      const { code, message } = callFailure(error);
      for (const f of chunk) failed.push({ id: f.Id, code, message });
    }
  }
  return { processed, failed, calls };
}

/** GetFindings takes at most 20 values per filter field. */
const FILTER_VALUES = 20;

/**
 * The findings Security Hub holds ACTIVE under `productArn` whose Id starts with one of `prefixes`
 * (GetFindings, every page, 20 prefixes a listing). Any failed call fails the listing: a partial one
 * would leave findings open unnoticed, never close one that fires, so the caller closes nothing.
 */
export async function heldFindings(
  client: SecurityHubClient,
  productArn: string,
  prefixes: readonly string[],
): Promise<{ held: AwsSecurityFinding[]; calls: number; failure?: SecurityHubFailure }> {
  const held: AwsSecurityFinding[] = [];
  let calls = 0;
  try {
    for (let i = 0; i < prefixes.length; i += FILTER_VALUES) {
      const Filters = {
        ProductArn: [{ Value: productArn, Comparison: 'EQUALS' as const }],
        RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' as const }],
        Id: prefixes.slice(i, i + FILTER_VALUES).map((Value) => ({ Value, Comparison: 'PREFIX' as const })),
      };
      const tokens = new Set<string>();
      let NextToken: string | undefined;
      do {
        calls++;
        const out = await client.send(new GetFindingsCommand({ Filters, MaxResults: 100, NextToken }));
        held.push(...(out.Findings ?? []));
        NextToken = out.NextToken || undefined;
        if (NextToken !== undefined && tokens.has(NextToken))
          throw new Error('GetFindings repeated a page token');
        if (NextToken !== undefined) tokens.add(NextToken);
      } while (NextToken !== undefined);
    }
  } catch (error) {
    return { held: [], calls, failure: { id: '(GetFindings)', ...callFailure(error) } };
  }
  return { held, calls };
}

/** An audit's sweep (DESIGN §16, README): closes what Security Hub holds that the audit no longer reports. */
export async function closeStale(
  client: SecurityHubClient,
  sweep: StaleSweep,
): Promise<SecurityHubResolveReport & { stale: number }> {
  if (sweep.prefixes.length === 0) return { archived: 0, resolved: 0, failed: [], calls: 0, stale: 0 };
  const listing = await heldFindings(client, sweep.productArn, sweep.prefixes);
  if (listing.failure) {
    return { archived: 0, resolved: 0, failed: [listing.failure], calls: listing.calls, stale: 0 };
  }
  const stale = staleRecords(listing.held, sweep);
  // Security Hub holds them: closed ones, resolved and archived whatever BatchUpdateFindings answers.
  const closing =
    stale.length > 0
      ? await resolveFindings(client, stale, [])
      : { archived: 0, resolved: 0, failed: [], calls: 0 };
  return { ...closing, calls: closing.calls + listing.calls, stale: stale.length };
}

/** Sends a plan: the firing findings as ACTIVE, then closes the closed and gone ones. */
export async function syncFindings(
  client: SecurityHubClient,
  plan: SecurityHubPlan,
): Promise<SecurityHubSync> {
  const imported = await importFindings(client, plan.active);
  const closing =
    plan.closed.length + plan.gone.length > 0
      ? await resolveFindings(client, plan.closed, plan.gone)
      : { archived: 0, resolved: 0, failed: [], calls: 0 };
  // After the import (which cannot change the Workflow of an existing finding): an exemption set,
  // removed or expired moves the findings it decides. A finding the import did not take is left
  // out: Security Hub may not hold it, and its failure is already listed once.
  const notTaken = new Set(imported.failed.map((f) => f.id));
  const taken = (records: readonly AsffFinding[]) => records.filter((r) => !notTaken.has(r.Id));
  const suppress = await setWorkflow(client, taken(plan.workflow.suppress), 'SUPPRESSED');
  const reopen = await setWorkflow(client, taken(plan.workflow.reopen), 'NEW');
  const workflowCalls = suppress.calls + reopen.calls;
  // Last: the sweep lists what Security Hub holds after this import (never closing a firing one).
  const swept = plan.sweep ? await closeStale(client, plan.sweep) : undefined;
  return {
    imported: imported.imported,
    archived: closing.archived + (swept?.archived ?? 0),
    resolved: closing.resolved + (swept?.resolved ?? 0),
    ...(workflowCalls > 0 ? { workflowSet: suppress.updated + reopen.updated } : {}),
    ...(swept ? { stale: swept.stale } : {}),
    failed: [
      ...imported.failed,
      ...closing.failed,
      ...suppress.failed,
      ...reopen.failed,
      ...(swept?.failed ?? []),
    ],
    calls: imported.calls + closing.calls + workflowCalls + (swept?.calls ?? 0),
  };
}

/**
 * Whether the stack turned the integration on (`VPC_GUARDRAIL_SECURITY_HUB`, set from the CDK
 * context `securityHub=true`). Anything but `true`, `false` or unset is a configuration error.
 */
export function securityHubEnabled(env: Record<string, string | undefined>): boolean {
  const value = env.VPC_GUARDRAIL_SECURITY_HUB;
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigError('invalid environment', [
    `VPC_GUARDRAIL_SECURITY_HUB: expected true or false, got ${JSON.stringify(value)}`,
  ]);
}
