import { loadRegionSnapshot, type RegionSnapshot } from '../../shared/aws/ec2/region';
import {
  AssumeRoleDeniedError,
  errorCode,
  errorText,
  isRetryable,
  RegionLoadError,
} from '../../shared/aws/errors';
import { mapLimit } from '../../shared/aws/map-limit';
import { InputError } from '../../shared/errors';
import { connectionHints } from '../credential-hint';
import { type CliIo, EXIT } from '../io';
import { escapeErrorLine } from '../terminal-text';
import { type AccountOptions, resolveAccounts, targetProgress } from './accounts';

/**
 * `snapshot --accounts … | --organization --regions …`: one snapshot per account-region, as a JSON
 * array on stdout (each names its account and region). An account-region that cannot be read is
 * named on stderr and the exit code is 2; the others are still written.
 */
export async function writeAccountSnapshots(
  io: CliIo,
  options: AccountOptions & { vpc?: string[] },
): Promise<number> {
  const run = await resolveAccounts(options, io.now());
  if (options.vpc && options.vpc.length > 0 && new Set(run.targets.map((t) => t.accountId)).size > 1) {
    throw new InputError('invalid options', [
      '--vpc: VPC ids belong to one account; give one account with --accounts',
    ]);
  }
  const progress = targetProgress(io, run.targets.length, 'read');
  const failures: string[] = [];
  const codes: string[] = [];
  let done = 0;
  let snapshots: (RegionSnapshot | undefined)[];
  try {
    snapshots = await mapLimit(run.targets, 8, async (target) => {
      let snapshot: RegionSnapshot | undefined;
      try {
        snapshot = await loadRegionSnapshot(await run.clients.ec2(target.accountId, target.region), {
          region: target.region,
          accountId: target.accountId,
          ...(options.vpc && options.vpc.length > 0 ? { vpcIds: options.vpc } : {}),
        });
      } catch (error) {
        // As the audit: a load or AssumeRole failure (denied, or still throttled after the SDK's
        // retries) is named and the other account-regions are written; anything else is a bug.
        codes.push(error instanceof RegionLoadError ? error.code : errorCode(error));
        if (error instanceof RegionLoadError || error instanceof AssumeRoleDeniedError) {
          failures.push(`not read: ${target.accountId} ${target.region}: ${error.message}`);
        } else if (isRetryable(error)) {
          failures.push(
            `not read: ${target.accountId} ${target.region}: cannot assume the member role (after retries): ${errorText(error)}`,
          );
        } else throw error;
      }
      done++;
      progress.onTargetDone(done, run.targets.length, target, snapshot === undefined);
      return snapshot;
    });
  } finally {
    progress.stop();
  }
  io.stdout(
    `${JSON.stringify(
      snapshots.filter((s) => s !== undefined),
      null,
      2,
    )}\n`,
  );
  for (const line of failures) io.stderr(`${escapeErrorLine(line)}\n`);
  for (const hint of connectionHints(codes)) io.stderr(`  ${hint}\n`);
  return failures.length > 0 ? EXIT.usage : EXIT.ok;
}
