import { governedAccounts } from '../../shared/audit/accounts';
import { accountLine } from '../../shared/audit/audit-notice';
import { auditTargets } from '../../shared/audit/run-targets';
import type { RegionFailure } from '../../shared/audit/types';
import type { Config } from '../../shared/config';
import { InputError } from '../../shared/errors';
import { atOrAbove, type Severity } from '../../shared/findings';
import { toAsffPerAccount } from '../../shared/integrations/security-hub';
import { notJudgedStderrLines } from '../../shared/report/format';
import { formatSarif } from '../../shared/report/sarif';
import { formatTable } from '../../shared/report/table';
import { type CliIo, EXIT } from '../io';
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
  const { findings, summary, failures } = result;
  // As for one region: warnings on stderr (and in summary.warnings), never a change of exit code.
  for (const warning of summary.warnings ?? []) io.stderr(`warning: ${warning}\n`);
  const perAccount = result.accounts ?? [];
  switch (options.format) {
    case 'json':
      io.stdout(
        `${JSON.stringify({ findings, summary, accounts: perAccount, ...(failures.length > 0 ? { errors: failures } : {}) }, null, 2)}\n`,
      );
      break;
    case 'sarif':
      io.stdout(formatSarif(findings, { notJudged: summary.notJudged, warnings: summary.warnings ?? [] }));
      break;
    case 'asff':
      // Each finding under its own account's default product: what that account can import.
      io.stdout(
        `${JSON.stringify(
          toAsffPerAccount(findings, { accountId: run.homeAccountId, region: run.regions[0] ?? '', now }),
          null,
          2,
        )}\n`,
      );
      // ASFF (a bare array) has no place for what could not be judged: stderr names it.
      for (const line of notJudgedStderrLines(summary)) io.stderr(line);
      break;
    case 'table':
      io.stdout(
        `${formatTable(findings, summary)}\nPer account:\n${perAccount.map((a) => `  ${accountLine(a)}`).join('\n')}\n`,
      );
      break;
  }
  for (const failure of failures) io.stderr(`${failureLine(failure)}\n`);
  if (failures.length > 0) {
    io.stderr(
      `vpc-guardrail: ${failures.length} of ${run.targets.length} account-region(s) could not be read\n`,
    );
    return EXIT.usage;
  }
  if (options.failOn === 'none') return EXIT.ok;
  const threshold = options.failOn;
  return findings.some((f) => !f.suppressed && atOrAbove(f.severity, threshold)) ? EXIT.findings : EXIT.ok;
}
