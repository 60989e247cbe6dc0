import { isCidr4, isCidr6, isIpv4, isIpv6 } from '../net/cidr';
import { ec2Protocol } from '../net/protocol';
import { describeValue } from '../validation';
import { oneSource, portsOk, protocolKind, RULE_SOURCES, uniqueRuleNumbers } from './cross-checks';
import { NACL_BLOCKS, naclEntryOk } from './nacl-entry';
import { noMisspeltKeys, ROUTE_KEYS, routeKeysOk } from './near-miss';
import {
  bool,
  ec2Id,
  format,
  type Infer,
  type InferInput,
  int,
  list,
  obj,
  oneOf,
  optional,
  type Refinement,
  report,
  type Schema,
  str,
  withDefault,
} from './schema-kit';

// The snapshot is EC2 Describe* output as the AWS API / CLI prints it (PascalCase). Only the fields
// the engine reads are declared; other keys are left alone. Values are checked as EC2 checks them
// (DESIGN §3): a value EC2 would refuse is an error naming its path, never a silent misreading.

// CIDRs are checked by a scan of their characters (nothing allocated, no memo lookup): the model
// parses each one when it reads it, memoized there.
const cidr4 = format('a valid IPv4 CIDR', isCidr4);
const cidr6 = format('a valid IPv6 CIDR', isCidr6);
const ipv4 = format('a valid IPv4 address', isIpv4);
const ipv6 = format('a valid IPv6 address', isIpv6);
const protocol = format(
  'a protocol EC2 accepts (-1, tcp, udp, icmp, icmpv6 or a number 0–255)',
  // Hot: the spellings EC2 prints, compared first (no lookup); any other goes to `ec2Protocol`.
  (s) =>
    s === '-1' ||
    s === '6' ||
    s === 'tcp' ||
    s === '17' ||
    s === 'udp' ||
    s === '1' ||
    s === 'icmp' ||
    s === '58' ||
    s === 'icmpv6' ||
    ec2Protocol(s) !== undefined,
);
const optStr = optional(str());
// Ids: at most MAX_ID_LENGTH characters; an item's own id (the resource a finding names) not empty.
const ownId = ec2Id(true);
const refId = ec2Id();
const optId = optional(refId);
/** Optional fields whose absence reads as the safe answer: a near-miss spelling is an error, not an absence. */
const NEAR_MISS = { nearMiss: true } as const;

const TagSchema = obj({ Key: str(), Value: withDefault(str(), '') });
// EC2 leaves `Tags` out of an untagged group, interface…: not searched under a near-miss spelling
// when absent (a misspelt exemption tag list over-reports, never hides). A subnet's Name is read
// by the naming rules, so its tags are (subnets are few).
const tags = list(TagSchema, { nearMiss: false });
const subnetTags = list(TagSchema);

const SG_PORTS = ['FromPort', 'ToPort'] as const;

/**
 * The keys the refinements look for under a near-miss spelling when none of them is found (a
 * permission's ports, a rule's source, a route's destination and target, a NACL entry's block and
 * ports): with the schema's own (`nearMissKeys`), the keys whose misspelling beside them is refused.
 */
export const REFINED_NEAR_MISS_KEYS: readonly string[] = [
  ...SG_PORTS,
  ...RULE_SOURCES,
  ...ROUTE_KEYS,
  ...NACL_BLOCKS,
  'PortRange',
  'From',
  'To',
];
const sgPorts: Refinement<{ IpProtocol: string; FromPort?: number; ToPort?: number }> = (p, issue) => {
  const kind = protocolKind(p.IpProtocol);
  // A port under a near-miss key (`fromPort`) is named rather than said to be missing.
  const missing = (p.FromPort === undefined || p.ToPort === undefined) && (kind === 'tcp' || kind === 'udp');
  if (missing && !noMisspeltKeys(p, SG_PORTS, issue)) return false;
  return portsOk(kind, p.FromPort, p.ToPort, SG_PORTS, issue);
};

const state = optional(obj({ State: optStr }));

