// DESIGN §4 "World-open": the sources cover at least `worldOpenCoverage` of the family's public
// space, "computed exactly". The share was compared in millionths (the configured fraction rounded
// to six decimals), so a fraction written with more digits was judged against another one: at
// 0.9999996 the world less one /24 (99.99999 %) was only broad (a false negative), and at 0.0000001
// a NACL letting 10.0.0.0/8 reach 22 was world-open (a private range admits no public address).
import { describe, expect, it } from 'vitest';
import {
  coversWorld4,
  coversWorld6,
  PUBLIC_IPV4_SIZE,
  PUBLIC_IPV6_SIZE,
} from '../../shared/net/public-space';
import { audit, entry, groups, nacl, perm, sg, triples } from '../helpers';

/** The IPv4 space less one /24: the CIDRs of its complement, largest first. */
function worldLess24(hole: string): string[] {
  const [a = 0, b = 0, c = 0] = hole.split('.').map(Number);
  const start = ((a * 256 + b) * 256 + c) * 256;
  const out: string[] = [];
  for (let prefix = 1; prefix <= 24; prefix++) {
    const size = 2 ** (32 - prefix);
    // The sibling of the block holding the hole at this prefix length.
    const sibling = (Math.floor(start / size) * size) ^ size;
    const sib = sibling >>> 0;
    out.push(`${[sib >>> 24, (sib >>> 16) & 255, (sib >>> 8) & 255, sib & 255].join('.')}/${prefix}`);
  }
  return out;
}

describe('world-open coverage is compared exactly, for any configured fraction (DESIGN §4)', () => {
  it('the world less one /24 is world-open at 0.9999996 (a share of 0.99999993), not merely broad', () => {
    // Prepare
    const snapshot = groups(sg('sg-1', [perm('tcp', [22, 22], ...worldLess24('1.2.3.0'))]));

    // Act
    const findings = audit(snapshot, { config: { worldOpenCoverage: 0.9999996 } });

    // Assess
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });

  it('at 0.0000001 a private-only NACL source is not world-open, nor is one public address', () => {
    // Prepare
    const snapshot = {
      NetworkAcls: [
        nacl(
          'acl-1',
          [
            entry(100, 'in', 'allow', '6', '10.0.0.0/8', [22, 22]),
            entry(110, 'in', 'allow', '6', '198.51.99.7/32', [3389, 3389]),
            entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
          ],
          { subnetIds: [] },
        ),
      ],
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '10.0.0.0/8', '198.51.99.7/32')])],
    };

    // Act
    const findings = audit(snapshot, {
      config: { worldOpenCoverage: 0.0000001 },
      rules: ['nacl-open-admin-port', 'sg-open-admin-port'],
    });

    // Assess
    expect(triples(findings)).toEqual([]);
  });

  it('at 0.0000001 a public /19 (8,192 addresses, 2.2 millionths of the space) is world-open', () => {
    // Prepare
    const snapshot = groups(sg('sg-1', [perm('tcp', [22, 22], '11.0.0.0/19')]));

    // Act
    const findings = audit(snapshot, { config: { worldOpenCoverage: 0.0000001 } });

    // Assess
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });

  it.each([0.99, 0.5, 0.9999996, 0.0000001, 1, 0.123456789])(
    'at %s the least covering count is ceil(share × public space), in each family',
    (coverage) => {
      // Prepare: the threshold from the decimal as written, in exact integers.
      const [digits = '', exponent = '0'] = coverage.toExponential().split('e');
      const [whole = '', fraction = ''] = digits.split('.');
      const scale = fraction.length - Number(exponent);
      const numerator = BigInt(whole + fraction);
      const denominator = 10n ** BigInt(scale);
      const least4 = (numerator * BigInt(PUBLIC_IPV4_SIZE) + denominator - 1n) / denominator;
      const least6 = (numerator * PUBLIC_IPV6_SIZE + denominator - 1n) / denominator;

      // Act / Assess
      expect(coversWorld4(Number(least4), coverage)).toBe(true);
      expect(coversWorld4(Number(least4) - 1, coverage)).toBe(false);
      expect(coversWorld6(least6, coverage)).toBe(true);
      expect(coversWorld6(least6 - 1n, coverage)).toBe(false);
    },
  );
});
