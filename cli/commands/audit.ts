import { type Command, Option } from 'commander';
import type { Config } from '../../shared/config';
import { evaluateReport, type Summary, summarize } from '../../shared/engine';
import { InputError } from '../../shared/errors';
import { atOrAbove, type Finding, SEVERITIES, type Severity } from '../../shared/findings';
import { type ReadSnapshot, readSnapshot } from '../../shared/model/snapshot';
import type { Snapshot } from '../../shared/model/snapshot-schema';
import { asffTargetIssues, formatAsff } from '../../shared/report/asff';
import { jsonReportChunks, notJudgedStderrLines, REPORT_FORMATS } from '../../shared/report/format';
import {
  artifactUri,
  formatSarif,
  type SarifScope,
  sarifCategory,
  sarifSizeWarning,
} from '../../shared/report/sarif';
import { formatTable } from '../../shared/report/table';
import { loadConfigFile } from '../config-file';
import { AUDIT_HELP_FOOTER } from '../help';
import { type CliIo, EXIT } from '../io';
import { choiceOf, idValues, optionValue, refuseStdinTwice } from '../option-value';
import { readSnapshotFile } from '../snapshot-file';
import { escapeErrorLine } from '../terminal-text';
import { type AccountOptions, addAccountOptions, refuseLoneRegions, wantsAccounts } from './accounts';
import { runAccountsAudit, runRecordedAccountsAudit } from './audit-accounts';
import { type ExclusionWords, ownerAccounts, refuseExcluded } from './owners';
import { importToSecurityHub, refuseOtherCallerAccount } from './security-hub';
import { loadLiveSnapshot } from './snapshot';

/** Formats of `audit --format`: the report formats plus SARIF 2.1.0 and ASFF. */
const AUDIT_FORMATS = [...REPORT_FORMATS, 'sarif', 'asff'] as const;
type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditOptions extends AccountOptions {
  snapshot?: string;
  region?: string;
  vpc?: string[];
  format: AuditFormat;
  failOn: Severity | 'none';
  config?: string;
  importToSecurityHub?: boolean;
}

/**
 * Loads the snapshot an audit runs on (a file, `-` for stdin, or a live region), with its
 * warnings; or, for a file holding a JSON array (`snapshot --accounts` writes one), its snapshots.
 */
async function loadAuditSnapshot(
  io: CliIo,
  options: AuditOptions,
  config: Config,
): Promise<ReadSnapshot | { several: unknown[] }> {
  if (options.snapshot && options.region) {
    throw new InputError('invalid options', ['give either --snapshot FILE or --region R, not both']);
  }
  if (options.snapshot) {
    const { json, source } = await readSnapshotFile(io, options.snapshot);
    return Array.isArray(json) ? { several: json } : readSnapshot(json, source);
  }
  if (options.region) return readSnapshot(await loadLiveSnapshot(io, options, config.excludeAccounts));
  if (options.vpc) throw new InputError('invalid options', ['--vpc needs --snapshot FILE or --region R']);
  throw new InputError('nothing to audit', ['give --snapshot FILE or --region R [--vpc ID ...]']);
}

/** Every VPC id a snapshot mentions: its VPCs, and the VPC of anything else in it. */
function vpcIdsOf(snapshot: Snapshot): Set<string> {
  const ids = new Set<string>();
  for (const value of Object.values(snapshot)) {
    if (!Array.isArray(value)) continue;
    for (const item of value as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { VpcId, Attachments } = item as { VpcId?: unknown; Attachments?: unknown };
      if (typeof VpcId === 'string') ids.add(VpcId);
      if (Array.isArray(Attachments)) {
        for (const a of Attachments as unknown[]) {
          const id = typeof a === 'object' && a !== null ? (a as { VpcId?: unknown }).VpcId : undefined;
          if (typeof id === 'string') ids.add(id);
        }
      }
    }
  }
  return ids;
}

/**
 * `--vpc` with `--snapshot`: the whole snapshot is evaluated (a group in one VPC may reference a
 * peer's), then only the findings of those VPCs are reported. A VPC the snapshot does not hold is
 * an error, not an empty report: a typo must not read as "clean".
 */
function vpcFilter(
  snapshot: Snapshot,
  vpcIds: readonly string[],
): ((finding: Finding) => boolean) | undefined {
  if (vpcIds.length === 0) return undefined;
  const known = vpcIdsOf(snapshot);
  const missing = vpcIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new InputError(
      'invalid options',
      missing.map((id) => `--vpc: ${JSON.stringify(id)} is not in the snapshot`),
    );
  }
  const wanted = new Set(vpcIds);
  return (finding) => wanted.has(finding.vpcId);
}

/**
 * Renders the audit in the chosen format, in the chunks it is written in (JSON: about 64 Ki
 * characters each, so a large region's report is never one string); ASFF needs the findings'
 * account and region.
 */
