import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../../shared/errors';
import { repeatedKey } from '../../../shared/json-keys';
import { DUPLICATE_SCAN_LIMIT, formatPath, parseJsonText } from '../../../shared/validation';

// JSON.parse keeps the last value of a repeated key without a word: a snapshot pasted together with
// "SecurityGroups" twice read as the second list alone, a group with "IpPermissions" twice as its
// second list alone. parseJsonText refuses a key repeated by any object, at any depth, found by a
// scan of the text, and names its path.

/** A JSON value written by hand: objects as pairs (repeats kept), keys in a chosen spelling. */
type Tree = { leaf: unknown } | { list: Tree[] } | { pairs: [Key, Tree][] };
/** A key as JSON.parse reads it, and how the text spells it (`"Vpc\u0073"` for `Vpcs`). */
type Key = { key: string; spelled: string };

const KEY: fc.Arbitrary<Key> = fc.oneof(
  fc
    .constantFrom('a', 'b', 'Vpcs', 'a"b', 'é', '\\', 'x:y', '{', ']', '', 'IpPermissions', '[0]')
    .map((key) => ({ key, spelled: JSON.stringify(key) })),
  // Escapes JSON.parse reads as the same key as the plain spelling.
  fc.constant({ key: 'Vpcs', spelled: '"Vpc\\u0073"' }),
  fc.constant({ key: 'a', spelled: '"\\u0061"' }),
);

const TREE = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((leaf) => ({ leaf })),
    fc.array(tie('tree'), { maxLength: 4 }).map((list) => ({ list })),
    fc.array(fc.tuple(KEY, tie('tree')), { maxLength: 5 }).map((pairs) => ({ pairs })),
  ),
})).tree;

function render(tree: Tree, pretty: boolean, indent = ''): string {
  const inner = `${indent}    `;
  const gap = pretty ? `\n${inner}` : '';
  const end = pretty ? `\n${indent}` : '';
  if ('leaf' in tree) return JSON.stringify(tree.leaf, null, pretty ? 4 : 0) ?? 'null';
  if ('list' in tree) return `[${tree.list.map((t) => gap + render(t, pretty, inner)).join(',')}${end}]`;
  const body = tree.pairs.map(
    ([k, v]) => `${gap}${k.spelled}${pretty ? ': ' : ':'}${render(v, pretty, inner)}`,
  );
  return `{${body.join(',')}${end}}`;
}

