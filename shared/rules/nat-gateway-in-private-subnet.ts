import type { NotJudged } from '../analysis/not-judged';
import type { NatGatewayItem } from '../model/snapshot-schema';
import { defineRule, draftsOf, reportOnly } from './define-rule';
import { routeTableAssociation } from './subnet-common';
import type { RuleContext } from './types';

const ID = 'nat-gateway-in-private-subnet';

/** States of a NAT gateway that can still carry traffic; `failed`, `deleting`, `deleted` cannot. */
const LIVE_STATES = new Set(['pending', 'available']);

/**
 * A public NAT gateway (`ConnectivityType` public or absent) in a subnet without an active IPv4
 * default route to an internet gateway: the traffic it translates cannot leave the VPC. Private
 * NAT gateways are meant to sit there. Gateways that are failed, being deleted or deleted are
 * ignored (a state absent from the snapshot counts as live). A gateway whose subnet, or whose
 * subnet's route table (neither an explicit one nor the VPC's main one), the snapshot lacks cannot
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
      const subnet = model.subnets.get(nat.SubnetId);
      // Without the subnet or its route table the routing is unknown: not judged (below).
      if (!subnet?.routeTableId) return undefined;
      if (analysis.defaultIgwRoute(subnet.id, 'ipv4')) return undefined;
      // A prefix-list route to an igw- whose entries are unknown: not judged (below).
      if (analysis.unknownIgwRoute(subnet.id, 'ipv4') !== undefined) return undefined;
      const label = subnet.name ? ` (${subnet.name})` : '';
      return {
        ruleId: ID,
        severity: 'medium',
        resourceType: 'AWS::EC2::NatGateway',
        resourceId: nat.NatGatewayId,
        vpcId: nat.VpcId ?? subnet.vpcId,
        title: `NAT gateway ${nat.NatGatewayId} sits in subnet ${subnet.id}${label} with no internet route`,
        detail:
          `Public NAT gateway ${nat.NatGatewayId} is in subnet ${subnet.id}${label}, whose route table ` +
          `${subnet.routeTableId} has no active 0.0.0.0/0 route to an internet ` +
          'gateway, so the traffic it translates cannot reach the internet. Move it to a public subnet.',
        controls: [],
        evidence: {
          subnetId: subnet.id,
          routeTableId: subnet.routeTableId,
          routeTableAssociation: routeTableAssociation(subnet),
          connectivityType: connectivity,
          ...(nat.State ? { state: nat.State } : {}),
        },
      };
    }),
  notJudged: ({ model, analysis }: RuleContext) => {
    const out: NotJudged[] = [];
    for (const nat of model.natGateways.values()) {
      if (!judgedConnectivity(nat)) continue;
      const subnet = model.subnets.get(nat.SubnetId);
      const reason = !subnet
        ? `its subnet ${nat.SubnetId} is not in the snapshot`
        : subnet.routeTableId
          ? analysis.unknownIgwRoute(subnet.id, 'ipv4')
          : `no route table of its subnet ${nat.SubnetId} is in the snapshot (neither an explicit one nor the VPC's main one)`;
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