function renderAudit(
  io: CliIo,
  options: AuditOptions,
  snapshot: Snapshot,
  findings: readonly Finding[],
  summary: Summary,
  now: Date,
): Iterable<string> {
  if (options.format === 'sarif') {
    const tooMany = sarifSizeWarning(findings.length);
    if (tooMany) io.stderr(`warning: ${tooMany}\n`);
    return [
      formatSarif(findings, {
        ...(options.snapshot && options.snapshot !== '-'
          ? { artifactUri: artifactUri(options.snapshot) }
          : {}),
        notJudged: summary.notJudged,
        warnings: summary.warnings,
        category: sarifCategory(snapshotScope(options, snapshot)),
      }),
    ];
  }
  if (options.format === 'asff') return [formatAsff(findings, { ...asffTarget(options, snapshot), now })];
  if (options.format === 'json') return jsonReportChunks(findings, summary);
  // Which account and region the report is about, as far as the snapshot (or --region) says: a
  // report read later, or pasted into a ticket, names them.
  return [formatTable(findings, summary, { scope: accountRegionOf(options, snapshot) })];
}

/**
 * The account and region of a one-snapshot audit: the snapshot's `accountId` (else the one
 * OwnerId its resources carry; a live region's is the credentials') and `region` (else `--region`).
 */
function accountRegionOf(options: AuditOptions, snapshot: Snapshot): { accountId?: string; region?: string } {
  const owners = snapshot.accountId === undefined ? ownerAccounts(snapshot) : [];
  const accountId = snapshot.accountId ?? (owners.length === 1 ? owners[0] : undefined);
  const region = snapshot.region ?? options.region;
  return { ...(accountId ? { accountId } : {}), ...(region ? { region } : {}) };
}

/**
 * What a one-snapshot audit covers, for its SARIF category: the snapshot's account (its
 * `accountId`, else the one OwnerId its resources carry; a live region's is the credentials'),
 * its region (else `--region`), and the `--vpc` asked for.
 */
function snapshotScope(options: AuditOptions, snapshot: Snapshot): SarifScope {
  const { accountId, region } = accountRegionOf(options, snapshot);
  return {
    ...(accountId ? { accounts: [accountId] } : {}),
    ...(region ? { regions: [region] } : {}),
    ...(options.vpc && options.vpc.length > 0 ? { vpcIds: options.vpc } : {}),
  };
}

/**
 * The account and region ASFF findings belong to: the snapshot's `accountId` (else the one
 * `OwnerId` its resources carry — several, as in a shared VPC's participant, name no single
 * account: the first VPC's would file the participant's findings under the VPC owner) and `region`
 * (else `--region`). Missing or malformed, the message names the key.
 */
function asffTarget(options: AuditOptions, snapshot: Snapshot): { accountId: string; region: string } {
  const owners = snapshot.accountId === undefined ? ownerAccounts(snapshot) : [];
  const accountId = snapshot.accountId ?? (owners.length === 1 ? owners[0] : undefined);
  const region = snapshot.region ?? options.region;
  const several = owners.length > 1 ? ` (its resources belong to ${owners.join(', ')})` : '';
  const issues = asffTargetIssues(
    { accountId, region },
    options.snapshot
      ? {
          accountId: `add "accountId": "123456789012" at the top level of the snapshot${several}`,
          region: 'add "region": "eu-west-1" at the top level of the snapshot',
        }
      : { accountId: `the OwnerId of the VPCs read${several}`, region: 'give --region' },
  );
  if (issues.length > 0 || !accountId || !region) {
    throw new InputError('ASFF (Security Hub) needs the AWS account and region of the findings', issues);
  }
  return { accountId, region };
}

/**
 * A snapshot file of an account that `excludeAccounts` of `--config` lists is not judged (exit 2,
 * as live): "never governed, the central one included" (DESIGN §15) holds whoever recorded it. The
 * `accounts` allow-list is not applied to one snapshot: it may be the central account's, which is
 * governed whether or not the list names it (a file of several snapshots applies it, README).
 */
function refuseExcludedFile(io: CliIo, snapshot: Snapshot, config: Config): void {
  const owners = snapshot.accountId !== undefined ? [snapshot.accountId] : ownerAccounts(snapshot);
  refuseExcluded(io, owners, config.excludeAccounts, FILE_WORDS);
}

/** How the refusal of an excluded file names it. */
const FILE_WORDS: ExclusionWords = {
  one: "(the snapshot's)",
  all: '(every one the snapshot names)',
  verb: 'judged',
  unknown: "the snapshot names no account (a top-level accountId, or a VPC's OwnerId)",
  // Whoever recorded it is excluded only when every account it names is.
  several: (owners, excluded) =>
    `the snapshot's resources belong to several accounts (${owners.join(', ')}: a shared VPC is its owner's), so which one recorded it is not known; give its top-level accountId: excludeAccounts of --config (${excluded.join(', ')}) could not be applied`,
};

