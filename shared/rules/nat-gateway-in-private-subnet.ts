import type { NotJudged } from '../analysis/not-judged';
import type { Model, SubnetNode } from '../model/model';
import type { NatGatewayItem } from '../model/snapshot-schema';
import { defineRule, draftsOf, reportOnly } from './define-rule';
import { routeTableAssociation } from './subnet-common';
import type { RuleContext } from './types';

const ID = 'nat-gateway-in-private-subnet';

/** States of a NAT gateway that can still carry traffic; `failed`, `deleting`, `deleted` cannot. */
const LIVE_STATES = new Set(['pending', 'available']);

/** Where a judged gateway's traffic goes out: its subnet's route table, or a regional one's own. */
type Place =
  | { kind: 'subnet'; subnet: SubnetNode; routeTableId: string }
  | { kind: 'regional'; routeTableId: string }
  | { kind: 'not-judged'; reason: string };

/**
 * A public NAT gateway (`ConnectivityType` public or absent) whose way out has no active IPv4
 * default route to an internet gateway: the traffic it translates cannot leave the VPC. Private
 * NAT gateways are meant to sit there. Gateways that are failed, being deleted or deleted are
 * ignored (a state absent from the snapshot counts as live). A zonal gateway goes out through its
 * subnet's route table; a regional one (`AvailabilityMode` regional, created for a VPC: no
 * `SubnetId`) through the route table AWS made for it (`RouteTableId`, given a route to the igw-).
 * A gateway whose subnet or route table the snapshot lacks, or whose table's IPv4 way out is not
 * known (an unresolved prefix list or a `filtered` route to the igw-, either table alike), cannot
 * be judged, and is listed as such: a finding would be a guess on missing routing, a pass a silence.
 */
export const natGatewayInPrivateSubnet = defineRule({
  meta: reportOnly(ID, 'medium', {
    title: 'NAT gateway sits in a subnet without an internet route',
    resourceType: 'AWS::EC2::NatGateway',
  }),
  evaluate: ({ model, analysis }: RuleContext) =>
    draftsOf(model.natGateways.values(), (nat) => {
      const connectivity = judgedConnectivity(nat);
      if (!connectivity) return undefined;
      const place = placeOf(nat, model);
      // Not judged (below) when the routing is unknown.
      if (place.kind === 'not-judged') return undefined;
      // A prefix-list route to an igw- whose entries are unknown, or a `filtered` one: not judged
      // (below). A subnet's answers are the memoized ones the other rules share.
      if (place.kind === 'subnet') {
        if (analysis.defaultIgwRoute(place.subnet.id, 'ipv4')) return undefined;
        if (analysis.unknownIgwRoute(place.subnet.id, 'ipv4') !== undefined) return undefined;
      } else {
        if (analysis.tableIgwRoute(place.routeTableId, 'ipv4')) return undefined;
        if (analysis.unknownNatTableIgwRoute(place.routeTableId, 'ipv4') !== undefined) return undefined;
      }
      const common = {
        ruleId: ID,
        severity: 'medium' as const,
        resourceType: 'AWS::EC2::NatGateway' as const,
        resourceId: nat.NatGatewayId,
      };
      const state = nat.State ? { state: nat.State } : {};
      if (place.kind === 'regional') {
        return {
          ...common,
          vpcId: nat.VpcId ?? model.routeTables.get(place.routeTableId)?.vpcId ?? '',
          title: `Regional NAT gateway ${nat.NatGatewayId} has no internet route in its route table ${place.routeTableId}`,
          detail:
            `Public regional NAT gateway ${nat.NatGatewayId} sends its traffic out through route table ` +
            `${place.routeTableId}, which has no active 0.0.0.0/0 route to an internet gateway, so the ` +
            'traffic it translates cannot reach the internet. Restore the route to the VPC’s internet gateway.',
          controls: [],
          evidence: {
            availabilityMode: 'regional',
            routeTableId: place.routeTableId,
            connectivityType: connectivity,
            ...state,
          },
        };
      }
      const { subnet } = place;
      const label = subnet.name ? ` (${subnet.name})` : '';
      return {
        ...common,
        vpcId: nat.VpcId ?? subnet.vpcId,
        title: `NAT gateway ${nat.NatGatewayId} sits in subnet ${subnet.id}${label} with no internet route`,
        detail:
          `Public NAT gateway ${nat.NatGatewayId} is in subnet ${subnet.id}${label}, whose route table ` +
          `${place.routeTableId} has no active 0.0.0.0/0 route to an internet ` +
          'gateway, so the traffic it translates cannot reach the internet. Move it to a public subnet.',
        controls: [],
        evidence: {
          subnetId: subnet.id,
          routeTableId: place.routeTableId,
          routeTableAssociation: routeTableAssociation(subnet),
          connectivityType: connectivity,
          ...state,
        },
      };
    }),
  notJudged: ({ model, analysis }: RuleContext) => {
    const out: NotJudged[] = [];
    for (const nat of model.natGateways.values()) {
      if (!judgedConnectivity(nat)) continue;
      const place = placeOf(nat, model);
      const reason =
        place.kind === 'not-judged'
          ? place.reason
          : place.kind === 'subnet'
            ? analysis.unknownIgwRoute(place.subnet.id, 'ipv4')
            : analysis.unknownNatTableIgwRoute(place.routeTableId, 'ipv4');
      if (reason) out.push({ resourceId: nat.NatGatewayId, reason, ruleId: ID });
    }
    return out;
  },
});

/** The connectivity of a gateway the rule judges (public and live), else undefined. */
function judgedConnectivity(nat: NatGatewayItem): string | undefined {
  const connectivity = nat.ConnectivityType ?? 'public';
  if (connectivity !== 'public') return undefined;
  if (nat.State !== undefined && !LIVE_STATES.has(nat.State)) return undefined;
  return connectivity;
}

/** The route table a gateway's traffic leaves by, or why the snapshot does not tell it. */
function placeOf(nat: NatGatewayItem, model: Model): Place {
  if (nat.AvailabilityMode === 'regional' || nat.SubnetId === undefined) {
    const tableId = nat.RouteTableId;
    if (tableId === undefined) {
      const reason =
        nat.AvailabilityMode === 'regional'
          ? 'a regional NAT gateway without a RouteTableId: its way to the internet is not known'
          : 'it names neither a subnet (SubnetId) nor a route table (RouteTableId): its way to the internet is not known';
      return { kind: 'not-judged', reason };
    }
    if (!model.routeTables.has(tableId)) {
      return {
        kind: 'not-judged',
        reason: `its route table ${tableId} (a regional NAT gateway) is not in the snapshot`,
      };
    }
    // AWS writes the route of the table it made for the gateway: while the gateway is pending, a
    // table without it yet is AWS at work, not a misplaced gateway (a notice on every creation).
    if (nat.State === 'pending') {
      return {
        kind: 'not-judged',
        reason: `a regional NAT gateway still pending: AWS may not have set up its route table ${tableId} yet`,
      };
    }
    return { kind: 'regional', routeTableId: tableId };
  }
  const subnet = model.subnets.get(nat.SubnetId);
  if (!subnet) return { kind: 'not-judged', reason: `its subnet ${nat.SubnetId} is not in the snapshot` };
  if (!subnet.routeTableId) {
    return {
      kind: 'not-judged',
      reason: `no route table of its subnet ${nat.SubnetId} is in the snapshot (neither an explicit one nor the VPC's main one)`,
    };
  }
  return { kind: 'subnet', subnet, routeTableId: subnet.routeTableId };
}
