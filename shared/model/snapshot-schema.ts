import * as z from 'zod';
import { parseCidr4, parseCidr6 } from '../net/cidr';

// The snapshot is EC2 Describe* output as the AWS API / CLI prints it (PascalCase). Unknown keys
// are stripped, missing lists default to []. Only the fields the engine reads are declared.

const cidr4 = z.string().refine((s) => parseCidr4(s) !== undefined, { message: 'not a valid IPv4 CIDR' });
const cidr6 = z.string().refine((s) => parseCidr6(s) !== undefined, { message: 'not a valid IPv6 CIDR' });
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

export const TagSchema = z.object({ Key: z.string(), Value: z.string().default('') });
const tags = list(TagSchema);
const blockState = z.object({ State: z.string().optional() }).optional();

export const VpcSchema = z.object({
  VpcId: z.string(),
  CidrBlock: z.string().optional(),
  // The NACL fix keeps admin access from the VPC's own blocks (DESIGN §8): absent means unknown
  // for IPv4 (then `CidrBlock` is the only block) and none for IPv6 (as DescribeVpcs omits it).
  CidrBlockAssociationSet: z
    .array(z.object({ CidrBlock: cidr4.optional(), CidrBlockState: blockState }))
    .optional(),
  Ipv6CidrBlockAssociationSet: z
    .array(z.object({ Ipv6CidrBlock: cidr6.optional(), Ipv6CidrBlockState: blockState }))
    .optional(),
  IsDefault: z.boolean().optional(),
  OwnerId: z.string().optional(),
  Tags: tags,
});

export const SubnetSchema = z.object({
  SubnetId: z.string(),
  VpcId: z.string(),
  CidrBlock: z.string().optional(),
  AvailabilityZone: z.string().optional(),
  MapPublicIpOnLaunch: z.boolean().optional(),
  OwnerId: z.string().optional(),
  Tags: tags,
});

export const UserIdGroupPairSchema = z.object({
  GroupId: z.string().optional(),
  GroupName: z.string().optional(),
  UserId: z.string().optional(),
  VpcId: z.string().optional(),
  VpcPeeringConnectionId: z.string().optional(),
  PeeringStatus: z.string().optional(),
  Description: z.string().optional(),
});

export const IpPermissionSchema = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  IpRanges: list(z.object({ CidrIp: cidr4, Description: z.string().optional() })),
  Ipv6Ranges: list(z.object({ CidrIpv6: cidr6, Description: z.string().optional() })),
  PrefixListIds: list(z.object({ PrefixListId: z.string(), Description: z.string().optional() })),
  UserIdGroupPairs: list(UserIdGroupPairSchema),
});

export const SecurityGroupSchema = z.object({
  GroupId: z.string(),
  GroupName: z.string().optional(),
  Description: z.string().optional(),
  VpcId: z.string().optional(),
  OwnerId: z.string().optional(),
  IpPermissions: list(IpPermissionSchema),
  IpPermissionsEgress: list(IpPermissionSchema),
  Tags: tags,
});

