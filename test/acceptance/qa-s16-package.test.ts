import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// QA, DESIGN §16 "The npm package", as a user gets it: `npm pack`, an install with production
// dependencies only into a fresh prefix (offline: the package must need nothing from a registry),
// then the installed `vpc-guardrail` binary, run outside the repository.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
let work = '';
let bin = '';

function sh(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-pack-'));
  const pack = sh('npm', ['pack', '--pack-destination', work], ROOT);
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = join(work, `${pkg.name}-${pkg.version}.tgz`);
  const prefix = join(work, 'prefix');
  const install = sh(
    'npm',
    ['install', '-g', '--prefix', prefix, '--omit=dev', '--offline', '--no-audit', '--no-fund', tarball],
    work,
  );
  if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr}`);
  bin = join(prefix, 'bin', 'vpc-guardrail');
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('QA §16: the packed, installed CLI', () => {
  it('prints its version', () => {
    const run = sh(bin, ['--version'], work);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('audits the shipped demo snapshot (installed beside it) and fails on its critical findings', () => {
    const demo = join(work, 'prefix', 'lib', 'node_modules', pkg.name, 'examples', 'demo-snapshot.json');
    const run = sh(bin, ['audit', '--snapshot', demo, '--format', 'json'], work);
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; severity: string }[] };
    const expected = sh(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/bin.ts',
        'audit',
        '--snapshot',
        'examples/demo-snapshot.json',
        '--format',
        'json',
      ],
      ROOT,
    );
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings).toEqual((JSON.parse(expected.stdout) as typeof report).findings);
    expect(report.findings.some((f) => f.severity === 'critical')).toBe(true);
    expect(run.status).toBe(expected.status);
    expect(run.status).not.toBe(0);
  });
});
