import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Config, DEFAULT_CONFIG } from '../../shared/config';
import { parseConfig } from '../../shared/load-config';

// DESIGN §9: one typed config object, defaults in code. The README's table of keys and defaults is
// what a user configures against: each default it states, given explicitly, must give the same
// config as leaving the key out (a default changed in code alone, e.g. notifyMinSeverity, used to
// pass every test while the README said otherwise).

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(
  readme.indexOf('## Configuration'),
  readme.indexOf('**Environment of both functions**'),
);

/** `| \`key\`, \`key2\` | default | meaning |` rows of the defaults table. */
function rows(): { keys: string[]; value: string }[] {
  return section
    .split('\n')
    .filter((line) => /^\| `[a-zA-Z]+`/.test(line))
    .map((line) => {
      const [, keys = '', value = ''] = line.split('|').map((cell) => cell.trim());
      return { keys: [...keys.matchAll(/`([a-zA-Z]+)`/g)].map((m) => m[1] ?? ''), value };
    });
}

describe('README "Configuration" defaults = DEFAULT_CONFIG (DESIGN §9)', () => {
  it('lists every key of the config, once', () => {
    expect(
      rows()
        .flatMap((r) => r.keys)
        .sort(),
    ).toEqual(Object.keys(DEFAULT_CONFIG).concat(['ownRoleArn', 'topicArn']).sort());
  });

  it('states each default as the code has it', () => {
    const given: Record<string, unknown> = {};
    for (const { keys, value } of rows()) {
      if (value.startsWith('none')) {
        for (const key of keys) expect(DEFAULT_CONFIG[key as keyof Config], key).toBeUndefined();
        continue;
      }
      if (keys[0] === 'highRiskPorts') {
        // "FSBP EC2.19's tcp 20, 21, …"
        const ports = [...value.replace(/^.*tcp /, '').matchAll(/\d+/g)].map((m) => `${m[0]}/tcp`);
        given.highRiskPorts = ports;
        continue;
      }
      const json = /^`(.*)`$/.exec(value)?.[1];
      expect(json, `${keys.join(', ')}: default ${value}`).toBeDefined();
      for (const key of keys) given[key] = JSON.parse(json ?? '');
    }
    expect(parseConfig(given)).toEqual(DEFAULT_CONFIG);
  });
});
