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