export const SecurityGroupRuleSchema = z.object({
  SecurityGroupRuleId: z.string(),
  GroupId: z.string(),
  GroupOwnerId: z.string().optional(),
  IsEgress: z.boolean(),
  IpProtocol: z.string(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  CidrIpv4: cidr4.optional(),
  CidrIpv6: cidr6.optional(),
  PrefixListId: z.string().optional(),
  ReferencedGroupInfo: z
    .object({
      GroupId: z.string().optional(),
      UserId: z.string().optional(),
      VpcId: z.string().optional(),
      VpcPeeringConnectionId: z.string().optional(),
      PeeringStatus: z.string().optional(),
    })
    .optional(),
  Description: z.string().optional(),
  Tags: tags,
});

export const NetworkAclEntrySchema = z
  .object({
    RuleNumber: z.number().int(),
    Protocol: z.string(),
    RuleAction: z.enum(['allow', 'deny']),
    Egress: z.boolean(),
    CidrBlock: cidr4.optional(),
    Ipv6CidrBlock: cidr6.optional(),
    PortRange: z.object({ From: z.number().int().optional(), To: z.number().int().optional() }).optional(),
    IcmpTypeCode: z
      .object({ Type: z.number().int().optional(), Code: z.number().int().optional() })
      .optional(),
  })
  .refine((e) => e.CidrBlock !== undefined || e.Ipv6CidrBlock !== undefined, {
    message: 'needs a CidrBlock or an Ipv6CidrBlock',
  });

export const NetworkAclSchema = z.object({
  NetworkAclId: z.string(),
  VpcId: z.string(),
  IsDefault: z.boolean().optional(),
  OwnerId: z.string().optional(),
  Entries: list(NetworkAclEntrySchema),
  Associations: list(
    z.object({
      NetworkAclAssociationId: z.string().optional(),
      NetworkAclId: z.string().optional(),
      SubnetId: z.string(),
    }),
  ),
  Tags: tags,
});

export const RouteSchema = z.object({
  DestinationCidrBlock: z.string().optional(),
  DestinationIpv6CidrBlock: z.string().optional(),
  DestinationPrefixListId: z.string().optional(),
  GatewayId: z.string().optional(),
  NatGatewayId: z.string().optional(),
  InstanceId: z.string().optional(),
  NetworkInterfaceId: z.string().optional(),
  TransitGatewayId: z.string().optional(),
  VpcPeeringConnectionId: z.string().optional(),
  EgressOnlyInternetGatewayId: z.string().optional(),
  CarrierGatewayId: z.string().optional(),
  LocalGatewayId: z.string().optional(),
  CoreNetworkArn: z.string().optional(),
  State: z.string().optional(),
  Origin: z.string().optional(),
});

export const RouteTableSchema = z.object({
  RouteTableId: z.string(),
  VpcId: z.string(),
  OwnerId: z.string().optional(),
  Routes: list(RouteSchema),
  Associations: list(
    z.object({
      Main: z.boolean().optional(),
      RouteTableAssociationId: z.string().optional(),
      RouteTableId: z.string().optional(),
      SubnetId: z.string().optional(),
      GatewayId: z.string().optional(),
      AssociationState: z.object({ State: z.string().optional() }).optional(),
    }),
  ),
  Tags: tags,
});

export const InternetGatewaySchema = z.object({
  InternetGatewayId: z.string(),
  OwnerId: z.string().optional(),
  Attachments: list(z.object({ State: z.string().optional(), VpcId: z.string() })),
  Tags: tags,
});

export const NatGatewaySchema = z.object({
  NatGatewayId: z.string(),
  SubnetId: z.string(),
  VpcId: z.string().optional(),
  State: z.string().optional(),
  ConnectivityType: z.string().optional(),
  Tags: tags,
});

export const VpcEndpointSchema = z.object({
  VpcEndpointId: z.string(),
  VpcId: z.string().optional(),
  VpcEndpointType: z.string().optional(),
  ServiceName: z.string().optional(),
  State: z.string().optional(),
  PolicyDocument: z.string().optional(),
  RouteTableIds: list(z.string()),
  SubnetIds: list(z.string()),
  Groups: list(z.object({ GroupId: z.string(), GroupName: z.string().optional() })),
  NetworkInterfaceIds: list(z.string()),
  Tags: tags,
});

export const NetworkInterfaceSchema = z.object({
  NetworkInterfaceId: z.string(),
  SubnetId: z.string().optional(),
  VpcId: z.string().optional(),
  InterfaceType: z.string().optional(),
  Status: z.string().optional(),
  Description: z.string().optional(),
  PrivateIpAddress: z.string().optional(),
  Association: z.object({ PublicIp: z.string().optional() }).optional(),
  PrivateIpAddresses: list(
    z.object({
      PrivateIpAddress: z.string().optional(),
      Association: z.object({ PublicIp: z.string().optional() }).optional(),
    }),
  ),
  Ipv6Address: z.string().optional(),
  Ipv6Addresses: list(z.object({ Ipv6Address: z.string() })),
  Groups: list(z.object({ GroupId: z.string(), GroupName: z.string().optional() })),
  Attachment: z
    .object({ InstanceId: z.string().optional(), InstanceOwnerId: z.string().optional() })
    .optional(),
  TagSet: tags,
  Tags: tags,
});

export const ManagedPrefixListSchema = z.object({
  PrefixListId: z.string(),
  PrefixListName: z.string().optional(),
  AddressFamily: z.string().optional(),
  OwnerId: z.string().optional(),
  Entries: list(
    z.object({
      Cidr: z.string().refine((c) => parseCidr4(c) !== undefined || parseCidr6(c) !== undefined, {
        message: 'not a valid IPv4 or IPv6 CIDR',
      }),
      Description: z.string().optional(),
    }),
  ),
});

export const SnapshotSchema = z.object({
  accountId: z.string().optional(),
  region: z.string().optional(),
  Vpcs: list(VpcSchema),
  Subnets: list(SubnetSchema),
  SecurityGroups: list(SecurityGroupSchema),
  SecurityGroupRules: list(SecurityGroupRuleSchema),
  NetworkAcls: list(NetworkAclSchema),
  RouteTables: list(RouteTableSchema),
  InternetGateways: list(InternetGatewaySchema),
  NatGateways: list(NatGatewaySchema),
  VpcEndpoints: list(VpcEndpointSchema),
  NetworkInterfaces: list(NetworkInterfaceSchema),
  ManagedPrefixLists: list(ManagedPrefixListSchema),
});

export type Snapshot = z.infer<typeof SnapshotSchema>;
export type SnapshotInput = z.input<typeof SnapshotSchema>;
export type Tag = z.infer<typeof TagSchema>;
export type VpcItem = z.infer<typeof VpcSchema>;
export type SubnetItem = z.infer<typeof SubnetSchema>;
export type SecurityGroupItem = z.infer<typeof SecurityGroupSchema>;
export type IpPermissionItem = z.infer<typeof IpPermissionSchema>;
export type SecurityGroupRuleItem = z.infer<typeof SecurityGroupRuleSchema>;
export type NetworkAclItem = z.infer<typeof NetworkAclSchema>;
export type NetworkAclEntryItem = z.infer<typeof NetworkAclEntrySchema>;
export type RouteTableItem = z.infer<typeof RouteTableSchema>;
export type RouteItem = z.infer<typeof RouteSchema>;
export type InternetGatewayItem = z.infer<typeof InternetGatewaySchema>;
export type NatGatewayItem = z.infer<typeof NatGatewaySchema>;
export type VpcEndpointItem = z.infer<typeof VpcEndpointSchema>;
export type NetworkInterfaceItem = z.infer<typeof NetworkInterfaceSchema>;
export type ManagedPrefixListItem = z.infer<typeof ManagedPrefixListSchema>;
