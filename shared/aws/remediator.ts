import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  type EC2Client,
  ModifySubnetAttributeCommand,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { NaclEntryInput } from '../findings';
import type { ActionResult, PlannedAction, RemediationPlanResult } from '../remediation/types';
import { errorCode, errorText, isRetryable } from './aws-errors';

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
 * or entry already gone, or an identical deny entry already present, counts as done; a permanent
 * failure (access denied, …) is reported and the other calls still run; a transient one throws.
 */
export async function executeActions(ec2: EC2Client, plan: RemediationPlanResult): Promise<ActionResult[]> {
  if (plan.dryRun) return plan.actions.map((action) => ({ action, status: 'dry-run' }));
  const results: ActionResult[] = [];
  for (const action of plan.actions) {
    try {
      await call(ec2, action);
      results.push({ action, status: 'done' });
    } catch (error) {
      const code = errorCode(error);
      if (GONE.has(code)) {
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

async function call(ec2: EC2Client, action: PlannedAction): Promise<void> {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
      await ec2.send(new RevokeSecurityGroupIngressCommand(action.parameters));
      return;
    case 'RevokeSecurityGroupEgress':
      await ec2.send(new RevokeSecurityGroupEgressCommand(action.parameters));
      return;
    case 'CreateNetworkAclEntry':
      await ec2.send(new CreateNetworkAclEntryCommand(action.parameters));
      return;
    case 'DeleteNetworkAclEntry':
      await ec2.send(new DeleteNetworkAclEntryCommand(action.parameters));
      return;
    case 'ReplaceNetworkAclEntry':
      await ec2.send(new ReplaceNetworkAclEntryCommand(action.parameters));
      return;
    case 'ModifySubnetAttribute':
      await ec2.send(new ModifySubnetAttributeCommand(action.parameters));
      return;
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
