import { parseCidr4, parseCidr6 } from '../net/cidr';
import { associationInForce, push } from './common';
import { InterfaceNode, indexInterfaces } from './interfaces';
import { buildNacl, type EntryListCache } from './nacls';
import { buildGroup, buildMergedGroup } from './security-groups';
import type {
  InternetGatewayItem,
  NatGatewayItem,
  NetworkAclItem,
  NetworkInterfaceItem,
  RouteItem,
  RouteTableItem,
  SecurityGroupItem,
  SecurityGroupRuleItem,
  Snapshot,
  SubnetItem,
  Tag,
  VpcEndpointItem,
  VpcItem,
} from './snapshot-schema';
import type {
  Model,
  NetworkAclNode,
  NetworkInterfaceNode,
  PrefixListNode,
  RouteTableNode,
  SecurityGroupNode,
  SubnetNode,
} from './types';

export type {
  Model,
  NaclEntry,
  NetworkAclNode,
  NetworkInterfaceNode,
  PrefixListNode,
  RouteTableNode,
  RuleSource,
  SecurityGroupNode,
  SgRule,
  SubnetNode,
} from './types';

/** Value of the `Name` tag, if any. */
export function nameTag(tags: readonly Tag[]): string | undefined {
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] as Tag;
    if (tag.Key === 'Name') return tag.Value;
  }
  return undefined;
}

/**
 * The model as a class: an object literal with getters is created in dictionary mode (V8), and
 * then every `model.subnets`, `model.securityGroups`, … read in the per-interface and per-group
 * loops of every rule is a hash lookup instead of a field load. Here the fields are set in the
 * constructor, in one order (one hidden class), and the lazy indexes are prototype getters.
 */
class BuiltModel implements Model {
  readonly accountId?: string;
  readonly region?: string;
  readonly vpcs: Map<string, VpcItem>;
  readonly subnets = new Map<string, SubnetNode>();
  readonly securityGroups = new Map<string, SecurityGroupNode>();
  readonly networkAcls = new Map<string, NetworkAclNode>();
  readonly routeTables = new Map<string, RouteTableNode>();
  readonly internetGateways: Map<string, InternetGatewayItem>;
  readonly natGateways: Map<string, NatGatewayItem>;
  readonly vpcEndpoints: Map<string, VpcEndpointItem>;
  readonly networkInterfaces = new Map<string, NetworkInterfaceNode>();
  readonly prefixLists = new Map<string, PrefixListNode>();
  readonly mainRouteTableByVpc = new Map<string, string>();
  readonly defaultNetworkAclByVpc = new Map<string, string>();
  readonly warnings: string[] = [];
  private byGroup: Map<string, string[]> | undefined = undefined;
  private bySubnet: Map<string, string[]> | undefined = undefined;
  private byVpc: Map<string, string[]> | undefined = undefined;

  constructor(snapshot: Snapshot) {
    this.accountId = snapshot.accountId;
    this.region = snapshot.region;
    this.vpcs = new Map(snapshot.Vpcs.map((v) => [v.VpcId, v]));
    this.internetGateways = new Map(snapshot.InternetGateways.map((g) => [g.InternetGatewayId, g]));
    this.natGateways = new Map(snapshot.NatGateways.map((g) => [g.NatGatewayId, g]));
    this.vpcEndpoints = new Map(snapshot.VpcEndpoints.map((e) => [e.VpcEndpointId, e]));
  }

  // Indexes no rule of the catalogue reads: built on first read (50k interfaces cost ~30 ms).
  get interfacesByGroup(): Map<string, string[]> {
    this.byGroup ??= indexInterfaces(this.networkInterfaces, (eni) => eni.groupIds);
    return this.byGroup;
  }

  get interfacesBySubnet(): Map<string, string[]> {
    this.bySubnet ??= indexInterfaces(this.networkInterfaces, (eni) => (eni.subnetId ? [eni.subnetId] : []));
    return this.bySubnet;
  }

  get subnetsByVpc(): Map<string, string[]> {
    if (!this.byVpc) {
      const index = new Map<string, string[]>();
      for (const subnet of this.subnets.values()) push(index, subnet.vpcId, subnet.id);
      for (const list of index.values()) list.sort();
      this.byVpc = index;
    }
    return this.byVpc;
  }
}

/** The VPC of each security group an interface of the snapshot uses (a group lives in one VPC). */
function vpcsOfGroupsByInterface(snapshot: Snapshot): Map<string, string> {
  const vpcs = new Map<string, string>();
  for (const eni of snapshot.NetworkInterfaces) {
    if (eni.VpcId === undefined) continue;
    for (const group of eni.Groups) if (!vpcs.has(group.GroupId)) vpcs.set(group.GroupId, eni.VpcId);
  }
  return vpcs;
}

