import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { allPages } from '../aws/ec2/pages';
import { AccountListError, errorText } from '../aws/errors';
import { accountNotGoverned, type OrgScope } from '../org/triage';
import type { ExcludedAccount } from './types';

/**
 * The ACTIVE accounts of the organization (`organizations:ListAccounts`, every page; it answers in
 * the management account or a delegated administrator). Suspended and closing accounts are skipped.
 */
export async function organizationAccounts(org: OrganizationsClient): Promise<string[]> {
  let active: string[];
  try {
    const accounts = await allPages(async (NextToken) => {
      const out = await org.send(new ListAccountsCommand({ NextToken }));
      return { items: out.Accounts ?? [], nextToken: out.NextToken };
    });
    // `State` replaces the deprecated `Status`; either says ACTIVE for a live account.
    active = accounts
      .filter((a) => (a.State ?? a.Status) === 'ACTIVE')
      .flatMap((a) => (a.Id ? [a.Id] : []))
      .sort();
  } catch (error) {
    throw new AccountListError(`cannot list the organization's accounts: ${errorText(error)}`, {
      cause: error,
    });
  }
  // An organization always lists its management account: none ACTIVE means the answer is not an
  // organization's (an emulator without one answers so), and an audit of no account would report
  // a clean organization.
  if (active.length === 0) {
    throw new AccountListError('organizations:ListAccounts listed no ACTIVE account: nothing to audit');
  }
  return active;
}

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
