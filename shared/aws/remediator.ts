import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type IpPermission,
  ModifySubnetAttributeCommand,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { NaclEntryInput } from '../findings';
import { isRevoke, isRevokeById, narrowed, type RevokeAction } from '../remediation/narrow';
import type { ActionResult, PlannedAction, RemediationPlanResult } from '../remediation/types';
import { errorCode, errorText, isRetryable, RemediationRetryableError, throttled } from './errors';
import { NaclEntryReads } from './nacl-entries';
import { presentRuleIds, presentSources, sourceKeys } from './present-rules';

/** What is already gone counts as done (DESIGN §8): a retry or a person got there first. */
const GONE = new Set([
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidNetworkAclEntry.NotFound',
  'InvalidGroup.NotFound',
  'InvalidGroupId.NotFound',
  // EC2's documented code for a security group that does not exist (API reference, error codes).
  'InvalidSecurityGroupID.NotFound',
  // The NACL or subnet itself is gone: nothing of it is left open.
  'InvalidNetworkAclID.NotFound',
  'InvalidSubnetID.NotFound',
]);

/**
 * Makes the planned EC2 calls in order and reports each outcome. A dry run calls nothing. A rule
 * or entry already gone, or an identical deny entry already present, counts as done — except that a
 * revoke of several ids or permissions answered NotFound is verified (DESIGN §8 "Verified outcome"); a permanent failure
 * (access denied, …) is reported and the other calls still run; a transient one throws, carrying
 * the outcomes known so far (those of the call it stopped in included), that call and the rest.
 */
export async function executeActions(ec2: EC2Client, plan: RemediationPlanResult): Promise<ActionResult[]> {
  if (plan.dryRun) return plan.actions.map((action) => ({ action, status: 'dry-run' }));
  const results: ActionResult[] = [];
  // A NACL fix works only as a whole (its allows for the kept sources before its deny): once one of
  // its calls fails, the rest of that NACL's calls are not made, so a deny never lands alone.
  const brokenNacls = new Set<string>();
  const nacls = new NaclEntryReads(ec2);
  const replaceOnly = replaceOnlyNacls(plan.actions);
  for (const [index, action] of plan.actions.entries()) {
    try {
      await executeOne(ec2, action, results, brokenNacls, nacls, replaceOnly);
    } catch (error) {
      // The calls made before the fault stay made: the error carries them to the log (and the audit).
      if (error instanceof RemediationRetryableError) {
        throw new RemediationRetryableError(error.message, {
          cause: error.cause,
          done: results,
          stopped: error.stopped ?? action,
          notMade: plan.actions.slice(index + 1),
        });
      }
      throw error;
    }
  }
  return results;
}

/** What the outcome list says of the call a transient fault stopped in, and of the calls after it. */
export interface StoppedTexts {
  stopped: string;
  notMade: string;
}

/**
 * The outcomes of a plan that a transient fault stopped (`executeActions` threw
 * `RemediationRetryableError`): the calls made stay reported as made (with the known outcomes of
 * the call it stopped in), the stopped call (or its part still to do) is failed with
 * `texts.stopped`, and the planned calls after it are failed as not made. The audit reports these
 * (it has no retry); the event function tells them before its messages are retried (DESIGN §8
 * "a notice is never lost silently", §14 "Partial failure").
 */
