import type { Severity } from '../findings';
import type { Model, SubnetNode } from '../model/model';

/** Evidence's `routeTableAssociation`: whether the subnet's table is its own or the VPC's main one. */
export function routeTableAssociation(subnet: SubnetNode): 'explicit' | 'main' {
  return subnet.routeTableExplicit ? 'explicit' : 'main';
}

/** The same, as a detail reads it. */
export function routeTableAssociationText(subnet: SubnetNode): string {
  return subnet.routeTableExplicit ? 'explicitly associated' : "the VPC's main table";
}

/** The subnets whose Name tag holds `word` (any case): what the two naming rules judge. */
export function* subnetsNamed(model: Model, word: string): Generator<SubnetNode & { name: string }> {
  for (const subnet of model.subnets.values()) {
    if (subnet.name?.toLowerCase().includes(word)) yield subnet as SubnetNode & { name: string };
  }
}

/** The fixed head of a finding about a subnet: its rule, severity and resource. */
export function subnetFindingHead(ruleId: string, severity: Severity, subnet: SubnetNode) {
  return {
    ruleId,
    severity,
    resourceType: 'AWS::EC2::Subnet' as const,
    resourceId: subnet.id,
    vpcId: subnet.vpcId,
  };
}
