import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateNacl, permittedAt, worldOpenPorts } from '../../../../shared/analysis/nacl-eval';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { contains, type IntervalSet, normalize, subtract, union } from '../../../../shared/net/interval-set';

const RUNS = { numRuns: 1000 };
const MAX_PORT = 80;

interface GenEntry {
  ruleNumber: number;
  allow: boolean;
  protocol: '-1' | '6' | '17' | '1';
  from: number;
  to: number;
  /** IPv4 entries: a 32-bit base and prefix; IPv6 entries: a 128-bit base and prefix. */
  v4?: { base: number; prefix: number };
  v6?: { base: bigint; prefix: number };
}

const ipv4Text = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.');
const ipv6Text = (x: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((x >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

// Addresses come from a few /8 (and /16 for IPv6) neighbourhoods so that entries overlap often.
const addr4 = fc
  .tuple(fc.constantFrom(0, 10, 128, 255), fc.integer({ min: 0, max: 2 ** 24 - 1 }))
  .map(([top, low]) => top * 2 ** 24 + low);
const addr6 = fc
  .tuple(fc.constantFrom(0n, 0x2001n, 0xffffn), fc.bigInt({ min: 0n, max: (1n << 112n) - 1n }))
  .map(([top, low]) => (top << 112n) | low);

const genEntry = fc
  .record({
    ruleNumber: fc.integer({ min: 1, max: 40 }),
    allow: fc.boolean(),
    protocol: fc.constantFrom('-1', '6', '17', '1') as fc.Arbitrary<GenEntry['protocol']>,
    a: fc.integer({ min: 0, max: MAX_PORT }),
    b: fc.integer({ min: 0, max: MAX_PORT }),
    family: fc.constantFrom('v4', 'v6'),
    v4: fc.record({ base: addr4, prefix: fc.integer({ min: 0, max: 32 }) }),
    v6: fc.record({ base: addr6, prefix: fc.integer({ min: 0, max: 128 }) }),
  })
  .map(
    (e): GenEntry => ({
      ruleNumber: e.ruleNumber,
      allow: e.allow,
      protocol: e.protocol,
      from: Math.min(e.a, e.b),
      to: Math.max(e.a, e.b),
      ...(e.family === 'v4' ? { v4: e.v4 } : { v6: e.v6 }),
    }),
  );

const entries = fc.uniqueArray(genEntry, { selector: (e) => e.ruleNumber, maxLength: 10 });

function toSnapshotEntry(e: GenEntry) {
  return {
    RuleNumber: e.ruleNumber,
    Egress: false,
    RuleAction: e.allow ? 'allow' : 'deny',
    Protocol: e.protocol,
    ...(e.v4 ? { CidrBlock: `${ipv4Text(e.v4.base)}/${e.v4.prefix}` } : {}),
    ...(e.v6 ? { Ipv6CidrBlock: `${ipv6Text(e.v6.base)}/${e.v6.prefix}` } : {}),
    ...(e.protocol === '6' || e.protocol === '17' ? { PortRange: { From: e.from, To: e.to } } : {}),
  };
}

function in4(base: number, prefix: number, x: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(base / size) === Math.floor(x / size);
}

function in6(base: bigint, prefix: number, x: bigint): boolean {
  const shift = BigInt(128 - prefix);
  return base >> shift === x >> shift;
}

/** The oracle: walk the entries in rule order; the first that matches decides; none → the final deny. */
function oracle(
  list: readonly GenEntry[],
  transport: 'tcp' | 'udp',
  port: number,
  address: { v4?: number; v6?: bigint },
) {
  const number = transport === 'tcp' ? '6' : '17';
  for (const e of [...list].sort((x, y) => x.ruleNumber - y.ruleNumber)) {
    if (e.protocol !== '-1' && e.protocol !== number) continue;
    if (e.protocol !== '-1' && (port < e.from || port > e.to)) continue;
    if (address.v4 !== undefined && e.v4 && in4(e.v4.base, e.v4.prefix, address.v4)) return e.allow;
    if (address.v6 !== undefined && e.v6 && in6(e.v6.base, e.v6.prefix, address.v6)) return e.allow;
  }
  return false;
}

function modelEntries(list: readonly GenEntry[]) {
  const model = buildModel(
    parseSnapshot({
      NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: list.map(toSnapshotEntry) }],
    }),
  );
  return model.networkAcls.get('acl-1')?.ingress ?? [];
}

describe('NACL first-match evaluation against a rule-order walk', () => {
  it('permits exactly the (address, port) pairs the first matching entry allows, per family', () => {
    fc.assert(
      fc.property(
        entries,
        fc.constantFrom('tcp', 'udp') as fc.Arbitrary<'tcp' | 'udp'>,
        fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_PORT + 1 }), addr4, addr6), {
          minLength: 1,
          maxLength: 12,
        }),
        (list, transport, samples) => {
          const segments = evaluateNacl(modelEntries(list), transport);
          // Entry bases are sampled too: they sit inside the entries' own ranges.
          const points = [
            ...samples,
            ...list.map((e) => [e.from, e.v4?.base ?? 0, e.v6?.base ?? 0n] as const),
            ...list.map((e) => [e.to, e.v4?.base ?? 0, e.v6?.base ?? 0n] as const),
          ];
          for (const [port, a4, a6] of points) {
            const permitted = permittedAt(segments, port);
            expect(contains(permitted.v4, a4)).toBe(oracle(list, transport, port, { v4: a4 }));
            expect(contains(permitted.v6, a6)).toBe(oracle(list, transport, port, { v6: a6 }));
          }
        },
      ),
      RUNS,
    );
  });

  it('names as contributors exactly the allow entries that let in some peer no earlier entry decided', () => {
    fc.assert(
      fc.property(
        entries,
        fc.constantFrom('tcp', 'udp') as fc.Arbitrary<'tcp' | 'udp'>,
        (list, transport) => {
          const model = modelEntries(list);
          const segments = evaluateNacl(model, transport);
          for (const segment of segments) {
            // Oracle: walk the entries covering the segment's first port in rule order, per family.
            let decided4: IntervalSet<number> = [];
            let decided6: IntervalSet<bigint> = [];
            const expected4: number[] = [];
            const expected6: number[] = [];
            for (const e of model) {
              if (e.protocol !== 'all' && e.protocol !== transport) continue;
              if (e.fromPort > segment.from || segment.from > e.toPort) continue;
              if (e.range4) {
                const own: IntervalSet<number> = [[e.range4.start, e.range4.end]];
                if (e.allow && subtract(own, decided4).length > 0) expected4.push(e.ruleNumber);
                decided4 = union(decided4, own);
              } else if (e.range6) {
                const own: IntervalSet<bigint> = [[e.range6.start, e.range6.end]];
                if (e.allow && subtract(own, decided6).length > 0) expected6.push(e.ruleNumber);
                decided6 = union(decided6, own);
              }
            }
            expect(segment.contributors4.map((e) => e.ruleNumber)).toEqual(expected4);
            expect(segment.contributors6.map((e) => e.ruleNumber)).toEqual(expected6);
            expect(segment.v4).toEqual(normalize(segment.v4));
            expect(segment.v6).toEqual(normalize(segment.v6));
          }
        },
      ),
      RUNS,
    );
  });

  it('holds for long entry lists too (past 30 entries, segments are keyed by a list of positions)', () => {
    // A direction holds up to 40 entries by quota (more on request): the evaluation then keys its
    // segments by a string of entry positions instead of a bit mask, a path the lists above never reach.
    const long = fc.uniqueArray(
      genEntry.chain((e) => fc.integer({ min: 1, max: 32766 }).map((ruleNumber) => ({ ...e, ruleNumber }))),
      { selector: (e) => e.ruleNumber, minLength: 31, maxLength: 45 },
    );
    fc.assert(
      fc.property(
        long,
        fc.constantFrom('tcp', 'udp') as fc.Arbitrary<'tcp' | 'udp'>,
        fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_PORT + 1 }), addr4, addr6), { maxLength: 8 }),
        (list, transport, samples) => {
          const segments = evaluateNacl(modelEntries(list), transport);
          const points = [
            ...samples,
            ...list.map((e) => [e.from, e.v4?.base ?? 0, e.v6?.base ?? 0n] as const),
          ];
          for (const [port, a4, a6] of points) {
            const permitted = permittedAt(segments, port);
            expect(contains(permitted.v4, a4)).toBe(oracle(list, transport, port, { v4: a4 }));
            expect(contains(permitted.v6, a6)).toBe(oracle(list, transport, port, { v6: a6 }));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds world-open ports through first match (deny before allow, the implicit final deny)', () => {
    const list = modelEntries([
      { ruleNumber: 10, allow: false, protocol: '6', from: 22, to: 22, v4: { base: 0, prefix: 0 } },
      { ruleNumber: 20, allow: true, protocol: '6', from: 0, to: 1000, v4: { base: 0, prefix: 0 } },
      { ruleNumber: 30, allow: true, protocol: '-1', from: 0, to: 0, v6: { base: 0n, prefix: 0 } },
    ]);
    const world = worldOpenPorts(evaluateNacl(list, 'tcp'), 0.99);
    expect(world).toEqual({
      ipv4: [
        [0, 22],
        [23, 1001],
      ],
      ipv6: [[0, 65536]],
    });
    expect(worldOpenPorts(evaluateNacl(list, 'udp'), 0.99)).toEqual({ ipv4: [], ipv6: [[0, 65536]] });
  });
});
