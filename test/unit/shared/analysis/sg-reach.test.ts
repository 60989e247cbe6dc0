import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Analysis } from '../../../../shared/analysis/analysis';
import { computeReach } from '../../../../shared/analysis/sg-reach';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { parseCidr4 } from '../../../../shared/net/cidr';
import { contains, normalize } from '../../../../shared/net/interval-set';
import { BROAD_IPV4, isWorldOpen4, publicCount4 } from '../../../../shared/net/public-space';

const SOURCES = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '10.0.0.0/8',
  '11.0.0.0/8',
  '64.0.0.0/2',
  '81.2.69.0/24',
  '1.0.0.0/9',
];

const rule = fc.record({
  protocol: fc.constantFrom('tcp', 'udp', '-1', 'icmp'),
  a: fc.integer({ min: 0, max: 40 }),
  b: fc.integer({ min: 0, max: 40 }),
  source: fc.constantFrom(...SOURCES),
});

describe('security-group reach, per port, against a per-port recomputation', () => {
  it('world-open and broad ports are those whose permitted sources cover ≥ 99% / ≥ 2^24 public addresses', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), (rules) => {
        const permissions = rules.map((r) => ({
          IpProtocol: r.protocol,
          ...(r.protocol === 'tcp' || r.protocol === 'udp'
            ? { FromPort: Math.min(r.a, r.b), ToPort: Math.max(r.a, r.b) }
            : {}),
          IpRanges: [{ CidrIp: r.source }],
        }));
        const model = buildModel(
          parseSnapshot({ SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: permissions }] }),
        );
        const reach = computeReach(model.securityGroups.get('sg-1')?.ingress ?? [], model.prefixLists, 0.99);
        for (const transport of ['tcp', 'udp'] as const) {
          for (const port of [0, 1, 20, 39, 40, 41, 65535]) {
            const sources = normalize(
              rules
                .filter(
                  (r) =>
                    r.protocol === '-1' ||
                    (r.protocol === transport && Math.min(r.a, r.b) <= port && port <= Math.max(r.a, r.b)),
                )
                .map((r) => {
                  const c = parseCidr4(r.source);
                  return [c?.start ?? 0, c?.end ?? 0] as const;
                }),
            );
            const world = isWorldOpen4(sources, 0.99);
            expect(contains(reach[transport].worldOpen.ipv4, port)).toBe(world);
            expect(contains(reach[transport].broad.ipv4, port)).toBe(
              !world && publicCount4(sources) >= BROAD_IPV4,
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('security-group reach with a small worldOpenCoverage', () => {
  // 8.0.0.0/10 is 2^22 public addresses: below the broad threshold (2^24), yet above 0.1% of the
  // public IPv4 space. The shortcut that skips small source sets must not skip a world-open one.
  // (IPv6 cannot get there: one part per million of 2000::/3 is ~2^105 addresses, above 2^96.)
  const snapshot = parseSnapshot({
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '8.0.0.0/10' }],
          },
        ],
      },
    ],
  });

  it('is world-open when the coverage threshold lies below 2^24 addresses', () => {
    const model = buildModel(snapshot);
    const rules = model.securityGroups.get('sg-1')?.ingress ?? [];
    const reach = computeReach(rules, model.prefixLists, 0.001);
    expect(reach.tcp.worldOpen.ipv4).toEqual([[22, 23]]);
    expect(reach.tcp.broad.ipv4).toEqual([]);
    // The raw-permission walk of the analysis takes the same path.
    const analysis = new Analysis(model, { ...DEFAULT_CONFIG, worldOpenCoverage: 0.001 });
    expect(analysis.groupReach('sg-1').tcp.worldOpen.ipv4).toEqual([[22, 23]]);
  });

  it('reaches nothing with the default coverage (neither world-open nor broad)', () => {
    const model = buildModel(snapshot);
    const reach = computeReach(model.securityGroups.get('sg-1')?.ingress ?? [], model.prefixLists, 0.99);
    expect(reach.tcp.worldOpen.ipv4).toEqual([]);
    expect(reach.tcp.broad.ipv4).toEqual([]);
  });
});
