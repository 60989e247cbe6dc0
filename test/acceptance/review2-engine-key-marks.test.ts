import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { InputError } from '../../shared/errors';
import { isKeySeparator, KEY_UNSEEN_RANGES } from '../../shared/key-separators';
import { readSnapshotText } from '../../shared/model/snapshot';
import { formatPath, quotedKey } from '../../shared/validation';

// Review of b744772 (error paths with blanks, DESIGN §3 "Malformed input is an error that names the
// path"): quotedKey was made to escape the bidi marks and U+2061–U+2069 "as the key scan names
// them", but the key scan never named them: a key holding one was no near miss of the field it
// misspells, and inside an item an unknown key is left alone. `"IpPermissions\u200e"` (a
// left-to-right mark pasted with the name) hid a world-open rule on 22: no error, no warning, no
// finding. These format characters are as invisible as the blanks the scan already drops.

/** The issues `readSnapshotText` refuses `text` with, [] when it reads it. */
function issuesOf(text: string): string[] {
  try {
    readSnapshotText(text, 'snapshot s.json');
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  return [];
}

/** `key` quoted with every non-ASCII character written as an escape, as the message must show it. */
function escaped(key: string): string {
  return JSON.stringify(key).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const OPEN_SSH = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

const marks: [string, string][] = [
  ['U+200E left-to-right mark', '\u200e'],
  ['U+200F right-to-left mark', '\u200f'],
  ['U+061C Arabic letter mark', '\u061c'],
  ['U+202A left-to-right embedding', '\u202a'],
  ['U+202E right-to-left override', '\u202e'],
  ['U+2066 left-to-right isolate', '\u2066'],
  ['U+2069 pop directional isolate', '\u2069'],
  ['U+2061 function application', '\u2061'],
  ['U+00AD soft hyphen', '\u00ad'],
  ['U+034F combining grapheme joiner', '\u034f'],
  ['U+180E Mongolian vowel separator', '\u180e'],
  ['U+FE0F variation selector-16', '\ufe0f'],
];

describe('a key with an invisible format character is a misspelling, as one with a blank is', () => {
  const group = (extra: Record<string, unknown>) => ({
    GroupId: 'sg-1',
    GroupName: 'web',
    VpcId: 'vpc-1',
    IpPermissionsEgress: [],
    ...extra,
  });

  it.each(marks)(
    '%s after IpPermissions is refused, naming the path with the mark escaped',
    (_label, mark) => {
      const key = `IpPermissions${mark}`;
      const text = JSON.stringify({ SecurityGroups: [group({ [key]: OPEN_SSH })] });
      // Was read clean: the group had no ingress rule, the snapshot no finding and no warning.
      expect(issuesOf(text)).toEqual([
        `SecurityGroups[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpPermissions?`,
      ]);
    },
  );

  it.each(marks)('%s inside a rule (IpProtocol) is refused too', (_label, mark) => {
    const key = `IpProtocol${mark}`;
    const rule = { [key]: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: [rule] })] });
    expect(issuesOf(text)).toEqual([
      `SecurityGroups[0].IpPermissions[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpProtocol?`,
    ]);
  });

  it.each(marks)('%s beside the right key (IpPermissions given too) is refused', (_label, mark) => {
    const key = `IpPermissions${mark}`;
    const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: [], [key]: OPEN_SSH })] });
    expect(issuesOf(text)).toEqual([
      `SecurityGroups[0][${escaped(key)}]: the same key as "IpPermissions" but for a space, _ or - ` +
        '(JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)',
    ]);
  });

  it('the plain spelling still reads and reports the rule (the refusal is not a blanket one)', () => {
    const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: OPEN_SSH })] });
    const report = evaluateReport(readSnapshotText(text, 'snapshot s.json').snapshot, DEFAULT_CONFIG);
    expect(report.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-1']]);
  });

  it.each(marks)('formatPath and quotedKey write %s as an escape, never raw', (_label, mark) => {
    const key = `IpPermissions${mark}`;
    expect(quotedKey(key)).toBe(escaped(key));
    expect(formatPath(['SecurityGroups', 0, key])).toBe(`SecurityGroups[0][${escaped(key)}]`);
  });
});

describe('the key scan and the error paths agree on what is unseen', () => {
  it('every BMP character past ASCII the scan drops is one quotedKey escapes, and no other', () => {
    const unseen = new RegExp(`[${KEY_UNSEEN_RANGES}]`, 'u');
    const disagree: string[] = [];
    for (let c = 127; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      if (isKeySeparator(c) !== unseen.test(ch)) disagree.push(c.toString(16));
    }
    expect(disagree).toEqual([]);
    // Letters and ordinary punctuation stay: a key with an accent or a CJK name is no blank.
    expect(['é', 'ß', '中', '€', '\u0301'].filter((ch) => isKeySeparator(ch.charCodeAt(0)))).toEqual([]);
  });
});
