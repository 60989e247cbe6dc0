import { reportOnly } from './define-rule';
import { routeTarget } from './route-target';
import {
  namedSubnetRule,
  routeTableAssociation,
  routeTableAssociationText,
  subnetsWithoutRouteTable,
} from './subnet-common';
import type { RuleDefinition } from './types';

const ID = 'subnet-public-no-igw-route';

/**
 * A subnet named "public" (Name tag, any case) without a default route to an internet gateway for
 * either family: whatever is launched there expecting to be public is not. An IPv6-only route
 * (`::/0` → igw-) counts as a route. Names holding both words: see subnet-private-has-igw-route.
 */
const judged = namedSubnetRule(
  'public',
  reportOnly(ID, 'low', {
    title: 'Public subnet has no default route to an internet gateway',
    resourceType: 'AWS::EC2::Subnet',
  }),
  (subnet, { model, analysis }) => {
    // Without its route table the subnet's routing is not known: not judged (below), not reported.
    if (!subnet.routeTableId) return undefined;
    if (analysis.defaultIgwRoute(subnet.id, 'ipv4') || analysis.defaultIgwRoute(subnet.id, 'ipv6'))
      return undefined;
    // A prefix-list route to an igw- whose entries are unknown: not judged (below), not reported.
    if (analysis.unknownIgwRoute(subnet.id) !== undefined) return undefined;
    const table = model.routeTables.get(subnet.routeTableId);
    const defaults = (table?.item.Routes ?? [])
      .filter((r) => r.DestinationCidrBlock === '0.0.0.0/0' || r.DestinationIpv6CidrBlock === '::/0')
      .map((r) => ({
        destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock,
        target: routeTarget(r),
        state: r.State,
      }))
      // IPv4 first, then by target: not in the order the table happened to list its routes.
      .sort(
        (a, b) =>
          Number(a.destination !== '0.0.0.0/0') - Number(b.destination !== '0.0.0.0/0') ||
          ((a.target ?? '') < (b.target ?? '') ? -1 : (a.target ?? '') > (b.target ?? '') ? 1 : 0),
      );
    return {
      title: `Public subnet ${subnet.id} (${subnet.name}) has no route to an internet gateway`,
      detail:
        `Subnet ${subnet.id} is named "${subnet.name}" but its route table ${subnet.routeTableId} ` +
        `(${routeTableAssociationText(subnet)}) has no active default route (0.0.0.0/0 or ::/0) to an ` +
        'internet gateway.',
      controls: [],
      evidence: {
        subnetName: subnet.name,
        routeTableId: subnet.routeTableId,
        routeTableAssociation: routeTableAssociation(subnet),
        defaultRoutes: defaults,
      },
    };
  },
);

/** A "public" subnet whose route table is not in the snapshot is listed as not judged. */
export const subnetPublicNoIgwRoute: RuleDefinition = {
  ...judged,
  notJudged: subnetsWithoutRouteTable('public', ID),
};
