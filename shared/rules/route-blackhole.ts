import type { Model, RouteTableNode } from '../model/model';
import { defineRule, draftsOf, reportOnly } from './define-rule';
import { routeTarget } from './route-target';
import type { RuleContext } from './types';

const ID = 'route-blackhole';

/**
 * Routes in state `blackhole` (their target is gone: a deleted NAT gateway, instance or peering).
 * One finding per route table, listing its blackhole routes, so a table with three dead routes
 * sends one notice; the evidence key is the sorted destinations, so a new dead route is news.
 * `subnetIds` are the subnets whose traffic the dead routes drop (DESIGN §5 route resolution).
 */
export const routeBlackhole = defineRule({
  meta: reportOnly(ID, 'low', {
    title: 'Route table has blackhole routes',
    resourceType: 'AWS::EC2::RouteTable',
  }),
  evaluate: ({ model }: RuleContext) =>
    draftsOf(model.routeTables.values(), (table) => {
      const routes = table.item.Routes.filter((r) => r.State === 'blackhole').map((r) => ({
        destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? '',
        target: routeTarget(r) ?? null,
      }));
      if (routes.length === 0) return undefined;
      routes.sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
      const list = routes.map((r) => `${r.destination} → ${r.target ?? '?'}`).join(', ');
      return {
        ruleId: ID,
        severity: 'low',
        resourceType: 'AWS::EC2::RouteTable',
        resourceId: table.id,
        vpcId: table.vpcId,
        title: `Route table ${table.id} has ${routes.length} blackhole route${routes.length > 1 ? 's' : ''}`,
        detail:
          `Route table ${table.id} has routes whose target no longer exists (${list}); traffic to those ` +
          'destinations is dropped. Delete the routes or point them at a live target.',
        controls: [],
        evidence: {
          blackholeRoutes: routes,
          subnetIds: subnetsServed(model, table),
          main: table.isMain,
        },
        evidenceKey: routes.map((r) => r.destination).join(','),
      };
    }),
});

/**
 * The subnets that use `table`: its explicit associations and, for a VPC's main table, the
 * snapshot's subnets of that VPC without a table of their own (DESIGN §5: "else its VPC's main
 * table"). Sorted, once each. Only a table with a blackhole route asks, so the scan is rare.
 */
function subnetsServed(model: Model, table: RouteTableNode): string[] {
  if (!table.isMain) return table.subnetIds;
  const implicit: string[] = [];
  for (const subnet of model.subnets.values()) {
    if (!subnet.routeTableExplicit && subnet.routeTableId === table.id) implicit.push(subnet.id);
  }
  if (implicit.length === 0) return table.subnetIds;
  return [...new Set([...table.subnetIds, ...implicit])].sort();
}
