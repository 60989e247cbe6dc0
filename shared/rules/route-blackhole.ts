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
  evaluate: ({ model }: RuleContext) => {
    const served = new SubnetsServed(model);
    return draftsOf(model.routeTables.values(), (table) => {
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
          subnetIds: served.of(table),
          main: table.isMain,
        },
        evidenceKey: routes.map((r) => r.destination).join(','),
      };
    });
  },
});

/**
 * The subnets that use a table: its explicit associations and, for a VPC's main table, the
 * snapshot's subnets of that VPC without a table of their own (DESIGN §5: "else its VPC's main
 * table"). Sorted, once each. The subnets on main tables are indexed in one pass over the subnets,
 * on the first main table with a blackhole route, not found by a pass over every subnet per table.
 */
class SubnetsServed {
  private implicitByTable: Map<string, string[]> | undefined;

  constructor(private readonly model: Model) {}

  of(table: RouteTableNode): string[] {
    if (!table.isMain) return table.subnetIds;
    this.implicitByTable ??= implicitSubnets(this.model);
    const implicit = this.implicitByTable.get(table.id);
    if (!implicit) return table.subnetIds;
    return [...new Set([...table.subnetIds, ...implicit])].sort();
  }
}

/** The subnets without a table of their own, by the table they use (the VPC's main one), in model order. */
function implicitSubnets(model: Model): Map<string, string[]> {
  const byTable = new Map<string, string[]>();
  for (const subnet of model.subnets.values()) {
    if (subnet.routeTableExplicit || subnet.routeTableId === undefined) continue;
    const list = byTable.get(subnet.routeTableId);
    if (list) list.push(subnet.id);
    else byTable.set(subnet.routeTableId, [subnet.id]);
  }
  return byTable;
}
