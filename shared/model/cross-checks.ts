import { type Protocol, parseProtocol } from '../net/protocol';
import { associationInForce } from './common';
import { noMisspeltKeys } from './near-miss';

// Checks across the items of one list or the fields of one item that EC2 enforces and a snapshot
// could break: each breach would otherwise be read one way and hide the other.

/** Reports an issue at a key relative to the checked object (as `Refinement` does). */
type Issue = (key: string | undefined, message: string) => void;

/**
 * `parseProtocol`, with the spellings EC2 prints compared first. Hot: it runs for every rule and
 * NACL entry; a literal comparison is cheaper than its map lookup.
 */
export function protocolKind(text: string): Protocol {
  switch (text) {
    case '-1':
      return 'all';
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'icmp':
    case '1':
      return 'icmp';
    case 'icmpv6':
    case '58':
      return 'icmpv6';
    default:
      return parseProtocol(text);
  }
}

/**
 * Ports of a rule as EC2 checks them: tcp/udp need both ends, 0–65535 and from ≤ to (or -1 on both
 * for all ports); icmp/icmpv6 carry a type and a code, -1–255; other protocols ignore them.
 * `names` are the two fields' paths relative to the item (`FromPort`, `PortRange.From`).
 */
export function portsOk(
  kind: Protocol,
  from: number | undefined,
  to: number | undefined,
  names: readonly [string, string],
  issue: (key: string, message: string) => void,
): boolean {
  if (kind === 'tcp' || kind === 'udp') {
    // Hot: the valid case returns before any message text is built.
    if (from !== undefined && to !== undefined) {
      if (from === -1 && to === -1) return true;
      if (from >= 0 && to <= 65535 && from <= to) return true;
    }
    const [fromName, toName] = names;
    const all = `, or -1 on both ${fromName} and ${toName} for all ports`;
    if (from === undefined || to === undefined) {
      if (from === undefined) issue(fromName, `is required for ${kind} (expected a port 0–65535${all})`);
      if (to === undefined) issue(toName, `is required for ${kind} (expected a port 0–65535${all})`);
      return false;
    }
    let ok = true;
    if (from < 0 || from > 65535) {
      issue(fromName, `must be a port 0–65535 for ${kind}${all} (got ${from})`);
      ok = false;
    }
    if (to < 0 || to > 65535) {
      issue(toName, `must be a port 0–65535 for ${kind}${all} (got ${to})`);
      ok = false;
    }
    if (ok && from > to) {
      issue(fromName, `must not exceed ${toName} (${from} > ${to})`);
      ok = false;
    }
    return ok;
  }
  if (kind === 'icmp' || kind === 'icmpv6') {
    const [fromName, toName] = names;
    let ok = true;
    if (from !== undefined && (from < -1 || from > 255)) {
      issue(fromName, `must be an ${kind} type -1–255 (got ${from})`);
      ok = false;
    }
    if (to !== undefined && (to < -1 || to > 255)) {
      issue(toName, `must be an ${kind} code -1–255 (got ${to})`);
      ok = false;
    }
    return ok;
  }
  return true;
}

export const RULE_SOURCES = ['CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupInfo'] as const;

/**
 * A rule EC2 reports has one source. Two would be read as one and drop the other (`CidrIpv4`
 * 10.0.0.0/8 with `CidrIpv6` ::/0 hid the IPv6 world), so more than one is an error. None permits
 * nothing and is left alone: an emulator's rule without a source must not make a slice unreadable.
 */
export function oneSource(
  rule: Partial<Record<(typeof RULE_SOURCES)[number], unknown>>,
  issue: Issue,
): boolean {
  // Hot: counted without building a list; the list is built only for the message.
  const count =
    (rule.CidrIpv4 !== undefined ? 1 : 0) +
    (rule.CidrIpv6 !== undefined ? 1 : 0) +
    (rule.PrefixListId !== undefined ? 1 : 0) +
    (rule.ReferencedGroupInfo !== undefined ? 1 : 0);
  // None: a rule with a source under a near-miss spelling (`cidrIpv4`) would permit nothing and
  // hide a world-open rule, so it is an error naming the key. Only sourceless rules are searched.
  if (count === 0) return noMisspeltKeys(rule, RULE_SOURCES, issue);
  if (count === 1) return true;
  const given = RULE_SOURCES.filter((key) => rule[key] !== undefined);
  issue(undefined, `has more than one source (${given.join(', ')}): expected one`);
  return false;
}