export function resultsWhenStopped(
  actions: readonly PlannedAction[],
  error: RemediationRetryableError,
  texts: StoppedTexts,
): ActionResult[] {
  const { done } = error;
  // The remediator says where it stopped (the call, or the part of it still to do, that was
  // throttled) and what it did not make: a call stopped half-way keeps its known outcomes.
  if (error.stopped) {
    return [
      ...done,
      { action: error.stopped, status: 'failed' as const, error: texts.stopped },
      ...error.notMade.map((action) => ({ action, status: 'failed' as const, error: texts.notMade })),
    ];
  }
  // A call's results name it, or a narrowed copy of it (a revoke split by outcome): same call,
  // same group, same findings.
  const madeBy = (result: ActionResult, action: PlannedAction) =>
    result.action === action ||
    (result.action.action === action.action &&
      result.action.findingIds === action.findingIds &&
      'GroupId' in result.action.parameters &&
      'GroupId' in action.parameters &&
      result.action.parameters.GroupId === action.parameters.GroupId);
  const notMade = actions.filter((action) => !done.some((result) => madeBy(result, action)));
  const [stopped, ...after] = notMade;
  return [
    ...done,
    ...(stopped ? [{ action: stopped, status: 'failed' as const, error: texts.stopped }] : []),
    ...after.map((action) => ({ action, status: 'failed' as const, error: texts.notMade })),
  ];
}

async function executeOne(
  ec2: EC2Client,
  action: PlannedAction,
  out: ActionResult[],
  brokenNacls: Set<string>,
  nacls: NaclEntryReads,
  replaceOnly: ReadonlySet<string>,
): Promise<void> {
  const acl = naclOf(action);
  if (acl !== undefined && brokenNacls.has(acl)) {
    out.push({ action, status: 'failed', error: NACL_FIX_STOPPED });
    return;
  }
  // A narrowing replace already as planned was made by another attempt of this fix (a concurrent
  // batch): checked where one was met (a refused create), and, read once before the first
  // replace, where the fix is replaces only (no create can meet the other attempt).
  const replace = action.action === 'ReplaceNetworkAclEntry' ? action.parameters : undefined;
  // A verifying read throttled past the SDK's retries stops the fix at this call, as a throttled
  // write does: the redelivery reads the NACL again and makes (or finds made) what is still needed.
  const holds = async (wanted: NaclEntryInput, again?: boolean) => {
    try {
      return await nacls.holds(wanted, again);
    } catch (error) {
      throw throttled(action, error, 'DescribeNetworkAcls');
    }
  };
  if (
    replace &&
    (nacls.concurrent.has(replace.NetworkAclId)
      ? await holds(replace)
      : replaceOnly.has(replace.NetworkAclId) && (await holds(replace, false)))
  ) {
    out.push({ action, status: 'already-done', error: ALREADY_AS_PLANNED });
    return;
  }
  if (action.action === 'ModifySubnetAttribute' && (await alreadyOff(ec2, action.parameters.SubnetId))) {
    out.push({ action, status: 'already-done', error: ALREADY_OFF });
    return;
  }
  const before = out.length;
  try {
    await attempt(ec2, action, out);
  } catch (error) {
    if (error instanceof RemediationRetryableError) throw error;
    const code = errorCode(error);
    if (GONE.has(code) && isRevokeById(action)) {
      await verifiedRevoke(ec2, action, errorText(error), out);
    } else if (GONE.has(code) && isRevoke(action) && (action.parameters.IpPermissions?.length ?? 0) > 1) {
      await verifiedPermissionRevoke(ec2, action, errorText(error), true, out);
    } else if (GONE.has(code)) {
      out.push({ action, status: 'already-done', error: errorText(error) });
    } else if (
      code === 'NetworkAclEntryAlreadyExists' &&
      action.action === 'CreateNetworkAclEntry' &&
      (await holds(action.parameters))
    ) {
      nacls.concurrent.add(action.parameters.NetworkAclId);
      out.push({ action, status: 'already-done', error: errorText(error) });
    } else if (isRetryable(error)) {
      throw throttled(action, error);
    } else {
      out.push({ action, status: 'failed', error: errorText(error) });
    }
  }
  if (acl !== undefined && out.slice(before).some((r) => r.status === 'failed')) brokenNacls.add(acl);
}

/**
 * NACLs whose fix is made only of narrowing replaces (one kept source, nothing to create). EC2
 * answers a replace that changes nothing with success, and no create meets
 * `NetworkAclEntryAlreadyExists` to reveal a concurrent attempt of the same fix: the NACL is read
 * once before its first replace, and a replace already as planned is someone else's (§14).
 */