/** Builds the normalized model from a validated snapshot. */
export function buildModel(snapshot: Snapshot): Model {
  const model = new BuiltModel(snapshot);

  for (const list of snapshot.ManagedPrefixLists) {
    const node: PrefixListNode = { id: list.PrefixListId, name: list.PrefixListName, cidrs4: [], cidrs6: [] };
    // No entries: an AWS-managed list (the schema requires them of a customer's), whose addresses
    // are an AWS service's, never internet sources: resolved, and empty.
    for (const entry of list.Entries ?? []) {
      const r4 = parseCidr4(entry.Cidr);
      if (r4) node.cidrs4.push({ cidr: entry.Cidr, range: r4 });
      else {
        const r6 = parseCidr6(entry.Cidr);
        if (r6) node.cidrs6.push({ cidr: entry.Cidr, range: r6 });
      }
    }
    model.prefixLists.set(node.id, node);
  }

  // hot: the loops over the large lists index them. buildModel runs once per evaluation, mostly
  // before it is optimized, and a for-of step in unoptimized code allocates an iterator result:
  // ~7 MB of garbage on a 50k-group region, and with it scavenges that copy the model being built.
  const rulesByGroup = new Map<string, SecurityGroupRuleItem[]>();
  const sgRules = snapshot.SecurityGroupRules;
  for (let i = 0; i < sgRules.length; i++) {
    const rule = sgRules[i] as SecurityGroupRuleItem;
    push(rulesByGroup, rule.GroupId, rule);
  }
  const groups = snapshot.SecurityGroups;
  // A group's VPC, when its item or rules do not name it (a hand-made item, a group known only from
  // its rules): that of an interface using it, so its findings carry the vpcId `--vpc` filters by.
  let vpcByGroup: Map<string, string> | undefined;
  const vpcOf = (groupId: string) => {
    vpcByGroup ??= vpcsOfGroupsByInterface(snapshot);
    return vpcByGroup.get(groupId);
  };
  for (let i = 0; i < groups.length; i++) {
    const listed = groups[i] as SecurityGroupItem;
    const vpcId = listed.VpcId === undefined ? vpcOf(listed.GroupId) : undefined;
    const group = vpcId === undefined ? listed : { ...listed, VpcId: vpcId };
    const rules = rulesByGroup.get(group.GroupId);
    if (!rules) {
      model.securityGroups.set(group.GroupId, buildGroup(group, undefined));
      continue;
    }
    const merged = buildMergedGroup(group, rules);
    model.securityGroups.set(group.GroupId, merged.node);
    if (merged.onlyInPermissions > 0 || merged.onlyInRules > 0) {
      model.warnings.push(
        `security group ${group.GroupId}: its IpPermissions/IpPermissionsEgress and SecurityGroupRules ` +
          `disagree (${count(merged.onlyInPermissions)} only in IpPermissions/IpPermissionsEgress, ` +
          `${count(merged.onlyInRules)} only in SecurityGroupRules); evaluated as their union`,
      );
    }
  }
  // A snapshot may carry rules of groups it does not describe (an event slice, for the other
  // groups of an interface; describe-security-group-rules alone): evaluated from them, no warning.
  for (const [groupId, rules] of rulesByGroup) {
    if (model.securityGroups.has(groupId)) continue;
    const vpcId = vpcOf(groupId);
    const stub: SecurityGroupItem = {
      GroupId: groupId,
      ...(vpcId !== undefined ? { VpcId: vpcId } : {}),
      IpPermissions: [],
      IpPermissionsEgress: [],
      Tags: [],
    };
    model.securityGroups.set(groupId, buildGroup(stub, rules));
  }

  for (const listed of snapshot.RouteTables) {
    const table = withCanonicalDefaults(listed);
    const isMain = table.Associations.some((a) => a.Main === true);
    // Sorted and once each, as a NACL's are: the evidence reads the same whatever order EC2 listed
    // the associations in (and an association listed twice is one).
    const subnetIds = [
      ...new Set(
        table.Associations.filter((a) => a.SubnetId && a.Main !== true && associationInForce(a)).map(
          (a) => a.SubnetId as string,
        ),
      ),
    ].sort();
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
  const acls = snapshot.NetworkAcls;
  for (let i = 0; i < acls.length; i++) {
    const node = buildNacl(acls[i] as NetworkAclItem, entryLists);
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

  const subnets = snapshot.Subnets;
  for (let i = 0; i < subnets.length; i++) {
    const subnet = subnets[i] as SubnetItem;
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

  const interfaces = snapshot.NetworkInterfaces;
  for (let i = 0; i < interfaces.length; i++) {
    const eni = interfaces[i] as NetworkInterfaceItem;
    const vpcId = eni.VpcId ?? (eni.SubnetId ? model.subnets.get(eni.SubnetId)?.vpcId : undefined);
    const node = new InterfaceNode(eni, vpcId);
    model.networkInterfaces.set(node.id, node);
  }
  return model;
}

/**
 * The table with each `/0` destination written as EC2 stores it: host bits are cleared (DESIGN
 * §3), so `1.2.3.4/0` is `0.0.0.0/0` and `0::/0` is `::/0`, and the rules recognise a default
 * route by that text. The listed item is kept when nothing needs rewriting (the usual case).
 */
function withCanonicalDefaults(table: RouteTableItem): RouteTableItem {
  if (!table.Routes.some(nonCanonicalDefault)) return table;
  const Routes = table.Routes.map((route) =>
    nonCanonicalDefault(route)
      ? {
          ...route,
          ...(route.DestinationCidrBlock?.endsWith('/0') ? { DestinationCidrBlock: '0.0.0.0/0' } : {}),
          ...(route.DestinationIpv6CidrBlock?.endsWith('/0') ? { DestinationIpv6CidrBlock: '::/0' } : {}),
        }
      : route,
  );
  return { ...table, Routes };
}

function nonCanonicalDefault(route: RouteItem): boolean {
  const v4 = route.DestinationCidrBlock;
  const v6 = route.DestinationIpv6CidrBlock;
  return (
    (v4 !== undefined && v4 !== '0.0.0.0/0' && v4.endsWith('/0')) ||
    (v6 !== undefined && v6 !== '::/0' && v6.endsWith('/0'))
  );
}

export type { NetworkInterfaceItem, RouteTableItem, SecurityGroupItem, SubnetItem };

function count(rules: number): string {
  return rules === 1 ? '1 rule' : `${rules} rules`;
}
