import type { AccountClients } from '../aws/member-accounts';
import type { TriagedBatch } from '../events/batch';

/**
 * The accounts whose calls triage took for the member role's own (`own-role`) but where the
 * guardrail cannot assume that role (DESIGN §15): IAM role names are unique in an account, so
 * where the member template is deployed nobody else has a role of that name — but in an account
 * not onboarded yet, anyone may create one, and its calls would be ignored unseen (a silent false
 * negative, where any other caller's change there gives a "could not evaluate" notice). Asked with
 * the AssumeRole the guardrail makes anyway (credentials cached per account: none for its own
 * remediation's events, whose account it just acted in). A refused AssumeRole, or one that could
 * not be made (throttled: the group then meets it again and is retried), leaves the call
 * unconfirmed: judged as anyone's.
 */
export async function unconfirmedMemberRoles(
  triaged: TriagedBatch,
  clients: AccountClients,
  sessionName: string | undefined,
): Promise<Set<string>> {
  const where = new Map<string, string>();
  for (const m of triaged.messages) {
    if (m.outcome !== 'ignored' || m.ignored.code !== 'own-role') continue;
    const accountId = m.event?.accountId;
    const region = m.event?.region;
    if (accountId !== undefined && region !== undefined && !where.has(accountId))
      where.set(accountId, region);
  }
  const notOurs = new Set<string>();
  await Promise.all(
    [...where].map(async ([accountId, region]) => {
      try {
        await clients.ec2(accountId, region, sessionName);
      } catch {
        notOurs.add(accountId);
      }
    }),
  );
  return notOurs;
}