/**
 * EC2 refuses a second entry with the same rule number in one direction; accepted, first-match
 * order between two different entries would depend on list order (an allow listed first exposes,
 * a deny listed first hides). Checked per direction and address family, the pair that is certainly
 * ambiguous; an exact repeat (a builder that adds the listed final deny again) changes nothing and
 * is accepted.
 */
export function uniqueRuleNumbers(acl: { Entries: NaclEntryShape[] }, issue: Issue): boolean {
  // A number per (direction, family, rule number): the fast walk runs this for every NACL of a
  // large snapshot, so nothing is spelled out unless two entries share a slot. Hot: a NACL holds a
  // few dozen entries, so earlier slots are searched in a reused array (no Map per NACL); a long
  // list is hashed, so that no input costs quadratic time.
  const entries = acl.Entries;
  const n = entries.length;
  const seen = n > SCAN_LIMIT ? new Map<number, number>() : undefined;
  let ok = true;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as NaclEntryShape;
    const v6 = e.CidrBlock === undefined;
    const slot = e.RuleNumber * 4 + (e.Egress ? 2 : 0) + (v6 ? 1 : 0);
    let first = -1;
    if (seen) {
      first = seen.get(slot) ?? -1;
      if (first < 0) seen.set(slot, i);
    } else {
      for (let j = 0; j < i; j++) {
        if (slots[j] === slot) {
          first = j;
          break;
        }
      }
      slots[i] = slot;
    }
    if (first < 0) continue;
    if (entryMeaning(entries[first] as NaclEntryShape) === entryMeaning(e)) continue;
    const direction = e.Egress ? 'egress' : 'ingress';
    issue(
      `Entries[${i}].RuleNumber`,
      `duplicate rule number ${e.RuleNumber} (${direction}, ${v6 ? 'IPv6' : 'IPv4'}): also at Entries[${first}]`,
    );
    ok = false;
  }
  return ok;
}

/** Up to how many entries `uniqueRuleNumbers` searches its scratch array instead of hashing. */
const SCAN_LIMIT = 64;
/** The slots of the NACL `uniqueRuleNumbers` is reading (scratch, rewritten by every call). */
const slots: number[] = [];

/** What an entry does, spelled one way: `tcp` and `6` alike, ports only where the protocol has them. */
function entryMeaning(e: NaclEntryShape): string {
  const kind = parseProtocol(e.Protocol);
  const protocol = kind === 'other' ? e.Protocol : kind;
  const ports =
    kind === 'tcp' || kind === 'udp'
      ? [e.PortRange?.From, e.PortRange?.To]
      : kind === 'icmp' || kind === 'icmpv6'
        ? [e.IcmpTypeCode?.Type, e.IcmpTypeCode?.Code]
        : [];
  return JSON.stringify([e.RuleAction, protocol, e.CidrBlock ?? e.Ipv6CidrBlock, ...ports]);
}

/** The fields of a NACL entry the checks read. */
export interface NaclEntryShape {
  RuleNumber: number;
  Egress: boolean;
  RuleAction: string;
  Protocol: string;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From?: number; To?: number };
  IcmpTypeCode?: { Type?: number; Code?: number };
}

/** What the one-owner checks read of a snapshot (validated already). */
export interface OwnedLists {
  NetworkAcls: readonly OwnedAcl[];
  RouteTables: readonly OwnedTable[];
}

interface OwnedAcl {
  NetworkAclId: string;
  VpcId: string;
  IsDefault?: boolean;
  Associations: readonly { SubnetId: string }[];
}

interface OwnedTable {
  RouteTableId: string;
  VpcId: string;
  Associations: readonly OwnedTableAssociation[];
}

interface OwnedTableAssociation {
  Main?: boolean;
  SubnetId?: string;
  AssociationState?: { State?: string };
}

