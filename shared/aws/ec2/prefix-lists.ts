import type {
  NetworkInterface,
  PrefixListEntry,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { applianceTarget, isActiveIgwRoute, isIgwEdgeAssociation } from '../../analysis/igw-routes';
import type { AddedPrefixListEntry, EventScope } from '../../events/types';
import { parseCidr4, parseCidr6 } from '../../net/cidr';
import { parseProtocol } from '../../net/protocol';
import type { Loaded } from './slice-snapshot';

/** What the slice loader holds that decides which prefix lists it reads (./slice.ts). */
export interface LoadedRules {
  rules: ReadonlyMap<string, SecurityGroupRule>;
  groups: ReadonlyMap<string, SecurityGroup>;
  /** Lists already read (or tried). */
  prefixLists: ReadonlyMap<string, PrefixListEntry[]>;
}

/**
 * The prefix lists the loaded tcp, udp and all-traffic ingress rules name: the only ones whose
 * entries decide anything. The `sg-open-*` and broad-source rules and the exposure read ingress
 * only (DESIGN §5 "Readings"), ICMP and other protocols never count towards them (§5, and an
 * unresolved list is "not judged" only on such a rule, §3), and `sg-default-not-restricted` names a
 * rule by its list id. Every other list (an egress rule's — a gateway endpoint's
 * `com.amazonaws.<region>.s3`, the common second list —, an ICMP rule's) would cost a call each
 * (EC2 reads one list per `GetManagedPrefixListEntries`), past §12's 6.
 */
export function ingressPrefixLists(loaded: LoadedRules): string[] {
  const ids = new Set<string>();
  for (const rule of loaded.rules.values()) {
    if (rule.PrefixListId && rule.IsEgress !== true && carriesPorts(rule.IpProtocol))
      ids.add(rule.PrefixListId);
  }
  for (const group of loaded.groups.values()) {
    for (const permission of group.IpPermissions ?? []) {
      if (!carriesPorts(permission.IpProtocol)) continue;
      for (const p of permission.PrefixListIds ?? []) if (p.PrefixListId) ids.add(p.PrefixListId);
    }
  }
  return [...ids].filter((id) => !loaded.prefixLists.has(id)).sort();
}

/** A rule of tcp, udp or every protocol (an absent protocol is read as every one: nothing is skipped on doubt). */
function carriesPorts(ipProtocol: string | undefined): boolean {
  const protocol = ipProtocol === undefined ? 'all' : parseProtocol(ipProtocol);
  return protocol === 'tcp' || protocol === 'udp' || protocol === 'all';
}

/**
 * The prefix lists that active routes to an `igw-` have as their destination, sorted: their entries
 * tell whether the table sends the internet there (DESIGN §5's default route to an igw-; a list
 * holding `0.0.0.0/0` is one). Other routes' lists (a gateway endpoint's `com.amazonaws.…` route
 * to a `vpce-`) decide nothing and are not read.
 */
export function igwRoutePrefixLists(tables: Iterable<RouteTable>): string[] {
  const ids = new Set<string>();
  for (const table of tables) {
    for (const route of table.Routes ?? []) {
      if (route.DestinationPrefixListId && isActiveIgwRoute(route)) ids.add(route.DestinationPrefixListId);
    }
  }
  return [...ids].sort();
}

/**
 * The prefix lists that routes to an appliance (a GWLB endpoint `vpce-`, an interface, an
 * instance) have as their destination where their entries decide something, sorted: in the tables
 * of a VPC whose internet gateway has an edge table among `tables` (ingress routing), whose
 * subnets' public interfaces are reached through the appliance as far as those entries send the
 * internet there (shared/analysis/not-judged.ts). Not read: a gateway endpoint's list (`vpce-` ids
 * in `gatewayEndpoints`: S3 or DynamoDB only, never the internet), and the lists of a table whose
 * own default routes to an igw- or an appliance already settle both its ways: `0.0.0.0/0` the
 * IPv4 one, `::/0` the IPv6 one (or no IPv6 at all: no local IPv6 route). A table settled for IPv4
 * only has its lists read, since any may be an IPv6 list that decides the IPv6 way of an interface
 * with an IPv6 address (a list's family is not known before it is read). Unread, a list is "not
 * judged … add it to ManagedPrefixLists", which a live audit cannot act on; read, it costs one
 * GetManagedPrefixListEntries (DESIGN §12: 6 with one list).
 */
export function applianceRoutePrefixLists(
  tables: Iterable<RouteTable>,
  gatewayEndpoints: ReadonlySet<string> = new Set(),
): string[] {
  const all = [...tables];
  const edgeVpcs = new Set(all.filter(isEdgeTable).map((table) => table.VpcId));
  const ids = new Set<string>();
  for (const table of all) {
    if (!edgeVpcs.has(table.VpcId)) continue;
    const routes = table.Routes ?? [];
    const settles = (r: (typeof routes)[number]) => isActiveIgwRoute(r) || applianceTarget(r) !== undefined;
    const settled4 = routes.some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && settles(r));
    // Every table of a VPC with an IPv6 block has its local IPv6 route: without one, no interface
    // behind the table has an IPv6 address, and no list decides an IPv6 way.
    const settled6 =
      routes.some((r) => r.DestinationIpv6CidrBlock === '::/0' && settles(r)) ||
      !routes.some((r) => r.DestinationIpv6CidrBlock !== undefined);
    if (settled4 && settled6) continue;
    for (const route of routes) {
      const target = applianceTarget(route);
      if (route.DestinationPrefixListId && target !== undefined && !gatewayEndpoints.has(target))
        ids.add(route.DestinationPrefixListId);
    }
  }
  return [...ids].sort();
}

