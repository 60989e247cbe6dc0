import { accountNotGoverned, type OrgScope } from '../org/triage';
import type { ExcludedAccount } from './types';

/** The accounts of a request that are governed (distinct, in order), and the others with the reason. */
export function governedAccounts(
  requested: readonly string[],
  scope: Pick<OrgScope, 'homeAccountId' | 'accounts' | 'excludeAccounts'>,
): { accounts: string[]; excluded: ExcludedAccount[] } {
  const accounts: string[] = [];
  const excluded: ExcludedAccount[] = [];
  for (const accountId of new Set(requested)) {
    const reason = accountNotGoverned(accountId, scope);
    if (reason) excluded.push({ accountId, reason });
    else accounts.push(accountId);
  }
  return { accounts, excluded };
}
