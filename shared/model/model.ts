import { type Cidr4, type Cidr6, parseCidr4, parseCidr6 } from '../net/cidr';
import { type Protocol, parseProtocol } from '../net/protocol';
import { isRfc1918Text, publicCount4, publicCount6 } from '../net/public-space';
import type {
  InternetGatewayItem,
  IpPermissionItem,
  NatGatewayItem,
  NetworkAclEntryItem,
  NetworkAclItem,
  NetworkInterfaceItem,
  RouteTableItem,
  SecurityGroupItem,
  SecurityGroupRuleItem,
  Snapshot,
  SubnetItem,
  Tag,
  VpcEndpointItem,
  VpcItem,
} from './snapshot-schema';

/** Where a security-group rule lets traffic come from (ingress) or go to (egress). */
export type RuleSource =
  | { kind: 'ipv4'; cidr: string; range: Cidr4 /** Holds at least one public address. */; public: boolean }
  | { kind: 'ipv6'; cidr: string; range: Cidr6 /** Holds at least one public address. */; public: boolean }
  | { kind: 'prefix-list'; prefixListId: string }
  | { kind: 'group'; groupId?: string; userId?: string; peering?: string };

/** One security-group rule with exactly one source, as DescribeSecurityGroupRules reports it. */
export interface SgRule {
  groupId: string;
  /** `sgr-…`, when the snapshot carried SecurityGroupRules. */
  ruleId?: string;
  egress: boolean;
  /** The protocol as written (`tcp`, `6`, `-1`, …) — what a revoke call must repeat. */
  ipProtocol: string;
  protocol: Protocol;
  /** Inclusive port range; 0–65535 for all-protocol or portless rules. */
  fromPort: number;
  toPort: number;
  /** Ports as written (for revoke calls by permission). */
  rawFromPort?: number;
  rawToPort?: number;
  source: RuleSource;
  description?: string;
}

export interface SecurityGroupNode {
  item: SecurityGroupItem;
  id: string;
  vpcId: string;
  name: string;
  /** A VPC's default group (GroupName `default`). */
  isDefault: boolean;
  /** Ingress rules, one per source; expanded on first read (most groups are never read rule by rule). */
  readonly ingress: SgRule[];
  /** Egress rules, one per source; expanded on first read. */
  readonly egress: SgRule[];
  /**
   * Visits each ingress rule's protocol, port range and source as `ingress` would list them,
   * without expanding them; referenced-group sources (never internet sources) are skipped.
   */
  forEachIngressSource(
    visit: (protocol: Protocol, fromPort: number, toPort: number, source: RuleSource) => void,
  ): void;
  /** True when the rules came from SecurityGroupRules (and so carry rule ids). */
  hasRuleIds: boolean;
  tags: Tag[];
}

export interface NaclEntry {
  ruleNumber: number;
  egress: boolean;
  allow: boolean;
  protocol: Protocol;
  rawProtocol: string;
  /** Inclusive port range; 0–65535 when the entry applies to all ports. */
  fromPort: number;
  toPort: number;
  family: 'ipv4' | 'ipv6';
  cidr: string;
  range4?: Cidr4;
  range6?: Cidr6;
  item: NetworkAclEntryItem;
}

export interface NetworkAclNode {
  item: NetworkAclItem;
  id: string;
  vpcId: string;
  isDefault: boolean;
  /** Entries of each direction, ascending by rule number. */
  ingress: NaclEntry[];
  egress: NaclEntry[];
  /** Subnets associated explicitly (a VPC's default NACL also serves subnets with no association). */
  subnetIds: string[];
  tags: Tag[];
}

export interface SubnetNode {
  item: SubnetItem;
  id: string;
  vpcId: string;
  name?: string;
  tags: Tag[];
  /** The route table it uses: explicit association, else the VPC's main table. */
  routeTableId?: string;
  routeTableExplicit: boolean;
  /** The NACL it uses: explicit association, else the VPC's default NACL. */
  networkAclId?: string;
}

export interface RouteTableNode {
  item: RouteTableItem;
  id: string;
  vpcId: string;
  isMain: boolean;
  /** Explicitly associated subnets. */
  subnetIds: string[];
  tags: Tag[];
}

