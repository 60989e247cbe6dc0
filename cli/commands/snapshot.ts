import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Command } from 'commander';
import { regionEc2Client, stsClient } from '../../shared/aws/clients';
import {
  type LoadProgress,
  loadRegionSnapshot,
  type RegionSnapshot,
  SNAPSHOT_LISTS,
  type SnapshotList,
} from '../../shared/aws/ec2/region';
import { RegionLoadError } from '../../shared/aws/errors';
import { REGION_NAME, VPC_ID } from '../../shared/aws/ids';
import { InputError } from '../../shared/errors';
import { credentialHints } from '../credential-hint';
import { SNAPSHOT_HELP_FOOTER } from '../help';
import { type CliIo, EXIT, processIo } from '../io';
import { idValues, optionValue } from '../option-value';
import { type AccountOptions, addAccountOptions, refuseLoneRegions, wantsAccounts } from './accounts';
import { type ExclusionWords, ownerAccounts, refuseExcluded } from './owners';
import { writeAccountSnapshots } from './snapshot-accounts';

export interface LiveOptions extends AccountOptions {
  region?: string;
  vpc?: string[];
}

/** Each list's label, singular and plural ("1 VPC", "2 VPCs"). */
const LABELS: Record<SnapshotList, readonly [string, string]> = {
  Vpcs: ['VPC', 'VPCs'],
  Subnets: ['subnet', 'subnets'],
  SecurityGroups: ['security group', 'security groups'],
  SecurityGroupRules: ['group rule', 'group rules'],
  NetworkAcls: ['network ACL', 'network ACLs'],
  RouteTables: ['route table', 'route tables'],
  InternetGateways: ['internet gateway', 'internet gateways'],
  NatGateways: ['NAT gateway', 'NAT gateways'],
  VpcEndpoints: ['VPC endpoint', 'VPC endpoints'],
  NetworkInterfaces: ['network interface', 'network interfaces'],
  ManagedPrefixLists: ['prefix-list entry', 'prefix-list entries'],
};

/** `1 VPC`, `0 subnets`, `2 security groups`. */
function counted(count: number, list: SnapshotList): string {
  return `${count} ${LABELS[list][count === 1 ? 0 : 1]}`;
}

/** The lists a progress line shows (the big ones a person waits for). */
const SHOWN: readonly SnapshotList[] = [
  'Vpcs',
  'SecurityGroups',
  'SecurityGroupRules',
  'NetworkAcls',
  'NetworkInterfaces',
];

/**
 * Progress on stderr. On a terminal, one line rewritten as pages arrive (at most every 100 ms);
 * elsewhere (logs, CI, tests) a single line per region when it is loaded.
 */
export function progressReporter(io: CliIo, interactive: boolean) {
  const counts = new Map<SnapshotList, number>();
  let last = 0;
  const line = (region: string) =>
    `${region}: ${SHOWN.map((list) => counted(counts.get(list) ?? 0, list)).join(', ')}`;
  return {
    onProgress(progress: LoadProgress): void {
      counts.set(progress.list, progress.items);
      if (!interactive) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      io.stderr(`\r\x1b[Kloading ${line(progress.region)}`);
    },
    done(snapshot: RegionSnapshot): void {
      const summary = SNAPSHOT_LISTS.filter((list) => list !== 'ManagedPrefixLists')
        .map((list) => counted(snapshot[list].length, list))
        .join(', ');
      io.stderr(`${interactive ? '\r\x1b[K' : ''}loaded ${snapshot.region}: ${summary}\n`);
    },
    fail(): void {
      if (interactive) io.stderr('\r\x1b[K');
    },
  };
}

/** Validates `--region` / `--vpc` before any call is made. */
export function checkLiveOptions(options: LiveOptions): { region: string; vpcIds: string[] } {
  const issues: string[] = [];
  if (!options.region) issues.push('--region: is required (e.g. --region eu-west-1)');
  else if (!REGION_NAME.test(options.region))
    issues.push(`--region: not a region name (${JSON.stringify(options.region)})`);
  for (const id of options.vpc ?? []) {
    if (!VPC_ID.test(id)) issues.push(`--vpc: not a VPC id (${JSON.stringify(id)})`);
  }
  if (issues.length > 0 || !options.region) throw new InputError('invalid options', issues);
  return { region: options.region, vpcIds: options.vpc ?? [] };
}

/**
 * Loads a region (or some VPCs) with the local credentials (the SDK's default chain: AWS_PROFILE,
 * SSO, environment, …), showing progress on stderr. `excludeAccounts` (of `--config`): an account
 * the configuration never governs is not read (DESIGN §15: the own account is governed "unless
 * excludeAccounts" lists it, as in the audit function) — an input error naming the exclusion.
 */
