import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Family, Transport } from '../../../../shared/analysis/sg-reach';
import type { NaclEntry } from '../../../../shared/model/model';
import type { NetworkAclEntryItem } from '../../../../shared/model/snapshot-schema';
import { parseCidr4, parseCidr6 } from '../../../../shared/net/cidr';
import { type IntervalSet, intersect, subtract, union } from '../../../../shared/net/interval-set';
import { type Protocol, parseProtocol } from '../../../../shared/net/protocol';
import { PUBLIC_IPV4, PUBLIC_IPV6 } from '../../../../shared/net/public-space';
import { publicContributors } from '../../../../shared/rules/nacl-common';

// DESIGN §12 (speed) without a change of answer: `publicContributors` grows its decided peers in
// place and tests an entry's undecided part against public space without building sets. Held equal
// here to the plain reading it replaced (subtract the decided peers from the entry's range,
// intersect with public space, union the range into the decided peers), entry list by entry list.

const CIDRS4 = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '10.0.0.0/8',
  '10.1.0.0/16',
  '1.0.0.0/8',
  '1.2.3.4/32',
  '100.64.0.0/10',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '198.51.100.0/24',
  '224.0.0.0/3',
  '8.8.8.0/24',
];
const CIDRS6 = [
  '::/0',
  '2000::/3',
  '2600:1f18::/32',
  'fd00::/8',
  '::/1',
  '8000::/1',
  '2001:db8::/32',
  'fe80::/10',
];
const PROTOCOLS = ['6', '17', '-1', '1', '58'];

function naclEntry(
  ruleNumber: number,
  allow: boolean,
  rawProtocol: string,
  from: number,
  to: number,
  cidr: string,
): NaclEntry {
  const protocol: Protocol = parseProtocol(rawProtocol);
  const ranged = protocol === 'tcp' || protocol === 'udp';
  const range4 = parseCidr4(cidr);
  const range6 = range4 ? undefined : parseCidr6(cidr);
  const item: NetworkAclEntryItem = {
    RuleNumber: ruleNumber,
    Protocol: rawProtocol,
    RuleAction: allow ? 'allow' : 'deny',
    Egress: false,
    ...(range4 ? { CidrBlock: cidr } : { Ipv6CidrBlock: cidr }),
    ...(ranged ? { PortRange: { From: from, To: to } } : {}),
  };
  return {
    ruleNumber,
    egress: false,
    allow,
    protocol,
    rawProtocol,
    fromPort: ranged ? from : 0,
    toPort: ranged ? to : 65535,
    family: range4 ? 'ipv4' : 'ipv6',
    cidr,
    range4,
    range6,
    item,
  };
}

/** The reading `publicContributors` had before: one interval set per entry. */
function reference(
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
    const matches = entry.protocol === 'all' || entry.protocol === transport;
    if (!matches || entry.fromPort > from || entry.toPort < to) continue;
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

const entryArb = fc
  .record({
    allow: fc.boolean(),
    protocol: fc.constantFrom(...PROTOCOLS),
    from: fc.integer({ min: 0, max: 40 }),
    span: fc.integer({ min: 0, max: 40 }),
    cidr: fc.oneof(fc.constantFrom(...CIDRS4), fc.constantFrom(...CIDRS6)),
  })
  .map((e) => ({ ...e, to: Math.min(e.from + e.span, 65535) }));

describe('publicContributors (DESIGN §5 NACL evidence, §12 speed)', () => {
  it('names the allow entries letting in public peers first, as the set-by-set reading does', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 14 }),
        fc.constantFrom<Transport>('tcp', 'udp'),
        fc.constantFrom<Family>('ipv4', 'ipv6'),
        fc.integer({ min: 0, max: 45 }),
        fc.integer({ min: 0, max: 10 }),
        (drawn, transport, family, from, span) => {
          // Ascending rule numbers, as the model holds a direction's entries.
          const entries = drawn.map((e, i) => naclEntry(100 + i, e.allow, e.protocol, e.from, e.to, e.cidr));
          const to = from + span;
          const got = publicContributors(entries, transport, family, from, to).map((e) => e.ruleNumber);
          expect(got).toEqual(reference(entries, transport, family, from, to).map((e) => e.ruleNumber));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('skips a deny in front and a private allow, names the public allow behind them', () => {
    // Prepare
    const entries = [
      naclEntry(100, false, '6', 22, 22, '1.0.0.0/8'),
      naclEntry(110, true, '6', 22, 22, '10.0.0.0/8'),
      naclEntry(120, true, '-1', 0, 65535, '0.0.0.0/0'),
      naclEntry(130, true, '6', 22, 22, '0.0.0.0/1'),
      naclEntry(140, true, '6', 0, 65535, '::/0'),
    ];
    // Act
    const v4 = publicContributors(entries, 'tcp', 'ipv4', 22, 22);
    const v6 = publicContributors(entries, 'tcp', 'ipv6', 22, 22);
    // Assess: 130 comes after 0.0.0.0/0 decided every peer; 110 lets in private peers only.
    expect(v4.map((e) => e.ruleNumber)).toEqual([120]);
    expect(v6.map((e) => e.ruleNumber)).toEqual([140]);
  });
});
