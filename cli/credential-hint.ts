import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorCode } from '../shared/aws/errors';
import { andList } from '../shared/words';

// What a person at a terminal does about an AWS error that is about the local credentials rather
// than the audit: the SDK's "Could not load credentials from any providers" names no fix. With
// AWS_PROFILE set, "set AWS_PROFILE" is no help: the SDK reads that profile and nothing else (no
// fallback to the environment's keys), so the hint says whether the profile exists at all.

/** The variables the SDK's default chain reads for a profile (the SDK for JavaScript's names). */
export interface CredentialEnv {
  AWS_PROFILE?: string;
  AWS_CONFIG_FILE?: string;
  AWS_SHARED_CREDENTIALS_FILE?: string;
  HOME?: string;
}

const NONE =
  'no AWS credentials found: set AWS_PROFILE (after `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
const EXPIRED = 'the AWS credentials have expired: renew them (`aws sso login`, or new session credentials)';
const REFUSED = 'AWS did not accept these credentials: check AWS_PROFILE or the access key';

type Kind = 'none' | 'expired' | 'refused';

const KINDS: Record<string, Kind> = {
  CredentialsProviderError: 'none',
  ExpiredToken: 'expired',
  ExpiredTokenException: 'expired',
  TokenRefreshRequired: 'expired',
  AuthFailure: 'refused',
  InvalidClientTokenId: 'refused',
  UnrecognizedClientException: 'refused',
  SignatureDoesNotMatch: 'refused',
};

/** The shared config and credentials files the SDK reads (its variables, else `~/.aws/…`). */
function profileFiles(env: CredentialEnv): { config: string; credentials: string } {
  const home = env.HOME || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** The section names of an INI file (`[profile dev]` → `profile dev`); none when it cannot be read. */
function sections(path: string): string[] {
  return [...iniSections(path).keys()];
}

/**
 * True when a file names the profile: `[profile NAME]` (or `[NAME]`, which `default` is) in the
 * config file, `[NAME]` in the credentials file.
 */
function profileExists(name: string, files: { config: string; credentials: string }): boolean {
  const inConfig = sections(files.config).some((s) => s === name || s.replace(/^profile\s+/, '') === name);
  return inConfig || sections(files.credentials).includes(name);
}

/** The hint for a profile that gave nothing: it does not exist, or it exists and holds no credentials. */
function profileHint(profile: string, env: CredentialEnv): string {
  const files = profileFiles(env);
  const quoted = JSON.stringify(profile);
  if (!profileExists(profile, files)) {
    return `AWS_PROFILE is ${quoted}, a profile that is in neither ${files.config} nor ${files.credentials}: name one they hold (\`aws configure list-profiles\`), or unset AWS_PROFILE to use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  return `the profile ${quoted} (AWS_PROFILE) gave no credentials: for an SSO profile run \`aws sso login --profile ${profile}\`; otherwise check its settings (\`aws configure list --profile ${profile}\`)`;
}

/**
 * The endpoint variables the SDK reads for the services the command calls, in the order it reads
 * them: `AWS_ENDPOINT_URL_<SERVICE>` (the service id upper-cased: EC2, STS, ORGANIZATIONS,
 * SECURITYHUB), then `AWS_ENDPOINT_URL` for every service without its own (@smithy/core's
 * getEndpointUrlConfig). Empty ones are unset to the SDK.
 */
export const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_ORGANIZATIONS',
  'AWS_ENDPOINT_URL_SECURITYHUB',
  'AWS_ENDPOINT_URL',
] as const;

/** The environment the hints read: the credential chain's variables and the endpoint ones. */
export type HintEnv = CredentialEnv &
  Partial<Record<(typeof ENDPOINT_VARIABLES)[number] | 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', string>>;

/** The services the command's clients call: the environment variable's suffix, the config file's key. */
const SERVICES = [
  { variable: 'AWS_ENDPOINT_URL_EC2', key: 'ec2' },
  { variable: 'AWS_ENDPOINT_URL_STS', key: 'sts' },
  { variable: 'AWS_ENDPOINT_URL_ORGANIZATIONS', key: 'organizations' },
  { variable: 'AWS_ENDPOINT_URL_SECURITYHUB', key: 'securityhub' },
] as const;

/** An INI file as sections of `key = value` lines; a nested block (`ec2 =` then indented lines) as `ec2.key`. */
function iniSections(path: string): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return result;
  }
  let section: Map<string, string> | undefined;
  let parent: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      const name = (header[1] ?? '').replace(/\s+/g, ' ');
      section = result.get(name) ?? new Map<string, string>();
      result.set(name, section);
      parent = undefined;
      continue;
    }
    const pair = /^(\s*)([^=#;\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!section || !pair) continue;
    const [, indent = '', key = '', value = ''] = pair;
    if (indent === '') {
      parent = value === '' ? key : undefined;
      section.set(key, value);
    } else if (parent) {
      section.set(`${parent}.${key}`, value);
    }
  }
  return result;
}

