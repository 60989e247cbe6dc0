import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Spec conformance, DESIGN §2: "`shared/` — the engine … plus AWS adapters … under `shared/aws/`.
// The engine part imports no AWS SDK, reads no env, no clock." (STYLE point 1: the CLI, both
// Lambdas and the benchmark call the same pure function.) Everything in shared/ outside shared/aws/
// is checked: the SDK may be named in types only (`import type`), and time reaches it as a value
// passed in (`now`), never read.

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SHARED = join(ROOT, 'shared');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(SHARED, 'aws') ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What the engine must not do, each with a pattern over the source with comments removed. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['imports the AWS SDK (not type-only)', /^\s*import\s+(?!type\b)[^;]*from\s+['"]@aws-sdk\//m],
  ['imports the AWS SDK dynamically', /import\(\s*['"]@aws-sdk\//],
  ['reads the environment', /\bprocess\.env\b/],
  ['reads the clock', /\bDate\.now\(|\bnew Date\(\s*\)|\bperformance\.now\(/],
  ['logs', /\bconsole\.(log|info|warn|error|debug|trace)\(/],
];

/** The source without comments (a comment may name what the code must not do). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

describe('spec §2: the engine part of shared/ is pure', () => {
  it('imports no AWS SDK value, reads no environment and no clock, and logs nothing, outside shared/aws/', () => {
    // Prepare
    const files = sources(SHARED);

    // Act
    const breaches = files.flatMap((file) => {
      const text = code(readFileSync(file, 'utf8'));
      return FORBIDDEN.filter(([, pattern]) => pattern.test(text)).map(
        ([what]) => `${relative(ROOT, file)}: ${what}`,
      );
    });

    // Assess: the walk saw the engine (a guard against an empty walk passing).
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['shared/engine.ts', 'shared/rules/registry.ts', 'shared/audit/pipeline.ts']),
    );
    expect(breaches).toEqual([]);
  });
});
