import { describe, expect, it } from 'vitest';
import { parseCidr4, parseCidr6 } from '../../../../shared/net/cidr';
import { normalize } from '../../../../shared/net/interval-set';
import {
  isWorldOpen4,
  isWorldOpen6,
  NON_PUBLIC_IPV4,
  PUBLIC_IPV4,
  PUBLIC_IPV4_SIZE,
  publicCount4,
  publicCount6,
} from '../../../../shared/net/public-space';

// DESIGN §4 "Public space", pinned to the spec's own text: the other tests derive their oracle
// from the engine's list, so a range dropped from (or added to) it would pass them.
const DESIGN_NON_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
];

const set4 = (cidr: string) => {
  const r = parseCidr4(cidr);
  if (!r) throw new Error(cidr);
  return normalize([[r.start, r.end] as const]);
};
const set6 = (cidr: string) => {
  const r = parseCidr6(cidr);
  if (!r) throw new Error(cidr);
  return normalize([[r.start, r.end] as const]);
};

describe('DESIGN §4 public space', () => {
  it('is IPv4 minus exactly the ranges DESIGN lists', () => {
    expect([...NON_PUBLIC_IPV4]).toEqual(DESIGN_NON_PUBLIC);
    // The ranges are disjoint: the public size is 2^32 minus their sizes, counted from the prefixes.
    const excluded = DESIGN_NON_PUBLIC.reduce((sum, c) => sum + 2 ** (32 - Number(c.split('/')[1])), 0);
    expect(PUBLIC_IPV4_SIZE).toBe(2 ** 32 - excluded);
    expect(PUBLIC_IPV4_SIZE).toBe(3_702_258_432);
  });

  it.each(DESIGN_NON_PUBLIC)('%s holds no public address, and the address after it is public', (cidr) => {
    expect(publicCount4(set4(cidr))).toBe(0);
    const r = parseCidr4(cidr);
    if (!r || r.end >= 2 ** 32) return; // 224.0.0.0/3 ends the space
    const next = r.end;
    const text = [next >>> 24, (next >>> 16) & 255, (next >>> 8) & 255, next & 255].join('.');
    // 192.0.0.0/24 is followed by 192.0.1.0 (public); 192.0.2.0/24 by 192.0.3.0, and so on.
    if (DESIGN_NON_PUBLIC.some((c) => c.startsWith(`${text}/`))) return;
    expect(publicCount4(set4(`${text}/32`))).toBe(1);
  });

  it('IPv6 public space is 2000::/3 only', () => {
    expect(publicCount6(set6('2000::/3'))).toBe(1n << 125n);
    expect(publicCount6(set6('::/0'))).toBe(1n << 125n);
    expect(publicCount6(set6('fd00::/8'))).toBe(0n);
    expect(publicCount6(set6('4000::/3'))).toBe(0n);
    expect(publicCount6(set6('1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'))).toBe(0n);
    expect(publicCount6(set6('2001:db8::/128'))).toBe(1n);
  });
});

describe('DESIGN §4 world-open: "at least" the coverage', () => {
  it('a set holding exactly the coverage of public space is world-open; one address less is not', () => {
    // Prepare: the first half of public IPv4 space, cut inside the interval that crosses it.
    const half = PUBLIC_IPV4_SIZE / 2;
    const exactly: [number, number][] = [];
    let left = half;
    for (const [start, end] of PUBLIC_IPV4) {
      if (left === 0) break;
      const take = Math.min(end - start, left);
      exactly.push([start, start + take]);
      left -= take;
    }
    const lastIndex = exactly.length - 1;
    const last = exactly[lastIndex] as [number, number];
    const less = [...exactly.slice(0, lastIndex), [last[0], last[1] - 1] as [number, number]];
    // Act / Assess
    expect(publicCount4(normalize(exactly))).toBe(half);
    expect(isWorldOpen4(normalize(exactly), 0.5)).toBe(true);
    expect(isWorldOpen4(normalize(less), 0.5)).toBe(false);
    // IPv6: 2000::/4 is exactly half of 2000::/3.
    expect(isWorldOpen6(set6('2000::/4'), 0.5)).toBe(true);
    expect(isWorldOpen6(set6('2000::/5'), 0.5)).toBe(false);
  });
});
