import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { Finding } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import {
  type AllowEntry,
  acceptedOf,
  aclOf,
  type Classes,
  DEFAULT_CLASSES,
  exposureOf,
  groupVerdict,
  igwRoute,
  naclVerdict,
  parseFamilyPorts,
  parsePorts,
  portsOfSpecs,
  returnBlocked,
  segments,
  severityOf,
  TRANSPORTS,
  tableOf,
  tagRules,
} from './oracle';
import { PLAIN, render, type Spelling, spelling, type World, world } from './world';

// DESIGN §5 over whole generated regions (both address families, routes, NACL associations, the
// main table, several groups per interface), against oracle.ts's word-by-word reading of the
// spec: every port-bearing rule's ports and severity, the subnet rules, and `exposure` counts.
// Bounded: fixed seeds and a few hundred runs (the whole file stays within seconds).

function findingsOf(w: World, s: Spelling = PLAIN, config: ConfigInput = {}): Finding[] {
  return evaluate(parseSnapshot(render(w, s)), parseConfig(config));
}

/**
 * The port classes as configured (DESIGN §4: "All configurable"; the ephemeral range too): the
 * defaults, or sets that overlap each other (an authorized admin port, an admin range, udp ports,
 * a Linux or Windows ephemeral range).
 */
const classes: fc.Arbitrary<{ config: ConfigInput; c: Classes }> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ config: {}, c: DEFAULT_CLASSES }) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        admin: fc.subarray(['22/tcp', '3389/tcp', '3389/udp', '20-23/tcp', '53/udp', '0/tcp'], {
          minLength: 1,
        }),
        high: fc.subarray(['21/tcp', '23/tcp', '8080/tcp', '1000-2000/tcp', '161/udp', '22/tcp'], {
          minLength: 1,
        }),
        authorized: fc.subarray(['80/tcp', '443/tcp', '22/tcp', '8080/tcp', '123/udp', '32768-65535/tcp'], {
          minLength: 1,
        }),
        ephemeral: fc.constantFrom<[number, number]>([1024, 65535], [32768, 60999], [49152, 65535]),
        coverage: fc.constantFrom(0.99, 1, 0.5, 0.25),
      })
      .map(({ admin, high, authorized, ephemeral, coverage }) => ({
        config: {
          adminPorts: admin,
          highRiskPorts: high,
          authorizedPorts: authorized,
          ephemeralPorts: { from: ephemeral[0], to: ephemeral[1] },
          worldOpenCoverage: coverage,
        },
        c: {
          admin: portsOfSpecs(admin),
          high: portsOfSpecs(high),
          authorized: portsOfSpecs(authorized),
          ephemeral,
          coverage,
        },
      })),
  },
);

const find = (findings: readonly Finding[], ruleId: string, resourceId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId);

const portsOf = (f: Finding | undefined) => parsePorts(f?.evidence.ports);

