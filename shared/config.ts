import * as z from 'zod';
import { ConfigError } from './errors';
import { SEVERITIES } from './findings';
import { type Cidr4, type Cidr6, parseCidr4, parseCidr6 } from './net/cidr';
import { normalize } from './net/interval-set';
import type { PortSpec, TransportProtocol } from './net/ports';
import { BROAD_IPV4, BROAD_IPV6, publicCount4, publicCount6 } from './net/public-space';
import { formatIssues, formatPath, parseJsonText, quoted } from './validation';

/** Global modes: notify only, act, or plan without calling EC2. */
export const MODES = ['notify', 'remediate', 'dry-run'] as const;
export type Mode = (typeof MODES)[number];

/** Per-rule modes. */
export const RULE_MODES = ['off', 'notify', 'remediate'] as const;
export type RuleMode = (typeof RULE_MODES)[number];

export type { PortSpec, TransportProtocol } from './net/ports';

const PORT_SPEC = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp))?$/i;

/** Parses `22`, `22/tcp`, `3389/udp` or `8000-8100/tcp` (tcp when no protocol is given). */
export function parsePortSpec(text: string): PortSpec | undefined {
  const m = PORT_SPEC.exec(text.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535 || to < from) return undefined;
  const protocol = (m[3]?.toLowerCase() ?? 'tcp') as TransportProtocol;
  return { protocol, from, to };
}

// Any number is taken here so that 22.5 or 70000 gets the same message as a bad string.
const portSpec = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const spec = parsePortSpec(String(value));
  if (!spec) {
    // The issue formatter appends a string input itself; only a number needs showing here.
    const shown = typeof value === 'string' ? '' : ` (${value})`;
    ctx.addIssue({ code: 'custom', message: `not a port spec like "22/tcp" or "8000-8100/udp"${shown}` });
    return z.NEVER;
  }
  return spec;
});

const notAPort = { message: 'not a port number (an integer from 0 to 65535)' };
const port = z.number().int(notAPort).min(0, notAPort).max(65535, notAPort);
// Strict: a mistyped key ({ "from": 1024, "too": 65535 }) is an error, not silently dropped.
const portRange = z
  .object({ from: port, to: port })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'from must not exceed to' });

const EXEMPTION_TAG = 'vpc-guardrail:exempt';

const accountId = z.string().regex(/^\d{12}$/, { message: 'not a 12-digit AWS account id' });

// A kept source must be a real network: the whole address space would keep the port world-open.
const naclAdminSource = z.string().superRefine((value, ctx) => {
  const cidr = value.includes(':') ? parseCidr6(value) : parseCidr4(value);
  if (!cidr)
    ctx.addIssue({
      code: 'custom',
      // The shared issue formatter appends the offending value once.
      message: 'not an IPv4 or IPv6 CIDR like "10.8.0.0/16"',
    });
  else if (cidr.prefix === 0)
    ctx.addIssue({
      code: 'custom',
      message: 'a kept admin source cannot be the whole address space',
    });
  else {
    const broad = broadPublic(value.includes(':') ? { v6: [cidr as Cidr6] } : { v4: [cidr as Cidr4] });
    if (broad) ctx.addIssue({ code: 'custom', message: `admits ${broad}` });
  }
});

/**
 * How many public addresses a set of kept admin sources admits, when that is as many as
 * `nacl-broad-public-source` reports on an admin port (2^24 public IPv4, 2^96 public IPv6, DESIGN
 * §5): a NACL fix keeping such a source (`0.0.0.0/1`: half the internet) would leave the port open
 * to a finding of its own. Private ranges count for nothing (`10.0.0.0/8` is a VPN's usual range).
 */
