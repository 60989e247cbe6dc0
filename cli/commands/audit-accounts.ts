import { governedAccounts } from '../../shared/audit/accounts';
import { accountLine } from '../../shared/audit/audit-notice';
import { type AuditRun, auditTargets } from '../../shared/audit/run-targets';
import type { AuditTarget, ExcludedAccount, RegionFailure } from '../../shared/audit/types';
import { ACCOUNT_ID, REGION_NAME } from '../../shared/aws/ids';
import type { Config } from '../../shared/config';
import { InputError } from '../../shared/errors';
import { atOrAbove, type Severity } from '../../shared/findings';
import { toAsffPerAccount } from '../../shared/integrations/security-hub';
import { notJudgedStderrLines } from '../../shared/report/format';
import { formatSarif, sarifCategory, sarifSizeWarning } from '../../shared/report/sarif';
import { formatTable, wrapHanging } from '../../shared/report/table';
import { connectionHints } from '../credential-hint';
import { type CliIo, EXIT } from '../io';
import { escapeErrorLine } from '../terminal-text';
import { type AccountOptions, resolveAccounts, targetProgress } from './accounts';

export interface AccountsAuditOptions extends AccountOptions {
  snapshot?: string;
  vpc?: string[];
  format: 'table' | 'json' | 'sarif' | 'asff';
  failOn: Severity | 'none';
}

const failureLine = (f: RegionFailure) => `not read: ${f.accountId ?? ''} ${f.region}: ${f.message}`;

/**
 * `audit --accounts … | --organization --regions …`: the audit pipeline the audit function runs,
 * over every account-region, with local credentials. Exit 2 when an account-region could not be
 * read (the report is then incomplete, and says which), else by `--fail-on`.
 */
export async function runAccountsAudit(
  io: CliIo,
  options: AccountsAuditOptions,
  config: Config,
): Promise<number> {
  if (options.snapshot) {
    throw new InputError('invalid options', [
      '--snapshot reads a file; --accounts and --organization read AWS',
    ]);
  }
  const resolved = await resolveAccounts(options, io.now());
  // The configuration's allow-list and exclusions hold here as in the audit function.
  const { accounts: governed, excluded } = governedAccounts(
    [...new Set(resolved.targets.map((t) => t.accountId))],
    {
      homeAccountId: resolved.homeAccountId,
      accounts: config.accounts,
      excludeAccounts: config.excludeAccounts,
    },
  );
  for (const { reason } of excluded) io.stderr(`skipped: ${reason}\n`);
  if (governed.length === 0) {
    // Nothing read is not "no findings": exit 2 rather than a clean report a gate would pass.
    throw new InputError('nothing to audit', [
      'every account asked for is outside the accounts / excludeAccounts of --config',
    ]);
  }
  const run = { ...resolved, targets: resolved.targets.filter((t) => governed.includes(t.accountId)) };
  const accounts = new Set(run.targets.map((t) => t.accountId));
  if (options.vpc && options.vpc.length > 0 && accounts.size > 1) {
    throw new InputError('invalid options', [
      '--vpc: VPC ids belong to one account; give one account with --accounts',
    ]);
  }
  const progress = targetProgress(io, run.targets.length, 'audited');
  const now = io.now();
  let result: Awaited<ReturnType<typeof auditTargets>>;
  try {
    result = await auditTargets(
      run.targets,
      {
        ...(options.vpc && options.vpc.length > 0 ? { vpcIds: options.vpc } : {}),
        remediate: false,
        multiAccount: true,
      },
      {
        config,
        ec2For: (t) => run.clients.ec2(t.accountId, t.region),
        now,
        concurrency: 8,
        onTargetDone: progress.onTargetDone,
      },
    );
  } finally {
    progress.stop();
  }
  return reportAccountsRun(io, options, result, {
    excluded,
    homeAccountId: run.homeAccountId,
    region: run.regions[0] ?? '',
    targets: run.targets.length,
    now,
    category: sarifCategory({
      accounts: options.organization ? 'organization' : [...accounts],
      regions: run.regions,
      ...(options.vpc && options.vpc.length > 0 ? { vpcIds: options.vpc } : {}),
    }),
  });
}