export const VpcSchema = obj({
  VpcId: ownId,
  CidrBlock: optional(cidr4),
  // The NACL fix's own sources (§8): absent is unknown (IPv4: CidrBlock alone), none (IPv6).
  CidrBlockAssociationSet: optional(
    list(obj({ CidrBlock: optional(cidr4), CidrBlockState: state })),
    NEAR_MISS,
  ),
  Ipv6CidrBlockAssociationSet: optional(
    list(obj({ Ipv6CidrBlock: optional(cidr6), Ipv6CidrBlockState: state })),
    NEAR_MISS,
  ),
  IsDefault: optional(bool()),
  OwnerId: optStr,
  Tags: tags,
});

export const SubnetSchema = obj({
  SubnetId: ownId,
  VpcId: refId,
  CidrBlock: optional(cidr4),
  AvailabilityZone: optStr,
  // Absent reads as false: a misspelt key must not turn the rule off (EC2 always prints it).
  MapPublicIpOnLaunch: optional(bool(), NEAR_MISS),
  OwnerId: optStr,
  Tags: subnetTags,
});

const UserIdGroupPairSchema = obj({
  GroupId: optId,
  GroupName: optStr,
  UserId: optStr,
  VpcId: optId,
  VpcPeeringConnectionId: optId,
  PeeringStatus: optStr,
  Description: optStr,
});

export const IpPermissionSchema = obj(
  {
    IpProtocol: protocol,
    FromPort: optional(int()),
    ToPort: optional(int()),
    IpRanges: list(obj({ CidrIp: cidr4, Description: optStr })),
    Ipv6Ranges: list(obj({ CidrIpv6: cidr6, Description: optStr })),
    PrefixListIds: list(obj({ PrefixListId: refId, Description: optStr })),
    UserIdGroupPairs: list(UserIdGroupPairSchema),
  },
  sgPorts,
);

// One compiled loop for both directions (called twice per group): the group's own function stays
// small, so it is optimized sooner, and the two lists' items share their type feedback.
const permissions = list(IpPermissionSchema, { separate: true });

export const SecurityGroupSchema = obj({
  GroupId: ownId,
  // `default` names the VPC's default group (sg-default-not-restricted).
  GroupName: optional(str(), NEAR_MISS),
  Description: optStr,
  // Its findings' vpcId, which `--vpc` filters by: a misspelt key must not drop them from view.
  VpcId: optional(refId, NEAR_MISS),
  OwnerId: optStr,
  IpPermissions: permissions,
  IpPermissionsEgress: permissions,
  Tags: tags,
});

export const SecurityGroupRuleSchema = obj(
  {
    SecurityGroupRuleId: ownId,
    GroupId: ownId,
    GroupOwnerId: optStr,
    IsEgress: bool(),
    IpProtocol: protocol,
    FromPort: optional(int()),
    ToPort: optional(int()),
    CidrIpv4: optional(cidr4),
    CidrIpv6: optional(cidr6),
    PrefixListId: optId,
    ReferencedGroupInfo: optional(
      obj({
        GroupId: optId,
        UserId: optStr,
        VpcId: optId,
        VpcPeeringConnectionId: optId,
        PeeringStatus: optStr,
      }),
    ),
    Description: optStr,
    Tags: tags,
  },
  (rule, issue) => {
    const sourceOk = oneSource(rule, issue);
    return sgPorts(rule, issue) && sourceOk;
  },
);

export const NetworkAclEntrySchema = obj(
  {
    RuleNumber: int(),
    Protocol: protocol,
    RuleAction: oneOf(['allow', 'deny']),
    Egress: bool(),
    CidrBlock: optional(cidr4),
    Ipv6CidrBlock: optional(cidr6),
    PortRange: optional(obj({ From: optional(int()), To: optional(int()) })),
    IcmpTypeCode: optional(obj({ Type: optional(int()), Code: optional(int()) })),
  },
  naclEntryOk,
);

