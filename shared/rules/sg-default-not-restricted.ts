import type { FindingDraft } from '../findings';
import { defineRule } from './define-rule';
import { compareRules, groupLabel, revokeTarget, shownRules } from './sg-open-common';

const ID = 'sg-default-not-restricted';
const CONTROLS = ['CIS 5.4', 'FSBP EC2.2'] as const;
const TITLE = "VPC's default security group has rules";

/**
 * A VPC's default group (GroupName `default`) with any inbound or outbound rule. Resources land in
 * it by accident, so CIS wants it empty; the fix (opt-in, since it can cut traffic) revokes every rule.
 */
export const sgDefaultNotRestricted = defineRule({
  meta: {
    id: ID,
    severity: 'medium',
    title: TITLE,
    resourceType: 'AWS::EC2::SecurityGroup',
    controls: CONTROLS,
    autoFix: 'opt-in',
    fixActions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
    parameters: [],
  },
  evaluate({ analysis }) {
    const drafts: FindingDraft[] = [];
    for (const group of analysis.defaultGroups()) {
      if (group.ingress.length === 0 && group.egress.length === 0) continue;
      // In the findings' own order, not EC2's listing order (see compareRules).
      const inbound = [...group.ingress].sort(compareRules);
      const outbound = [...group.egress].sort(compareRules);
      const rules = [...inbound, ...outbound];
      const evidence: Record<string, unknown> = {
        inboundRules: inbound.length,
        outboundRules: outbound.length,
        inbound: shownRules(inbound),
        outbound: shownRules(outbound),
      };
      drafts.push({
        ruleId: ID,
        severity: 'medium',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: group.id,
        vpcId: group.vpcId,
        title: TITLE,
        detail:
          `The default security group ${groupLabel(group)} has ${ruleCount(group.ingress.length, 'inbound')} and ` +
          `${ruleCount(group.egress.length, 'outbound')}. Anything launched without a group lands in it; ` +
          'remove its rules and give resources their own groups.',
        controls: [...CONTROLS],
        evidence,
        remediation: {
          action: 'revoke-security-group-rules',
          groupId: group.id,
          rules: rules.map(revokeTarget),
        },
      });
    }
    return drafts;
  },
});

/** `1 inbound rule`, `3 outbound rules`. */
function ruleCount(count: number, direction: 'inbound' | 'outbound'): string {
  return `${count} ${direction} ${count === 1 ? 'rule' : 'rules'}`;
}
