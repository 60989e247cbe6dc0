import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../../shared/errors';
import { DUPLICATE_SCAN_LIMIT, parseJsonText, repeatedTopKey } from '../../../shared/validation';

// JSON.parse keeps the last value of a repeated key without a word: a snapshot pasted together with
// "SecurityGroups" twice read as the second list alone. parseJsonText refuses a repeated key of
// the root object (or of an object directly in a root array), found by a scan of the text.

/** An object written by hand from its pairs (repeats kept), compact or indented. */
function render(pairs: [string, unknown][], pretty: boolean): string {
  const gap = pretty ? '\n  ' : '';
  const body = pairs.map(
    ([k, v]) => `${gap}${JSON.stringify(k)}${pretty ? ' : ' : ':'}${JSON.stringify(v, null, pretty ? 2 : 0)}`,
  );
  return `{${body.join(',')}${gap}}`;
}

const KEY = fc.constantFrom('a', 'b', 'Vpcs', 'a"b', 'é', '\\', 'x:y', '{', ']');
const PAIRS = fc.array(fc.tuple(KEY, fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 });
const firstRepeat = (keys: string[]) => keys.find((k, i) => keys.indexOf(k) !== i);

describe('repeatedTopKey', () => {
  it('finds the first repeated key of the root object, whatever the nested values and the spacing', () => {
    fc.assert(
      fc.property(PAIRS, fc.boolean(), (pairs, pretty) => {
        const found = repeatedTopKey(render(pairs, pretty));
        const repeat = firstRepeat(pairs.map(([k]) => k));
        expect(found).toEqual(
          repeat === undefined ? undefined : { key: repeat, where: '(root)', element: -1 },
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('and of each object element of a root array, naming its index', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(PAIRS, fc.constant(null)), { maxLength: 4 }), (elements) => {
        const text = `[${elements.map((pairs) => (pairs === null ? '"{\\"a\\":1,\\"a\\":2}"' : render(pairs, false))).join(', ')}]`;
        const at = elements.findIndex(
          (pairs) => pairs !== null && firstRepeat(pairs.map(([k]) => k)) !== undefined,
        );
        const pairs = elements[at];
        expect(repeatedTopKey(text)).toEqual(
          at < 0 || !pairs
            ? undefined
            : { key: firstRepeat(pairs.map(([k]) => k)), where: `[${at}]`, element: at },
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a key written with escapes as JSON.parse does', () => {
    expect(repeatedTopKey('{"Vpcs": [], "Vpc\\u0073": [{"Vpcs": 1}]}')).toEqual({
      key: 'Vpcs',
      where: '(root)',
      element: -1,
    });
    expect(repeatedTopKey('{"a": {"a": 1, "a": 2}, "b": "\\"a\\": 1"}')).toBeUndefined();
  });
});

describe('parseJsonText', () => {
  it('refuses a repeated top-level key with the error type asked for, naming it', () => {
    const text = '{"SecurityGroups": [{"GroupId": "sg-1"}],\n "SecurityGroups": []}';
    expect(() => parseJsonText(text, 'snapshot f.json')).toThrow(InputError);
    try {
      parseJsonText(text, 'config file c.json', ConfigError);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as InputError).message).toMatch(/^invalid config file c\.json:/);
      expect((error as InputError).issues).toEqual([
        '(root): duplicate key "SecurityGroups" (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
      ]);
    }
  });

  it('advises merging the two only when the value is a list (a config key given twice is not one)', () => {
    const issues = (text: string) => {
      try {
        parseJsonText(text, 'config file c.json', ConfigError);
      } catch (error) {
        return (error as ConfigError).issues;
      }
      return expect.unreachable();
    };
    expect(issues('{"mode": "notify", "mode": "remediate"}')).toEqual([
      '(root): duplicate key "mode" (JSON keeps only the last of its values; give each key once)',
    ]);
    expect(issues('[{"Vpcs": []}, {"region": "eu-west-1", "Vpcs": [], "region": "us-east-1"}]')).toEqual([
      '[1]: duplicate key "region" (JSON keeps only the last of its values; give each key once)',
    ]);
    expect(issues('[{}, {"Vpcs": [], "Vpcs": []}]')).toEqual([
      '[1]: duplicate key "Vpcs" (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
    ]);
  });

  it('does not scan a text longer than the limit (the bench region; files that large are written by programs)', () => {
    const padding = ' '.repeat(DUPLICATE_SCAN_LIMIT);
    expect(parseJsonText(`{"a": 1, "a": 2}${padding}`, 'x')).toEqual({ a: 2 });
    expect(() => parseJsonText(`{"a": 1, "a": 2}${padding.slice(20)}`, 'x')).toThrow(/duplicate key "a"/);
  });
});
