import { ACCOUNT_ID, REGION_NAME } from '../shared/aws/ids';
import { ROLE_NAME } from '../shared/org/settings';
import { ContextError, type ContextReader } from './context';
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

/**
 * The configuration the organization stacks get: `-c config` with `-c accounts` / `-c
 * excludeAccounts` as its keys of the same names. Both places naming a list, with different
 * accounts, is an error naming the key (one would silently win); an allow-list whose every account
 * is excluded too is an error (the StackSet would deploy the member template nowhere).
 */
export function organizationConfig(base: unknown, context: OrganizationContext): Record<string, unknown> {
  const config: Record<string, unknown> =
    base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
  const issues: string[] = [];
  for (const key of ['accounts', 'excludeAccounts'] as const) {
    const fromContext = context[key];
    if (fromContext.length === 0) continue;
    const inConfig = config[key];
    if (Array.isArray(inConfig) && !sameSet(inConfig, fromContext)) {
      issues.push(
        `${key}: -c ${key} and the ${key} of -c config name different accounts; give the list once`,
      );
    }
    config[key] = fromContext;
  }
  const accounts = Array.isArray(config.accounts) ? config.accounts : [];
  const excluded = new Set(Array.isArray(config.excludeAccounts) ? config.excludeAccounts : []);
  if (accounts.length > 0 && accounts.every((a) => excluded.has(a))) {
    issues.push(
      'accounts: every account it names is in excludeAccounts too: the member template would go nowhere',
    );
  }
  if (issues.length > 0) throw new ContextError('invalid CDK context', issues);
  return config;
}

function sameSet(a: readonly unknown[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((x) => left.has(x));
}