export interface NetworkInterfaceNode {
  item: NetworkInterfaceItem;
  id: string;
  vpcId?: string;
  subnetId?: string;
  /** Security group ids, sorted, without duplicates. */
  readonly groupIds: string[];
  /** Public IPv4 addresses (primary association and secondary private IPs), sorted. */
  readonly publicIps: string[];
  readonly ipv6Addresses: string[];
  tags: Tag[];
}

export interface PrefixListNode {
  id: string;
  name?: string;
  cidrs4: { cidr: string; range: Cidr4 }[];
  cidrs6: { cidr: string; range: Cidr6 }[];
}

/** The snapshot, indexed and normalized once; rules read it and never change it. */
export interface Model {
  accountId?: string;
  region?: string;
  vpcs: Map<string, VpcItem>;
  subnets: Map<string, SubnetNode>;
  securityGroups: Map<string, SecurityGroupNode>;
  networkAcls: Map<string, NetworkAclNode>;
  routeTables: Map<string, RouteTableNode>;
  internetGateways: Map<string, InternetGatewayItem>;
  natGateways: Map<string, NatGatewayItem>;
  vpcEndpoints: Map<string, VpcEndpointItem>;
  networkInterfaces: Map<string, NetworkInterfaceNode>;
  prefixLists: Map<string, PrefixListNode>;
  mainRouteTableByVpc: Map<string, string>;
  defaultNetworkAclByVpc: Map<string, string>;
  /** Interfaces per security group. */
  interfacesByGroup: Map<string, string[]>;
  /** Interfaces per subnet. */
  interfacesBySubnet: Map<string, string[]>;
  /** Subnets per VPC (all of them, sorted). */
  subnetsByVpc: Map<string, string[]>;
}

const NO_ADDRESSES: string[] = Object.freeze([]) as unknown as string[];

