import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfigFor } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { ConfigError, InputError } from '../../shared/errors';
import { isKeySeparator, KEY_UNSEEN_RANGES, withoutKeySeparators } from '../../shared/key-separators';
import { readSnapshotText } from '../../shared/model/snapshot';
import { formatPath, quotedKey } from '../../shared/validation';

// DESIGN §3 "Malformed input is an error that names the path", README "Input rules in detail"
// (keys): a key holding a character nobody sees is a misspelling of the key it hides, as one with a
// blank is. The scan read UTF-16 units, so the invisible characters beyond the BMP — the tag
// characters U+E0000–U+E007F (an emoji tag sequence carries several), the musical formatting
// U+1D173–U+1D17A, every other format (Cf) or default-ignorable code point above U+FFFF — were two
// surrogate halves that are no blank: `"IpPermissions\u{E0020}"` hid a world-open rule on 22 with
// no error, no warning, no finding.

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

/** `key` quoted with every non-ASCII UTF-16 unit written as an escape (JSON's form of a code point beyond the BMP: its pair). */
function escaped(key: string): string {
  return JSON.stringify(key).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const OPEN_SSH = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
const group = (extra: Record<string, unknown>) => ({
  GroupId: 'sg-1',
  GroupName: 'web',
  VpcId: 'vpc-1',
  IpPermissionsEgress: [],
  ...extra,
});

const marks: [string, string][] = [
  ['U+E0020 tag space', '\u{E0020}'],
  ['U+E0001 language tag', '\u{E0001}'],
  ['U+E007F cancel tag', '\u{E007F}'],
  ['U+E0100 variation selector-17', '\u{E0100}'],
  ['U+1D173 musical symbol begin beam', '\u{1D173}'],
  ['U+1D17A musical symbol end phrase', '\u{1D17A}'],
  ['U+1BCA0 shorthand format letter overlap', '\u{1BCA0}'],
  ['U+13430 Egyptian hieroglyph vertical joiner', '\u{13430}'],
];

describe('a key with an invisible character beyond the BMP is a misspelling, as one with a BMP blank is', () => {
  it.each(marks)(
    '%s after IpPermissions is refused, naming the path with the character escaped',
    (_label, mark) => {
      // Prepare
      const key = `IpPermissions${mark}`;
      const text = JSON.stringify({ SecurityGroups: [group({ [key]: OPEN_SSH })] });
      // Act
      const issues = issuesOf(text);
      // Assess: was read clean, the group without its ingress rule.
      expect(issues).toEqual([
        `SecurityGroups[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpPermissions?`,
      ]);
    },
  );

  it.each(marks)('%s before and inside a rule key (IpProtocol) is refused too', (_label, mark) => {
    for (const key of [`${mark}IpProtocol`, `Ip${mark}Protocol`]) {
      const rule = { [key]: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
      const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: [rule] })] });
      expect(issuesOf(text)).toEqual([
        `SecurityGroups[0].IpPermissions[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpProtocol?`,
      ]);
    }
  });

  it.each(marks)('%s beside the right key (IpPermissions given too) is refused', (_label, mark) => {
    const key = `IpPermissions${mark}`;
    const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: [], [key]: OPEN_SSH })] });
    expect(issuesOf(text)).toEqual([
      `SecurityGroups[0][${escaped(key)}]: the same key as "IpPermissions" but for a space, _ or - ` +
        '(JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)',
    ]);
  });

  it('a whole tag sequence (the six code points of a flag tag) after IpPermissions is refused', () => {
    const key = `IpPermissions${'\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'}`;
    const text = JSON.stringify({ SecurityGroups: [group({ [key]: OPEN_SSH })] });
    expect(issuesOf(text)).toEqual([
      `SecurityGroups[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpPermissions?`,
    ]);
  });

  it('four trailing blanks are refused as one is (the length bound let a key longer by 4 pass)', () => {
    for (const key of ['IpPermissions    ', 'IpPermissions\u200e\u200e\u200e\u200e']) {
      const text = JSON.stringify({ SecurityGroups: [group({ [key]: OPEN_SSH })] });
      expect(issuesOf(text)).toEqual([
        `SecurityGroups[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpPermissions?`,
      ]);
    }
  });

  it('a top-level key with a tag character is refused, naming the key it resembles', () => {
    const key = 'SecurityGroups\u{E0020}';
    expect(issuesOf(JSON.stringify({ [key]: [group({ IpPermissions: OPEN_SSH })] }))).toEqual([
      `[${escaped(key)}]: unknown key ${escaped(key)}; did you mean SecurityGroups?`,
    ]);
  });

  it('a config key with a tag character is refused with the path escaped', () => {
    let issues: string[] = [];
    try {
      parseConfigFor([], { 'mode\u{E0020}': 'remediate' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues = error.issues;
    }
    expect(issues).toEqual(['["mode\\udb40\\udc20"]: unknown key; did you mean mode?']);
  });

  it('the plain spelling still reads and reports the rule; a visible character beyond the BMP is no blank', () => {
    const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: OPEN_SSH })] });
    const report = evaluateReport(readSnapshotText(text, 'snapshot s.json').snapshot, DEFAULT_CONFIG);
    expect(report.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-1']]);
    // An emoji, a CJK extension B ideograph, a mathematical bold capital: seen, so never dropped.
    for (const ch of ['\u{1F600}', '\u{20000}', '\u{1D400}', '\u{1F3F4}']) {
      expect(isKeySeparator(ch.codePointAt(0) as number)).toBe(false);
      expect(withoutKeySeparators(`Ip${ch}Ranges`)).toBe(`Ip${ch}Ranges`);
      expect(quotedKey(`Ip${ch}Ranges`)).toBe(JSON.stringify(`Ip${ch}Ranges`));
    }
  });

  it('quotedKey and formatPath write a character beyond the BMP as one escaped pair, never raw nor half raw', () => {
    const key = 'IpPermissions\u{E0020}';
    expect(quotedKey(key)).toBe('"IpPermissions\\udb40\\udc20"');
    expect(formatPath(['SecurityGroups', 0, key])).toBe('SecurityGroups[0]["IpPermissions\\udb40\\udc20"]');
    expect(quotedKey('\u{1D173}Vpcs')).toBe('"\\ud834\\udd73Vpcs"');
    // The key scan drops the pair whole: no half is left behind.
    expect(withoutKeySeparators(`Ip${'\u{E0020}'}Permissions${'\u{1D17A}'}`)).toBe('IpPermissions');
  });
});

describe('one set of unseen characters: the key scan, quotedKey and Unicode agree on every code point', () => {
  it('above ASCII, the scan drops a code point iff it is a blank, a control, a format character (Cf) or default-ignorable', () => {
    // Prepare: Unicode's own categories as Node reads them, not a list written by hand.
    const unicode = /[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
    const ranges = new RegExp(`^[${KEY_UNSEEN_RANGES}]$`, 'u');
    const scan: string[] = [];
    const quoted: string[] = [];
    // Act
    for (let c = 127; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      const expected = unicode.test(ch);
      if (isKeySeparator(c) !== expected) scan.push(c.toString(16));
      if (ranges.test(ch) !== expected) quoted.push(c.toString(16));
    }
    // Assess
    expect(scan).toEqual([]);
    expect(quoted).toEqual([]);
  });
});
