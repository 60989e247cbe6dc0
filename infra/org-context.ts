import { ACCOUNT_ID, REGION_NAME } from '../shared/aws/ids';
import { ROLE_NAME } from '../shared/org/settings';
import type { ContextReader } from './context';
import type { OrganizationProps } from './organization';

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** An OU id, or the organization's root (a StackSet may target the whole organization). */
const OU_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const ACCOUNT = { pattern: ACCOUNT_ID, expected: '12-digit account ids' };

/** What organization mode reads from CDK context, with the accounts that go into the configuration. */
export interface OrganizationContext {
  organization: OrganizationProps;
  /** Context `accounts` / `excludeAccounts`: configuration keys of the same names. */
  accounts: string[];
  excludeAccounts: string[];
}

/** The organization keys: without `organizationId`, any of the others is a mistake. */
const ORGANIZATION_KEYS = ['targetOus', 'regions', 'memberRoleName', 'accounts', 'excludeAccounts'] as const;

/**
 * Reads the organization context of DESIGN §15 through the app's context reader: `organizationId`
 * (its presence turns organization mode on), `targetOus`, `regions`, `memberRoleName` (default
 * `VpcGuardrailMember`), `accounts`, `excludeAccounts`. Lists are comma-separated or JSON arrays.
 * Undefined without `organizationId`. Problems are recorded on the reader (its `done()` throws).
 */
export function organizationFromContext(context: ContextReader): OrganizationContext | undefined {
  const organizationId = context.string('organizationId', {
    pattern: ORGANIZATION_ID,
    expected: 'an organization id like o-a1b2c3d4e5',
  });
  if (context.raw('organizationId') === undefined) {
    for (const key of ORGANIZATION_KEYS) {
      if (context.raw(key) !== undefined) context.fail(key, 'needs organizationId (organization mode)');
    }
    return undefined;
  }
  const targetOus = context.list('targetOus', {
    pattern: OU_ID,
    expected: 'OU ids like ou-ab12-cd34ef56 (or a root id like r-ab12)',
  });
  if (context.raw('targetOus') === undefined)
    context.fail('targetOus', 'is required (the OUs the member template goes to)');
  const regions = context.list('regions', { pattern: REGION_NAME, expected: 'region names like eu-west-1' });
  if (context.raw('regions') === undefined)
    context.fail('regions', 'is required (the regions the member template goes to)');
  const memberRoleName =
    context.string('memberRoleName', { pattern: ROLE_NAME, expected: 'an IAM role name' }) ??
    'VpcGuardrailMember';
  const accounts = context.list('accounts', ACCOUNT) ?? [];
  const excludeAccounts = context.list('excludeAccounts', ACCOUNT) ?? [];
  if (!organizationId || !targetOus || !regions) return undefined;
  return {
    organization: {
      organizationId,
      targetOus: [...new Set(targetOus)],
      regions: [...new Set(regions)],
      memberRoleName,
    },
    accounts: [...new Set(accounts)],
    excludeAccounts: [...new Set(excludeAccounts)],
  };
}
