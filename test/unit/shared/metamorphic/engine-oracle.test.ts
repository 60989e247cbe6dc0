import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../../shared/engine';
import type { Finding } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import {
  acceptedOf,
  exposureOf,
  groupVerdict,
  igwRoute,
  naclVerdict,
  parseFamilyPorts,
  parsePorts,
  segments,
  severityOf,
  tableOf,
  tagRules,
} from './oracle';
import { PLAIN, render, type Spelling, spelling, type World, world } from './world';

// DESIGN §5 over whole generated regions (both address families, routes, NACL associations, the
// main table, several groups per interface), against oracle.ts's word-by-word reading of the
// spec: every port-bearing rule's ports and severity, the subnet rules, and `exposure` counts.
// Bounded: fixed seeds and a few hundred runs (the whole file stays within seconds).

function findingsOf(w: World, s: Spelling = PLAIN): Finding[] {
  return evaluate(parseSnapshot(render(w, s)), parseConfig({}));
}

const find = (findings: readonly Finding[], ruleId: string, resourceId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId);

const portsOf = (f: Finding | undefined) => parsePorts(f?.evidence.ports);

describe('engine against a brute-force reading of DESIGN §5', () => {
  it('eni-internet-exposed: ports per family, their union, severity (§5), and each group’s exposure count', () => {
    fc.assert(
      fc.property(world, (w) => {
        const findings = findingsOf(w);
        const starts = segments(w);
        const exposed = new Set<string>();
        for (const eni of w.enis) {
          const expected = exposureOf(w, eni, starts);
          const got = find(findings, 'eni-internet-exposed', eni.id);
          const families = got?.evidence.families as Record<string, { ports?: unknown }> | undefined;
          expect({
            ports: portsOf(got),
            v4: parseFamilyPorts(families?.ipv4?.ports),
            v6: parseFamilyPorts(families?.ipv6?.ports),
            severity: got?.severity,
          }).toEqual({
            ports: expected?.all ?? { tcp: [], udp: [] },
            v4: expected?.v4 ?? { tcp: [], udp: [] },
            v6: expected?.v6 ?? { tcp: [], udp: [] },
            severity: expected?.severity,
          });
          if (expected) exposed.add(eni.id);
        }
        for (const g of w.groups) {
          const count = w.enis.filter((e) => exposed.has(e.id) && e.groups.includes(g.id)).length;
          for (const f of findings)
            if (f.resourceId === g.id && f.ruleId.startsWith('sg-open-'))
              expect([f.ruleId, f.exposure]).toEqual([f.ruleId, count]);
        }
      }),
      { numRuns: 250, seed: 7001 },
    );
  });

  it('sg-open-* precedence and sg-broad-public-source: each world-open port under exactly the first rule that applies', () => {
    fc.assert(
      fc.property(world, (w) => {
        const findings = findingsOf(w);
        const starts = segments(w);
        for (const g of w.groups) {
          const expected = groupVerdict(w, g.id, starts);
          expect({
            group: g.id,
            all: portsOf(find(findings, 'sg-open-all-traffic', g.id)),
            admin: portsOf(find(findings, 'sg-open-admin-port', g.id)),
            high: portsOf(find(findings, 'sg-open-high-risk-port', g.id)),
            other: portsOf(find(findings, 'sg-open-unauthorized-port', g.id)),
            broad: portsOf(find(findings, 'sg-broad-public-source', g.id)),
          }).toEqual({ group: g.id, ...expected });
        }
        const severities = Object.fromEntries(
          findings
            .filter((f) => f.resourceType === 'AWS::EC2::SecurityGroup')
            .map((f) => [f.ruleId, f.severity]),
        );
        for (const [rule, severity] of Object.entries(severities))
          expect(severity).toBe(
            {
              'sg-open-all-traffic': 'critical',
              'sg-open-admin-port': 'critical',
              'sg-open-high-risk-port': 'high',
              'sg-open-unauthorized-port': 'medium',
              'sg-broad-public-source': 'low',
            }[rule],
          );
      }),
      { numRuns: 250, seed: 7002 },
    );
  });

  it('nacl-open-admin-port / nacl-broad-public-source, the subnet rules and route-blackhole', () => {
    fc.assert(
      fc.property(world, (w) => {
        const findings = findingsOf(w);
        for (const acl of w.acls) {
          const expected = naclVerdict(acl);
          expect({
            acl: acl.id,
            open: portsOf(find(findings, 'nacl-open-admin-port', acl.id)),
            broad: portsOf(find(findings, 'nacl-broad-public-source', acl.id)),
          }).toEqual({ acl: acl.id, ...expected });
        }
        const ids = (ruleId: string) =>
          findings
            .filter((f) => f.ruleId === ruleId)
            .map((f) => f.resourceId)
            .sort();
        const toIgw = (subnet: string) => {
          const table = tableOf(w, subnet);
          return igwRoute(table, 'v4') || igwRoute(table, 'v6');
        };
        const named = (word: string) =>
          w.subnets.filter((s) => s.name?.toLowerCase().includes(word)).map((s) => s.id);
        expect({
          privateIgw: ids('subnet-private-has-igw-route'),
          publicNoIgw: ids('subnet-public-no-igw-route'),
          autoAssign: ids('subnet-auto-assign-public-ip'),
          blackhole: ids('route-blackhole'),
        }).toEqual({
          privateIgw: named('private').filter(toIgw),
          publicNoIgw: named('public').filter((s) => !toIgw(s)),
          autoAssign: w.subnets.filter((s) => s.mapPublic).map((s) => s.id),
          blackhole: w.tables
            .filter((t) => t.v4 === 'igw-blackhole')
            .map((t) => t.id)
            .sort(),
        });
      }),
      { numRuns: 250, seed: 7003 },
    );
  });

  it('exemptions (§8): an exposure is suppressed for the ports every world-opening group is exempted for; the rest stays reported', () => {
    const tag = fc.option(
      fc.constantFrom(
        '*',
        'eni-internet-exposed',
        'sg-open-admin-port',
        'sg-open-all-traffic',
        'sg-open-unauthorized-port,sg-open-high-risk-port',
        'sg-broad-public-source',
        'sg-open-admin-port, sg-broad-public-source',
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(world, fc.tuple(tag, tag, tag), (w0, tags) => {
        const w: World = { ...w0, groups: w0.groups.map((g, i) => ({ ...g, exempt: tags[i] })) };
        const findings = findingsOf(w);
        const starts = segments(w);
        for (const eni of w.enis) {
          const exposure = exposureOf(w, eni, starts);
          const { remaining, accepted } = acceptedOf(w, eni, starts);
          const got = find(findings, 'eni-internet-exposed', eni.id);
          const suppressed =
            exposure !== undefined && accepted && remaining.tcp.length + remaining.udp.length === 0;
          expect({
            eni: eni.id,
            reported: got === undefined ? undefined : portsOf(got),
            severity: got?.severity,
            suppressed: got?.suppressed !== undefined,
            accepted: got?.evidence.acceptedPorts !== undefined,
          }).toEqual({
            eni: eni.id,
            // A wholly accepted finding keeps its ports (suppressed); a partly accepted one shrinks.
            reported: exposure === undefined ? undefined : suppressed ? exposure.all : remaining,
            severity:
              exposure === undefined ? undefined : suppressed ? exposure.severity : severityOf(remaining),
            suppressed,
            accepted,
          });
        }
        // A group's own findings: suppressed exactly for the rules its tag names (or `*`).
        for (const f of findings) {
          if (f.resourceType !== 'AWS::EC2::SecurityGroup') continue;
          const rules = tagRules(w.groups.find((g) => g.id === f.resourceId)?.exempt);
          expect([f.ruleId, f.resourceId, f.suppressed !== undefined]).toEqual([
            f.ruleId,
            f.resourceId,
            rules.includes('*') || rules.includes(f.ruleId),
          ]);
        }
      }),
      { numRuns: 250, seed: 7005 },
    );
  });

  it('the oracle holds under every spelling of the same region (a sanity check of the renderer)', () => {
    fc.assert(
      fc.property(world, spelling, (w, s) => {
        const findings = findingsOf(w, s);
        for (const eni of w.enis)
          expect(portsOf(find(findings, 'eni-internet-exposed', eni.id))).toEqual(
            exposureOf(w, eni)?.all ?? { tcp: [], udp: [] },
          );
      }),
      { numRuns: 100, seed: 7004 },
    );
  });
});
