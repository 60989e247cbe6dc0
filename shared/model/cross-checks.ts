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
  const seen = new Map<string, { index: number; content: string }>();
  let ok = true;
  acl.Entries.forEach((e, i) => {
    const direction = e.Egress ? 'egress' : 'ingress';
    const family = e.CidrBlock !== undefined ? 'IPv4' : 'IPv6';
    const key = `${direction} ${family} ${e.RuleNumber}`;
    const content = JSON.stringify([
      e.RuleAction,
      e.Protocol.toLowerCase(),
      e.CidrBlock ?? e.Ipv6CidrBlock,
      e.PortRange?.From,
      e.PortRange?.To,
      e.IcmpTypeCode?.Type,
      e.IcmpTypeCode?.Code,
    ]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, { index: i, content });
    else if (first.content !== content) {
      issue(
        `Entries[${i}].RuleNumber`,
        `duplicate rule number ${e.RuleNumber} (${direction}, ${family}): also at Entries[${first.index}]`,
      );
      ok = false;
    }
  });
  return ok;
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
