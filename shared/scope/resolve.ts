import {
  applianceRoutes,
  applianceTarget,
  filteredIgwRoutes,
  internetRoutes,
  isActiveIgwRoute,
  type RouteLike,
  type RoutePrefixList,
  unresolvedApplianceRouteLists,
  unresolvedIgwRouteLists,
} from '../analysis/igw-routes';
import { ingressEdges, isGatewayEndpoint } from '../analysis/not-judged';
import { DEFAULT_CONFIG } from '../config';
import type { EventScope } from '../events/types';
import type { Finding } from '../findings';
import type { Model } from '../model/model';
import type { RuleSource } from '../model/types';

/**
 * The resources an event's findings are reported for (DESIGN §7 "Scope"), resolved against the
 * slice: the event's own resources, and the interfaces whose exposure they decide. Everything else
 * in the slice is context. Lists are sorted.
 */
export interface ResolvedScope {
  securityGroups: string[];
  networkAcls: string[];
  subnets: string[];
  routeTables: string[];
  natGateways: string[];
  vpcEndpoints: string[];
  /** Interfaces whose exposure is reported: named by the event, using its groups, or in its subnets. */
  networkInterfaces: string[];
  /** Resources the event names that the slice does not hold (deleted since, or not readable). */
  missing: string[];
}

/** Widens an event's scope with what the slice shows: groups by name, subnets of tables, interfaces. */
export function resolveScope(
  scope: EventScope,
  model: Model,
  coverage: number = DEFAULT_CONFIG.worldOpenCoverage,
): ResolvedScope {
  const missing = new Set<string>();
  const known = (id: string, present: boolean): boolean => {
    if (!present) missing.add(id);
    return present;
  };

  const groups = new Set(scope.securityGroupIds.filter((id) => known(id, model.securityGroups.has(id))));
  if (scope.securityGroupNames.length > 0) {
    for (const name of new Set(scope.securityGroupNames)) {
      for (const id of groupsNamed(model, name, scope.vpcIds, missing)) groups.add(id);
    }
  }

  const acls = new Set(scope.networkAclIds.filter((id) => known(id, model.networkAcls.has(id))));
  const tables = new Set(scope.routeTableIds.filter((id) => known(id, model.routeTables.has(id))));
  // CreateVpc: what EC2 made in the new VPC, named nowhere in the record (its subnets are below).
  const newVpcs = new Set(scope.newVpcIds);
  if (newVpcs.size > 0) {
    for (const group of model.securityGroups.values()) {
      if (group.isDefault && newVpcs.has(group.vpcId)) groups.add(group.id);
    }
    for (const vpcId of newVpcs) {
      const acl = model.defaultNetworkAclByVpc.get(vpcId);
      if (acl !== undefined) acls.add(acl);
    }
  }
  // ModifyManagedPrefixList: the groups whose ingress and the tables whose routes name a changed list.
  if (scope.prefixListIds.length > 0) {
    const lists = new Set(scope.prefixListIds);
    const names = (source: RuleSource) => source.kind === 'prefix-list' && lists.has(source.prefixListId);
    for (const group of model.securityGroups.values()) {
      if (group.publicIngress.some((rule) => names(rule.source))) groups.add(group.id);
    }
    for (const table of model.routeTables.values()) {
      const id = (route: { DestinationPrefixListId?: string | undefined }) => route.DestinationPrefixListId;
      if (table.item.Routes.some((route) => lists.has(id(route) ?? ''))) tables.add(table.id);
    }
  }
  // AttachInternetGateway: the VPC's tables that target that gateway.
  for (const gatewayId of scope.internetGatewayIds) {
    for (const table of model.routeTables.values()) {
      if (!scope.vpcIds.includes(table.vpcId)) continue;
      if (table.item.Routes.some((route) => route.GatewayId === gatewayId)) tables.add(table.id);
    }
  }

  // DisassociateRouteTable: the main tables the subnet can have fallen back to, those through which
  // the internet can reach it: routing to an igw-, or to an appliance behind ingress routing (its
  // interfaces are then not judged, as in an audit: DESIGN §3).
  if (scope.mainRouteTables) {
    const edges = ingressEdges(model);
    for (const table of model.routeTables.values()) {
      if (!table.isMain) continue;
      if (
        routesToInternet(table.item.Routes, coverage, model.prefixLists) ||
        (edges.has(table.vpcId) && routesInternetToAppliance(table.item.Routes, model, coverage))
      )
        tables.add(table.id);
    }
  }

  // Subnets reported as resources: named by the event, and those using an affected route table.
  const subnets = new Set(scope.subnetIds.filter((id) => known(id, model.subnets.has(id))));
  for (const subnet of model.subnets.values()) {
    if (subnet.routeTableId !== undefined && tables.has(subnet.routeTableId)) subnets.add(subnet.id);
    if (newVpcs.has(subnet.vpcId)) subnets.add(subnet.id);
  }
  // ReplaceNetworkAclAssociation: the subnet whose new association the event made.
  const associationIds = new Set(scope.networkAclAssociationIds);
  let associated = false;
  if (associationIds.size > 0) {
    for (const aclId of acls) {
      for (const association of model.networkAcls.get(aclId)?.item.Associations ?? []) {
        const id = association.NetworkAclAssociationId;
        if (id !== undefined && associationIds.has(id) && model.subnets.has(association.SubnetId)) {
          subnets.add(association.SubnetId);
          associated = true;
        }
      }
    }
  }

  // Subnets whose interfaces' exposure the event decides (NACL and route events only): the subnets
  // above, plus every subnet behind an affected NACL.
  const decidesExposure =
    scope.area === 'network-acl' || scope.area === 'route' || scope.area === 'prefix-list';
  const exposureSubnets = new Set(decidesExposure ? subnets : []);
  // A NACL event, or an association the slice does not show (a record without newAssociationId):
  // every subnet behind the NACL.
  if (decidesExposure && !associated) {
    for (const subnet of model.subnets.values()) {
      if (subnet.networkAclId !== undefined && acls.has(subnet.networkAclId)) exposureSubnets.add(subnet.id);
    }
  }

  const interfaces = new Set(
    scope.networkInterfaceIds.filter((id) => known(id, model.networkInterfaces.has(id))),
  );
  const instances = new Set(scope.instanceIds);
  for (const eni of model.networkInterfaces.values()) {
    const instanceId = eni.item.Attachment?.InstanceId;
    if (instanceId !== undefined && instances.has(instanceId)) interfaces.add(eni.id);
    if (eni.groupIds.some((id) => groups.has(id))) interfaces.add(eni.id);
    if (eni.subnetId !== undefined && exposureSubnets.has(eni.subnetId)) interfaces.add(eni.id);
  }

  return {
    securityGroups: sorted(groups),
    networkAcls: sorted(acls),
    subnets: sorted(subnets),
    routeTables: sorted(tables),
    natGateways: sorted(scope.natGatewayIds.filter((id) => known(id, model.natGateways.has(id)))),
    vpcEndpoints: sorted(scope.vpcEndpointIds.filter((id) => known(id, model.vpcEndpoints.has(id)))),
    networkInterfaces: sorted(interfaces),
    missing: sorted(missing),
  };
}

