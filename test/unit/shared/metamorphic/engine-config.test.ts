import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate, evaluateReport } from '../../../../shared/engine';
import type { Finding } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { RULE_IDS, ruleById } from '../../../../shared/rules/registry';
import type { RuleDefinition } from '../../../../shared/rules/types';
import { type Ports, parsePorts, TRANSPORTS } from './oracle';
import { key, render, type World, world } from './world';

// Relations between two evaluations of the same region under two configurations or rule
// selections (DESIGN §5, §8, §9 as the README reads them). Bounded: fixed seeds.

function run(w: World, config: ConfigInput = {}, rules?: readonly string[]): Finding[] {
  const defs = rules?.map((id) => ruleById(id) as RuleDefinition);
  return evaluate(parseSnapshot(render(w)), parseConfig(config), defs ? { rules: defs } : {});
}

const within = (a: Ports, b: Ports) =>
  TRANSPORTS.every((t) => a[t].every(([x, y]) => b[t].some(([u, v]) => u <= x && y <= v)));

const portsOf = (findings: readonly Finding[], ruleId: string, resourceId: string) =>
  parsePorts(findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId)?.evidence.ports);

describe('configuration and rule-selection relations', () => {
  it('a subset of the rules reports exactly the whole catalogue’s findings of those rules (README "Rules")', () => {
    fc.assert(
      fc.property(world, fc.subarray([...RULE_IDS], { minLength: 1 }), (w, rules) => {
        const all = run(w);
        expect(key(run(w, {}, rules))).toEqual(key(all.filter((f) => rules.includes(f.ruleId))));
      }),
      { numRuns: 150, seed: 7401 },
    );
  });

  it('a rule turned off outside a precedence group removes its findings and changes nothing else', () => {
    const free = RULE_IDS.filter((id) => ruleById(id)?.meta.precedenceGroup === undefined);
    fc.assert(
      fc.property(world, fc.constantFrom(...free), (w, off) => {
        const all = run(w);
        expect(key(run(w, { rules: { [off]: 'off' } }))).toEqual(key(all.filter((f) => f.ruleId !== off)));
      }),
      { numRuns: 150, seed: 7402 },
    );
  });

  it('sg-open-all-traffic off: its ports go to the rules below it, none is lost (README "Rules")', () => {
    fc.assert(
      fc.property(world, (w) => {
        const all = run(w);
        const off = run(w, { rules: { 'sg-open-all-traffic': 'off' } });
        for (const f of all.filter((x) => x.ruleId === 'sg-open-all-traffic')) {
          const below = parsePorts(
            off
              .filter((x) => x.resourceId === f.resourceId && x.ruleId.startsWith('sg-open-'))
              .flatMap((x) => x.evidence.ports as string[]),
          );
          // Every port but the authorized ones (DESIGN §4: tcp 80, 443) stays reported.
          const open = parsePorts(f.evidence.ports);
          const expected: Ports = {
            tcp: open.tcp.flatMap(([a, b]) =>
              [
                [a, Math.min(b, 79)],
                [Math.max(a, 81), Math.min(b, 442)],
                [Math.max(a, 444), b],
              ].filter(([x, y]) => (x as number) <= (y as number)),
            ) as [number, number][],
            udp: open.udp,
          };
          expect(below).toEqual(expected);
        }
      }),
      { numRuns: 150, seed: 7403 },
    );
  });

  it('the mode (notify, remediate, per rule) changes no finding: what is found does not depend on what is done', () => {
    fc.assert(
      fc.property(
        world,
        fc.constantFrom('notify', 'remediate'),
        fc.subarray(['sg-open-admin-port', 'nacl-open-admin-port', 'sg-default-not-restricted']),
        (w, mode, remediated) => {
          const config: ConfigInput = {
            mode,
            rules: Object.fromEntries(remediated.map((id) => [id, 'remediate'])),
          };
          expect(JSON.stringify(run(w, config))).toBe(JSON.stringify(run(w)));
        },
      ),
      { numRuns: 60, seed: 7407 },
    );
  });

  it('an exemption past its date is no exemption; one in force is the undated one (README "Exemptions")', () => {
    const now = new Date('2026-12-07T03:00:00Z');
    const at = (w: World, suffix: string) => {
      const tagged: World = {
        ...w,
        groups: w.groups.map((g) => ({
          ...g,
          exempt: `sg-open-admin-port${suffix},eni-internet-exposed${suffix}`,
        })),
      };
      return evaluate(parseSnapshot(render(tagged)), parseConfig({}), { now });
    };
    const shape = (findings: readonly Finding[]) =>
      findings.map((f) => [
        f.id,
        f.ruleId,
        f.resourceId,
        f.severity,
        f.evidence.ports ?? null,
        f.suppressed ?? null,
      ]);
    fc.assert(
      fc.property(world, (w) => {
        const expired = at(w, '@2026-12-06');
        expect(shape(expired)).toEqual(shape(evaluate(parseSnapshot(render(w)), parseConfig({}), { now })));
        for (const f of expired.filter((x) => x.ruleId === 'sg-open-admin-port'))
          expect(f.evidence.exemptionExpired).toBe('2026-12-06');
        // The day itself still counts ("holds through the end of that day, UTC").
        const today = at(w, '@2026-12-07');
        const undated = at(w, '');
        expect(today.map((f) => [f.id, f.ruleId, f.resourceId, f.suppressed !== undefined])).toEqual(
          undated.map((f) => [f.id, f.ruleId, f.resourceId, f.suppressed !== undefined]),
        );
      }),
      { numRuns: 80, seed: 7408 },
    );
  });

  it('judgeUnused false: the findings of used resources are unchanged, unused ones are listed as not judged', () => {
    fc.assert(
      fc.property(world, (w) => {
        const all = run(w);
        const report = evaluateReport(parseSnapshot(render(w)), parseConfig({ judgeUnused: false }));
        const unused = new Set(
          report.notJudged.filter((n) => n.reason === 'unused').map((n) => n.resourceId),
        );
        const usedGroups = new Set(w.enis.flatMap((e) => e.groups));
        const expectedUnused = [
          ...w.groups.filter((g) => !usedGroups.has(g.id)).map((g) => g.id),
          // The default NACL serves the subnets without their own; acl-b is subnet-b's.
          ...w.acls.filter((a) => a.id !== 'acl-default' && a.subnets.length === 0).map((a) => a.id),
        ];
        expect([...unused].sort()).toEqual(expectedUnused.sort());
        expect(key(report.findings)).toEqual(key(all.filter((f) => !unused.has(f.resourceId))));
      }),
      { numRuns: 150, seed: 7404 },
    );
  });

  it('authorizing more ports only takes ports from sg-open-unauthorized-port and lowers interface severities to info at most', () => {
    fc.assert(
      fc.property(
        world,
        fc.subarray(['22/tcp', '8080/tcp', '3389/udp', '53/udp', '1024-65535/tcp']),
        (w, more) => {
          const all = run(w);
          const wider = run(w, { authorizedPorts: ['80/tcp', '443/tcp', ...more] });
          const unchanged = (f: Finding) =>
            f.ruleId !== 'sg-open-unauthorized-port' && f.ruleId !== 'eni-internet-exposed';
          expect(key(wider.filter(unchanged))).toEqual(key(all.filter(unchanged)));
          for (const f of all.filter((x) => x.ruleId === 'sg-open-unauthorized-port'))
            expect(within(portsOf(wider, f.ruleId, f.resourceId), parsePorts(f.evidence.ports))).toBe(true);
          // The same interfaces are exposed on the same ports; only 'info' may replace a severity.
          const eni = (list: Finding[]) =>
            list
              .filter((x) => x.ruleId === 'eni-internet-exposed')
              .map((x) => [x.resourceId, x.evidence.ports]);
          expect(eni(wider)).toEqual(eni(all));
          for (const f of wider.filter((x) => x.ruleId === 'eni-internet-exposed')) {
            const before = all.find((x) => x.ruleId === f.ruleId && x.resourceId === f.resourceId);
            if (f.severity !== before?.severity)
              expect([f.resourceId, f.severity]).toEqual([f.resourceId, 'info']);
          }
        },
      ),
      { numRuns: 150, seed: 7405 },
    );
  });

  it('a lower worldOpenCoverage never removes a world-open or exposed port', () => {
    fc.assert(
      fc.property(world, fc.constantFrom(0.5, 0.9, 0.98), (w, coverage) => {
        const strict = run(w);
        const loose = run(w, { worldOpenCoverage: coverage });
        const open = (list: Finding[], id: string, rules: string[]) =>
          parsePorts(
            list
              .filter((f) => f.resourceId === id && rules.includes(f.ruleId))
              .flatMap((f) => f.evidence.ports as string[]),
          );
        const sg = [
          'sg-open-all-traffic',
          'sg-open-admin-port',
          'sg-open-high-risk-port',
          'sg-open-unauthorized-port',
        ];
        for (const g of w.groups) expect(within(open(strict, g.id, sg), open(loose, g.id, sg))).toBe(true);
        for (const e of w.enis)
          expect(
            within(open(strict, e.id, ['eni-internet-exposed']), open(loose, e.id, ['eni-internet-exposed'])),
          ).toBe(true);
        for (const a of w.acls)
          expect(
            within(open(strict, a.id, ['nacl-open-admin-port']), open(loose, a.id, ['nacl-open-admin-port'])),
          ).toBe(true);
      }),
      { numRuns: 150, seed: 7406 },
    );
  });
});
