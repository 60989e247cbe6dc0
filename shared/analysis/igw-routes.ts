import { associationInForce } from '../model/common';
import { parseCidr4, parseCidr6 } from '../net/cidr';
import { type Interval, type IntervalSet, normalize } from '../net/interval-set';
import { isWorldOpen4, isWorldOpen6 } from '../net/public-space';

/** A route as both the snapshot's and the SDK's route tables print it. */
export interface RouteLike {
  DestinationCidrBlock?: string | undefined;
  DestinationIpv6CidrBlock?: string | undefined;
  DestinationPrefixListId?: string | undefined;
  GatewayId?: string | undefined;
  InstanceId?: string | undefined;
  NetworkInterfaceId?: string | undefined;
  State?: string | undefined;
}

/** Whether a route is an active one to an internet gateway (a route without a state is active). */
export function isActiveIgwRoute(route: RouteLike): boolean {
  return (
    route.GatewayId?.startsWith('igw-') === true && (route.State === undefined || route.State === 'active')
  );
}

/**
 * The appliance a route leads to (a Gateway Load Balancer endpoint `vpce-`, an interface or an
 * instance: the interface named first, as EC2 lists an instance route's), or undefined when it leads
 * to none or is a blackhole (it carries nothing; `filtered`, undescribed, may carry, as to an igw-).
 */
export function applianceTarget(route: RouteLike): string | undefined {
  if (route.State === 'blackhole') return undefined;
  return (
    route.NetworkInterfaceId ??
    route.InstanceId ??
    (route.GatewayId?.startsWith('vpce-') === true ? route.GatewayId : undefined)
  );
}

/** Whether a route leads to an appliance (`applianceTarget`). */
function isApplianceRoute(route: RouteLike): boolean {
  return applianceTarget(route) !== undefined;
}

/** Whether a route may carry traffic to an internet gateway or to an appliance (`applianceTarget`). */
function isIgwOrApplianceRoute(route: RouteLike): boolean {
  return isActiveIgwRoute(route) || applianceTarget(route) !== undefined;
}

/** No destinations or lists (shared, never mutated: the usual answer allocates nothing). */
const NONE: readonly string[] = Object.freeze([]);

/** A prefix list's entries per family, as the model resolves them (`PrefixListNode`). */
export interface RoutePrefixList {
  cidrs4: readonly { cidr: string }[];
  cidrs6: readonly { cidr: string }[];
}

/**
 * The routes through which a table sends a family's internet traffic to an `igw-` (DESIGN §5's
 * "default route to an igw-"), or undefined when it does not. The default route itself (an active
 * `0.0.0.0/0` or `::/0` to an igw-, the first listed) is the answer when the table has one. Without
 * it, a table whose active igw- routes together cover at least `coverage` of the family's public
 * space (DESIGN §4's world-open measure) sends the internet there just the same: `0.0.0.0/1` +
 * `128.0.0.0/1` (how VPN clients and appliances route everything without replacing the default
 * route), `::/1` + `8000::/1`, `2000::/3`, or the whole space less the private ranges written as a
 * list of CIDRs. Read literally as `0.0.0.0/0` only, such a subnet would pass as private, and an
 * instance in it as unreachable: a silent false negative. Those routes are then the answer, in
 * the table's order. Routes to other targets are not subtracted, as the default route's are not.
 * `/0` destinations must be written as EC2 stores them (the model rewrites `1.2.3.4/0`).
 * A route whose destination is a prefix list (`DestinationPrefixListId`, resolved from
 * `prefixLists`) sends that list's entries of the family there: a list holding `0.0.0.0/0`, or
 * `0.0.0.0/1` + `128.0.0.0/1`, to an igw- is a way to the internet like the CIDRs written out. A
 * list `prefixLists` does not resolve is not read here (`unresolvedIgwRouteLists` names it).
 */
export function internetRoutes<R extends RouteLike>(
  routes: readonly R[],
  family: 'ipv4' | 'ipv6',
  coverage: number,
  prefixLists?: ReadonlyMap<string, RoutePrefixList>,
): R[] | undefined {
  return routesCovering(routes, family, coverage, prefixLists, isActiveIgwRoute);
}