describe('engine against a brute-force reading of DESIGN §5', () => {
  it('eni-internet-exposed: ports per family, their union, severity (§5), and each group’s exposure count', () => {
    fc.assert(
      fc.property(world, classes, (w, { config, c }) => {
        const findings = findingsOf(w, PLAIN, config);
        const starts = segments(w, c);
        const exposed = new Set<string>();
        for (const eni of w.enis) {
          const expected = exposureOf(w, eni, starts, c);
          const got = find(findings, 'eni-internet-exposed', eni.id);
          const families = got?.evidence.families as
            | Record<string, { ports?: unknown; path?: unknown }>
            | undefined;
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
          // The path of each exposed family: the igw, the subnet's table and NACL as §5 resolves
          // them (explicit, else the VPC's main table / default NACL), the interface's groups.
          const table = tableOf(w, eni.subnet);
          const acl = aclOf(w, eni.subnet);
          for (const [name, family] of [
            ['ipv4', 'v4'],
            ['ipv6', 'v6'],
          ] as const) {
            if (!expected || expected[family].tcp.length + expected[family].udp.length === 0) continue;
            expect({ eni: eni.id, name, path: families?.[name]?.path }).toEqual({
              eni: eni.id,
              name,
              path: [
                { type: 'internet-gateway', id: 'igw-1' },
                { type: 'route-table', id: table.id, association: table.main ? 'main' : 'explicit' },
                { type: 'network-acl', id: acl.id, association: acl.isDefault ? 'default' : 'explicit' },
                { type: 'security-groups', ids: expect.arrayContaining(eni.groups) },
              ],
            });
          }
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
      fc.property(world, classes, (w, { config, c }) => {
        const findings = findingsOf(w, PLAIN, config);
        const starts = segments(w, c);
        for (const g of w.groups) {
          const expected = groupVerdict(w, g.id, starts, c);
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
      fc.property(world, classes, (w, { config, c }) => {
        const findings = findingsOf(w, PLAIN, config);
        const starts = segments(w, c);
        for (const acl of w.acls) {
          const expected = naclVerdict(acl, starts, c);
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

  it('nacl-ephemeral-return-blocked: the blocked return ports of each direction, over both families', () => {
    fc.assert(
      fc.property(world, classes, (w, { config, c }) => {
        const findings = findingsOf(w, PLAIN, config);
        const starts = segments(w, c);
        for (const acl of w.acls) {
          const expected = returnBlocked(acl, starts, c);
          const got = find(findings, 'nacl-ephemeral-return-blocked', acl.id);
          const directions = (got?.evidence.directions ?? []) as {
            direction: string;
            blockedPorts: string[];
          }[];
          const of = (d: string) => parsePorts(directions.find((x) => x.direction === d)?.blockedPorts);
          expect({ acl: acl.id, ingress: of('ingress'), egress: of('egress') }).toEqual({
            acl: acl.id,
            ...expected,
          });
        }
      }),
      { numRuns: 200, seed: 7006 },
    );
  });

  const allowEntry: fc.Arbitrary<AllowEntry> = fc
    .record({
      resourceId: fc.constantFrom('sg-a', 'sg-b', 'sg-c'),
      ruleIds: fc.option(
        fc.constantFrom(
          ['eni-internet-exposed'],
          ['sg-open-admin-port'],
          ['sg-open-unauthorized-port', 'sg-open-all-traffic'],
          ['sg-broad-public-source'],
        ),
        { nil: undefined },
      ),
      ports: fc.option(
        fc.constantFrom(
          ['443/tcp'],
          ['22/tcp'],
          ['0-65535/tcp', '0-65535/udp'],
          ['1024-65535/tcp'],
          ['3389/tcp', '3389/udp'],
        ),
        { nil: undefined },
      ),
    })
    .map(({ resourceId, ruleIds, ports }) => ({
      resourceId,
      ...(ruleIds ? { ruleIds: [...ruleIds] } : {}),
      ...(ports ? { ports: [...ports] } : {}),
    }));

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
      fc.property(
        world,
        fc.tuple(tag, tag, tag),
        fc.array(allowEntry, { maxLength: 2 }),
        (w0, tags, allowLists) => {
          const w: World = { ...w0, groups: w0.groups.map((g, i) => ({ ...g, exempt: tags[i] })) };
          const findings = findingsOf(w, PLAIN, { allowLists });
          // The allow-listed ranges' bounds are bounds of the answers too.
          const cuts = parsePorts(allowLists.flatMap((e) => e.ports ?? []));
          const starts = [
            ...new Set([
              ...segments(w),
              ...TRANSPORTS.flatMap((t) => cuts[t].flatMap(([a, b]) => (b < 65535 ? [a, b + 1] : [a]))),
            ]),
          ].sort((a, b) => a - b);
          for (const eni of w.enis) {
            const exposure = exposureOf(w, eni, starts);
            const { remaining, accepted } = acceptedOf(w, eni, starts, allowLists);
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
          // A group's own findings: suppressed exactly for the rules its tag names (or `*`), or by an
          // allow-list entry naming the group (and the rule, if it names rules) that holds every
          // port of the finding.
          for (const f of findings) {
            if (f.resourceType !== 'AWS::EC2::SecurityGroup') continue;
            const rules = tagRules(w.groups.find((g) => g.id === f.resourceId)?.exempt);
            const own = portsOf(f);
            const listed = allowLists.some(
              (e) =>
                e.resourceId === f.resourceId &&
                (!e.ruleIds || e.ruleIds.includes(f.ruleId)) &&
                (!e.ports ||
                  (f.evidence.ports !== undefined &&
                    TRANSPORTS.every((t) =>
                      own[t].every(([a, b]) => parsePorts(e.ports)[t].some(([x, y]) => x <= a && b <= y)),
                    ))),
            );
            expect([f.ruleId, f.resourceId, f.suppressed !== undefined]).toEqual([
              f.ruleId,
              f.resourceId,
              rules.includes('*') || rules.includes(f.ruleId) || listed,
            ]);
          }
        },
      ),
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