/** Runs an audit and returns the exit code: 1 when a finding is at or above `--fail-on`. */
export async function runAudit(io: CliIo, options: AuditOptions): Promise<number> {
  refuseStdinTwice([
    ['--snapshot', options.snapshot],
    ['--config', options.config],
  ]);
  const config = await loadConfigFile(io, options.config);
  if (wantsAccounts(options)) {
    // Security Hub's default product takes only the calling account's findings (README).
    if (options.importToSecurityHub) {
      throw new InputError('invalid options', [
        "--import-to-security-hub: imports one account (the credentials' own); not with --accounts or --organization",
      ]);
    }
    return runAccountsAudit(io, options, config);
  }
  refuseLoneRegions(options);
  const loaded = await loadAuditSnapshot(io, options, config);
  if ('several' in loaded) return runRecordedAccountsAudit(io, options, config, loaded.several);
  const { snapshot, warnings: inputWarnings } = loaded;
  if (options.snapshot) refuseExcludedFile(io, snapshot, config);
  const keep = options.snapshot ? vpcFilter(snapshot, options.vpc ?? []) : undefined;
  const now = io.now();
  const result = evaluateReport(snapshot, config, { now });
  const findings = keep ? result.findings.filter(keep) : result.findings;
  // Warnings go to stderr and to summary.warnings; neither they nor notJudged change the exit code.
  // What could not be judged is listed whatever --vpc says: a not-judged resource has no finding
  // to filter by, and leaving it out would be the silence DESIGN §3 forbids.
  const warnings = [...inputWarnings, ...result.warnings];
  for (const warning of warnings) io.stderr(`warning: ${escapeErrorLine(warning)}\n`);
  const summary = summarize(findings, { notJudged: result.notJudged, warnings });
  // Checked before anything is printed or sent: a missing account or region is a usage error.
  const hubTarget = options.importToSecurityHub ? asffTarget(options, snapshot) : undefined;
  // A live region's account is the credentials' already (STS, `loadLiveSnapshot`); a file's may not be.
  if (hubTarget && options.snapshot) await refuseOtherCallerAccount(hubTarget);
  for (const chunk of renderAudit(io, options, snapshot, findings, summary, now)) io.stdout(chunk);
  // ASFF has no place for them (SARIF carries them as notifications, table and JSON in summary).
  if (options.format === 'asff')
    for (const line of notJudgedStderrLines(summary)) io.stderr(escapeErrorLine(line));
  if (hubTarget && !(await importToSecurityHub(io, findings, { ...hubTarget, now }))) return EXIT.usage;
  const threshold = options.failOn;
  if (threshold === 'none') return EXIT.ok;
  return findings.some((f) => !f.suppressed && atOrAbove(f.severity, threshold)) ? EXIT.findings : EXIT.ok;
}

/** Registers `vpc-guardrail audit`. */
export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('audit')
    .description('evaluate a snapshot (or a live region, or accounts of an organization) and report findings')
    // DESIGN §11's usage line (README "The vpc-guardrail command"), then the organization form.
    .usage(
      '[--snapshot FILE | --region R] [--vpc ID ...]\n' +
        '                           [--format table|json|sarif|asff]\n' +
        '                           [--fail-on SEVERITY|none] [--config FILE]\n' +
        '                           [--import-to-security-hub]\n' +
        '       vpc-guardrail audit (--accounts IDS | --organization) --regions R,...\n' +
        '                           [--role-name NAME] [--vpc ID ...] [--format ...]\n' +
        '                           [--fail-on ...] [--config FILE]',
    )
    .option(
      '--snapshot <file>',
      'snapshot JSON (see "Snapshot format" in the README); - reads standard input',
      optionValue,
    )
    .option(
      '--region <region>',
      'audit a live region with local credentials (AWS_PROFILE, SSO, …)',
      optionValue,
    )
    .option(
      '--vpc <id...>',
      'only these VPCs (repeatable, or comma-separated): with --region only they are read, with --snapshot the whole file is evaluated and only their findings are reported',
      idValues,
    )
    .addOption(
      new Option(
        '--format <format>',
        'table (by severity, 80 columns), json (findings and summary), sarif (SARIF 2.1.0, for code scanning) or asff (Security Hub findings)',
      )
        .choices([...AUDIT_FORMATS])
        .argParser(choiceOf(AUDIT_FORMATS))
        .default('table'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when an unsuppressed finding is at or above this severity (none: never)',
      )
        .choices([...SEVERITIES, 'none'])
        .argParser(choiceOf([...SEVERITIES, 'none']))
        .default('high'),
    )
    .option(
      '--config <file>',
      'config JSON ("Configuration" in the README; the schema of VPC_GUARDRAIL_CONFIG)',
      optionValue,
    )
    .option(
      '--import-to-security-hub',
      "also import the findings into AWS Security Hub (the snapshot's account and region, with local credentials of that account)",
    );
  addAccountOptions(command)
    .addHelpText('after', AUDIT_HELP_FOOTER)
    .action(async (options: AuditOptions) => {
      setExit(await runAudit(io, options));
    });
}