/** Value of the `Name` tag, if any. */
export function nameTag(tags: readonly Tag[]): string | undefined {
  return tags.find((t) => t.Key === 'Name')?.Value;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Builds the normalized model from a validated snapshot. */
export function buildModel(snapshot: Snapshot): Model {
  let interfacesByGroup: Map<string, string[]> | undefined;
  let interfacesBySubnet: Map<string, string[]> | undefined;
  let subnetsByVpc: Map<string, string[]> | undefined;
  const model: Model = {
    accountId: snapshot.accountId,
    region: snapshot.region,
    vpcs: new Map(snapshot.Vpcs.map((v) => [v.VpcId, v])),
    subnets: new Map(),
    securityGroups: new Map(),
    networkAcls: new Map(),
    routeTables: new Map(),
    internetGateways: new Map(snapshot.InternetGateways.map((g) => [g.InternetGatewayId, g])),
    natGateways: new Map(snapshot.NatGateways.map((g) => [g.NatGatewayId, g])),
    vpcEndpoints: new Map(snapshot.VpcEndpoints.map((e) => [e.VpcEndpointId, e])),
    networkInterfaces: new Map(),
    prefixLists: new Map(),
    mainRouteTableByVpc: new Map(),
    defaultNetworkAclByVpc: new Map(),
    // Indexes no rule of the catalogue reads: built on first read (50k interfaces cost ~30 ms).
    get interfacesByGroup() {
      interfacesByGroup ??= indexInterfaces(this.networkInterfaces, (eni) => eni.groupIds);
      return interfacesByGroup;
    },
    get interfacesBySubnet() {
      interfacesBySubnet ??= indexInterfaces(this.networkInterfaces, (eni) =>
        eni.subnetId ? [eni.subnetId] : [],
      );
      return interfacesBySubnet;
    },
    get subnetsByVpc() {
      if (!subnetsByVpc) {
        subnetsByVpc = new Map();
        for (const subnet of this.subnets.values()) push(subnetsByVpc, subnet.vpcId, subnet.id);
        for (const list of subnetsByVpc.values()) list.sort();
      }
      return subnetsByVpc;
    },
  };

  for (const list of snapshot.ManagedPrefixLists) {
    const node: PrefixListNode = { id: list.PrefixListId, name: list.PrefixListName, cidrs4: [], cidrs6: [] };
    for (const entry of list.Entries) {
      const r4 = parseCidr4(entry.Cidr);
      if (r4) node.cidrs4.push({ cidr: entry.Cidr, range: r4 });
      else {
        const r6 = parseCidr6(entry.Cidr);
        if (r6) node.cidrs6.push({ cidr: entry.Cidr, range: r6 });
      }
    }
    model.prefixLists.set(node.id, node);
  }

  const rulesByGroup = new Map<string, SecurityGroupRuleItem[]>();
  for (const rule of snapshot.SecurityGroupRules) push(rulesByGroup, rule.GroupId, rule);
  for (const group of snapshot.SecurityGroups) {
    model.securityGroups.set(group.GroupId, buildGroup(group, rulesByGroup.get(group.GroupId)));
  }
  // A snapshot may carry rules of groups it does not describe (describe-security-group-rules alone).
  for (const [groupId, rules] of rulesByGroup) {
    if (model.securityGroups.has(groupId)) continue;
    const stub: SecurityGroupItem = {
      GroupId: groupId,
      IpPermissions: [],
      IpPermissionsEgress: [],
      Tags: [],
    };
    model.securityGroups.set(groupId, buildGroup(stub, rules));
  }

  for (const table of snapshot.RouteTables) {
    const isMain = table.Associations.some((a) => a.Main === true);
    const subnetIds = table.Associations.filter((a) => a.SubnetId && a.Main !== true && associated(a)).map(
      (a) => a.SubnetId as string,
    );
    model.routeTables.set(table.RouteTableId, {
      item: table,
      id: table.RouteTableId,
      vpcId: table.VpcId,
      isMain,
      subnetIds,
      tags: table.Tags,
    });
    if (isMain) model.mainRouteTableByVpc.set(table.VpcId, table.RouteTableId);
  }

  const entryLists: EntryListCache = new Map();
  for (const acl of snapshot.NetworkAcls) {
    const node = buildNacl(acl, entryLists);
    model.networkAcls.set(node.id, node);
    if (node.isDefault) model.defaultNetworkAclByVpc.set(node.vpcId, node.id);
  }

  const routeTableBySubnet = new Map<string, string>();
  for (const table of model.routeTables.values()) {
    for (const subnetId of table.subnetIds) routeTableBySubnet.set(subnetId, table.id);
  }
  const naclBySubnet = new Map<string, string>();
  for (const acl of model.networkAcls.values()) {
    for (const subnetId of acl.subnetIds) naclBySubnet.set(subnetId, acl.id);
  }

  for (const subnet of snapshot.Subnets) {
    const explicit = routeTableBySubnet.get(subnet.SubnetId);
    model.subnets.set(subnet.SubnetId, {
      item: subnet,
      id: subnet.SubnetId,
      vpcId: subnet.VpcId,
      name: nameTag(subnet.Tags),
      tags: subnet.Tags,
      routeTableId: explicit ?? model.mainRouteTableByVpc.get(subnet.VpcId),
      routeTableExplicit: explicit !== undefined,
      networkAclId: naclBySubnet.get(subnet.SubnetId) ?? model.defaultNetworkAclByVpc.get(subnet.VpcId),
    });
  }

  for (const eni of snapshot.NetworkInterfaces) {
    const vpcId = eni.VpcId ?? (eni.SubnetId ? model.subnets.get(eni.SubnetId)?.vpcId : undefined);
    const node = new InterfaceNode(eni, vpcId);
    model.networkInterfaces.set(node.id, node);
  }
  return model;
}

/**
 * An interface whose lists are derived on first read: three in four interfaces of a region have
 * no public address, and the exposure analysis never asks for their groups.
 */
class InterfaceNode implements NetworkInterfaceNode {
  readonly id: string;
  readonly subnetId?: string;
  readonly tags: Tag[];
  private groups?: string[];
  private publicV4?: string[];
  private v6?: string[];

  constructor(
    readonly item: NetworkInterfaceItem,
    readonly vpcId: string | undefined,
  ) {
    this.id = item.NetworkInterfaceId;
    this.subnetId = item.SubnetId;
    this.tags = item.TagSet.length > 0 ? item.TagSet : item.Tags;
  }

  get groupIds(): string[] {
    if (!this.groups) {
      const ids: string[] = [];
      for (const g of this.item.Groups) if (!ids.includes(g.GroupId)) ids.push(g.GroupId);
      if (ids.length > 1) sortSmall(ids, compareStrings);
      this.groups = ids;
    }
    return this.groups;
  }

  get publicIps(): string[] {
    if (!this.publicV4) {
      // No closure per interface: this runs for every interface of the region.
      const eni = this.item;
      let ips: string[] = NO_ADDRESSES;
      const primary = eni.Association?.PublicIp;
      if (primary) ips = [primary];
      for (const address of eni.PrivateIpAddresses) {
        const ip = address.Association?.PublicIp;
        if (!ip || ips.includes(ip)) continue;
        if (ips === NO_ADDRESSES) ips = [];
        ips.push(ip);
      }
      if (ips.length > 1) sortSmall(ips, compareStrings);
      this.publicV4 = ips;
    }
    return this.publicV4;
  }

  get ipv6Addresses(): string[] {
    if (!this.v6) {
      const eni = this.item;
      let ips: string[] = NO_ADDRESSES;
      if (eni.Ipv6Addresses.length > 0 || eni.Ipv6Address) {
        ips = [];
        for (const a of eni.Ipv6Addresses) if (!ips.includes(a.Ipv6Address)) ips.push(a.Ipv6Address);
        if (eni.Ipv6Address && !ips.includes(eni.Ipv6Address)) ips.push(eni.Ipv6Address);
        if (ips.length > 1) sortSmall(ips, compareStrings);
      }
      this.v6 = ips;
    }
    return this.v6;
  }
}

function indexInterfaces(
  interfaces: ReadonlyMap<string, NetworkInterfaceNode>,
  keys: (eni: NetworkInterfaceNode) => readonly string[],
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const eni of interfaces.values()) for (const key of keys(eni)) push(index, key, eni.id);
  return index;
}

