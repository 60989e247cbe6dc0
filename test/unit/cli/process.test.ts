import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutOf, staleBundleCause } from '../../../cli/freshness';
import { pipeSafeWriter } from '../../../cli/io';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-process-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('audit … | head -1', () => {
  it('exits with the audit exit code and no EPIPE trace when the reader stops early', () => {
    // Prepare: 3,000 world-open groups, several MB of JSON, far more than a pipe buffers.
    const groups = Array.from({ length: 3000 }, (_, i) => ({
      GroupId: `sg-${i}`,
      VpcId: 'vpc-1',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    const snapshot = join(dir, 'large.json');
    writeFileSync(snapshot, JSON.stringify({ SecurityGroups: groups }));
    const errors = join(dir, 'stderr.txt');

    // Act: exactly the shell pipeline a user types; PIPESTATUS holds the CLI's own exit code.
    const run = spawnSync(
      'bash',
      [
        '-c',
        '"$NODE" --import tsx cli/bin.ts audit --snapshot "$SNAPSHOT" --format json 2>"$ERRORS" | head -1; ' +
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash parameter expansion
          'echo "exit=${PIPESTATUS[0]}"; cat "$ERRORS"',
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE: process.execPath, SNAPSHOT: snapshot, ERRORS: errors },
      },
    );

    // Assess: the first line, the exit code of an audit with findings (1), nothing on stderr.
    expect(run.stdout).toBe('{\nexit=1\n');
  }, 60_000);

  it('drops writes after EPIPE and leaves other stream errors alone', () => {
    // Prepare
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const write = pipeSafeWriter(stream);

    // Act
    write('first\n');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    write('second\n');

    // Assess
    expect(chunks).toEqual(['first\n']);
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow(
      'disk full',
    );
  });
});

describe('a bundle older than its sources never runs (cli/freshness.ts)', () => {
  /** A checkout-shaped folder: sources, and a bundle built at `bundleTime` (seconds). */
  function checkout(name: string, bundleTime: number, sourceTime: number): string {
    const root = join(dir, name);
    for (const sub of ['cli', 'shared/rules', 'dist/cli']) mkdirSync(join(root, sub), { recursive: true });
    const files = ['cli/bin.ts', 'shared/rules/a-rule.ts', 'package.json'];
    for (const file of files) {
      writeFileSync(join(root, file), '');
      utimesSync(join(root, file), sourceTime, sourceTime);
    }
    writeFileSync(join(root, 'dist/cli/vpc-guardrail.mjs'), '');
    utimesSync(join(root, 'dist/cli/vpc-guardrail.mjs'), bundleTime, bundleTime);
    return root;
  }

  it('runs the bundle when it is newer than every source', () => {
    const root = checkout('fresh', 2_000_000, 1_000_000);
    expect(staleBundleCause(join(root, 'dist/cli/vpc-guardrail.mjs'))).toBeUndefined();
  });

  it('names the newer source when one was edited after the build', () => {
    const root = checkout('edited', 2_000_000, 1_000_000);
    utimesSync(join(root, 'shared/rules/a-rule.ts'), 3_000_000, 3_000_000);
    expect(staleBundleCause(join(root, 'dist/cli/vpc-guardrail.mjs'))).toEqual({
      root,
      newer: join(root, 'shared/rules/a-rule.ts'),
    });
  });

  it('checks nothing in an installed package (no sources beside the bundle)', () => {
    const root = join(dir, 'installed');
    mkdirSync(join(root, 'dist/cli'), { recursive: true });
    writeFileSync(join(root, 'dist/cli/vpc-guardrail.mjs'), '');
    expect(checkoutOf(join(root, 'dist/cli/vpc-guardrail.mjs'))).toBeUndefined();
    expect(staleBundleCause(join(root, 'dist/cli/vpc-guardrail.mjs'))).toBeUndefined();
  });

  it('does not apply to the TypeScript entry itself', () => {
    expect(checkoutOf(join(ROOT, 'cli/bin.ts'))).toBeUndefined();
  });
});