function broadPublic(cidrs: { v4?: readonly Cidr4[]; v6?: readonly Cidr6[] }): string | undefined {
  const v4 = publicCount4(normalize((cidrs.v4 ?? []).map((c) => [c.start, c.end] as const)));
  if (v4 >= BROAD_IPV4) {
    return `${v4.toLocaleString('en-US')} public IPv4 addresses; a kept admin network must admit fewer than 2^24 (16,777,216): from that many on, nacl-broad-public-source reports the admin port`;
  }
  const v6 = publicCount6(normalize((cidrs.v6 ?? []).map((c) => [c.start, c.end] as const)));
  if (v6 >= BROAD_IPV6) {
    return 'at least 2^96 public IPv6 addresses (a /32 of 2000::/3); a kept admin network must admit fewer: from that many on, nacl-broad-public-source reports the admin port';
  }
  return undefined;
}

/** The kept admin sources together: several narrower ranges may add up to a broad one. */
const naclAdminSources = z.array(naclAdminSource).superRefine((values, ctx) => {
  if (values.length < 2) return;
  const v4: Cidr4[] = [];
  const v6: Cidr6[] = [];
  for (const value of values) {
    if (value.includes(':')) {
      const cidr = parseCidr6(value);
      if (cidr) v6.push(cidr);
    } else {
      const cidr = parseCidr4(value);
      if (cidr) v4.push(cidr);
    }
  }
  // Each one alone is reported on its own entry; only a sum of narrower ones is news here.
  const alone = [...v4.map((c) => broadPublic({ v4: [c] })), ...v6.map((c) => broadPublic({ v6: [c] }))];
  if (alone.some((b) => b !== undefined)) return;
  const broad = broadPublic({ v4 }) ?? broadPublic({ v6 });
  if (broad) ctx.addIssue({ code: 'custom', message: `the kept admin sources together admit ${broad}` });
});

const allowListPorts = 'give at least one port, or leave ports out to allow every port';
const allowListRules = 'give at least one rule id, or leave ruleIds out to allow every rule';

const unknownRule = 'unknown rule id (see the rule catalogue in the README)';
const entryCount = { message: 'not an entry count (an integer from 1 to 32766)' };
const notEmpty = { message: 'must not be empty' };
const coverage = 'a fraction above 0 and at most 1, e.g. 0.99 (not a percentage)';

// The stack sets these to the topic's and the roles' ARNs; anything else would be found only at
// the first publish (a lost notice) or would never match a caller (a remediation loop).
const topicArn = z.string().regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w.-]{1,256}$/, {
  message: 'not an SNS topic ARN like "arn:aws:sns:eu-west-1:123456789012:vpc-guardrail"',
});
// Loose on purpose: any IAM or STS principal ARN (a role, its assumed-role sessions, a user).
const OWN_ROLE = /^arn:aws[\w-]*:(iam|sts)::\d{12}:[\w+=,.@/-]+$/;
/** One principal ARN, or several separated by commas (the stacks name both functions' roles). */
const ownRoleArn = z.string().refine(
  (value) => {
    const arns = value.split(',').map((arn) => arn.trim());
    return arns.every((arn) => OWN_ROLE.test(arn));
  },
  { message: 'not IAM role ARNs like "arn:aws:iam::123456789012:role/name", separated by commas' },
);

/**
 * The config schema for a rule catalogue. The ids come from the caller (the registry hands them
 * over, see `shared/load-config.ts`): config never imports the rules, which import config.
 * A mistyped rule id would silently change nothing, so it is rejected where the config is read.
 */
