import type { Transport } from '../analysis/sg-reach';
import type { Config } from '../config';
import { stateInForce } from '../model/common';
import type { NaclEntry } from '../model/model';
import type { VpcItem } from '../model/snapshot-schema';
import { parseCidr4, parseCidr6 } from '../net/cidr';
import { cidrsOf4, cidrsOf6 } from '../net/cidr-format';

// DESIGN §8 "NACL precision": the sources a NACL fix keeps (the VPC's blocks in force, then
// naclAdminSources), and what in a NACL already serves them — an allow admitting only kept sources
// is not what the fix closes, and an allow the fix would add may already be there.

/** Sources that keep admin access after the fix, per family, in order (DESIGN §8 "kept sources"). */
export interface KeptSources {
  ipv4: string[];
  ipv6: string[];
}

/**
 * Kept sources of a VPC: its CIDR blocks in force (associated or associating; the primary always)
 * of each family in their listed order, then config `naclAdminSources`; written as EC2 writes them
 * (host bits cleared), without repeats.
 * Undefined when the VPC is not in the snapshot, or names no IPv4 block: its blocks are unknown,
 * so no fix is safe.
 */
export function keptSources(vpc: VpcItem | undefined, config: Config): KeptSources | undefined {
  if (!vpc) return undefined;
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  const add = (cidr: string | undefined) => {
    const text = cidr === undefined ? undefined : canonicalCidr(cidr);
    if (text === undefined) return;
    const list = text.includes(':') ? ipv6 : ipv4;
    if (!list.includes(text)) list.push(text);
  };
  // A block in force, or about to be (`associating`: the VPC's own space); one being disassociated
  // (or failed) no longer carries its traffic.
  for (const block of vpc.CidrBlockAssociationSet ?? [])
    if (stateInForce(block.CidrBlockState)) add(block.CidrBlock);
  // The primary block cannot be disassociated (EC2): in force even where the set leaves it out.
  const primary = vpc.CidrBlock === undefined ? undefined : canonicalCidr(vpc.CidrBlock);
  if (primary !== undefined && !ipv4.includes(primary)) ipv4.unshift(primary);
  // Every VPC has an IPv4 block: none known means the VPC was read without them, and a deny
  // without the allows of its own blocks would cut its admin traffic.
  if (ipv4.length === 0) return undefined;
  for (const block of vpc.Ipv6CidrBlockAssociationSet ?? [])
    if (stateInForce(block.Ipv6CidrBlockState)) add(block.Ipv6CidrBlock);
  for (const cidr of config.naclAdminSources) add(cidr);
  return { ipv4, ipv6 };
}

/** A CIDR as EC2 stores it (`10.0.0.5/16` → `10.0.0.0/16`), or undefined when it does not parse. */
function canonicalCidr(text: string): string | undefined {
  if (text.includes(':')) {
    const c = parseCidr6(text);
    return c ? cidrsOf6(c.start, c.end, 1)[0] : undefined;
  }
  const c = parseCidr4(text);
  return c ? cidrsOf4(c.start, c.end, 1)[0] : undefined;
}

/** True when the entry's source lies inside one kept source (`sources`: of the entry's family). */
export function keptOnly(entry: NaclEntry, sources: readonly string[]): boolean {
  for (const source of sources) {
    if (entry.range4) {
      const c = parseCidr4(source);
      if (c && c.start <= entry.range4.start && entry.range4.end <= c.end) return true;
    } else if (entry.range6) {
      const c = parseCidr6(source);
      if (c && c.start <= entry.range6.start && entry.range6.end <= c.end) return true;
    }
  }
  return false;
}

/**
 * True when an inbound allow entry numbered below `below` already lets `source` in on the whole
 * port range of the transport: the allow the fix would add is there (DESIGN §8 "an existing
 * identical entry counts as done"). A fix stopped after its allow (throttled before the deny) and
 * retried finds its own allow so: it is reused, not doubled at the next free number. An entry
 * before it that denies part of the source would shadow a new allow (numbered higher) as well.
 */
export function allowedAlready(
  entries: readonly NaclEntry[],
  transport: Transport,
  source: string,
  from: number,
  to: number,
  below: number,
): boolean {
  const ipv6 = source.includes(':');
  const range4 = ipv6 ? undefined : parseCidr4(source);
  const range6 = ipv6 ? parseCidr6(source) : undefined;
  for (const e of entries) {
    if (e.ruleNumber >= below || !e.allow || e.egress || e.protocol !== transport) continue;
    if (e.fromPort > from || e.toPort < to) continue;
    const same = range4
      ? e.range4 !== undefined && e.range4.start === range4.start && e.range4.end === range4.end
      : range6 !== undefined &&
        e.range6 !== undefined &&
        e.range6.start === range6.start &&
        e.range6.end === range6.end;
    if (same) return true;
  }
  return false;
}
