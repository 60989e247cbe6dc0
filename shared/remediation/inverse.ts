import type { IpPermissionInput } from '../findings';
import type { Ec2Call, PlannedAction } from './types';

/** An EC2 call that reverts a remediation call: one of ours, or an authorize that undoes a revoke. */
export type InverseCall =
  | Ec2Call
  | {
      action: 'AuthorizeSecurityGroupIngress' | 'AuthorizeSecurityGroupEgress';
      parameters: { GroupId: string; IpPermissions: IpPermissionInput[] };
    };

/**
 * The exact call that reverts one executed action (what a notice's "how to undo" prints), or
 * undefined when the action does not carry what undoing needs (a delete or replace whose entry
 * was not read, a revoke by rule id whose permissions are unknown).
 */
export function inverseOf(action: PlannedAction): InverseCall | undefined {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const permissions = action.revoked ?? action.parameters.IpPermissions;
      if (!permissions || permissions.length === 0) return undefined;
      return {
        action:
          action.action === 'RevokeSecurityGroupIngress'
            ? 'AuthorizeSecurityGroupIngress'
            : 'AuthorizeSecurityGroupEgress',
        parameters: { GroupId: action.parameters.GroupId, IpPermissions: permissions },
      };
    }
    case 'CreateNetworkAclEntry': {
      const { NetworkAclId, RuleNumber, Egress } = action.parameters;
      return { action: 'DeleteNetworkAclEntry', parameters: { NetworkAclId, RuleNumber, Egress } };
    }
    case 'ReplaceNetworkAclEntry':
      return action.replacedEntry
        ? { action: 'ReplaceNetworkAclEntry', parameters: action.replacedEntry }
        : undefined;
    case 'DeleteNetworkAclEntry':
      return action.deletedEntry
        ? { action: 'CreateNetworkAclEntry', parameters: action.deletedEntry }
        : undefined;
    case 'ModifySubnetAttribute':
      return {
        action: 'ModifySubnetAttribute',
        parameters: { SubnetId: action.parameters.SubnetId, MapPublicIpOnLaunch: { Value: true } },
      };
  }
}