/** A table associated with an internet gateway (ingress routing), as not-judged.ts reads one. */
function isEdgeTable(table: RouteTable): boolean {
  return (table.Associations ?? []).some(isIgwEdgeAssociation);
}

/** The ids of the gateway endpoints (`VpcEndpointType` `Gateway`) among `endpoints`. */
export function gatewayEndpointIds(
  endpoints: Iterable<{ VpcEndpointId?: string | undefined; VpcEndpointType?: string | undefined }>,
): Set<string> {
  const ids = new Set<string>();
  for (const e of endpoints) if (e.VpcEndpointId && e.VpcEndpointType === 'Gateway') ids.add(e.VpcEndpointId);
  return ids;
}

/** An entry a prefix-list call put in a list or took out of it, and which call (for the reason). */
export type ListEntryChange = AddedPrefixListEntry & { by: string };

/**
 * Why a prefix-list event cannot be judged yet: an entry the call put in the list (added by
 * ModifyManagedPrefixList, or of the version RestoreManagedPrefixListVersion restores) that the
 * list as read does not hold, or one it took out (removed by ModifyManagedPrefixList, or missing
 * from the restored version) that the list as read still holds. EC2 applies both asynchronously
 * (the call answers `…-in-progress`): judged from the old entries, a world range just put in would
 * pass in silence, and a world range being taken out would get the rule naming the list revoked;
 * judged from the request, a rule could be revoked for an entry EC2 never took (or removed since).
 * So the slice is not complete: no remediation, and a "could not evaluate" notice. Of a batch that
 * puts the same entry in and takes it out, the call made on the later `CurrentVersion` decides;
 * without both versions, only the entry's presence is expected (the safe side: a world range is
 * judged, never assumed gone).
 */
