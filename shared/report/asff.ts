import type { Finding, RemediationPlan, ResourceType, Severity } from '../findings';
import { sanitize, truncate } from '../notify/sanitize';

// AWS Security Finding Format, ready for Security Hub `BatchImportFindings` through the account's
// default custom-integration product (`product/<account>/default`). Pure: the time is passed in.

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** BatchImportFindings takes at most 100 findings per call. */
export const ASFF_BATCH_SIZE = 100;

/** Length limits of the ASFF fields we fill. */
const LIMITS = { title: 256, description: 1024, recommendation: 512, productField: 2048, requirements: 32 };

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
  CreatedAt: string;
  UpdatedAt: string;
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
  /** CreatedAt / UpdatedAt. */
  now: Date;
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
  } else if (!REGION.test(target.region)) {
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

/** The ASFF `Id` of a rule's finding on one resource: stable while the finding fires and after. */
export function asffFindingId(accountId: string, region: string, ruleId: string, resourceId: string): string {
  return `vpc-guardrail/${accountId}/${region}/${ruleId}/${resourceId}`;
}

/** Converts one finding to ASFF. */
export function toAsffFinding(finding: Finding, options: AsffOptions): AsffFinding {
  const accountId = finding.accountId ?? options.accountId;
  const region = finding.region ?? options.region;
  const partition = partitionOf(region);
  const resource = RESOURCES[finding.resourceType];
  const now = options.now.toISOString();
  const productFields: Record<string, string> = {
    'vpc-guardrail/RuleId': finding.ruleId,
    'vpc-guardrail/FindingId': finding.id,
    'vpc-guardrail/VpcId': finding.vpcId,
    'vpc-guardrail/ResourceId': finding.resourceId,
  };
  // A resolved record of a finding that no longer fires has no engine id or VPC to give; ASFF
  // product field values must not be empty.
  for (const [key, value] of Object.entries(productFields)) if (value === '') delete productFields[key];
  if (finding.exposure !== undefined) productFields['vpc-guardrail/Exposure'] = String(finding.exposure);
  if (finding.suppressed) {
    productFields['vpc-guardrail/SuppressedBy'] = finding.suppressed.by;
    productFields['vpc-guardrail/SuppressedReason'] = fitText(finding.suppressed.reason, LIMITS.productField);
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
    CreatedAt: now,
    UpdatedAt: now,
    Severity: severity,
    Title: fitText(finding.title, LIMITS.title),
    // Never empty (Security Hub requires one): a detail of nothing but control characters is the title.
    Description: fitText(finding.detail, LIMITS.description) || fitText(finding.title, LIMITS.description),
    Resources: [
      {
        Type: resource.type,
        Id: `arn:${partition}:ec2:${region}:${accountId}:${resource.arnPath}/${finding.resourceId}`,
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
