import { type Command, Option } from 'commander';
import { evaluate, summarize } from '../../shared/engine';
import { InputError } from '../../shared/errors';
import { atOrAbove, SEVERITIES, type Severity } from '../../shared/findings';
import { parseSnapshotText } from '../../shared/model/snapshot';
import type { Snapshot } from '../../shared/model/snapshot-schema';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../../shared/report/format';
import { loadConfigFile } from '../config-file';
import { type CliIo, EXIT } from '../io';

export interface AuditOptions {
  snapshot?: string;
  region?: string;
  vpc?: string[];
  format: ReportFormat;
  failOn: Severity | 'none';
  config?: string;
}

/** Loads the snapshot an audit runs on: a file (or `-` for stdin). */
async function loadAuditSnapshot(io: CliIo, options: AuditOptions): Promise<Snapshot> {
  if (options.snapshot)
    return parseSnapshotText(await io.readText(options.snapshot), `snapshot ${options.snapshot}`);
  throw new InputError('nothing to audit', ['give --snapshot FILE']);
}

/** Runs an audit and returns the exit code: 1 when a finding is at or above `--fail-on`. */
export async function runAudit(io: CliIo, options: AuditOptions): Promise<number> {
  const config = await loadConfigFile(io, options.config);
  const snapshot = await loadAuditSnapshot(io, options);
  const findings = evaluate(snapshot, config, { now: io.now() });
  const summary = summarize(findings);
  io.stdout(formatReport(options.format, findings, summary));
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
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('table'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .option('--config <file>', 'config JSON (same schema as VPC_GUARDRAIL_CONFIG)')
    .action(async (options: AuditOptions) => {
      setExit(await runAudit(io, options));
    });
}
