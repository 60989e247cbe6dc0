import { readActions } from '../shared/aws/ec2/describe-table';
import type { Config } from '../shared/config';
import { ruleMode } from '../shared/remediation/plan';
import { RULES } from '../shared/rules/registry';
import type { RuleDefinition } from '../shared/rules/types';

// IAM actions come from code tables, never from a hand-written list: reads from the EC2 reader's
// describe table, writes from the rule registry's `fixActions` of the rules the config lets act.

/**
 * The EC2 reads each function makes (EC2 `Describe*` has no resource-level permissions): the event
 * function's slice loader (its remediator's entry check reads NACLs, already in the list) and the
 * audit's region loader.
 */
export const READ_ACTIONS = {
  'on-network-change': readActions('slice'),
  audit: readActions('region'),
} as const satisfies Record<string, readonly string[]>;

/** The EC2 resource type (ARN path) each remediation action writes to. */
const WRITE_RESOURCE: Record<string, string> = {
  'ec2:RevokeSecurityGroupIngress': 'security-group',
  'ec2:RevokeSecurityGroupEgress': 'security-group',
  'ec2:CreateNetworkAclEntry': 'network-acl',
  'ec2:DeleteNetworkAclEntry': 'network-acl',
  'ec2:ReplaceNetworkAclEntry': 'network-acl',
  'ec2:ModifySubnetAttribute': 'subnet',
};

/** True when the config lets this rule call EC2 (DESIGN §8: opt-in rules only when enabled per rule). */
export function canRemediate(rule: RuleDefinition, config: Config): boolean {
  if (ruleMode(config, rule.meta.id) !== 'remediate') return false;
  if (rule.meta.autoFix === 'yes') return true;
  return rule.meta.autoFix === 'opt-in' && config.rules[rule.meta.id] === 'remediate';
}

/**
 * The write actions remediation may call under this config, grouped by the EC2 resource type they
 * act on (sorted, deduplicated). Empty in `notify` and `dry-run` modes.
 */
export function writeActionsByResource(
  config: Config,
  rules: readonly RuleDefinition[] = RULES,
): { resourceType: string; actions: string[] }[] {
  const byResource = new Map<string, Set<string>>();
  for (const rule of rules) {
    if (!canRemediate(rule, config)) continue;
    for (const action of rule.meta.fixActions) {
      const resourceType = WRITE_RESOURCE[action];
      if (!resourceType) {
        throw new Error(
          `rule ${rule.meta.id} needs ${action}, which infra/permissions.ts cannot scope to a resource type`,
        );
      }
      const actions = byResource.get(resourceType) ?? new Set<string>();
      actions.add(action);
      byResource.set(resourceType, actions);
    }
  }
  return [...byResource]
    .map(([resourceType, actions]) => ({ resourceType, actions: [...actions].sort() }))
    .sort((a, b) => (a.resourceType < b.resourceType ? -1 : 1));
}
