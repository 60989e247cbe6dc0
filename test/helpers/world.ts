// A small VPC, in EC2 Describe* shapes, to serve both as the fake EC2 behind the Lambda and as
// the snapshot file of `vpc-guardrail simulate`: one public subnet routed to an internet gateway,
// a default NACL that allows everything, a security group and an instance interface using it.

import { entry, nacl } from './snapshot';

type Item = Record<string, unknown>;

export interface World {
  accountId?: string;
  region?: string;
  Vpcs: Item[];
  Subnets: Item[];
  SecurityGroups: Item[];
  SecurityGroupRules: Item[];
  NetworkAcls: Item[];
  RouteTables: Item[];
  NatGateways: Item[];
  VpcEndpoints: Item[];
  NetworkInterfaces: Item[];
  ManagedPrefixLists: {
    PrefixListId: string;
    Entries: { Cidr: string }[];
    /** Entries of earlier versions, by version number (GetManagedPrefixListEntries' TargetVersion). */
    Versions?: Record<number, { Cidr: string }[]>;
  }[];
}

/** One security-group rule with one source. */
export interface RuleSpec {
  id: string;
  egress?: boolean;
  protocol?: string;
  from?: number;
  to?: number;
  /** An IPv4 or IPv6 CIDR (by the colon). */
  cidr?: string;
  group?: string;
  prefixList?: string;
  description?: string;
}

export interface NaclEntrySpec {
  rule: number;
  egress?: boolean;
  protocol?: string;
  action?: 'allow' | 'deny';
  cidr?: string;
  from?: number;
  to?: number;
}

export const VPC = 'vpc-0a1';
export const SUBNET = 'subnet-0pub';
export const ACL = 'acl-0default';
export const ENI = 'eni-0web';
export const INSTANCE = 'i-0web';
export const OTHER_GROUP = 'sg-0base';

export interface WorldOptions {
  groupId: string;
  groupName?: string;
  rules: RuleSpec[];
  groupTags?: { Key: string; Value: string }[];
  /** Inbound entries of the subnet's NACL (default: allow everything, both families). */
  naclIngress?: NaclEntrySpec[];
  /** Egress entries (default: allow everything). */
  naclEgress?: NaclEntrySpec[];
  accountId?: string;
  region?: string;
  /**
   * The VPC is the region's default VPC: a call naming a group by name without a VPC (the EC2 API
   * reads such a name in the default VPC only) finds the world's group.
   */
  defaultVpc?: boolean;
}

