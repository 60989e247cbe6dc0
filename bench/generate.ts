import type { SnapshotInput } from '../shared/model/snapshot-schema';

/** Benchmark sizes (DESIGN §12). Per VPC: 1000 groups, 200 NACLs, 1000 interfaces. */
export const SIZES = {
  S: { vpcs: 1 },
  M: { vpcs: 10 },
  L: { vpcs: 50 },
} as const;
export type BenchSize = keyof typeof SIZES;

export const GROUPS_PER_VPC = 1000;
export const NACLS_PER_VPC = 200;
export const INTERFACES_PER_VPC = 1000;
const SUBNETS_PER_VPC = 300;
const ROUTE_TABLES_PER_VPC = 60;
const NACL_TEMPLATES_PER_VPC = 8;
/** Interfaces come in "roles" (an auto-scaling group, a service): each role has one group set. */
const ROLES_PER_VPC = 120;

/** Counts of what a generated region holds (rules = one per source, as DescribeSecurityGroupRules counts). */
export interface RegionStats {
  securityGroups: number;
  rules: number;
  networkAcls: number;
  networkInterfaces: number;
}

type Rng = () => number;

/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
function pick<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}
const hex = (n: number, width = 17) => n.toString(16).padStart(width, '0');

const PRIVATE_PORTS = [22, 443, 80, 5432, 3306, 6379, 8080, 8443, 9092, 27017, 2049, 53] as const;
const ACCOUNT = '123456789012';
const FULL_ACCESS_POLICY = JSON.stringify({
  Statement: [{ Action: '*', Effect: 'Allow', Principal: '*', Resource: '*' }],
});
const RESTRICTED_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: ['arn:aws:s3:::my-bucket/*'],
    },
  ],
});

type Permission = {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: { CidrIp: string; Description?: string }[];
  Ipv6Ranges: { CidrIpv6: string }[];
  PrefixListIds: { PrefixListId: string }[];
  UserIdGroupPairs: { GroupId: string; UserId: string }[];
};