export function configSchema(ruleIds: readonly string[]) {
  const known = new Set(ruleIds);
  const isRuleId = (id: string) => known.has(id);
  return z
    .object({
      mode: z.enum(MODES).default('notify'),
      /** Per-rule mode; a rule absent here follows `mode`. */
      rules: z.record(z.string().refine(isRuleId, { message: unknownRule }), z.enum(RULE_MODES)).default({}),
      adminPorts: z
        .array(portSpec)
        .default(['22/tcp', '3389/tcp', '3389/udp'].map((s) => parsePortSpecOrThrow(s))),
      highRiskPorts: z
        .array(portSpec)
        .default(
          [
            20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
            5601, 8080, 8088, 8888, 9200, 9300,
          ].map((p) => parsePortSpecOrThrow(`${p}/tcp`)),
        ),
      authorizedPorts: z.array(portSpec).default(['80/tcp', '443/tcp'].map((s) => parsePortSpecOrThrow(s))),
      /** Ports a stateless peer uses for return traffic. */
      ephemeralPorts: portRange.default({ from: 1024, to: 65535 }),
      /** Fraction of the public address space that counts as world-open. */
      worldOpenCoverage: z.number().gt(0, { message: coverage }).lte(1, { message: coverage }).default(0.99),
      // An EC2 tag key: 1–128 characters; `aws:` is AWS's own prefix, which no one can tag with,
      // so such a key would silently exempt nothing.
      exemptionTagKey: z
        .string()
        .min(1, { message: 'must not be empty' })
        .max(128, { message: 'longer than the 128 characters of an EC2 tag key' })
        .refine((key) => !key.toLowerCase().startsWith('aws:'), {
          message: 'the aws: prefix is reserved by AWS (no tag can carry it)',
        })
        .default(EXEMPTION_TAG),
      /** Findings allowed by configuration (reported as suppressed). */
      allowLists: z
        .array(
          z
            .object({
              resourceId: z.string().min(1, notEmpty),
              ruleIds: z
                .array(z.string().refine(isRuleId, { message: unknownRule }))
                .min(1, { message: allowListRules })
                .optional(),
              ports: z.array(portSpec).min(1, { message: allowListPorts }).optional(),
              // A blank reason read "suppressed by config: " in every report and none in ASFF.
              reason: z
                .string()
                .refine((r) => r.trim() !== '', {
                  message: 'must not be blank (leave reason out for "allow-listed in configuration")',
                })
                .default('allow-listed in configuration'),
            })
            // Strict: a mistyped `ruleId` dropped silently would allow-list every rule of the
            // resource (a silent false negative).
            .strict(),
        )
        .default([]),
      /**
       * Admin networks (e.g. a VPN range) that keep admin-port access when the NACL fix closes a port
       * to the internet, after the VPC's own CIDR blocks (DESIGN §8 "NACL precision").
       */
      naclAdminSources: naclAdminSources.default([]),
      /** Inbound entries a NACL may hold (per address family, AWS's default quota): beyond it, notify only. */
      naclEntryLimit: z.number().int(entryCount).min(1, entryCount).max(32766, entryCount).default(20),
      /** Events made by this principal are ignored (no loops). */
      ownRoleArn: ownRoleArn.optional(),
      topicArn: topicArn.optional(),
      /** Findings below this severity are listed in a notice but never cause one alone (DESIGN §8). */
      notifyMinSeverity: z.enum(SEVERITIES).default('low'),
      /** Organization mode (DESIGN §15): when non-empty, only these accounts (and the central one). */
      accounts: z.array(accountId).default([]),
      /** Organization mode: accounts never governed, the central one included. */
      excludeAccounts: z.array(accountId).default([]),
      /**
       * EC2 `InterfaceType` values (e.g. `network_load_balancer`): a security group whose every
       * attached interface has one of them gets its `sg-open-*` findings suppressed (DESIGN §8).
       */
      allowInterfaceTypes: z.array(z.string().min(1, notEmpty)).default([]),
      /** EC2 `RequesterId` values (e.g. `amazon-elb`), accepted like `allowInterfaceTypes`. */
      allowRequesterIds: z.array(z.string().min(1, notEmpty)).default([]),
      /** False: groups attached to no interface and NACLs associated with no subnet are not judged. */
      judgeUnused: z.boolean().default(true),
    })
    .strict();
}

type ConfigSchemaType = ReturnType<typeof configSchema>;
export type Config = z.infer<ConfigSchemaType>;
export type ConfigInput = z.input<ConfigSchemaType>;
export type AllowListEntry = Config['allowLists'][number];