function replaceOnlyNacls(actions: readonly PlannedAction[]): Set<string> {
  const replaced = new Set<string>();
  const created = new Set<string>();
  for (const a of actions) {
    if (a.action === 'ReplaceNetworkAclEntry') replaced.add(a.parameters.NetworkAclId);
    if (a.action === 'CreateNetworkAclEntry') created.add(a.parameters.NetworkAclId);
  }
  return new Set([...replaced].filter((id) => !created.has(id)));
}

/**
 * True when the subnet already assigns no public IPv4 address: another attempt of the fix (a
 * concurrent batch) turned it off since the slice was read. EC2 answers the same call with success
 * all the same, so making it and reporting `done` would claim that batch's fix (DESIGN §8
 * "Verified outcome", §14 "Concurrency"), as a narrowing replace found already made is not claimed.
 * A read that fails tells nothing: the call is made and speaks for itself.
 */
async function alreadyOff(ec2: EC2Client, subnetId: string): Promise<boolean> {
  try {
    const read = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
    return read?.Subnets?.find((s) => s.SubnetId === subnetId)?.MapPublicIpOnLaunch === false;
  } catch {
    return false;
  }
}

const ALREADY_OFF =
  'the subnet already assigns no public IPv4 address: another attempt of this fix (a concurrent batch) turned it off';

const ALREADY_AS_PLANNED =
  'the entry already reads as planned: another attempt of this fix (a concurrent batch) made it';

const NACL_FIX_STOPPED =
  "not made: an earlier call of this NACL's fix failed, and the rest of a fix is never applied alone " +
  "(a deny without its allows would cut the VPC's own admin traffic)";

/** The NACL a call changes, if it changes one. */
function naclOf(action: PlannedAction): string | undefined {
  return action.action === 'CreateNetworkAclEntry' ||
    action.action === 'ReplaceNetworkAclEntry' ||
    action.action === 'DeleteNetworkAclEntry'
    ? action.parameters.NetworkAclId
    : undefined;
}

/**
 * One call; its outcomes go to `out`. A revoke by permissions that EC2 answers with every
 * permission unknown removed nothing; a revoke by ids whose answer lists the rules it revoked
 * (`RevokedSecurityGroupRules`) is taken at its word: the ids it leaves out are verified like a
 * NotFound. The call's own error is thrown as it came.
 */
async function attempt(ec2: EC2Client, action: PlannedAction, out: ActionResult[]): Promise<void> {
  const outcome = await call(ec2, action);
  // Some permissions were not there: this call removed only the others (DESIGN §8 "Verified
  // outcome": `revoked` only for what this invocation's own call removed). EC2 may answer the
  // unknown permissions in another shape than asked (its reference: "might be in a different
  // format"; two sources merged into one permission), so they are matched by source.
  const gone =
    outcome.unknown.length > 0 && isRevoke(action)
      ? (action.parameters.IpPermissions ?? []).map((p) =>
          permissionKeys(p).every((k) => outcome.unknown.includes(k)),
        )
      : [];
  if (outcome.unknownAll || (gone.length > 0 && gone.every((g) => g))) {
    out.push({
      action,
      status: 'already-done',
      error: 'UnknownIpPermissions: none of the permissions was present',
    });
    return;
  }
  if (isRevoke(action) && gone.some((g) => g)) {
    out.push(
      { action: withPermissions(action, gone, false), status: 'done' },
      {
        action: withPermissions(action, gone, true),
        status: 'already-done',
        error: 'UnknownIpPermissions: these permissions were not present',
      },
    );
    return;
  }
  if (outcome.notRevoked.length === 0 || !isRevokeById(action)) {
    out.push({ action, status: 'done' });
    return;
  }
  const ids = action.parameters.SecurityGroupRuleIds;
  const revoked = ids.filter((id) => !outcome.notRevoked.includes(id));
  if (revoked.length > 0) out.push({ action: narrowed(action, revoked), status: 'done' });
  await verifiedRevoke(
    ec2,
    narrowed(action, outcome.notRevoked),
    'not among the RevokedSecurityGroupRules of the answer',
    out,
  );
}

