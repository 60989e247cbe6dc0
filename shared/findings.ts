import { hash } from 'node:crypto';
import type { Tag } from './model/snapshot-schema';
import type { PortSpec } from './net/ports';

/** Finding severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity: 0 is the most severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at or above `threshold` (critical is above high). */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

export type ResourceType =
  | 'AWS::EC2::SecurityGroup'
  | 'AWS::EC2::NetworkAcl'
  | 'AWS::EC2::Subnet'
  | 'AWS::EC2::RouteTable'
  | 'AWS::EC2::NatGateway'
  | 'AWS::EC2::VPCEndpoint'
  | 'AWS::EC2::NetworkInterface';

/** The id prefix of each resource type the rules judge (`sg-0abc…`). */
export const ID_PREFIXES: Readonly<Record<ResourceType, string>> = {
  'AWS::EC2::SecurityGroup': 'sg-',
  'AWS::EC2::NetworkAcl': 'acl-',
  'AWS::EC2::Subnet': 'subnet-',
  'AWS::EC2::RouteTable': 'rtb-',
  'AWS::EC2::NatGateway': 'nat-',
  'AWS::EC2::VPCEndpoint': 'vpce-',
  'AWS::EC2::NetworkInterface': 'eni-',
};

/**
 * The type of the resource an id names, by its prefix, when rules judge that kind; undefined for
 * anything else (a VPC, an instance, a security-group rule `sgr-`), where a tag or an allow-list
 * entry has no effect.
 */
export function judgedTypeOf(resourceId: string): ResourceType | undefined {
  for (const [type, prefix] of Object.entries(ID_PREFIXES))
    if (resourceId.startsWith(prefix)) return type as ResourceType;
  return undefined;
}

/** One permission as the EC2 API takes it (RevokeSecurityGroupIngress `IpPermissions`). */
export interface IpPermissionInput {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  /** `Description`: set only where a notice's "how to undo" re-creates a rule as it was. */
  IpRanges?: { CidrIp: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6: string; Description?: string }[];
  PrefixListIds?: { PrefixListId: string; Description?: string }[];
  /** A referenced-group source (default groups' self-reference), when the rule id is unknown. */
  UserIdGroupPairs?: { GroupId: string; UserId?: string; Description?: string }[];
}

/** A NACL entry as `CreateNetworkAclEntry` takes it. */
export interface NaclEntryInput {
  NetworkAclId: string;
  RuleNumber: number;
  Protocol: string;
  RuleAction: 'allow' | 'deny';
  Egress: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From: number; To: number };
}

/**
 * One offending security-group rule. When `securityGroupRuleId` is known the revoke call names it
 * (`SecurityGroupRuleIds`); otherwise it repeats `ipPermission` (protocol, ports, one source).
 */
export interface RevokeTarget {
  direction: 'ingress' | 'egress';
  securityGroupRuleId?: string;
  ipPermission: IpPermissionInput;
}

/**
 * What an auto-fix would do for one finding. Plans of several findings on the same group and
 * direction are merged into one EC2 call by the remediation planner.
 */
export type RemediationPlan =
  | {
      action: 'revoke-security-group-rules';
      groupId: string;
      /** The offending rules, each with its direction, id (when known) and one-source permission. */
      rules: RevokeTarget[];
    }
  | {
      action: 'fix-network-acl-entries';
      networkAclId: string;
      /** Admin-only world allow entries with no kept source of their family: deleted. */
      deleteEntries: { RuleNumber: number; Egress: boolean }[];
      /** Deny entries inserted before broader allow entries, and allow entries for kept sources. */
      createEntries: NaclEntryInput[];
      /** Admin-only world allow entries narrowed to a kept source (`ReplaceNetworkAclEntry`). */
      replaceEntries: NaclEntryInput[];
      /** The replaced and deleted entries as they are before the fix (how to undo it). */
      previousEntries: NaclEntryInput[];
    }
  | { action: 'disable-subnet-auto-assign-public-ip'; subnetId: string };

export type RemediationAction = RemediationPlan['action'];

export interface Suppression {
  by: 'tag' | 'config';
  reason: string;
}

/** A finding, as DESIGN §6 defines it. */
export interface Finding {
  id: string;
  ruleId: string;
  severity: Severity;
  resourceType: ResourceType;
  resourceId: string;
  vpcId: string;
  accountId?: string;
  region?: string;
  title: string;
  detail: string;
  controls: string[];
  evidence: Record<string, unknown>;
  remediation?: RemediationPlan;
  suppressed?: Suppression;
  /** Security-group findings: how many internet-exposed interfaces use the group. */
  exposure?: number;
}

/** The fields a rule supplies; the engine adds id, account and region. */
export type FindingDraft = Omit<Finding, 'id' | 'accountId' | 'region' | 'suppressed' | 'exposure'> & {
  /** What distinguishes this finding from others of the same rule and resource (e.g. "tcp/22"). */
  evidenceKey?: string;
  /**
   * The ports the finding is about, structured (tcp first, then udp, ascending, both families
   * merged). The engine formats them once into `evidence.ports` (`"22/tcp"`), and exemptions,
   * allow-lists and precedence read them, never the text.
   */
  ports?: readonly PortSpec[];
  /**
   * The resource's tags, when the rule holds the resource (its exemption tag is read from them):
   * the engine then finds them without a lookup by id. Never part of the finding.
   */
  resourceTags?: readonly Tag[];
};

/** `["22/tcp", "8000-8100/udp"]`: how structured ports read in evidence (in their given order). */
export function formatPortSpecs(ports: readonly PortSpec[]): string[] {
  const out: string[] = [];
  for (const p of ports)
    out.push(p.from === p.to ? `${p.from}/${p.protocol}` : `${p.from}-${p.to}/${p.protocol}`);
  return out;
}

/** Stable id of a finding: hash of rule id, resource id and evidence key. */
export function findingId(ruleId: string, resourceId: string, evidenceKey = ''): string {
  // One-shot hash: the same digest as createHash().update().digest(), at a third of the cost
  // (an evaluation of a large region mints tens of thousands of ids).
  const digest = hash('sha256', `${ruleId}\u0000${resourceId}\u0000${evidenceKey}`, 'hex');
  // The first 20 digits copied into a string of their own: `slice(0, 20)` would be a view (V8
  // slices strings of 13 characters or more) keeping all 64 digits alive with every finding, ~80
  // bytes more per finding for the whole evaluation, copied by each garbage collection it survives.
  for (let i = 0; i < ID_LENGTH; i++) idCodes[i] = digest.charCodeAt(i);
  return String.fromCharCode.apply(null, idCodes);
}

const ID_LENGTH = 20;
/** The character codes of the id being made (reused: one array, not one per id). */
const idCodes: number[] = new Array<number>(ID_LENGTH).fill(0);

/** Deterministic order: severity, rule id, VPC, resource, id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.vpcId, b.vpcId) ||
    cmp(a.resourceId, b.resourceId) ||
    cmp(a.id, b.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
