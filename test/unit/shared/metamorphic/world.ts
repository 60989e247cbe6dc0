// A small generated region for the engine's metamorphic and oracle properties (DESIGN §4–§6):
// an abstract world (groups, NACLs, route tables, subnets, interfaces of one VPC) and a renderer
// that writes it as a snapshot in the shapes of the real samples in test/fixtures/ec2 (see
// PROVENANCE.md there): groups as `DescribeSecurityGroups` prints them (placebo
// `DescribeSecurityGroups--prefix-list-and-referenced-group`: IpRanges / Ipv6Ranges /
// PrefixListIds / UserIdGroupPairs, no ports on `-1`), rules as `DescribeSecurityGroupRules`
// (awscli example: `-1` with FromPort/ToPort -1, one source per rule, `Tags: []`), NACLs as the
// awscli `describe-network-acls` example (string protocols, `Ipv6CidrBlock` entries, the listed
// final denies), route tables as the placebo `DescribeRouteTables--igw-main-and-subnet-associations`
// (`Main` association without `SubnetId`, `AssociationState`), interfaces as the placebo
// `DescribeNetworkInterfaces--mixed-types-public-ip` (`Association.PublicIp`, `Groups[{GroupName,
// GroupId}]`, `Ipv6Addresses[{Ipv6Address}]`). The renderer's options are the spellings a real
// account varies; every property compares two renderings or two worlds.
import fc from 'fast-check';
import type { Finding } from '../../../../shared/findings';

export type Proto = 'tcp' | 'udp' | 'icmp' | 'all';
export type Transport = 'tcp' | 'udp';

/** A source of a security-group permission: a CIDR of either family, a prefix list, a group. */
export type Source = { cidr: string } | { prefixList: string } | { group: string };

export interface Perm {
  proto: Proto;
  from: number;
  to: number;
  sources: Source[];
}

export interface Group {
  id: string;
  ingress: Perm[];
  /** The value of its exemption tag (`vpc-guardrail:exempt`), if any (DESIGN §8). */
  exempt?: string;
}

export interface Entry {
  number: number;
  proto: Proto | 'esp';
  from: number;
  to: number;
  allow: boolean;
  egress: boolean;
  cidr: string;
}

export interface Acl {
  id: string;
  isDefault: boolean;
  subnets: string[];
  entries: Entry[];
}

export type V4Route = 'igw' | 'igw-blackhole' | 'nat' | 'none';
export type V6Route = 'igw' | 'eigw' | 'none';

export interface Table {
  id: string;
  main: boolean;
  subnets: string[];
  v4: V4Route;
  v6: V6Route;
}

export interface Subnet {
  id: string;
  name: string | undefined;
  mapPublic: boolean;
}

export interface Eni {
  id: string;
  subnet: string;
  groups: string[];
  publicIp: boolean;
  ipv6: 'public' | 'ula' | 'none';
}

export interface PrefixList {
  id: string;
  cidrs: string[];
}

export interface World {
  subnets: Subnet[];
  tables: Table[];
  acls: Acl[];
  groups: Group[];
  enis: Eni[];
  prefixLists: PrefixList[];
}

export const V4 = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '64.0.0.0/2',
  '1.0.0.0/8',
  '10.0.0.0/8',
  '203.0.113.0/24',
  '8.8.8.8/32',
] as const;
export const V6 = ['::/0', '::/1', '2000::/3', '2000::/4', '3000::/4', '2001:db8::/32', 'fd00::/8'] as const;
export const isV6 = (cidr: string) => cidr.includes(':');

// Port values where the catalogue's classes change (admin, high-risk, authorized, ephemeral
// bounds), so that generated ranges start and stop on them often.
const PORTS = [0, 1, 20, 21, 22, 23, 25, 79, 80, 81, 443, 1023, 1024, 3389, 8080, 32767, 32768, 65534, 65535];
const port = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));
const span = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(port, port).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const) },
  { weight: 1, arbitrary: fc.constantFrom([0, 65535] as const, [1024, 65535] as const, [1, 65535] as const) },
);

