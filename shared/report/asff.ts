import { createHash } from 'node:crypto';
import type { Finding, RemediationPlan, ResourceType, Severity } from '../findings';
import { sanitize, truncate } from '../notify/sanitize';

// AWS Security Finding Format, ready for Security Hub `BatchImportFindings` through the account's
// default custom-integration product (`product/<account>/default`). Pure: the time is passed in.

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** BatchImportFindings takes at most 100 findings per call. */
export const ASFF_BATCH_SIZE = 100;

/**
 * Length limits of the ASFF fields we fill (AwsSecurityFinding, API reference): Id 512, Title 256,
 * Description 1024, Remediation.Recommendation.Text 512, a ProductFields value 2048 (50 pairs, keys
 * of 128 at most), Compliance.RelatedRequirements 32 items, Region and Resources[].Region 16.
 */
const LIMITS = {
  id: 512,
  title: 256,
  description: 1024,
  recommendation: 512,
  productField: 2048,
  requirements: 32,
  region: 16,
};

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  Region: string;
  Details?: { Other: Record<string, string> };
}

export interface AsffFinding {
  SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  /** When the record was written: Security Hub wants CreatedAt = UpdatedAt when it creates one. */
  CreatedAt: string;
  UpdatedAt: string;
  /** When the exposure was first seen: the change's CloudTrail time (event function), else now. */
  FirstObservedAt: string;
  /** This evaluation. */
  LastObservedAt: string;
  Severity: { Label: AsffSeverityLabel; Original: Severity };
  Title: string;
  Description: string;
  Resources: AsffResource[];
  Compliance?: { Status: 'FAILED' | 'PASSED'; RelatedRequirements?: string[] };
  Remediation?: { Recommendation: { Text: string } };
  /** `RESOLVED` and `ARCHIVED`: a finding that stopped firing (shared/integrations/security-hub.ts). */
  Workflow: { Status: 'NEW' | 'SUPPRESSED' | 'RESOLVED' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  ProductFields: Record<string, string>;
  /**
   * `Severity` and `Types` again: Security Hub copies the top-level ones here only when it creates
   * a finding, so an update (a severity that changed) reaches the provider's own fields only so.
   */
  FindingProviderFields: { Severity: { Label: AsffSeverityLabel; Original: Severity }; Types: string[] };
}

export interface AsffOptions {
  /** The account a finding without `accountId` belongs to. */
  accountId: string;
  /** The region a finding without `region` belongs to (and of the product ARN). */
  region: string;
  /** CreatedAt / UpdatedAt / LastObservedAt: when the state was evaluated and the record written. */
  now: Date;
  /**
   * FirstObservedAt: the earliest time the evaluated state is known to have held (the CloudTrail
   * `eventTime` of the change the event function evaluates); `now` when unset, invalid or later.
   */
  firstObservedAt?: Date | undefined;
  /** Another product ARN than the account's default custom integration. */
  productArn?: string;
}

const RESOURCES: Record<ResourceType, { type: string; arnPath: string }> = {
  'AWS::EC2::SecurityGroup': { type: 'AwsEc2SecurityGroup', arnPath: 'security-group' },
  'AWS::EC2::NetworkAcl': { type: 'AwsEc2NetworkAcl', arnPath: 'network-acl' },
  'AWS::EC2::Subnet': { type: 'AwsEc2Subnet', arnPath: 'subnet' },
  'AWS::EC2::RouteTable': { type: 'AwsEc2RouteTable', arnPath: 'route-table' },
  // ASFF has no dedicated types for these two.
  'AWS::EC2::NatGateway': { type: 'Other', arnPath: 'natgateway' },
  'AWS::EC2::VPCEndpoint': { type: 'Other', arnPath: 'vpc-endpoint' },
  'AWS::EC2::NetworkInterface': { type: 'AwsEc2NetworkInterface', arnPath: 'network-interface' },
};

const LABELS: Record<Severity, AsffSeverityLabel> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

/** The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`, …). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
}

/** An AWS account id as ASFF's `AwsAccountId` takes it. */
export const ACCOUNT_ID = /^\d{12}$/;
/** A region name (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * What is wrong with the account and region findings are reported under, one line each naming
 * the field (empty when both are valid). Security Hub rejects a finding without them; a caller
 * says where they come from by naming its own option or key in `sources`.
 */
export function asffTargetIssues(
  target: { accountId?: string | undefined; region?: string | undefined },
  sources: { accountId: string; region: string },
): string[] {
  const issues: string[] = [];
  if (target.accountId === undefined || target.accountId === '') {
    issues.push(`accountId: missing (${sources.accountId})`);
  } else if (!ACCOUNT_ID.test(target.accountId)) {
    issues.push(
      `accountId: must be 12 digits, got ${JSON.stringify(target.accountId)} (${sources.accountId})`,
    );
  }
  if (target.region === undefined || target.region === '') {
    issues.push(`region: missing (${sources.region})`);
  } else if (!REGION.test(target.region) || target.region.length > LIMITS.region) {
    issues.push(
      `region: not a region name like "eu-west-1", got ${JSON.stringify(target.region)} (${sources.region})`,
    );
  }
  return issues;
}

/** The account's default custom-integration product, which BatchImportFindings accepts without set-up. */
export function defaultProductArn(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** A run of non-spaces longer than this (a pasted name, not a word) is shortened when text must be cut. */
const LONG_WORD = 64;
const LONG_WORDS = new RegExp(`\\S{${LONG_WORD + 1},}`, 'gu');

/**
 * Text for a field of at most `max` characters (Security Hub counts UTF-16 units, as JavaScript
 * does). Names, descriptions and tag values in it come from whoever created the resource: control
 * characters, escape sequences and bidi overrides become spaces, as in the notices (DESIGN §8), so
 * a finding cannot forge lines or read differently in the console, a chat or a ticket; a line
 * break would also fail the fields' `.*\S.*` pattern. Too long, an over-long word among others is
 * shortened first (a 3,000-character group name must not push out what the finding says), then
 * the end is cut with `…`, never between the two halves of a surrogate pair.
 */
function fitText(text: string, max: number): string {
  let clean = sanitize(text, Number.POSITIVE_INFINITY);
  if (clean.length <= max) return clean;
  if (clean.includes(' ')) {
    clean = clean.replace(LONG_WORDS, (word) => truncate(word, LONG_WORD));
    if (clean.length <= max) return clean;
  }
  let end = max - 1;
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${clean.slice(0, end)}…`;
}

function recommendation(plan: RemediationPlan | undefined, title: string): string {
  if (!plan) return `Review the resource: ${title}.`;
  switch (plan.action) {
    case 'revoke-security-group-rules':
      return `Revoke the world-open rules of ${plan.groupId} (${plan.rules
        .map((r) => r.securityGroupRuleId ?? `${r.direction} ${r.ipPermission.IpProtocol}`)
        .join(', ')}), or exempt the group with the vpc-guardrail:exempt tag if it is intended.`;
    case 'fix-network-acl-entries':
      return `Narrow entries ${plan.replaceEntries.map((e) => e.RuleNumber).join(', ') || 'none'}, delete entries ${
        plan.deleteEntries.map((e) => e.RuleNumber).join(', ') || 'none'
      } and add entries ${plan.createEntries.map((e) => `${e.RuleNumber} (${e.RuleAction})`).join(', ') || 'none'} on ${
        plan.networkAclId
      } so admin ports are closed to the internet and kept open to the VPC and naclAdminSources.`;
    case 'disable-subnet-auto-assign-public-ip':
      return `Turn off MapPublicIpOnLaunch on ${plan.subnetId}.`;
  }
}

function types(finding: Finding): string[] {
  const out = ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'];
  if (finding.controls.some((c) => c.startsWith('CIS'))) {
    out.push(
      'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
    );
  }
  return out;
}

/** The start of every finding id of one account-region (`vpc-guardrail/<account>/<region>/`). */
export function asffRegionPrefix(accountId: string, region: string): string {
  return `vpc-guardrail/${accountId}/${region}/`;
}

/**
 * The ASFF `Id` of a rule's finding on one resource: stable while the finding fires and after. At
 * most 512 characters (Security Hub rejects a longer one): a resource id that does not fit keeps
 * its start and ends with `~` and 16 hex digits of its SHA-256, so two long ids stay two findings
 * and one id always maps to the same finding. Snapshot and event ids are at most 128 characters
 * (schema-kit's MAX_ID_LENGTH), so this holds for findings built by any other caller.
 */
export function asffFindingId(accountId: string, region: string, ruleId: string, resourceId: string): string {
  const part = idText(resourceId);
  const prefix = `${asffRegionPrefix(accountId, region)}${ruleId}/`;
  const id = `${prefix}${part}`;
  if (id.length <= LIMITS.id) return id;
  const digest = createHash('sha256').update(resourceId).digest('hex').slice(0, 16);
  let keep = Math.max(0, LIMITS.id - prefix.length - digest.length - 1);
  // Never half a surrogate pair.
  const last = part.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return `${prefix}${part.slice(0, keep)}~${digest}`;
}

/**
 * Characters an ASFF identifier cannot hold — line terminators and other control characters fail
 * its `.*\S.*` pattern (`.` matches no line break), so Security Hub rejects the finding — and `%`,
 * the escape itself, so two different ids never meet.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds (ASFF refuses them)
const NOT_IN_ID = /[%\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A resource id as the ASFF `Id` and `Resources[].Id` hold it: percent-encoded where it has a
 * character of `NOT_IN_ID` (only a hand-made snapshot's id can: EC2's never do, so theirs are
 * unchanged), one finding per id still and the same one on every run.
 */
function idText(resourceId: string): string {
  return resourceId.replace(NOT_IN_ID, (c) => encodeURIComponent(c));
}

/** The record's FirstObservedAt: the given time when it is a valid one not after `now`. */
function firstObserved(options: AsffOptions): string {
  const first = options.firstObservedAt;
  if (first && !Number.isNaN(first.getTime()) && first.getTime() <= options.now.getTime()) {
    return first.toISOString();
  }
  return options.now.toISOString();
}

/** Converts one finding to ASFF. */
export function toAsffFinding(finding: Finding, options: AsffOptions): AsffFinding {
  const accountId = finding.accountId ?? options.accountId;
  const region = finding.region ?? options.region;
  const partition = partitionOf(region);
  const resource = RESOURCES[finding.resourceType];
  const now = options.now.toISOString();
  // Values of at most 2,048 characters, whatever the finding's caller put in them.
  const productFields: Record<string, string> = {
    'vpc-guardrail/RuleId': fitText(finding.ruleId, LIMITS.productField),
    'vpc-guardrail/FindingId': fitText(finding.id, LIMITS.productField),
    'vpc-guardrail/VpcId': fitText(finding.vpcId, LIMITS.productField),
    'vpc-guardrail/ResourceId': fitText(finding.resourceId, LIMITS.productField),
  };
  // A resolved record of a finding that no longer fires has no engine id or VPC to give; ASFF
  // product field values must not be empty.
  for (const [key, value] of Object.entries(productFields)) if (value === '') delete productFields[key];
  if (finding.exposure !== undefined) productFields['vpc-guardrail/Exposure'] = String(finding.exposure);
  if (finding.suppressed) {
    productFields['vpc-guardrail/SuppressedBy'] = finding.suppressed.by;
    // Left out when nothing printable is left of it (a reason of invisible characters): a blank
    // value fails FieldMap's `.*\S.*`, and Security Hub would reject the whole finding.
    const reason = fitText(finding.suppressed.reason, LIMITS.productField);
    if (reason !== '') productFields['vpc-guardrail/SuppressedReason'] = reason;
  }
  const findingTypes = types(finding);
  const severity = { Label: LABELS[finding.severity], Original: finding.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    // One Security Hub finding per rule and resource (as Security Hub's own controls do): a change
    // of evidence updates it in place, and a finding that stops firing can be archived by this id
    // without knowing the evidence it last had (asffFindingId).
    Id: asffFindingId(accountId, region, finding.ruleId, finding.resourceId),
    ProductArn: options.productArn ?? defaultProductArn(options.region, options.accountId),
    ProductName: 'VPC Guardrail',
    CompanyName: 'VPC Guardrail',
    GeneratorId: `vpc-guardrail/${finding.ruleId}`,
    AwsAccountId: accountId,
    Region: region,
    Types: findingTypes,
    // Security Hub replaces CreatedAt and FirstObservedAt on every import of an Id (it keeps no
    // first sighting for a provider), and wants CreatedAt = UpdatedAt when it creates a finding:
    // without state, the record's own time is the only CreatedAt valid in both cases (README).
    CreatedAt: now,
    UpdatedAt: now,
    FirstObservedAt: firstObserved(options),
    LastObservedAt: now,
    Severity: severity,
    Title: fitText(finding.title, LIMITS.title),
    // Never empty (Security Hub requires one): a detail of nothing but control characters is the title.
    Description: fitText(finding.detail, LIMITS.description) || fitText(finding.title, LIMITS.description),
    Resources: [
      {
        Type: resource.type,
        Id: `arn:${partition}:ec2:${region}:${accountId}:${resource.arnPath}/${idText(finding.resourceId)}`,
        Partition: partition,
        Region: region,
        ...(finding.vpcId ? { Details: { Other: { VpcId: finding.vpcId } } } : {}),
      },
    ],
    ...(finding.controls.length > 0
      ? {
          Compliance: {
            Status: 'FAILED',
            RelatedRequirements: finding.controls.slice(0, LIMITS.requirements),
          },
        }
      : {}),
    Remediation: {
      Recommendation: {
        Text: fitText(recommendation(finding.remediation, finding.title), LIMITS.recommendation),
      },
    },
    Workflow: { Status: finding.suppressed ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
    ProductFields: productFields,
    FindingProviderFields: { Severity: { ...severity }, Types: [...findingTypes] },
  };
}

/** Converts findings to ASFF, in the same order. */
export function toAsff(findings: readonly Finding[], options: AsffOptions): AsffFinding[] {
  return findings.map((finding) => toAsffFinding(finding, options));
}

/** Splits ASFF findings into BatchImportFindings requests of at most 100. */
export function batchImportRequests(findings: readonly AsffFinding[]): { Findings: AsffFinding[] }[] {
  const out: { Findings: AsffFinding[] }[] = [];
  for (let i = 0; i < findings.length; i += ASFF_BATCH_SIZE) {
    out.push({ Findings: findings.slice(i, i + ASFF_BATCH_SIZE) });
  }
  return out;
}

/** ASFF as pretty JSON text: the array BatchImportFindings takes (in requests of at most 100). */
export function formatAsff(findings: readonly Finding[], options: AsffOptions): string {
  return `${JSON.stringify(toAsff(findings, options), null, 2)}\n`;
}
