import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  type EC2Client,
  type Filter,
  type IpPermission,
  ModifySubnetAttributeCommand,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { isRevoke, isRevokeById, narrowed, type RevokeAction } from '../remediation/narrow';
import type { ActionResult, PlannedAction, RemediationPlanResult } from '../remediation/types';
import { DESCRIBE } from './ec2/describe-table';
import { readListing } from './ec2/pages';
import { DescribeError, errorCode, errorText, isRetryable, RemediationRetryableError } from './errors';
import { NaclEntryReads } from './nacl-entries';

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

/**
 * Makes the planned EC2 calls in order and reports each outcome. A dry run calls nothing. A rule
 * or entry already gone, or an identical deny entry already present, counts as done — except that a
 * revoke of several ids or permissions answered NotFound is verified (DESIGN §8 "Verified outcome"); a permanent failure
 * (access denied, …) is reported and the other calls still run; a transient one throws.
 */
export async function executeActions(ec2: EC2Client, plan: RemediationPlanResult): Promise<ActionResult[]> {
  if (plan.dryRun) return plan.actions.map((action) => ({ action, status: 'dry-run' }));
  const results: ActionResult[] = [];
  // A NACL fix works only as a whole (its allows for the kept sources before its deny): once one of
  // its calls fails, the rest of that NACL's calls are not made, so a deny never lands alone.
  const brokenNacls = new Set<string>();
  try {
    await executeInOrder(ec2, plan.actions, results, brokenNacls, new NaclEntryReads(ec2));
  } catch (error) {
    // The calls made before the fault stay made: the error carries them to the log.
    if (error instanceof RemediationRetryableError) {
      throw new RemediationRetryableError(error.message, { cause: error.cause, done: results });
    }
    throw error;
  }
  return results;
}

async function executeInOrder(
  ec2: EC2Client,
  actions: readonly PlannedAction[],
  results: ActionResult[],
  brokenNacls: Set<string>,
  nacls: NaclEntryReads,
): Promise<void> {
  for (const action of actions) {
    const acl = naclOf(action);
    if (acl !== undefined && brokenNacls.has(acl)) {
      results.push({ action, status: 'failed', error: NACL_FIX_STOPPED });
      continue;
    }
    if (
      action.action === 'ReplaceNetworkAclEntry' &&
      nacls.concurrent.has(action.parameters.NetworkAclId) &&
      (await nacls.holds(action.parameters))
    ) {
      results.push({ action, status: 'already-done', error: ALREADY_AS_PLANNED });
      continue;
    }
    const before = results.length;
    try {
      results.push(...(await attempt(ec2, action)));
    } catch (error) {
      const code = errorCode(error);
      if (GONE.has(code) && isRevokeById(action)) {
        results.push(...(await verifiedRevoke(ec2, action, errorText(error))));
      } else if (GONE.has(code) && isRevoke(action) && (action.parameters.IpPermissions?.length ?? 0) > 1) {
        results.push(...(await verifiedPermissionRevoke(ec2, action, errorText(error), true)));
      } else if (GONE.has(code)) {
        results.push({ action, status: 'already-done', error: errorText(error) });
      } else if (
        code === 'NetworkAclEntryAlreadyExists' &&
        action.action === 'CreateNetworkAclEntry' &&
        (await nacls.holds(action.parameters))
      ) {
        nacls.concurrent.add(action.parameters.NetworkAclId);
        results.push({ action, status: 'already-done', error: errorText(error) });
      } else if (isRetryable(error)) {
        throw new RemediationRetryableError(`${action.action} failed: ${errorText(error)}`, { cause: error });
      } else {
        results.push({ action, status: 'failed', error: errorText(error) });
      }
    }
    if (acl !== undefined && results.slice(before).some((r) => r.status === 'failed')) brokenNacls.add(acl);
  }
}

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
 * One call. A revoke by permissions that EC2 answers with every permission unknown removed
 * nothing; a revoke by ids whose answer lists the rules it revoked (`RevokedSecurityGroupRules`)
 * is taken at its word: the ids it leaves out are verified like a NotFound.
 */