/**
 * The owners the one-owner checks find, by id as written (each key has one owner once the checks
 * pass). The model derives the same three maps from the same lists (an association in force, not
 * the main one, for a route table); a test holds them equal. Not handed to the model: that would
 * tie the model to the exact object validated, for ~15 ms of a cold build of a large region.
 */
export interface SubnetOwners {
  /** Subnet id → the id of the network ACL associated with it. */
  naclBySubnet: Map<string, string>;
  /** VPC id → the id of its default network ACL (`IsDefault: true`). */
  defaultNaclByVpc: Map<string, string>;
  /** Subnet id → the id of the route table explicitly associated with it (in force, not main). */
  routeTableBySubnet: Map<string, string>;
}

/** The issues of `checkOwners`, and the owners it found (meaningful when there is no issue). */
export interface OwnerCheck {
  issues: string[];
  owners: SubnetOwners;
}

/**
 * EC2 gives a subnet one network ACL and at most one explicit route table, and a VPC one default
 * NACL and one main route table. A snapshot that breaks this was read last-one-wins, so list order
 * decided whether an interface was exposed; each second owner is an error naming the first.
 */
export function oneOwnerIssues(snapshot: OwnedLists): string[] {
  return checkOwners(snapshot).issues;
}

/** `oneOwnerIssues`, with the owners found on the way. */
export function checkOwners(snapshot: OwnedLists): OwnerCheck {
  // Hot: one map per kind of claim, keyed by the subnet or VPC id as written, holding the id of
  // its first claimant. Nothing is spelled per association; the first claimant's place in its
  // list is looked up only for an issue. Each list is walked by a function of its own: one loop
  // per function is optimized (on-stack) with the feedback of its own items only.
  const issues: string[] = [];
  const owners: SubnetOwners = {
    naclBySubnet: new Map(),
    defaultNaclByVpc: new Map(),
    routeTableBySubnet: new Map(),
  };
  aclOwners(snapshot.NetworkAcls, owners, issues);
  tableOwners(snapshot.RouteTables, owners, issues);
  return { issues, owners };
}

// Hot: the loops below only claim; an issue is spelled by a function of its own, so that the
// loops stay small bytecode that V8 optimizes early (on L the ACL loop otherwise ran unoptimized
// to its end).
function aclOwners(acls: readonly OwnedAcl[], owners: SubnetOwners, issues: string[]): void {
  const defaultAcl = owners.defaultNaclByVpc;
  const subnetAcl = owners.naclBySubnet;
  const found: Found = { owners, issues, places: undefined };
  for (let i = 0; i < acls.length; i++) {
    const acl = acls[i] as OwnedAcl;
    const id = acl.NetworkAclId;
    if (acl.IsDefault === true && claim(defaultAcl, acl.VpcId, id) !== id) {
      aclIssue(acls, i, -1, acl.VpcId, found);
    }
    const associations = acl.Associations;
    for (let j = 0; j < associations.length; j++) {
      const subnetId = (associations[j] as { SubnetId: string }).SubnetId;
      if (claim(subnetAcl, subnetId, id) !== id) aclIssue(acls, i, j, subnetId, found);
    }
  }
}

/** The issue of the claim of `key` by `acls[i]` (its association `j`, or -1: its `IsDefault`). */
function aclIssue(acls: readonly OwnedAcl[], i: number, j: number, key: string, found: Found): void {
  const { owners, issues } = found;
  found.places ??= aclPlaces(acls);
  const places = found.places;
  if (j < 0) {
    const first = owners.defaultNaclByVpc.get(key) as string;
    const at = places.vpc.get(key) as Place;
    issues.push(
      `NetworkAcls[${i}].IsDefault: ${key} already has a default network ACL (${first}, at NetworkAcls[${at.item}].IsDefault)`,
    );
    return;
  }
  const first = owners.naclBySubnet.get(key) as string;
  const at = places.subnet.get(key) as Place;
  issues.push(
    `NetworkAcls[${i}].Associations[${j}].SubnetId: ${key} is already associated with another network ACL (${first}, at NetworkAcls[${at.item}].Associations[${at.association}].SubnetId)`,
  );
}