const cidr = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...V4) },
  { weight: 2, arbitrary: fc.constantFrom(...V6) },
  // The whole internet, most often what a real rule names.
  { weight: 3, arbitrary: fc.constantFrom('0.0.0.0/0', '::/0') },
);

const source: fc.Arbitrary<Source> = fc.oneof(
  { weight: 8, arbitrary: cidr.map((c) => ({ cidr: c })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('pl-world', 'pl-office', 'pl-world6').map((p) => ({ prefixList: p })),
  },
  { weight: 1, arbitrary: fc.constantFrom('sg-a', 'sg-b').map((g) => ({ group: g })) },
);

const perm: fc.Arbitrary<Perm> = fc
  .record({
    proto: fc.constantFrom<Proto>('tcp', 'tcp', 'tcp', 'udp', 'all', 'icmp'),
    span,
    sources: fc.array(source, { minLength: 1, maxLength: 3 }),
  })
  .map(({ proto, span: [from, to], sources }) => ({ proto, from, to, sources }));

const entry = (egress: boolean): fc.Arbitrary<Entry> =>
  fc
    .record({
      // 10–90 and 110–200: around the allow-all entries 100 and 101, with room to insert between.
      number: fc.integer({ min: 1, max: 19 }).map((n) => (n < 10 ? n : n + 1) * 10),
      proto: fc.constantFrom<Entry['proto']>('tcp', 'tcp', 'udp', 'all', 'all', 'icmp', 'esp'),
      span,
      allow: fc.boolean(),
      cidr,
    })
    .map(({ span: [from, to], ...e }) => ({ ...e, from, to, egress }));

/** Entries of one direction: rule numbers unique per family, as EC2 requires. */
const entries = (egress: boolean) =>
  fc.uniqueArray(entry(egress), { selector: (e) => `${e.number}|${isV6(e.cidr)}`, maxLength: 5 });

/** The AWS default NACL's allow-all entries (rules 100 and 101, as the awscli example lists them). */
const allowAll = (egress: boolean): Entry[] => [
  { number: 100, proto: 'all', from: 0, to: 65535, allow: true, egress, cidr: '0.0.0.0/0' },
  { number: 101, proto: 'all', from: 0, to: 65535, allow: true, egress, cidr: '::/0' },
];

const acl = fc
  .tuple(entries(false), entries(true), fc.boolean(), fc.boolean())
  .map(([ingress, egress, allowAllIn, allowAllOut]) => [
    ...ingress,
    ...(allowAllIn ? allowAll(false) : []),
    ...egress,
    ...(allowAllOut ? allowAll(true) : []),
  ]);

const group = (id: string) => fc.array(perm, { maxLength: 4 }).map((ingress): Group => ({ id, ingress }));

const eni = (id: string) =>
  fc
    .record({
      subnet: fc.constantFrom('subnet-a', 'subnet-b'),
      // In any order: interfaces of one group set share memoized answers, whatever the order.
      groups: fc.shuffledSubarray(['sg-a', 'sg-b', 'sg-c'], { minLength: 1 }),
      publicIp: fc.constantFrom(true, true, true, false),
      ipv6: fc.constantFrom<Eni['ipv6']>('public', 'ula', 'none'),
    })
    .map((e): Eni => ({ id, ...e }));

const v4Route = fc.constantFrom<V4Route>('igw', 'igw', 'igw', 'igw-blackhole', 'nat', 'none');
const v6Route = fc.constantFrom<V6Route>('igw', 'eigw', 'none');
const name = fc.constantFrom<string | undefined>(undefined, 'public-a', 'app-private-1', 'web');

export const world: fc.Arbitrary<World> = fc
  .record({
    names: fc.tuple(name, name),
    maps: fc.tuple(fc.boolean(), fc.boolean()),
    mainRoutes: fc.tuple(v4Route, v6Route),
    // subnet-a on its own table (or the main one)
    ownTable: fc.option(fc.tuple(v4Route, v6Route), { nil: undefined }),
    defaultAcl: acl,
    // subnet-b on its own NACL (or the default one)
    ownAcl: fc.option(acl, { nil: undefined }),
    groups: fc.tuple(group('sg-a'), group('sg-b'), group('sg-c')),
    enis: fc.tuple(eni('eni-1'), eni('eni-2'), eni('eni-3'), eni('eni-4')),
    worldList: fc.constantFrom(['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/0'], ['203.0.113.0/24']),
    worldList6: fc.constantFrom(['::/0'], ['2000::/4', '3000::/4'], ['2001:db8::/32'], ['2000::/4']),
  })
  .map((w): World => {
    const tables: Table[] = [
      { id: 'rtb-main', main: true, subnets: [], v4: w.mainRoutes[0], v6: w.mainRoutes[1] },
    ];
    if (w.ownTable)
      tables.push({ id: 'rtb-a', main: false, subnets: ['subnet-a'], v4: w.ownTable[0], v6: w.ownTable[1] });
    const acls: Acl[] = [{ id: 'acl-default', isDefault: true, subnets: [], entries: w.defaultAcl }];
    if (w.ownAcl) acls.push({ id: 'acl-b', isDefault: false, subnets: ['subnet-b'], entries: w.ownAcl });
    return {
      subnets: [
        { id: 'subnet-a', name: w.names[0], mapPublic: w.maps[0] },
        { id: 'subnet-b', name: w.names[1], mapPublic: w.maps[1] },
      ],
      tables,
      acls,
      groups: [...w.groups],
      enis: [...w.enis],
      prefixLists: [
        { id: 'pl-world', cidrs: [...w.worldList] },
        { id: 'pl-office', cidrs: ['198.51.100.0/24', '192.0.2.0/24'] },
        { id: 'pl-world6', cidrs: [...w.worldList6] },
      ],
    };
  });

// ---------------------------------------------------------------------------------------------
// Rendering: one world, many spellings.

export interface Spelling {
  /**
   * How each protocol is written: `tcp`, `6`, `TCP`, or a JSON number (`6`, `-1`: CloudFormation's
   * form, which the README accepts as the same protocol); udp alike.
   */
  proto: 'name' | 'number' | 'upper' | 'json';
  /** `-1` with FromPort/ToPort -1 (DescribeSecurityGroupRules' form) or without ports. */
  allPorts: boolean;
  /** tcp/udp 0–65535 written as FromPort/ToPort -1 ("-1 on both means all ports", DESIGN §3). */
  fullRangeAsMinusOne: boolean;
  /**
   * Where a group's rules are given: `partial` gives each rule in one view or both (a stale or
   * partial SecurityGroupRules list: the union is evaluated, DESIGN §3).
   */
  view: 'permissions' | 'rules' | 'both' | 'partial';
  /** Several sources in one permission, or a permission per source. */
  onePermPerSource: boolean;
  /** Host bits set on every CIDR (`10.0.0.1/8`, `::1/0`). */
  hostBits: boolean;
  /** IPv6 text as written: compressed, every group written out, or upper case hex. */
  v6Form: 'short' | 'expanded' | 'upper';
  /** Empty lists left out of permissions (old recordings have no `Ipv6Ranges` key). */
  sparse: boolean;
}

export const PLAIN: Spelling = {
  proto: 'name',
  allPorts: false,
  fullRangeAsMinusOne: false,
  view: 'permissions',
  onePermPerSource: false,
  hostBits: false,
  v6Form: 'short',
  sparse: false,
};

export const spelling: fc.Arbitrary<Spelling> = fc.record({
  proto: fc.constantFrom<Spelling['proto']>('name', 'number', 'upper', 'json'),
  allPorts: fc.boolean(),
  fullRangeAsMinusOne: fc.boolean(),
  view: fc.constantFrom<Spelling['view']>('permissions', 'rules', 'both', 'partial'),
  onePermPerSource: fc.boolean(),
  hostBits: fc.boolean(),
  v6Form: fc.constantFrom<Spelling['v6Form']>('short', 'expanded', 'upper'),
  sparse: fc.boolean(),
});

const NUMBERS: Record<Proto | 'esp', string> = { tcp: '6', udp: '17', icmp: '1', all: '-1', esp: '50' };

function protoText(proto: Proto | 'esp', s: Spelling): string | number {
  if (s.proto === 'json') return Number(NUMBERS[proto]);
  if (proto === 'all') return '-1';
  if (proto === 'esp') return '50';
  if (s.proto === 'number') return NUMBERS[proto];
  return s.proto === 'upper' ? proto.toUpperCase() : proto;
}

/** Every group of an IPv6 address written out (`0:0:0:0:0:0:0:0`). */
function expand6(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].join(':');
}

