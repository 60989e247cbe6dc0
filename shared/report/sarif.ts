import { createHash } from 'node:crypto';
import type { NotJudged } from '../analysis/not-judged';
import { ACCOUNT_ID, REGION_NAME, VPC_ID } from '../aws/ids';
import type { Finding, Severity } from '../findings';
import { sanitize } from '../notify/sanitize';
import { RULES } from '../rules/registry';
import type { RuleDefinition } from '../rules/types';
import { VERSION } from '../version';
import { RULE_HELP, ruleHelp, ruleHelpUri } from './rule-help';

// SARIF 2.1.0 (OASIS): the shape code-scanning tools read. A finding is about a cloud resource, not
// a file, so its location is logical (the resource). GitHub code scanning rejects a whole upload
// when one result has no `physicalLocation.artifactLocation.uri` ("expected artifact location"),
// so every result has one: the snapshot file the caller names, else (a live audit, standard input,
// several accounts) a relative path naming the resource, stable from run to run.

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

export interface SarifMessage {
  text: string;
}

export interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription?: SarifMessage;
  fullDescription?: SarifMessage;
  /** Required by GitHub code scanning, which shows `markdown` (else `text`) beside the alert. */
  help?: { text: string; markdown?: string };
  helpUri?: string;
  defaultConfiguration?: { level: SarifLevel };
  properties?: Record<string, unknown>;
}

export interface SarifLogicalLocation {
  name: string;
  fullyQualifiedName?: string;
  kind?: string;
}

export interface SarifLocation {
  /** Always on a result (GitHub code scanning requires it); absent on a notification's location. */
  physicalLocation?: {
    artifactLocation: { uri: string };
    region?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  logicalLocations?: SarifLogicalLocation[];
}

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'inSource' | 'external'; status: 'accepted'; justification: string }[];
  properties: Record<string, unknown>;
}

/** A tool execution notification (SARIF 2.1.0 §3.58): what the run could not do. */
export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  descriptor: { id: string };
  associatedRule?: { id: string };
  locations?: SarifLocation[];
}

export interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications: SarifNotification[];
}

export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: {
    tool: {
      driver: {
        name: string;
        informationUri?: string;
        version?: string;
        rules: SarifReportingDescriptor[];
        notifications?: SarifReportingDescriptor[];
      };
    };
    results: SarifResult[];
    invocations?: SarifInvocation[];
    /** SARIF §3.17 runAutomationDetails: `id` is the category (ends with `/`; see `sarifCategory`). */
    automationDetails?: { id: string };
    properties?: Record<string, unknown>;
  }[];
}

export interface SarifOptions {
  /** The tool version written in `tool.driver.version` (default: this package's version). */
  toolVersion?: string;
  /** An artifact the findings come from (a snapshot file), as a URI reference (see `artifactUri`). */
  artifactUri?: string;
  /**
   * What the evaluation could not judge (DESIGN §3 `summary.notJudged`) and its warnings: written
   * as the run's tool execution notifications, so a SARIF reader is told rather than shown a
   * clean run. No invocation is written when both are empty.
   */
  notJudged?: readonly NotJudged[];
  warnings?: readonly string[];
  /** The run's `automationDetails.id` (`sarifCategory`); none is written without it. */
  category?: string;
}

/** What an audit covered, for its SARIF category. */
export interface SarifScope {
  /** The accounts audited (`organization`: every account of the organization); unset: not known. */
  accounts?: readonly string[] | 'organization';
  /** The regions audited; unset: not known. */
  regions?: readonly string[];
  /** Only these VPCs (`--vpc`); unset or empty: every VPC. */
  vpcIds?: readonly string[];
}

/** A list part of a category longer than this is written as its count and a digest. */
const CATEGORY_PART_MAX = 100;

/**
 * One part of a category: the distinct values, sorted, joined by `+`. Values that are not the id
 * they should be (a snapshot may name anything), and lists too long to read, are written as
 * `<count>-<first 12 hex digits of the SHA-256 of the sorted list>`: stable, distinct per list, and
 * free of characters a category should not hold.
 */
