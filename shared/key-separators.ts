// The characters a key can carry unseen (blanks, controls, format characters), which the key scan
// (json-keys.ts), the near-miss search (model/near-miss.ts) and the error paths (validation.ts)
// read as one set.

/**
 * Whether a character code is one a loose fold of a key drops: white space (and controls), `_`,
 * `-`. EC2 prints no key holding one, so two keys that differ only in them (and case, a trailing
 * `s`) are one key misspelt. White space is every blank a key can carry unseen (pasted from a page
 * or a document): JavaScript's (`\s`: U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000, U+FEFF), DEL and the C1 controls, and the characters that show nothing at all
 * (`KEY_UNSEEN_RANGES`): zero-width spaces and joiners, the bidi marks, embeddings, overrides and
 * isolates (U+061C, U+200E/F, U+202A–E, U+2066–9), the soft hyphen, the invisible operators,
 * variation selectors and fillers, and every other format character (`\p{Cf}`: the Arabic number
 * signs) or default-ignorable code point, beyond the BMP too: the tag characters U+E0000–U+E0FFF,
 * the musical formatting U+1D173–U+1D17A, the shorthand format controls U+1BCA0–3, the Egyptian
 * hieroglyph format controls. A key holding one of those was read as no near miss of the field it
 * misspells, and an item's unknown key is left alone: `"IpPermissions\u200e"`, and
 * `"IpPermissions\u{E0020}"`, hid its rules. `c` is a code point: a string's surrogate pair is read
 * as one (`separatorWidth`); a surrogate half alone is no blank.
 */
export function isKeySeparator(c: number): boolean {
  return c <= 32 || c === 95 /* _ */ || c === 45 /* - */ || (c >= 127 && isWideBlank(c));
}

/**
 * How many UTF-16 units of `text` the separator (`isKeySeparator`) at `i` takes: 0 when none is
 * there, 1, or 2 for a character beyond the BMP (a surrogate pair read as the one code point it is).
 */
export function separatorWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return isKeySeparator(c) ? 1 : 0;
  const code = text.codePointAt(i) as number;
  return code > 0xffff && isWideBlank(code) ? 2 : 0;
}

/** `separatorWidth` of the separator that ends at `to` (exclusive), none of it before `from`. */
export function separatorWidthBefore(text: string, from: number, to: number): number {
  const c = text.charCodeAt(to - 1);
  if (c < 0xdc00 || c > 0xdfff) return isKeySeparator(c) ? 1 : 0;
  if (to - 2 < from) return 0;
  const code = text.codePointAt(to - 2) as number;
  return code > 0xffff && isWideBlank(code) ? 2 : 0;
}

/**
 * The characters of `isWideBlank`, as the ranges of a regular expression's character class, for a
 * regular expression with the `u` flag (the ranges beyond the BMP are code points): `quotedKey`
 * writes them as escapes and `formatPath` quotes a key that holds one
 * (test/acceptance/review2-engine-key-marks keeps the two in step, and both with Unicode's
 * `\p{Cf}` and `\p{Default_Ignorable_Code_Point}` as Node reads them).
 */
export const KEY_UNSEEN_RANGES =
  '\\u007f-\\u00a0\\u00ad\\u034f\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u115f\\u1160' +
  '\\u1680\\u17b4\\u17b5\\u180b-\\u180f\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\u3164' +
  '\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufffb' +
  '\\u{110bd}\\u{110cd}\\u{13430}-\\u{1343f}\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0000}-\\u{e0fff}';

/** `isKeySeparator` beyond ASCII (and DEL): a blank, a control or a mark nobody sees in a key. */
function isWideBlank(c: number): boolean {
  if (c <= 160) return true; // DEL, the C1 controls, U+00A0
  if (c < 0x2000) {
    return (
      c === 0xad ||
      c === 0x34f ||
      (c >= 0x600 && c <= 0x605) ||
      c === 0x61c ||
      c === 0x6dd ||
      c === 0x70f ||
      c === 0x890 ||
      c === 0x891 ||
      c === 0x8e2 ||
      c === 0x115f ||
      c === 0x1160 ||
      c === 0x1680 ||
      c === 0x17b4 ||
      c === 0x17b5 ||
      (c >= 0x180b && c <= 0x180f)
    );
  }
  return (
    c <= 0x200f ||
    (c >= 0x2028 && c <= 0x202f) ||
    (c >= 0x205f && c <= 0x206f) ||
    c === 0x3000 ||
    c === 0x3164 ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    c === 0xfeff ||
    c === 0xffa0 ||
    (c >= 0xfff0 && c <= 0xfffb) ||
    (c > 0xffff && isUnseenBeyondBmp(c))
  );
}

/** `isWideBlank` beyond the BMP: the format characters and default-ignorable code points there. */
function isUnseenBeyondBmp(c: number): boolean {
  return (
    c === 0x110bd ||
    c === 0x110cd ||
    (c >= 0x13430 && c <= 0x1343f) ||
    (c >= 0x1bca0 && c <= 0x1bca3) ||
    (c >= 0x1d173 && c <= 0x1d17a) ||
    (c >= 0xe0000 && c <= 0xe0fff)
  );
}

/** `key` without the characters a loose fold drops (`isKeySeparator`). */
export function withoutKeySeparators(key: string): string {
  let kept = '';
  for (let i = 0; i < key.length; i++) {
    const width = separatorWidth(key, i);
    if (width === 0) kept += key[i];
    else i += width - 1;
  }
  return kept;
}