/** A CIDR with host bits set, as EC2 accepts and clears them (DESIGN §3). */
export function withHostBits(text: string): string {
  const [address = '', prefix = ''] = text.split('/');
  if (isV6(text)) {
    if (address === '::') return `::1/${prefix}`;
    return Number(prefix) >= 128 ? text : `${address.replace(/::$/, '::1')}/${prefix}`;
  }
  if (Number(prefix) >= 32) return text;
  const parts = address.split('.');
  return `${parts.slice(0, 3).join('.')}.${Number(parts[3]) | 1}/${prefix}`;
}

/** The ports a permission or rule carries (none for the protocols without them). */
function portsOf(proto: Proto, from: number, to: number, s: Spelling, rule: boolean) {
  if (proto === 'tcp' || proto === 'udp')
    return s.fullRangeAsMinusOne && from === 0 && to === 65535
      ? { FromPort: -1, ToPort: -1 }
      : { FromPort: from, ToPort: to };
  if (proto === 'icmp') return { FromPort: -1, ToPort: -1 };
  // `-1`: DescribeSecurityGroupRules prints -1/-1, DescribeSecurityGroups prints none.
  return rule || s.allPorts ? { FromPort: -1, ToPort: -1 } : {};
}

function cidrText(c: string, s: Spelling): string {
  const text = s.hostBits ? withHostBits(c) : c;
  if (!isV6(text) || s.v6Form === 'short') return text;
  const [address = '', prefix] = text.split('/');
  return s.v6Form === 'upper' ? text.toUpperCase() : `${expand6(address)}/${prefix}`;
}

