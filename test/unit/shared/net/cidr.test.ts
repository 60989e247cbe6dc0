import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIpv4,
  isIpv6,
  parseCidr4,
  parseCidr6,
  parseIpv4,
  parseIpv6,
  parseIpv6General,
} from '../../../../shared/net/cidr';
import { cidrsOf4, cidrsOf6, formatIpv6 } from '../../../../shared/net/cidr-format';

const RUNS = { numRuns: 1000 };
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
/** 128-bit values biased towards runs of zero groups (where `::` compression happens). */
const u128 = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));

/** An independent, uncompressed IPv6 rendering: eight full groups. */
function fullForm(value: bigint): string {
  return Array.from({ length: 8 }, (_, i) =>
    ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16).padStart(4, '0'),
  ).join(':');
}

describe('IPv4 parsing', () => {
  it('round-trips every address through format and parse', () => {
    fc.assert(
      fc.property(u32, (x) => {
        expect(parseIpv4(formatIpv4(x))).toBe(x);
      }),
      RUNS,
    );
  });

  it('parses a CIDR to its aligned block, clearing host bits as EC2 does', () => {
    fc.assert(
      fc.property(u32, fc.integer({ min: 0, max: 32 }), (x, prefix) => {
        const size = 2 ** (32 - prefix);
        const start = Math.floor(x / size) * size;
        expect(parseCidr4(`${formatIpv4(x)}/${prefix}`)).toEqual({ start, end: start + size, prefix });
      }),
      RUNS,
    );
    expect(parseCidr4('208.236.235.254/0')).toEqual({ start: 0, end: 2 ** 32, prefix: 0 });
  });

  it('rejects what is not an IPv4 CIDR', () => {
    for (const bad of [
      '1.2.3.4',
      '1.2.3/8',
      '256.0.0.0/8',
      '1.2.3.4/33',
      '1.2.3.4/-1',
      'a.b.c.d/8',
      '::/0',
      '1.2.3.4/',
    ]) {
      expect(parseCidr4(bad)).toBeUndefined();
    }
  });
});

describe('IPv6 parsing', () => {
  it('round-trips through the canonical form and the full form', () => {
    fc.assert(
      fc.property(u128, (x) => {
        expect(parseIpv6(formatIpv6(x))).toBe(x);
        expect(parseIpv6(fullForm(x))).toBe(x);
        expect(parseIpv6(fullForm(x).toUpperCase())).toBe(x);
      }),
      RUNS,
    );
  });

  it('reads hex-and-colon text exactly as the general parser does (the allocation-free scan)', () => {
    // Texts of the scan's alphabet, biased to colons (`::`, `:::`, empty groups, too many groups).
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:::::'), maxLength: 45 }),
      u128.map((x) => formatIpv6(x)),
      u128.map((x) => `${formatIpv6(x)}:`),
      u128.map((x) => `:${fullForm(x)}`),
      u128.map((x) => fullForm(x).replace(/^0+/, '').replace(':0', '::')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const general = parseIpv6General(t);
        expect(parseIpv6(t)).toBe(general);
        expect(isIpv6(t)).toBe(general !== undefined);
      }),
      { numRuns: 5000 },
    );
    for (const edge of [
      '::',
      ':::',
      '1::',
      '::1',
      '1:::2',
      '1::2::3',
      '1:2:3:4:5:6:7::',
      '::1:2:3:4:5:6:7',
    ]) {
      expect(parseIpv6(edge)).toBe(parseIpv6General(edge));
    }
    expect(parseIpv6('1:2:3:4:5:6:7::')).toBe(0x00010002000300040005000600070000n);
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIpv6('12345::')).toBeUndefined();
    // Other texts go to the general parser: an embedded IPv4 is read; a zone or surrounding space
    // is refused, as EC2 refuses them (and as an IPv4 text with a space always was).
    expect(isIpv6(' fe80::1%eth0 ')).toBe(false);
    expect(isIpv6('fe80::1%eth0')).toBe(false);
    expect(isIpv6(' ::1')).toBe(false);
    expect(parseCidr6(' ::/0')).toBeUndefined();
    expect(isIpv6('::ffff:192.0.2.1')).toBe(true);
    expect(isIpv6('::ffff:192.0.2.256')).toBe(false);
  });

  it('writes RFC 5952 canonical text', () => {
    expect(formatIpv6(0n)).toBe('::');
    expect(formatIpv6(1n)).toBe('::1');
    expect(formatIpv6(0x20010db8000000000000000000000001n)).toBe('2001:db8::1');
    expect(formatIpv6(0x20010db8000000010000000000000001n)).toBe('2001:db8:0:1::1');
    expect(formatIpv6(0x20010db8000100000001000000000000n)).toBe('2001:db8:1:0:1::');
    expect(formatIpv6(0x20010db8000000010001000100010001n)).toBe('2001:db8:0:1:1:1:1:1');
  });

  it('parses embedded IPv4 tails and CIDRs with host bits', () => {
    expect(parseIpv6('::ffff:192.0.2.1')).toBe(0xffffc0000201n);
    expect(parseCidr6('2001:db8::1/32')).toEqual({
      start: 0x20010db8n << 96n,
      end: (0x20010db8n + 1n) << 96n,
      prefix: 32,
    });
    expect(parseCidr6('::/0')).toEqual({ start: 0n, end: 1n << 128n, prefix: 0 });
  });

  it('parses any CIDR to its aligned block', () => {
    fc.assert(
      fc.property(u128, fc.integer({ min: 0, max: 128 }), (x, prefix) => {
        const size = 1n << BigInt(128 - prefix);
        const start = (x / size) * size;
        expect(parseCidr6(`${formatIpv6(x)}/${prefix}`)).toEqual({ start, end: start + size, prefix });
      }),
      RUNS,
    );
  });

  it('rejects what is not an IPv6 CIDR', () => {
    for (const bad of [
      '::',
      '1::2::3/64',
      '12345::/16',
      'g::/16',
      '::/129',
      '1:2:3:4:5:6:7:8:9/64',
      '1.2.3.4/8',
      '1:2:3:4:5:6:7::8/64',
    ]) {
      expect(parseCidr6(bad)).toBeUndefined();
    }
  });
});

describe('CIDR covers of address ranges', () => {
  it('IPv4: the blocks are aligned, contiguous and cover exactly [start, end)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 2 ** 32 }), (a, b) => {
        const [start, end] = a < b ? [a, b] : [b, a];
        let at = start;
        for (const text of cidrsOf4(start, end)) {
          const block = parseCidr4(text);
          expect(block?.start).toBe(at);
          at = block?.end ?? Number.NaN;
        }
        expect(at).toBe(end);
        expect(cidrsOf4(start, end).length).toBeLessThanOrEqual(62);
      }),
      RUNS,
    );
  });

  it('IPv6: the blocks are aligned, contiguous and cover exactly [start, end)', () => {
    fc.assert(
      fc.property(u128, u128, (a, b) => {
        const [start, end] = a < b ? [a, b] : [b, a];
        let at = start;
        for (const text of cidrsOf6(start, end)) {
          const block = parseCidr6(text);
          expect(block?.start).toBe(at);
          at = block?.end ?? -1n;
        }
        expect(at).toBe(end);
      }),
      RUNS,
    );
  });
});
