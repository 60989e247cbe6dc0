import type { Config } from '../config';
import { ConfigError } from '../errors';
import type { OrgScope } from './triage';

/** An IAM role name (what `memberRoleName` and `--role-name` accept). */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The member role name from `VPC_GUARDRAIL_MEMBER_ROLE_NAME` (organization mode is on when it is
 * set), validated at cold start; undefined when unset.
 */
export function memberRoleNameFromEnv(env: { VPC_GUARDRAIL_MEMBER_ROLE_NAME?: string }): string | undefined {
  const name = env.VPC_GUARDRAIL_MEMBER_ROLE_NAME?.trim();
  if (!name) return undefined;
  if (!ROLE_NAME.test(name)) {
    throw new ConfigError('invalid environment', [
      `VPC_GUARDRAIL_MEMBER_ROLE_NAME: not an IAM role name (${JSON.stringify(name)})`,
    ]);
  }
  return name;
}

/** Organization scope of the central functions: their account, the member role, the allow-list. */
export function orgScope(config: Config, homeAccountId: string, memberRoleName: string): OrgScope {
  return {
    homeAccountId,
    memberRoleName,
    accounts: config.accounts,
    excludeAccounts: config.excludeAccounts,
  };
}