function categoryPart(values: readonly string[], valid: RegExp): string {
  const sorted = [...new Set(values)].sort();
  const joined = sorted.join('+');
  if (joined.length <= CATEGORY_PART_MAX && sorted.every((v) => valid.test(v))) return joined;
  return `${sorted.length}-${createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 12)}`;
}

/**
 * The run's category, SARIF §3.17.4 `runAutomationDetails.id`: `vpc-guardrail/<accounts>/<regions>/`
 * and `<vpcs>/` when only some VPCs were audited; a part that is not known is left out. GitHub code
 * scanning keeps one analysis per tool and category: a later upload closes every alert of the same
 * category it does not repeat. Without a category, uploads of two accounts or regions (or of a
 * region's VPCs in parts, as the > 5,000 results warning suggests) to one repository closed each
 * other's alerts. The trailing `/` says the whole id is the category, with no run instance part
 * (GitHub ignores that part; a date there would change nothing). Stable: the same scope, the same
 * category, whatever the run.
 */
export function sarifCategory(scope: SarifScope): string {
  const parts = ['vpc-guardrail'];
  if (scope.accounts === 'organization') parts.push('organization');
  else if (scope.accounts && scope.accounts.length > 0) parts.push(categoryPart(scope.accounts, ACCOUNT_ID));
  if (scope.regions && scope.regions.length > 0) parts.push(categoryPart(scope.regions, REGION_NAME));
  if (scope.vpcIds && scope.vpcIds.length > 0) parts.push(`vpcs-${categoryPart(scope.vpcIds, VPC_ID)}`);
  return `${parts.join('/')}/`;
}

const NOTIFICATION_DESCRIPTORS: SarifReportingDescriptor[] = [
  {
    id: 'not-judged',
    shortDescription: { text: 'A resource a rule could not judge for lack of data (summary.notJudged)' },
    defaultConfiguration: { level: 'warning' },
  },
  {
    id: 'input-warning',
    shortDescription: { text: 'Input that looked odd without being wrong (summary.warnings)' },
    defaultConfiguration: { level: 'warning' },
  },
];

/**
 * A message's plain text. Names, descriptions and tag values in it come from whoever created the
 * resource: control characters, escape sequences and bidi overrides become spaces (as in the
 * notices, DESIGN §8). A text that could hold an embedded link (SARIF §3.11.6: `[text](target)`)
 * has its `\`, `[` and `]` escaped with a backslash (as the spec's example
 * `para\[0\]\\spans\[2\]`), so a group named `[docs](https://…)` is shown as written, never as
 * a link.
 */
export function messageText(text: string): string {
  const clean = sanitize(text, Number.POSITIVE_INFINITY);
  // Only a `](` can close a link: without one, `SecurityGroups[0]` in a warning stays as written.
  return clean.includes('](') ? clean.replace(/[\\[\]]/g, '\\$&') : clean;
}

/** The run's invocation carrying not-judged resources and warnings, if there are any. */
function invocations(options: SarifOptions): SarifInvocation[] | undefined {
  const notJudged = options.notJudged ?? [];
  const warnings = options.warnings ?? [];
  if (notJudged.length === 0 && warnings.length === 0) return undefined;
  const notifications: SarifNotification[] = [
    ...notJudged.map(
      (n): SarifNotification => ({
        level: 'warning',
        message: { text: messageText(`Not judged: ${n.resourceId}: ${n.reason}`) },
        descriptor: { id: 'not-judged' },
        ...(n.ruleId ? { associatedRule: { id: n.ruleId } } : {}),
        locations: [{ logicalLocations: [{ name: n.resourceId }] }],
      }),
    ),
    ...warnings.map(
      (w): SarifNotification => ({
        level: 'warning',
        message: { text: messageText(w) },
        descriptor: { id: 'input-warning' },
      }),
    ),
  ];
  // The evaluation itself ran: what it could not judge is said, not a failed run.
  return [{ executionSuccessful: true, toolExecutionNotifications: notifications }];
}