/**
 * EC2 rejects a whole multi-id revoke when one id is gone (a concurrent fix), removing nothing.
 * Re-read the ids, revoke in one more call those still present, and report per rule: removed by
 * this call (`done`), found gone (`already-done`, someone else's news), still present (`failed`).
 * Raced again (that call answered NotFound too), the ids it named are read once more: only a read
 * tells a rule still there (failed) from one another batch removed meanwhile (not news) — the one
 * case where a batch reads a seventh time.
 */
async function verifiedRevoke(
  ec2: EC2Client,
  action: RevokeAction,
  notFound: string,
  out: ActionResult[],
): Promise<void> {
  const ids = action.parameters.SecurityGroupRuleIds ?? [];
  const present = await presentRuleIds(ec2, action, ids);
  if (!Array.isArray(present)) {
    out.push({ action, status: 'failed', error: `${notFound}; ${present.unverified}` });
    return;
  }
  const gone = ids.filter((id) => !present.includes(id));
  if (gone.length > 0) out.push({ action: narrowed(action, gone), status: 'already-done', error: notFound });
  if (present.length === 0) return;
  const retry = narrowed(action, present);
  let missed: string[];
  let why: string;
  try {
    const outcome = await call(ec2, retry);
    missed = outcome.notRevoked;
    why = 'not among the RevokedSecurityGroupRules of the second answer';
    const revoked = present.filter((id) => !missed.includes(id));
    if (revoked.length > 0) out.push({ action: narrowed(action, revoked), status: 'done' });
    if (missed.length === 0) return;
  } catch (error) {
    if (!GONE.has(errorCode(error))) {
      if (isRetryable(error)) throw throttled(retry, error);
      out.push({ action: retry, status: 'failed', error: errorText(error) });
      return;
    }
    missed = present;
    why = errorText(error);
  }
  // Raced again: what is still there after the second call is a failure, what left is others' news.
  const reread = await presentRuleIds(ec2, narrowed(action, missed), missed);
  const still = Array.isArray(reread) ? reread : missed;
  const left = missed.filter((id) => !still.includes(id));
  if (left.length > 0) out.push({ action: narrowed(action, left), status: 'already-done', error: why });
  if (still.length > 0) {
    out.push({
      action: narrowed(action, still),
      status: 'failed',
      error: `still present after a second revoke: ${why}`,
    });
  }
}

/**
 * A revoke by several permissions answered NotFound removed nothing (in a non-default VPC EC2
 * rejects the whole call when one permission is missing): a concurrent batch that removed one of
 * them must not leave the others open and unreported. Re-read the group's rules, revoke in one more
 * call the permissions still present, and report each truthfully, as `verifiedRevoke` does by id.
 * A permission has no id to revoke it by alone, so one still listed after a second NotFound is read
 * again (a permission EC2 does not match as written must end `failed`, never "already gone").
 */
async function verifiedPermissionRevoke(
  ec2: EC2Client,
  action: RevokeAction,
  notFound: string,
  retry: boolean,
  out: ActionResult[],
): Promise<void> {
  const egress = action.action === 'RevokeSecurityGroupEgress';
  const present = await presentSources(ec2, action, egress);
  if (!(present instanceof Set)) {
    out.push({ action, status: 'failed', error: `${notFound}; ${present.unverified}` });
    return;
  }
  // A permission of the plan names one source; it is gone when none of its sources is left.
  const gone = (action.parameters.IpPermissions ?? []).map((p) => !sourceKeys(p).some((k) => present.has(k)));
  if (gone.some((g) => g))
    out.push({ action: withPermissions(action, gone, true), status: 'already-done', error: notFound });
  if (gone.every((g) => g)) return;
  const left = withPermissions(action, gone, false);
  if (!retry) {
    out.push({ action: left, status: 'failed', error: `still present after a second revoke: ${notFound}` });
    return;
  }
  try {
    await attempt(ec2, left, out);
  } catch (error) {
    if (GONE.has(errorCode(error))) {
      await verifiedPermissionRevoke(ec2, left, errorText(error), false, out);
      return;
    }
    if (isRetryable(error)) throw throttled(left, error);
    out.push({ action: left, status: 'failed', error: errorText(error) });
  }
}