function associated(a: RouteTableItem['Associations'][number]): boolean {
  const state = a.AssociationState?.State;
  return state === undefined || state === 'associated' || state === 'associating';
}

function buildGroup(group: SecurityGroupItem, rules: SecurityGroupRuleItem[] | undefined): SecurityGroupNode {
  return new GroupNode(group, rules !== undefined && rules.length > 0 ? rules : undefined);
}

/**
 * A security group whose rules are expanded (one SgRule per source) on first read. At 50k groups
 * and 500k rules the expansion is most of the model's cost, and nine groups in ten are only ever
 * asked "can the internet reach anything through you?", which the raw permissions answer.
 */
class GroupNode implements SecurityGroupNode {
  readonly id: string;
  readonly vpcId: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly hasRuleIds: boolean;
  readonly tags: Tag[];
  private ingressRules?: SgRule[];
  private egressRules?: SgRule[];

  constructor(
    readonly item: SecurityGroupItem,
    private readonly ruleItems: SecurityGroupRuleItem[] | undefined,
  ) {
    this.id = item.GroupId;
    this.vpcId = item.VpcId ?? '';
    this.name = item.GroupName ?? '';
    this.isDefault = item.GroupName === 'default';
    this.hasRuleIds = ruleItems !== undefined;
    this.tags = item.Tags;
  }

  get ingress(): SgRule[] {
    this.ingressRules ??= this.expand(false);
    return this.ingressRules;
  }

  get egress(): SgRule[] {
    this.egressRules ??= this.expand(true);
    return this.egressRules;
  }

  forEachIngressSource(
    visit: (protocol: Protocol, fromPort: number, toPort: number, source: RuleSource) => void,
  ): void {
    if (this.ingressRules) {
      for (const rule of this.ingressRules) {
        if (rule.source.kind !== 'group') visit(rule.protocol, rule.fromPort, rule.toPort, rule.source);
      }
      return;
    }
    if (this.ruleItems) {
      for (const rule of this.ruleItems) {
        if (rule.IsEgress) continue;
        let source: RuleSource | undefined;
        if (rule.CidrIpv4) source = isRfc1918Text(rule.CidrIpv4) ? undefined : ipv4Source(rule.CidrIpv4);
        else if (rule.CidrIpv6) source = ipv6Source(rule.CidrIpv6);
        else if (rule.PrefixListId) source = prefixListSource(rule.PrefixListId);
        if (!source) continue;
        const protocol = parseProtocol(rule.IpProtocol);
        visit(
          protocol,
          portFrom(protocol, rule.FromPort, rule.ToPort),
          portTo(protocol, rule.FromPort, rule.ToPort),
          source,
        );
      }
      return;
    }
    for (const p of this.item.IpPermissions) {
      // VPC ranges and referenced groups (most sources) are skipped from their text, before the
      // protocol and ports are even read: nothing to visit.
      let open = p.Ipv6Ranges.length > 0 || p.PrefixListIds.length > 0;
      for (let i = 0; !open && i < p.IpRanges.length; i++) {
        open = !isRfc1918Text((p.IpRanges[i] as { CidrIp: string }).CidrIp);
      }
      if (!open) continue;
      const protocol = parseProtocol(p.IpProtocol);
      // Two numbers, not a pair: an array per open permission is garbage at 540k rules.
      const fromPort = portFrom(protocol, p.FromPort, p.ToPort);
      const toPort = portTo(protocol, p.FromPort, p.ToPort);
      for (const r of p.IpRanges) {
        if (isRfc1918Text(r.CidrIp)) continue;
        const source = ipv4Source(r.CidrIp);
        if (source) visit(protocol, fromPort, toPort, source);
      }
      for (const r of p.Ipv6Ranges) {
        const source = ipv6Source(r.CidrIpv6);
        if (source) visit(protocol, fromPort, toPort, source);
      }
      for (const l of p.PrefixListIds) visit(protocol, fromPort, toPort, prefixListSource(l.PrefixListId));
    }
  }

