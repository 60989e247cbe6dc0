import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentPorts } from '../../../../shared/analysis/segments';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';

/** A rule's port range as the model reads it: what every valid snapshot permission becomes. */
interface Ranged {
  id: number;
  from: number;
  to: number;
}

const PORTS = 65536;

/** Per port, the covering items' ids in input order, joined: the brute-force answer. */
function coverPerPort(items: readonly Ranged[]): string[] {
  const cover: string[] = new Array(PORTS).fill('');
  for (const item of items) {
    for (let p = item.from; p <= item.to; p++)
      cover[p] = cover[p] === '' ? `${item.id}` : `${cover[p]},${item.id}`;
  }
  return cover;
}

/** The segments' answer for the same question, port by port. */
function segmentsPerPort(items: readonly Ranged[]): string[] {
  const cover: string[] = new Array(PORTS).fill('');
  let last = -1;
  for (const segment of segmentPorts(items, (i) => [i.from, i.to] as const)) {
    expect(segment.from).toBeGreaterThan(last);
    expect(segment.to).toBeGreaterThanOrEqual(segment.from);
    last = segment.to;
    const ids = segment.items.map((i) => i.id).join(',');
    for (let p = segment.from; p <= segment.to; p++) cover[p] = ids;
  }
  return cover;
}

/** A port biased towards the edges and a few shared values, so ranges meet and overlap. */
const port = fc.oneof(
  fc.constantFrom(0, 1, 21, 22, 23, 1023, 1024, 3389, 65534, 65535),
  fc.integer({ min: 0, max: 65535 }),
);

/** A valid permission's tcp/udp range (`FromPort` ≤ `ToPort`), or all ports (`-1`/`-1`, protocol -1). */
const validRange = fc.oneof(
  fc.tuple(port, port).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
  fc.constant([0, 65535] as const),
);

describe('segmentPorts', () => {
  it('equals a brute-force per-port evaluation for random valid ranges', () => {
    fc.assert(
      fc.property(fc.array(validRange, { maxLength: 12 }), (ranges) => {
        const items = ranges.map(([from, to], id) => ({ id, from, to }));
        expect(segmentsPerPort(items)).toEqual(coverPerPort(items));
      }),
      { numRuns: 25 },
    );
  });

  it('segments are maximal: neighbours that touch differ in their covering items', () => {
    fc.assert(
      fc.property(fc.array(validRange, { maxLength: 12 }), (ranges) => {
        const items = ranges.map(([from, to], id) => ({ id, from, to }));
        const segments = segmentPorts(items, (i) => [i.from, i.to] as const);
        for (let k = 1; k < segments.length; k++) {
          const [a, b] = [segments[k - 1], segments[k]];
          if (a && b && a.to + 1 === b.from) expect(a.key).not.toBe(b.key);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an inverted or out-of-range item covers nothing and leaves the other items’ segments intact', () => {
    const items = [
      { id: 0, from: 20, to: 30 },
      { id: 1, from: 100, to: 20 },
      { id: 2, from: -5, to: 70000 },
    ];
    const segments = segmentPorts(items, (i) => [i.from, i.to] as const);
    expect(segments.map((s) => [s.from, s.to, s.items.map((i) => i.id)])).toEqual([
      [0, 19, [2]],
      [20, 30, [0, 2]],
      [31, 65535, [2]],
    ]);
  });
});

describe('the model’s port ranges from random valid permissions', () => {
  it('every rule of a valid snapshot gets an ordered range inside 0–65535, as written', () => {
    const permission = fc.oneof(
      fc.tuple(fc.constantFrom('tcp', 'udp', '6', '17', 'TCP'), validRange).map(([protocol, [from, to]]) => ({
        IpProtocol: protocol,
        FromPort: from,
        ToPort: to,
      })),
      fc.constant({ IpProtocol: 'tcp', FromPort: -1, ToPort: -1 }),
      fc.constant({ IpProtocol: '-1' }),
      fc.constant({ IpProtocol: 'icmp', FromPort: 8, ToPort: -1 }),
      fc.constant({ IpProtocol: '50' }),
    );
    fc.assert(
      fc.property(fc.array(permission, { maxLength: 10 }), (permissions) => {
        const snapshot = parseSnapshot({
          SecurityGroups: [
            {
              GroupId: 'sg-1',
              IpPermissions: permissions.map((p) => ({ ...p, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })),
            },
          ],
        });
        const rules = buildModel(snapshot).securityGroups.get('sg-1')?.ingress ?? [];
        expect(rules).toHaveLength(permissions.length);
        rules.forEach((rule, i) => {
          const p = permissions[i] as { FromPort?: number; ToPort?: number };
          const transport = rule.protocol === 'tcp' || rule.protocol === 'udp';
          const all = !transport || p.FromPort === -1;
          expect([rule.fromPort, rule.toPort]).toEqual(all ? [0, 65535] : [p.FromPort, p.ToPort]);
        });
      }),
      { numRuns: 200 },
    );
  });
});
