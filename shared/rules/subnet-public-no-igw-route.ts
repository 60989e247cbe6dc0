import { reportOnly } from './define-rule';
import { routeTarget } from './route-target';
import { namedSubnetRule, routeTableAssociation, routeTableAssociationText } from './subnet-common';

const ID = 'subnet-public-no-igw-route';

/**
 * A subnet named "public" (Name tag, any case) without a default route to an internet gateway for
 * either family: whatever is launched there expecting to be public is not. An IPv6-only route
 * (`::/0` → igw-) counts as a route. Names holding both words: see subnet-private-has-igw-route.
 */
export const subnetPublicNoIgwRoute = namedSubnetRule(
  'public',
  reportOnly(ID, 'low', {
    title: 'Public subnet has no default route to an internet gateway',
    resourceType: 'AWS::EC2::Subnet',
  }),
  (subnet, { model, analysis }) => {
    if (analysis.defaultIgwRoute(subnet.id, 'ipv4') || analysis.defaultIgwRoute(subnet.id, 'ipv6'))
      return undefined;
    const table = subnet.routeTableId ? model.routeTables.get(subnet.routeTableId) : undefined;
    const defaults = (table?.item.Routes ?? [])
      .filter((r) => r.DestinationCidrBlock === '0.0.0.0/0' || r.DestinationIpv6CidrBlock === '::/0')
      .map((r) => ({
        destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock,
        target: routeTarget(r),
        state: r.State,
      }));
    return {
      title: `Public subnet ${subnet.id} (${subnet.name}) has no route to an internet gateway`,
      detail:
        `Subnet ${subnet.id} is named "${subnet.name}" but ` +
        (subnet.routeTableId
          ? `its route table ${subnet.routeTableId} (${routeTableAssociationText(subnet)}) `
          : 'no route table of the snapshot ') +
        'has no active default route (0.0.0.0/0 or ::/0) to an internet gateway.',
      controls: [],
      evidence: {
        subnetName: subnet.name,
        routeTableId: subnet.routeTableId ?? null,
        routeTableAssociation: routeTableAssociation(subnet),
        defaultRoutes: defaults,
      },
    };
  },
);
