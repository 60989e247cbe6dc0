import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { NaclEntryInput } from '../findings';
import type {
  ActionResult,
  PlannedAction,
  RemediationPlanResult,
  RevokeParameters,
} from '../remediation/types';
import { errorCode, errorText, isRetryable } from './aws-errors';
import { allPages } from './ec2-pages';

/** What is already gone counts as done (DESIGN §8): a retry or a person got there first. */
const GONE = new Set([
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidNetworkAclEntry.NotFound',
  'InvalidGroup.NotFound',
  'InvalidGroupId.NotFound',
  // The NACL or subnet itself is gone: nothing of it is left open.
  'InvalidNetworkAclID.NotFound',
  'InvalidSubnetID.NotFound',
]);

/** A write call failed with a transient fault after the SDK's retries: the invocation is retried. */
export class RemediationRetryableError extends Error {
  override readonly name = 'RemediationRetryableError';
}

/**
 * Makes the planned EC2 calls in order and reports each outcome. A dry run calls nothing. A rule
 * or entry already gone, or an identical deny entry already present, counts as done — except that a
 * multi-id revoke answered NotFound is verified (DESIGN §8 "Verified outcome"); a permanent failure
 * (access denied, …) is reported and the other calls still run; a transient one throws.
 */
export async function executeActions(ec2: EC2Client, plan: RemediationPlanResult): Promise<ActionResult[]> {
  if (plan.dryRun) return plan.actions.map((action) => ({ action, status: 'dry-run' }));
  const results: ActionResult[] = [];
  for (const action of plan.actions) {
    try {
      results.push(...(await attempt(ec2, action)));
    } catch (error) {
      const code = errorCode(error);
      if (GONE.has(code) && isRevokeById(action)) {
        results.push(...(await verifiedRevoke(ec2, action, errorText(error))));
      } else if (GONE.has(code)) {
        results.push({ action, status: 'already-done', error: errorText(error) });
      } else if (
        code === 'NetworkAclEntryAlreadyExists' &&
        action.action === 'CreateNetworkAclEntry' &&
        (await identicalEntryExists(ec2, action.parameters))
      ) {
        results.push({ action, status: 'already-done', error: errorText(error) });
      } else if (isRetryable(error)) {
        throw new RemediationRetryableError(`${action.action} failed: ${errorText(error)}`, { cause: error });
      } else {
        results.push({ action, status: 'failed', error: errorText(error) });
      }
    }
  }
  return results;
}

type RevokeAction = Extract<PlannedAction, { parameters: RevokeParameters }>;

function isRevokeById(
  action: PlannedAction,
): action is RevokeAction & { parameters: { SecurityGroupRuleIds: string[] } } {
  return (
    (action.action === 'RevokeSecurityGroupIngress' || action.action === 'RevokeSecurityGroupEgress') &&
    (action.parameters.SecurityGroupRuleIds?.length ?? 0) > 0
  );
}

/** One call; a revoke by permissions that EC2 answers with every permission unknown removed nothing. */
async function attempt(ec2: EC2Client, action: PlannedAction): Promise<ActionResult[]> {
  const unknown = await call(ec2, action);
  if (unknown)
    return [
      { action, status: 'already-done', error: 'UnknownIpPermissions: none of the permissions was present' },
    ];
  return [{ action, status: 'done' }];
}

/**
 * EC2 rejects a whole multi-id revoke when one id is gone (a concurrent fix), removing nothing.
 * Re-read the ids, revoke in one more call those still present, and report per rule: removed by
 * this call (`done`), found gone (`already-done`, someone else's news), still present (`failed`).
 */
async function verifiedRevoke(
  ec2: EC2Client,
  action: RevokeAction,
  notFound: string,
): Promise<ActionResult[]> {
  const ids = action.parameters.SecurityGroupRuleIds ?? [];
  const present = await presentRuleIds(ec2, action.parameters.GroupId, ids);
  if (!Array.isArray(present))
    return [{ action, status: 'failed', error: `${notFound}; ${present.unverified}` }];
  const gone = ids.filter((id) => !present.includes(id));
  const results: ActionResult[] = [];
  if (gone.length > 0)
    results.push({ action: narrowed(action, gone), status: 'already-done', error: notFound });
  if (present.length === 0) return results;
  const retry = narrowed(action, present);
  try {
    await call(ec2, retry);
    results.push({ action: retry, status: 'done' });
  } catch (error) {
    if (!GONE.has(errorCode(error))) {
      if (isRetryable(error)) {
        throw new RemediationRetryableError(`${action.action} failed: ${errorText(error)}`, { cause: error });
      }
      results.push({ action: retry, status: 'failed', error: errorText(error) });
      return results;
    }
    // Raced again: what is still there after the second call is a failure, what left is news of others.
    const reread = await presentRuleIds(ec2, action.parameters.GroupId, present);
    const still = Array.isArray(reread) ? reread : present;
    const left = present.filter((id) => !still.includes(id));
    if (left.length > 0)
      results.push({ action: narrowed(action, left), status: 'already-done', error: errorText(error) });
    if (still.length > 0) {
      results.push({
        action: narrowed(action, still),
        status: 'failed',
        error: `still present after a second revoke: ${errorText(error)}`,
      });
    }
  }
  return results;
}