/** The findings an event reports: those about a resource of the resolved scope, in engine order. */
export function findingsInScope(findings: readonly Finding[], scope: ResolvedScope): Finding[] {
  const byType: Record<Finding['resourceType'], ReadonlySet<string>> = {
    'AWS::EC2::SecurityGroup': new Set(scope.securityGroups),
    'AWS::EC2::NetworkAcl': new Set(scope.networkAcls),
    'AWS::EC2::Subnet': new Set(scope.subnets),
    'AWS::EC2::RouteTable': new Set(scope.routeTables),
    'AWS::EC2::NatGateway': new Set(scope.natGateways),
    'AWS::EC2::VPCEndpoint': new Set(scope.vpcEndpoints),
    'AWS::EC2::NetworkInterface': new Set(scope.networkInterfaces),
  };
  return findings.filter((finding) => byType[finding.resourceType].has(finding.resourceId));
}

/**
 * What the evaluation could not judge about a resource of the resolved scope (DESIGN §3 "Not judged
 * is said"): the event's share of the engine's `notJudged`. The rest of the slice is context.
 */
export function notJudgedInScope<T extends { resourceId: string }>(
  notJudged: readonly T[],
  scope: ResolvedScope,
): T[] {
  const ids = new Set([
    ...scope.securityGroups,
    ...scope.networkAcls,
    ...scope.subnets,
    ...scope.routeTables,
    ...scope.natGateways,
    ...scope.vpcEndpoints,
    ...scope.networkInterfaces,
  ]);
  return notJudged.filter((n) => ids.has(n.resourceId));
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/**
 * Groups a by-name call meant. With a VPC given, the group of that name there. Without one (the
 * EC2 API resolves names in the default VPC), a name found in several VPCs means the default VPC's
 * group when the slice says which VPC is the default; otherwise it is ambiguous and nothing is
 * taken, so no group the call never touched is judged or remediated.
 */
function groupsNamed(model: Model, name: string, vpcIds: readonly string[], missing: Set<string>): string[] {
  const matches = [...model.securityGroups.values()].filter(
    (g) => g.name === name && (vpcIds.length === 0 || vpcIds.includes(g.vpcId)),
  );
  if (matches.length === 0) {
    missing.add(`group named ${name}`);
    return [];
  }
  if (vpcIds.length > 0) return matches.map((g) => g.id);
  // Without a VPC the name is the default VPC's: a group in a VPC the slice shows is not the default
  // (a whole snapshot under simulate, a VPC read for a NACL) is not the call's, whatever its name.
  const candidates = matches.filter((g) => model.vpcs.get(g.vpcId)?.IsDefault !== false);
  if (candidates.length === 0) {
    missing.add(`group named ${name} (not in the default VPC)`);
    return [];
  }
  const vpcs = new Set(candidates.map((g) => g.vpcId));
  if (vpcs.size === 1) return candidates.map((g) => g.id);
  const inDefault = candidates.filter((g) => model.vpcs.get(g.vpcId)?.IsDefault === true);
  if (inDefault.length > 0) return inDefault.map((g) => g.id);
  missing.add(`group named ${name} (ambiguous: found in ${vpcs.size} VPCs, none known as the default VPC)`);
  return [];
}

/**
 * Whether a table sends internet traffic of either family to an igw- (DESIGN §5's default route,
 * read as the rules read it: an active `0.0.0.0/0` or `::/0`, or active igw- routes that together
 * cover `coverage` of the public space, such as `0.0.0.0/1` + `128.0.0.0/1`; shared/analysis/igw-routes.ts).
 */
export function routesToInternet(
  routes: readonly RouteLike[],
  coverage: number,
  prefixLists?: ReadonlyMap<string, RoutePrefixList>,
): boolean {
  return (
    internetRoutes(routes, 'ipv4', coverage, prefixLists) !== undefined ||
    internetRoutes(routes, 'ipv6', coverage, prefixLists) !== undefined ||
    // A list that is not resolved may be the whole internet: the table is kept (its subnets are
    // then listed as not judged), never dropped as if it had no way out.
    (prefixLists !== undefined && unresolvedIgwRouteLists(routes, prefixLists).length > 0) ||
    // So may a route to an igw- in the undescribed state `filtered` (Analysis.unknownIgwRoute).
    filteredIgwRoutes(routes).length > 0
  );
}

/**
 * Whether a table sends internet traffic of either family to an appliance (a GWLB endpoint, an
 * interface, an instance), as the not-judged reading of an interface behind ingress routing reads
 * it (shared/analysis/not-judged.ts `throughAppliance`): routes covering the internet with one of
 * them to an appliance, or a prefix list the snapshot does not resolve routed to one (a gateway
 * endpoint's list excepted: it carries traffic to its service only).
 */
function routesInternetToAppliance(routes: readonly RouteLike[], model: Model, coverage: number): boolean {
  return (
    applianceRoutes(routes, 'ipv4', coverage, model.prefixLists) !== undefined ||
    applianceRoutes(routes, 'ipv6', coverage, model.prefixLists) !== undefined ||
    unresolvedApplianceRouteLists(
      routes.filter((route) => !isGatewayEndpoint(model, route.GatewayId)),
      model.prefixLists,
    ).length > 0
  );
}

/**
 * Whether a table has any active route to an igw- (or one in the undescribed state `filtered`), or
 * any route to an appliance (which ingress routing can make the internet's way in): what a slice
 * keeps of the main tables it read. It knows no config and not yet the VPC's edge table, so the
 * VPCs of those tables are read and `resolveScope` then reads them as the rules do.
 */
export function mayCarryInternet(routes: readonly RouteLike[]): boolean {
  return (
    routes.some((route) => isActiveIgwRoute(route) || applianceTarget(route) !== undefined) ||
    filteredIgwRoutes(routes).length > 0
  );
}