/**
 * The endpoints the shared config file sets for the services whose environment variables do not
 * (the SDK reads the file after them, @smithy/core's getEndpointUrlConfig): a `[services NAME]`
 * section the profile names (`ec2 =` / `  endpoint_url = …`), then the profile's own
 * `endpoint_url`. None when the profile sets `ignore_configured_endpoint_urls = true`.
 */
function configFileEndpoints(env: HintEnv): string[] {
  const uncovered = SERVICES.filter((service) => !env[service.variable]?.trim());
  if (uncovered.length === 0 || env.AWS_ENDPOINT_URL?.trim()) return [];
  const { config } = profileFiles(env);
  const ini = iniSections(config);
  const name = env.AWS_PROFILE?.trim() || 'default';
  const header = name === 'default' && ini.has('default') ? 'default' : `profile ${name}`;
  const profile = ini.get(header);
  if (!profile || profile.get('ignore_configured_endpoint_urls') === 'true') return [];
  const found: string[] = [];
  const servicesName = profile.get('services');
  const services = servicesName ? ini.get(`services ${servicesName}`) : undefined;
  for (const service of uncovered) {
    const url = services?.get(`${service.key}.endpoint_url`);
    if (url) found.push(`${service.key}'s endpoint_url in [services ${servicesName}] of ${config} (${url})`);
  }
  const url = profile.get('endpoint_url');
  if (url) found.push(`endpoint_url in [${header}] of ${config} (${url})`);
  return found;
}

/**
 * `NAME (url)` of each endpoint variable set, then the endpoints the shared config file's profile
 * sets for the other services; empty when none is, or when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
 * makes the SDK ignore them all.
 */
function configuredEndpoints(env: HintEnv): string[] {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return [];
  const variables = ENDPOINT_VARIABLES.flatMap((name) => {
    const url = env[name]?.trim();
    return url ? [`${name} (${url})`] : [];
  });
  return [...variables, ...configFileEndpoints(env)];
}

/**
 * A network error before AWS answered: the endpoint's name did not resolve (a region name that
 * reads right but does not exist, `eu-west-4`, fails this way after the SDK's retries) or the
 * endpoint could not be reached. With an endpoint variable set, the hint names it (and its value).
 */
function connectionHint(code: string, env: HintEnv): string | undefined {
  const endpoints = configuredEndpoints(env);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return endpoints.length > 0
      ? `the endpoint's host name did not resolve: check ${andList([...endpoints, 'the network (DNS)'])}`
      : "the AWS endpoint's host name did not resolve: check the region name (a region that does not exist has no endpoint) and the network (DNS, proxy)";
  }
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
    return endpoints.length > 0
      ? `the endpoint could not be reached: check ${andList([...endpoints, 'the network'])}`
      : 'the AWS endpoint could not be reached: check the network (proxy, firewall)';
  }
  return undefined;
}

/**
 * What to do about the network errors among these error codes, each hint once: over several
 * account-regions a region name that does not exist fails in every account alike (DESIGN §15 lists
 * each account-region; this says once what to check). Credential hints are left out: there, a
 * member account's error is its role's, not the local credentials'.
 */
export function connectionHints(codes: Iterable<string>, env: HintEnv = process.env): string[] {
  const hints = new Set<string>();
  for (const code of codes) {
    const hint = connectionHint(code, env);
    if (hint) hints.add(hint);
  }
  return [...hints];
}

/**
 * What to do about an error of the local set-up rather than the audit: the credentials (by the
 * error's AWS code or name), or the network before AWS answered; else nothing.
 */
export function credentialHints(error: unknown, env: HintEnv = process.env): string[] {
  const code = errorCode(error);
  const connection = connectionHint(code, env);
  if (connection) return [connection];
  const kind = KINDS[code];
  if (!kind) return [];
  const profile = env.AWS_PROFILE?.trim();
  if (!profile) return [kind === 'none' ? NONE : kind === 'expired' ? EXPIRED : REFUSED];
  const quoted = JSON.stringify(profile);
  if (kind === 'none') return [profileHint(profile, env)];
  if (kind === 'expired') {
    return [
      `the credentials of the profile ${quoted} (AWS_PROFILE) have expired: renew them (\`aws sso login --profile ${profile}\` for an SSO profile, or new session credentials)`,
    ];
  }
  return [
    `AWS did not accept the credentials of the profile ${quoted} (AWS_PROFILE): check its access key, or name another profile`,
  ];
}