/** The ingress/egress of a rule as a DescribeSecurityGroups permission. */
function permission(rule: RuleSpec): Item {
  const protocol = rule.protocol ?? 'tcp';
  const p: Item = {
    IpProtocol: protocol,
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
  if (protocol !== '-1') {
    p.FromPort = rule.from ?? 0;
    p.ToPort = rule.to ?? rule.from ?? 65535;
  }
  if (rule.cidr?.includes(':')) p.Ipv6Ranges = [{ CidrIpv6: rule.cidr }];
  else if (rule.cidr) p.IpRanges = [{ CidrIp: rule.cidr }];
  if (rule.group) p.UserIdGroupPairs = [{ GroupId: rule.group, UserId: '111122223333' }];
  if (rule.prefixList) p.PrefixListIds = [{ PrefixListId: rule.prefixList }];
  return p;
}

/** The rule as DescribeSecurityGroupRules reports it. */
function ruleItem(groupId: string, rule: RuleSpec): Item {
  const protocol = rule.protocol ?? 'tcp';
  const item: Item = {
    SecurityGroupRuleId: rule.id,
    GroupId: groupId,
    GroupOwnerId: '111122223333',
    IsEgress: rule.egress === true,
    IpProtocol: protocol,
    FromPort: protocol === '-1' ? -1 : (rule.from ?? 0),
    ToPort: protocol === '-1' ? -1 : (rule.to ?? rule.from ?? 65535),
    Tags: [],
  };
  if (rule.cidr?.includes(':')) item.CidrIpv6 = rule.cidr;
  else if (rule.cidr) item.CidrIpv4 = rule.cidr;
  if (rule.group) item.ReferencedGroupInfo = { GroupId: rule.group, UserId: '111122223333' };
  if (rule.prefixList) item.PrefixListId = rule.prefixList;
  if (rule.description) item.Description = rule.description;
  return item;
}

/** A NACL entry spec as the one `entry` builder writes it. */
function naclEntry(spec: NaclEntrySpec, egress: boolean): ReturnType<typeof entry> {
  const ports = spec.from === undefined ? undefined : ([spec.from, spec.to ?? spec.from] as const);
  return entry(
    spec.rule,
    egress ? 'out' : 'in',
    spec.action ?? 'allow',
    spec.protocol ?? '-1',
    spec.cidr ?? '0.0.0.0/0',
    ports,
  );
}

const ALLOW_ALL: NaclEntrySpec[] = [
  { rule: 100, cidr: '0.0.0.0/0' },
  { rule: 101, cidr: '::/0' },
];

/** The world around one security group (see the file comment). */
export function buildWorld(options: WorldOptions): World {
  const { groupId, rules } = options;
  const egressDefault: RuleSpec = {
    id: `sgr-egress-${groupId}`,
    egress: true,
    protocol: '-1',
    cidr: '0.0.0.0/0',
  };
  const all = [...rules, ...(rules.some((r) => r.egress) ? [] : [egressDefault])];
  const ingress = all.filter((r) => !r.egress);
  const egress = all.filter((r) => r.egress);
  return {
    accountId: options.accountId ?? '111122223333',
    region: options.region ?? 'us-east-1',
    Vpcs: [
      {
        VpcId: VPC,
        ...(options.defaultVpc ? { IsDefault: true } : {}),
        OwnerId: '111122223333',
        CidrBlock: '10.0.0.0/16',
        CidrBlockAssociationSet: [
          {
            AssociationId: 'vpc-cidr-assoc-0a1',
            CidrBlock: '10.0.0.0/16',
            CidrBlockState: { State: 'associated' },
          },
        ],
        Ipv6CidrBlockAssociationSet: [
          {
            AssociationId: 'vpc-cidr-assoc-0a6',
            Ipv6CidrBlock: '2600:1f18::/56',
            Ipv6CidrBlockState: { State: 'associated' },
          },
        ],
        Tags: [],
      },
    ],
    Subnets: [
      {
        SubnetId: SUBNET,
        VpcId: VPC,
        CidrBlock: '10.0.1.0/24',
        MapPublicIpOnLaunch: false,
        Tags: [{ Key: 'Name', Value: 'public-a' }],
      },
    ],
    SecurityGroups: [
      {
        GroupId: groupId,
        GroupName: options.groupName ?? 'web',
        VpcId: VPC,
        OwnerId: '111122223333',
        Description: 'web servers',
        IpPermissions: ingress.map(permission),
        IpPermissionsEgress: egress.map(permission),
        Tags: options.groupTags ?? [],
      },
      {
        GroupId: OTHER_GROUP,
        GroupName: 'base',
        VpcId: VPC,
        IpPermissions: [],
        IpPermissionsEgress: [permission({ id: 'x', protocol: '-1', cidr: '0.0.0.0/0' })],
        Tags: [],
      },
    ],
    SecurityGroupRules: [
      ...all.map((r) => ruleItem(groupId, r)),
      ruleItem(OTHER_GROUP, { id: 'sgr-0base-egress', egress: true, protocol: '-1', cidr: '0.0.0.0/0' }),
    ],
    NetworkAcls: [
      // Only the IPv4 final deny is listed, as this world always had it (tests on every branch are
      // written against these entries); the engine applies the IPv6 one all the same.
      nacl(
        ACL,
        [
          ...(options.naclIngress ?? ALLOW_ALL).map((e) => naclEntry(e, false)),
          ...(options.naclEgress ?? ALLOW_ALL).map((e) => naclEntry(e, true)),
        ],
        { isDefault: true, vpcId: VPC, subnetIds: [SUBNET], ipv6: false },
      ),
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-0main',
        VpcId: VPC,
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0a1', State: 'active' },
          { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0a1', State: 'active' },
        ],
        Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0main', RouteTableId: 'rtb-0main' }],
        Tags: [],
      },
    ],
    NatGateways: [],
    VpcEndpoints: [],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: ENI,
        SubnetId: SUBNET,
        VpcId: VPC,
        InterfaceType: 'interface',
        Status: 'in-use',
        PrivateIpAddress: '10.0.1.10',
        Association: { PublicIp: '54.0.0.10' },
        Ipv6Addresses: [{ Ipv6Address: '2600:1f18::10' }],
        Groups: [
          { GroupId: groupId, GroupName: options.groupName ?? 'web' },
          { GroupId: OTHER_GROUP, GroupName: 'base' },
        ],
        Attachment: { InstanceId: INSTANCE, InstanceOwnerId: '111122223333' },
        TagSet: [],
      },
    ],
    ManagedPrefixLists: [],
  };
}

/** A successful CloudTrail record of the kind the fixtures show (structured request form). */
export function cloudTrailRecord(
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = { _return: true },
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/Admin' } },
    },
    eventTime: '2025-06-15T10:51:12Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.17',
    requestParameters,
    responseElements,
    requestID: 'req-1',
    eventID: 'evt-1',
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

/** An AuthorizeSecurityGroupIngress record adding `cidrs` on one tcp port, with its rule set. */
export function authorizeIngress(
  groupId: string,
  port: number,
  sources: [string, string][],
): Record<string, unknown> {
  const v4 = sources.filter(([, cidr]) => !cidr.includes(':'));
  const v6 = sources.filter(([, cidr]) => cidr.includes(':'));
  return cloudTrailRecord(
    'AuthorizeSecurityGroupIngress',
    {
      groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            groups: {},
            ipRanges: v4.length > 0 ? { items: v4.map(([, cidrIp]) => ({ cidrIp })) } : {},
            ipv6Ranges: v6.length > 0 ? { items: v6.map(([, cidrIpv6]) => ({ cidrIpv6 })) } : {},
            prefixListIds: {},
          },
        ],
      },
    },
    {
      requestId: 'req-1',
      _return: true,
      securityGroupRuleSet: {
        items: sources.map(([id, cidr]) => ({
          groupOwnerId: '111122223333',
          groupId,
          securityGroupRuleId: id,
          isEgress: false,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
        })),
      },
    },
  );
}