export const NetworkAclSchema = obj(
  {
    NetworkAclId: ownId,
    VpcId: refId,
    IsDefault: optional(bool(), NEAR_MISS),
    OwnerId: optStr,
    Entries: list(NetworkAclEntrySchema),
    Associations: list(obj({ NetworkAclAssociationId: optId, NetworkAclId: optId, SubnetId: refId })),
    Tags: tags,
  },
  uniqueRuleNumbers,
);

export const RouteSchema = obj(
  {
    DestinationCidrBlock: optional(cidr4),
    DestinationIpv6CidrBlock: optional(cidr6),
    DestinationPrefixListId: optId,
    GatewayId: optId,
    NatGatewayId: optId,
    InstanceId: optId,
    NetworkInterfaceId: optId,
    TransitGatewayId: optId,
    VpcPeeringConnectionId: optId,
    EgressOnlyInternetGatewayId: optId,
    CarrierGatewayId: optId,
    LocalGatewayId: optId,
    CoreNetworkArn: optStr,
    // Absent reads as active; `filtered` (RouteState, undescribed) to an igw- is not judged. The states EC2 prints, in its
    // case: an `Active` read as not active dropped the internet route, a `Blackhole` the finding.
    State: optional(oneOf(['active', 'blackhole', 'filtered']), NEAR_MISS),
    Origin: optStr,
  },
  (route, issue) => routeKeysOk(route, issue) && gatewayCaseOk(route.GatewayId, issue),
);

/**
 * An internet gateway's id in another case (`IGW-1`): EC2 ids are lower case, and read as written
 * it would be no internet gateway — the internet route, and the exposure behind it, would vanish
 * (as an `Active` state would). Hot (every route): one character read for the usual id.
 */
function gatewayCaseOk(id: string | undefined, issue: (key: string, message: string) => void): boolean {
  if (id === undefined || (id.charCodeAt(0) | 32) !== 105 /* i */ || id.startsWith('igw-')) return true;
  if (id.slice(0, 4).toLowerCase() !== 'igw-') return true;
  issue(
    'GatewayId',
    `an internet gateway id in upper case (${JSON.stringify(id)}); EC2 prints ids in lower case`,
  );
  return false;
}

const ASSOCIATION_STATES = ['associating', 'associated', 'disassociating', 'disassociated', 'failed'];

export const RouteTableSchema = obj({
  RouteTableId: ownId,
  VpcId: refId,
  OwnerId: optStr,
  Routes: list(RouteSchema),
  Associations: list(
    obj({
      // EC2 prints Main on every association, and SubnetId on all but the main one's and a
      // gateway's: read as absent, a misspelt one leaves the subnet on the main table.
      Main: optional(bool(), NEAR_MISS),
      RouteTableAssociationId: optId,
      RouteTableId: optId,
      SubnetId: optional(refId, NEAR_MISS),
      GatewayId: optId,
      // Only associating/associated hold: an `Associated` read as neither left the subnet on main.
      AssociationState: optional(obj({ State: optional(oneOf(ASSOCIATION_STATES)) })),
    }),
  ),
  Tags: tags,
});

export const InternetGatewaySchema = obj({
  InternetGatewayId: ownId,
  OwnerId: optStr,
  Attachments: list(obj({ State: optStr, VpcId: refId })),
  Tags: tags,
});

export const NatGatewaySchema = obj({
  NatGatewayId: ownId,
  // A regional gateway (`AvailabilityMode`) has no subnet, but a route table of its own.
  SubnetId: optional(refId, NEAR_MISS),
  VpcId: optId,
  AvailabilityMode: optStr,
  RouteTableId: optId,
  // Only public, live gateways are judged: `Public` or `Available` read as other values skipped one.
  State: optional(oneOf(['pending', 'failed', 'available', 'deleting', 'deleted']), NEAR_MISS),
  ConnectivityType: optional(oneOf(['public', 'private']), NEAR_MISS),
  Tags: tags,
});

const groupRefs = list(obj({ GroupId: refId, GroupName: optStr }));

const POLICY = 'a policy document (JSON text, or the policy object itself)';

