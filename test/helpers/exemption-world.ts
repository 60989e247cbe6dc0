// One VPC with a public subnet, an allow-all default NACL, and the groups and interfaces a test
// gives: the world of the exemption tests (DESIGN §8), as describe-* prints it.

type Tag = { Key: string; Value: string };
type Permission = Record<string, unknown>;

/** An ingress permission as describe-security-groups prints it. */
export function permission(protocol: string, from: number, to: number, cidr: string): Permission {
  return {
    IpProtocol: protocol,
    FromPort: from,
    ToPort: to,
    IpRanges: [{ CidrIp: cidr }],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
}

export function group(id: string, permissions: Permission[], tags: Tag[] = []) {
  return {
    GroupId: id,
    GroupName: id,
    Description: id,
    OwnerId: '111122223333',
    VpcId: 'vpc-0e4',
    IpPermissions: permissions,
    IpPermissionsEgress: [],
    Tags: tags,
  };
}

/** An instance interface with a public IPv4 address in the public subnet. */
export function networkInterface(id: string, groupIds: string[], extra: Record<string, unknown> = {}) {
  return {
    NetworkInterfaceId: id,
    SubnetId: 'subnet-0e4',
    VpcId: 'vpc-0e4',
    Status: 'in-use',
    InterfaceType: 'interface',
    PrivateIpAddress: '10.40.1.10',
    Association: { PublicIp: '54.240.1.200' },
    Groups: groupIds.map((GroupId) => ({ GroupId, GroupName: GroupId })),
    ...extra,
  };
}

/**
 * One VPC: a public subnet (default route to igw-0e4) whose NACL allows everything both ways (as
 * a VPC's default NACL does), the given groups and interfaces.
 */
export function snapshot(groups: unknown[], interfaces: unknown[]) {
  const entry = (egress: boolean, number: number, action: string) => ({
    RuleNumber: number,
    Protocol: '-1',
    RuleAction: action,
    Egress: egress,
    CidrBlock: '0.0.0.0/0',
  });
  return {
    Vpcs: [{ VpcId: 'vpc-0e4', CidrBlock: '10.40.0.0/16', IsDefault: false }],
    Subnets: [
      {
        SubnetId: 'subnet-0e4',
        VpcId: 'vpc-0e4',
        CidrBlock: '10.40.1.0/24',
        MapPublicIpOnLaunch: false,
        Tags: [{ Key: 'Name', Value: 'web' }],
      },
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-0e4',
        VpcId: 'vpc-0e4',
        Associations: [{ Main: true, RouteTableId: 'rtb-0e4' }],
        Routes: [
          { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0e4', State: 'active' },
        ],
      },
    ],
    InternetGateways: [
      { InternetGatewayId: 'igw-0e4', Attachments: [{ VpcId: 'vpc-0e4', State: 'available' }] },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-0e4',
        VpcId: 'vpc-0e4',
        IsDefault: true,
        Associations: [{ NetworkAclId: 'acl-0e4', SubnetId: 'subnet-0e4' }],
        Entries: [
          entry(false, 100, 'allow'),
          entry(false, 32767, 'deny'),
          entry(true, 100, 'allow'),
          entry(true, 32767, 'deny'),
        ],
      },
    ],
    SecurityGroups: groups,
    NetworkInterfaces: interfaces,
  };
}