function tableOwners(tables: readonly OwnedTable[], owners: SubnetOwners, issues: string[]): void {
  const mainTable = new Map<string, string>();
  const subnetTable = owners.routeTableBySubnet;
  const found: Found = { owners, issues, places: undefined };
  for (let i = 0; i < tables.length; i++) {
    const table = tables[i] as OwnedTable;
    const id = table.RouteTableId;
    const associations = table.Associations;
    for (let j = 0; j < associations.length; j++) {
      const a = associations[j] as OwnedTableAssociation;
      if (!associationInForce(a)) continue;
      if (a.Main === true) {
        if (claim(mainTable, table.VpcId, id) !== id) tableIssue(tables, i, j, mainTable, found);
      } else if (a.SubnetId && claim(subnetTable, a.SubnetId, id) !== id) {
        tableIssue(tables, i, j, subnetTable, found);
      }
    }
  }
}

/** The issue of association `j` of `tables[i]`, a second claim in `claims` (main tables or subnets). */
function tableIssue(
  tables: readonly OwnedTable[],
  i: number,
  j: number,
  claims: Map<string, string>,
  found: Found,
): void {
  const issues = found.issues;
  found.places ??= tablePlaces(tables);
  const places = found.places;
  const table = tables[i] as OwnedTable;
  const a = table.Associations[j] as OwnedTableAssociation;
  if (a.Main === true) {
    const first = claims.get(table.VpcId) as string;
    const at = places.vpc.get(table.VpcId) as Place;
    issues.push(
      `RouteTables[${i}].Associations[${j}].Main: ${table.VpcId} already has a main route table (${first}, at RouteTables[${at.item}].Associations[${at.association}].Main)`,
    );
    return;
  }
  const subnetId = a.SubnetId as string;
  const first = claims.get(subnetId) as string;
  const at = places.subnet.get(subnetId) as Place;
  issues.push(
    `RouteTables[${i}].Associations[${j}].SubnetId: ${subnetId} is already associated with another route table (${first}, at RouteTables[${at.item}].Associations[${at.association}].SubnetId)`,
  );
}

/** What a one-owner walk has found: the places of first claims are found on its first issue. */
interface Found {
  owners: SubnetOwners;
  issues: string[];
  places: ClaimPlaces | undefined;
}

/** Where a key was first claimed: the claimant's index in its list, and its association's. */
interface Place {
  item: number;
  association: number;
}

/** The first claim of each VPC id (default NACL, main route table) and each subnet id. */
interface ClaimPlaces {
  vpc: Map<string, Place>;
  subnet: Map<string, Place>;
}

/** Records the claim at `place` unless `key` was claimed before (the first claimant keeps it). */
function firstPlace(places: Map<string, Place>, key: string, item: number, association: number): void {
  if (!places.has(key)) places.set(key, { item, association });
}

// Only for an issue (a snapshot being refused): the first claim of every key, in one more pass
// over the list (once per list), the same claims in the same order as the check makes them.
function aclPlaces(acls: readonly OwnedAcl[]): ClaimPlaces {
  const places: ClaimPlaces = { vpc: new Map(), subnet: new Map() };
  acls.forEach((acl, i) => {
    if (acl.IsDefault === true) firstPlace(places.vpc, acl.VpcId, i, -1);
    acl.Associations.forEach((a, j) => {
      firstPlace(places.subnet, a.SubnetId, i, j);
    });
  });
  return places;
}

function tablePlaces(tables: readonly OwnedTable[]): ClaimPlaces {
  const places: ClaimPlaces = { vpc: new Map(), subnet: new Map() };
  tables.forEach((table, i) => {
    table.Associations.forEach((a, j) => {
      if (!associationInForce(a)) return;
      if (a.Main === true) firstPlace(places.vpc, table.VpcId, i, j);
      else if (a.SubnetId) firstPlace(places.subnet, a.SubnetId, i, j);
    });
  });
  return places;
}

/** The id of the first claimant of `key`: `id` itself when it is the first. */
function claim(owners: Map<string, string>, key: string, id: string): string {
  const first = owners.get(key);
  if (first !== undefined) return first;
  owners.set(key, id);
  return id;
}
