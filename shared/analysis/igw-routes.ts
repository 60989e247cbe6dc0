import { parseCidr4, parseCidr6 } from '../net/cidr';
import { type Interval, type IntervalSet, normalize } from '../net/interval-set';
import { isWorldOpen4, isWorldOpen6 } from '../net/public-space';

/** A route as both the snapshot's and the SDK's route tables print it. */
export interface RouteLike {
  DestinationCidrBlock?: string | undefined;
  DestinationIpv6CidrBlock?: string | undefined;
  GatewayId?: string | undefined;
  State?: string | undefined;
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
 */
export function internetRoutes<R extends RouteLike>(
  routes: readonly R[],
  family: 'ipv4' | 'ipv6',
  coverage: number,
): R[] | undefined {
  let partial: R[] | undefined;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i] as R;
    const destination = destinationOf(route, family);
    if (destination === '' || route.GatewayId?.startsWith('igw-') !== true) continue;
    if (route.State !== undefined && route.State !== 'active') continue;
    if (destination === (family === 'ipv4' ? '0.0.0.0/0' : '::/0')) return [route];
    partial ??= [];
    partial.push(route);
  }
  // The usual table has no igw- route but the default one: nothing more is looked at.
  if (!partial) return undefined;
  return family === 'ipv4'
    ? covering(partial, family, coverage, parseCidr4, isWorldOpen4)
    : covering(partial, family, coverage, parseCidr6, isWorldOpen6);
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
): R[] | undefined {
  const parsed: { route: R; start: T; end: T; prefix: number }[] = [];
  for (const route of routes) {
    const cidr = parse(destinationOf(route, family));
    if (cidr) parsed.push({ route, ...cidr });
  }
  if (!isWorldOpen(normalize(parsed.map((p): Interval<T> => [p.start, p.end])), coverage)) return undefined;
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