function permission(p: Perm, sources: Source[], s: Spelling): Record<string, unknown> {
  const v4 = sources.flatMap((x) => ('cidr' in x && !isV6(x.cidr) ? [{ CidrIp: cidrText(x.cidr, s) }] : []));
  const v6 = sources.flatMap((x) => ('cidr' in x && isV6(x.cidr) ? [{ CidrIpv6: cidrText(x.cidr, s) }] : []));
  const lists = sources.flatMap((x) => ('prefixList' in x ? [{ PrefixListId: x.prefixList }] : []));
  const groups = sources.flatMap((x) => ('group' in x ? [{ GroupId: x.group, UserId: '123412341234' }] : []));
  const lists_ = { IpRanges: v4, Ipv6Ranges: v6, PrefixListIds: lists, UserIdGroupPairs: groups };
  return {
    ...portsOf(p.proto, p.from, p.to, s, false),
    IpProtocol: protoText(p.proto, s),
    ...(s.sparse ? Object.fromEntries(Object.entries(lists_).filter(([, v]) => v.length > 0)) : lists_),
  };
}

function rule(groupId: string, p: Perm, x: Source, s: Spelling, n: number): Record<string, unknown> {
  const src =
    'cidr' in x
      ? isV6(x.cidr)
        ? { CidrIpv6: cidrText(x.cidr, s) }
        : { CidrIpv4: cidrText(x.cidr, s) }
      : 'prefixList' in x
        ? { PrefixListId: x.prefixList }
        : { ReferencedGroupInfo: { GroupId: x.group, UserId: '123412341234' } };
  return {
    SecurityGroupRuleId: `sgr-${groupId.slice(3)}${String(n).padStart(4, '0')}`,
    GroupId: groupId,
    GroupOwnerId: '123412341234',
    IsEgress: false,
    IpProtocol: protoText(p.proto, s),
    ...portsOf(p.proto, p.from, p.to, s, true),
    ...src,
    Tags: [],
  };
}

const EGRESS_ALL = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
};

