import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// DESIGN §16: the npm package ships the built CLI, README, LICENSE and the examples. The README is
// also the package's page (npmjs.com, node_modules/vpc-guardrail/README.md), so a relative link in it
// must name a file the package holds; before, it linked CONTRIBUTING.md and
// scripts/emulator/README.md, which `npm pack` leaves out (they are about the source repository).

const readme = readFileSync('README.md', 'utf8');
const files = (JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files;

/** Whether the package's `files` list ships this path (an entry ending in `/` is a folder). */
function shipped(path: string): boolean {
  return files.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}

describe('README links from the npm package', () => {
  it('links only files the package ships (or web pages and anchors)', () => {
    // Prepare
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((target) => !/^(https?:|mailto:|#)/.test(target))
      .map((target) => target.replace(/#.*$/, '').replace(/^\.\//, ''));

    // Assess
    expect(targets.filter((target) => !shipped(target))).toEqual([]);
  });

  it('still names the contributor guide and the emulator scripts, as paths of the source repository', () => {
    expect(readme).toContain('`CONTRIBUTING.md` (in the source repository');
    expect(readme).toContain('`scripts/emulator/README.md`');
  });
});
