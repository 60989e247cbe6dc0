import { field, num, text } from './shapes';
import type { AddedNaclEntry } from './types';

/**
 * The entry a CreateNetworkAclEntry / ReplaceNetworkAclEntry request writes: `{networkAclId,
 * ruleNumber, egress, ruleAction, aclProtocol, cidrBlock | ipv6CidrBlock, portRange: {from, to}}`
 * (CloudTrail names the protocol `aclProtocol`; `protocol` is read too). Undefined when the request
 * lacks what identifies or judges the entry: a redelivery cannot report what it cannot compare.
 */
export function requestedNaclEntry(request: unknown, networkAclId: string): AddedNaclEntry | undefined {
  const ruleNumber = num(field(request, 'ruleNumber'));
  const ruleAction = text(field(request, 'ruleAction'))?.toLowerCase();
  const protocol = text(field(request, 'aclProtocol')) ?? text(field(request, 'protocol'));
  const cidrBlock = text(field(request, 'cidrBlock'));
  const ipv6CidrBlock = text(field(request, 'ipv6CidrBlock'));
  if (ruleNumber === undefined || ruleAction === undefined || protocol === undefined) return undefined;
  if (cidrBlock === undefined && ipv6CidrBlock === undefined) return undefined;
  const egress = field(request, 'egress');
  const entry: AddedNaclEntry = {
    networkAclId,
    ruleNumber,
    egress: egress === true || egress === 'true',
    ruleAction,
    protocol,
    ...(cidrBlock !== undefined ? { cidrBlock } : { ipv6CidrBlock }),
  };
  const portRange = field(request, 'portRange');
  const fromPort = num(field(portRange, 'from'));
  const toPort = num(field(portRange, 'to'));
  if (fromPort !== undefined) entry.fromPort = fromPort;
  if (toPort !== undefined) entry.toPort = toPort;
  return entry;
}
