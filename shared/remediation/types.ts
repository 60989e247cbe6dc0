import type { IpPermissionInput, NaclEntryInput } from '../findings';

/** The EC2 write calls remediation makes (DESIGN §11 `actions[].action`). */
export const EC2_ACTIONS = [
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'DeleteNetworkAclEntry',
  'CreateNetworkAclEntry',
  'ReplaceNetworkAclEntry',
  'ModifySubnetAttribute',
] as const;
export type Ec2ActionName = (typeof EC2_ACTIONS)[number];

/** `RevokeSecurityGroupIngress` / `Egress` input: by rule ids, or by one-source permissions. */
export interface RevokeParameters {
  GroupId: string;
  SecurityGroupRuleIds?: string[];
  IpPermissions?: IpPermissionInput[];
}

export interface DeleteNetworkAclEntryParameters {
  NetworkAclId: string;
  RuleNumber: number;
  Egress: boolean;
}

export interface ModifySubnetAttributeParameters {
  SubnetId: string;
  MapPublicIpOnLaunch: { Value: boolean };
}

/** One EC2 call: its name and exactly the API input. */
export type Ec2Call =
  | { action: 'RevokeSecurityGroupIngress' | 'RevokeSecurityGroupEgress'; parameters: RevokeParameters }
  | { action: 'DeleteNetworkAclEntry'; parameters: DeleteNetworkAclEntryParameters }
  | { action: 'CreateNetworkAclEntry' | 'ReplaceNetworkAclEntry'; parameters: NaclEntryInput }
  | { action: 'ModifySubnetAttribute'; parameters: ModifySubnetAttributeParameters };

/** A planned call and the findings it fixes (for the notice and the undo hints). */
export type PlannedAction = Ec2Call & {
  findingIds: string[];
  /** The permissions a revoke removes, for the notice's "how to undo" (also when revoking by id). */
  revoked?: IpPermissionInput[];
  /** The entry a DeleteNetworkAclEntry removes, as read from the slice (for "how to undo"). */
  deletedEntry?: NaclEntryInput;
  /** The entry a ReplaceNetworkAclEntry overwrites, as it was (for "how to undo"). */
  replacedEntry?: NaclEntryInput;
};

/** Why a finding in scope gets no action. */
export interface SkippedFinding {
  findingId: string;
  ruleId: string;
  resourceId: string;
  reason: string;
}

/** What remediation will do for an event: the calls, and why the other findings get none. */
export interface RemediationPlanResult {
  /** Global `dry-run`: the actions are reported, never called. */
  dryRun: boolean;
  actions: PlannedAction[];
  skipped: SkippedFinding[];
}

/** The outcome of one call. `already-done`: a NotFound or an identical existing entry. */
export type ActionStatus = 'done' | 'already-done' | 'failed' | 'dry-run';

export interface ActionResult {
  action: PlannedAction;
  status: ActionStatus;
  /** The AWS error code and message of a failure (or of the NotFound that counted as done). */
  error?: string;
}
