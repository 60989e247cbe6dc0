import { type Command, Option } from 'commander';
import { evaluate, summarize } from '../../shared/engine';
import { InputError } from '../../shared/errors';
import { atOrAbove, SEVERITIES, type Severity } from '../../shared/findings';
import { parseSnapshot, parseSnapshotText } from '../../shared/model/snapshot';
import type { Snapshot } from '../../shared/model/snapshot-schema';
import { formatAsff } from '../../shared/report/asff';
import { formatReport, REPORT_FORMATS } from '../../shared/report/format';
import { formatSarif } from '../../shared/report/sarif';
import { loadConfigFile } from '../config-file';
import { type CliIo, EXIT } from '../io';
import { importToSecurityHub } from './security-hub';
import { loadLiveSnapshot } from './snapshot';

/** Formats of `audit --format`: the report formats plus SARIF 2.1.0 and ASFF. */
const AUDIT_FORMATS = [...REPORT_FORMATS, 'sarif', 'asff'] as const;
type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditOptions {
  snapshot?: string;
  region?: string;
  vpc?: string[];
  format: AuditFormat;
  failOn: Severity | 'none';
  config?: string;
  importToSecurityHub?: boolean;
}

/** Loads the snapshot an audit runs on: a file (or `-` for stdin). */
async function loadAuditSnapshot(io: CliIo, options: AuditOptions): Promise<Snapshot> {
  if (options.snapshot && options.region) {
    throw new InputError('invalid options', ['give either --snapshot FILE or --region R, not both']);
  }
  if (options.snapshot)
    return parseSnapshotText(await io.readText(options.snapshot), `snapshot ${options.snapshot}`);
  if (options.region) return parseSnapshot(await loadLiveSnapshot(io, options));
  if (options.vpc) throw new InputError('invalid options', ['--vpc needs --region']);
  throw new InputError('nothing to audit', ['give --snapshot FILE or --region R [--vpc ID ...]']);
}

/** Renders the audit in the chosen format; ASFF needs the account and region the findings are in. */
function renderAudit(
  options: AuditOptions,
  snapshot: Snapshot,
  findings: ReturnType<typeof evaluate>,
  summary: ReturnType<typeof summarize>,
  now: Date,
): string {
  if (options.format === 'sarif') {
    return formatSarif(
      findings,
      options.snapshot && options.snapshot !== '-' ? { artifactUri: options.snapshot } : {},
    );
  }
  if (options.format === 'asff') return formatAsff(findings, { ...asffTarget(snapshot), now });
  return formatReport(options.format, findings, summary);
}

/** The account and region ASFF findings belong to (output and Security Hub import alike). */
function asffTarget(snapshot: Snapshot): { accountId: string; region: string } {
  const accountId = snapshot.accountId ?? snapshot.Vpcs.find((vpc) => vpc.OwnerId)?.OwnerId;
  if (!accountId || !snapshot.region) {
    throw new InputError('ASFF needs the account and region', ['add accountId and region to the snapshot']);
  }
  return { accountId, region: snapshot.region };
}

/** Runs an audit and returns the exit code: 1 when a finding is at or above `--fail-on`. */
export async function runAudit(io: CliIo, options: AuditOptions): Promise<number> {
  const config = await loadConfigFile(io, options.config);
  const snapshot = await loadAuditSnapshot(io, options);
  const now = io.now();
  const findings = evaluate(snapshot, config, { now });
  const summary = summarize(findings);
  // Checked before anything is printed or sent: a missing account or region is a usage error.
  const hubTarget = options.importToSecurityHub ? asffTarget(snapshot) : undefined;
  io.stdout(renderAudit(options, snapshot, findings, summary, now));
  if (hubTarget && !(await importToSecurityHub(io, findings, { ...hubTarget, now }))) return EXIT.usage;
  const threshold = options.failOn;
  if (threshold === 'none') return EXIT.ok;
  return findings.some((f) => !f.suppressed && atOrAbove(f.severity, threshold)) ? EXIT.findings : EXIT.ok;
}

/** Registers `vpc-guardrail audit`. */
export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('audit')
    .description('evaluate a snapshot (or a live region) and report findings')
    .option('--snapshot <file>', 'snapshot JSON (DESIGN §3 format); - reads standard input')
    .option('--region <region>', 'audit a live region with local credentials')
    .option('--vpc <id...>', 'with --region: only these VPCs (repeatable)')
    .addOption(new Option('--format <format>', 'output format').choices([...AUDIT_FORMATS]).default('table'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .option('--config <file>', 'config JSON (same schema as VPC_GUARDRAIL_CONFIG)')
    .option(
      '--import-to-security-hub',
      "also import the findings into AWS Security Hub (the snapshot's account and region, local credentials)",
    )
    .action(async (options: AuditOptions) => {
      setExit(await runAudit(io, options));
    });
}
