import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRegion } from '../../../../bench/generate';
import { Analysis } from '../../../../shared/analysis/analysis';
import { exposureAnalysis } from '../../../../shared/analysis/exposure';
import { computeReach } from '../../../../shared/analysis/sg-reach';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { parseCidr4 } from '../../../../shared/net/cidr';
import { union } from '../../../../shared/net/interval-set';
import { isRfc1918Text } from '../../../../shared/net/public-space';

// The fast paths the exposure analysis and the benchmark rely on, checked against the slow,
// obvious computation they replace.

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr4(c));

function insideRfc1918(cidr: string): boolean {
  const r = parseCidr4(cidr);
  return r !== undefined && RFC1918.some((b) => b !== undefined && b.start <= r.start && r.end <= b.end);
}

describe('isRfc1918Text', () => {
  it('agrees with the parsed range on random CIDRs (never calls a public range private)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const first = fc.oneof(fc.constantFrom(10, 172, 192), octet);
    const cidr = fc
      .tuple(first, octet, octet, octet, fc.integer({ min: 0, max: 32 }))
      .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    fc.assert(
      fc.property(cidr, (text) => {
        expect(isRfc1918Text(text)).toBe(insideRfc1918(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads host bits as EC2 does and rejects what is not a CIDR', () => {
    expect(isRfc1918Text('10.1.2.3/7')).toBe(false); // 10.0.0.0/7 holds 11.0.0.0/8
    expect(isRfc1918Text('172.15.0.0/16')).toBe(false);
    expect(isRfc1918Text('192.168.7.0/24')).toBe(true);
    expect(isRfc1918Text('10.0.0.0')).toBe(false);
    expect(isRfc1918Text('::/0')).toBe(false);
  });
});

describe('group reach from raw permissions', () => {
  it('equals computeReach over the expanded rules for every group of a generated region', () => {
    // Prepare
    const model = buildModel(parseSnapshot(generateRegion('S', 3).snapshot));
    const fast = new Analysis(model, DEFAULT_CONFIG);
    // Act + Assess
    for (const group of model.securityGroups.values()) {
      const slow = computeReach(group.ingress, model.prefixLists, DEFAULT_CONFIG.worldOpenCoverage);
      expect(fast.groupReach(group.id)).toEqual(slow);
    }
  });

  it('a union of interface groups equals computeReach over all their rules', () => {
    const model = buildModel(parseSnapshot(generateRegion('S', 4).snapshot));
    const fast = new Analysis(model, DEFAULT_CONFIG);
    for (const eni of model.networkInterfaces.values()) {
      const rules = eni.groupIds.flatMap((id) => model.securityGroups.get(id)?.ingress ?? []);
      const slow = computeReach(rules, model.prefixLists, DEFAULT_CONFIG.worldOpenCoverage);
      expect(fast.unionReach(eni.groupIds).tcp.worldOpen).toEqual(slow.tcp.worldOpen);
      expect(fast.unionReach(eni.groupIds).udp.worldOpen).toEqual(slow.udp.worldOpen);
    }
  });

  it('equals computeReach for groups given as SecurityGroupRules (rule ids), prefix lists included', () => {
    // Prepare: every source kind, in the DescribeSecurityGroupRules shape.
    const rule = (id: string, fields: Record<string, unknown>) => ({
      SecurityGroupRuleId: id,
      GroupId: 'sg-1',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      ...fields,
    });
    const snapshot = {
      SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'mixed', VpcId: 'vpc-1' }],
      SecurityGroupRules: [
        rule('sgr-1', { CidrIpv4: '10.0.0.0/8' }),
        rule('sgr-2', { CidrIpv4: '0.0.0.0/1' }),
        rule('sgr-3', { CidrIpv4: '128.0.0.0/1', IpProtocol: '-1', FromPort: -1, ToPort: -1 }),
        rule('sgr-4', { CidrIpv6: '::/0', IpProtocol: 'udp', FromPort: 53, ToPort: 53 }),
        rule('sgr-5', { PrefixListId: 'pl-known' }),
        rule('sgr-6', { PrefixListId: 'pl-unknown' }),
        rule('sgr-7', { ReferencedGroupInfo: { GroupId: 'sg-2' } }),
        rule('sgr-8', { CidrIpv4: '0.0.0.0/0', IsEgress: true }),
      ],
      ManagedPrefixLists: [{ PrefixListId: 'pl-known', Entries: [{ Cidr: '8.0.0.0/7' }] }],
    };
    const model = buildModel(parseSnapshot(snapshot));
    const group = model.securityGroups.get('sg-1');
    // Act
    const fast = new Analysis(model, DEFAULT_CONFIG).groupReach('sg-1');
    const slow = computeReach(group?.ingress ?? [], model.prefixLists, DEFAULT_CONFIG.worldOpenCoverage);
    // Assess
    expect(fast).toEqual(slow);
    expect(fast.tcp.worldOpen.ipv4).toEqual([[22, 23]]);
    expect(fast.unresolvedPrefixLists).toEqual(['pl-unknown']);
  });
});

describe('exposed ports of dual-stack interfaces', () => {
  it('are the union of the two families, one shared object per pair of family port objects', () => {
    // Prepare
    const model = buildModel(parseSnapshot(generateRegion('M', 1).snapshot));
    const exposures = exposureAnalysis(new Analysis(model, DEFAULT_CONFIG)).exposedInterfaces();
    const dual = exposures.filter((e) => e.families.length === 2);
    const byPair = new Map<string, object>();
    const ids = new Map<object, number>();
    const idOf = (o: object): number => {
      if (!ids.has(o)) ids.set(o, ids.size);
      return ids.get(o) ?? -1;
    };

    // Act + Assess
    expect(dual.length).toBeGreaterThan(0);
    for (const e of dual) {
      const [a, b] = e.families;
      if (!a || !b) throw new Error('two families expected');
      expect(e.ports).toEqual({ tcp: union(a.ports.tcp, b.ports.tcp), udp: union(a.ports.udp, b.ports.udp) });
      const pair = `${idOf(a.ports)},${idOf(b.ports)}`;
      const known = byPair.get(pair);
      if (known) expect(e.ports).toBe(known);
      else byPair.set(pair, e.ports);
    }
    // Dual-stack interfaces of one shape repeat: the sharing above was exercised.
    expect(byPair.size).toBeLessThan(dual.length);
  });
});
