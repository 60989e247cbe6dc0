import type { SourceRule } from '../rules/types';

/** The areas of the event table (DESIGN §7). */
export const EVENT_AREAS = [
  'security-group',
  'network-interface',
  'network-acl',
  'route',
  'subnet',
  'nat-gateway',
  'vpc-endpoint',
  'prefix-list',
  'vpc',
  'exemption',
] as const;
export type EventArea = (typeof EVENT_AREAS)[number];

/** Who made the call, as the notice prints it. Strings are as found (sanitized when printed). */
export interface Actor {
  /** `userIdentity.arn`. */
  arn?: string;
  /** `userIdentity.sessionContext.sessionIssuer.arn`: the role behind an assumed-role session. */
  issuerArn?: string;
  type?: string;
  /** `userIdentity.invokedBy`, e.g. `cloudformation.amazonaws.com`. */
  invokedBy?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** A CloudTrail record with its envelope facts, normalized. Parameters are kept raw (any shape). */
export interface ParsedEvent {
  /** The CloudTrail `eventID` (the correlation id of logs). */
  eventId?: string;
  eventName: string;
  eventSource?: string;
  eventTime?: string;
  /** The envelope's `account`, else `detail.recipientAccountId` (never the caller's account). */
  accountId?: string;
  /** The envelope's `region`, else `detail.awsRegion`. */
  region?: string;
  /** Where `accountId` and `region` were read (`account` or `detail.recipientAccountId`, …): named in a refusal. */
  originFields?: { account?: string; region?: string };
  actor: Actor;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: unknown;
  responseElements: unknown;
  /** True when the input was an EventBridge envelope. */
  envelope: boolean;
}

/**
 * A security-group rule an event added: from `responseElements.securityGroupRuleSet`, or, for a
 * record from before rule ids (`{"_return": true}`), from the request's permissions, without id.
 */
export interface AddedRule extends SourceRule {
  /** Absent when the record predates rule ids: such a rule is matched by content. */
  ruleId?: string;
  groupId: string;
  prefixListId?: string;
  referencedGroupId?: string;
  /**
   * The record names no direction (ModifySecurityGroupRules: neither the request, the response nor
   * the rule id says ingress or egress). Read as ingress — only ingress rules are news — but a
   * notice about it gone says it may have been either, rather than calling it inbound.
   */
  directionUnknown?: true;
  /**
   * A record from before rule ids that names its group only by name (default VPC): `groupId` is
   * empty, and the group the slice resolves for that name stands in (assess), so a redelivery can
   * still report the rule gone.
   */
  groupName?: string;
}

/** What tells added rules apart: the rule id, else (a record before rule ids) the rule's content. */
export function addedRuleKey(rule: AddedRule): string {
  if (rule.ruleId !== undefined) return rule.ruleId;
  const source = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId ?? '';
  return [rule.groupId, rule.egress, rule.ipProtocol, rule.fromPort, rule.toPort, source].join('|');
}

/**
 * A NACL entry an event wrote (CreateNetworkAclEntry, ReplaceNetworkAclEntry), as its request
 * gives it: what a redelivery compares with the slice's entry at that number, to report a
 * world-open entry that is already gone as "already removed" (DESIGN §8 "Order and retries").
 */
export interface AddedNaclEntry {
  networkAclId: string;
  ruleNumber: number;
  egress: boolean;
  /** `allow` or `deny`, lower case. */
  ruleAction: string;
  /** The protocol as written (`"6"`, `"-1"`, `tcp`). */
  protocol: string;
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  fromPort?: number;
  toPort?: number;
}

/** What tells added NACL entries apart: the NACL, the direction, the number and the content. */
export function addedNaclEntryKey(entry: AddedNaclEntry): string {
  const { networkAclId, egress, ruleNumber, ruleAction, protocol, fromPort, toPort } = entry;
  const cidr = entry.cidrBlock ?? entry.ipv6CidrBlock ?? '';
  return [networkAclId, egress, ruleNumber, ruleAction, protocol, fromPort, toPort, cidr].join('|');
}

/**
 * An entry a ModifyManagedPrefixList call added to a list (`AddEntry[].Cidr`) or removed from it
 * (`RemoveEntry[].Cidr`), with the call's `CurrentVersion` when the record gives it: in a batch
 * that adds and removes the same entry, the call made on the later version decides.
 */
export interface AddedPrefixListEntry {
  prefixListId: string;
  cidr: string;
  version?: number;
}

/** What tells prefix-list entry changes apart in a merged batch: the list, the CIDR and the version. */
export function prefixListEntryKey(entry: AddedPrefixListEntry): string {
  return `${entry.prefixListId}|${entry.cidr}|${entry.version ?? ''}`;
}

/** A version a RestoreManagedPrefixListVersion call restores a list to (`PreviousVersion`). */
export interface RestoredPrefixListVersion {
  prefixListId: string;
  version: number;
}

/** An exemption tag set or removed by CreateTags / DeleteTags. */
export interface ExemptionChange {
  change: 'set' | 'removed';
  key: string;
  /** The tag value set (or, for DeleteTags, the value named, if any). */
  value?: string;
  resourceIds: string[];
  /**
   * A create call whose tag specifications give the exemption tag different values (RunInstances
   * tagging its instance `*` and its interface `sg-open-admin-port`): each value with the ids it was
   * given to, in the record's order (`value` is then the first's). Read through `exemptionParts`.
   */
  values?: { value?: string; resourceIds: string[] }[];
  /**
   * DeleteTags naming no tag: EC2 then deletes every user tag of the resources, an exemption
   * included if one was set. Whether one was is not known, so a notice must not claim it was.
   */
  everyTag?: true;
  /**
   * CreateSecurityGroup naming its new group only by name (the record has no response): the id is
   * known once the slice resolves the name; until then `resourceIds` is empty.
   */
  groupName?: string;
}

/**
 * What an event touches, as read from the event alone (DESIGN §7 "Scope"). The slice loader turns
 * it into EC2 calls; `resolveScope` widens it with what the slice shows (subnets using a route
 * table, interfaces using a group, …). Every list is distinct and in event order.
 */
export interface EventScope {
  eventName: string;
  area: EventArea;
  securityGroupIds: string[];
  /** Groups named only by name (default VPC, CloudFormation): resolved with a describe by name. */
  securityGroupNames: string[];
  /** Rule ids the event added or modified. */
  securityGroupRuleIds: string[];
  /** Rules the event added (empty for records from before rule ids). */
  addedRules: AddedRule[];
  /** NACL entries the event wrote (CreateNetworkAclEntry, ReplaceNetworkAclEntry). */
  addedNaclEntries: AddedNaclEntry[];
  networkAclIds: string[];
  /** NACL association ids (ReplaceNetworkAclAssociation) that pick the subnet out of the NACL's. */
  networkAclAssociationIds: string[];
  subnetIds: string[];
  routeTableIds: string[];
  internetGatewayIds: string[];
  vpcIds: string[];
  natGatewayIds: string[];
  vpcEndpointIds: string[];
  networkInterfaceIds: string[];
  instanceIds: string[];
  /**
   * Customer-managed prefix lists whose entries the event changed (ModifyManagedPrefixList,
   * RestoreManagedPrefixListVersion): the groups whose ingress rules and the route tables whose
   * routes name them are in scope (found by EC2 filter in the slice, by `resolveScope` in the model).
   */
  prefixListIds: string[];
  /**
   * Entries a ModifyManagedPrefixList call added. EC2 applies the change asynchronously
   * (`modify-in-progress`): a slice whose read of the list lacks one of them is not complete.
   */
  addedPrefixListEntries: AddedPrefixListEntry[];
  /**
   * Entries a ModifyManagedPrefixList call removed, applied asynchronously as well: a slice whose
   * read of the list still holds one of them is not complete (judged, it would revoke a rule for
   * the very range the person is taking out of the list).
   */
  removedPrefixListEntries: AddedPrefixListEntry[];
  /**
   * Versions a RestoreManagedPrefixListVersion call restores (`PreviousVersion`), applied
   * asynchronously too: a slice whose list lacks an entry of that version is not complete.
   */
  restoredPrefixListVersions: RestoredPrefixListVersion[];
  /**
   * VPCs the event created (CreateVpc, CreateDefaultVpc): their default security group, default
   * NACL and subnets are in scope, named nowhere in the record.
   */
  newVpcIds: string[];
  /**
   * DisassociateRouteTable: the region's main route tables that route to an igw- are in scope
   * (with the subnets using them), since the record does not say which subnet fell back to one.
   */
  mainRouteTables?: true;
  /**
   * A successful Create call whose record does not name what it created (`responseElements`
   * missing: CloudTrail leaves out a field over its size limit, as a big RunInstances' response):
   * why. Nothing can be judged for it; the notice says "could not evaluate", naming the call.
   */
  unreadable?: string;
  exemption?: ExemptionChange;
}

/** Why an event was ignored (logged, never an error the invocation retries). */
export const IGNORE_REASONS = {
  malformed: 'malformed',
  notEc2: 'not-ec2',
  errorCode: 'error-code',
  unknownEvent: 'unknown-event',
  ownRole: 'own-role',
  otherAccount: 'other-account',
  otherRegion: 'other-region',
  notExemptionTag: 'not-exemption-tag',
  /** A handled call that changed nothing exposure depends on (ModifyInstanceAttribute's type, user data…). */
  notExposureChange: 'not-exposure-change',
  noResource: 'no-resource',
} as const;
export type IgnoreCode = (typeof IGNORE_REASONS)[keyof typeof IGNORE_REASONS];

/** An ignored event: a code for filters and metrics, and a sentence for the log. */
export interface Ignored {
  code: IgnoreCode;
  reason: string;
}

/** The outcome of triage: handle the event with this scope, or ignore it for a reason. */
export type Triage =
  | { kind: 'handle'; event: ParsedEvent; scope: EventScope }
  | { kind: 'ignore'; event?: ParsedEvent; ignored: Ignored };
