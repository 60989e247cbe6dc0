import type { NotJudged } from './analysis/not-judged';
import type { Model } from './model/model';

/** Why an unused resource is not judged (DESIGN §8, `judgeUnused: false`). */
export const UNUSED = 'unused';

/**
 * Security groups attached to no network interface and NACLs associated with no subnet, keyed by
 * id (sorted). A NACL is in use when it lists an association or some subnet of the snapshot uses
 * it (a VPC's default NACL serves the subnets without an association of their own).
 */
export function unusedResources(model: Model): Map<string, NotJudged> {
  const attached = new Set<string>();
  for (const eni of model.networkInterfaces.values()) for (const id of eni.groupIds) attached.add(id);
  const associated = new Set<string>();
  for (const subnet of model.subnets.values()) if (subnet.networkAclId) associated.add(subnet.networkAclId);
  const ids: string[] = [];
  for (const id of model.securityGroups.keys()) if (!attached.has(id)) ids.push(id);
  for (const acl of model.networkAcls.values()) {
    if (acl.subnetIds.length === 0 && !associated.has(acl.id)) ids.push(acl.id);
  }
  return new Map(ids.sort().map((resourceId) => [resourceId, { resourceId, reason: UNUSED }]));
}

/**
 * With `judgeUnused: false`, a snapshot that lists no network interface at all makes every
 * security group "unused": true of a new account, but also of a snapshot built without
 * `describe-network-interfaces` (a missing key reads as an empty list), which would then report
 * no group. Said as a warning, so that a clean result is not taken for a judged one; not for a
 * region whose only groups are the VPCs' default ones (an unused region, no news).
 */
export function unusedWarnings(model: Model): string[] {
  if (model.networkInterfaces.size > 0) return [];
  // No interface: every group is unused (`unusedResources`). Only default groups (a region nobody
  // uses, as an organization audit reads dozens of): no news.
  const groups = [...model.securityGroups.values()];
  if (groups.every((group) => group.isDefault)) return [];
  return [
    `judgeUnused is false and the snapshot lists no network interface: all ${groups.length} security group(s) are taken as unused and not judged (add NetworkInterfaces, or set judgeUnused to true, if the region has interfaces)`,
  ];
}
