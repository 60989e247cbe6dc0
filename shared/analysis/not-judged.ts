import type { Model } from '../model/model';
import type { Analysis } from './analysis';

/**
 * A resource a rule could not judge for lack of data (DESIGN §3 "Not judged is said"): listed in
 * the output rather than skipped in silence. `ruleId` names the rule when only one could not judge.
 */
export interface NotJudged {
  resourceId: string;
  /** What is missing, in words a user can act on. */
  reason: string;
  ruleId?: string;
}

/** Which of the running rules need what: interface rules need the path, group rules the sources. */
export interface NotJudgedScope {
  /** Running rules that judge interfaces (their subnet, route table and NACL). */
  interfaceRuleIds: readonly string[];
  /** True when a running rule judges security groups by their ingress sources. */
  judgesGroups: boolean;
}

/**
 * Everything the model lacks to judge: interfaces without a subnet, or whose subnet, NACL, route
 * table or one of whose security groups is not in the snapshot; groups with a tcp, udp or all-traffic ingress rule whose source is a prefix list
 * the snapshot does not resolve (its entries could be the whole internet; ICMP and other protocols
 * never count towards exposure). Sorted by resource id, then reason.
 */
export function notJudgedOf(analysis: Analysis, scope: NotJudgedScope): NotJudged[] {
  const { model } = analysis;
  const out: NotJudged[] = [];
  if (scope.interfaceRuleIds.length > 0) {
    for (const eni of model.networkInterfaces.values()) {
      const reason = missingPath(model, eni.subnetId) ?? missingGroup(model, eni.groupIds);
      if (!reason) continue;
      for (const ruleId of scope.interfaceRuleIds) out.push({ resourceId: eni.id, reason, ruleId });
    }
  }
  if (scope.judgesGroups) {
    // The group scan the security-group rules share already noted every unresolved list: a group
    // with one has a non-empty reach, so only those groups are read again.
    for (const group of analysis.groupsWithReach()) {
      for (const listId of analysis.groupReach(group.id).unresolvedPrefixLists) {
        out.push({
          resourceId: group.id,
          reason: `an ingress rule's source is prefix list ${listId}, whose entries are not in the snapshot (add it to ManagedPrefixLists)`,
        });
      }
    }
  }
  return out.sort((a, b) => compare(a.resourceId, b.resourceId) || compare(a.reason, b.reason));
}

/** Why an interface's path to the internet cannot be followed, if it cannot. */
function missingPath(model: Model, subnetId: string | undefined): string | undefined {
  if (!subnetId) return 'the interface has no SubnetId';
  const subnet = model.subnets.get(subnetId);
  if (!subnet) return `its subnet ${subnetId} is not in the snapshot`;
  if (!subnet.networkAclId) return `no network ACL of its subnet ${subnetId} is in the snapshot`;
  if (!model.networkAcls.has(subnet.networkAclId)) {
    return `the network ACL ${subnet.networkAclId} of its subnet ${subnetId} is not in the snapshot`;
  }
  // Without its route table (explicit or the VPC's main one) the path to an igw- cannot be followed.
  if (!subnet.routeTableId) return `no route table of its subnet ${subnetId} is in the snapshot`;
  return undefined;
}

/** A security group the interface uses but the snapshot lacks: it could open any port. */
function missingGroup(model: Model, groupIds: readonly string[]): string | undefined {
  // Allocation-free when every group is there (the common case, once per interface of a region).
  if (groupIds.every((id) => model.securityGroups.has(id))) return undefined;
  const absent = groupIds.filter((id) => !model.securityGroups.has(id));
  return `its security group${absent.length > 1 ? 's' : ''} ${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} not in the snapshot`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
