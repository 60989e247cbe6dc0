import type { NotJudged } from '../analysis/not-judged';
import type { FindingDraft, Severity } from '../findings';
import type { SubnetNode } from '../model/model';
import { defineRule } from './define-rule';
import type { RuleContext, RuleDefinition, RuleMeta } from './types';

/** Evidence's `routeTableAssociation`: whether the subnet's table is its own or the VPC's main one. */
export function routeTableAssociation(subnet: SubnetNode): 'explicit' | 'main' {
  return subnet.routeTableExplicit ? 'explicit' : 'main';
}

/** The same, as a detail reads it. */
export function routeTableAssociationText(subnet: SubnetNode): string {
  return subnet.routeTableExplicit ? 'explicitly associated' : "the VPC's main table";
}

/** True when the subnet's Name tag holds `word` (any case): what the two naming rules judge. */
export function isNamed(subnet: SubnetNode, word: string): subnet is NamedSubnet {
  return subnet.name?.toLowerCase().includes(word) === true;
}

/** The fixed head of a finding about a subnet: its rule, severity and resource. */
export function subnetFindingHead(ruleId: string, severity: Severity, subnet: SubnetNode) {
  return {
    ruleId,
    severity,
    resourceType: 'AWS::EC2::Subnet' as const,
    resourceId: subnet.id,
    vpcId: subnet.vpcId,
    // The engine reads the exemption tag from these (no lookup of the subnet by id).
    resourceTags: subnet.tags,
  };
}

/** A subnet whose Name tag is set. */
export type NamedSubnet = SubnetNode & { name: string };

/** What a naming rule says about one subnet: its finding without the head (rule, severity, resource). */
export type NamedSubnetVerdict = Omit<
  FindingDraft,
  'ruleId' | 'severity' | 'resourceType' | 'resourceId' | 'vpcId'
>;

/**
 * A rule judging the subnets whose Name tag holds `word` (the two naming rules): at most one
 * finding a subnet, headed by the rule's id and severity.
 */
export function namedSubnetRule(
  word: string,
  meta: RuleMeta & { severity: Severity },
  judge: (subnet: NamedSubnet, context: RuleContext) => NamedSubnetVerdict | undefined,
): RuleDefinition {
  return defineRule({
    meta,
    evaluate: (context) => {
      // hot: one pass over every subnet, no generator or closure per subnet.
      const drafts: FindingDraft[] = [];
      for (const subnet of context.model.subnets.values()) {
        if (!isNamed(subnet, word)) continue;
        const verdict = judge(subnet, context);
        if (verdict) drafts.push({ ...subnetFindingHead(meta.id, meta.severity, subnet), ...verdict });
      }
      return drafts;
    },
  });
}

/**
 * The subnets named `word` whose route table (explicit or the VPC's main one) is not in the
 * snapshot: their routing cannot be judged, so they are listed as not judged for `ruleId` rather
 * than passed or reported on missing data (DESIGN §3).
 */
export function subnetsWithoutRouteTable(word: string, ruleId: string) {
  return ({ model, analysis }: RuleContext): NotJudged[] => {
    const out: NotJudged[] = [];
    for (const subnet of model.subnets.values()) {
      if (!isNamed(subnet, word)) continue;
      // A table that sends an unresolved prefix list to an igw- may route the internet there.
      const reason = subnet.routeTableId
        ? analysis.unknownIgwRoute(subnet.id)
        : "no route table of the subnet is in the snapshot (neither an explicit one nor the VPC's main one)";
      if (reason !== undefined) out.push({ resourceId: subnet.id, reason, ruleId });
    }
    return out;
  };
}
