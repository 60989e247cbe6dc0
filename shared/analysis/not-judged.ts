import type { Model, NetworkInterfaceItem, NetworkInterfaceNode } from '../model/model';
import { andList } from '../words';
import type { Analysis } from './analysis';
import {
  applianceRoutes,
  applianceTarget,
  isIgwEdgeAssociation,
  type RouteLike,
  unresolvedApplianceRouteLists,
} from './igw-routes';

type GroupRef = NetworkInterfaceItem['Groups'][number];

/**
 * A resource a rule could not judge for lack of data (DESIGN §3 "Not judged is said"): listed in
 * the output rather than skipped in silence. `ruleId` names the rule when only one could not judge.
 */
export interface NotJudged {
  resourceId: string;
  /** What is missing, in words a user can act on. */
  reason: string;
  ruleId?: string;
}

/** Which of the running rules need what: interface rules need the path, group rules the sources. */
export interface NotJudgedScope {
  /** Running rules that judge interfaces (their subnet, route table and NACL). */
  interfaceRuleIds: readonly string[];
  /** True when a running rule judges security groups by their ingress sources. */
  judgesGroups: boolean;
}

/**
 * Everything the model lacks to judge: interfaces without a subnet, or whose subnet, NACL, route
 * table or one of whose security groups is not in the snapshot, or whose route table sends an
 * unresolved prefix list to an igw- (for a family it has a public address of, that no resolved
 * route settles); groups with a tcp, udp or all-traffic ingress rule whose source is a prefix list
 * the snapshot does not resolve (its entries could be the whole internet; ICMP and other protocols
 * never count towards exposure). Sorted by resource id, then reason.
 */
export function notJudgedOf(analysis: Analysis, scope: NotJudgedScope): NotJudged[] {
  const { model } = analysis;
  const out: NotJudged[] = [];
  if (scope.interfaceRuleIds.length > 0) {
    // hot: once per interface of the region. A subnet's path is judged once (a few interfaces
    // share each subnet): one lookup per interface instead of the subnet's and its NACL's.
    // Per subnet: what is missing (text), a route to an igw- through an unresolved prefix list
    // (unknown per family: DESIGN §5 judges exposure per family), or null when the path is known.
    const paths = new Map<string, string | UnknownIgwRoutes | null>();
    // VPC → its internet gateway's edge table (ingress routing), read on the first subnet asked.
    let edges: Map<string, EdgeTable> | undefined;
    const edgesOf = () => {
      edges ??= ingressEdges(model);
      return edges;
    };
    const { securityGroups } = model;
    // An array, read by index: a for-of step over the map allocates an iterator result until
    // the loop is optimized (this loop runs once per evaluation).
    const interfaces = [...model.networkInterfaces.values()];
    for (let k = 0; k < interfaces.length; k++) {
      const eni = interfaces[k] as NetworkInterfaceNode;
      const subnetId = eni.subnetId;
      let reason: string | undefined;
      if (!subnetId) reason = 'the interface has no SubnetId';
      else {
        let path = paths.get(subnetId);
        if (path === undefined) {
          path = missingPath(model, subnetId) ?? unknownIgwRoutes(analysis, subnetId, edgesOf);
          paths.set(subnetId, path);
        }
        if (typeof path === 'string') reason = path;
        else if (path !== null) {
          // Only for the families the interface has a public address of: `::/0` to the igw-
          // says nothing of the IPv4 way out, and an address-less family cannot be exposed.
          reason =
            (eni.publicIps.length > 0 ? path.ipv4 : undefined) ??
            (eni.publicIpv6Addresses.length > 0 ? path.ipv6 : undefined);
        }
      }
      if (reason === undefined) {
        // The raw list, not `groupIds`: that sorted copy is derived (and kept) on first read, and
        // most interfaces of a region are never asked for it otherwise. Same ids, same answer.
        const groups = eni.item.Groups;
        for (let i = 0; i < groups.length; i++) {
          if (!securityGroups.has((groups[i] as GroupRef).GroupId)) {
            reason = missingGroups(model, eni.groupIds);
            break;
          }
        }
        // Rare (a load balancer's interface): a subnet id is known here (its absence is a reason).
        if (groups.length === 0 && subnetId) reason = withoutGroups(analysis, eni, subnetId);
      }
      if (reason === undefined) continue;
      for (const ruleId of scope.interfaceRuleIds) out.push({ resourceId: eni.id, reason, ruleId });
    }
  }
  if (scope.judgesGroups) {
    // The group scan the security-group rules share already noted every unresolved list: a group
    // with one has a non-empty reach, so only those groups are read again.
    for (const group of analysis.groupsWithReach()) {
      for (const listId of analysis.groupReach(group.id).unresolvedPrefixLists) {
        out.push({
          resourceId: group.id,
          reason: `an ingress rule's source is prefix list ${listId}, whose entries are not in the snapshot (add it to ManagedPrefixLists)`,
        });
      }
    }
  }
  return out.sort((a, b) => compare(a.resourceId, b.resourceId) || compare(a.reason, b.reason));
}