  private expand(egress: boolean): SgRule[] {
    const out: SgRule[] = [];
    if (this.ruleItems) {
      for (const rule of this.ruleItems) {
        if (rule.IsEgress !== egress) continue;
        const sgRule = fromRuleItem(rule);
        if (sgRule) out.push(sgRule);
      }
    } else {
      const permissions = egress ? this.item.IpPermissionsEgress : this.item.IpPermissions;
      for (const permission of permissions) expandPermission(this.id, permission, egress, out);
    }
    return out;
  }
}

/**
 * First port of a rule's inclusive range (with `portTo`: all ports for all-protocol, portless or
 * ICMP rules). Two functions rather than one returning a pair: no array per rule.
 */
function portFrom(protocol: Protocol, from: number | undefined, to: number | undefined): number {
  if (protocol !== 'tcp' && protocol !== 'udp') return 0;
  if (from === undefined || to === undefined || from < 0 || to < 0) return 0;
  return Math.max(0, from);
}

/** Last port of a rule's inclusive range (see `portFrom`). */
function portTo(protocol: Protocol, from: number | undefined, to: number | undefined): number {
  if (protocol !== 'tcp' && protocol !== 'udp') return 65535;
  if (from === undefined || to === undefined || from < 0 || to < 0) return 65535;
  return Math.min(65535, to);
}

function fromRuleItem(rule: SecurityGroupRuleItem): SgRule | undefined {
  let source: RuleSource | undefined;
  if (rule.CidrIpv4) {
    source = ipv4Source(rule.CidrIpv4);
  } else if (rule.CidrIpv6) {
    source = ipv6Source(rule.CidrIpv6);
  } else if (rule.PrefixListId) {
    source = { kind: 'prefix-list', prefixListId: rule.PrefixListId };
  } else {
    const ref = rule.ReferencedGroupInfo;
    source = {
      kind: 'group',
      groupId: ref?.GroupId,
      userId: ref?.UserId,
      peering: ref?.VpcPeeringConnectionId,
    };
  }
  if (!source) return undefined;
  const protocol = parseProtocol(rule.IpProtocol);
  const fromPort = portFrom(protocol, rule.FromPort, rule.ToPort);
  const toPort = portTo(protocol, rule.FromPort, rule.ToPort);
  return {
    groupId: rule.GroupId,
    ruleId: rule.SecurityGroupRuleId,
    egress: rule.IsEgress,
    ipProtocol: rule.IpProtocol,
    protocol,
    fromPort,
    toPort,
    rawFromPort: rule.FromPort,
    rawToPort: rule.ToPort,
    source,
    description: rule.Description,
  };
}

// Sources are immutable and repeat across thousands of rules (0.0.0.0/0, the VPC CIDR): share one
// object per CIDR text instead of allocating one per rule (half the model's allocations at 500k rules).
const sources4 = new Map<string, RuleSource>();
const sources6 = new Map<string, RuleSource>();

const prefixListSources = new Map<string, RuleSource>();

function prefixListSource(prefixListId: string): RuleSource {
  let source = prefixListSources.get(prefixListId);
  if (!source) {
    if (prefixListSources.size > 100_000) prefixListSources.clear();
    source = { kind: 'prefix-list', prefixListId };
    prefixListSources.set(prefixListId, source);
  }
  return source;
}

