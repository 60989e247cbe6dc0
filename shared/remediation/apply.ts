import type { IpPermissionInput } from '../findings';
import type {
  IpPermissionItem,
  NetworkAclEntryItem,
  SecurityGroupRuleItem,
  Snapshot,
} from '../model/snapshot-schema';
import type { PlannedAction } from './types';

// DESIGN §8 "Notices tell the state after the actions": the calls made are applied to the loaded
// slice in memory and the slice is evaluated again, with no new reads. The snapshot is copied where
// it changes; the one the first evaluation read is never mutated.

/** The snapshot as it is after `actions` (calls that succeeded, or rules verified gone). */
export function applyActions(snapshot: Snapshot, actions: readonly PlannedAction[]): Snapshot {
  let out: Snapshot = snapshot;
  for (const action of actions) out = applyOne(out, action);
  return out;
}

function applyOne(snapshot: Snapshot, action: PlannedAction): Snapshot {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const egress = action.action === 'RevokeSecurityGroupEgress';
      const { GroupId, SecurityGroupRuleIds, IpPermissions } = action.parameters;
      const ids = new Set(SecurityGroupRuleIds ?? []);
      const removedRules = snapshot.SecurityGroupRules.filter(
        (r) => r.GroupId === GroupId && r.IsEgress === egress && ids.has(r.SecurityGroupRuleId),
      );
      const sources = [...removedRules.map(ruleAsPermission), ...(IpPermissions ?? [])];
      return {
        ...snapshot,
        SecurityGroupRules: snapshot.SecurityGroupRules.filter((r) => !removedRules.includes(r)),
        SecurityGroups: snapshot.SecurityGroups.map((g) => {
          if (g.GroupId !== GroupId) return g;
          return egress
            ? { ...g, IpPermissionsEgress: withoutSources(g.IpPermissionsEgress, sources) }
            : { ...g, IpPermissions: withoutSources(g.IpPermissions, sources) };
        }),
      };
    }
    // A replace writes the entry at its number as a create does (the number is then taken).
    case 'CreateNetworkAclEntry':
    case 'ReplaceNetworkAclEntry': {
      const p = action.parameters;
      return withEntryAt(snapshot, p, {
        RuleNumber: p.RuleNumber,
        Protocol: p.Protocol,
        RuleAction: p.RuleAction,
        Egress: p.Egress,
        ...(p.CidrBlock !== undefined ? { CidrBlock: p.CidrBlock } : {}),
        ...(p.Ipv6CidrBlock !== undefined ? { Ipv6CidrBlock: p.Ipv6CidrBlock } : {}),
        ...(p.PortRange ? { PortRange: { From: p.PortRange.From, To: p.PortRange.To } } : {}),
      });
    }
    case 'DeleteNetworkAclEntry':
      return withEntryAt(snapshot, action.parameters, undefined);
    case 'ModifySubnetAttribute': {
      const p = action.parameters;
      return {
        ...snapshot,
        Subnets: snapshot.Subnets.map((s) =>
          s.SubnetId === p.SubnetId ? { ...s, MapPublicIpOnLaunch: p.MapPublicIpOnLaunch.Value } : s,
        ),
      };
    }
    default:
      return unhandled(action);
  }
}

/** The snapshot with one NACL's entry at (number, direction) replaced by `entry`, or removed. */
function withEntryAt(
  snapshot: Snapshot,
  at: { NetworkAclId: string; RuleNumber: number; Egress: boolean },
  entry: NetworkAclEntryItem | undefined,
): Snapshot {
  return {
    ...snapshot,
    NetworkAcls: snapshot.NetworkAcls.map((acl) => {
      if (acl.NetworkAclId !== at.NetworkAclId) return acl;
      const others = acl.Entries.filter((e) => e.RuleNumber !== at.RuleNumber || e.Egress !== at.Egress);
      return { ...acl, Entries: entry ? [...others, entry] : others };
    }),
  };
}

/** A new action kind must say how it changes the slice, or the notice would misreport it. */
function unhandled(action: never): never {
  throw new Error(`applyActions: no in-memory effect defined for ${JSON.stringify(action)}`);
}

/** A described rule as the one-source permission it stands for in the group's permission lists. */
function ruleAsPermission(rule: SecurityGroupRuleItem): IpPermissionInput {
  const p: IpPermissionInput = { IpProtocol: rule.IpProtocol };
  if (rule.FromPort !== undefined) p.FromPort = rule.FromPort;
  if (rule.ToPort !== undefined) p.ToPort = rule.ToPort;
  if (rule.CidrIpv4 !== undefined) p.IpRanges = [{ CidrIp: rule.CidrIpv4 }];
  if (rule.CidrIpv6 !== undefined) p.Ipv6Ranges = [{ CidrIpv6: rule.CidrIpv6 }];
  if (rule.PrefixListId !== undefined) p.PrefixListIds = [{ PrefixListId: rule.PrefixListId }];
  if (rule.ReferencedGroupInfo?.GroupId !== undefined) {
    p.UserIdGroupPairs = [{ GroupId: rule.ReferencedGroupInfo.GroupId }];
  }
  return p;
}

/** The permissions without the removed sources; a permission left with no source disappears. */
function withoutSources(
  permissions: IpPermissionItem[],
  removed: readonly IpPermissionInput[],
): IpPermissionItem[] {
  const out: IpPermissionItem[] = [];
  for (const permission of permissions) {
    const matching = removed.filter((r) => samePorts(permission, r));
    if (matching.length === 0) {
      out.push(permission);
      continue;
    }
    const cidrs = new Set(matching.flatMap((r) => (r.IpRanges ?? []).map((x) => x.CidrIp)));
    const cidrs6 = new Set(matching.flatMap((r) => (r.Ipv6Ranges ?? []).map((x) => x.CidrIpv6)));
    const lists = new Set(matching.flatMap((r) => (r.PrefixListIds ?? []).map((x) => x.PrefixListId)));
    const groups = new Set(matching.flatMap((r) => (r.UserIdGroupPairs ?? []).map((x) => x.GroupId)));
    const kept: IpPermissionItem = {
      ...permission,
      IpRanges: permission.IpRanges.filter((x) => !cidrs.has(x.CidrIp)),
      Ipv6Ranges: permission.Ipv6Ranges.filter((x) => !cidrs6.has(x.CidrIpv6)),
      PrefixListIds: permission.PrefixListIds.filter((x) => !lists.has(x.PrefixListId)),
      UserIdGroupPairs: permission.UserIdGroupPairs.filter(
        (x) => x.GroupId === undefined || !groups.has(x.GroupId),
      ),
    };
    const sources =
      kept.IpRanges.length +
      kept.Ipv6Ranges.length +
      kept.PrefixListIds.length +
      kept.UserIdGroupPairs.length;
    if (sources > 0) out.push(kept);
  }
  return out;
}

function samePorts(permission: IpPermissionItem, removed: IpPermissionInput): boolean {
  const protocol = normalProtocol(permission.IpProtocol);
  if (protocol !== normalProtocol(removed.IpProtocol)) return false;
  if (protocol === '-1') return true;
  return (
    (permission.FromPort ?? -1) === (removed.FromPort ?? -1) &&
    (permission.ToPort ?? -1) === (removed.ToPort ?? -1)
  );
}

function normalProtocol(ipProtocol: string): string {
  const lower = ipProtocol.toLowerCase();
  if (lower === '6') return 'tcp';
  if (lower === '17') return 'udp';
  if (lower === '58') return 'icmpv6';
  if (lower === '1') return 'icmp';
  if (lower === 'all') return '-1';
  return lower;
}
