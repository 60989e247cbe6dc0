import type { z } from 'zod';
import { InputError } from './errors';
import { type RepeatedKey, repeatedKey, withoutTrailingS } from './json-keys';
import { KEY_UNSEEN_RANGES, withoutKeySeparators } from './key-separators';

const ARTICLE: Record<string, string> = {
  array: 'an array',
  object: 'an object',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  int: 'an integer',
};

/** Formats a JSON path the way a person reads it: `SecurityGroups[3].IpPermissions[0].FromPort`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      // A key with a blank or an invisible character is quoted in brackets with them escaped, as
      // the key scan names it (`["IpPermissions\u3000"]`): shown as it is, it reads as the key it misspells.
      if (typeof key === 'string' && UNSEEN_IN_KEY.test(key)) out += `[${quotedKey(key)}]`;
      else out += out === '' ? String(key) : `.${String(key)}`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** One line per issue: `path: what is wrong`. */
export function formatIssues(error: z.ZodError, maxIssues = 20): string[] {
  const lines = error.issues.slice(0, maxIssues).flatMap((issue) => {
    if (issue.code === 'invalid_key') {
      const inner = issue.issues[0]?.message ?? issue.message;
      return [`${formatPath(issue.path)}: ${inner}`];
    }
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
    }
    const where = formatPath(issue.path);
    if (issue.code === 'invalid_type') {
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      const missing = issue.input === undefined;
      return missing
        ? `${where}: is required (expected ${expected})`
        : `${where}: expected ${expected}, got ${describeValue(issue.input)}`;
    }
    if (issue.code === 'invalid_value' && 'values' in issue) {
      // The value given too: `" remediate "` and `"Remediate"` are refused for what they are.
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return `${where}: expected one of ${values}, got ${describeValue(issue.input)}`;
    }
    const got = 'input' in issue && typeof issue.input === 'string' ? ` (${quoted(issue.input, 80)})` : '';
    return `${where}: ${issue.message}${got}`;
  });
  if (error.issues.length > maxIssues) lines.push(`… and ${error.issues.length - maxIssues} more`);
  return lines;
}

/** Parses `input` with `schema`, or throws an InputError whose issues name every bad path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new InputError(`invalid ${what}`, formatIssues(result.error));
}

/**
 * A value given in the input, for an error line: its type, and the value itself when it is short
 * to show (`a string (" remediate ")`, `a number (3)`).
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${quoted(value, 40)})`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${ARTICLE[typeof value]} (${value})`;
  return typeof value;
}

/**
 * Characters JSON.stringify leaves as they are that would still garble or disguise an error line
 * on a terminal or in a log: DEL and the C1 controls, zero-width and bidi marks (U+202E turns the
 * rest of the line around), the line and paragraph separators, the byte-order mark: the ranges of a
 * regular expression's character class (the CLI's terminal escaping adds the C0 controls to them).
 */
export const INVISIBLE_CHARS = '\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';
const INVISIBLE = new RegExp(`[${INVISIBLE_CHARS}]`, 'g');

/**
 * Text from the input quoted for an error line: JSON-escaped (quotes, control characters, a lone
 * surrogate left by the cut), the invisible characters above as `\uXXXX`, and at most `max`
 * characters, followed by `…` when cut.
 */