function ipv4Source(cidr: string): RuleSource | undefined {
  let source = sources4.get(cidr);
  if (!source) {
    const range = parseCidr4(cidr);
    if (!range) return undefined;
    if (sources4.size > 100_000) sources4.clear();
    source = { kind: 'ipv4', cidr, range, public: publicCount4([[range.start, range.end]]) > 0 };
    sources4.set(cidr, source);
  }
  return source;
}

function ipv6Source(cidr: string): RuleSource | undefined {
  let source = sources6.get(cidr);
  if (!source) {
    const range = parseCidr6(cidr);
    if (!range) return undefined;
    if (sources6.size > 100_000) sources6.clear();
    source = { kind: 'ipv6', cidr, range, public: publicCount6([[range.start, range.end]]) > 0n };
    sources6.set(cidr, source);
  }
  return source;
}

/** One rule of a permission; a top-level function (a closure per permission costs more at 500k rules). */
function permissionRule(
  groupId: string,
  egress: boolean,
  permission: IpPermissionItem,
  protocol: Protocol,
  fromPort: number,
  toPort: number,
  source: RuleSource,
  description: string | undefined,
): SgRule {
  return {
    groupId,
    ruleId: undefined,
    egress,
    ipProtocol: permission.IpProtocol,
    protocol,
    fromPort,
    toPort,
    rawFromPort: permission.FromPort,
    rawToPort: permission.ToPort,
    source,
    description,
  };
}

function expandPermission(
  groupId: string,
  permission: IpPermissionItem,
  egress: boolean,
  out: SgRule[],
): void {
  const protocol = parseProtocol(permission.IpProtocol);
  const fromPort = portFrom(protocol, permission.FromPort, permission.ToPort);
  const toPort = portTo(protocol, permission.FromPort, permission.ToPort);
  for (const r of permission.IpRanges) {
    const source = ipv4Source(r.CidrIp);
    if (source)
      out.push(
        permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, r.Description),
      );
  }
  for (const r of permission.Ipv6Ranges) {
    const source = ipv6Source(r.CidrIpv6);
    if (source)
      out.push(
        permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, r.Description),
      );
  }
  for (const p of permission.PrefixListIds) {
    const source: RuleSource = { kind: 'prefix-list', prefixListId: p.PrefixListId };
    out.push(permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, p.Description));
  }
  for (const g of permission.UserIdGroupPairs) {
    const source: RuleSource = {
      kind: 'group',
      groupId: g.GroupId,
      userId: g.UserId,
      peering: g.VpcPeeringConnectionId,
    };
    out.push(permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, g.Description));
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Stable in-place insertion sort for the short lists of a model (an interface's groups, a NACL's
 * dozen entries): Array.prototype.sort copies into a work array on every call, which at 50k
 * interfaces and 10k NACLs is measurable garbage. Long lists fall back to it.
 */
function sortSmall<T>(list: T[], compare: (a: T, b: T) => number): void {
  if (list.length > 32) {
    list.sort(compare);
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const value = list[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(list[j] as T, value) > 0) {
      list[j + 1] = list[j] as T;
      j--;
    }
    list[j + 1] = value;
  }
}

function byNumber(a: NaclEntry, b: NaclEntry): number {
  return a.ruleNumber - b.ruleNumber;
}

/**
 * NACLs stamped from one template carry equal entry lists (10k NACLs, a few hundred distinct
 * lists): the entries of a list are built once and shared by the NACLs whose raw entries are
 * equal in every schema field, in order — their `item`s included, so a shared entry reads the
 * same as an own one would. Keyed by a cheap hash; equal hashes are compared field by field.
 */
type EntryListCache = Map<number, SharedEntries[]>;

interface SharedEntries {
  items: readonly NetworkAclEntryItem[];
  ingress: NaclEntry[];
  egress: NaclEntry[];
}

function rawEntriesHash(items: readonly NetworkAclEntryItem[]): number {
  let h = Math.imul(0x811c9dc5 ^ items.length, 0x01000193);
  for (let i = 0; i < items.length; i++) {
    const e = items[i] as NetworkAclEntryItem;
    h = Math.imul(h ^ e.RuleNumber, 0x01000193);
    h = Math.imul(h ^ (e.Egress ? 1 : 2) ^ (e.RuleAction === 'allow' ? 4 : 8), 0x01000193);
    h = Math.imul(h ^ (e.PortRange?.From ?? -1), 0x01000193);
    // Texts by length and last character only: collisions are settled by sameRawEntries.
    const cidr = e.CidrBlock ?? e.Ipv6CidrBlock ?? '';
    h = Math.imul(h ^ cidr.length ^ (cidr.charCodeAt(cidr.length - 1) << 8), 0x01000193);
    h = Math.imul(h ^ e.Protocol.length ^ (e.Protocol.charCodeAt(0) << 8), 0x01000193);
  }
  return h & 0x3fffffff;
}

