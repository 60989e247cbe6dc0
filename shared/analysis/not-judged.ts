import type { Model, SecurityGroupNode } from '../model/model';

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
 * Everything the model lacks to judge: interfaces without a subnet, or whose subnet or NACL is not
 * in the snapshot; groups with an ingress rule whose source is a prefix list the snapshot does not
 * resolve (its entries could be the whole internet). Sorted by resource id, then reason.
 */
export function notJudgedOf(model: Model, scope: NotJudgedScope): NotJudged[] {
  const out: NotJudged[] = [];
  if (scope.interfaceRuleIds.length > 0) {
    for (const eni of model.networkInterfaces.values()) {
      const reason = missingPath(model, eni.subnetId);
      if (!reason) continue;
      for (const ruleId of scope.interfaceRuleIds) out.push({ resourceId: eni.id, reason, ruleId });
    }
  }
  if (scope.judgesGroups) {
    for (const group of model.securityGroups.values()) {
      for (const listId of unresolvedIngressLists(model, group)) {
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
  return undefined;
}

/**
 * Prefix lists named as an ingress source and absent from the snapshot, in first-seen order. Reads
 * the raw permissions (a check per permission, no rule objects: this runs over every group).
 */
function unresolvedIngressLists(model: Model, group: SecurityGroupNode): string[] {
  let out: string[] | undefined;
  const note = (listId: string) => {
    if (model.prefixLists.has(listId)) return;
    out ??= [];
    if (!out.includes(listId)) out.push(listId);
  };
  if (group.hasRuleIds) {
    // Rules from SecurityGroupRules (alone or merged with the permissions): already expanded.
    for (const rule of group.ingress) if (rule.source.kind === 'prefix-list') note(rule.source.prefixListId);
  } else {
    for (const permission of group.item.IpPermissions) {
      for (const list of permission.PrefixListIds) note(list.PrefixListId);
    }
  }
  return out ?? [];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