/** Why the path to the internet of an interface in the subnet cannot be followed, if it cannot. */
function missingPath(model: Model, subnetId: string): string | undefined {
  const subnet = model.subnets.get(subnetId);
  if (!subnet) return `its subnet ${subnetId} is not in the snapshot`;
  if (!subnet.networkAclId) return `no network ACL of its subnet ${subnetId} is in the snapshot`;
  if (!model.networkAcls.has(subnet.networkAclId)) {
    return `the network ACL ${subnet.networkAclId} of its subnet ${subnetId} is not in the snapshot`;
  }
  // Without its route table (explicit or the VPC's main one) the path to an igw- cannot be followed.
  if (!subnet.routeTableId) return `no route table of its subnet ${subnetId} is in the snapshot`;
  return undefined;
}

/**
 * Why an interface that no security group filters cannot be judged, if it cannot: with a public
 * address of a family its subnet routes to an igw-, what reaches it is what its owner accepts (an
 * internet-facing network load balancer made without security groups: its listeners), which no
 * Describe* call of the snapshot tells. A NAT gateway's interface accepts no connection from the
 * internet, and is judged. EC2 gives every instance's interface a group: one listed without any
 * (a hand-made snapshot) lacks them.
 */
function withoutGroups(analysis: Analysis, eni: NetworkInterfaceNode, subnetId: string): string | undefined {
  const type = eni.item.InterfaceType;
  // EC2 prints `nat_gateway` (the recorded responses in test/fixtures/ec2); the SDK's enum says `natGateway`.
  if (type === 'nat_gateway' || type === 'natGateway') return undefined;
  const routed =
    (eni.publicIps.length > 0 && analysis.defaultIgwRoute(subnetId, 'ipv4') !== undefined) ||
    (eni.publicIpv6Addresses.length > 0 && analysis.defaultIgwRoute(subnetId, 'ipv6') !== undefined);
  if (!routed) return undefined;
  if (type === undefined || INSTANCE_TYPES.has(type)) {
    return 'it has a public address and no security group in the snapshot (EC2 gives every instance interface one: add its Groups)';
  }
  return (
    `it has a public address and no security group (InterfaceType ${type}): what reaches it is what ` +
    'the service owning it accepts (a load balancer’s listeners), which the snapshot does not describe'
  );
}

/**
 * The `InterfaceType` values of an instance's own interfaces (NetworkInterfaceType): EC2 gives each
 * a security group, so one listed without any lacks its Groups (no service decides what reaches it).
 */
const INSTANCE_TYPES: ReadonlySet<string> = new Set(['interface', 'efa', 'efa-only', 'trunk', 'branch']);