function sameRawEntries(a: readonly NetworkAclEntryItem[], b: readonly NetworkAclEntryItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as NetworkAclEntryItem;
    const y = b[i] as NetworkAclEntryItem;
    if (
      x.RuleNumber !== y.RuleNumber ||
      x.Protocol !== y.Protocol ||
      x.RuleAction !== y.RuleAction ||
      x.Egress !== y.Egress ||
      x.CidrBlock !== y.CidrBlock ||
      x.Ipv6CidrBlock !== y.Ipv6CidrBlock ||
      (x.PortRange === undefined) !== (y.PortRange === undefined) ||
      x.PortRange?.From !== y.PortRange?.From ||
      x.PortRange?.To !== y.PortRange?.To ||
      (x.IcmpTypeCode === undefined) !== (y.IcmpTypeCode === undefined) ||
      x.IcmpTypeCode?.Type !== y.IcmpTypeCode?.Type ||
      x.IcmpTypeCode?.Code !== y.IcmpTypeCode?.Code
    ) {
      return false;
    }
  }
  return true;
}

function buildNacl(acl: NetworkAclItem, lists: EntryListCache): NetworkAclNode {
  const hash = rawEntriesHash(acl.Entries);
  let bucket = lists.get(hash);
  if (!bucket) {
    bucket = [];
    lists.set(hash, bucket);
  }
  let shared: SharedEntries | undefined;
  for (let i = 0; i < bucket.length && !shared; i++) {
    const candidate = bucket[i] as SharedEntries;
    if (sameRawEntries(candidate.items, acl.Entries)) shared = candidate;
  }
  if (!shared) {
    shared = buildEntries(acl.Entries);
    bucket.push(shared);
  }
  return {
    item: acl,
    id: acl.NetworkAclId,
    vpcId: acl.VpcId,
    isDefault: acl.IsDefault === true,
    ingress: shared.ingress,
    egress: shared.egress,
    subnetIds: acl.Associations.map((a) => a.SubnetId).sort(),
    tags: acl.Tags,
  };
}

function buildEntries(items: readonly NetworkAclEntryItem[]): SharedEntries {
  const ingress: NaclEntry[] = [];
  const egress: NaclEntry[] = [];
  for (const item of items) {
    const protocol = parseProtocol(item.Protocol);
    const fromPort = portFrom(protocol, item.PortRange?.From, item.PortRange?.To);
    const toPort = portTo(protocol, item.PortRange?.From, item.PortRange?.To);
    const allow = item.RuleAction === 'allow';
    // Literals of one shape, no spread (10k NACLs × a dozen entries per evaluation).
    let entry: NaclEntry | undefined;
    if (item.CidrBlock !== undefined) {
      const range4 = parseCidr4(item.CidrBlock);
      if (range4) {
        entry = {
          ruleNumber: item.RuleNumber,
          egress: item.Egress,
          allow,
          protocol,
          rawProtocol: item.Protocol,
          fromPort,
          toPort,
          family: 'ipv4',
          cidr: item.CidrBlock,
          range4,
          range6: undefined,
          item,
        };
      }
    } else if (item.Ipv6CidrBlock !== undefined) {
      const range6 = parseCidr6(item.Ipv6CidrBlock);
      if (range6) {
        entry = {
          ruleNumber: item.RuleNumber,
          egress: item.Egress,
          allow,
          protocol,
          rawProtocol: item.Protocol,
          fromPort,
          toPort,
          family: 'ipv6',
          cidr: item.Ipv6CidrBlock,
          range4: undefined,
          range6,
          item,
        };
      }
    }
    if (entry) (entry.egress ? egress : ingress).push(entry);
  }
  sortSmall(ingress, byNumber);
  sortSmall(egress, byNumber);
  return { items, ingress, egress };
}

export type { NetworkInterfaceItem, RouteTableItem, SecurityGroupItem, SubnetItem };
