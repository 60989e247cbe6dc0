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

/** Parses JSON text, or throws `errorType` (`invalid <what>`, `(root): not JSON (…)`). */
export function parseJsonText(
  text: string,
  what: string,
  errorType: typeof InputError = InputError,
): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new errorType(`invalid ${what}`, [`(root): not JSON (${(error as Error).message})`], {
      cause: error,
    });
  }
}
