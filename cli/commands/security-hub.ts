import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { stsClient } from '../../shared/aws/clients';
import { syncFindings } from '../../shared/aws/security-hub';
import { InputError } from '../../shared/errors';
import type { Finding } from '../../shared/findings';
import { securityHubPlan } from '../../shared/integrations/security-hub';
import { defaultProductArn } from '../../shared/report/asff';
import { credentialHints } from '../credential-hint';
import type { CliIo } from '../io';
import { escapeErrorLine } from '../terminal-text';

/** Failures listed one per line; the rest are counted. */
const SHOWN_FAILURES = 20;

/**
 * Refuses `--import-to-security-hub` of a snapshot file whose account is not the local
 * credentials' (STS GetCallerIdentity in the snapshot's region): Security Hub takes findings under
 * a default product only from the account they belong to, so it would reject every one of them, one
 * by one. When STS does not answer, the import goes ahead and Security Hub's answer is listed.
 */
export async function refuseOtherCallerAccount(target: { accountId: string; region: string }): Promise<void> {
  let caller: string | undefined;
  try {
    caller = (await stsClient(target.region).send(new GetCallerIdentityCommand({})))?.Account || undefined;
  } catch {
    return;
  }
  if (caller === undefined || caller === target.accountId) return;
  throw new InputError(
    `--import-to-security-hub: the snapshot is of account ${target.accountId}, the local credentials are of account ${caller}`,
    [
      `Security Hub takes findings under an account's default product only from that account: run with credentials of ${target.accountId}, or without --import-to-security-hub`,
    ],
  );
}

/**
 * `audit --import-to-security-hub`: imports the findings into Security Hub in the snapshot's
 * account and region with the local credentials (the SDK's default chain), at most 100 per call,
 * then sets NEW the Workflow of those whose exemption expired (the import cannot move it; as the
 * audit function does). Says on stderr what was taken and every finding that was not; returns
 * whether all were taken.
 */
export async function importToSecurityHub(
  io: CliIo,
  findings: readonly Finding[],
  target: { accountId: string; region: string; now: Date },
  client: SecurityHubClient = new SecurityHubClient({
    region: target.region,
    retryMode: 'adaptive',
    maxAttempts: 6,
  }),
): Promise<boolean> {
  const plan = securityHubPlan({ open: findings, closed: [], asff: target });
  const { active } = plan;
  const report = await syncFindings(client, plan);
  io.stderr(
    `Security Hub: imported ${report.imported} of ${active.length} finding${active.length === 1 ? '' : 's'} into ${defaultProductArn(
      target.region,
      target.accountId,
    )}\n`,
  );
  const { reopen } = plan.workflow;
  if (reopen.length > 0) {
    io.stderr(
      `Security Hub: workflow set to NEW on ${report.workflowSet ?? 0} of ${reopen.length} finding${reopen.length === 1 ? '' : 's'} whose exemption expired\n`,
    );
  }
  for (const failure of report.failed.slice(0, SHOWN_FAILURES)) {
    io.stderr(
      `  not imported: ${escapeErrorLine(`${failure.id}: ${failure.code}${failure.message ? `: ${failure.message}` : ''}`)}\n`,
    );
  }
  if (report.failed.length > SHOWN_FAILURES) {
    io.stderr(`  … and ${report.failed.length - SHOWN_FAILURES} more not imported\n`);
  }
  // A call that failed for want of credentials fails every finding alike: what to do, said once.
  const codes = new Set(report.failed.map((f) => f.code));
  const [code] = codes;
  if (codes.size === 1 && code) for (const hint of credentialHints({ name: code })) io.stderr(`  ${hint}\n`);
  return report.failed.length === 0;
}
