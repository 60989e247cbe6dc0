// The repeated-key search of JSON text (`parseJsonText`'s, and an endpoint policy's): apart from
// validation.ts, which formats what it finds.

import { separatorWidth, separatorWidthBefore, withoutKeySeparators } from './key-separators';

/** Objects with more keys than this are searched through a Set (a list search would be quadratic). */
const LINEAR_KEYS = 24;

/**
 * The keys of the open objects, one entry per key, pushed and popped with their objects: where the
 * key's opening quote is, its decoded length, whether it holds an escape (then its decoded text is
 * in `decoded`, under its entry's index).
 */
interface KeyStack {
  readonly text: string;
  readonly offsets: number[];
  readonly lengths: number[];
  /** The decoded length without a trailing run of `s`/`S` (with `caseVariants`; else the length). */
  readonly stems: number[];
  /**
   * With `looseKeys`: the key's first and last letters as a loose fold keeps them (small, with
   * separators and a trailing run of `s` dropped; see `looseSignature`): keys that differ in it
   * cannot be the same but for separators, so most pairs are told apart by one compare.
   */
  readonly signatures: number[];
  readonly escaped: boolean[];
  readonly decoded: Map<number, string>;
}

/** A key an object repeats: its path, and the earlier key when the two differ in case or a trailing `s`. */
export interface RepeatedKey {
  path: (string | number)[];
  sameAs?: string;
}

/**
 * The path of the first key that an object of `text` repeats (`["SecurityGroups", 0,
 * "IpPermissions"]`, found at its second occurrence), at any depth; undefined when none is. `text`
 * is valid JSON. Keys are compared as JSON.parse reads them (`"Vpc\\u0073"` is `"Vpcs"`). A repeat
 * that `tolerate` accepts is passed over (the caller has noted it) and the search goes on.
 * `caseVariants`: two keys that differ only in case and/or a trailing `s` count as one (`sameAs`
 * names the earlier); `looseKeys` (with `caseVariants`): so do two that differ besides by a space,
 * `_` or `-`, when one of them is in the set (the keys a reader reads: `"Owner_Id"` beside an
 * unread `OwnerId` hides nothing).
 *
 * One pass: strings are skipped by the engine's own search, every other character is looked at
 * once. A key is compared with the earlier keys of its object by length, then by its characters,
 * so nothing is allocated but for a key written with escapes; an object of many keys moves to a Set.
 */