/**
 * The routes through which a table sends a family's internet traffic to an appliance (a `vpce-`,
 * an interface or an instance: `applianceTarget`), read as `internetRoutes` reads the way to an
 * igw-: an exact default route to one (`0.0.0.0/0`, `::/0`), else routes to appliances and igw-
 * targets that together cover `coverage` of the family's public space (`0.0.0.0/1` +
 * `128.0.0.0/1` to a `vpce-`, a prefix list holding the internet, half to the igw- and half to
 * the firewall), at least one of them to an appliance. Undefined otherwise: the igw- routes
 * alone are `internetRoutes`' answer, and a half to an appliance alone leaves the rest of the
 * internet no way back (judged, as before). Read as `0.0.0.0/0` only, a subnet behind ingress
 * routing whose appliance routes were split passed as unreachable (a silent false negative).
 */
export function applianceRoutes<R extends RouteLike>(
  routes: readonly R[],
  family: 'ipv4' | 'ipv6',
  coverage: number,
  prefixLists?: ReadonlyMap<string, RoutePrefixList>,
): R[] | undefined {
  const found = routesCovering(routes, family, coverage, prefixLists, isIgwOrApplianceRoute);
  return found?.some((route) => applianceTarget(route) !== undefined) ? found : undefined;
}

/**
 * The prefix lists that routes to an appliance (`applianceTarget`) have as their destination and
 * that `prefixLists` does not resolve, sorted: whether such a table sends the internet through the
 * appliance is not known.
 */
export function unresolvedApplianceRouteLists(
  routes: readonly RouteLike[],
  prefixLists: ReadonlyMap<string, RoutePrefixList>,
): readonly string[] {
  return unresolvedRouteLists(routes, prefixLists, isApplianceRoute);
}

/** `internetRoutes` and `applianceRoutes`: the routes `carries` keeps that cover the internet. */
function routesCovering<R extends RouteLike>(
  routes: readonly R[],
  family: 'ipv4' | 'ipv6',
  coverage: number,
  prefixLists: ReadonlyMap<string, RoutePrefixList> | undefined,
  carries: (route: RouteLike) => boolean,
): R[] | undefined {
  let partial: R[] | undefined;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i] as R;
    if (!carries(route)) continue;
    const destination = destinationOf(route, family);
    if (destination === '') {
      if (destinationsOf(route, family, prefixLists).length === 0) continue;
    } else if (destination === (family === 'ipv4' ? '0.0.0.0/0' : '::/0')) return [route];
    partial ??= [];
    partial.push(route);
  }
  // The usual table has no igw- route but the default one: nothing more is looked at.
  if (!partial) return undefined;
  return family === 'ipv4'
    ? covering(partial, family, coverage, parseCidr4, isWorldOpen4, prefixLists)
    : covering(partial, family, coverage, parseCidr6, isWorldOpen6, prefixLists);
}

/**
 * The prefix lists that active routes to an igw- have as their destination and that `prefixLists`
 * does not resolve, sorted: whether such a table sends the internet to the gateway is not known.
 */
export function unresolvedIgwRouteLists(
  routes: readonly RouteLike[],
  prefixLists: ReadonlyMap<string, RoutePrefixList>,
): readonly string[] {
  return unresolvedRouteLists(routes, prefixLists, isActiveIgwRoute);
}

/** The prefix lists the routes `carries` keeps have as destination and `prefixLists` lacks, sorted. */
function unresolvedRouteLists(
  routes: readonly RouteLike[],
  prefixLists: ReadonlyMap<string, RoutePrefixList>,
  carries: (route: RouteLike) => boolean,
): readonly string[] {
  let ids: Set<string> | undefined;
  // hot: once per subnet of the region (not-judged paths); the usual table has no such route and
  // allocates nothing.
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i] as RouteLike;
    const id = route.DestinationPrefixListId;
    if (id === undefined || prefixLists.has(id) || !carries(route)) continue;
    ids ??= new Set();
    ids.add(id);
  }
  return ids ? [...ids].sort() : NONE;
}