async function attempt(ec2: EC2Client, action: PlannedAction): Promise<ActionResult[]> {
  const outcome = await call(ec2, action);
  if (outcome.unknownAll) {
    return [
      { action, status: 'already-done', error: 'UnknownIpPermissions: none of the permissions was present' },
    ];
  }
  if (outcome.unknown.length > 0 && isRevoke(action)) {
    // Some permissions were not there: this call removed only the others (DESIGN §8 "Verified
    // outcome": `revoked` only for what this invocation's own call removed).
    const asked = action.parameters.IpPermissions ?? [];
    const gone = asked.map((p) => permissionKeys(p).every((k) => outcome.unknown.includes(k)));
    if (gone.some((g) => g) && !gone.every((g) => g)) {
      return [
        { action: withPermissions(action, gone, false), status: 'done' },
        {
          action: withPermissions(action, gone, true),
          status: 'already-done',
          error: 'UnknownIpPermissions: these permissions were not present',
        },
      ];
    }
  }
  if (outcome.notRevoked.length === 0 || !isRevokeById(action)) return [{ action, status: 'done' }];
  const ids = action.parameters.SecurityGroupRuleIds;
  const revoked = ids.filter((id) => !outcome.notRevoked.includes(id));
  return [
    ...(revoked.length > 0 ? [{ action: narrowed(action, revoked), status: 'done' as const }] : []),
    ...(await verifiedRevoke(
      ec2,
      narrowed(action, outcome.notRevoked),
      'not among the RevokedSecurityGroupRules of the answer',
    )),
  ];
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
  let missed: string[];
  let why: string;
  try {
    const outcome = await call(ec2, retry);
    missed = outcome.notRevoked;
    why = 'not among the RevokedSecurityGroupRules of the second answer';
    const revoked = present.filter((id) => !missed.includes(id));
    if (revoked.length > 0) results.push({ action: narrowed(action, revoked), status: 'done' });
    if (missed.length === 0) return results;
  } catch (error) {
    if (!GONE.has(errorCode(error))) {
      if (isRetryable(error)) {
        throw new RemediationRetryableError(`${action.action} failed: ${errorText(error)}`, { cause: error });
      }
      results.push({ action: retry, status: 'failed', error: errorText(error) });
      return results;
    }
    missed = present;
    why = errorText(error);
  }
  // Raced again: what is still there after the second call is a failure, what left is others' news.
  const reread = await presentRuleIds(ec2, action.parameters.GroupId, missed);
  const still = Array.isArray(reread) ? reread : missed;
  const left = missed.filter((id) => !still.includes(id));
  if (left.length > 0) results.push({ action: narrowed(action, left), status: 'already-done', error: why });
  if (still.length > 0) {
    results.push({
      action: narrowed(action, still),
      status: 'failed',
      error: `still present after a second revoke: ${why}`,
    });
  }
  return results;
}

/**
 * A revoke by several permissions answered NotFound removed nothing (in a non-default VPC EC2
 * rejects the whole call when one permission is missing): a concurrent batch that removed one of
 * them must not leave the others open and unreported. Re-read the group's rules, revoke in one more
 * call the permissions still present, and report each truthfully, as `verifiedRevoke` does by id.
 */