export function repeatedKey(
  text: string,
  caseVariants = false,
  tolerate?: (found: RepeatedKey) => boolean,
  looseKeys?: ReadonlySet<string>,
): RepeatedKey | undefined {
  const loose = caseVariants ? looseKeys : undefined;
  const n = text.length;
  const stack: KeyStack = {
    text,
    offsets: [],
    lengths: [],
    stems: [],
    signatures: [],
    escaped: [],
    decoded: new Map(),
  };
  const { offsets, lengths, stems, signatures, escaped } = stack;
  // Per depth (1 = the root value): an object or an array; an object's first key on the stack, its
  // current key and its Set once it has many keys; an array's current index.
  const isObject: boolean[] = [false];
  const keyBase: number[] = [0];
  const current: number[] = [0];
  const sets: (KeySet | undefined)[] = [undefined];
  let top = 0;
  let depth = 0;
  // In an object, whether the next string is a key (after `{` or `,`) or a value (after `:`).
  let expectKey = false;
  let backslash = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Most characters outside strings are the indentation of printed JSON: one compare each.
    if (c <= 32) continue;
    if (c === 34 /* " */) {
      const open = i;
      i = stringEnd(text, i);
      if (!expectKey) continue;
      expectKey = false;
      // Whether the key holds an escape: the next backslash of the text, searched again only once
      // passed (so the whole text is searched once).
      if (backslash < open) {
        const at = text.indexOf('\\', open);
        backslash = at < 0 ? n : at;
      }
      const withEscape = backslash < i;
      let length = i - open - 1;
      offsets[top] = open;
      escaped[top] = withEscape;
      if (withEscape) {
        const key = JSON.parse(text.slice(open, i + 1)) as string;
        stack.decoded.set(top, key);
        length = key.length;
      }
      lengths[top] = length;
      const stem = caseVariants ? stemLength(stack, top) : length;
      stems[top] = stem;
      // Computed when first compared (-1 until then): the one key of an object (an `IpRanges`
      // item's `CidrIp`) never is.
      const signature = loose && top > (keyBase[depth] as number) ? looseSignature(stack, top) : -1;
      signatures[top] = signature;
      const base = keyBase[depth] as number;
      const set = sets[depth];
      // 0: no earlier key alike; else the earlier key's entry + 1 (negative: alike but for case).
      let alike = 0;
      if (set) {
        alike = set.find(keyAt(stack, top), caseVariants, top, loose);
      } else {
        for (let k = base; k < top && alike === 0; k++) {
          if (lengths[k] === length) {
            const same = sameKey(stack, k, top, caseVariants);
            if (same !== 0) alike = same > 0 ? k + 1 : -(k + 1);
          } else if (stems[k] === stem && caseVariants && sameStem(stack, k, top)) alike = -(k + 1);
          // The same but for a space, `_` or `-` (`"IpPermissions "`, `Ip_Permissions`): rare
          // enough that the signatures settle nearly every pair.
          if (
            alike === 0 &&
            loose &&
            signatureOf(stack, k) === signature &&
            sameLoose(stack, k, top) &&
            (loose.has(keyAt(stack, k)) || loose.has(keyAt(stack, top)))
          )
            alike = -(k + 1);
        }
      }
      if (alike !== 0) {
        const path = pathTo(stack, depth, isObject, current, top);
        const found: RepeatedKey = alike > 0 ? { path } : { path, sameAs: keyAt(stack, -alike - 1) };
        // A repeat the caller judges itself (an endpoint policy's keys): the search goes on.
        if (!tolerate?.(found)) return found;
      }
      current[depth] = top;
      top++;
      if (!set && top - base > LINEAR_KEYS) {
        const all = new KeySet();
        for (let k = base; k < top; k++) all.find(keyAt(stack, k), caseVariants, k, loose);
        sets[depth] = all;
      }
    } else if (c === 123 /* { */) {
      depth++;
      isObject[depth] = true;
      keyBase[depth] = top;
      sets[depth] = undefined;
      expectKey = true;
    } else if (c === 91 /* [ */) {
      depth++;
      isObject[depth] = false;
      current[depth] = 0;
      expectKey = false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (c === 125) top = keyBase[depth] as number;
      depth--;
      // A value of the enclosing object or array has ended: a `,` comes next, or its end.
      expectKey = false;
    } else if (c === 44 /* , */) {
      if (isObject[depth]) expectKey = true;
      else current[depth] = (current[depth] as number) + 1;
    }
  }
  return undefined;
}

/** The path of key `last` (on the stack) of the object at `depth`: each level's current key or index. */
function pathTo(
  stack: KeyStack,
  depth: number,
  isObject: readonly boolean[],
  current: readonly number[],
  last: number,
): (string | number)[] {
  const path: (string | number)[] = [];
  for (let level = 1; level < depth; level++) {
    const at = current[level] as number;
    path.push(isObject[level] ? keyAt(stack, at) : at);
  }
  path.push(keyAt(stack, last));
  return path;
}

/** The text of stack entry `k` as JSON.parse reads it. */
function keyAt(stack: KeyStack, k: number): string {
  if (stack.escaped[k]) return stack.decoded.get(k) as string;
  const open = stack.offsets[k] as number;
  return stack.text.slice(open + 1, open + 1 + (stack.lengths[k] as number));
}

/**
 * Whether stack entries `a` and `b` (of equal decoded length) are the same key (1), the same but
 * for the case of ASCII letters when `caseVariants` is asked (-1), or neither (0).
 */