export function notYetApplied(
  added: readonly ListEntryChange[],
  removed: readonly ListEntryChange[],
  lists: ReadonlyMap<string, PrefixListEntry[]>,
): string[] {
  const same = (a: ListEntryChange, b: ListEntryChange) =>
    a.prefixListId === b.prefixListId && sameCidr(a.cidr, b.cidr);
  const later = (a: ListEntryChange, b: ListEntryChange) =>
    a.version !== undefined && b.version !== undefined && a.version > b.version;
  const holds = (change: ListEntryChange) =>
    lists.get(change.prefixListId)?.some((e) => e.Cidr !== undefined && sameCidr(e.Cidr, change.cidr));
  const out: string[] = [];
  for (const entry of added) {
    if (!lists.has(entry.prefixListId) || holds(entry)) continue;
    if (removed.some((r) => same(r, entry) && later(r, entry))) continue;
    out.push(
      `${entry.prefixListId}: GetManagedPrefixListEntries does not show ${entry.cidr} that ${entry.by} yet (EC2 applies it asynchronously; audit once the list's state is complete)`,
    );
  }
  for (const entry of removed) {
    if (!holds(entry)) continue;
    if (added.some((a) => same(a, entry) && !later(entry, a))) continue;
    out.push(
      `${entry.prefixListId}: GetManagedPrefixListEntries still shows ${entry.cidr} that ${entry.by} (EC2 applies it asynchronously; audit once the list's state is complete)`,
    );
  }
  return out;
}

/** The lists of `ids` that the ingress rules of `groups` or the routes of `tables` name. */
export function listsNamed(
  ids: readonly string[],
  groups: readonly SecurityGroup[],
  tables: readonly RouteTable[],
): Set<string> {
  const wanted = new Set(ids);
  const out = new Set<string>();
  const add = (id: string | undefined) => id !== undefined && wanted.has(id) && out.add(id);
  for (const group of groups) {
    for (const p of group.IpPermissions ?? []) for (const l of p.PrefixListIds ?? []) add(l.PrefixListId);
  }
  for (const table of tables) for (const route of table.Routes ?? []) add(route.DestinationPrefixListId);
  return out;
}

/** Whether two CIDRs are the same block, as EC2 compares them (host bits cleared, any IPv6 spelling). */
function sameCidr(a: string, b: string): boolean {
  if (a === b) return true;
  const a4 = parseCidr4(a);
  const b4 = parseCidr4(b);
  if (a4 && b4) return a4.start === b4.start && a4.prefix === b4.prefix;
  const a6 = parseCidr6(a);
  const b6 = parseCidr6(b);
  return a6 !== undefined && b6 !== undefined && a6.start === b6.start && a6.prefix === b6.prefix;
}

/**
 * The prefix lists whose entries decide findings and are not in `read` yet, sorted: the loaded
 * groups' ingress lists, the destinations of the loaded tables' routes to an igw- (a list holding
 * `0.0.0.0/0` there is a default route, DESIGN §5), and those of routes to an appliance behind
 * ingress routing where they decide (`applianceRoutePrefixLists`). A table read in one round has
 * its list read in the next. With `reportedGroups` (an event that reports only its groups and
 * interfaces, `reportsOnlyGroupsAndInterfaces`), only those groups' lists and the lists that decide
 * the exposure of an interface that may have a public address (`publicContext`).
 */
export function prefixListsToRead(
  loaded: Loaded,
  reportedGroups: readonly string[] | undefined,
  read: ReadonlySet<string>,
): string[] {
  const routeLists = [
    ...igwRoutePrefixLists(loaded.tables.values()),
    ...applianceRoutePrefixLists(loaded.tables.values(), gatewayEndpointIds(loaded.endpoints.values())),
  ];
  const context = reportedGroups && publicContext(loaded, reportedGroups);
  const ids = context
    ? [
        ...ingressPrefixLists(ofGroups(loaded, context.groups)),
        ...routeLists.filter((id) => context.routeLists.has(id)),
      ]
    : [...ingressPrefixLists(loaded), ...routeLists];
  return [...new Set(ids)].filter((id) => !read.has(id)).sort();
}

