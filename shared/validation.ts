import type { z } from 'zod';
import { InputError } from './errors';

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
    else out += out === '' ? String(key) : `.${String(key)}`;
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
        : `${where}: expected ${expected}, got ${describe(issue.input)}`;
    }
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const got =
      'input' in issue && typeof issue.input === 'string'
        ? ` (${JSON.stringify(issue.input.slice(0, 80))})`
        : '';
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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 40))})`;
  if (typeof value === 'object') return 'an object';
  return `${ARTICLE[typeof value] ?? typeof value} (${String(value)})`;
}

/**
 * Parses JSON text, or throws `errorType` (`invalid <what>`, `(root): not JSON (…)`). A key that
 * the root object, or an object directly in a root array, repeats is refused too (`(root):
 * duplicate key "SecurityGroups" …`): JSON.parse keeps the last value without a word, so a
 * snapshot pasted together with `"SecurityGroups"` twice read as the second list alone.
 */
export function parseJsonText(
  text: string,
  what: string,
  errorType: typeof InputError = InputError,
): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new errorType(`invalid ${what}`, [`(root): not JSON (${(error as Error).message})`], {
      cause: error,
    });
  }
  if (text.length <= DUPLICATE_SCAN_LIMIT && parsed !== null && typeof parsed === 'object') {
    const duplicate = repeatedTopKey(text);
    if (duplicate) {
      // Merging is the advice for a list (a snapshot's); a config's `"mode"` twice is not one.
      const holder = duplicate.element < 0 ? parsed : (parsed as unknown[])[duplicate.element];
      const kept = (holder as Record<string, unknown>)[duplicate.key];
      const advice = Array.isArray(kept)
        ? 'give each key once, with the items of both in one list'
        : 'give each key once';
      throw new errorType(`invalid ${what}`, [
        `${duplicate.where}: duplicate key ${JSON.stringify(duplicate.key)} (JSON keeps only the last of its values; ${advice})`,
      ]);
    }
  }
  return parsed;
}

/**
 * Texts up to this length are searched for repeated keys. The search is a pass over the text (a
 * repeated key can only be told from it: the parsed object keeps no trace of the value it dropped,
 * and where a top-level key sits is known only once every value before it is skipped, bracket by
 * bracket): ~1.5–3 ns a character on the bench's machine, a sixth to a quarter of JSON.parse's
 * own time. Up to 16 MiB (a snapshot pasted together from AWS CLI output for a few thousand
 * groups) that is some tens of milliseconds. On the bench's 124 MB region it would be 0.2–0.4 s,
 * more than the whole validation budget (0.3× the parse) has left; files that large are written
 * by programs (`vpc-guardrail snapshot`, `JSON.stringify`, jq), which cannot repeat a key.
 */
export const DUPLICATE_SCAN_LIMIT = 16 * 1024 * 1024;

/**
 * The first key repeated in the root object, or in an object that is an element of a root array
 * (a file of several snapshots), with its path and that element's index (-1 for the root object);
 * undefined when none is. `text` is valid JSON.
 */
export function repeatedTopKey(text: string): { key: string; where: string; element: number } | undefined {
  const n = text.length;
  let depth = 0;
  let keyDepth = 1;
  let element = -1;
  let keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      i = stringEnd(text, i);
      if (depth !== keyDepth) continue;
      // A string of the object's own level is a key when a colon follows it (else a value).
      let j = i + 1;
      while (j < n && isJsonSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 58 /* : */) continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (keys.has(key)) return { key, where: element < 0 ? '(root)' : `[${element}]`, element };
      keys.add(key);
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth === 1 && c === 91) {
        keyDepth = 2;
        element = 0;
      } else if (depth === 2 && keyDepth === 2 && c === 123) keys = new Set();
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */ && depth === 1 && keyDepth === 2) element++;
  }
  return undefined;
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

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