/** One key per source of a permission: protocol, ports and source, descriptions left out. */
function permissionKeys(p: IpPermission): string[] {
  const head = `${(p.IpProtocol ?? '').toLowerCase()}|${p.FromPort ?? ''}|${p.ToPort ?? ''}|`;
  return [
    ...(p.IpRanges ?? []).map((r) => `${head}${r.CidrIp}`),
    ...(p.Ipv6Ranges ?? []).map((r) => `${head}${r.CidrIpv6}`),
    ...(p.PrefixListIds ?? []).map((r) => `${head}${r.PrefixListId}`),
    ...(p.UserIdGroupPairs ?? []).map((r) => `${head}${r.GroupId}`),
  ];
}

/** A revoke by permissions cut down to those whose `gone` flag is `keep` (its undo follows). */
function withPermissions(action: RevokeAction, gone: readonly boolean[], keep: boolean): RevokeAction {
  const pick = <T>(items: readonly T[] | undefined) => (items ?? []).filter((_, i) => gone[i] === keep);
  return {
    ...action,
    parameters: { GroupId: action.parameters.GroupId, IpPermissions: pick(action.parameters.IpPermissions) },
    ...(action.revoked ? { revoked: pick(action.revoked) } : {}),
  };
}

/** What a call's answer says beyond success. */
interface CallOutcome {
  /** A revoke by permissions whose every permission EC2 did not know: nothing was removed. */
  unknownAll: boolean;
  /** The permission keys (`permissionKeys`) of a revoke's `UnknownIpPermissions`. */
  unknown: string[];
  /** Ids of a revoke by id that its answer's `RevokedSecurityGroupRules` leaves out (when it lists any). */
  notRevoked: string[];
}

const PLAIN: CallOutcome = { unknownAll: false, unknown: [], notRevoked: [] };

/** Awaits a call whose answer says nothing beyond success (an error rejects as it came). */
async function plainCall(sent: Promise<unknown>): Promise<CallOutcome> {
  await sent;
  return PLAIN;
}

/** Makes one call and reads what its answer says was (not) removed. */
async function call(ec2: EC2Client, action: PlannedAction): Promise<CallOutcome> {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const out =
        action.action === 'RevokeSecurityGroupIngress'
          ? await ec2.send(new RevokeSecurityGroupIngressCommand(action.parameters))
          : await ec2.send(new RevokeSecurityGroupEgressCommand(action.parameters));
      const asked = action.parameters.IpPermissions?.length ?? 0;
      const listed = (out?.RevokedSecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId);
      const ids = action.parameters.SecurityGroupRuleIds ?? [];
      return {
        unknownAll: asked > 0 && (out?.UnknownIpPermissions?.length ?? 0) >= asked,
        unknown: (out?.UnknownIpPermissions ?? []).flatMap(permissionKeys),
        notRevoked: listed.length > 0 ? ids.filter((id) => !listed.includes(id)) : [],
      };
    }
    case 'CreateNetworkAclEntry':
      return plainCall(ec2.send(new CreateNetworkAclEntryCommand(action.parameters)));
    case 'DeleteNetworkAclEntry':
      return plainCall(ec2.send(new DeleteNetworkAclEntryCommand(action.parameters)));
    case 'ReplaceNetworkAclEntry':
      return plainCall(ec2.send(new ReplaceNetworkAclEntryCommand(action.parameters)));
    case 'ModifySubnetAttribute':
      return plainCall(ec2.send(new ModifySubnetAttributeCommand(action.parameters)));
  }
}
