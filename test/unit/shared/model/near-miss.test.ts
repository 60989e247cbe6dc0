import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldKeyLoose, nearMissOf, noMisspeltKeys, routeKeysOk } from '../../../../shared/model/near-miss';

// nearMissOf compares keys in place (no fold allocated, hot on interfaces without an Association):
// it must answer exactly what the fold does (case ignored, spaces, `_` and `-` and a trailing `s`
// dropped; a key shorter than the fold is never one).

const FIELDS = [
  'IpRanges',
  'Association',
  'SubnetId',
  'Entries',
  'GatewayId',
  'Main',
  'Groups',
  'Ipv6Prefixes',
];

/** A field's name with some letters' case flipped (K as the Kelvin sign), a letter cut or a tail added. */
const drifted = fc
  .tuple(
    fc.constantFrom(...FIELDS),
    fc.array(fc.boolean(), { maxLength: 14 }),
    fc.constantFrom('', 's', 'S', 'ss', 'x', '\u212a', ' ', 's ', '_', '\t', '\u00a0'),
    fc.boolean(),
    fc.constantFrom('', '_', '-', ' ', '__'),
    fc.nat(14),
  )
  .map(([field, flips, tail, cut, separator, at]) => {
    const letters = [...field.slice(0, cut ? -1 : undefined)].map((c, i) => {
      if (!flips[i]) return c;
      if (c === 'k') return '\u212a';
      return c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
    });
    letters.splice(Math.min(at, letters.length), 0, separator);
    return letters.join('') + tail;
  });

describe('nearMissOf', () => {
  it('finds exactly the keys whose fold is the field’s (and that are not the field)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIELDS),
        fc.oneof(drifted, fc.string({ maxLength: 14 })),
        (field, key) => {
          const folds = foldKeyLoose(key) === foldKeyLoose(field);
          // No upper bound: any number of separators (`"__GatewayIds "`, a tag sequence) is a near miss.
          const inLength = key.length >= foldKeyLoose(field).length;
          const expected = key !== field && folds && inLength ? key : undefined;
          expect(nearMissOf(field, new Set([field]))({ [key]: 1 })).toBe(expected);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('never names a key the object declares', () => {
    expect(nearMissOf('Groups', new Set(['Groups', 'GroupS']))({ GroupS: [] })).toBeUndefined();
  });
});

describe('near misses beyond case and a trailing s (engine9)', () => {
  it('a space, `_` or `-` in or after a field’s name is a near miss, named quoted', () => {
    const miss = nearMissOf('IpPermissions', new Set(['IpPermissions']));
    expect(miss({ 'IpPermissions ': [] })).toBe('IpPermissions ');
    expect(miss({ Ip_Permissions: [] })).toBe('Ip_Permissions');
    expect(miss({ 'ip-permissions': [] })).toBe('ip-permissions');
    expect(miss({ IpPermissionsEgress: [] })).toBeUndefined();
    const issues: string[] = [];
    noMisspeltKeys({ 'Gateway Id': 'igw-1' }, ['GatewayId'], (k, m) => issues.push(`${k}: ${m}`));
    expect(issues).toEqual(['Gateway Id: unknown key "Gateway Id"; did you mean GatewayId?']);
  });
});

describe('noMisspeltKeys and routeKeysOk', () => {
  it('name each near miss and the key it resembles', () => {
    const issues: string[] = [];
    expect(
      noMisspeltKeys({ cidrIpv4: 'x', CIDRIPV6: 'y', Other: 1 }, ['CidrIpv4', 'CidrIpv6'], (k, m) =>
        issues.push(`${k}: ${m}`),
      ),
    ).toBe(false);
    expect(issues).toEqual([
      'cidrIpv4: unknown key; did you mean CidrIpv4?',
      'CIDRIPV6: unknown key; did you mean CidrIpv6?',
    ]);
  });

  it('search a route only when it lacks a destination or a target', () => {
    const issues: string[] = [];
    const issue = (k: string, m: string) => issues.push(`${k}: ${m}`);
    expect(
      routeKeysOk({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', gatewayid: 'x' } as never, issue),
    ).toBe(true);
    expect(routeKeysOk({ DestinationCidrBlock: '0.0.0.0/0', natGatewayId: 'nat-1' } as never, issue)).toBe(
      false,
    );
    expect(routeKeysOk({ DestinationCidrBlock: '0.0.0.0/0', OdbNetworkArn: 'arn' } as never, issue)).toBe(
      true,
    );
    expect(issues).toEqual(['natGatewayId: unknown key; did you mean NatGatewayId?']);
  });
});
