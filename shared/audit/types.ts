import type { Summary } from '../engine';
import type { Finding } from '../findings';
import type { ActionResult, SkippedFinding } from '../remediation/types';
import type { AsffFinding } from '../report/asff';
import type { SarifLog } from '../report/sarif';
import type { AuditPayload } from './payload';

// The audit pipeline's vocabulary, apart from the code, so the pipeline and its notice both read
// it without importing each other.

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
  /** Set when the findings were cut to fit Lambda's 6 MB response limit. */
  truncated?: { returned: number; total: number };
}
