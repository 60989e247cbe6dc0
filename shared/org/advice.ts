import { sanitize } from '../notify/sanitize';

/**
 * What a "could not evaluate" notice of a member account tells the reader to check (DESIGN §15):
 * a role that could not be assumed means the account is not onboarded (or its trust is broken); a
 * read refused after the role was assumed is that role's permissions or that account's service
 * control policies. Undefined outside organization mode's member accounts: the function's own role.
 */
export function memberAccountCheck(input: {
  memberRoleDenied?: true;
  readAs?: string;
  accountId?: string;
}): string | undefined {
  if (input.memberRoleDenied) {
    return 'Deploy the member template in that account (the StackSet, or the member stack where a StackSet does not reach) and check that its role trusts the central functions';
  }
  if (input.readAs === undefined) return undefined;
  const account = input.accountId ? ` in account ${sanitize(input.accountId, 64)}` : '';
  return `Check the ec2:Describe* permissions of the member role ${sanitize(input.readAs, 300)}${account} (the member template) and any service control policy there`;
}