/** The oracle: the path of the first key (in text order) that its object repeats. */
function firstRepeat(tree: Tree, path: (string | number)[] = []): (string | number)[] | undefined {
  if ('leaf' in tree) return undefined;
  if ('list' in tree) {
    for (const [i, t] of tree.list.entries()) {
      const found = firstRepeat(t, [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const [k, v] of tree.pairs) {
    if (seen.has(k.key)) return [...path, k.key];
    seen.add(k.key);
    const found = firstRepeat(v, [...path, k.key]);
    if (found) return found;
  }
  return undefined;
}

/** What repeatedKey answers for a repeat at `path` (a plain repeat: no `sameAs`). */
const at = (path: (string | number)[] | undefined) => (path ? { path } : undefined);

describe('repeatedKey', () => {
  it('finds the first key an object repeats, at any depth, with its path, whatever the spacing and escapes', () => {
    fc.assert(
      fc.property(TREE, fc.boolean(), (tree, pretty) => {
        const text = render(tree, pretty);
        expect(() => JSON.parse(text)).not.toThrow();
        expect(repeatedKey(text)).toEqual(at(firstRepeat(tree)));
      }),
      { numRuns: 4000, seed: 6006 },
    );
  });

  it('finds a key repeated deep in a group (the open rules read as none)', () => {
    const open = '{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}';
    const text = `{"SecurityGroups": [{"GroupId": "sg-0"}, {"GroupId": "sg-1", "IpPermissions": [${open}], "IpPermissions": []}]}`;
    expect(repeatedKey(text)).toEqual(at(['SecurityGroups', 1, 'IpPermissions']));
    expect(
      repeatedKey('[{"Vpcs": []}, {"SecurityGroups": [{"Tags": [{"Key": "a", "Value": "b", "Key": "c"}]}]}]'),
    ).toEqual(at([1, 'SecurityGroups', 0, 'Tags', 0, 'Key']));
  });

  it('reads a key written with escapes as JSON.parse does, and never a value string as a key', () => {
    expect(repeatedKey('{"Vpcs": [], "Vpc\\u0073": [{"Vpcs": 1}]}')).toEqual(at(['Vpcs']));
    expect(
      repeatedKey('{"a": {"b": 1, "c": 2}, "b": "\\"a\\": 1", "c": ["a", "a"], "d": {"a": "a"}}'),
    ).toBeUndefined();
    expect(repeatedKey('{"a\\\\": 1, "a\\\\": 2}')).toEqual(at(['a\\']));
    expect(repeatedKey('{"a\\\\": 1, "a\\"": 2}')).toBeUndefined();
    // A value that ends an object or a list is followed by a value, not a key.
    expect(repeatedKey('[{"a": 1}, "a", {}, "a", [], "a"]')).toBeUndefined();
    expect(repeatedKey('{"x": [{}, "a"], "a": 1, "y": {"a": {}}, "z": 2, "a": 3}')).toEqual(at(['a']));
  });

  it('in an object of many keys (searched through a Set), exactly as in a small one', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
    expect(repeatedKey(`{${keys.join(', ')}}`)).toBeUndefined();
    expect(repeatedKey(`{"x": {${keys.join(', ')}, "k3": 0}}`)).toEqual(at(['x', 'k3']));
    expect(repeatedKey(`{${keys.join(', ')}, "k\\u0033\\u0039": 0}`)).toEqual(at(['k39']));
    // The Set of an object is its own: a sibling object with the same keys is no repeat.
    expect(repeatedKey(`[{${keys.join(', ')}}, {${keys.join(', ')}}]`)).toBeUndefined();
  });
});

describe('repeatedKey with caseVariants (snapshots)', () => {
  /** The oracle's fold: ASCII capitals small, a trailing run of s dropped (DESIGN §3's near miss). */
  const fold = (k: string) => k.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/s+$/, '');
  /** `fold` with white space, controls, `_` and `-` dropped first (as a lone key is read: `foldKeyLoose`). */
  const looseFold = (k: string) =>
    fold(
      [...k]
        .filter((c) => {
          const code = c.charCodeAt(0);
          // Controls (C0, DEL, C1), JavaScript's white space, the zero-width blanks and the other
          // characters that show nothing (bidi marks, soft hyphen, variation selectors…), `_` and `-`.
          const blank =
            code <= 32 ||
            (code >= 127 && code <= 159) ||
            code === 0x34f ||
            (code >= 0xfe00 && code <= 0xfe0f) ||
            (code >= 0x180b && code <= 0x180f) ||
            /[\s\u00ad\u061c\u115f\u1160\u17b4\u17b5\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\uffa0\ufff9-\ufffb_-]/.test(
              c,
            );
          return !blank;
        })
        .join(''),
    );
  /** The keys whose misspelling with a separator beside them counts (the snapshot's guarded keys). */
  const GUARDED: ReadonlySet<string> = new Set(['IpPermissions', 'Vpcs']);
  /** Whether `earlier` and `key` are one key misspelt: case and a trailing s, or separators beside a guarded key. */
  const alikeKeys = (earlier: string, key: string) =>
    fold(earlier) === fold(key) ||
    (looseFold(earlier) === looseFold(key) && (GUARDED.has(earlier) || GUARDED.has(key)));
  /** A leaf value as a tree (its objects' keys are unique, in the order JSON.stringify writes them). */
  const asTree = (value: unknown): Tree => {
    if (Array.isArray(value)) return { list: value.map(asTree) };
    if (value !== null && typeof value === 'object') {
      return {
        pairs: Object.entries(value).map(([key, v]): [Key, Tree] => [
          { key, spelled: JSON.stringify(key) },
          asTree(v),
        ]),
      };
    }
    return { leaf: null };
  };
  function firstAlike(
    tree: Tree,
    path: (string | number)[] = [],
  ): { path: (string | number)[]; sameAs?: string } | undefined {
    if ('leaf' in tree) {
      const { leaf } = tree;
      return leaf !== null && typeof leaf === 'object' ? firstAlike(asTree(leaf), path) : undefined;
    }
    if ('list' in tree) {
      for (const [i, t] of tree.list.entries()) {
        const found = firstAlike(t, [...path, i]);
        if (found) return found;
      }
      return undefined;
    }
    const seen: string[] = [];
    for (const [k, v] of tree.pairs) {
      const earlier = seen.find((e) => e === k.key || alikeKeys(e, k.key));
      if (earlier === k.key) return { path: [...path, k.key] };
      if (earlier !== undefined) return { path: [...path, k.key], sameAs: earlier };
      seen.push(k.key);
      const found = firstAlike(v, [...path, k.key]);
      if (found) return found;
    }
    return undefined;
  }
  const CASED: fc.Arbitrary<Key> = fc
    .constantFrom(
      'IpPermissions',
      'ipPermissions',
      'IPPERMISSIONS',
      'IpPermission',
      'IpPermissionsS',
      'Vpcs',
      'vpcs',
      'Vpc',
      'Address',
      'Addresses',
      'a',
      'A',
      's',
      'É',
      'é',
      'a-B',
      'Ip_Permissions',
      'IpPermissions ',
      ' ip-permission s',
      'Vpc\u00a0',
      '_',
    )
    .map((key) => ({ key, spelled: JSON.stringify(key) }));
  const CASED_TREE = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.jsonValue({ maxDepth: 1 }).map((leaf) => ({ leaf })),
      fc.array(tie('tree'), { maxLength: 3 }).map((list) => ({ list })),
      fc.array(fc.tuple(fc.oneof(CASED, KEY), tie('tree')), { maxLength: 5 }).map((pairs) => ({ pairs })),
    ),
  })).tree;

  it('also finds the first key that differs from an earlier one of its object only in ASCII case, a trailing s and/or separators', () => {
    fc.assert(
      fc.property(CASED_TREE, fc.boolean(), (tree, pretty) => {
        const text = render(tree, pretty);
        expect(repeatedKey(text, true, undefined, GUARDED)).toEqual(firstAlike(tree));
        // Without the option, only exact repeats.
        expect(repeatedKey(text)).toEqual(at(firstRepeat(tree)));
      }),
      { numRuns: 3000, seed: 6007 },
    );
  });

  it('in an object of many keys as in a small one, escapes read as JSON.parse reads them', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
    expect(repeatedKey(`{"x": {${keys.join(', ')}, "K3": 0}}`, true)).toEqual({
      path: ['x', 'K3'],
      sameAs: 'k3',
    });
    expect(repeatedKey(`{"x": {${keys.join(', ')}, "K3": 0}}`)).toBeUndefined();
    expect(repeatedKey(`{"x": {${keys.join(', ')}, "k3s": 0}}`, true)).toEqual({
      path: ['x', 'k3s'],
      sameAs: 'k3',
    });
    expect(repeatedKey('{"Vpcs": [], "Vp\\u0063": 1}', true)).toEqual({ path: ['Vpc'], sameAs: 'Vpcs' });
    // EC2 prints an address and its list side by side: not a near miss of each other.
    expect(
      repeatedKey(
        '{"Ipv6Address": "::1", "Ipv6Addresses": [], "PrivateIpAddress": "", "PrivateIpAddresses": []}',
        true,
      ),
    ).toBeUndefined();
    expect(repeatedKey('{"Vpcs": [], "\\u0056pcs": 1}', true)).toEqual({ path: ['Vpcs'] });
    expect(repeatedKey('{"Vpcs": [], "\\u0076pcs": 1}', true)).toEqual({ path: ['vpcs'], sameAs: 'Vpcs' });
    // Only ASCII letters fold: é and É are two keys, as EC2 never prints either.
    expect(repeatedKey('{"é": 1, "É": 2}', true)).toBeUndefined();
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
        'SecurityGroups: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
      ]);
    }
  });

  const issues = (text: string) => {
    try {
      parseJsonText(text, 'config file c.json', ConfigError);
    } catch (error) {
      return (error as ConfigError).issues;
    }
    return expect.unreachable();
  };

  it('advises merging the two only when the value is a list (a config key given twice is not one)', () => {
    expect(issues('{"mode": "notify", "mode": "remediate"}')).toEqual([
      'mode: duplicate key (JSON keeps only the last of its values; give each key once)',
    ]);
    expect(issues('[{"Vpcs": []}, {"region": "eu-west-1", "Vpcs": [], "region": "us-east-1"}]')).toEqual([
      '[1].region: duplicate key (JSON keeps only the last of its values; give each key once)',
    ]);
    expect(issues('[{}, {"Vpcs": [], "Vpcs": []}]')).toEqual([
      '[1].Vpcs: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
    ]);
  });

  it('names a repeat at any depth by its path, quoting a key that is not a plain word', () => {
    expect(
      issues(
        '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1"}], "IpPermissions": []}]}',
      ),
    ).toEqual([
      'SecurityGroups[0].IpPermissions: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
    ]);
    expect(issues('{"rules": {"sg-open-admin-port": {"severity": "low", "severity": "high"}}}')).toEqual([
      'rules.sg-open-admin-port.severity: duplicate key (JSON keeps only the last of its values; give each key once)',
    ]);
    expect(issues('{"a": {"x.y": {"": 1, "": 2}}}')).toEqual([
      'a["x.y"][""]: duplicate key (JSON keeps only the last of its values; give each key once)',
    ]);
    // The value kept may sit where the path no longer leads (a repeat inside a value dropped later).
    expect(issues('{"a": {"b": [], "b": []}, "a": 1}')).toEqual([
      'a.b: duplicate key (JSON keeps only the last of its values; give each key once)',
    ]);
  });

  it('refuses two keys of a snapshot object that differ only in case and/or a trailing s, when asked', () => {
    const text =
      '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [], "ipPermissions": [{"IpProtocol": "-1"}]}]}';
    expect(parseJsonText(text, 'x')).toBeTypeOf('object');
    expect(() => parseJsonText(text, 'snapshot s.json', InputError, { caseVariants: true })).toThrow(
      'invalid snapshot s.json:\n  SecurityGroups[0].ipPermissions: the same key as "IpPermissions" but for case (JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)',
    );
    const issue = (t: string) => {
      try {
        parseJsonText(t, 'snapshot s.json', InputError, { caseVariants: true });
      } catch (error) {
        return (error as InputError).issues[0];
      }
      return expect.unreachable();
    };
    expect(issue('{"IpPermissions": [], "IpPermission": []}')).toMatch(
      /^IpPermission: the same key as "IpPermissions" but for a trailing s \(/,
    );
    expect(issue('{"IpPermission": [], "ipPermissions": []}')).toMatch(
      /^ipPermissions: the same key as "IpPermission" but for case and a trailing s \(/,
    );
  });

  it('says what to do with two JSON values one after another (Describe outputs run into one file)', () => {
    expect(issues('{"SecurityGroups": []}\n{"NetworkAcls": []}')).toEqual([
      expect.stringMatching(
        /^\(root\): not JSON \(Unexpected non-whitespace character after JSON at position 23.*\): a second JSON value follows the first \(several Describe outputs one after another\?\); give their lists as the keys of one object\)$/,
      ),
    ]);
    expect(issues('{"a": }')).toEqual([expect.not.stringContaining('second JSON value')]);
  });

  it('does not scan a text longer than the limit (the bench region; files that large are written by programs)', () => {
    const padding = ' '.repeat(DUPLICATE_SCAN_LIMIT);
    expect(parseJsonText(`{"a": {"b": 1, "b": 2}}${padding}`, 'x')).toEqual({ a: { b: 2 } });
    expect(() => parseJsonText(`{"a": {"b": 1, "b": 2}}${padding.slice(30)}`, 'x')).toThrow(
      /a\.b: duplicate key/,
    );
  });
});

describe('formatPath', () => {
  it('writes plain keys dotted, indexes in brackets and composite parts as given', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['SecurityGroups', 0, 'IpPermissions', 3, 'PortRange.from'])).toBe(
      'SecurityGroups[0].IpPermissions[3].PortRange.from',
    );
  });

  it('quotes a key with a blank or an invisible character, escaped, in brackets (as the key scan names it)', () => {
    // Shown raw, `IpPermissions\u200b` and `IpPermissions ` read as the key they misspell, and a
    // U+202E turns the rest of the error line around.
    expect(formatPath(['SecurityGroups', 0, 'IpPermissions '])).toBe('SecurityGroups[0]["IpPermissions "]');
    expect(formatPath(['SecurityGroups', 0, 'IpPermissions\u200b', 1])).toBe(
      'SecurityGroups[0]["IpPermissions\\u200b"][1]',
    );
    expect(formatPath(['\ufeffVpcs'])).toBe('["\\ufeffVpcs"]');
    expect(formatPath(['Tags', 0, 'Key\u202eeulaV'])).toBe('Tags[0]["Key\\u202eeulaV"]');
    expect(formatPath(['a\tb'])).toBe('["a\\tb"]');
  });
});
