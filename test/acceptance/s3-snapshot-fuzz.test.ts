import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { type Json, jsonPaths, memoryIo } from '../helpers';

// DESIGN §3: malformed input is an error naming the path, never a crash or a silent skip. Mutated
// copies of the demo snapshot go through `audit` in-process: each ends as exit 2 with an issue that
// names a path, or as a normal result (exit 0/1 with the JSON report); no exception escapes.

const DEMO = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as Json;

const ALL_PATHS = jsonPaths(DEMO);

/** Values EC2 never prints where they land: wrong types, out-of-range numbers, near-miss texts. */
const oddValue = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    -1,
    0,
    65536,
    70000,
    32768,
    -2,
    1.5,
    '',
    'bogus',
    'TCP',
    '-1',
    '6',
    '256',
    '010.0.0.0/8',
    '0.0.0.0/33',
    '10.0.0.1/8',
    '::/0',
    'fd00::1',
    'sg-0d3m00000000000b1',
    [],
    {},
    [{}],
    { From: 100, To: 20 },
  ),
  fc.integer({ min: -100, max: 70000 }),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'rename'; at: number; style: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), style: fc.nat({ max: 2 }) }),
);

function apply(root: Json, m: Mutation): void {
  const path = ALL_PATHS[m.at % ALL_PATHS.length] ?? [];
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) {
    const next = parent?.[key];
    if (next === null || typeof next !== 'object') return; // an earlier mutation changed the shape
    parent = next as Record<string | number, Json>;
  }
  const last = path[path.length - 1] as string | number;
  if (parent === null || typeof parent !== 'object' || !(last in parent)) return;
  if (m.kind === 'set') parent[last] = structuredClone(m.value);
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.kind === 'duplicate') {
    if (Array.isArray(parent)) parent.push(structuredClone(parent[last as number]));
  } else if (typeof last === 'string') {
    const renamed = [last.toLowerCase(), `${last}s`, last.replace(/s$/, '')][m.style] ?? last;
    parent[renamed] = parent[last];
    if (renamed !== last) delete parent[last];
  }
}

describe('fuzz: mutated snapshots through audit in-process', () => {
  it('2,000 mutated demo snapshots: exit 2 naming a path, or a normal report; never an escaped exception', async () => {
    let errors = 0;
    let reports = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const snapshot = structuredClone(DEMO);
        for (const m of mutations) apply(snapshot, m);
        const env = memoryIo({ 'in.json': JSON.stringify(snapshot) });
        const code = await runCli(['audit', '--snapshot', 'in.json', '--format', 'json'], env.io);
        if (code === 2) {
          errors++;
          // `vpc-guardrail: invalid snapshot:` then one `  path: what is wrong` line per issue.
          expect(env.stderr()).toMatch(/^vpc-guardrail: invalid snapshot[^\n]*:\n {2}\S[^\n]*: \S/);
          // The fast walk and the explaining walk agree: a refusal always names what is wrong.
          expect(env.stderr()).not.toContain('no detail found');
          expect(env.stdout()).toBe('');
          return;
        }
        reports++;
        expect([0, 1]).toContain(code);
        const report = JSON.parse(env.stdout()) as { findings: unknown[]; summary: { notJudged: unknown[] } };
        expect(Array.isArray(report.findings)).toBe(true);
        expect(Array.isArray(report.summary.notJudged)).toBe(true);
      }),
      { numRuns: 2000, seed: 9 },
    );
    // Both outcomes are exercised, not one of them by accident.
    expect(errors).toBeGreaterThan(200);
    expect(reports).toBeGreaterThan(200);
  }, 120_000);
});
