import { eniInternetExposed } from './eni-internet-exposed';
import { naclEphemeralReturnBlocked } from './nacl-ephemeral-return-blocked';
import { naclOpenAdminPort } from './nacl-open-admin-port';
import { natGatewayInPrivateSubnet } from './nat-gateway-in-private-subnet';
import { routeBlackhole } from './route-blackhole';
import { sgBroadPublicSource } from './sg-broad-public-source';
import { sgDefaultNotRestricted } from './sg-default-not-restricted';
import { sgOpenAdminPort } from './sg-open-admin-port';
import { sgOpenAllTraffic } from './sg-open-all-traffic';
import { sgOpenHighRiskPort } from './sg-open-high-risk-port';
import { sgOpenUnauthorizedPort } from './sg-open-unauthorized-port';
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
  sgOpenAllTraffic,
  sgOpenAdminPort,
  sgOpenHighRiskPort,
  sgOpenUnauthorizedPort,
  sgBroadPublicSource,
  sgDefaultNotRestricted,
  naclOpenAdminPort,
  naclEphemeralReturnBlocked,
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
