import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../../shared/engine';
import type { Finding, NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { naclOpenAdminPort } from '../../../../shared/rules/nacl-open-admin-port';

// DESIGN §8 "Order and retries" and "an existing identical entry counts as done", over random
// NACLs: a fix stopped after any number of its calls (throttled; calls run creates ascending, then
// replaces, then deletes) and planned again from the NACL it left ends exactly as the fix made in
// one go — the same entries, so no allow is doubled and nothing is let in or cut that the whole
// fix would not. Generators as in nacl-fix-property.test.ts.

type Raw = Omit<NaclEntryInput, 'NetworkAclId'>;

const CIDRS = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '10.0.0.0/8',
  '10.0.0.0/16',
  '8.8.8.0/24',
  '192.168.0.0/16',
  '::/0',
  '2600:1f18::/56',
  '2000::/3',
];
const RANGES: [number, number][] = [
  [22, 22],
  [3389, 3389],
  [0, 1023],
  [1024, 65535],
  [0, 65535],
  [20, 30],
  [3000, 4000],
  [443, 443],
];

const entryArb = fc.record({
  RuleNumber: fc.integer({ min: 1, max: 40 }),
  allow: fc.boolean(),
  Protocol: fc.constantFrom('-1', '6', '17', '6', '-1'),
  range: fc.constantFrom(...RANGES),
  cidr: fc.constantFrom(...CIDRS),
});

function toRaw(e: {
  RuleNumber: number;
  allow: boolean;
  Protocol: string;
  range: [number, number];
  cidr: string;
}): Raw {
  return {
    RuleNumber: e.RuleNumber,
    Protocol: e.Protocol,
    RuleAction: e.allow ? 'allow' : 'deny',
    Egress: false,
    ...(e.cidr.includes(':') ? { Ipv6CidrBlock: e.cidr } : { CidrBlock: e.cidr }),
    ...(e.Protocol === '-1' ? {} : { PortRange: { From: e.range[0], To: e.range[1] } }),
  };
}

const VPC = {
  VpcId: 'vpc-1',
  CidrBlock: '10.0.0.0/16',
  CidrBlockAssociationSet: [
    { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
    { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } },
  ],
  Ipv6CidrBlockAssociationSet: [
    { Ipv6CidrBlock: '2600:1f18::/56', Ipv6CidrBlockState: { State: 'associated' } },
  ],
};

function naclFinding(entries: readonly Raw[], adminSources: string[]): Finding | undefined {
  const snapshot = parseSnapshot({
    Vpcs: [VPC],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        Entries: [
          ...entries,
          { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
        ],
        Associations: [],
      },
    ],
  });
  const config = parseConfig({ naclAdminSources: adminSources, naclEntryLimit: 12 });
  return evaluate(snapshot, config, { rules: [naclOpenAdminPort] })[0];
}

/** The fix's calls in the order the remediator makes them (plan.ts: creates ascending, replaces, deletes). */
type Call = { kind: 'create' | 'replace'; entry: Raw } | { kind: 'delete'; number: number };

function callsOf(finding: Finding | undefined): Call[] {
  const plan = finding?.remediation;
  if (plan?.action !== 'fix-network-acl-entries') return [];
  const strip = ({ NetworkAclId: _id, ...e }: NaclEntryInput): Raw => e;
  const asc = <T extends { RuleNumber: number }>(list: readonly T[]) =>
    [...list].sort((a, b) => a.RuleNumber - b.RuleNumber);
  return [
    ...asc(plan.createEntries).map((e) => ({ kind: 'create' as const, entry: strip(e) })),
    ...asc(plan.replaceEntries).map((e) => ({ kind: 'replace' as const, entry: strip(e) })),
    ...asc(plan.deleteEntries).map((e) => ({ kind: 'delete' as const, number: e.RuleNumber })),
  ];
}

function applyCalls(entries: readonly Raw[], calls: readonly Call[]): Raw[] {
  let out = entries.slice();
  for (const call of calls) {
    const number = call.kind === 'delete' ? call.number : call.entry.RuleNumber;
    out = out.filter((e) => e.RuleNumber !== number);
    if (call.kind !== 'delete') out.push(call.entry);
  }
  return out;
}

const text = (entries: readonly Raw[]) =>
  entries
    .map(
      (e) =>
        `${e.RuleNumber} ${e.RuleAction} ${e.Protocol} ${e.PortRange ? `${e.PortRange.From}-${e.PortRange.To}` : 'all'} ${e.CidrBlock ?? e.Ipv6CidrBlock}`,
    )
    .sort();

describe('DESIGN §8: a NACL fix stopped half-way and planned again', () => {
  it('ends with exactly the entries of the fix made in one go', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.nat(),
        (raw, withAdminNet, cut) => {
          const before = [...new Map(raw.map((e) => [e.RuleNumber, toRaw(e)])).values()];
          const adminSources = withAdminNet ? ['172.16.50.0/24'] : [];
          const calls = callsOf(naclFinding(before, adminSources));
          if (calls.length < 2) return true;
          const whole = applyCalls(before, calls);
          // Stopped at call k (0 < k < length): the calls before it made, the rest planned again.
          const made = applyCalls(before, calls.slice(0, 1 + (cut % (calls.length - 1))));
          const again = applyCalls(made, callsOf(naclFinding(made, adminSources)));
          expect(text(again)).toEqual(text(whole));
          return true;
        },
      ),
      { numRuns: 400, seed: 29 },
    );
  });
});
