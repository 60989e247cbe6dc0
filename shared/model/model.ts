import { parseCidr4, parseCidr6 } from '../net/cidr';
import { push } from './common';
import { InterfaceNode, indexInterfaces } from './interfaces';
import { buildNacl, type EntryListCache } from './nacls';
import { buildGroup, buildMergedGroup } from './security-groups';
import type {
  NetworkInterfaceItem,
  RouteTableItem,
  SecurityGroupItem,
  SecurityGroupRuleItem,
  Snapshot,
  SubnetItem,
  Tag,
} from './snapshot-schema';
import type { Model, PrefixListNode } from './types';

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
  return tags.find((t) => t.Key === 'Name')?.Value;
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
    warnings: [],
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

function associated(a: RouteTableItem['Associations'][number]): boolean {
  const state = a.AssociationState?.State;
  return state === undefined || state === 'associated' || state === 'associating';
}

export type { NetworkInterfaceItem, RouteTableItem, SecurityGroupItem, SubnetItem };

function count(rules: number): string {
  return rules === 1 ? '1 rule' : `${rules} rules`;
}
