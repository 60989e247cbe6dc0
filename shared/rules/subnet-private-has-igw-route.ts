import type { IgwRoute } from '../analysis/analysis';
import { reportOnly } from './define-rule';
import {
  namedSubnetRule,
  routeTableAssociation,
  routeTableAssociationText,
  subnetsWithoutRouteTable,
} from './subnet-common';
import type { RuleDefinition } from './types';

const ID = 'subnet-private-has-igw-route';

/**
 * A subnet named "private" (Name tag, any case) with a default route to an internet gateway: the
 * name promises isolation that the route table does not give. A name holding both "private" and
 * "public" is judged by both rules, each on its own word (the name is ambiguous; say so twice
 * rather than guess which word the owner meant).
 */
const judged = namedSubnetRule(
  'private',
  reportOnly(ID, 'high', {
    title: 'Private subnet has a default route to an internet gateway',
    resourceType: 'AWS::EC2::Subnet',
  }),
  (subnet, { analysis }) => {
    // IPv4 before IPv6 (hot: one per named subnet, most have neither route).
    const route4 = analysis.defaultIgwRoute(subnet.id, 'ipv4');
    const route6 = analysis.defaultIgwRoute(subnet.id, 'ipv6');
    if (!route4 && !route6) return undefined;
    const routes: {
      family: 'ipv4' | 'ipv6';
      destination: string;
      internetGatewayId: string;
      routeTableId: string;
    }[] = [];
    // The default route, or the igw- routes that cover the internet without it (0.0.0.0/1 + 128.0.0.0/1).
    const add = (family: 'ipv4' | 'ipv6', found: IgwRoute | undefined) => {
      for (const r of found?.routes ?? []) {
        const { routeTableId } = found as IgwRoute;
        routes.push({ family, destination: r.destination, internetGatewayId: r.gatewayId, routeTableId });
      }
    };
    add('ipv4', route4);
    add('ipv6', route6);
    const first = routes[0];
    if (!first) return undefined;
    return {
      title: `Private subnet ${subnet.id} (${subnet.name}) routes to ${first.internetGatewayId}`,
      detail:
        `Subnet ${subnet.id} is named "${subnet.name}" but its route table ${first.routeTableId} ` +
        `(${routeTableAssociationText(subnet)}) sends ` +
        `${routes.map((r) => r.destination).join(' and ')} to an internet gateway, so instances with a ` +
        'public address are reachable from the internet. Route the default route through a NAT gateway, or rename the subnet.',
      controls: [],
      evidence: {
        subnetName: subnet.name,
        routeTableId: first.routeTableId,
        routeTableAssociation: routeTableAssociation(subnet),
        igwRoutes: routes.map((r) => ({ destination: r.destination, gatewayId: r.internetGatewayId })),
      },
    };
  },
);

/**
 * A "private" subnet whose route table (explicit or the VPC's main one) is not in the snapshot
 * could route to an internet gateway: it is listed as not judged rather than passed in silence.
 */
export const subnetPrivateHasIgwRoute: RuleDefinition = {
  ...judged,
  notJudged: subnetsWithoutRouteTable('private', ID),
};
