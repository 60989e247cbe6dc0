import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Analysis } from '../../../../shared/analysis/analysis';
import { evaluateNacl, type NaclSegment } from '../../../../shared/analysis/nacl-eval';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { buildModel, type NaclEntry } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';

// NACLs stamped from a template share one evaluation per entry content (Analysis): whatever the
// order the lists are asked for in, each list's segments are its own evaluation's, and lists of
// equal content get the very same segments.

const RUNS = { numRuns: 300 };

// A few entries, so that generated lists often repeat one another or differ in one field only.
const genEntry = fc.record({
  RuleNumber: fc.constantFrom(100, 110, 120),
  Egress: fc.boolean(),
  RuleAction: fc.constantFrom('allow', 'deny'),
  Protocol: fc.constantFrom('-1', '6', '17', 'tcp'),
  cidr: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '0.0.0.0/1', '::/0', '2001:db8::/32'),
  ports: fc.constantFrom([22, 22], [0, 65535], [1024, 65535]),
});

type GenEntry = typeof genEntry extends fc.Arbitrary<infer T> ? T : never;

function snapshotEntry(e: GenEntry) {
  return {
    RuleNumber: e.RuleNumber,
    Egress: e.Egress,
    RuleAction: e.RuleAction,
    Protocol: e.Protocol,
    ...(e.cidr.includes(':') ? { Ipv6CidrBlock: e.cidr } : { CidrBlock: e.cidr }),
    ...(e.Protocol === '-1' ? {} : { PortRange: { From: e.ports[0], To: e.ports[1] } }),
  };
}

const lists = fc.array(
  fc.uniqueArray(genEntry, { selector: (e) => `${e.Egress}/${e.RuleNumber}`, maxLength: 4 }),
  {
    minLength: 1,
    maxLength: 6,
  },
);

/** What a segment says, with contributors by content (a shared class lends its own entry objects). */
function content(segments: readonly NaclSegment[]) {
  const entry = (e: NaclEntry) => [e.ruleNumber, e.allow, e.rawProtocol, e.fromPort, e.toPort, e.cidr];
  return segments.map((s) => ({
    from: s.from,
    to: s.to,
    v4: s.v4,
    v6: s.v6,
    contributors4: s.contributors4.map(entry),
    contributors6: s.contributors6.map(entry),
  }));
}

const sameContent = (a: readonly NaclEntry[], b: readonly NaclEntry[]) =>
  JSON.stringify(a.map((e) => [e.ruleNumber, e.allow, e.rawProtocol, e.fromPort, e.toPort, e.cidr])) ===
  JSON.stringify(b.map((e) => [e.ruleNumber, e.allow, e.rawProtocol, e.fromPort, e.toPort, e.cidr]));

describe('NACL evaluations shared by entry content', () => {
  it("gives every list its own evaluation's segments, and lists of equal content the same ones", () => {
    fc.assert(
      fc.property(lists, fc.array(fc.nat(), { maxLength: 30 }), (raw, order) => {
        const model = buildModel(
          parseSnapshot({
            NetworkAcls: raw.map((entries, i) => ({
              NetworkAclId: `acl-${i}`,
              VpcId: 'vpc-1',
              Entries: entries.map(snapshotEntry),
            })),
          }),
        );
        const acls = [...model.networkAcls.values()];
        const asks = [
          ...order.map((n) => n % (acls.length * 4)),
          ...Array.from({ length: acls.length * 4 }, (_, n) => n),
        ];
        const analysis = new Analysis(model, DEFAULT_CONFIG);
        const seen: { entries: readonly NaclEntry[]; transport: string; segments: NaclSegment[] }[] = [];
        for (const n of asks) {
          const acl = acls[Math.floor(n / 4)];
          if (!acl) continue;
          const entries = n % 2 === 0 ? acl.ingress : acl.egress;
          const transport = n % 4 < 2 ? 'tcp' : 'udp';
          // A copy is no list of the model: it is classed by its content alone.
          const asked = order.length % 2 === 1 && n % 3 === 0 ? [...entries] : entries;
          const segments = analysis.naclEntries(asked, transport);
          expect(content(segments)).toEqual(content(evaluateNacl(entries, transport)));
          for (const other of seen) {
            if (other.transport === transport && sameContent(other.entries, entries))
              expect(other.segments).toBe(segments);
          }
          seen.push({ entries, transport, segments });
        }
      }),
      RUNS,
    );
  });
});
