import type { SubnetNode } from '../model/model';

/** Evidence's `routeTableAssociation`: whether the subnet's table is its own or the VPC's main one. */
export function routeTableAssociation(subnet: SubnetNode): 'explicit' | 'main' {
  return subnet.routeTableExplicit ? 'explicit' : 'main';
}

/** The same, as a detail reads it. */
export function routeTableAssociationText(subnet: SubnetNode): string {
  return subnet.routeTableExplicit ? 'explicitly associated' : "the VPC's main table";
}
