import type { EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { partitionOf } from '../report/asff';
import { type ClientCredentials, ec2Client } from './clients';
import { allPages } from './ec2/pages';
import { AccountListError, AssumeRoleDeniedError, errorCode, errorText, isRetryable } from './errors';

// Organization mode (DESIGN §15): the central functions act in a member account through the
// member role, with credentials from STS. Credentials are cached per account until shortly before
// they expire; EC2 clients per account and region (their credentials refresh through the cache).

/** Assumed-role credentials are renewed this long before they expire (the SDK's own margin is 5 min). */
const RENEW_BEFORE_MS = 10 * 60_000;
/** An assumed session lasts the role's default (1 h); the guardrail needs minutes. */
const SESSION_SECONDS = 3600;

/** Which reader a client serves: the event slice and its fixes, or a whole region (audit, CLI). */
export type ClientPurpose = 'event' | 'region';

/**
 * The port the event pipeline and the audit receive: an EC2 client for an account and a region.
 * `sessionName` names the invocation (request or event id) in the member account's CloudTrail.
 * Rejects with `AssumeRoleDeniedError` when the member role cannot be assumed.
 */
export interface AccountClients {
  ec2(accountId: string, region: string, sessionName?: string): Promise<EC2Client>;
}

export interface AccountClientsOptions {
  /** The account the code runs in: it is governed with its own credentials (no AssumeRole). */
  homeAccountId: string;
  /** Set in organization mode: the role assumed in every other account. */
  memberRoleName?: string;
  /** STS on the home region's endpoint (built by shared/aws/clients.ts). */
  sts?: STSClient;
  purpose: ClientPurpose;
  now?: () => Date;
  /** Builds a client (tests inject their own); default: shared/aws/clients.ts. */
  buildEc2?: (region: string, credentials?: ClientCredentials) => EC2Client;
}

interface Cached {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * The ARN of the member role in an account. IAM is global, but its ARNs carry the partition: the
 * one of the region the role is reached from (`aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`),
 * as an organization never spans partitions. A hard-coded `aws` would be denied in China and GovCloud.
 */
export function memberRoleArn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}

/** A session name STS accepts (`[\w+=,.@-]`, 2 to 64 characters) that names the invocation. */
export function sessionNameFor(id: string | undefined): string {
  const clean = (id ?? '').replace(/[^\w+=,.@-]/g, '-');
  return `vpc-guardrail-${clean || 'session'}`.slice(0, 64);
}

/**
 * EC2 clients per account and region. The home account uses the default provider chain; another
 * account needs organization mode (a member role name) and is reached through AssumeRole.
 */
export function accountClients(options: AccountClientsOptions): AccountClients {
  const now = options.now ?? (() => new Date());
  const build =
    options.buildEc2 ?? ((region, credentials) => ec2Client(region, options.purpose, credentials));
  const clients = new Map<string, EC2Client>();
  const credentials = new Map<string, Cached>();
  const pending = new Map<string, Promise<Cached>>();
  /** Per account, the session name of the latest invocation that asked for it (used on renewal). */
  const sessionNames = new Map<string, string>();

  const assume = async (accountId: string, roleArn: string, sts: STSClient): Promise<Cached> => {
    const RoleSessionName = sessionNames.get(accountId) ?? sessionNameFor(undefined);
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName,
          DurationSeconds: SESSION_SECONDS,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error('AssumeRole returned no credentials');
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration),
      };
    } catch (error) {
      // Throttling and server faults are retried by the caller's retry (the message stays queued);
      // anything else means the role is missing or does not trust us: not retried.
      if (isRetryable(error)) throw error;
      throw new AssumeRoleDeniedError(accountId, roleArn, errorText(error), { cause: error });
    }
  };

  /** Credentials for an account: the cached ones while they last, else a new AssumeRole (one at a time). */
  const credentialsFor = async (accountId: string, roleArn: string, sts: STSClient): Promise<Cached> => {
    const cached = credentials.get(accountId);
    if (cached && cached.expiration.getTime() - now().getTime() > RENEW_BEFORE_MS) return cached;
    let inFlight = pending.get(accountId);
    if (!inFlight) {
      inFlight = assume(accountId, roleArn, sts).finally(() => pending.delete(accountId));
      pending.set(accountId, inFlight);
    }
    const fresh = await inFlight;
    credentials.set(accountId, fresh);
    return fresh;
  };

  return {
    async ec2(accountId, region, sessionName) {
      if (sessionName) sessionNames.set(accountId, sessionNameFor(sessionName));
      const key = `${accountId}/${region}`;
      if (accountId === options.homeAccountId) {
        let client = clients.get(key);
        if (!client) {
          client = build(region);
          clients.set(key, client);
        }
        return client;
      }
      const { memberRoleName, sts } = options;
      if (!memberRoleName || !sts) {
        throw new Error(`account ${accountId} is not this account and organization mode is off`);
      }
      const roleArn = memberRoleArn(accountId, memberRoleName, region);
      // Assume now, so a denied role is known before any read (and named in the notice).
      await credentialsFor(accountId, roleArn, sts);
      let client = clients.get(key);
      if (!client) {
        client = build(region, () => credentialsFor(accountId, roleArn, sts));
        clients.set(key, client);
      }
      return client;
    },
  };
}

/** What to do about the usual ListAccounts refusals (the AWS message names no fix). */
const LIST_HINTS: Record<string, string> = {
  AccessDeniedException:
    'ListAccounts answers in the management account or a delegated administrator: run there, or register this account with aws organizations register-delegated-administrator; or name the accounts',
  AWSOrganizationsNotInUseException: 'this account is not in an organization: name the accounts instead',
};

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
    const hint = LIST_HINTS[errorCode(error)];
    throw new AccountListError(
      `cannot list the organization's accounts: ${errorText(error)}${hint ? ` (${hint})` : ''}`,
      { cause: error },
    );
  }
  // An organization always lists its management account: none ACTIVE means the answer is not an
  // organization's (an emulator without one answers so), and an audit of no account would report
  // a clean organization.
  if (active.length === 0) {
    throw new AccountListError('organizations:ListAccounts listed no ACTIVE account: nothing to audit');
  }
  return active;
}
