import { type Cidr4, type Cidr6, parseCidr4, parseCidr6 } from '../net/cidr';
import { type Protocol, parseProtocol } from '../net/protocol';
import { HASH_SEED, mixHash } from '../net/small-hash';
import { compareStrings, portFrom, portTo, sortSmall } from './common';
import type { NetworkAclEntryItem, NetworkAclItem } from './snapshot-schema';
import type { NaclEntry, NetworkAclNode } from './types';

function byNumber(a: NaclEntry, b: NaclEntry): number {
  return a.ruleNumber - b.ruleNumber;
}

/**
 * NACLs stamped from one template carry equal entry lists (10k NACLs, a few hundred distinct
 * lists): the entries of a list are built once and shared by the NACLs whose raw entries are
 * equal in every schema field, in order — their `item`s included, so a shared entry reads the
 * same as an own one would. Keyed by a cheap hash; equal hashes are compared field by field.
 */
export type EntryListCache = Map<number, SharedEntries[]>;

interface SharedEntries {
  items: readonly NetworkAclEntryItem[];
  ingress: NaclEntry[];
  egress: NaclEntry[];
}

function rawEntriesHash(items: readonly NetworkAclEntryItem[]): number {
  let h = mixHash(HASH_SEED, items.length);
  for (let i = 0; i < items.length; i++) {
    const e = items[i] as NetworkAclEntryItem;
    // hot: `mixHash` steps written out (the first evaluation runs this unoptimized, 10k NACLs of
    // a dozen entries or more), fields packed into few steps.
    const flags = (e.Egress ? 1 : 2) ^ (e.RuleAction === 'allow' ? 4 : 8);
    h = ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + ((e.RuleNumber << 4) ^ flags)) & 0x3fffffff;
    // Texts by length and first or last character only: collisions are settled by sameRawEntries.
    const cidr = e.CidrBlock ?? e.Ipv6CidrBlock ?? '';
    const protocol = e.Protocol;
    const texts = cidr.length ^ (cidr.charCodeAt(cidr.length - 1) << 8) ^ (protocol.length << 16);
    h = ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + texts) & 0x3fffffff;
    const from = e.PortRange?.From ?? 0xffff;
    h = ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + (from ^ (protocol.charCodeAt(0) << 16))) & 0x3fffffff;
  }
  return h;
}

function sameRawEntries(a: readonly NetworkAclEntryItem[], b: readonly NetworkAclEntryItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as NetworkAclEntryItem;
    const y = b[i] as NetworkAclEntryItem;
    if (
      x.RuleNumber !== y.RuleNumber ||
      x.Protocol !== y.Protocol ||
      x.RuleAction !== y.RuleAction ||
      x.Egress !== y.Egress ||
      x.CidrBlock !== y.CidrBlock ||
      x.Ipv6CidrBlock !== y.Ipv6CidrBlock ||
      (x.PortRange === undefined) !== (y.PortRange === undefined) ||
      x.PortRange?.From !== y.PortRange?.From ||
      x.PortRange?.To !== y.PortRange?.To ||
      (x.IcmpTypeCode === undefined) !== (y.IcmpTypeCode === undefined) ||
      x.IcmpTypeCode?.Type !== y.IcmpTypeCode?.Type ||
      x.IcmpTypeCode?.Code !== y.IcmpTypeCode?.Code
    ) {
      return false;
    }
  }
  return true;
}

/** A NACL node; its entries are shared with every NACL of equal raw entries seen before. */
export function buildNacl(acl: NetworkAclItem, lists: EntryListCache): NetworkAclNode {
  const hash = rawEntriesHash(acl.Entries);
  let bucket = lists.get(hash);
  if (!bucket) {
    bucket = [];
    lists.set(hash, bucket);
  }
  let shared: SharedEntries | undefined;
  for (let i = 0; i < bucket.length && !shared; i++) {
    const candidate = bucket[i] as SharedEntries;
    if (sameRawEntries(candidate.items, acl.Entries)) shared = candidate;
  }
  if (!shared) {
    shared = buildEntries(acl.Entries);
    bucket.push(shared);
  }
  return {
    item: acl,
    id: acl.NetworkAclId,
    vpcId: acl.VpcId,
    isDefault: acl.IsDefault === true,
    ingress: shared.ingress,
    egress: shared.egress,
    subnetIds: subnetIdsOf(acl),
    tags: acl.Tags,
  };
}

/**
 * The associated subnets' ids, sorted (code-unit order, as `sort()` orders strings). hot: one list
 * per NACL (10k on a large region), mostly of a few ids: sorted in place, where `sort()` copies
 * every list into a work array of its own.
 */
function subnetIdsOf(acl: NetworkAclItem): string[] {
  // `map`, not `push`: a list of exact size (kept for the whole evaluation).
  const ids = acl.Associations.map(subnetIdOf);
  sortSmall(ids, compareStrings);
  return ids;
}

function subnetIdOf(association: NetworkAclItem['Associations'][number]): string {
  return association.SubnetId;
}

/**
 * A model entry. A class, not an object literal: literals of the same keys (the simulated entries
 * of remediation/nacl-fix.ts) share their hidden classes with it, and one that stores a port as a
 * heap number turns the shared field into a double field. Every model entry then carries an
 * outdated hidden class, migrated one by one at its next read (~30k entries on a large region),
 * and the function reading them first (the NACL evaluation) keeps missing its inline caches and is
 * not optimized before the run ends. Its own class keeps the entries' shape to themselves.
 */
class Entry implements NaclEntry {
  constructor(
    readonly ruleNumber: number,
    readonly egress: boolean,
    readonly allow: boolean,
    readonly protocol: Protocol,
    readonly rawProtocol: string,
    readonly fromPort: number,
    readonly toPort: number,
    readonly family: 'ipv4' | 'ipv6',
    readonly cidr: string,
    readonly range4: Cidr4 | undefined,
    readonly range6: Cidr6 | undefined,
    readonly item: NetworkAclEntryItem,
  ) {}
}

function buildEntries(items: readonly NetworkAclEntryItem[]): SharedEntries {
  const ingress: NaclEntry[] = [];
  const egress: NaclEntry[] = [];
  for (const item of items) {
    const protocol = parseProtocol(item.Protocol);
    const fromPort = portFrom(protocol, item.PortRange?.From, item.PortRange?.To);
    const toPort = portTo(protocol, item.PortRange?.From, item.PortRange?.To);
    const allow = item.RuleAction === 'allow';
    const cidr = item.CidrBlock ?? item.Ipv6CidrBlock;
    const range4 = item.CidrBlock !== undefined ? parseCidr4(item.CidrBlock) : undefined;
    const range6 =
      item.CidrBlock === undefined && item.Ipv6CidrBlock !== undefined
        ? parseCidr6(item.Ipv6CidrBlock)
        : undefined;
    const entry: NaclEntry | undefined =
      cidr !== undefined && (range4 || range6)
        ? new Entry(
            item.RuleNumber,
            item.Egress,
            allow,
            protocol,
            item.Protocol,
            fromPort,
            toPort,
            range4 ? 'ipv4' : 'ipv6',
            cidr,
            range4,
            range6,
            item,
          )
        : undefined;
    if (entry) (entry.egress ? egress : ingress).push(entry);
  }
  sortSmall(ingress, byNumber);
  sortSmall(egress, byNumber);
  return { items, ingress, egress };
}