function sameKey(stack: KeyStack, a: number, b: number, caseVariants: boolean): number {
  if (stack.escaped[a] || stack.escaped[b]) {
    const x = keyAt(stack, a);
    const y = keyAt(stack, b);
    if (x === y) return 1;
    return caseVariants && foldCase(x) === foldCase(y) ? -1 : 0;
  }
  const { text } = stack;
  const x = (stack.offsets[a] as number) + 1;
  const y = (stack.offsets[b] as number) + 1;
  const length = stack.lengths[a] as number;
  let exact = 1;
  for (let j = 0; j < length; j++) {
    const p = text.charCodeAt(x + j);
    const q = text.charCodeAt(y + j);
    if (p === q) continue;
    if (!caseVariants || lowerAscii(p) !== lowerAscii(q)) return 0;
    exact = -1;
  }
  return exact;
}

/** The length of stack entry `k` without its trailing run of `s` and `S`. */
function stemLength(stack: KeyStack, k: number): number {
  let m = stack.lengths[k] as number;
  if (stack.escaped[k]) {
    const key = stack.decoded.get(k) as string;
    while (m > 0 && (key.charCodeAt(m - 1) | 32) === 115 /* s */) m--;
    return m;
  }
  const open = stack.offsets[k] as number;
  while (m > 0 && (stack.text.charCodeAt(open + m) | 32) === 115 /* s */) m--;
  return m;
}

/** Whether stack entries `a` and `b` (of equal stems) are the same key but for case and trailing `s`. */
function sameStem(stack: KeyStack, a: number, b: number): boolean {
  if (stack.escaped[a] || stack.escaped[b]) return foldStem(keyAt(stack, a)) === foldStem(keyAt(stack, b));
  const { text } = stack;
  const x = (stack.offsets[a] as number) + 1;
  const y = (stack.offsets[b] as number) + 1;
  const stem = stack.stems[a] as number;
  for (let j = 0; j < stem; j++) {
    if (lowerAscii(text.charCodeAt(x + j)) !== lowerAscii(text.charCodeAt(y + j))) return false;
  }
  return true;
}

/** The string stack entry `k`'s characters are read from: its decoded key, or the whole text. */
function keySource(stack: KeyStack, k: number): string {
  return stack.escaped[k] ? (stack.decoded.get(k) as string) : stack.text;
}

/** Where stack entry `k`'s characters start in `keySource`. */
function keyStart(stack: KeyStack, k: number): number {
  return stack.escaped[k] ? 0 : (stack.offsets[k] as number) + 1;
}

/** `from` moved past the separators that open a key (`" IpPermissions"`). */
function looseFrom(text: string, from: number, to: number): number {
  while (from < to) {
    const width = separatorWidth(text, from);
    if (width === 0) break;
    from += width;
  }
  return from;
}

/** `to` moved back over the key's trailing run of `s` and separators (`"IpPermissions "`). */
function looseTo(text: string, from: number, to: number): number {
  while (to > from) {
    if ((text.charCodeAt(to - 1) | 32) === 115 /* s or S */) {
      to--;
      continue;
    }
    const width = separatorWidthBefore(text, from, to);
    if (width === 0) break;
    to -= width;
  }
  return to;
}

/**
 * The first and last letters of stack entry `k`'s loose fold, small, as one number (0 when empty).
 * Hot (every key of a snapshot's text): read in place, nothing allocated.
 */
function looseSignature(stack: KeyStack, k: number): number {
  const text = keySource(stack, k);
  const start = keyStart(stack, k);
  const end = start + (stack.lengths[k] as number);
  const from = looseFrom(text, start, end);
  const to = looseTo(text, from, end);
  return from === to ? 0 : lowerAscii(text.charCodeAt(from)) * 65536 + lowerAscii(text.charCodeAt(to - 1));
}

/** `looseSignature` of stack entry `k`, computed on first need. */
function signatureOf(stack: KeyStack, k: number): number {
  let signature = stack.signatures[k] as number;
  if (signature < 0) {
    signature = looseSignature(stack, k);
    stack.signatures[k] = signature;
  }
  return signature;
}