async function verifiedPermissionRevoke(
  ec2: EC2Client,
  action: RevokeAction,
  notFound: string,
  retry: boolean,
): Promise<ActionResult[]> {
  const egress = action.action === 'RevokeSecurityGroupEgress';
  const present = await presentSources(ec2, action.parameters.GroupId, egress);
  if (!(present instanceof Set))
    return [{ action, status: 'failed', error: `${notFound}; ${present.unverified}` }];
  // A permission of the plan names one source; it is gone when none of its sources is left.
  const gone = (action.parameters.IpPermissions ?? []).map((p) => !sourceKeys(p).some((k) => present.has(k)));
  const results: ActionResult[] = [];
  if (gone.some((g) => g))
    results.push({ action: withPermissions(action, gone, true), status: 'already-done', error: notFound });
  if (gone.every((g) => g)) return results;
  const left = withPermissions(action, gone, false);
  if (!retry)
    return [
      ...results,
      { action: left, status: 'failed', error: `still present after a second revoke: ${notFound}` },
    ];
  try {
    results.push(...(await attempt(ec2, left)));
  } catch (error) {
    if (GONE.has(errorCode(error)))
      return [...results, ...(await verifiedPermissionRevoke(ec2, left, errorText(error), false))];
    if (isRetryable(error)) {
      throw new RemediationRetryableError(`${action.action} failed: ${errorText(error)}`, { cause: error });
    }
    results.push({ action: left, status: 'failed', error: errorText(error) });
  }
  return results;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** One key per source: protocol, ports (-1 where EC2 leaves them out) and source. */
function sourceKey(
  protocol: string | undefined,
  from: number | undefined,
  to: number | undefined,
  source: string,
) {
  const name = (protocol ?? '').toLowerCase();
  return `${PROTOCOL_NAMES[name] ?? name}|${from ?? -1}|${to ?? -1}|${source}`;
}

function sourceKeys(p: IpPermission): string[] {
  const key = (source: string | undefined) => sourceKey(p.IpProtocol, p.FromPort, p.ToPort, source ?? '');
  return [
    ...(p.IpRanges ?? []).map((r) => key(r.CidrIp)),
    ...(p.Ipv6Ranges ?? []).map((r) => key(r.CidrIpv6)),
    ...(p.PrefixListIds ?? []).map((r) => key(r.PrefixListId)),
    ...(p.UserIdGroupPairs ?? []).map((r) => key(r.GroupId)),
  ];
}

/** The source keys of the group's rules in one direction, read with DescribeSecurityGroupRules. */
async function presentSources(
  ec2: EC2Client,
  groupId: string,
  egress: boolean,
): Promise<Set<string> | { unverified: string }> {
  try {
    const rules = await readListing(ec2, DESCRIBE.securityGroupRules, {
      filters: [{ Name: 'group-id', Values: [groupId] }],
    });
    const keys = rules
      .filter((r) => r.GroupId === groupId && (r.IsEgress ?? false) === egress)
      .map((r) =>
        sourceKey(
          r.IpProtocol,
          r.FromPort,
          r.ToPort,
          r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId ?? '',
        ),
      );
    return new Set(keys);
  } catch (error) {
    const cause = error instanceof DescribeError ? error.cause : error;
    if (isRetryable(cause)) {
      throw new RemediationRetryableError(`DescribeSecurityGroupRules failed: ${errorText(cause)}`, {
        cause,
      });
    }
    // Unverifiable (access denied, …): a failure, never a claimed outcome.
    return { unverified: `cannot verify which rules remain: ${errorText(cause)}` };
  }
}

/**
 * The ids of `ids` that the group still holds: DescribeSecurityGroupRules with the
 * `security-group-rule-id` filter (DESIGN §8), or, where that filter is refused, the group's rules.
 */
async function presentRuleIds(
  ec2: EC2Client,
  groupId: string,
  ids: readonly string[],
): Promise<string[] | { unverified: string }> {
  const read = async (filter: Filter) => {
    // Read through the describe table; its DescribeError is unwrapped so the AWS code decides below.
    const rules = await readListing(ec2, DESCRIBE.securityGroupRules, { filters: [filter] }).catch(
      (error: unknown) => {
        throw error instanceof DescribeError ? error.cause : error;
      },
    );
    const found = new Set(rules.filter((r) => r.GroupId === groupId).map((r) => r.SecurityGroupRuleId));
    return ids.filter((id) => found.has(id));
  };
  const unverified = (error: unknown) => {
    if (isRetryable(error)) {
      throw new RemediationRetryableError(`DescribeSecurityGroupRules failed: ${errorText(error)}`, {
        cause: error,
      });
    }
    // Unverifiable (access denied, …): a failure, never a claimed outcome.
    return { unverified: `cannot verify which rules remain: ${errorText(error)}` };
  };
  try {
    return await read({ Name: 'security-group-rule-id', Values: [...ids] });
  } catch (error) {
    if (isRetryable(error) || /Unauthorized|AccessDenied/.test(errorCode(error))) return unverified(error);
    try {
      return await read({ Name: 'group-id', Values: [groupId] });
    } catch (second) {
      return unverified(second);
    }
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
