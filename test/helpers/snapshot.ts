// The one set of EC2 Describe* builders every test uses (unit and acceptance), so a NACL or a group
// means the same thing in every file: NACLs carry their implicit final denies as EC2 lists them
// unless a test opts out to check what the engine does without them.

/** An IpPermission of describe-security-groups; sources told apart by shape (pl-, sg-, IPv6, IPv4). */
export function perm(protocol: string, ports: readonly [number, number] | undefined, ...sources: string[]) {
  return {
    IpProtocol: protocol,
    ...(ports ? { FromPort: ports[0], ToPort: ports[1] } : {}),
    IpRanges: sources
      .filter((s) => !s.startsWith('pl-') && !s.startsWith('sg-') && !s.includes(':'))
      .map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: sources.filter((s) => s.includes(':')).map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: sources.filter((s) => s.startsWith('pl-')).map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: sources
      .filter((s) => s.startsWith('sg-'))
      .map((GroupId) => ({ GroupId, UserId: '111122223333' })),
  };
}

/** A describe-security-groups item. */
export function sg(
  id: string,
  ingress: ReturnType<typeof perm>[],
  options: {
    name?: string;
    egress?: ReturnType<typeof perm>[];
    tags?: { Key: string; Value: string }[];
    vpcId?: string;
  } = {},
) {
  return {
    GroupId: id,
    GroupName: options.name ?? `web-${id}`,
    Description: 'test group',
    OwnerId: '111122223333',
    VpcId: options.vpcId ?? 'vpc-1',
    IpPermissions: ingress,
    IpPermissionsEgress: options.egress ?? [],
    ...(options.tags ? { Tags: options.tags } : {}),
  };
}

/** One group's snapshot. */
export function groups(...items: ReturnType<typeof sg>[]): Record<string, unknown> {
  return { SecurityGroups: items };
}

/** A describe-network-acls entry; `ports` only for tcp/udp. */
export function entry(
  ruleNumber: number,
  direction: 'in' | 'out',
  action: 'allow' | 'deny',
  protocol: string,
  cidr: string,
  ports?: readonly [number, number],
) {
  return {
    RuleNumber: ruleNumber,
    Egress: direction === 'out',
    RuleAction: action,
    Protocol: protocol,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  };
}

/** The entries EC2 appends to every NACL: deny-all 32767 (IPv4) and, in an IPv6 VPC, 32768 (IPv6). */
export function implicitDenies(ipv6: boolean): ReturnType<typeof entry>[] {
  return (['in', 'out'] as const).flatMap((direction) => [
    entry(32767, direction, 'deny', '-1', '0.0.0.0/0'),
    ...(ipv6 ? [entry(32768, direction, 'deny', '-1', '::/0')] : []),
  ]);
}

/**
 * A describe-network-acls item. The implicit final denies are appended as EC2 lists them (the IPv6
 * one when `ipv6`, by default when any entry is IPv6); `implicitDenies: false` gives the entries
 * exactly as passed, for tests of what the engine assumes when a listing lacks them.
 */
export function nacl(
  id: string,
  entries: ReturnType<typeof entry>[],
  options: {
    isDefault?: boolean;
    subnetIds?: string[];
    vpcId?: string;
    implicitDenies?: boolean;
    ipv6?: boolean;
  } = {},
) {
  const ipv6 = options.ipv6 ?? entries.some((e) => 'Ipv6CidrBlock' in e);
  return {
    NetworkAclId: id,
    VpcId: options.vpcId ?? 'vpc-1',
    IsDefault: options.isDefault ?? false,
    OwnerId: '111122223333',
    Entries: [...entries, ...(options.implicitDenies === false ? [] : implicitDenies(ipv6))],
    Associations: (options.subnetIds ?? ['subnet-1']).map((SubnetId, i) => ({
      NetworkAclAssociationId: `aclassoc-${i}`,
      NetworkAclId: id,
      SubnetId,
    })),
    Tags: [],
  };
}

/** Both directions allowing everything (IPv4 and IPv6), as the AWS default NACL does (`nacl` adds the denies). */
export const OPEN_ENTRIES = [
  entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'in', 'allow', '-1', '::/0'),
  entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'out', 'allow', '-1', '::/0'),
];

/** A DescribeVpcs item with its associated CIDR blocks, IPv4 and IPv6 told apart by shape. */
export function vpc(id: string, ...cidrs: string[]) {
  const v4 = cidrs.filter((c) => !c.includes(':'));
  const v6 = cidrs.filter((c) => c.includes(':'));
  return {
    VpcId: id,
    ...(v4[0] ? { CidrBlock: v4[0] } : {}),
    CidrBlockAssociationSet: v4.map((CidrBlock) => ({ CidrBlock, CidrBlockState: { State: 'associated' } })),
    ...(v6.length > 0
      ? {
          Ipv6CidrBlockAssociationSet: v6.map((Ipv6CidrBlock) => ({
            Ipv6CidrBlock,
            Ipv6CidrBlockState: { State: 'associated' },
          })),
        }
      : {}),
  };
}