/**
 * Whether the scope reports only security groups and interfaces (a security-group, interface or
 * instance event, DESIGN §7 "Scope"). A list that only another group of those interfaces, or a
 * route table, names then decides nothing but those interfaces' exposure, which needs a public
 * address (an address-less family is neither exposed nor "not judged", DESIGN §5): only the lists
 * of the interfaces that may have one are read with the event's groups' own, a call each fewer
 * (DESIGN §12). A scope naming anything else (a batch with a route or NACL event, say) reports
 * tables, subnets or NACLs that the lists decide: every list is read.
 */
export function reportsOnlyGroupsAndInterfaces(scope: EventScope, routeTableIds: readonly string[]): boolean {
  const others =
    scope.networkAclIds.length +
    routeTableIds.length +
    scope.internetGatewayIds.length +
    scope.subnetIds.length +
    scope.natGatewayIds.length +
    scope.vpcEndpointIds.length +
    scope.prefixListIds.length +
    scope.newVpcIds.length;
  return others === 0 && scope.mainRouteTables !== true;
}

/** The groups and route tables whose prefix lists decide what an event reports. */
interface ExposureContext {
  /** The event's groups and every group of an interface that may have a public address. */
  groups: ReadonlySet<string>;
  /** The lists the routes of those interfaces' subnets' tables name. */
  routeLists: ReadonlySet<string>;
}

/**
 * The groups and route lists that decide the event's groups' findings and the exposure of the
 * interfaces that may have a public address: their groups, and the routes of their subnets'
 * tables — the table a subnet is explicitly associated with, whatever the association's state,
 * and the main tables of their VPCs in every case (read generously: a list is read rather than
 * missed when an association is changing).
 */
function publicContext(loaded: Loaded, groupIds: readonly string[]): ExposureContext {
  const groups = new Set(groupIds);
  const subnets = new Set<string>();
  const vpcs = new Set<string>();
  for (const eni of loaded.interfaces.values()) {
    if (!mayHavePublicAddress(eni)) continue;
    for (const group of eni.Groups ?? []) if (group.GroupId) groups.add(group.GroupId);
    if (eni.SubnetId) subnets.add(eni.SubnetId);
    if (eni.VpcId) vpcs.add(eni.VpcId);
  }
  const routeLists = new Set<string>();
  for (const table of loaded.tables.values()) {
    const serves = (table.Associations ?? []).some(
      (a) =>
        (a.SubnetId !== undefined && subnets.has(a.SubnetId)) ||
        (a.Main === true && vpcs.has(table.VpcId ?? '')),
    );
    if (!serves) continue;
    for (const route of table.Routes ?? [])
      if (route.DestinationPrefixListId) routeLists.add(route.DestinationPrefixListId);
  }
  return { groups, routeLists };
}

/** The loaded groups and rules of `groupIds` only. */
function ofGroups(loaded: Loaded, groupIds: ReadonlySet<string>): LoadedRules {
  const pick = <T>(map: ReadonlyMap<string, T>, groupOf: (item: T) => string | undefined) =>
    new Map([...map].filter(([, item]) => groupIds.has(groupOf(item) ?? '')));
  return {
    rules: pick(loaded.rules, (r) => r.GroupId),
    groups: pick(loaded.groups, (g) => g.GroupId),
    prefixLists: loaded.prefixLists,
  };
}

/**
 * Whether an interface may have a public address the rules judge (shared/model/interfaces.ts: the
 * primary's and the secondaries' public IPv4, any IPv6 address or prefix): read generously, a list
 * is then read rather than missed.
 */
function mayHavePublicAddress(eni: NetworkInterface): boolean {
  return (
    eni.Association?.PublicIp !== undefined ||
    (eni.PrivateIpAddresses ?? []).some((a) => a.Association?.PublicIp !== undefined) ||
    (eni.Ipv6Addresses ?? []).length > 0 ||
    eni.Ipv6Address !== undefined ||
    (eni.Ipv6Prefixes ?? []).length > 0
  );
}
