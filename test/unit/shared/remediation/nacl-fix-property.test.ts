import fc from 'fast-check';
import { describe, it } from 'vitest';
import { evaluate } from '../../../../shared/engine';
import type { Finding, NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { naclOpenAdminPort } from '../../../../shared/rules/nacl-open-admin-port';

// Property of DESIGN §8 "NACL precision" over random inbound entry lists: whatever the fix plans,
// once its calls are applied it never lets in anything new, changes no port but the admin ones,
// never cuts a kept source (the VPC's blocks, naclAdminSources), and — when nothing was left
// notify-only — the NACL is no longer world-open on an admin port. Checked packet by packet with
// an oracle that shares no code with the engine.

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

function applyPlan(entries: readonly Raw[], finding: Finding | undefined): Raw[] {
  const plan = finding?.remediation;
  if (plan?.action !== 'fix-network-acl-entries') return entries.slice();
  const strip = ({ NetworkAclId: _id, ...e }: NaclEntryInput): Raw => e;
  const replaced = new Map(plan.replaceEntries.map((e) => [e.RuleNumber, strip(e)]));
  const deleted = new Set(plan.deleteEntries.map((e) => e.RuleNumber));
  return [
    ...entries.filter((e) => !deleted.has(e.RuleNumber)).map((e) => replaced.get(e.RuleNumber) ?? e),
    ...plan.createEntries.map(strip),
  ];
}

// The oracle: addresses as bigints, first match by rule number.
function address(text: string): { v6: boolean; value: bigint } {
  if (!text.includes(':')) {
    return { v6: false, value: text.split('.').reduce((a, p) => (a << 8n) | BigInt(Number(p)), 0n) };
  }
  const [head = '', tail = ''] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return { v6: true, value: groups.reduce((a, g) => (a << 16n) | BigInt(Number.parseInt(g, 16)), 0n) };
}

function inCidr(source: string, cidr: string): boolean {
  const [net = '', bits = '0'] = cidr.split('/');
  const a = address(source);
  const n = address(net);
  if (a.v6 !== n.v6) return false;
  const shift = (a.v6 ? 128n : 32n) - BigInt(Number(bits));
  return a.value >> shift === n.value >> shift;
}

function permits(entries: readonly Raw[], source: string, protocol: number, port: number): boolean {
  for (const e of [...entries].sort((a, b) => a.RuleNumber - b.RuleNumber)) {
    if (!inCidr(source, e.CidrBlock ?? e.Ipv6CidrBlock ?? '')) continue;
    const p = Number(e.Protocol);
    if (p !== -1 && p !== protocol) continue;
    if (e.PortRange && (port < e.PortRange.From || port > e.PortRange.To)) continue;
    return e.RuleAction === 'allow';
  }
  return false;
}

const SOURCES = [
  { address: '10.0.7.7', kept: true },
  { address: '10.1.2.3', kept: true },
  { address: '172.16.50.9', kept: 'admin' as const },
  { address: '192.168.3.3', kept: false },
  { address: '8.8.8.8', kept: false },
  { address: '52.1.2.3', kept: false },
  { address: '2600:1f18::5', kept: true },
  { address: '2a00:1450::1', kept: false },
];
const PORTS = [0, 20, 21, 22, 23, 80, 443, 1023, 1024, 3000, 3388, 3389, 3390, 4000, 65535];
const isAdmin = (protocol: number, port: number) =>
  (protocol === 6 && (port === 22 || port === 3389)) || (protocol === 17 && port === 3389);

describe('DESIGN §8 NACL precision, property over random NACLs', () => {
  it('the planned fix only takes away admin ports from sources outside the kept ones, and closes them when fully planned', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (raw, withAdminNet) => {
        // Distinct rule numbers, as EC2 holds them.
        const byNumber = new Map(raw.map((e) => [e.RuleNumber, toRaw(e)]));
        const before = [...byNumber.values()];
        const adminSources = withAdminNet ? ['172.16.50.0/24'] : [];
        const finding = naclFinding(before, adminSources);
        const after = applyPlan(before, finding);

        for (const source of SOURCES) {
          const kept = source.kept === 'admin' ? withAdminNet : source.kept;
          for (const protocol of [6, 17]) {
            for (const port of PORTS) {
              const was = permits(before, source.address, protocol, port);
              const now = permits(after, source.address, protocol, port);
              if (now && !was) return false; // never lets in anything new
              if ((kept || !isAdmin(protocol, port)) && now !== was) return false; // nothing else changes
            }
          }
        }
        // Fully planned: no admin port is world-open any more.
        if (finding && finding.evidence.notPlanned === undefined && finding.remediation) {
          if (naclFinding(after, adminSources) !== undefined) return false;
        }
        return true;
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
