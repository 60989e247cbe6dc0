// DESIGN §5 `nacl-broad-public-source`: "NACL inbound permits ≥ 2^24 public IPv4 (or ≥ 2^96 IPv6)
// sources on an admin port". The IPv6 bound was pinned for security groups only: the NACL rule
// judging `>` instead of `≥` passed every test, and a /32 of public IPv6 allowed to SSH would have
// gone unreported (a silent false negative). Both bounds, both sides, for the NACL rule.
import { describe, expect, it } from 'vitest';
import { audit, entry, nacl, triples } from '../helpers';

const RULES = ['nacl-open-admin-port', 'nacl-broad-public-source'];

/** One NACL letting `cidr` reach tcp 22 inbound, everything out. */
function snapshotAllowing(cidr: string) {
  return {
    NetworkAcls: [
      nacl('acl-1', [
        entry(100, 'in', 'allow', '6', cidr, [22, 22]),
        entry(100, 'out', 'allow', '-1', cidr.includes(':') ? '::/0' : '0.0.0.0/0'),
      ]),
    ],
  };
}

describe('nacl-broad-public-source thresholds are inclusive (DESIGN §5)', () => {
  it.each([
    ['2600::/32', 'exactly 2^96 public IPv6 addresses'],
    ['11.0.0.0/8', 'exactly 2^24 public IPv4 addresses'],
  ])('%s (%s) on tcp 22 is broad: medium, ports 22/tcp', (cidr) => {
    // Act
    const findings = audit(snapshotAllowing(cidr), { rules: RULES });

    // Assess
    expect(triples(findings)).toEqual([['nacl-broad-public-source', 'acl-1', 'medium', ['22/tcp']]]);
  });

  it.each([
    ['2600::/33', 'half of 2^96'],
    ['11.0.0.0/9', 'half of 2^24'],
  ])('%s (%s) on tcp 22 is not broad: no finding', (cidr) => {
    // Act
    const findings = audit(snapshotAllowing(cidr), { rules: RULES });

    // Assess
    expect(triples(findings)).toEqual([]);
  });
});
