import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Review of the README links test (DESIGN §16: the npm package ships the built CLI, README,
// LICENSE and the examples; the README is the package's page). That test reads inline links
// `](target)` only: a link with a title (`[x](examples/a.json "t")`), a reference definition
// (`[x]: CONTRIBUTING.md`) or an HTML `href`/`src` passed unread, a shipped path that does not
// exist passed, and the in-page anchors (52 of the README's links) were not read at all.

const files = (JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files;

/** Every link target of Markdown `text` outside fenced code: inline (with or without a title), reference definitions, HTML. */
function linkTargets(text: string): string[] {
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
  const inline = [...prose.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? '');
  const defined = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/gm)].map((m) => m[1] ?? '');
  const html = [...prose.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)].map((m) => m[1] ?? '');
  return [...inline, ...defined, ...html].map((t) => t.replace(/^<|>$/g, ''));
}

/** GitHub's anchor of each heading of `text` (lower case, punctuation dropped, spaces as `-`, repeats numbered). */
function anchors(text: string): Set<string> {
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** What is wrong with each link of `text`: a relative path the package does not ship or that does not exist, an anchor no heading has. */
function brokenLinks(text: string): string[] {
  const heads = anchors(text);
  const broken: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^(https?:|mailto:)/.test(target)) continue;
    if (target.startsWith('#')) {
      if (!heads.has(decodeURIComponent(target.slice(1)))) broken.push(`${target}: no such heading`);
      continue;
    }
    const path = decodeURIComponent(target.replace(/[#?].*$/, '')).replace(/^\.\//, '');
    const shipped = files.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
    if (!shipped) broken.push(`${target}: not in the npm package`);
    else if (!existsSync(path)) broken.push(`${target}: no such file`);
  }
  return broken;
}

describe('README links (the npm package page)', () => {
  it('every link of the README resolves: shipped files that exist, anchors of its headings', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(linkTargets(readme).filter((t) => t.startsWith('#')).length).toBeGreaterThan(40);
    expect(brokenLinks(readme)).toEqual([]);
  });

  it('the check reads every form of link (each of these is broken)', () => {
    const sample = [
      '# Title',
      '## Set-up: the CLI',
      'See [guide](CONTRIBUTING.md "the guide"), [demo](examples/missing.json), [x][ref],',
      '<a href="scripts/emulator/README.md">emulator</a>, [gone](#no-such-part) and [ok](#set-up-the-cli).',
      '',
      '[ref]: <docs/notes.md>',
      '```',
      '[in code](not-a-link.md)',
      '```',
    ].join('\n');
    expect(brokenLinks(sample)).toEqual([
      'CONTRIBUTING.md: not in the npm package',
      'examples/missing.json: no such file',
      '#no-such-part: no such heading',
      'docs/notes.md: not in the npm package',
      'scripts/emulator/README.md: not in the npm package',
    ]);
  });
});