function securityGroups(w: World, s: Spelling) {
  const groups: Record<string, unknown>[] = [];
  const rules: Record<string, unknown>[] = [];
  for (const g of w.groups) {
    // `partial`: rule k of the group is in the permissions unless k % 3 === 1, in the rules unless
    // k % 3 === 0 (each rule in at least one view).
    let k = 0;
    const inPerms = (): boolean => s.view !== 'partial' || k++ % 3 !== 1;
    const perms = (
      s.onePermPerSource || s.view === 'partial'
        ? g.ingress.flatMap((p) => p.sources.flatMap((x) => (inPerms() ? [permission(p, [x], s)] : [])))
        : g.ingress.map((p) => permission(p, p.sources, s))
    ).filter((p) => s.view !== 'partial' || Object.keys(p).length > 0);
    if (s.view !== 'rules')
      groups.push({
        Description: `group ${g.id}`,
        GroupName: `name-${g.id}`,
        IpPermissions: perms,
        OwnerId: '123412341234',
        GroupId: g.id,
        IpPermissionsEgress: [EGRESS_ALL],
        Tags: g.exempt === undefined ? [] : [{ Key: 'vpc-guardrail:exempt', Value: g.exempt }],
        VpcId: 'vpc-1',
      });
    if (s.view !== 'permissions') {
      let n = 0;
      for (const p of g.ingress)
        for (const x of p.sources) {
          if (s.view !== 'partial' || n % 3 !== 0) rules.push(rule(g.id, p, x, s, n));
          n++;
        }
      rules.push({
        SecurityGroupRuleId: `sgr-${g.id.slice(3)}egress`,
        GroupId: g.id,
        GroupOwnerId: '123412341234',
        IsEgress: true,
        IpProtocol: '-1',
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: '0.0.0.0/0',
        Tags: [],
      });
    }
  }
  return { groups, rules };
}

function naclEntry(e: Entry, s: Spelling): Record<string, unknown> {
  const block = isV6(e.cidr) ? { Ipv6CidrBlock: cidrText(e.cidr, s) } : { CidrBlock: cidrText(e.cidr, s) };
  return {
    ...block,
    Egress: e.egress,
    Protocol: protoText(e.proto, s),
    ...(e.proto === 'tcp' || e.proto === 'udp' ? { PortRange: { From: e.from, To: e.to } } : {}),
    RuleAction: e.allow ? 'allow' : 'deny',
    RuleNumber: e.number,
  };
}

const FINAL_DENIES = [false, true].flatMap((egress) => [
  { CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
  { Ipv6CidrBlock: '::/0', Egress: egress, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32768 },
]);

function routes(t: Table, s: Spelling): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
  ];
  if (t.v4 === 'igw' || t.v4 === 'igw-blackhole')
    out.push({
      DestinationCidrBlock: cidrText('0.0.0.0/0', s),
      GatewayId: 'igw-1',
      Origin: 'CreateRoute',
      State: t.v4 === 'igw' ? 'active' : 'blackhole',
    });
  if (t.v4 === 'nat')
    out.push({
      DestinationCidrBlock: cidrText('0.0.0.0/0', s),
      NatGatewayId: 'nat-1',
      Origin: 'CreateRoute',
      State: 'active',
    });
  if (t.v6 === 'igw')
    out.push({
      DestinationIpv6CidrBlock: cidrText('::/0', s),
      GatewayId: 'igw-1',
      Origin: 'CreateRoute',
      State: 'active',
    });
  if (t.v6 === 'eigw')
    out.push({
      DestinationIpv6CidrBlock: cidrText('::/0', s),
      EgressOnlyInternetGatewayId: 'eigw-1',
      Origin: 'CreateRoute',
      State: 'active',
    });
  return out;
}

function routeTable(t: Table, s: Spelling): Record<string, unknown> {
  const associations: Record<string, unknown>[] = t.main
    ? [
        {
          Main: true,
          RouteTableAssociationId: `rtbassoc-${t.id}`,
          RouteTableId: t.id,
          AssociationState: { State: 'associated' },
        },
      ]
    : [];
  for (const subnet of t.subnets)
    associations.push({
      Main: false,
      RouteTableAssociationId: `rtbassoc-${subnet}`,
      RouteTableId: t.id,
      SubnetId: subnet,
      AssociationState: { State: 'associated' },
    });
  return {
    Associations: associations,
    PropagatingVgws: [],
    RouteTableId: t.id,
    Routes: routes(t, s),
    Tags: [],
    VpcId: 'vpc-1',
    OwnerId: '123412341234',
  };
}