/** One path segment percent-encoded as UTF-8; a lone surrogate (encodeURIComponent throws on it)
 * becomes U+FFFD, what a UTF-8 reader would show. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/\p{Surrogate}/gu, '\uFFFD'));
}

/**
 * A file path as a SARIF `artifactLocation.uri` (an RFC 3986 URI reference): an absolute path
 * becomes a `file:` URI, a relative one a relative reference with `/` separators; every segment is
 * percent-encoded as UTF-8, so spaces, `#`, `?`, `%`, `:` and non-ASCII names stay one path.
 */
export function artifactUri(path: string): string {
  const drive = /^[A-Za-z]:[\\/]/.test(path);
  const segments = path.replaceAll('\\', '/').split('/');
  if (drive) {
    // `C:\a b\s.json` → `file:///C:/a%20b/s.json` (the drive's colon stays as written).
    return `file:///${segments[0]}/${segments.slice(1).map(encodeSegment).join('/')}`;
  }
  const encoded = segments.map(encodeSegment).join('/');
  // `//server/share/s.json` (UNC) → `file://server/share/s.json`; `/a/s.json` → `file:///a/s.json`.
  if (encoded.startsWith('//')) return `file:${encoded}`;
  if (encoded.startsWith('/')) return `file://${encoded}`;
  return encoded;
}

/** SARIF level of a severity: critical and high are errors, medium warnings, the rest notes. */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'note';
  }
}

/** The `security-severity` score GitHub code scanning ranks alerts by (CVSS-like, 0–10). */
export function securitySeverity(severity: Severity): string {
  const scores: Record<Severity, string> = {
    critical: '9.5',
    high: '8.0',
    medium: '5.5',
    low: '3.0',
    info: '0.0',
  };
  return scores[severity];
}

function descriptor(rule: RuleDefinition): SarifReportingDescriptor {
  const level = rule.meta.severity === 'by-ports' ? 'warning' : sarifLevel(rule.meta.severity);
  const help = ruleHelp(rule);
  const helpUri = ruleHelpUri(rule);
  return {
    id: rule.meta.id,
    name: rule.meta.id
      .split('-')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(''),
    shortDescription: { text: rule.meta.title },
    // What fires the rule (GitHub shows it under the title, at most 1,024 characters).
    fullDescription: {
      text: RULE_HELP[rule.meta.id]?.fires ?? `${rule.meta.title}. Resource type ${rule.meta.resourceType}.`,
    },
    ...(help ? { help } : {}),
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level },
    properties: {
      tags: ['security', 'aws', 'vpc', ...rule.meta.controls],
      // GitHub orders alerts by level, then precision (`very-high` … `low`).
      ...(RULE_HELP[rule.meta.id] ? { precision: RULE_HELP[rule.meta.id]?.precision } : {}),
      controls: [...rule.meta.controls],
      ...(rule.meta.severity === 'by-ports'
        ? {}
        : { 'security-severity': securitySeverity(rule.meta.severity) }),
      autoFix: rule.meta.autoFix,
    },
  };
}

const LINE_ONE = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };

function location(finding: Finding, snapshotUri: string | undefined): SarifLocation {
  const segments = [finding.accountId, finding.region, finding.vpcId, finding.resourceId].filter(
    (segment): segment is string => Boolean(segment),
  );
  // Without a file, the resource's own path (`111122223333/eu-west-1/vpc-1/sg-1`, each segment
  // percent-encoded) is the artifact: GitHub shows it as the alert's file and keys the alert on it.
  const uri = snapshotUri ?? segments.map(encodeSegment).join('/');
  return {
    // GitHub's table marks the region's start and end line and column required; a resource has no
    // line, so the start of the artifact (an empty region, as SARIF allows).
    physicalLocation: { artifactLocation: { uri }, region: LINE_ONE },
    logicalLocations: [
      { name: finding.resourceId, fullyQualifiedName: segments.join('/'), kind: finding.resourceType },
    ],
  };
}

/**
 * GitHub's alert identity for a result (`<16 hex>:1`, the form its own upload action writes): the
 * rule and file are combined with it there, so it names the resource only, by account, region and
 * id. The same group open on other ports stays one alert, updated; another group is another.
 */
export function primaryLocationLineHash(finding: Finding): string {
  const key = [finding.accountId ?? '', finding.region ?? '', finding.resourceId].join('\u0000');
  return `${createHash('sha256').update(key).digest('hex').slice(0, 16)}:1`;
}