/**
 * Prints a run over several account-regions in the chosen format (the counts per account in JSON
 * and the table) and returns the exit code: 2 when an account-region could not be read, else by
 * `--fail-on`.
 */
function reportAccountsRun(
  io: CliIo,
  options: Pick<AccountsAuditOptions, 'format' | 'failOn'>,
  result: AuditRun,
  run: {
    excluded: ExcludedAccount[];
    homeAccountId: string;
    region: string;
    targets: number;
    now: Date;
    /** The SARIF run's category (`sarifCategory` of what was audited). */
    category: string;
  },
): number {
  const { now } = run;
  const { findings, summary, failures } = result;
  // As for one region: warnings on stderr (and in summary.warnings), never a change of exit code.
  for (const warning of summary.warnings ?? []) io.stderr(`warning: ${escapeErrorLine(warning)}\n`);
  const perAccount = result.accounts ?? [];
  switch (options.format) {
    case 'json':
      io.stdout(
        `${JSON.stringify(
          {
            findings,
            summary,
            accounts: perAccount,
            ...(failures.length > 0 ? { errors: failures } : {}),
            // As the audit function answers: the accounts asked for that were not read, and why.
            ...(run.excluded.length > 0 ? { excludedAccounts: run.excluded } : {}),
          },
          null,
          2,
        )}\n`,
      );
      break;
    case 'sarif': {
      const tooMany = sarifSizeWarning(findings.length);
      if (tooMany) io.stderr(`warning: ${tooMany}\n`);
      // As the table and the ASFF stderr lines: each not-judged notification names its account-region.
      io.stdout(
        formatSarif(findings, {
          notJudged: result.notJudgedText,
          warnings: summary.warnings ?? [],
          category: run.category,
        }),
      );
      break;
    }
    case 'asff':
      // Each finding under its own account's default product: what that account can import.
      io.stdout(
        `${JSON.stringify(
          toAsffPerAccount(findings, { accountId: run.homeAccountId, region: run.region, now }),
          null,
          2,
        )}\n`,
      );
      // ASFF (a bare array) has no place for what could not be judged: stderr names it, with the
      // account-region each entry carries here (a resource id alone does not say where it is).
      for (const line of notJudgedStderrLines({ notJudged: result.notJudgedText }))
        io.stderr(escapeErrorLine(line));
      break;
    case 'table':
      // Each finding names its account and region, as the not-judged lines do: a resource id
      // alone does not say where the resource is.
      io.stdout(
        `${formatTable(findings, { ...summary, notJudged: result.notJudgedText }, { location: 'account-region' })}\nPer account:\n${perAccount.flatMap((a) => wrapHanging(accountLine(a), '  ', '    ')).join('\n')}\n`,
      );
      break;
  }
  for (const failure of failures) io.stderr(`${escapeErrorLine(failureLine(failure))}\n`);
  for (const hint of connectionHints(failures.map((f) => f.code))) io.stderr(`  ${hint}\n`);
  if (failures.length > 0) {
    io.stderr(`vpc-guardrail: ${failures.length} of ${run.targets} account-region(s) could not be read\n`);
    return EXIT.usage;
  }
  if (options.failOn === 'none') return EXIT.ok;
  const threshold = options.failOn;
  return findings.some((f) => !f.suppressed && atOrAbove(f.severity, threshold)) ? EXIT.findings : EXIT.ok;
}

/** The account-region a snapshot of a multi-snapshot file names, or the issues that stop it. */
function recordedTarget(element: unknown, index: number): AuditTarget | string[] {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) {
    return [`[${index}]: expected a snapshot object (the file is an array of snapshots)`];
  }
  const { accountId, region } = element as { accountId?: unknown; region?: unknown };
  const issues: string[] = [];
  // Each snapshot of the array is judged on its own account-region, as the live audit does; the
  // pair tells them apart and names their findings (`snapshot --accounts` writes both).
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    issues.push(`[${index}].accountId: expected a 12-digit AWS account id in a file of several snapshots`);
  }
  if (typeof region !== 'string' || !REGION_NAME.test(region)) {
    issues.push(`[${index}].region: expected a region name like eu-west-1 in a file of several snapshots`);
  }
  return issues.length > 0 || typeof accountId !== 'string' || typeof region !== 'string'
    ? issues
    : { accountId, region };
}