function parsePortSpecOrThrow(text: string): PortSpec {
  const spec = parsePortSpec(text);
  if (!spec) throw new Error(`bad built-in port spec ${text}`);
  return spec;
}

/**
 * Edit distance (insert, delete or replace a character, or swap two neighbours: `form` is one
 * edit from `from`); beyond `max` the exact figure does not matter.
 */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    const up = rows[i - 1] ?? [];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(
        (up[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        (up[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? max + 1;
}

/**
 * The name a mistyped one most likely meant (`Mode`, `ruleId`, `excludedAccounts`,
 * `sg-open-admin-prot`): the same but for case, or at most two edits away (one for short names).
 */
export function meantName(typed: string, names: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const same = names.find((name) => name.toLowerCase() === lower);
  if (same) return same;
  const max = typed.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const name of names) {
    const d = distance(lower, name.toLowerCase(), max);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * Keys people put in the configuration that belong elsewhere: CDK context of the stacks, or a
 * variable of its own. "unknown key" alone would send them looking for a typo.
 */
const ELSEWHERE: Record<string, string> = {
  memberRoleName:
    "organization mode's member role is VPC_GUARDRAIL_MEMBER_ROLE_NAME (CDK context memberRoleName), not a configuration key",
  securityHub:
    'the Security Hub integration is VPC_GUARDRAIL_SECURITY_HUB (CDK context securityHub), not a configuration key',
};
for (const key of [
  'batchWindowSeconds',
  'email',
  'createTrail',
  'logRetentionDays',
  'organizationId',
  'targetOus',
  'regions',
  'auditSchedule',
  'slackWorkspaceId',
  'slackChannelId',
]) {
  ELSEWHERE[key] = `a CDK context key of the stacks (-c ${key}=…), not a configuration key`;
}

/** The keys each strict object of the schema knows, by the path of that object (`[]` top level). */
function knownKeys(ruleIds: readonly string[], path: readonly PropertyKey[]): readonly string[] {
  const shape = configSchema(ruleIds).shape;
  if (path.length === 0) return Object.keys(shape);
  if (path[0] === 'ephemeralPorts') return ['from', 'to'];
  if (path[0] === 'allowLists') return ['resourceId', 'ruleIds', 'ports', 'reason'];
  return [];
}

/**
 * ConfigError issues, an unknown key or rule id followed by what it most likely meant (`Mode:
 * unknown key; did you mean mode?`), or where it belongs: the person fixes the typo at once, and
 * a key silently ignored is never the outcome (the keys are strict).
 */
function configIssues(ruleIds: readonly string[], error: z.ZodError): string[] {
  const hints = new Map<string, string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const meant = issue.path.length === 0 ? ELSEWHERE[key] : undefined;
        const name = meant ? undefined : meantName(key, knownKeys(ruleIds, issue.path));
        const hint = meant ?? (name ? `did you mean ${name}?` : undefined);
        if (hint) hints.set(`${formatPath([...issue.path, key])}: unknown key`, `; ${hint}`);
      }
    }
    // A rule id: a key of `rules` (the line is `rules.ID: …`) or an entry of an allow-list's
    // `ruleIds` (the line ends with the id, as every string input is shown).
    const where = formatPath(issue.path);
    const typed = issue.code === 'invalid_key' ? issue.path.at(-1) : issue.input;
    if (typeof typed === 'string' && (issue.code === 'invalid_key' || issue.message === unknownRule)) {
      const name = meantName(typed, ruleIds);
      const line =
        issue.code === 'invalid_key'
          ? `${where}: ${unknownRule}`
          : `${where}: ${unknownRule} (${quoted(typed, 80)})`;
      if (name) hints.set(line, `; did you mean ${name}?`);
    }
  }
  return formatIssues(error).map((line) => line + (hints.get(line) ?? ''));
}

/**
 * Validates a config object against a catalogue's rule ids, filling defaults; throws ConfigError
 * naming each bad key. Callers use `parseConfig` from `shared/load-config.ts` (the catalogue's ids).
 */
export function parseConfigFor(ruleIds: readonly string[], input: unknown, source = 'config'): Config {
  // Only a config left out is the defaults: a file holding `null` is an error like one holding `[]`.
  const result = configSchema(ruleIds).safeParse(input === undefined ? {} : input, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(`invalid ${source}`, configIssues(ruleIds, result.error));
}

/** The default configuration (names no rule, so it needs no catalogue). */
export const DEFAULT_CONFIG: Config = parseConfigFor([], {});

/** Environment variables both functions read (DESIGN §9). */
export interface ConfigEnv {
  VPC_GUARDRAIL_MODE?: string;
  VPC_GUARDRAIL_TOPIC_ARN?: string;
  VPC_GUARDRAIL_OWN_ROLE_ARN?: string;
  VPC_GUARDRAIL_CONFIG?: string;
}

/** The config keys with a variable of their own (DESIGN §9); it wins over `VPC_GUARDRAIL_CONFIG`. */
const ENV_KEYS: readonly (readonly [key: string, variable: keyof ConfigEnv])[] = [
  ['mode', 'VPC_GUARDRAIL_MODE'],
  ['topicArn', 'VPC_GUARDRAIL_TOPIC_ARN'],
  ['ownRoleArn', 'VPC_GUARDRAIL_OWN_ROLE_ARN'],
];

/**
 * Builds the config from environment variables (the values are passed in: the engine reads no env).
 * `VPC_GUARDRAIL_CONFIG` holds JSON with any key; the dedicated variables win over it.
 */
export function configFromEnvFor(ruleIds: readonly string[], env: ConfigEnv): Config {
  let base: Record<string, unknown> = {};
  const json = env.VPC_GUARDRAIL_CONFIG?.trim();
  if (json) {
    const parsed = parseJsonText(json, 'VPC_GUARDRAIL_CONFIG', ConfigError);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError('invalid VPC_GUARDRAIL_CONFIG', ['(root): expected a JSON object']);
    }
    base = parsed as Record<string, unknown>;
  }
  const merged: Record<string, unknown> = { ...base };
  const fromVariables = ENV_KEYS.filter(([, variable]) => env[variable]);
  for (const [key, variable] of fromVariables) merged[key] = env[variable];
  // A key that its own variable overrides is still checked where it is written: a bad value in
  // VPC_GUARDRAIL_CONFIG ({"mode": "remediat"}) is an error, not silently unused.
  if (fromVariables.some(([key]) => Object.hasOwn(base, key))) parseEnvConfig(ruleIds, base, []);
  return parseEnvConfig(ruleIds, merged, fromVariables);
}

/** Parses the environment's configuration; each issue names the variable it came from. */
function parseEnvConfig(
  ruleIds: readonly string[],
  input: Record<string, unknown>,
  fromVariables: typeof ENV_KEYS,
): Config {
  try {
    return parseConfigFor(ruleIds, input, 'configuration (VPC_GUARDRAIL_* environment)');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Each issue names the variable the person set: a key's own variable, else VPC_GUARDRAIL_CONFIG
    // (the only other source; the defaults are valid), with the key or path inside it.
    const issues = error.issues.map((issue) => {
      const hit = fromVariables.find(([key]) => issue.startsWith(`${key}: `));
      if (hit) return `${hit[1]} (${hit[0]})${issue.slice(hit[0].length)}`;
      const colon = issue.indexOf(': ');
      return colon > 0
        ? `VPC_GUARDRAIL_CONFIG (${issue.slice(0, colon)})${issue.slice(colon)}`
        : `VPC_GUARDRAIL_CONFIG: ${issue}`;
    });
    throw new ConfigError('invalid configuration (VPC_GUARDRAIL_* environment)', issues, { cause: error });
  }
}
