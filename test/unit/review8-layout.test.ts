import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The project's layout rules (BRIEF/STYLE): no file in shared/ over 450 lines, no import circles.
// Nothing checked them, and shared/validation.ts grew to 456 lines unnoticed.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 450;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The files a module imports at run time (type-only imports leave no edge in the bundle). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gms)) {
    if (match[1]) continue;
    const base = resolve(dirname(file), match[2] as string);
    const target = [`${base}.ts`, join(base, 'index.ts'), base].find(
      (p) => existsSync(p) && p.endsWith('.ts'),
    );
    if (target) out.push(target);
  }
  return out;
}

describe('layout', () => {
  it(`no file in shared/ is over ${MAX_LINES} lines`, () => {
    const long = tsFiles(join(ROOT, 'shared'))
      .map((file) => [relative(ROOT, file), readFileSync(file, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('no import circle among shared/, cli/ and functions/ (run-time imports)', () => {
    const files = ['shared', 'cli', 'functions'].flatMap((dir) => tsFiles(join(ROOT, dir)));
    const edges = new Map(files.map((file) => [file, runtimeImports(file)]));
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