/**
 * Whether stack entries `a` and `b` are the same key but for separators (a space, `_`, `-`), the
 * case of ASCII letters and a trailing `s`: compared letter by letter, separators skipped, nothing
 * allocated (keys of equal signatures meet in every rule: `IpRanges` and `Ipv6Ranges`).
 */
function sameLoose(stack: KeyStack, a: number, b: number): boolean {
  const x = keySource(stack, a);
  const y = keySource(stack, b);
  const xStart = keyStart(stack, a);
  const yStart = keyStart(stack, b);
  let i = looseFrom(x, xStart, xStart + (stack.lengths[a] as number));
  let j = looseFrom(y, yStart, yStart + (stack.lengths[b] as number));
  const xEnd = looseTo(x, i, xStart + (stack.lengths[a] as number));
  const yEnd = looseTo(y, j, yStart + (stack.lengths[b] as number));
  for (;;) {
    i = looseFrom(x, i, xEnd);
    j = looseFrom(y, j, yEnd);
    if (i === xEnd || j === yEnd) return i === xEnd && j === yEnd;
    if (lowerAscii(x.charCodeAt(i)) !== lowerAscii(y.charCodeAt(j))) return false;
    i++;
    j++;
  }
}

/** `key` folded loosely: `foldStem` with separators dropped (`"Ip_Permissions "` → `ippermission`). */
function foldLoose(key: string): string {
  return foldStem(withoutKeySeparators(key));
}

/** `key` without its trailing run of `s` and `S`. */
export function withoutTrailingS(key: string): string {
  return key.replace(/[sS]+$/, '');
}

/** A key folded as `sameKey` and `sameStem` compare it: ASCII capitals small, no trailing `s`. */
function foldStem(key: string): string {
  return withoutTrailingS(foldCase(key));
}

/** An ASCII capital as its small letter; any other character unchanged. */
function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** `text` with its ASCII capitals as small letters (the fold `sameKey` compares by). */
function foldCase(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** The keys of an object of many keys: each key, and each key's fold (`foldStem`), with its stack entry. */
class KeySet {
  private readonly exact = new Map<string, number>();
  private readonly folded = new Map<string, number>();
  private readonly loose = new Map<string, { key: string; entry: number }>();

  /**
   * Adds `key` (stack entry `entry`): 0 when no earlier key is alike, else the earlier key's
   * entry + 1, negative when it is alike but for case and/or a trailing `s` (looked for only when
   * `caseVariants`), or besides a space, `_` or `-` with one of the two in `looseKeys`.
   */
  find(key: string, caseVariants: boolean, entry: number, looseKeys?: ReadonlySet<string>): number {
    const same = this.exact.get(key);
    if (same !== undefined) return same + 1;
    this.exact.set(key, entry);
    if (!caseVariants) return 0;
    const fold = foldStem(key);
    const like = this.folded.get(fold);
    if (like !== undefined) return -(like + 1);
    this.folded.set(fold, entry);
    if (!looseKeys) return 0;
    const loose = foldLoose(key);
    const near = this.loose.get(loose);
    // Only a pair holding a key of the set counts; the first key of each fold is kept.
    if (near === undefined) this.loose.set(loose, { key, entry });
    else if (looseKeys.has(key) || looseKeys.has(near.key)) return -(near.entry + 1);
    return 0;
  }
}

/**
 * The index of the quote that closes the string opened at `open`. Found by the engine's own
 * search (most strings are ids and CIDRs a few characters long); a quote after an odd run of
 * backslashes is escaped, and the search goes on.
 */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close > 0 && text.charCodeAt(close - 1) === 92 /* \ */) {
    let run = 1;
    while (text.charCodeAt(close - 1 - run) === 92) run++;
    if (run % 2 === 0) break;
    close = text.indexOf('"', close + 1);
  }
  return close < 0 ? text.length : close;
}
