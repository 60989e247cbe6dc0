import { eniInternetExposed } from './eni-internet-exposed';
import { naclBroadPublicSource } from './nacl-broad-public-source';
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

/** A rule catalogue: its rules, their ids, and the precedence their order declares. */
export interface RuleRegistry {
  readonly rules: readonly RuleDefinition[];
  /** Every rule id, in catalogue order (what config validates rule ids against). */
  readonly ids: readonly string[];
  byId(id: string): RuleDefinition | undefined;
  /** The rules of `rule`'s precedence group registered before it (they report a port first). */
  above(rule: RuleDefinition): readonly RuleDefinition[];
}

/**
 * Builds a registry from rules in order. Within a precedence group, registry order IS the
 * precedence: a rule earlier in the list claims a port first. Ids must be unique.
 */
export function createRegistry(rules: readonly RuleDefinition[]): RuleRegistry {
  const byId = new Map<string, RuleDefinition>();
  const above = new Map<RuleDefinition, RuleDefinition[]>();
  const groups = new Map<string, RuleDefinition[]>();
  for (const rule of rules) {
    if (byId.has(rule.meta.id)) throw new Error(`rule id ${rule.meta.id} is registered twice`);
    byId.set(rule.meta.id, rule);
    const group = rule.meta.precedenceGroup;
    if (group === undefined) continue;
    const members = groups.get(group) ?? [];
    above.set(rule, [...members]);
    members.push(rule);
    groups.set(group, members);
  }
  return {
    rules,
    ids: rules.map((rule) => rule.meta.id),
    byId: (id) => byId.get(id),
    above: (rule) => above.get(rule) ?? [],
  };
}

/**
 * The rule catalogue, registered explicitly (no import side effects). Adding a rule is adding one
 * file in this folder and one line here. Order is the order of evaluation, and within a
 * precedence group the order of precedence (DESIGN §5: all-traffic > admin > high-risk >
 * unauthorized; a NACL's world-open admin port before its broad public source).
 */
export const REGISTRY: RuleRegistry = createRegistry([
  sgOpenAllTraffic,
  sgOpenAdminPort,
  sgOpenHighRiskPort,
  sgOpenUnauthorizedPort,
  sgBroadPublicSource,
  sgDefaultNotRestricted,
  naclOpenAdminPort,
  naclBroadPublicSource,
  naclEphemeralReturnBlocked,
  subnetPrivateHasIgwRoute,
  subnetPublicNoIgwRoute,
  subnetAutoAssignPublicIp,
  natGatewayInPrivateSubnet,
  routeBlackhole,
  vpcePolicyFullAccess,
  eniInternetExposed,
]);

/** The catalogue's rules, in registry order. */
export const RULES: readonly RuleDefinition[] = REGISTRY.rules;

/** The rule with this id, if any. */
export function ruleById(id: string): RuleDefinition | undefined {
  return REGISTRY.byId(id);
}

/** Every rule id, in catalogue order. */
export const RULE_IDS: readonly string[] = REGISTRY.ids;