/**
 * An endpoint's policy: the JSON text DescribeVpcEndpoints returns, or the policy as an object (a
 * hand-made snapshot, CloudFormation's `PolicyDocument`). The rule compares meaning, not text
 * (DESIGN §5), so both are read; anything else (a list, a number) is an error naming the path.
 */
const policyDocument: Schema<string | Record<string, unknown>> = {
  expected: POLICY,
  emit: (e, v) =>
    `if (typeof ${v} !== "string" && (${v} === null || typeof ${v} !== "object" || ${e.bind(Array.isArray)}(${v}))) return false;`,
  check: (v, x) => {
    if (typeof v === 'string' || (v !== null && typeof v === 'object' && !Array.isArray(v))) return true;
    if (x) report(x, undefined, `expected ${POLICY}, got ${describeValue(v)}`);
    return false;
  },
};

export const VpcEndpointSchema = obj({
  VpcEndpointId: ownId,
  VpcId: optional(refId, NEAR_MISS),
  VpcEndpointType: optStr,
  ServiceName: optStr,
  State: optStr,
  PolicyDocument: optional(policyDocument, NEAR_MISS),
  RouteTableIds: list(refId),
  SubnetIds: list(refId),
  Groups: groupRefs,
  NetworkInterfaceIds: list(refId),
  Tags: tags,
});

// An interface's Association is searched under a near-miss spelling though most have none (~2 ms on
// L's 50k interfaces): misspelt, it hid the public address. Not in `PrivateIpAddresses` items (~5 ms).
const publicIp = obj({ PublicIp: optional(ipv4, NEAR_MISS) });
const association = optional(publicIp, NEAR_MISS);
const privateIpAssociation = optional(publicIp);

export const NetworkInterfaceSchema = obj({
  NetworkInterfaceId: ownId,
  // Always printed by EC2; misspelt, the interface would be "not judged" for want of a subnet.
  SubnetId: optional(refId, NEAR_MISS),
  VpcId: optional(refId, NEAR_MISS),
  InterfaceType: optStr,
  /** Who created a requester-managed interface (`amazon-elb`, …): read by `allowRequesterIds`. */
  RequesterId: optStr,
  Status: optStr,
  Description: optStr,
  PrivateIpAddress: optStr,
  Association: association,
  PrivateIpAddresses: list(obj({ PrivateIpAddress: optStr, Association: privateIpAssociation })),
  // Searched under a near-miss spelling as `Association` is: misspelt, it hid public IPv6 addresses.
  Ipv6Address: optional(ipv6, NEAR_MISS),
  Ipv6Addresses: list(obj({ Ipv6Address: ipv6 })),
  // Prefix delegation: every address of a delegated prefix is the interface's (not defaulted).
  Ipv6Prefixes: optional(list(obj({ Ipv6Prefix: cidr6 })), NEAR_MISS),
  Groups: groupRefs,
  Attachment: optional(obj({ InstanceId: optId, InstanceOwnerId: optStr })),
  TagSet: tags,
  // EC2 names an interface's tags TagSet; `Tags` is read when a hand-made snapshot uses it. Not
  // defaulted: adding a key to 50k parsed interfaces costs a shape change each.
  Tags: optional(tags),
});

/**
 * An AWS-managed list (`com.amazonaws.<region>.s3`, CloudFront's origin-facing list, …): EC2 prints
 * `OwnerId` "AWS" for it, and a customer's list may not take a name starting `com.amazonaws.`. It
 * holds an AWS service's own addresses, never the internet at large (DESIGN §3 and §4 name only an
 * unresolved *customer* list as unknown).
 */
export function isAwsManagedPrefixList(list: { OwnerId?: string; PrefixListName?: string }): boolean {
  return list.OwnerId === 'AWS' || list.PrefixListName?.startsWith('com.amazonaws.') === true;
}