function networkInterface(e: Eni): Record<string, unknown> {
  const address = `${['107.20.239', '54.0.0', '3.3.3', '18.200.1'][Number(e.id.slice(4)) - 1] ?? '3.3.3'}.${e.id.slice(4)}`;
  return {
    ...(e.publicIp
      ? {
          Association: {
            IpOwnerId: '123412341234',
            PublicDnsName: `ec2-${address.replaceAll('.', '-')}.compute-1.amazonaws.com`,
            PublicIp: address,
          },
        }
      : {}),
    AvailabilityZone: 'us-east-1a',
    Description: '',
    Groups: e.groups.map((g) => ({ GroupName: `name-${g}`, GroupId: g })),
    InterfaceType: 'interface',
    Ipv6Addresses:
      e.ipv6 === 'none'
        ? []
        : [{ Ipv6Address: e.ipv6 === 'public' ? `2600:1f18::${e.id.slice(4)}` : `fd00::${e.id.slice(4)}` }],
    NetworkInterfaceId: e.id,
    OwnerId: '123412341234',
    PrivateIpAddress: `10.0.${e.subnet === 'subnet-a' ? 1 : 2}.${e.id.slice(4)}`,
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: 'in-use',
    SubnetId: e.subnet,
    TagSet: [],
    VpcId: 'vpc-1',
  };
}

/** The world as a snapshot, spelt as `s` says. */
export function render(w: World, s: Spelling = PLAIN): Record<string, unknown> {
  const { groups, rules } = securityGroups(w, s);
  return {
    Vpcs: [
      {
        CidrBlock: '10.0.0.0/16',
        CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
        Ipv6CidrBlockAssociationSet: [
          { Ipv6CidrBlock: '2600:1f18::/56', Ipv6CidrBlockState: { State: 'associated' } },
        ],
        IsDefault: false,
        State: 'available',
        VpcId: 'vpc-1',
      },
    ],
    Subnets: w.subnets.map((x, i) => ({
      AvailabilityZone: 'us-east-1a',
      CidrBlock: `10.0.${i + 1}.0/24`,
      MapPublicIpOnLaunch: x.mapPublic,
      State: 'available',
      SubnetId: x.id,
      VpcId: 'vpc-1',
      Tags: x.name === undefined ? [] : [{ Key: 'Name', Value: x.name }],
    })),
    SecurityGroups: groups,
    ...(rules.length > 0 ? { SecurityGroupRules: rules } : {}),
    NetworkAcls: w.acls.map((a) => ({
      Associations: a.subnets.map((subnet) => ({
        NetworkAclAssociationId: `aclassoc-${subnet}`,
        NetworkAclId: a.id,
        SubnetId: subnet,
      })),
      Entries: [...a.entries.map((e) => naclEntry(e, s)), ...FINAL_DENIES],
      IsDefault: a.isDefault,
      NetworkAclId: a.id,
      Tags: [],
      VpcId: 'vpc-1',
      OwnerId: '123412341234',
    })),
    RouteTables: w.tables.map((t) => routeTable(t, s)),
    InternetGateways: [
      { Attachments: [{ State: 'available', VpcId: 'vpc-1' }], InternetGatewayId: 'igw-1', Tags: [] },
    ],
    NetworkInterfaces: w.enis.map(networkInterface),
    ManagedPrefixLists: w.prefixLists.map((p) => ({
      PrefixListId: p.id,
      PrefixListName: p.id,
      Entries: p.cidrs.map((c) => ({ Cidr: c })),
    })),
    accountId: '123412341234',
    region: 'us-east-1',
  };
}

/** What a relation compares: each finding's id, rule, resource, severity, ports and exposure, in output order. */
export const key = (findings: readonly Finding[]) =>
  findings.map((f) => [
    f.id,
    f.ruleId,
    f.resourceId,
    f.severity,
    f.evidence.ports ?? null,
    f.exposure ?? null,
  ]);
