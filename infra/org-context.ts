import { ACCOUNT_ID, REGION_NAME } from '../shared/aws/ids';
import { ROLE_NAME } from '../shared/org/settings';
import type { OrganizationProps } from './organization';

/** Invalid organization context: each issue names the key (`-c key=value`). */
export class ContextError extends Error {
  override readonly name = 'ContextError';
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`invalid CDK context:\n  ${issues.join('\n  ')}`);
    this.issues = issues;
  }
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** An OU id, or the organization's root (a StackSet may target the whole organization). */
const OU_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/** What organization mode reads from CDK context, with the accounts that go into the configuration. */
export interface OrganizationContext {
  organization: OrganizationProps;
  /** Context `accounts` / `excludeAccounts`: configuration keys of the same names. */
  accounts: string[];
  excludeAccounts: string[];
}

/**
 * Reads and validates the organization context of DESIGN §15: `organizationId` (its presence turns
 * organization mode on), `targetOus`, `regions`, `memberRoleName` (default `VpcGuardrailMember`),
 * `accounts`, `excludeAccounts`. Lists are comma-separated strings or JSON arrays. Undefined
 * without `organizationId`; a bad value is a `ContextError` naming every bad key.
 */
export function organizationFromContext(get: (key: string) => unknown): OrganizationContext | undefined {
  const issues: string[] = [];
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      issues.push(`${key}: expected a string`);
      return undefined;
    }
    return value.trim();
  };
  const list = (key: string, pattern: RegExp, what: string): string[] => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return [];
    const items = Array.isArray(value)
      ? value.map(String)
      : typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : undefined;
    if (!items) {
      issues.push(`${key}: expected a comma-separated list`);
      return [];
    }
    for (const item of items)
      if (!pattern.test(item)) issues.push(`${key}: ${JSON.stringify(item)} is not ${what}`);
    return [...new Set(items)];
  };

  const organizationId = text('organizationId');
  const keys = ['targetOus', 'regions', 'memberRoleName', 'accounts', 'excludeAccounts'];
  if (!organizationId) {
    const stray = keys.filter((key) => get(key) !== undefined);
    if (stray.length > 0) {
      throw new ContextError(stray.map((key) => `${key}: needs organizationId (organization mode)`));
    }
    return undefined;
  }
  if (!ORGANIZATION_ID.test(organizationId)) {
    issues.push(
      `organizationId: ${JSON.stringify(organizationId)} is not an organization id like o-a1b2c3d4e5`,
    );
  }
  const targetOus = list('targetOus', OU_ID, 'an OU id like ou-ab12-cd34ef56 or a root id like r-ab12');
  if (targetOus.length === 0) issues.push('targetOus: is required (the OUs the member template goes to)');
  const regions = list('regions', REGION_NAME, 'a region name like eu-west-1');
  if (regions.length === 0) issues.push('regions: is required (the regions the member template goes to)');
  const memberRoleName = text('memberRoleName') ?? 'VpcGuardrailMember';
  if (!ROLE_NAME.test(memberRoleName)) {
    issues.push(`memberRoleName: ${JSON.stringify(memberRoleName)} is not an IAM role name`);
  }
  const accounts = list('accounts', ACCOUNT_ID, 'a 12-digit account id');
  const excludeAccounts = list('excludeAccounts', ACCOUNT_ID, 'a 12-digit account id');
  if (issues.length > 0) throw new ContextError(issues);
  return { organization: { organizationId, targetOus, regions, memberRoleName }, accounts, excludeAccounts };
}
