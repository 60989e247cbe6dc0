import type { SecurityHubSync } from '../aws/security-hub';
import type { Summary } from '../engine';
import type { Finding } from '../findings';
import type { ActionResult, SkippedFinding } from '../remediation/types';
import type { AsffFinding } from '../report/asff';
import type { SarifLog } from '../report/sarif';
import type { AuditPayload } from './payload';

// The audit pipeline's vocabulary, apart from the code, so the pipeline and its notice both read
// it without importing each other.

/** One account-region an audit reads. */
export interface AuditTarget {
  accountId: string;
  region: string;
}

/** A region that could not be loaded: it is reported, never silently left out. */
export interface RegionFailure {
  /** Set in a multi-account audit. */
  accountId?: string;
  region: string;
  operation: string;
  code: string;
  message: string;
}

/** What was loaded per region. */
export interface RegionCoverage {
  /** Set in a multi-account audit. */
  accountId?: string;
  region: string;
  vpcs: number;
  securityGroups: number;
  networkAcls: number;
  networkInterfaces: number;
}

/** What remediation did in one region (only when the payload asks for it). */
export interface RegionRemediation {
  /** Set in a multi-account audit. */
  accountId?: string;
  region: string;
  dryRun: boolean;
  results: ActionResult[];
  skipped: SkippedFinding[];
}

/** A multi-account audit's counts for one account. */
export interface AccountSummary {
  accountId: string;
  /** Regions evaluated and regions that could not be read. */
  regions: number;
  failed: number;
  summary: Summary;
}

/** An account the audit was asked about but does not govern (configuration `excludeAccounts`, …). */
export interface ExcludedAccount {
  accountId: string;
  reason: string;
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
  /** A multi-account audit (`accounts` or `organization` in the payload): the summary per account. */
  accounts?: AccountSummary[];
  excludedAccounts?: ExcludedAccount[];
  /**
   * What Security Hub took (when the stack enables it), every rejected finding listed up to 100;
   * `notImported`: findings of other accounts, not sent (Security Hub takes a default product's
   * findings only from their own account), counted per account.
   */
  securityHub?: Omit<SecurityHubSync, 'failed'> & {
    failedCount: number;
    failed: SecurityHubSync['failed'];
    notImported?: { accountId: string; findings: number }[];
  };
  /** Set when the findings were cut to fit Lambda's 6 MB response limit. */
  truncated?: { returned: number; total: number };
}