/**
 * `audit --snapshot FILE` where FILE is what `snapshot --accounts … | --organization` writes (a
 * JSON array of snapshots, each naming its account and region): each is judged as `audit
 * --accounts` judges that account-region live, and reported the same way (counts per account).
 */
export async function runRecordedAccountsAudit(
  io: CliIo,
  options: AccountsAuditOptions & { importToSecurityHub?: boolean },
  config: Config,
  elements: readonly unknown[],
): Promise<number> {
  const refused: string[] = [];
  if (options.vpc && options.vpc.length > 0) {
    refused.push('--vpc: not with a file of several snapshots (record those VPCs with snapshot --vpc)');
  }
  if (options.importToSecurityHub) {
    refused.push(
      "--import-to-security-hub: imports one account (the credentials' own); not with a file of several snapshots",
    );
  }
  if (refused.length > 0) throw new InputError('invalid options', refused);
  const invalid = `invalid snapshot ${options.snapshot ?? ''}`.trim();
  if (elements.length === 0) throw new InputError(invalid, ['(root): the array holds no snapshot']);
  const named = (e: unknown) => e !== null && typeof e === 'object' && ('accountId' in e || 'region' in e);
  if (!elements.some(named)) {
    // Most likely a bare Describe* list (`aws ec2 describe-security-groups --query …`), not what
    // `snapshot --accounts` writes.
    throw new InputError(invalid, [
      '(root): expected an object of Describe* lists, or an array of snapshots each naming its accountId and region (what snapshot --accounts writes)',
    ]);
  }
  const targets: AuditTarget[] = [];
  const issues: string[] = [];
  const seen = new Map<string, number>();
  elements.forEach((element, index) => {
    const target = recordedTarget(element, index);
    if (Array.isArray(target)) {
      issues.push(...target);
      return;
    }
    const key = `${target.accountId} ${target.region}`;
    const first = seen.get(key);
    if (first !== undefined) issues.push(`[${index}]: a second snapshot of ${key} (the first is [${first}])`);
    seen.set(key, index);
    targets.push(target);
  });
  if (issues.length > 0) throw new InputError(invalid, issues);
  const byTarget = new Map(targets.map((t, index) => [`${t.accountId} ${t.region}`, elements[index]]));
  const indexOf = new Map(targets.map((t, index) => [`${t.accountId} ${t.region}`, index]));
  // The configuration's allow-list and exclusions hold as for a live run of the same accounts. A
  // file does not say who recorded it, so no account is exempt from the allow-list as the
  // caller's own is live.
  const { accounts: governed, excluded } = governedAccounts(
    targets.map((t) => t.accountId),
    { homeAccountId: '', accounts: config.accounts, excludeAccounts: config.excludeAccounts },
  );
  for (const { reason } of excluded) io.stderr(`skipped: ${reason}\n`);
  if (governed.length === 0) {
    throw new InputError('nothing to audit', [
      'every account of the file is outside the accounts / excludeAccounts of --config',
    ]);
  }
  const kept = targets.filter((t) => governed.includes(t.accountId));
  const now = io.now();
  const result = await auditTargets(
    kept,
    { remediate: false, multiAccount: true },
    {
      config,
      recorded: (t) => byTarget.get(`${t.accountId} ${t.region}`),
      // A schema error names the file and the array element, as a parse error names the file.
      recordedName: (t) =>
        `${options.snapshot ?? ''} [${indexOf.get(`${t.accountId} ${t.region}`)}] (${t.accountId} ${t.region})`,
      now,
    },
  );
  const [first] = kept;
  return reportAccountsRun(io, options, result, {
    excluded,
    homeAccountId: first?.accountId ?? '',
    region: first?.region ?? '',
    targets: kept.length,
    now,
    category: sarifCategory({
      accounts: kept.map((t) => t.accountId),
      regions: kept.map((t) => t.region),
    }),
  });
}
