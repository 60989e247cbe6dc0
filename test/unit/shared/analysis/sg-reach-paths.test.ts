import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Analysis } from '../../../../shared/analysis/analysis';
import { computeReach, type Reach } from '../../../../shared/analysis/sg-reach';
import { residualReach } from '../../../../shared/analysis/world-open';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { buildModel, type SgRule } from '../../../../shared/model/model';
import { isPrivateCidrText } from '../../../../shared/model/sg-sources';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { parseCidr4, parseCidr6 } from '../../../../shared/net/cidr';
import { type Interval, normalize } from '../../../../shared/net/interval-set';
import {
  BROAD_IPV4,
  BROAD_IPV6,
  coversWorld4,
  coversWorld6,
  isRfc1918Text,
  publicCount4,
  publicCount6,
} from '../../../../shared/net/public-space';

// The reach of a group is computed without rule objects (from raw permissions, rule items or both
// views), with per-transport sums that skip rule sets short of a threshold, IPv6 sums as doubles,
// and a shortcut for sources holding all of public space. Each is held here against a per-port
// recomputation from the rules as written, over IPv4, IPv6, resolved and unresolved prefix lists.

describe('isPrivateCidrText', () => {
  const chars = fc.constantFrom(...'0123456789./ -a'.split(''));
  const cidrLike = fc.tuple(
    fc.constantFrom('10', '172', '192', '010', '0010', '11', '1', '', '1a'),
    fc.integer({ min: 0, max: 300 }).map(String),
    fc.constantFrom('0', '1', '', 'x'),
    fc.constantFrom('0', '255', ''),
    fc.constantFrom(
      '/8',
      '/7',
      '/12',
      '/11',
      '/16',
      '/15',
      '/32',
      '/33',
      '/',
      '/08',
      '/1x',
      '',
      '//16',
      '/16/',
    ),
  );
  it('answers as isRfc1918Text on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(chars, { maxLength: 20 }).map((a) => a.join('')),
          cidrLike.map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}${p}`),
          cidrLike.map(([a, b, , , p]) => `${a}.${b}${p}`),
        ),
        (text) => {
          expect(isPrivateCidrText(text)).toBe(isRfc1918Text(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('knows the usual spellings', () => {
    for (const [text, expected] of [
      ['10.0.0.0/8', true],
      ['10.1.2.0/24', true],
      ['10.0.0.0/7', false],
      ['172.16.0.0/12', true],
      ['172.32.0.0/16', false],
      ['192.168.1.0/24', true],
      ['192.169.0.0/16', false],
      ['0.0.0.0/0', false],
      ['8.8.8.8/32', false],
    ] as const) {
      expect(isPrivateCidrText(text)).toBe(expected);
    }
  });
});

const V4 = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '10.0.0.0/8',
  '11.0.0.0/8',
  '64.0.0.0/2',
  '81.2.69.0/24',
  '1.0.0.0/9',
  '192.168.0.0/16',
];
const V6 = [
  '::/0',
  '2000::/3',
  '2000::/4',
  '3000::/4',
  '2600:1f18::/56',
  'fd00::/8',
  '::/1',
  '2001:db8::/32',
];
const LISTS: Record<string, string[]> = {
  'pl-world': ['0.0.0.0/0', '::/0'],
  'pl-office': ['81.2.69.0/24', '2600:1f18::/56'],
  'pl-half': ['0.0.0.0/1', '2000::/4'],
  'pl-private': ['10.0.0.0/8'],
  'pl-empty': [],
};
const PROTOCOLS = ['tcp', 'udp', '-1', 'icmp', '6'] as const;

interface RuleSpec {
  protocol: (typeof PROTOCOLS)[number];
  a: number;
  b: number;
  source: { v4: string } | { v6: string } | { pl: string } | { group: string };
}

const port = fc.constantFrom(0, 1, 20, 22, 39, 40, 41, 443, 65534, 65535);
const ruleSpec: fc.Arbitrary<RuleSpec> = fc.record({
  protocol: fc.constantFrom(...PROTOCOLS),
  a: port,
  b: port,
  source: fc.oneof(
    fc.constantFrom(...V4).map((v4) => ({ v4 })),
    fc.constantFrom(...V6).map((v6) => ({ v6 })),
    fc.constantFrom(...Object.keys(LISTS), 'pl-missing').map((pl) => ({ pl })),
    fc.constant({ group: 'sg-other' }),
  ),
});

const isPorted = (p: string) => p === 'tcp' || p === 'udp' || p === '6';
const portsOf = (r: RuleSpec) =>
  isPorted(r.protocol) ? { FromPort: Math.min(r.a, r.b), ToPort: Math.max(r.a, r.b) } : {};

function permission(r: RuleSpec) {
  const { source } = r;
  return {
    IpProtocol: r.protocol,
    ...portsOf(r),
    IpRanges: 'v4' in source ? [{ CidrIp: source.v4 }] : [],
    Ipv6Ranges: 'v6' in source ? [{ CidrIpv6: source.v6 }] : [],
    PrefixListIds: 'pl' in source ? [{ PrefixListId: source.pl }] : [],
    UserIdGroupPairs: 'group' in source ? [{ GroupId: source.group }] : [],
  };
}

function ruleItem(r: RuleSpec, groupId: string, n: number) {
  const { source } = r;
  return {
    SecurityGroupRuleId: `sgr-${groupId}-${n}`,
    GroupId: groupId,
    IsEgress: false,
    IpProtocol: r.protocol,
    ...portsOf(r),
    ...('v4' in source ? { CidrIpv4: source.v4 } : {}),
    ...('v6' in source ? { CidrIpv6: source.v6 } : {}),
    ...('pl' in source ? { PrefixListId: source.pl } : {}),
    ...('group' in source ? { ReferencedGroupInfo: { GroupId: source.group } } : {}),
  };
}

/** Which view describes a group: its permissions, its rule items, or both (the same rules). */
type View = 'permissions' | 'rules' | 'both';

function snapshotOf(groups: { rules: RuleSpec[]; view: View }[]) {
  return parseSnapshot({
    SecurityGroups: groups.flatMap((g, i) =>
      g.view === 'rules' ? [] : [{ GroupId: `sg-${i}`, IpPermissions: g.rules.map(permission) }],
    ),
    SecurityGroupRules: groups.flatMap((g, i) =>
      g.view === 'permissions' ? [] : g.rules.map((r, n) => ruleItem(r, `sg-${i}`, n)),
    ),
    ManagedPrefixLists: Object.entries(LISTS).map(([id, cidrs]) => ({
      PrefixListId: id,
      Entries: cidrs.map((Cidr) => ({ Cidr })),
    })),
  });
}

/** The source's address intervals per family, or `unresolved`. */
function addresses(
  source: RuleSpec['source'],
): { v4: Interval<number>[]; v6: Interval<bigint>[] } | 'unresolved' {
  const cidrs =
    'v4' in source ? [source.v4] : 'v6' in source ? [source.v6] : 'pl' in source ? LISTS[source.pl] : [];
  if (cidrs === undefined) return 'unresolved';
  const v4: Interval<number>[] = [];
  const v6: Interval<bigint>[] = [];
  for (const cidr of cidrs) {
    const r4 = parseCidr4(cidr);
    if (r4) v4.push([r4.start, r4.end]);
    const r6 = parseCidr6(cidr);
    if (r6) v6.push([r6.start, r6.end]);
  }
  return { v4, v6 };
}

function carries(r: RuleSpec, transport: 'tcp' | 'udp', p: number): boolean {
  if (r.protocol === '-1') return true;
  const protocol = r.protocol === '6' ? 'tcp' : r.protocol;
  return protocol === transport && Math.min(r.a, r.b) <= p && p <= Math.max(r.a, r.b);
}

/** The reach of the rules, port by port (at every port where the covering rules change). */
function expectedReach(rules: RuleSpec[], coverage: number) {
  const points = new Set([0]);
  for (const r of rules) {
    points.add(Math.min(r.a, r.b));
    if (Math.max(r.a, r.b) < 65535) points.add(Math.max(r.a, r.b) + 1);
  }
  const sorted = [...points].sort((x, y) => x - y);
  const out = {
    tcp: {
      world4: [] as Interval<number>[],
      world6: [] as Interval<number>[],
      broad4: [] as Interval<number>[],
      broad6: [] as Interval<number>[],
    },
    udp: {
      world4: [] as Interval<number>[],
      world6: [] as Interval<number>[],
      broad4: [] as Interval<number>[],
      broad6: [] as Interval<number>[],
    },
  };
  for (const transport of ['tcp', 'udp'] as const) {
    sorted.forEach((p, k) => {
      const span: Interval<number> = [p, sorted[k + 1] ?? 65536];
      const v4: Interval<number>[] = [];
      const v6: Interval<bigint>[] = [];
      for (const r of rules) {
        if (!carries(r, transport, p)) continue;
        const a = addresses(r.source);
        if (a === 'unresolved') continue;
        v4.push(...a.v4);
        v6.push(...a.v6);
      }
      const c4 = publicCount4(normalize(v4));
      const c6 = publicCount6(normalize(v6));
      if (c4 > 0 && coversWorld4(c4, coverage)) out[transport].world4.push(span);
      else if (c4 >= BROAD_IPV4) out[transport].broad4.push(span);
      if (c6 > 0n && coversWorld6(c6, coverage)) out[transport].world6.push(span);
      else if (c6 >= BROAD_IPV6) out[transport].broad6.push(span);
    });
  }
  const unresolved = new Set<string>();
  for (const r of rules) {
    if ('pl' in r.source && addresses(r.source) === 'unresolved' && r.protocol !== 'icmp')
      unresolved.add(r.source.pl);
  }
  return { ports: out, unresolved: [...unresolved].sort() };
}

function expectReach(reach: Reach, rules: RuleSpec[], coverage: number): void {
  const expected = expectedReach(rules, coverage);
  for (const t of ['tcp', 'udp'] as const) {
    expect(reach[t].worldOpen.ipv4).toEqual(normalize(expected.ports[t].world4));
    expect(reach[t].worldOpen.ipv6).toEqual(normalize(expected.ports[t].world6));
    expect(reach[t].broad.ipv4).toEqual(normalize(expected.ports[t].broad4));
    expect(reach[t].broad.ipv6).toEqual(normalize(expected.ports[t].broad6));
  }
  expect(reach.unresolvedPrefixLists).toEqual(expected.unresolved);
}

const coverage = fc.constantFrom(0.99, 1, 0.5, 0.0001, 1e-6, 0.1);
const view = fc.constantFrom<View>('permissions', 'rules', 'both');
const groups = fc.array(fc.record({ rules: fc.array(ruleSpec, { maxLength: 7 }), view }), {
  minLength: 1,
  maxLength: 4,
});

describe('security-group reach from raw permissions, rule items and both views', () => {
  it('each group, and the union of all, matches the per-port recomputation', () => {
    fc.assert(
      fc.property(groups, coverage, fc.boolean(), (specs, worldOpenCoverage, scanFirst) => {
        const model = buildModel(snapshotOf(specs));
        const analysis = new Analysis(model, { ...DEFAULT_CONFIG, worldOpenCoverage });
        // The full scan and one-by-one reads must agree, whichever comes first.
        const listed = scanFirst ? analysis.groupsWithReach() : undefined;
        const ids = specs.map((_, i) => `sg-${i}`);
        specs.forEach((spec, i) => {
          expectReach(analysis.groupReach(`sg-${i}`), spec.rules, worldOpenCoverage);
        });
        expectReach(
          analysis.unionReach(ids),
          specs.flatMap((s) => s.rules),
          worldOpenCoverage,
        );
        const withReach = new Set((listed ?? analysis.groupsWithReach()).map((g) => g.id));
        for (const id of ids) {
          const reach = analysis.groupReach(id);
          const empty =
            reach.unresolvedPrefixLists.length === 0 &&
            (['tcp', 'udp'] as const).every(
              (t) =>
                reach[t].worldOpen.ipv4.length + reach[t].worldOpen.ipv6.length === 0 &&
                reach[t].broad.ipv4.length + reach[t].broad.ipv6.length === 0,
            );
          // A group with no port and no unresolved list is never listed (nothing to report).
          if (empty) expect(withReach.has(id)).toBe(false);
          else expect(withReach.has(id)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('rule objects give the same reach, and the public rules are those of `ingress` that may be public', () => {
    fc.assert(
      fc.property(groups, coverage, (specs, worldOpenCoverage) => {
        const model = buildModel(snapshotOf(specs));
        const analysis = new Analysis(model, { ...DEFAULT_CONFIG, worldOpenCoverage });
        specs.forEach((spec, i) => {
          const group = model.securityGroups.get(`sg-${i}`);
          // Described by rule items alone, and none: the snapshot does not know the group.
          if (!group) {
            expect(spec.view === 'rules' && spec.rules.length === 0).toBe(true);
            return;
          }
          const publicRules = group.publicIngress;
          const mayBePublic = (r: SgRule) =>
            r.source.kind === 'prefix-list' ||
            ((r.source.kind === 'ipv4' || r.source.kind === 'ipv6') && r.source.public);
          expect(publicRules).toEqual(group.ingress.filter(mayBePublic));
          expectReach(
            computeReach(group.ingress, model.prefixLists, worldOpenCoverage),
            spec.rules,
            worldOpenCoverage,
          );
          // What stays world-open once the world-source rules are gone.
          const kept = spec.rules.filter((r) => {
            const { source } = r;
            if ('v4' in source) return parseCidr4(source.v4)?.prefix !== 0;
            if ('v6' in source) return parseCidr6(source.v6)?.prefix !== 0;
            if ('pl' in source) return !(LISTS[source.pl] ?? []).some((c) => c.endsWith('/0'));
            return true;
          });
          expectReach(residualReach(analysis, group), kept, worldOpenCoverage);
        });
      }),
      { numRuns: 300 },
    );
  });
});
