import { eniInternetExposed } from './eni-internet-exposed';
import { natGatewayInPrivateSubnet } from './nat-gateway-in-private-subnet';
import { routeBlackhole } from './route-blackhole';
import { subnetAutoAssignPublicIp } from './subnet-auto-assign-public-ip';
import { subnetPrivateHasIgwRoute } from './subnet-private-has-igw-route';
import { subnetPublicNoIgwRoute } from './subnet-public-no-igw-route';
import type { RuleDefinition } from './types';
import { vpcePolicyFullAccess } from './vpce-policy-full-access';

/**
 * The rule catalogue, registered explicitly (no import side effects). Adding a rule is adding one
 * file in this folder and one line here. Order is the order of evaluation, not of reporting.
 */
export const RULES: readonly RuleDefinition[] = [
  subnetPrivateHasIgwRoute,
  subnetPublicNoIgwRoute,
  subnetAutoAssignPublicIp,
  natGatewayInPrivateSubnet,
  routeBlackhole,
  vpcePolicyFullAccess,
  eniInternetExposed,
];

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The rule with this id, if any. */
export function ruleById(id: string): RuleDefinition | undefined {
  return BY_ID.get(id);
}

/** Every rule id, in catalogue order. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
