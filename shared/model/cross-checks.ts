import { parseProtocol } from '../net/protocol';

// Checks across the items of one list or the fields of one item that EC2 enforces and a snapshot
// could break: each breach would otherwise be read one way and hide the other.

/** Reports an issue at a key relative to the checked object (as `Refinement` does). */
type Issue = (key: string | undefined, message: string) => void;

const RULE_SOURCES = ['CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupInfo'] as const;

/**
 * A rule EC2 reports has one source. Two would be read as one and drop the other (`CidrIpv4`
 * 10.0.0.0/8 with `CidrIpv6` ::/0 hid the IPv6 world), so more than one is an error. None permits
 * nothing and is left alone: an emulator's rule without a source must not make a slice unreadable.
 */
export function oneSource(
  rule: Partial<Record<(typeof RULE_SOURCES)[number], unknown>>,
  issue: Issue,
): boolean {
  const given = RULE_SOURCES.filter((key) => rule[key] !== undefined);
  if (given.length <= 1) return true;
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
  // large snapshot, so nothing is spelled out unless two entries share a slot.
  const seen = new Map<number, number>();
  let ok = true;
  const entries = acl.Entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as NaclEntryShape;
    const v6 = e.CidrBlock === undefined;
    const slot = e.RuleNumber * 4 + (e.Egress ? 2 : 0) + (v6 ? 1 : 0);
    const first = seen.get(slot);
    if (first === undefined) {
      seen.set(slot, i);
      continue;
    }
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

interface NaclEntryShape {
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
  NetworkAcls: readonly {
    NetworkAclId: string;
    VpcId: string;
    IsDefault?: boolean;
    Associations: readonly { SubnetId: string }[];
  }[];
  RouteTables: readonly {
    RouteTableId: string;
    VpcId: string;
    Associations: readonly { Main?: boolean; SubnetId?: string; AssociationState?: { State?: string } }[];
  }[];
}

/**
 * EC2 gives a subnet one network ACL and at most one explicit route table, and a VPC one default
 * NACL and one main route table. A snapshot that breaks this was read last-one-wins, so list order
 * decided whether an interface was exposed; each second owner is an error naming the first.
 */
export function oneOwnerIssues(snapshot: OwnedLists): string[] {
  const issues: string[] = [];
  const owners = new Map<string, { id: string; at: string }>();
  const claim = (key: string, id: string, at: string, what: string) => {
    const first = owners.get(key);
    if (!first) owners.set(key, { id, at });
    else if (first.id !== id) issues.push(`${at}: ${what} (${first.id}, at ${first.at})`);
  };
  // A subnet's NACL and its explicit route table: one owner each.
  const claimSubnet = (kind: 'acl' | 'rtb', subnetId: string, id: string, at: string, noun: string) =>
    claim(`${kind} ${subnetId}`, id, at, `${subnetId} is already associated with another ${noun}`);
  snapshot.NetworkAcls.forEach((acl, i) => {
    if (acl.IsDefault === true) {
      const at = `NetworkAcls[${i}].IsDefault`;
      claim(
        `default-acl ${acl.VpcId}`,
        acl.NetworkAclId,
        at,
        `${acl.VpcId} already has a default network ACL`,
      );
    }
    acl.Associations.forEach((a, j) => {
      const at = `NetworkAcls[${i}].Associations[${j}].SubnetId`;
      claimSubnet('acl', a.SubnetId, acl.NetworkAclId, at, 'network ACL');
    });
  });
  snapshot.RouteTables.forEach((table, i) => {
    table.Associations.forEach((a, j) => {
      const state = a.AssociationState?.State;
      if (state !== undefined && state !== 'associated' && state !== 'associating') return;
      if (a.Main === true) {
        const at = `RouteTables[${i}].Associations[${j}].Main`;
        claim(`main ${table.VpcId}`, table.RouteTableId, at, `${table.VpcId} already has a main route table`);
      } else if (a.SubnetId) {
        const at = `RouteTables[${i}].Associations[${j}].SubnetId`;
        claimSubnet('rtb', a.SubnetId, table.RouteTableId, at, 'route table');
      }
    });
  });
  return issues;
}
