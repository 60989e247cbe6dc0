import type { PlannedAction, RevokeParameters } from './types';

/** A security-group revoke (ingress or egress). */
export type RevokeAction = Extract<PlannedAction, { parameters: RevokeParameters }>;

/** A revoke of rules by their ids. */
export type RevokeByIdAction = RevokeAction & { parameters: { SecurityGroupRuleIds: string[] } };

export function isRevoke(action: PlannedAction): action is RevokeAction {
  return action.action === 'RevokeSecurityGroupIngress' || action.action === 'RevokeSecurityGroupEgress';
}

export function isRevokeById(action: PlannedAction): action is RevokeByIdAction {
  return isRevoke(action) && (action.parameters.SecurityGroupRuleIds?.length ?? 0) > 0;
}

/** The revoke limited to some of its rule ids, with the matching permissions for "how to undo". */
export function narrowed(action: RevokeAction, keep: readonly string[]): RevokeAction {
  const ids = action.parameters.SecurityGroupRuleIds ?? [];
  const index = ids.map((id, i) => (keep.includes(id) ? i : -1)).filter((i) => i >= 0);
  const revoked = action.revoked;
  return {
    ...action,
    parameters: { GroupId: action.parameters.GroupId, SecurityGroupRuleIds: index.map((i) => ids[i] ?? '') },
    ...(revoked ? { revoked: index.flatMap((i) => (revoked[i] ? [revoked[i]] : [])) } : {}),
  };
}
