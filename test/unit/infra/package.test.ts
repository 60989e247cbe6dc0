import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// DESIGN §16 "The npm package". CI (.ci/run) packs, installs with --omit=dev and runs the result;
// these checks hold without a build.

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Record<string, unknown>;

/** What may ship: the built CLI and its licence notices, README, LICENSE, examples. */
const SHIPPABLE =
  /^(package\.json|README\.md|LICENSE|examples\/.+|dist\/cli\/(vpc-guardrail\.mjs|THIRD-PARTY-LICENSES\.txt))$/;

describe('the npm package', () => {
  it('points bin at the CLI bundle that prepack builds, and ships only what a user needs', () => {
    expect(manifest.bin).toEqual({ 'vpc-guardrail': 'dist/cli/vpc-guardrail.mjs' });
    expect(manifest.scripts).toMatchObject({ prepack: 'node --import tsx scripts/build.ts --cli' });
    expect(manifest.files).toEqual([
      'dist/cli/vpc-guardrail.mjs',
      'dist/cli/THIRD-PARTY-LICENSES.txt',
      'examples/',
      'README.md',
      'LICENSE',
    ]);
    expect(manifest).not.toHaveProperty('private');
    expect(manifest.engines).toEqual({ node: '>=22' });
    expect(manifest.license).toBe('Apache-2.0');
  });

  it('has no runtime dependency: the CLI bundle inlines every library it uses', () => {
    expect(manifest).not.toHaveProperty('dependencies');
    expect(manifest.devDependencies).toMatchObject({
      commander: expect.any(String),
      zod: expect.any(String),
    });
  });

  it('lists only shippable files in the tarball', () => {
    const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const [pack] = JSON.parse(run.stdout) as { files: { path: string }[] }[];
    const paths = (pack?.files ?? []).map((f) => f.path);
    expect(paths.filter((path) => !SHIPPABLE.test(path))).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'examples/demo-snapshot.json']),
    );
  }, 60_000);

  it('carries the Apache License 2.0 in full', () => {
    const license = readFileSync(`${ROOT}LICENSE`, 'utf8');
    expect(license).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toContain('APPENDIX: How to apply the Apache License to your work.');
  });
});