export const ManagedPrefixListSchema = obj(
  {
    PrefixListId: ownId,
    PrefixListName: optStr,
    AddressFamily: optStr,
    OwnerId: optStr,
    Entries: optional(
      list(
        obj({
          Cidr: format('a valid IPv4 or IPv6 CIDR', (c) => isCidr4(c) || isCidr6(c)),
          Description: optStr,
        }),
      ),
      // Absent on an AWS-managed list reads as no internet source: never under a misspelt key.
      NEAR_MISS,
    ),
  },
  // Required of a customer's list: `describe-managed-prefix-lists` prints no entries (they come
  // from `get-managed-prefix-list-entries`), and a list read as empty would hide a world-open
  // source. An AWS-managed list as that call prints it is accepted without them: its addresses are
  // an AWS service's, so it is no internet source and nothing is left unjudged.
  (list, issue) => {
    if (list.Entries !== undefined || isAwsManagedPrefixList(list)) return true;
    issue('Entries', 'is required (expected an array)');
    return false;
  },
);

export const SnapshotSchema = obj({
  accountId: optStr,
  region: optStr,
  Vpcs: list(VpcSchema, { uniqueBy: 'VpcId', separate: true }),
  Subnets: list(SubnetSchema, { uniqueBy: 'SubnetId', separate: true }),
  SecurityGroups: list(SecurityGroupSchema, { uniqueBy: 'GroupId', separate: true }),
  SecurityGroupRules: list(SecurityGroupRuleSchema, { uniqueBy: 'SecurityGroupRuleId', separate: true }),
  NetworkAcls: list(NetworkAclSchema, { uniqueBy: 'NetworkAclId', separate: true }),
  RouteTables: list(RouteTableSchema, { uniqueBy: 'RouteTableId', separate: true }),
  InternetGateways: list(InternetGatewaySchema, { uniqueBy: 'InternetGatewayId', separate: true }),
  NatGateways: list(NatGatewaySchema, { uniqueBy: 'NatGatewayId', separate: true }),
  VpcEndpoints: list(VpcEndpointSchema, { uniqueBy: 'VpcEndpointId', separate: true }),
  NetworkInterfaces: list(NetworkInterfaceSchema, { uniqueBy: 'NetworkInterfaceId', separate: true }),
  ManagedPrefixLists: list(ManagedPrefixListSchema, { uniqueBy: 'PrefixListId', separate: true }),
});

/** The top-level keys of a snapshot (DESIGN §3), in their documented spelling. */
export const SNAPSHOT_KEYS = [
  'accountId',
  'region',
  'Vpcs',
  'Subnets',
  'SecurityGroups',
  'SecurityGroupRules',
  'NetworkAcls',
  'RouteTables',
  'InternetGateways',
  'NatGateways',
  'VpcEndpoints',
  'NetworkInterfaces',
  'ManagedPrefixLists',
] as const;

export type Snapshot = Infer<typeof SnapshotSchema>;
export type SnapshotInput = InferInput<typeof SnapshotSchema>;
export type Tag = Infer<typeof TagSchema>;
export type VpcItem = Infer<typeof VpcSchema>;
export type SubnetItem = Infer<typeof SubnetSchema>;
export type SecurityGroupItem = Infer<typeof SecurityGroupSchema>;
export type IpPermissionItem = Infer<typeof IpPermissionSchema>;
export type SecurityGroupRuleItem = Infer<typeof SecurityGroupRuleSchema>;
export type NetworkAclItem = Infer<typeof NetworkAclSchema>;
export type NetworkAclEntryItem = Infer<typeof NetworkAclEntrySchema>;
export type RouteTableItem = Infer<typeof RouteTableSchema>;
export type RouteItem = Infer<typeof RouteSchema>;
export type InternetGatewayItem = Infer<typeof InternetGatewaySchema>;
export type NatGatewayItem = Infer<typeof NatGatewaySchema>;
export type VpcEndpointItem = Infer<typeof VpcEndpointSchema>;
export type NetworkInterfaceItem = Infer<typeof NetworkInterfaceSchema>;
export type ManagedPrefixListItem = Infer<typeof ManagedPrefixListSchema>;
