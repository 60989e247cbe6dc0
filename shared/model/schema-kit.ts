import { formatPath } from '../validation';

/**
 * A small compiled validator for the snapshot (DESIGN §3, §12 "End to end"). A schema is built once
 * from combinators into plain closures: validating a 124 MB snapshot walks it once, allocates
 * nothing (missing lists are filled in place, values are never copied), and keeps no path. Only
 * when that walk fails is the input walked again, slowly, to collect every issue with its path.
 * Types are inferred from the schema, so the model's input types cannot drift from the checks.
 */

/** Where the slow walk is and what it found; `null` on the fast walk. */
export interface Explain {
  path: (string | number)[];
  issues: string[];
}

type CheckFn = (value: unknown, explain: Explain | null) => boolean;

/** A compiled check whose valid values are `Out`; `In` is what a caller may write (lists optional). */
export interface Schema<Out, In = Out> {
  readonly check: CheckFn;
  /** What the value should be, for messages (`a string`, `an array`). */
  readonly expected: string;
  /** Types only (never set): what the schema accepts and what a caller may write. */
  readonly _types?: { out: Out; in: In };
}

/** An object field: absent is an error unless optional, or filled with a default. */
interface Field<Out, In> extends Schema<Out, In> {
  readonly optional?: true;
  readonly fallback?: () => unknown;
}

export type Infer<S> = S extends { _types?: { out: infer O } } ? O : never;
export type InferInput<S> = S extends { _types?: { in: infer I } } ? I : never;

/** Records an issue at the current path plus `key` (slow walk only). */
export function report(explain: Explain, key: string | number | undefined, message: string): void {
  const path = key === undefined ? explain.path : [...explain.path, key];
  explain.issues.push(`${formatPath(path)}: ${message}`);
}

/** How a wrong value reads in a message: its type, and a short rendering of it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 40))})`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

function typeError(explain: Explain | null, expected: string, value: unknown): false {
  if (explain) report(explain, undefined, `expected ${expected}, got ${describeValue(value)}`);
  return false;
}

/** Any string. */
export function str(): Schema<string> {
  return {
    expected: 'a string',
    check: (v, x) => typeof v === 'string' || typeError(x, 'a string', v),
  };
}

/** A string that `test` accepts; `what` names the format in the message (`a valid IPv4 CIDR`). */
export function format(what: string, test: (text: string) => boolean): Schema<string> {
  return {
    expected: 'a string',
    check: (v, x) => {
      if (typeof v !== 'string') return typeError(x, 'a string', v);
      if (test(v)) return true;
      if (x) report(x, undefined, `not ${what} (${JSON.stringify(v.slice(0, 80))})`);
      return false;
    },
  };
}

/** An integer (JSON numbers may be fractional; no EC2 field of the snapshot is). */
export function int(): Schema<number> {
  return {
    expected: 'an integer',
    check: (v, x) => {
      if (typeof v !== 'number') return typeError(x, 'a number', v);
      return Number.isInteger(v) || typeError(x, 'an integer', v);
    },
  };
}

/** A boolean. */
export function bool(): Schema<boolean> {
  return { expected: 'a boolean', check: (v, x) => typeof v === 'boolean' || typeError(x, 'a boolean', v) };
}

/** One of a few strings. */
export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    expected,
    check: (v, x) => {
      if (typeof v === 'string' && (values as readonly string[]).includes(v)) return true;
      if (x) report(x, undefined, `expected ${expected}, got ${describeValue(v)}`);
      return false;
    },
  };
}

/** The field may be absent. */
export function optional<O, I>(schema: Schema<O, I>): Field<O | undefined, I | undefined> {
  return { ...schema, optional: true } as Field<O | undefined, I | undefined>;
}

/** The field is `value` when absent (written into the input: validation copies nothing). */
export function withDefault<O, I>(schema: Schema<O, I>, value: O): Field<O, I | undefined> {
  return { ...schema, fallback: () => value } as Field<O, I | undefined>;
}

/** Options of a list: the item field whose value must be unique, and under which label. */
export interface ListOptions {
  uniqueBy?: string;
}

