import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { AuditTarget } from '../../shared/audit/types';
import { organizationsClient, stsClient } from '../../shared/aws/clients';
import { AccountListError, errorText } from '../../shared/aws/errors';
import { ACCOUNT_ID, REGION_NAME, VPC_ID } from '../../shared/aws/ids';
import { type AccountClients, accountClients, organizationAccounts } from '../../shared/aws/member-accounts';
import { InputError } from '../../shared/errors';
import { ROLE_NAME } from '../../shared/org/settings';
import { credentialHints } from '../credential-hint';
import { type CliIo, processIo } from '../io';
import { commaList, optionValue } from '../option-value';

// Organization mode on the command line (DESIGN §15): `--accounts …` or `--organization`, with
// `--role-name` and `--regions`, read with local credentials. The caller's own account is read
// directly; the others through the member role.

/** The account options `audit` and `snapshot` share. */
export interface AccountOptions {
  accounts?: string;
  organization?: boolean;
  roleName?: string;
  regions?: string;
  region?: string;
  /** `--vpc`: with account options, VPCs of one account in one region. */
  vpc?: string[];
}

/** True when the options ask for more than the caller's own account. */
export function wantsAccounts(options: AccountOptions): boolean {
  return options.accounts !== undefined || options.organization === true;
}

/**
 * Without `--accounts`/`--organization`, `--regions` and `--role-name` would be ignored (one
 * region of the credentials' own account is `--region`): a usage error, so a multi-region run is
 * never silently narrowed to one region or to a file, nor a member account's audit to one's own.
 */
export function refuseLoneRegions(options: AccountOptions): void {
  if (wantsAccounts(options)) return;
  const issues: string[] = [];
  if (options.regions !== undefined) {
    issues.push(
      "--regions goes with --accounts or --organization (several regions of the credentials' own account: --accounts <its id> --regions …; one region: --region R)",
    );
  }
  if (options.roleName !== undefined) {
    issues.push(
      '--role-name goes with --accounts or --organization (the role assumed in the other accounts)',
    );
  }
  if (issues.length > 0) throw new InputError('invalid options', issues);
}

/** Adds `--accounts`, `--organization`, `--role-name` and `--regions` to a command. */
export function addAccountOptions(command: Command): Command {
  return (
    command
      .option(
        '--accounts <ids>',
        'these accounts (comma-separated), the others through --role-name',
        optionValue,
      )
      .option('--organization', 'every ACTIVE account of the organization (organizations:ListAccounts)')
      // No commander default: an explicit --role-name without account options is refused (above);
      // checkAccountOptions applies the default.
      .option(
        '--role-name <name>',
        'the member role assumed in the other accounts (default: VpcGuardrailMember)',
        optionValue,
      )
      .option(
        '--regions <names>',
        'with --accounts or --organization: these regions (comma-separated)',
        optionValue,
      )
  );
}

const list = (text: string | undefined): string[] => [...new Set(commaList(text ?? ''))];

/** The validated account options: accounts asked for (undefined with --organization), regions, role. */
export function checkAccountOptions(options: AccountOptions): {
  accounts?: string[];
  regions: string[];
  roleName: string;
} {
  const issues: string[] = [];
  if (options.accounts !== undefined && options.organization) {
    issues.push('give either --accounts or --organization, not both');
  }
  const accounts = options.accounts !== undefined ? list(options.accounts) : undefined;
  if (accounts && accounts.length === 0) issues.push('--accounts: give at least one account id');
  for (const id of accounts ?? []) {
    if (!ACCOUNT_ID.test(id)) issues.push(`--accounts: not a 12-digit account id (${JSON.stringify(id)})`);
  }
  // `--region R` stands for `--regions R` here; both at once would silently drop one of them.
  if (options.regions !== undefined && options.region !== undefined) {
    issues.push('give either --region or --regions, not both (--regions eu-west-1,us-east-1 lists several)');
  }
  const regions =
    options.regions !== undefined ? list(options.regions) : options.region ? [options.region] : [];
  if (regions.length === 0)
    issues.push(
      '--regions: is required with --accounts or --organization (e.g. --regions eu-west-1,us-east-1)',
    );
  for (const region of regions) {
    if (!REGION_NAME.test(region)) issues.push(`--regions: not a region name (${JSON.stringify(region)})`);
  }
  // As the audit function's payload: a VPC id belongs to one region, and is checked before any
  // call (else each other region failed with "not a VPC of region …" and the run exited 2).
  const vpcIds = options.vpc ?? [];
  for (const id of vpcIds) {
    if (!VPC_ID.test(id)) issues.push(`--vpc: not a VPC id (${JSON.stringify(id)})`);
  }
  if (vpcIds.length > 0 && regions.length > 1) {
    issues.push('--vpc: VPC ids belong to one region; give one region with --regions');
  }
  const roleName = options.roleName ?? 'VpcGuardrailMember';
  if (!ROLE_NAME.test(roleName))
    issues.push(`--role-name: not an IAM role name (${JSON.stringify(roleName)})`);
  if (issues.length > 0) throw new InputError('invalid options', issues);
  return { ...(accounts ? { accounts } : {}), regions, roleName };
}