function permission(protocol: string, from?: number, to?: number): Permission {
  const p: Permission = {
    IpProtocol: protocol,
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
  if (from !== undefined) p.FromPort = from;
  if (to !== undefined) p.ToPort = to;
  return p;
}

function sourceCount(p: Permission): number {
  return p.IpRanges.length + p.Ipv6Ranges.length + p.PrefixListIds.length + p.UserIdGroupPairs.length;
}

/**
 * Generates a realistic synthetic region as a DESIGN §3 snapshot, deterministic for (size, seed):
 * most groups private (VPC CIDRs, referenced groups), some world-open on 80/443, a few on 22,
 * on ranges or through split/blocklisted worlds; NACLs with denies, ephemeral return entries and
 * IPv6; public and private subnets on explicit and main route tables (NAT, blackhole and gateway
 * endpoint routes); interfaces with and without public IPv4 and IPv6 addresses.
 */
export function generateRegion(size: BenchSize, seed = 1): { snapshot: SnapshotInput; stats: RegionStats } {
  const r = rng(seed * 7919 + size.charCodeAt(0));
  const { vpcs } = SIZES[size];
  const snapshot = {
    accountId: ACCOUNT,
    region: 'eu-west-1',
    Vpcs: [] as NonNullable<SnapshotInput['Vpcs']>,
    Subnets: [] as NonNullable<SnapshotInput['Subnets']>,
    SecurityGroups: [] as NonNullable<SnapshotInput['SecurityGroups']>,
    NetworkAcls: [] as NonNullable<SnapshotInput['NetworkAcls']>,
    RouteTables: [] as NonNullable<SnapshotInput['RouteTables']>,
    InternetGateways: [] as NonNullable<SnapshotInput['InternetGateways']>,
    NatGateways: [] as NonNullable<SnapshotInput['NatGateways']>,
    VpcEndpoints: [] as NonNullable<SnapshotInput['VpcEndpoints']>,
    NetworkInterfaces: [] as NonNullable<SnapshotInput['NetworkInterfaces']>,
    ManagedPrefixLists: [
      {
        PrefixListId: 'pl-0000000000000office',
        PrefixListName: 'office',
        Entries: [{ Cidr: '198.51.100.0/24' }, { Cidr: '81.2.69.0/24' }],
      },
      {
        PrefixListId: 'pl-00000000000000world',
        PrefixListName: 'anywhere',
        Entries: [{ Cidr: '0.0.0.0/0' }],
      },
    ],
  };
  let rules = 0;
  let eniCounter = 0;

  for (let v = 0; v < vpcs; v++) {
    const vpcId = `vpc-${hex(v)}`;
    const octet = v % 250;
    const vpcCidr = `10.${octet}.0.0/16`;
    const v6Prefix = `2600:1f18:${(0x1000 + v).toString(16)}`;
    snapshot.Vpcs.push({ VpcId: vpcId, CidrBlock: vpcCidr, IsDefault: false, OwnerId: ACCOUNT, Tags: [] });
    const igwId = `igw-${hex(v)}`;
    snapshot.InternetGateways.push({
      InternetGatewayId: igwId,
      Attachments: [{ State: 'available', VpcId: vpcId }],
      Tags: [],
    });

    // Security groups.
    const groupIds: string[] = [];
    const webGroups: string[] = [];
    for (let g = 0; g < GROUPS_PER_VPC; g++) groupIds.push(`sg-${hex(v * GROUPS_PER_VPC + g)}`);
    for (let g = 0; g < GROUPS_PER_VPC; g++) {
      const groupId = groupIds[g] as string;
      const isDefault = g === 0;
      const ingress: Permission[] = [];
      const egress: Permission[] = [];
      if (isDefault) {
        const self = permission('-1');
        self.UserIdGroupPairs.push({ GroupId: groupId, UserId: ACCOUNT });
        ingress.push(self);
      } else {
        const roll = r();
        if (roll < 0.06) {
          webGroups.push(groupId);
          // A web-facing group: 80/443 from anywhere, often over IPv6 too.
          for (const port of [80, 443]) {
            const p = permission('tcp', port, port);
            p.IpRanges.push({ CidrIp: '0.0.0.0/0' });
            if (r() < 0.5) p.Ipv6Ranges.push({ CidrIpv6: '::/0' });
            ingress.push(p);
          }
        } else if (roll < 0.065) {
          const p = permission('tcp', 22, 22);
          p.IpRanges.push({ CidrIp: '0.0.0.0/0', Description: 'temporary ssh' });
          ingress.push(p);
        } else if (roll < 0.068) {
          const p = permission('tcp', 8000, 8999);
          p.IpRanges.push({ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' });
          ingress.push(p);
        } else if (roll < 0.07) {
          const p = permission('-1');
          p.IpRanges.push({ CidrIp: '0.0.0.0/0' });
          ingress.push(p);
        } else if (roll < 0.075) {
          const p = permission('udp', 3000, 3100);
          p.PrefixListIds.push({ PrefixListId: 'pl-00000000000000world' });
          ingress.push(p);
        } else if (roll < 0.09) {
          const p = permission('tcp', 443, 443);
          p.IpRanges.push({ CidrIp: `${int(r, 20, 90)}.0.0.0/8`, Description: 'partner' });
          ingress.push(p);
        }
        const privateCount = int(r, 2, 8);
        for (let i = 0; i < privateCount; i++) {
          const kind = r();
          const port = pick(r, PRIVATE_PORTS);
          if (kind < 0.55) {
            const p = permission('tcp', port, port);
            const n = int(r, 1, 3);
            for (let k = 0; k < n; k++) p.IpRanges.push({ CidrIp: `10.${octet}.${int(r, 0, 255)}.0/24` });
            if (r() < 0.1)
              p.Ipv6Ranges.push({ CidrIpv6: `${v6Prefix}:${int(r, 0, 255).toString(16)}00::/56` });
            ingress.push(p);
          } else if (kind < 0.85) {
            const p = permission('tcp', port, port);
            const n = int(r, 1, 2);
            for (let k = 0; k < n; k++)
              p.UserIdGroupPairs.push({ GroupId: pick(r, groupIds), UserId: ACCOUNT });
            ingress.push(p);
          } else if (kind < 0.92) {
            const p = permission('tcp', 1024, 65535);
            p.IpRanges.push({ CidrIp: vpcCidr });
            ingress.push(p);
          } else if (kind < 0.96) {
            const p = permission('icmp', -1, -1);
            p.IpRanges.push({ CidrIp: r() < 0.3 ? '0.0.0.0/0' : vpcCidr });
            ingress.push(p);
          } else {
            const p = permission('tcp', 22, 22);
            p.PrefixListIds.push({ PrefixListId: 'pl-0000000000000office' });
            ingress.push(p);
          }
        }
      }
      const out = permission('-1');
      out.IpRanges.push({ CidrIp: '0.0.0.0/0' });
      if (r() < 0.3) out.Ipv6Ranges.push({ CidrIpv6: '::/0' });
      egress.push(out);
      if (r() < 0.5) {
        const p = permission('tcp', 5432, 5432);
        p.IpRanges.push({ CidrIp: `10.${octet}.${int(r, 0, 255)}.0/24` });
        egress.push(p);
      }
      for (const p of [...ingress, ...egress]) rules += sourceCount(p);
      snapshot.SecurityGroups.push({
        GroupId: groupId,
        GroupName: isDefault ? 'default' : `app-${g}`,
        Description: isDefault ? 'default VPC security group' : `group ${g}`,
        VpcId: vpcId,
        OwnerId: ACCOUNT,
        IpPermissions: ingress,
        IpPermissionsEgress: egress,
        Tags: [],
      });
    }

    // Subnets: a quarter public; half of them with IPv6.
    const subnets: { id: string; isPublic: boolean; ipv6: boolean }[] = [];
    for (let s = 0; s < SUBNETS_PER_VPC; s++) {
      const isPublic = s % 4 === 0;
      const ipv6 = r() < 0.5;
      const id = `subnet-${hex(v * SUBNETS_PER_VPC + s)}`;
      subnets.push({ id, isPublic, ipv6 });
      // A few names carry neither word, and some "private" subnets are misrouted (below).
      const name = s % 29 === 0 ? `shared-${s}` : `${isPublic ? 'public' : 'private'}-${s}`;
      snapshot.Subnets.push({
        SubnetId: id,
        VpcId: vpcId,
        CidrBlock: `10.${octet}.${s % 256}.0/24`,
        AvailabilityZone: `eu-west-1${'abc'[s % 3]}`,
        MapPublicIpOnLaunch: isPublic && r() < 0.5,
        OwnerId: ACCOUNT,
        Tags: [{ Key: 'Name', Value: name }],
      });
    }
    const publicSubnets = subnets.filter((s) => s.isPublic);
    const privateSubnets = subnets.filter((s) => !s.isPublic);

    // NAT gateways: two public ones in public subnets, sometimes one misplaced, private or deleted.
    const natIds: string[] = [];
    for (let n = 0; n < 4; n++) {
      const natId = `nat-${hex(v * 4 + n)}`;
      const misplaced = n === 2 && r() < 0.3;
      const subnet = misplaced ? pick(r, privateSubnets) : pick(r, publicSubnets);
      const state = n === 3 ? pick(r, ['deleted', 'failed', 'available'] as const) : 'available';
      snapshot.NatGateways.push({
        NatGatewayId: natId,
        SubnetId: subnet.id,
        VpcId: vpcId,
        State: state,
        ConnectivityType: n === 3 && r() < 0.5 ? 'private' : 'public',
        Tags: [],
      });
      if (n < 2) natIds.push(natId);
    }

    // Route tables: table 0 is main (NAT, or igw in a few sloppy VPCs); a fifth are public.
    const endpointId = `vpce-${hex(v * 4)}`;
    const tableIds: string[] = [];
    const publicTables: string[] = [];
    const privateTables: string[] = [];
    for (let t = 0; t < ROUTE_TABLES_PER_VPC; t++) {
      const id = `rtb-${hex(v * ROUTE_TABLES_PER_VPC + t)}`;
      tableIds.push(id);
      const isMain = t === 0;
      const isPublic = !isMain && t % 5 === 1;
      const routes: NonNullable<SnapshotInput['RouteTables']>[number]['Routes'] = [
        { DestinationCidrBlock: vpcCidr, GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
        { DestinationIpv6CidrBlock: `${v6Prefix}::/56`, GatewayId: 'local', State: 'active' },
      ];
      const mainToIgw = isMain && v % 7 === 3;
      if (isPublic || mainToIgw) {
        routes.push({
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: igwId,
          State: 'active',
          Origin: 'CreateRoute',
        });
        routes.push({
          DestinationIpv6CidrBlock: '::/0',
          GatewayId: igwId,
          State: 'active',
          Origin: 'CreateRoute',
        });
        publicTables.push(id);
      } else {
        routes.push({
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: pick(r, natIds),
          State: r() < 0.03 ? 'blackhole' : 'active',
          Origin: 'CreateRoute',
        });
        if (r() < 0.05) {
          routes.push({
            DestinationCidrBlock: `172.${16 + (t % 16)}.0.0/16`,
            VpcPeeringConnectionId: `pcx-${hex(v * 100 + t)}`,
            State: 'blackhole',
            Origin: 'CreateRoute',
          });
        }
        if (!isMain) privateTables.push(id);
      }
      routes.push({
        DestinationPrefixListId: 'pl-6da54004',
        GatewayId: endpointId,
        State: 'active',
        Origin: 'CreateRoute',
      });
      snapshot.RouteTables.push({
        RouteTableId: id,
        VpcId: vpcId,
        OwnerId: ACCOUNT,
        Routes: routes,
        Associations: isMain
          ? [{ Main: true, RouteTableAssociationId: `rtbassoc-${hex(v)}`, RouteTableId: id }]
          : [],
        Tags: [],
      });
    }
    const tablesById = new Map(
      snapshot.RouteTables.slice(-ROUTE_TABLES_PER_VPC).map((t) => [t.RouteTableId, t] as const),
    );
    // Explicit associations: public subnets to public tables; most private ones to private tables
    // (some to a public one by mistake); one in ten stays on the main table.
    for (const [s, subnet] of subnets.entries()) {
      if (!subnet.isPublic && s % 10 === 5) continue;
      const misrouted = !subnet.isPublic && r() < 0.02;
      const tableId = subnet.isPublic || misrouted ? pick(r, publicTables) : pick(r, privateTables);
      tablesById.get(tableId)?.Associations?.push({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${hex(v * SUBNETS_PER_VPC + s + 1_000_000)}`,
        RouteTableId: tableId,
        SubnetId: subnet.id,
        AssociationState: { State: 'associated' },
      });
    }

    // NACLs: 0 is the VPC default (allow all); the others hold realistic entry lists.
    // Real fleets of this size are stamped from templates (Terraform modules, landing zones):
    // most NACLs copy one of a few per-VPC templates, one in seven is hand-made.
    const templates = Array.from({ length: NACL_TEMPLATES_PER_VPC }, (_, t) =>
      naclEntries(r, t + 1, vpcCidr),
    );
    const naclIds: string[] = [];
    for (let n = 0; n < NACLS_PER_VPC; n++) {
      const id = `acl-${hex(v * NACLS_PER_VPC + n)}`;
      naclIds.push(id);
      snapshot.NetworkAcls.push({
        NetworkAclId: id,
        VpcId: vpcId,
        IsDefault: n === 0,
        OwnerId: ACCOUNT,
        Entries:
          n === 0
            ? defaultEntries()
            : n % 7 === 3
              ? naclEntries(r, n, vpcCidr)
              : (templates[n % NACL_TEMPLATES_PER_VPC] ?? []).map((e) => ({ ...e })),
        Associations: [],
        Tags: [],
      });
    }
    const vpcNacls = snapshot.NetworkAcls.slice(snapshot.NetworkAcls.length - NACLS_PER_VPC);
    for (const [s, subnet] of subnets.entries()) {
      if (s % 6 === 0) continue; // stays on the default NACL
      const acl = vpcNacls[1 + ((s * 7) % (NACLS_PER_VPC - 1))];
      acl?.Associations?.push({
        NetworkAclAssociationId: `aclassoc-${hex(v * SUBNETS_PER_VPC + s)}`,
        NetworkAclId: acl.NetworkAclId,
        SubnetId: subnet.id,
      });
    }

    // VPC endpoints: S3 gateway with the default policy, interface endpoints, a GWLB one.
    snapshot.VpcEndpoints.push(
      {
        VpcEndpointId: endpointId,
        VpcId: vpcId,
        VpcEndpointType: 'Gateway',
        ServiceName: 'com.amazonaws.eu-west-1.s3',
        State: 'available',
        PolicyDocument: r() < 0.7 ? FULL_ACCESS_POLICY : RESTRICTED_POLICY,
        RouteTableIds: tableIds,
        Tags: [],
      },
      {
        VpcEndpointId: `vpce-${hex(v * 4 + 1)}`,
        VpcId: vpcId,
        VpcEndpointType: 'Interface',
        ServiceName: 'com.amazonaws.eu-west-1.ssm',
        State: 'available',
        PolicyDocument: FULL_ACCESS_POLICY.replace('"Principal":"*"', '"Principal":{"AWS":"*"}'),
        SubnetIds: privateSubnets.slice(0, 3).map((s) => s.id),
        Groups: [{ GroupId: groupIds[1] as string, GroupName: 'app-1' }],
        Tags: [],
      },
      {
        VpcEndpointId: `vpce-${hex(v * 4 + 2)}`,
        VpcId: vpcId,
        VpcEndpointType: 'Interface',
        ServiceName: 'com.amazonaws.eu-west-1.sts',
        State: 'available',
        PolicyDocument: RESTRICTED_POLICY,
        Tags: [],
      },
      {
        VpcEndpointId: `vpce-${hex(v * 4 + 3)}`,
        VpcId: vpcId,
        VpcEndpointType: 'GatewayLoadBalancer',
        ServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
        State: 'available',
        Tags: [],
      },
    );

    // Interfaces: each belongs to a role (a fixed group set, a kind of subnet).
    const roles: { groups: string[]; isPublic: boolean }[] = [];
    for (let k = 0; k < ROLES_PER_VPC; k++) {
      const n = r() < 0.6 ? 1 : r() < 0.8 ? 2 : 3;
      const groups = new Set<string>();
      while (groups.size < n) groups.add(groupIds[int(r, 1, GROUPS_PER_VPC - 1)] as string);
      const isPublic = r() < 0.3;
      // Internet-facing roles (load balancers, web servers) usually carry a web group.
      if (isPublic && webGroups.length > 0 && r() < 0.6) groups.add(pick(r, webGroups));
      roles.push({ groups: [...groups].sort(), isPublic });
    }
    for (let e = 0; e < INTERFACES_PER_VPC; e++) {
      const role = pick(r, roles);
      const subnet = pick(r, role.isPublic ? publicSubnets : privateSubnets);
      const withPublicIp = (role.isPublic && r() < 0.7) || r() < 0.03;
      const withIpv6 = subnet.ipv6 && r() < 0.4;
      const id = `eni-${hex(eniCounter++)}`;
      const privateIp = `10.${octet}.${int(r, 0, 255)}.${int(r, 4, 250)}`;
      const publicIp = `${int(r, 3, 99)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
      const ipv6 = `${v6Prefix}:${int(r, 0, 255).toString(16)}00::${hex(e, 4)}`;
      snapshot.NetworkInterfaces.push({
        NetworkInterfaceId: id,
        SubnetId: subnet.id,
        VpcId: vpcId,
        InterfaceType: 'interface',
        Status: 'in-use',
        PrivateIpAddress: privateIp,
        ...(withPublicIp ? { Association: { PublicIp: publicIp } } : {}),
        PrivateIpAddresses: [
          { PrivateIpAddress: privateIp, ...(withPublicIp ? { Association: { PublicIp: publicIp } } : {}) },
        ],
        Ipv6Addresses: withIpv6 ? [{ Ipv6Address: ipv6 }] : [],
        Groups: role.groups.map((g) => ({ GroupId: g, GroupName: g })),
        Attachment: { InstanceId: `i-${hex(eniCounter)}`, InstanceOwnerId: ACCOUNT },
        TagSet: [],
      });
    }
  }

  return {
    snapshot,
    stats: {
      securityGroups: snapshot.SecurityGroups.length,
      rules,
      networkAcls: snapshot.NetworkAcls.length,
      networkInterfaces: snapshot.NetworkInterfaces.length,
    },
  };
}

type Entry = NonNullable<NonNullable<SnapshotInput['NetworkAcls']>[number]['Entries']>[number];

function entry(
  ruleNumber: number,
  egress: boolean,
  action: 'allow' | 'deny',
  protocol: string,
  cidr: string,
  ports?: [number, number],
): Entry {
  const e: Entry = { RuleNumber: ruleNumber, Protocol: protocol, RuleAction: action, Egress: egress };
  if (cidr.includes(':')) e.Ipv6CidrBlock = cidr;
  else e.CidrBlock = cidr;
  if (ports) e.PortRange = { From: ports[0], To: ports[1] };
  return e;
}

function defaultEntries(): Entry[] {
  return [
    entry(100, false, 'allow', '-1', '0.0.0.0/0'),
    entry(101, false, 'allow', '-1', '::/0'),
    entry(32767, false, 'deny', '-1', '0.0.0.0/0'),
    entry(32768, false, 'deny', '-1', '::/0'),
    entry(100, true, 'allow', '-1', '0.0.0.0/0'),
    entry(101, true, 'allow', '-1', '::/0'),
    entry(32767, true, 'deny', '-1', '0.0.0.0/0'),
    entry(32768, true, 'deny', '-1', '::/0'),
  ];
}

/**
 * A custom NACL: blocklist denies (both directions), admin denies, web and return entries, IPv4
 * and (for dual-stack templates) the same over IPv6. Mistakes of real fleets, at realistic rates:
 * no 3389 deny under a 1024–65535 return entry, a narrow (Linux-only) return range, no udp return
 * range, SSH open to the world.
 */
function naclEntries(r: Rng, n: number, vpcCidr: string): Entry[] {
  const out: Entry[] = [];
  const v6 = r() < 0.5;
  let num = 50;
  const next = () => {
    num += 10;
    return num;
  };
  const worlds = v6 ? ['0.0.0.0/0', '::/0'] : ['0.0.0.0/0'];
  const denies = int(r, 0, 3);
  for (let i = 0; i < denies; i++) {
    const cidr = `${int(r, 1, 220)}.${int(r, 0, 255)}.0.0/16`;
    out.push(entry(next(), false, 'deny', '-1', cidr));
    out.push(entry(num, true, 'deny', '-1', cidr));
  }
  if (r() < 0.7) for (const w of worlds) out.push(entry(next(), false, 'deny', '6', w, [22, 22]));
  if (r() < 0.6) {
    for (const w of worlds) {
      out.push(entry(next(), false, 'deny', '6', w, [3389, 3389]));
      out.push(entry(next(), false, 'deny', '17', w, [3389, 3389]));
    }
  }
  out.push(entry(next(), false, 'allow', '-1', vpcCidr));
  for (const w of worlds) {
    out.push(entry(next(), false, 'allow', '6', w, [80, 80]));
    out.push(entry(next(), false, 'allow', '6', w, [443, 443]));
  }
  if (n % 13 === 0) out.push(entry(next(), false, 'allow', '6', '0.0.0.0/0', [22, 22]));
  const ephemeral: [number, number] = r() < 0.85 ? [1024, 65535] : [32768, 60999];
  const udpReturn = r() < 0.85;
  for (const w of worlds) {
    out.push(entry(next(), false, 'allow', '6', w, ephemeral));
    if (udpReturn) out.push(entry(next(), false, 'allow', '17', w, ephemeral));
  }
  out.push(entry(32767, false, 'deny', '-1', '0.0.0.0/0'));
  if (v6) out.push(entry(32768, false, 'deny', '-1', '::/0'));
  // Outbound: usually everything; sometimes only web and return traffic.
  if (r() < 0.75) {
    worlds.forEach((w, i) => {
      out.push(entry(100 + i, true, 'allow', '-1', w));
    });
  } else {
    worlds.forEach((w, i) => {
      out.push(entry(100 + i, true, 'allow', '6', w, [443, 443]));
      out.push(entry(110 + i, true, 'allow', '6', w, [1024, 65535]));
    });
    out.push(entry(120, true, 'allow', '-1', vpcCidr));
  }
  out.push(entry(32767, true, 'deny', '-1', '0.0.0.0/0'));
  if (v6) out.push(entry(32768, true, 'deny', '-1', '::/0'));
  // EC2 returns entries unsorted.
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(r, 0, i);
    [out[i], out[j]] = [out[j] as Entry, out[i] as Entry];
  }
  return out;
}