/** An array of `item`, `[]` when absent; `uniqueBy` makes a duplicate id an error naming both indexes. */
export function list<O, I>(item: Schema<O, I>, options: ListOptions = {}): Field<O[], I[] | undefined> {
  const { uniqueBy } = options;
  const check: CheckFn = (v, x) => {
    if (!Array.isArray(v)) return typeError(x, 'an array', v);
    let ok = true;
    const seen = uniqueBy ? new Map<unknown, number>() : undefined;
    for (let i = 0; i < v.length; i++) {
      const element: unknown = v[i];
      if (x) x.path.push(i);
      const good = item.check(element, x);
      if (x) x.path.pop();
      if (!good) {
        if (!x) return false;
        ok = false;
        continue;
      }
      if (seen && uniqueBy) {
        const id = (element as Record<string, unknown>)[uniqueBy];
        const first = seen.get(id);
        if (first === undefined) seen.set(id, i);
        else {
          if (!x) return false;
          ok = false;
          const previous = formatPath([...x.path, first, uniqueBy]);
          x.path.push(i);
          report(x, uniqueBy, `duplicate id ${JSON.stringify(id)}: also at ${previous}`);
          x.path.pop();
        }
      }
    }
    return ok;
  };
  return { expected: 'an array', check, fallback: () => [] } as Field<O[], I[] | undefined>;
}

type Shape = Record<string, Schema<unknown, unknown>>;
type OutOf<F> = Infer<F>;
type InOf<F> = InferInput<F>;
type OptionalOut<S extends Shape> = { [K in keyof S]: undefined extends OutOf<S[K]> ? K : never }[keyof S];
type OptionalIn<S extends Shape> = { [K in keyof S]: undefined extends InOf<S[K]> ? K : never }[keyof S];
type Pretty<T> = { [K in keyof T]: T[K] } & {};
type OutObject<S extends Shape> = Pretty<
  { [K in Exclude<keyof S, OptionalOut<S>>]: OutOf<S[K]> } & { [K in OptionalOut<S>]?: OutOf<S[K]> }
>;
type InObject<S extends Shape> = Pretty<
  { [K in Exclude<keyof S, OptionalIn<S>>]: InOf<S[K]> } & { [K in OptionalIn<S>]?: InOf<S[K]> }
>;

/** Checks the whole object once its fields are valid; reports through `issue`, returns false on a problem. */
export type Refinement<T> = (value: T, issue: (key: string | undefined, message: string) => void) => boolean;

const NO_ISSUE = (): void => {};

/**
 * An object with the declared fields (other keys are left alone and never read). `refine` checks
 * what EC2 checks across fields (ports against the protocol, one CIDR per entry).
 */
export function obj<S extends Shape>(
  shape: S,
  refine?: Refinement<OutObject<S>>,
): Schema<OutObject<S>, InObject<S>> {
  const keys = Object.keys(shape);
  const fields = keys.map((k) => shape[k] as Field<unknown, unknown>);
  const count = keys.length;
  const check: CheckFn = (v, x) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return typeError(x, 'an object', v);
    const o = v as Record<string, unknown>;
    let ok = true;
    for (let i = 0; i < count; i++) {
      const key = keys[i] as string;
      const field = fields[i] as Field<unknown, unknown>;
      const value = o[key];
      if (value === undefined) {
        if (field.fallback) o[key] = field.fallback();
        else if (!field.optional) {
          if (!x) return false;
          report(x, key, `is required (expected ${field.expected})`);
          ok = false;
        }
        continue;
      }
      if (x) x.path.push(key);
      const good = field.check(value, x);
      if (x) x.path.pop();
      if (!good) {
        if (!x) return false;
        ok = false;
      }
    }
    if (!ok || !refine) return ok;
    return refine(o as OutObject<S>, x ? (key, message) => report(x, key, message) : NO_ISSUE);
  };
  return { expected: 'an object', check };
}

/**
 * Validates `value` against `schema`: true when valid (defaults filled in place). Otherwise returns
 * every issue (`path: what is wrong`), found by a second walk that keeps the path.
 */
export function validate(schema: Schema<unknown, unknown>, value: unknown): string[] | undefined {
  if (schema.check(value, null)) return undefined;
  const explain: Explain = { path: [], issues: [] };
  schema.check(value, explain);
  return explain.issues;
}