/** Converts findings to one SARIF 2.1.0 log with one run; rules are the catalogue plus any unknown ids. */
export function toSarif(findings: readonly Finding[], options: SarifOptions = {}): SarifLog {
  const rules = RULES.map(descriptor);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  for (const finding of findings) {
    if (!index.has(finding.ruleId)) {
      index.set(finding.ruleId, rules.length);
      // GitHub requires both descriptions and the help text of every rule.
      rules.push({
        id: finding.ruleId,
        shortDescription: { text: finding.title },
        fullDescription: { text: finding.title },
        help: { text: finding.title },
      });
    }
  }
  const results = findings.map((finding): SarifResult => {
    const result: SarifResult = {
      ruleId: finding.ruleId,
      level: sarifLevel(finding.severity),
      message: { text: messageText(`${finding.title}: ${finding.detail}`) },
      locations: [location(finding, options.artifactUri)],
      partialFingerprints: {
        // The only key GitHub code scanning reads; with every result in one file on line 1 it is
        // what keeps two resources' alerts apart (and one resource's alert the same from run to run).
        primaryLocationLineHash: primaryLocationLineHash(finding),
        'vpcGuardrailFindingId/v1': finding.id,
      },
      properties: {
        severity: finding.severity,
        'security-severity': securitySeverity(finding.severity),
        resourceType: finding.resourceType,
        resourceId: finding.resourceId,
        vpcId: finding.vpcId,
        ...(finding.accountId ? { accountId: finding.accountId } : {}),
        ...(finding.region ? { region: finding.region } : {}),
        controls: finding.controls,
        evidence: finding.evidence,
        ...(finding.remediation ? { remediation: finding.remediation } : {}),
        ...(finding.exposure !== undefined ? { exposure: finding.exposure } : {}),
      },
    };
    const ruleIndex = index.get(finding.ruleId);
    if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
    if (finding.suppressed) {
      result.suppressions = [
        {
          // A tag is on the resource itself (in the snapshot), a configuration entry outside it.
          kind: finding.suppressed.by === 'tag' ? 'inSource' : 'external',
          // The exemption is in force (SARIF §3.35.3), not a request under review.
          status: 'accepted',
          justification: finding.suppressed.reason,
        },
      ];
    }
    return result;
  });
  const notes = invocations(options);
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: 'vpc-guardrail',
            version: options.toolVersion ?? VERSION,
            rules,
            // The descriptors the notifications' `descriptor.id` refer to (SARIF §3.19.24).
            ...(notes ? { notifications: NOTIFICATION_DESCRIPTORS } : {}),
          },
        },
        results,
        ...(notes ? { invocations: notes } : {}),
        ...(options.category ? { automationDetails: { id: options.category } } : {}),
      },
    ],
  };
}

/** Results GitHub code scanning takes in one run: it rejects the whole upload above this. */
export const GITHUB_MAX_RESULTS = 25_000;
/** Results of one run GitHub code scanning keeps (the most severe); it drops the rest silently. */
export const GITHUB_SHOWN_RESULTS = 5_000;

/** A stderr warning when the log is more than GitHub code scanning takes or shows (the log stays whole). */
export function sarifSizeWarning(resultCount: number): string | undefined {
  if (resultCount > GITHUB_MAX_RESULTS) {
    return (
      `SARIF: ${resultCount} results, GitHub code scanning rejects a run of more than ` +
      `${GITHUB_MAX_RESULTS} (audit and upload the VPCs in parts with --vpc ID ...)`
    );
  }
  if (resultCount > GITHUB_SHOWN_RESULTS) {
    return (
      `SARIF: ${resultCount} results, GitHub code scanning keeps only the ${GITHUB_SHOWN_RESULTS} most ` +
      'severe of a run and drops the rest (audit and upload the VPCs in parts with --vpc ID ...)'
    );
  }
  return undefined;
}

/** SARIF as pretty JSON text with a final newline. */
export function formatSarif(findings: readonly Finding[], options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(findings, options), null, 2)}\n`;
}