/**
 * The destinations of a table's routes to an `igw-` in state `filtered`, sorted: a state of the
 * API's `RouteState` its reference does not describe. Whether such a route carries the internet is
 * not known, so a table holding one is judged only where another route settles it.
 */
export function filteredIgwRoutes(routes: readonly RouteLike[], family?: 'ipv4' | 'ipv6'): readonly string[] {
  let out: Set<string> | undefined;
  // hot: once per route table and family; the usual table has no such route and allocates nothing.
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i] as RouteLike;
    if (route.State !== 'filtered' || route.GatewayId?.startsWith('igw-') !== true) continue;
    // A CIDR route is of its family; a prefix-list route (or one naming no destination) of either.
    const { DestinationCidrBlock: v4, DestinationIpv6CidrBlock: v6 } = route;
    if (
      (family === 'ipv4' && v4 === undefined && v6 !== undefined) ||
      (family === 'ipv6' && v4 !== undefined)
    )
      continue;
    out ??= new Set();
    out.add(v4 ?? v6 ?? route.DestinationPrefixListId ?? '(no destination)');
  }
  return out ? [...out].sort() : NONE;
}

/**
 * The routes when their destinations cover `coverage` of the family's public space, in address
 * order (then by prefix and gateway): not in the order the table happened to list them.
 */
function covering<R extends RouteLike, T extends number | bigint>(
  routes: R[],
  family: 'ipv4' | 'ipv6',
  coverage: number,
  parse: (text: string) => { start: T; end: T; prefix: number } | undefined,
  isWorldOpen: (set: IntervalSet<T>, coverage: number) => boolean,
  prefixLists: ReadonlyMap<string, RoutePrefixList> | undefined,
): R[] | undefined {
  const parsed: { route: R; start: T; end: T; prefix: number }[] = [];
  const ranges: Interval<T>[] = [];
  for (const route of routes) {
    const written = destinationOf(route, family);
    // A prefix-list route is placed by its lowest entry; all its entries count towards coverage.
    let first: { start: T; end: T; prefix: number } | undefined;
    for (const text of written === '' ? destinationsOf(route, family, prefixLists) : [written]) {
      const cidr = parse(text);
      if (!cidr) continue;
      ranges.push([cidr.start, cidr.end]);
      if (!first || cidr.start < first.start) first = cidr;
    }
    if (first) parsed.push({ route, ...first });
  }
  if (!isWorldOpen(normalize(ranges), coverage)) return undefined;
  parsed.sort(
    (a, b) =>
      (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
      a.prefix - b.prefix ||
      ((a.route.GatewayId ?? '') < (b.route.GatewayId ?? '')
        ? -1
        : (a.route.GatewayId ?? '') > (b.route.GatewayId ?? '')
          ? 1
          : 0),
  );
  return parsed.map((p) => p.route);
}

/** The route's destination of the family, '' when it has none. */
function destinationOf(route: RouteLike, family: 'ipv4' | 'ipv6'): string {
  return (family === 'ipv4' ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock) ?? '';
}

/** The entries of the family of a route's destination prefix list, [] when it names none or it is unresolved. */
function destinationsOf(
  route: RouteLike,
  family: 'ipv4' | 'ipv6',
  prefixLists: ReadonlyMap<string, RoutePrefixList> | undefined,
): readonly string[] {
  const id = route.DestinationPrefixListId;
  const list = id === undefined ? undefined : prefixLists?.get(id);
  if (!list) return NONE;
  return (family === 'ipv4' ? list.cidrs4 : list.cidrs6).map((entry) => entry.cidr);
}

/**
 * Whether a route-table association makes its table an internet gateway's edge table (ingress
 * routing): associated with an `igw-` and in force.
 */
export function isIgwEdgeAssociation(a: {
  GatewayId?: string | undefined;
  AssociationState?: { State?: string | undefined } | undefined;
}): boolean {
  return a.GatewayId?.startsWith('igw-') === true && associationInForce(a);
}