export function quoted(text: string, max: number): string {
  const cut = text.length > max;
  const shown = JSON.stringify(cut ? text.slice(0, max) : text).replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${shown}…` : shown;
}

/** What `parseJsonText` refuses of the keys of an object besides a repeat. */
export interface KeyChecks {
  /**
   * Two keys of one object that differ only in the case of ASCII letters, a trailing `s` and/or a
   * space, `_` or `-` (`IpPermissions` and `ipPermissions`, `IpPermission` or `"IpPermissions "`:
   * DESIGN §3's near miss, as `foldKeyLoose` reads it for a lone key): for a snapshot,
   * whose items EC2 prints in one spelling. JSON keeps both and the engine reads one, so the rules
   * under the other would vanish. Not for events (a real CloudTrail record holds `Tag` and `tag`).
   */
  caseVariants?: boolean;
  /**
   * With `caseVariants`: two keys that differ besides by a space, `_` or `-` (`"IpPermissions "`,
   * `Ip_Permissions` beside `IpPermissions`) are refused too when one of them is in this set (the
   * keys the reader reads: a misspelling of an unread key hides nothing).
   */
  looseKeys?: ReadonlySet<string>;
  /**
   * A repeat that is not refused here because the caller judges it itself (an endpoint policy's
   * keys: that one endpoint is unreadable, the rest of the snapshot is not); `parsed` is the value
   * JSON.parse returned. True to pass it over.
   */
  tolerate?: (found: RepeatedKey, parsed: unknown) => boolean;
}

/**
 * Parses JSON text, or throws `errorType` (`invalid <what>`, `(root): not JSON (…)`). A key that an
 * object repeats, at any depth, is refused too, naming its path (`SecurityGroups[0].IpPermissions:
 * duplicate key …`): JSON.parse keeps the last value without a word, so a group written with
 * `"IpPermissions"` twice read as the second list alone, and a world-open rule of the first was
 * never judged. The same for every text read through here: snapshots, `--config` files,
 * `VPC_GUARDRAIL_CONFIG`, `simulate --event` files. `checks` adds what a snapshot refuses.
 */
export function parseJsonText(
  text: string,
  what: string,
  errorType: typeof InputError = InputError,
  checks: KeyChecks = {},
): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new errorType(`invalid ${what}`, [`(root): not JSON (${notJsonReason(error as Error)})`], {
      cause: error,
    });
  }
  if (text.length <= DUPLICATE_SCAN_LIMIT && parsed !== null && typeof parsed === 'object') {
    const { tolerate } = checks;
    const found = repeatedKey(
      text,
      checks.caseVariants === true,
      tolerate && ((f) => tolerate(f, parsed)),
      checks.looseKeys,
    );
    if (found?.sameAs !== undefined) {
      const key = String(found.path[found.path.length - 1]);
      const how = variantHow(key, found.sameAs);
      throw new errorType(`invalid ${what}`, [
        `${keyPath(found.path)}: the same key as ${JSON.stringify(found.sameAs)} but for ${how} (JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)`,
      ]);
    }
    if (found) {
      // Merging is the advice for a list (a snapshot's); a config's `"mode"` twice is not one.
      const advice = Array.isArray(valueAt(parsed, found.path))
        ? 'give each key once, with the items of both in one list'
        : 'give each key once';
      throw new errorType(`invalid ${what}`, [
        `${keyPath(found.path)}: duplicate key (JSON keeps only the last of its values; ${advice})`,
      ]);
    }
  }
  return parsed;
}

/**
 * How two keys `repeatedKey` found alike differ: `case`, `a trailing s`, `case and a trailing s`,
 * and/or separators (`a space, _ or -`: `"IpPermissions "`, `Ip_Permissions`).
 */
function variantHow(key: string, other: string): string {
  const a = withoutKeySeparators(key);
  const b = withoutKeySeparators(other);
  const separators = a !== key || b !== other ? 'a space, _ or -' : '';
  const rest =
    a === b
      ? ''
      : a.length === b.length
        ? 'case'
        : withoutTrailingS(a) === withoutTrailingS(b)
          ? 'a trailing s'
          : 'case and a trailing s';
  return rest && separators ? `${rest} and ${separators}` : rest || separators;
}

/**
 * JSON.parse's message, and for a second value after the first (Describe outputs run one after
 * another into one file, JSON Lines) what to do instead.
 */
function notJsonReason(error: Error): string {
  const { message } = error;
  if (!/after JSON/.test(message)) return message;
  return `${message}: a second JSON value follows the first (several Describe outputs one after another?); give their lists as the keys of one object`;
}

/**
 * `formatPath`, with a key that is not a plain word quoted (`Tags[0]["a.b"]`, `[""]`): the key
 * repeated may be anything, and an empty one would read as `(root)`.
 */
export function keyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (!PLAIN_KEY.test(key)) out += `[${quotedKey(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** What `formatPath` quotes a key for: any blank (ASCII ones included) and the characters `quotedKey` escapes. */
const UNSEEN_IN_KEY = new RegExp(`[\\s${KEY_UNSEEN_RANGES}]`, 'u');
/**
 * The characters `quotedKey` writes as escapes: those the key scan drops as unseen (`isKeySeparator`),
 * read by code point (`u`): a tag character is matched whole, never as two surrogate halves.
 */
const UNSEEN_KEY_CHARS = new RegExp(`[${KEY_UNSEEN_RANGES}]`, 'gu');

/**
 * `key` as a JSON string whose invisible characters are written as escapes (`"IpPermissions\u3000"`,
 * `"\ufeffVpcs"`): JSON.stringify escapes only the C0 controls, and a message that shows a key
 * with a no-break, typographic or zero-width space as it is looks like the key it misspells. A
 * character beyond the BMP (the tag space U+E0020) is written as JSON writes it, its surrogate
 * pair (`"IpPermissions\udb40\udc20"`): JSON has no longer escape.
 */
export function quotedKey(key: string): string {
  return JSON.stringify(key).replace(UNSEEN_KEY_CHARS, (c) => {
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

/** The value JSON.parse kept at `path`, if the path still leads somewhere. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * Texts up to this length are searched for repeated keys. The search is a pass over the text (a
 * repeated key can only be told from it: the parsed object keeps no trace of the value it dropped):
 * ~2–2.5 ns a character on the bench's machine, compact or printed with the AWS CLI's indentation
 * (a third of JSON.parse's time on compact text, about its time on indented text, which it parses
 * faster). Up to 64 MiB (the bench's M region — 10k groups — as the AWS CLI prints it is 62 MB)
 * that is at most ~150 ms. The bench's 124 MB L region is not searched: ~0.3 s there would cost
 * more than the whole-path budget has left; files that large are written by programs
 * (`vpc-guardrail snapshot`, `JSON.stringify`, jq), which cannot repeat a key.
 */
export const DUPLICATE_SCAN_LIMIT = 64 * 1024 * 1024;