/** The ids of `ids` that the group still holds (DescribeSecurityGroupRules, `security-group-rule-id`). */
async function presentRuleIds(
  ec2: EC2Client,
  groupId: string,
  ids: readonly string[],
): Promise<string[] | { unverified: string }> {
  const found = new Set<string>();
  try {
    const rules = await allPages(async (NextToken) => {
      const out = await ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'security-group-rule-id', Values: [...ids] }],
          NextToken,
        }),
      );
      return { items: out.SecurityGroupRules ?? [], nextToken: out.NextToken };
    });
    for (const rule of rules)
      if (rule.GroupId === groupId && rule.SecurityGroupRuleId) found.add(rule.SecurityGroupRuleId);
  } catch (error) {
    if (isRetryable(error)) {
      throw new RemediationRetryableError(`DescribeSecurityGroupRules failed: ${errorText(error)}`, {
        cause: error,
      });
    }
    // Unverifiable (access denied, …): a failure, never a claimed outcome.
    return { unverified: `cannot verify which rules remain: ${errorText(error)}` };
  }
  return ids.filter((id) => found.has(id));
}

/** The revoke limited to some of its rule ids, with the matching permissions for "how to undo". */
function narrowed(action: RevokeAction, keep: readonly string[]): PlannedAction {
  const ids = action.parameters.SecurityGroupRuleIds ?? [];
  const index = ids.map((id, i) => (keep.includes(id) ? i : -1)).filter((i) => i >= 0);
  const revoked = action.revoked;
  return {
    ...action,
    parameters: { GroupId: action.parameters.GroupId, SecurityGroupRuleIds: index.map((i) => ids[i] ?? '') },
    ...(revoked ? { revoked: index.flatMap((i) => (revoked[i] ? [revoked[i]] : [])) } : {}),
  };
}

/** Makes one call; true when a revoke by permissions removed none of them (all unknown to EC2). */
async function call(ec2: EC2Client, action: PlannedAction): Promise<boolean> {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const out =
        action.action === 'RevokeSecurityGroupIngress'
          ? await ec2.send(new RevokeSecurityGroupIngressCommand(action.parameters))
          : await ec2.send(new RevokeSecurityGroupEgressCommand(action.parameters));
      const asked = action.parameters.IpPermissions?.length ?? 0;
      return asked > 0 && (out?.UnknownIpPermissions?.length ?? 0) >= asked;
    }
    case 'CreateNetworkAclEntry':
      await ec2.send(new CreateNetworkAclEntryCommand(action.parameters));
      return false;
    case 'DeleteNetworkAclEntry':
      await ec2.send(new DeleteNetworkAclEntryCommand(action.parameters));
      return false;
    case 'ModifySubnetAttribute':
      await ec2.send(new ModifySubnetAttributeCommand(action.parameters));
      return false;
  }
}

/** True when the NACL already holds exactly this entry (a concurrent or earlier attempt made it). */
async function identicalEntryExists(ec2: EC2Client, wanted: NaclEntryInput): Promise<boolean> {
  try {
    const out = await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [wanted.NetworkAclId] }));
    const entry = out.NetworkAcls?.[0]?.Entries?.find(
      (e) => e.RuleNumber === wanted.RuleNumber && e.Egress === wanted.Egress,
    );
    if (!entry) return false;
    return (
      entry.Protocol === wanted.Protocol &&
      entry.RuleAction === wanted.RuleAction &&
      (entry.CidrBlock ?? undefined) === wanted.CidrBlock &&
      (entry.Ipv6CidrBlock ?? undefined) === wanted.Ipv6CidrBlock &&
      entry.PortRange?.From === wanted.PortRange?.From &&
      entry.PortRange?.To === wanted.PortRange?.To
    );
  } catch {
    return false;
  }
}