/** The security groups the interface uses but the snapshot lacks (some are): they could open any port. */
function missingGroups(model: Model, groupIds: readonly string[]): string {
  const absent = groupIds.filter((id) => !model.securityGroups.has(id));
  return `its security group${absent.length > 1 ? 's' : ''} ${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} not in the snapshot`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Why a subnet's way to the internet is unknown, per family (`Analysis.unknownIgwRoute`). */
interface UnknownIgwRoutes {
  ipv4: string | undefined;
  ipv6: string | undefined;
}

/** The subnet's unknown ways out per family, null when both are known (the usual subnet). */
function unknownIgwRoutes(
  analysis: Analysis,
  subnetId: string,
  edgesOf: () => ReadonlyMap<string, EdgeTable>,
): UnknownIgwRoutes | null {
  const ipv4 =
    analysis.unknownIgwRoute(subnetId, 'ipv4') ?? throughAppliance(analysis, subnetId, 'ipv4', edgesOf);
  const ipv6 =
    analysis.unknownIgwRoute(subnetId, 'ipv6') ?? throughAppliance(analysis, subnetId, 'ipv6', edgesOf);
  return ipv4 === undefined && ipv6 === undefined ? null : { ipv4, ipv6 };
}

/** A route table associated with an internet gateway (`Associations[].GatewayId`: ingress routing). */
export interface EdgeTable {
  routeTableId: string;
  internetGatewayId: string;
}

/** Each VPC's edge table of its internet gateway (a VPC has one gateway, so one such table). */
export function ingressEdges(model: Analysis['model']): Map<string, EdgeTable> {
  const edges = new Map<string, EdgeTable>();
  for (const table of model.routeTables.values()) {
    for (const a of table.item.Associations) {
      if (!isIgwEdgeAssociation(a) || a.GatewayId === undefined) continue;
      if (!edges.has(table.vpcId))
        edges.set(table.vpcId, { routeTableId: table.id, internetGatewayId: a.GatewayId });
    }
  }
  return edges;
}

/**
 * Why the subnet's way to the internet in a family is not known, when it goes through an appliance:
 * its default route leads to a middlebox (a Gateway Load Balancer endpoint `vpce-`, an interface or
 * an instance) and the VPC's internet gateway routes what it receives through an edge table (ingress
 * routing, the GWLB "distributed" design). An interface with a public address there is reached from
 * the internet as far as the appliance lets it: neither exposed nor safe on what the snapshot holds.
 * The default route is read as the igw- one is (`applianceRoutes`): `0.0.0.0/1` + `128.0.0.0/1` to
 * the appliance, or a prefix list holding the internet, is one too; so is a list the snapshot does
 * not resolve (its entries may be the internet) when no resolved route settles it.
 * Without an edge table the same route (a NAT instance) leaves no way in: the reply to the
 * internet's packet would not return through the gateway that translated it.
 */
function throughAppliance(
  analysis: Analysis,
  subnetId: string,
  family: 'ipv4' | 'ipv6',
  edgesOf: () => ReadonlyMap<string, EdgeTable>,
): string | undefined {
  const { model } = analysis;
  const subnet = model.subnets.get(subnetId);
  const edge = subnet ? edgesOf().get(subnet.vpcId) : undefined;
  if (!subnet?.routeTableId || !edge || analysis.defaultIgwRoute(subnetId, family)) return undefined;
  const routes = model.routeTables.get(subnet.routeTableId)?.item.Routes ?? [];
  const gateway =
    `the internet gateway ${edge.internetGatewayId} sends what it receives through route table ` +
    `${edge.routeTableId} (ingress routing)`;
  const found = applianceRoutes(routes, family, analysis.config.worldOpenCoverage, model.prefixLists);
  if (found) {
    return (
      `its subnet ${subnetId} routes ${routedTo(found, family)}, and ${gateway}: ` +
      'whether the internet reaches it through that appliance is not in the snapshot'
    );
  }
  // A gateway endpoint's route (S3, DynamoDB: their AWS-managed list to a `vpce-`) carries traffic
  // to that service only, never back out to the internet: its list is no appliance's way out.
  const lists = unresolvedApplianceRouteLists(
    routes.filter((route) => !isGatewayEndpoint(model, route.GatewayId)),
    model.prefixLists,
  );
  if (lists.length === 0) return undefined;
  const one = lists.length === 1;
  const listed = lists.map((id) => {
    const route = routes.find((r) => r.DestinationPrefixListId === id && applianceTarget(r) !== undefined);
    return `${id} to ${route ? applianceTarget(route) : 'an appliance'}`;
  });
  return (
    `its subnet ${subnetId} routes prefix list${one ? '' : 's'} ${andList(listed)}, whose entries are not in ` +
    `the snapshot (add ${one ? 'it' : 'them'} to ManagedPrefixLists), and ${gateway}: whether the ` +
    'internet reaches it through that appliance is not known'
  );
}

/** Whether `id` names a VPC endpoint the snapshot lists as a gateway endpoint (`VpcEndpointType` `Gateway`). */
export function isGatewayEndpoint(model: Model, id: string | undefined): boolean {
  return id !== undefined && model.vpcEndpoints.get(id)?.VpcEndpointType === 'Gateway';
}

/**
 * The routes' destinations by target, in the routes' order (`0.0.0.0/0 to vpce-1`, `0.0.0.0/1 and
 * 128.0.0.0/1 to vpce-1`, `0.0.0.0/1 to igw-1 and 128.0.0.0/1 to eni-1`); a prefix-list route is
 * named by its list.
 */
function routedTo(routes: readonly RouteLike[], family: 'ipv4' | 'ipv6'): string {
  const byTarget = new Map<string, string[]>();
  for (const route of routes) {
    const target = applianceTarget(route) ?? route.GatewayId ?? '';
    const destination =
      (family === 'ipv4' ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock) ??
      route.DestinationPrefixListId ??
      '';
    const destinations = byTarget.get(target);
    if (destinations) destinations.push(destination);
    else byTarget.set(target, [destination]);
  }
  return andList([...byTarget].map(([target, destinations]) => `${andList(destinations)} to ${target}`));
}
