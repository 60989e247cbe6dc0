import { type NaclEntryShape, portsOk, protocolKind } from './cross-checks';
import { noMisspeltKeys } from './near-miss';

// What EC2 checks of one network ACL entry across its fields (DESIGN §3 "Values"): one block, the
// rule number's range and final denies, ports or ICMP type and code as the protocol has them.

const NACL_PORTS = ['PortRange.From', 'PortRange.To'] as const;
export const NACL_BLOCKS = ['CidrBlock', 'Ipv6CidrBlock'] as const;
const ICMP_FIELDS = ['IcmpTypeCode.Type', 'IcmpTypeCode.Code'] as const;
const RULE_NUMBERS = 'must be 1–32766, or 32767/32768 for the listed IPv4/IPv6 final deny';

/** The refinement of a NACL entry whose fields are each valid; reports through `issue`. */
export function naclEntryOk(
  e: NaclEntryShape,
  issue: (key: string | undefined, message: string) => void,
): boolean {
  let ok = true;
  const v4 = e.CidrBlock !== undefined;
  const v6 = e.Ipv6CidrBlock !== undefined;
  if (v4 === v6) {
    // Neither: a near-miss key (`cidrBlock`) is named rather than the block said to be missing.
    if (v4) issue(undefined, 'has both a CidrBlock and an Ipv6CidrBlock (expected one)');
    else if (noMisspeltKeys(e, NACL_BLOCKS, issue)) issue(undefined, 'needs a CidrBlock or an Ipv6CidrBlock');
    ok = false;
  }
  const n = e.RuleNumber;
  if (n === 32767 || n === 32768) {
    const family = n === 32767 ? 'IPv4' : 'IPv6';
    if (e.RuleAction !== 'deny' || (n === 32767 ? !v4 : !v6)) {
      issue(
        'RuleNumber',
        `${n} is the ${family} final deny: expected RuleAction "deny" and an ${family} block`,
      );
      ok = false;
    }
  } else if (n < 1 || n > 32766) {
    issue('RuleNumber', `${RULE_NUMBERS} (got ${n})`);
    ok = false;
  }
  const kind = protocolKind(e.Protocol);
  if (kind === 'tcp' || kind === 'udp') {
    // Ports under a near-miss key (`portRange`, `PortRange.from`) are named, not said missing.
    const range = e.PortRange;
    const named =
      range === undefined
        ? noMisspeltKeys(e, ['PortRange'], issue)
        : (range.From !== undefined && range.To !== undefined) ||
          noMisspeltKeys(range, ['From', 'To'], (key, message) => issue(`PortRange.${key}`, message));
    if (!named || !portsOk(kind, range?.From, range?.To, NACL_PORTS, issue)) ok = false;
  } else if (kind === 'icmp' || kind === 'icmpv6') {
    const code = e.IcmpTypeCode;
    if (!portsOk(kind, code?.Type, code?.Code, ICMP_FIELDS, issue)) ok = false;
  }
  return ok;
}