export async function loadLiveSnapshot(
  io: CliIo,
  options: LiveOptions,
  excludeAccounts: readonly string[] = [],
): Promise<RegionSnapshot> {
  const { region, vpcIds } = checkLiveOptions(options);
  const progress = progressReporter(io, io === processIo && process.stderr.isTTY === true);
  // Asked alongside the reads; it never fails the load (see callerAccount).
  const caller = callerAccount(region);
  // With exclusions the account is known before anything is read (STS answers in one call); a
  // region is not read, possibly for minutes, only to be refused.
  const known = excludeAccounts.length > 0 ? await caller : undefined;
  if (known) refuseExcluded(io, [known], excludeAccounts, CREDENTIALS_WORDS);
  try {
    const snapshot = await loadRegionSnapshot(regionEc2Client(region), {
      region,
      ...(vpcIds.length > 0 ? { vpcIds } : {}),
      onProgress: progress.onProgress,
    });
    progress.done(snapshot);
    const accountId = await caller;
    if (!accountId) {
      // STS did not answer: the account is the one owner of everything read, as for a file
      // without accountId. The loader's first VPC's OwnerId is not: in a shared VPC it is the
      // owner's, and a participant's findings (and its exclusion) would be the owner's.
      const owners = ownerAccounts(snapshot);
      refuseExcluded(io, owners, excludeAccounts, OWNERS_WORDS);
      const { accountId: _first, ...rest } = snapshot;
      return owners.length === 1 ? { ...snapshot, accountId: owners[0] } : rest;
    }
    const labelled: RegionSnapshot = { accountId, ...snapshot };
    labelled.accountId = accountId;
    return labelled;
  } catch (error) {
    progress.fail();
    // An AWS failure (credentials, permissions, throttling) is the user's to fix: say which call.
    if (error instanceof RegionLoadError) {
      throw new InputError(`cannot load ${region}`, [error.message, ...credentialHints(error.cause)], {
        cause: error,
      });
    }
    throw error;
  }
}

/** How the refusal names the account STS answered with. */
const CREDENTIALS_WORDS: ExclusionWords = {
  one: "(the local credentials')",
  all: "(the local credentials')",
  verb: 'read',
  unknown: 'the account of the local credentials is not known',
  several: () => '',
};

/** How it names the account of the resources read, when STS did not answer. */
const OWNERS_WORDS: ExclusionWords = {
  one: "(the local credentials')",
  all: '(every one owning the resources read)',
  verb: 'read',
  unknown:
    'the account of the local credentials is not known (STS GetCallerIdentity did not answer, no VPC names its owner)',
  several: (owners, excluded) =>
    `the account of the local credentials is not known (STS GetCallerIdentity did not answer, and the resources read belong to several accounts: ${owners.join(', ')}; a shared VPC is its owner's): excludeAccounts of --config (${excluded.join(', ')}) could not be applied`,
};

/**
 * The account of the local credentials (STS GetCallerIdentity), which is the account a live
 * region's snapshot describes. The loader's fallback, the first VPC's OwnerId, is wrong where VPCs
 * are shared through AWS RAM: a participant account sees the owner's VPC, with the owner's id, and
 * a workload account of a landing zone often has no VPC of its own; its findings, ASFF records and
 * Security Hub import went to the network account. A region without VPCs had no account at all,
 * and `--format asff` failed there for want of one. Undefined when STS does not answer: then the
 * one OwnerId of everything read, else none (what needs an account and has none says so).
 */
async function callerAccount(region: string): Promise<string | undefined> {
  try {
    const answer = await stsClient(region).send(new GetCallerIdentityCommand({}));
    return answer?.Account || undefined;
  } catch {
    return undefined;
  }
}

/** Registers `vpc-guardrail snapshot --region R [--vpc ID ...]`: the snapshot JSON on stdout. */
export function registerSnapshot(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('snapshot')
    .description('record a snapshot of a region (or some VPCs) with local credentials; JSON on stdout')
    // DESIGN §11's usage line (README "The vpc-guardrail command"), then the organization form.
    .usage(
      '--region R [--vpc ID ...] > FILE\n' +
        '       vpc-guardrail snapshot (--accounts IDS | --organization) --regions R,...\n' +
        '                              [--role-name NAME] > FILE',
    )
    .option('--region <region>', 'AWS region to read (local credentials: AWS_PROFILE, SSO, …)', optionValue)
    .option('--vpc <id...>', 'only these VPCs (repeatable, or comma-separated)', idValues);
  addAccountOptions(command)
    .addHelpText('after', SNAPSHOT_HELP_FOOTER)
    .action(async (options: LiveOptions) => {
      if (wantsAccounts(options)) {
        setExit(await writeAccountSnapshots(io, options));
        return;
      }
      refuseLoneRegions(options);
      if (!options.region) {
        throw new InputError('invalid options', [
          "required option '--region <region>' not specified (or give --accounts or --organization with --regions)",
        ]);
      }
      const snapshot = await loadLiveSnapshot(io, options);
      io.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
      setExit(EXIT.ok);
    });
}