/** What a multi-account command reads: the account-regions, and the clients to read them with. */
export interface AccountRun {
  targets: AuditTarget[];
  regions: string[];
  homeAccountId: string;
  clients: AccountClients;
}

/**
 * The session name of one CLI run (`vpc-guardrail-cli-20261125T120000Z`): the member accounts'
 * CloudTrail ties every call of the run to it, as the functions' request ids do (DESIGN §15).
 */
export function cliSessionName(now: Date): string {
  return `cli-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
}

/**
 * Resolves the account options with local credentials: who the caller is (STS), which accounts
 * (the list, or the organization's ACTIVE ones), and EC2 clients per account and region.
 */
export async function resolveAccounts(options: AccountOptions, now = new Date()): Promise<AccountRun> {
  const { accounts, regions, roleName } = checkAccountOptions(options);
  const home = regions[0] ?? 'us-east-1';
  const sts = stsClient(home);
  let homeAccountId: string;
  try {
    homeAccountId = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  } catch (error) {
    const issues = [errorText(error), ...credentialHints(error)];
    throw new InputError('cannot tell which account the local credentials belong to', issues, {
      cause: error,
    });
  }
  let ids: string[];
  try {
    ids = accounts ?? (await organizationAccounts(organizationsClient(home)));
  } catch (error) {
    if (error instanceof AccountListError)
      throw new InputError('--organization', [error.message], { cause: error });
    throw error;
  }
  return {
    targets: ids.flatMap((accountId) => regions.map((region) => ({ accountId, region }))),
    regions,
    homeAccountId,
    clients: withSessionName(
      accountClients({ homeAccountId, memberRoleName: roleName, sts, purpose: 'region' }),
      cliSessionName(now),
    ),
  };
}

/** Clients whose assumed sessions carry the run's name unless a caller names its own. */
function withSessionName(clients: AccountClients, sessionName: string): AccountClients {
  return { ec2: (accountId, region, name) => clients.ec2(accountId, region, name ?? sessionName) };
}

/**
 * Progress of account-regions on stderr: a cli-progress bar (done/total, elapsed, estimate) on a
 * terminal; elsewhere (logs, CI, tests) one plain line per account-region as it ends.
 */
export function targetProgress(
  io: CliIo,
  total: number,
  verb: string,
  terminal: NodeJS.WritableStream | undefined = io === processIo && process.stderr.isTTY
    ? process.stderr
    : undefined,
) {
  const bar = terminal
    ? new SingleBar({
        stream: terminal,
        format: `${verb} [{bar}] {value}/{total} account-regions | {duration_formatted} elapsed | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
      })
    : undefined;
  bar?.start(total, 0);
  return {
    onTargetDone(done: number, _total: number, target: AuditTarget, failed: boolean): void {
      if (bar) bar.update(done);
      else io.stderr(`${failed ? 'failed' : verb} ${target.accountId} ${target.region} (${done}/${total})\n`);
    },
    stop(): void {
      bar?.stop();
    },
  };
}
