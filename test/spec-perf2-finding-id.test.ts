import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findingId } from '../shared/findings';

// DESIGN §6: a finding's id is stable (consumers deduplicate by it): the first 20 hex digits of the
// SHA-256 of rule id, resource id and evidence key, NUL-separated. The id is now copied out of the
// digest rather than sliced from it (§12: no 64-digit string kept alive per finding); its value
// must not change.

const reference = (ruleId: string, resourceId: string, evidenceKey = '') =>
  createHash('sha256').update(`${ruleId}\u0000${resourceId}\u0000${evidenceKey}`).digest('hex').slice(0, 20);

describe('findingId', () => {
  it.each([
    ['sg-open-admin-port', 'sg-0123456789abcdef0', '22/tcp'],
    ['eni-internet-exposed', 'eni-000000000000000b1', '0-65535/tcp,0-65535/udp'],
    ['route-blackhole', 'rtb-1', ''],
    ['nacl-ephemeral-return-blocked', 'acl-1', 'ingress:1024-65535/tcp|egress:1024-65535/udp'],
    ['vpce-policy-full-access', 'vpce-1', 'clé→ünïcode'],
  ])(
    '%s %s %s: the first 20 hex digits of the SHA-256, as every earlier version made it',
    (rule, resource, key) => {
      const id = findingId(rule, resource, key);
      expect(id).toBe(reference(rule, resource, key));
      expect(id).toMatch(/^[0-9a-f]{20}$/);
    },
  );

  it('an omitted evidence key is the empty one; ids of different inputs differ, and repeat for equal ones', () => {
    expect(findingId('route-blackhole', 'rtb-1')).toBe(reference('route-blackhole', 'rtb-1', ''));
    const ids = [
      findingId('a', 'b', 'c'),
      findingId('a', 'b', 'd'),
      findingId('a', 'bc', ''),
      findingId('a', 'b', 'c'),
    ];
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).not.toBe(ids[2]);
    expect(ids[3]).toBe(ids[0]);
  });
});
