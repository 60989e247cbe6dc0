import { envelope } from './cloudtrail';
import { authorizeIngress, cloudTrailRecord, type RuleSpec } from './world';

// The burst of DESIGN §14: a `terraform apply` creating one group and adding 30 rules, 5 of them
// world-open on admin and high-risk ports, each call from its own principal and address.

export const GROUP = 'sg-0tf';

/** Five world-open rules on admin and high-risk ports, and 25 from private ranges. */
export const WORLD_PORTS = [22, 3389, 3306, 5432, 9200];
export const TERRAFORM_RULES: RuleSpec[] = [
  ...WORLD_PORTS.map((port) => ({ id: `sgr-w${port}`, from: port, cidr: '0.0.0.0/0' })),
  ...Array.from({ length: 25 }, (_, i) => ({ id: `sgr-p${i}`, from: 8000 + i, cidr: `10.${i}.0.0/16` })),
];

/** Who made call `i`: a distinct principal and address per call, so the digest must name each. */
export function actor(i: number) {
  return {
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/Deployer/terraform-${i}`,
      accountId: '111122223333',
    },
    sourceIPAddress: `203.0.113.${i + 1}`,
    eventID: `evt-${i}`,
    eventTime: `2025-06-15T10:51:${String(i).padStart(2, '0')}Z`,
  };
}

/** `terraform apply`: CreateSecurityGroup, then one AuthorizeSecurityGroupIngress per rule. */
export function terraformApply(rules: readonly RuleSpec[], groupId = GROUP): unknown[] {
  const create = cloudTrailRecord(
    'CreateSecurityGroup',
    { groupName: 'tf-web', groupDescription: 'managed by terraform', vpcId: 'vpc-0a1' },
    { _return: true, groupId },
    actor(0),
  );
  const authorizes = rules.map((rule, i) => ({
    ...authorizeIngress(groupId, rule.from ?? 0, [[rule.id, rule.cidr ?? '']]),
    ...actor(i + 1),
  }));
  return [create, ...authorizes].map((detail) => envelope(detail));
}
