import { describe, expect, it } from 'vitest';
import { buildModel } from '../shared/model/model';
import { parseSnapshot } from '../shared/model/snapshot';

// DESIGN §3/§4 as the model reads a validated snapshot: what the mutation checks of the model
// builders (helper mutants7, 2026-12-08) found without a test that would fail.

type Json = Record<string, unknown>;

const entry = (changes: Json): Json => ({
  RuleNumber: 100,
  Protocol: '6',
  RuleAction: 'allow',
  Egress: false,
  CidrBlock: '0.0.0.0/0',
  PortRange: { From: 22, To: 22 },
  ...changes,
});

/** The NACLs `acl-1`, `acl-2`, … of a model, each with the one ingress entry given. */
function naclsWith(...entries: Json[]) {
  const model = buildModel(
    parseSnapshot({
      NetworkAcls: entries.map((e, i) => ({ NetworkAclId: `acl-${i + 1}`, VpcId: 'vpc-1', Entries: [e] })),
    }),
  );
  return entries.map((_, i) => {
    const node = model.networkAcls.get(`acl-${i + 1}`);
    if (!node) throw new Error(`acl-${i + 1} not built`);
    return node;
  });
}

describe('NACLs of equal entries share them; NACLs that differ in any field never do', () => {
  // The entry lists are shared between NACLs whose raw entries are equal (nacls.ts): a field left
  // out of the comparison let a NACL read another's entry — its ports, block or protocol.
  it('ports differing only in PortRange.To (22–22 and 22–3389): each NACL keeps its own range', () => {
    const [a, b] = naclsWith(entry({}), entry({ PortRange: { From: 22, To: 3389 } }));
    expect(a?.ingress.map((e) => [e.fromPort, e.toPort])).toEqual([[22, 22]]);
    expect(b?.ingress.map((e) => [e.fromPort, e.toPort])).toEqual([[22, 3389]]);
  });

  it('blocks of the same length and last digit (10.0.0.0/8 and 11.0.0.0/8), IPv6 blocks alike', () => {
    const [a, b, c, d] = naclsWith(
      entry({ CidrBlock: '10.0.0.0/8' }),
      entry({ CidrBlock: '11.0.0.0/8' }),
      entry({ CidrBlock: undefined, Ipv6CidrBlock: '2001:db8::/32' }),
      entry({ CidrBlock: undefined, Ipv6CidrBlock: '2001:db9::/32' }),
    );
    expect([a, b, c, d].map((n) => n?.ingress.map((e) => e.cidr))).toEqual([
      ['10.0.0.0/8'],
      ['11.0.0.0/8'],
      ['2001:db8::/32'],
      ['2001:db9::/32'],
    ]);
  });

  it('protocols of the same length and first digit (50 and 51), ICMP codes (3/1 and 3/4)', () => {
    const [a, b, c, d] = naclsWith(
      entry({ Protocol: '50', PortRange: undefined }),
      entry({ Protocol: '51', PortRange: undefined }),
      entry({ Protocol: '1', PortRange: undefined, IcmpTypeCode: { Type: 3, Code: 1 } }),
      entry({ Protocol: '1', PortRange: undefined, IcmpTypeCode: { Type: 3, Code: 4 } }),
    );
    expect([a, b].map((n) => n?.ingress.map((e) => e.rawProtocol))).toEqual([['50'], ['51']]);
    expect([c, d].map((n) => n?.ingress.map((e) => e.item.IcmpTypeCode))).toEqual([
      [{ Type: 3, Code: 1 }],
      [{ Type: 3, Code: 4 }],
    ]);
  });

  it('NACLs of equal entries share one list (the cache is used)', () => {
    const [a, b] = naclsWith(entry({}), entry({}));
    expect(a?.ingress).toBe(b?.ingress);
  });
});
