import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// `bin` points at the CLI bundle (dist/cli/vpc-guardrail.mjs). Installed from the package, that is
// all there is. In a source checkout the bundle may predate an edit, a `git pull` or a branch
// switch; running it would answer with yesterday's rules. So a bundle that finds the sources it
// was built from beside it first checks that none of them is newer than itself.

/** What a CLI bundle is built from, relative to the checkout root (directories are walked). */
export const BUNDLE_SOURCES = ['cli', 'shared', 'scripts', 'package.json', 'package-lock.json'] as const;

/** The checkout root of a bundle at `<root>/dist/cli/<file>.mjs`, when `<root>/cli/bin.ts` exists. */
export function checkoutOf(bundlePath: string): string | undefined {
  if (!bundlePath.endsWith('.mjs')) return undefined;
  const root = resolve(dirname(bundlePath), '..', '..');
  return existsSync(join(root, 'cli', 'bin.ts')) ? root : undefined;
}

/** The first file under `paths` modified after `since` (milliseconds), if any. */
export function newerFile(paths: readonly string[], since: number): string | undefined {
  for (const path of paths) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      continue; // package-lock.json may be absent; a missing source cannot be newer
    }
    if (stat.isDirectory()) {
      const entries = readdirSync(path).map((name) => join(path, name));
      const found = newerFile(entries, since);
      if (found) return found;
    } else if (stat.mtimeMs > since) {
      return path;
    }
  }
  return undefined;
}

/**
 * The source file that makes the bundle at `bundlePath` stale (newer than the bundle), or
 * undefined when the bundle is current or runs outside a checkout (an installed package).
 */
export function staleBundleCause(bundlePath: string): { root: string; newer: string } | undefined {
  const root = checkoutOf(bundlePath);
  if (!root) return undefined;
  const built = statSync(bundlePath).mtimeMs;
  const newer = newerFile(
    BUNDLE_SOURCES.map((source) => join(root, source)),
    built,
  );
  return newer ? { root, newer } : undefined;
}
