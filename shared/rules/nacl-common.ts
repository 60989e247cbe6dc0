import { subnetsUsingNacl } from '../analysis/nacl-subnets';
import type { Family, Transport } from '../analysis/sg-reach';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { type IntervalSet, intersect, subtract, union } from '../net/interval-set';
import { formatPortSet } from '../net/ports';
import { matchesTransport } from '../net/protocol';
import { PUBLIC_IPV4, PUBLIC_IPV6 } from '../net/public-space';
import type { RuleContext } from './types';

/** The precedence group of the NACL inbound admin-port rules: world-open first, then broad. */
export const NACL_ADMIN_INBOUND = 'nacl-admin-inbound';

/**
 * Allow entries whose first-match contribution on [from, to] includes public peers of the family.
 * An entry that only lets in private ranges (10.0.0.0/8 for SSH from the VPC) is no part of the
 * world-open set, so it is neither deleted nor used to place the deny entry.
 */
export function publicContributors(
  entries: readonly NaclEntry[],
  transport: Transport,
  family: Family,
  from: number,
  to: number,
): NaclEntry[] {
  const out: NaclEntry[] = [];
  let decided4: IntervalSet<number> = [];
  let decided6: IntervalSet<bigint> = [];
  for (const entry of entries) {
    if (!matchesTransport(entry.protocol, transport) || entry.fromPort > from || entry.toPort < to) continue;
    if (family === 'ipv4' && entry.range4) {
      const own: IntervalSet<number> = [[entry.range4.start, entry.range4.end]];
      if (entry.allow && intersect(subtract(own, decided4), PUBLIC_IPV4).length > 0) out.push(entry);
      decided4 = union(decided4, own);
    } else if (family === 'ipv6' && entry.range6) {
      const own: IntervalSet<bigint> = [[entry.range6.start, entry.range6.end]];
      if (entry.allow && intersect(subtract(own, decided6), PUBLIC_IPV6).length > 0) out.push(entry);
      decided6 = union(decided6, own);
    }
  }
  return out;
}

/** How an entry reads in evidence: rule number, action, protocol, ports and peer range as written. */
export function describeEntry(entry: NaclEntry): Record<string, string | number> {
  const ports =
    entry.protocol === 'tcp' || entry.protocol === 'udp'
      ? (formatPortSet([[entry.fromPort, entry.toPort + 1]])[0] ?? '')
      : 'all';
  return {
    ruleNumber: entry.ruleNumber,
    action: entry.allow ? 'allow' : 'deny',
    protocol: entry.rawProtocol,
    ports,
    cidr: entry.cidr,
  };
}

/** `100 (allow tcp 1024-65535 from 0.0.0.0/0)` */
export function entryText(entry: NaclEntry, direction: 'ingress' | 'egress'): string {
  const d = describeEntry(entry);
  const protocol =
    entry.protocol === 'all' ? 'all traffic' : `${entry.protocol === 'other' ? d.protocol : entry.protocol}`;
  const ports = d.ports === 'all' ? '' : ` ${d.ports}`;
  return `${entry.ruleNumber} (${d.action} ${protocol}${ports} ${direction === 'ingress' ? 'from' : 'to'} ${entry.cidr})`;
}

/** Subnets that use the NACL (explicit associations, and for a VPC's default NACL the unassociated). */
export function subnetsUsing(context: RuleContext, acl: NetworkAclNode): string[] {
  return subnetsUsingNacl(context.analysis, acl);
}

/** `acl-0abc (default, not associated)` */
export function aclLabel(acl: NetworkAclNode, subnetIds: readonly string[]): string {
  // hot (one per NACL finding): the four cases spelled out, no array of notes.
  if (subnetIds.length === 0)
    return acl.isDefault ? `${acl.id} (default, not associated)` : `${acl.id} (not associated)`;
  return acl.isDefault ? `${acl.id} (default)` : acl.id;
}
