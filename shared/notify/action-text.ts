import type { IpPermissionInput } from '../findings';
import { inverseOf } from '../remediation/inverse';
import type { ActionResult, PlannedAction } from '../remediation/types';
import { sanitize } from './sanitize';

// How a notice prints an EC2 call and the call that reverts it.

/** One line for a call: `RevokeSecurityGroupIngress sg-… rules sgr-1, sgr-2`. */
export function describeAction(action: PlannedAction): string {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const p = action.parameters;
      const what = p.SecurityGroupRuleIds
        ? `rules ${cap(p.SecurityGroupRuleIds, 50)
            .map((id) => sanitize(id, 64))
            .join(', ')}`
        : `permissions ${sanitize(JSON.stringify(p.IpPermissions), 600)}`;
      const sources = action.revoked
        ? ` (${sanitize(action.revoked.map(permissionText).join('; '), 400)})`
        : '';
      return `${action.action} ${sanitize(p.GroupId, 64)} ${what}${sources}`;
    }
    case 'CreateNetworkAclEntry':
    case 'ReplaceNetworkAclEntry': {
      const p = action.parameters;
      return `${action.action} ${sanitize(p.NetworkAclId, 64)} ${p.Egress ? 'egress' : 'ingress'} rule ${p.RuleNumber}: ${
        p.RuleAction
      } protocol ${sanitize(p.Protocol, 8)} ports ${p.PortRange ? rangeText(p.PortRange.From, p.PortRange.To) : 'all'} from ${sanitize(
        p.CidrBlock ?? p.Ipv6CidrBlock,
        64,
      )}`;
    }
    case 'DeleteNetworkAclEntry': {
      const p = action.parameters;
      return `DeleteNetworkAclEntry ${sanitize(p.NetworkAclId, 64)} ${p.Egress ? 'egress' : 'ingress'} rule ${p.RuleNumber}`;
    }
    case 'ModifySubnetAttribute':
      return `ModifySubnetAttribute ${sanitize(action.parameters.SubnetId, 64)} MapPublicIpOnLaunch=false`;
  }
}

/** `22`, or `1024-65535`: one port is not written as a range. */
function rangeText(from: number | undefined, to: number | undefined): string {
  return from === to || to === undefined ? `${from}` : `${from}-${to}`;
}

/** `tcp 22 from 0.0.0.0/0`. */
function permissionText(p: IpPermissionInput): string {
  const ports =
    p.FromPort === undefined
      ? 'all ports'
      : p.FromPort === p.ToPort
        ? `${p.FromPort}`
        : `${p.FromPort}-${p.ToPort}`;
  const sources = [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId),
    ...(p.UserIdGroupPairs ?? []).map((r) => r.GroupId),
  ];
  return `${p.IpProtocol === '-1' ? 'all protocols' : p.IpProtocol} ${ports} from ${sources.join(', ')}`;
}

/** The AWS CLI command that reverts one call. */
export function undoCommand(action: PlannedAction): string {
  switch (action.action) {
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress': {
      const verb = action.action === 'RevokeSecurityGroupIngress' ? 'ingress' : 'egress';
      const permissions = action.revoked ?? action.parameters.IpPermissions ?? [];
      return `aws ec2 authorize-security-group-${verb} --group-id ${shellWord(action.parameters.GroupId)} --ip-permissions ${shellWord(
        JSON.stringify(permissions),
      )}`;
    }
    case 'CreateNetworkAclEntry': {
      const p = action.parameters;
      return `aws ec2 delete-network-acl-entry --network-acl-id ${shellWord(p.NetworkAclId)} --rule-number ${p.RuleNumber} ${
        p.Egress ? '--egress' : '--ingress'
      }`;
    }
    case 'DeleteNetworkAclEntry':
    case 'ReplaceNetworkAclEntry': {
      // The inverse is the entry as it was: re-created after a delete, written back after a replace.
      const inverse = inverseOf(action);
      const p = action.parameters;
      if (inverse?.action !== 'CreateNetworkAclEntry' && inverse?.action !== 'ReplaceNetworkAclEntry') {
        return `(${action.action === 'DeleteNetworkAclEntry' ? 're-create' : 'restore'} ${p.Egress ? 'egress' : 'ingress'} rule ${p.RuleNumber} of ${sanitize(p.NetworkAclId, 64)} as it was)`;
      }
      const e = inverse.parameters;
      const verb = inverse.action === 'CreateNetworkAclEntry' ? 'create' : 'replace';
      const cidr = e.CidrBlock
        ? `--cidr-block ${shellWord(e.CidrBlock)}`
        : `--ipv6-cidr-block ${shellWord(e.Ipv6CidrBlock ?? '')}`;
      const ports = e.PortRange ? ` --port-range From=${e.PortRange.From},To=${e.PortRange.To}` : '';
      return `aws ec2 ${verb}-network-acl-entry --network-acl-id ${shellWord(e.NetworkAclId)} --rule-number ${e.RuleNumber} ${
        e.Egress ? '--egress' : '--ingress'
      } --protocol ${shellWord(e.Protocol)} --rule-action ${e.RuleAction} ${cidr}${ports}`;
    }
    case 'ModifySubnetAttribute':
      return `aws ec2 modify-subnet-attribute --subnet-id ${shellWord(action.parameters.SubnetId)} --map-public-ip-on-launch`;
  }
}

/** A sanitized shell word in single quotes (a quote inside is closed, escaped and reopened). */
export function shellWord(value: string): string {
  const clean = sanitize(value, 4000);
  return /^[\w@%+=:,./-]+$/.test(clean) ? clean : `'${clean.replace(/'/g, `'\\''`)}'`;
}

export function cap<T>(values: readonly T[], max: number): T[] {
  return values.slice(0, max);
}

/** How an outcome is labelled in front of its call (aligned). */
export const STATUS_LABEL: Record<ActionResult['status'], string> = {
  done: 'done:          ',
  'already-done': 'already gone:  ',
  failed: 'FAILED:        ',
  'dry-run': 'would call:    ',
};
