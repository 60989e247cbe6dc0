import { describeValue, formatPath, quoted } from '../validation';
import { type NearMiss, nearMissMessage, nearMissOf } from './near-miss';

/**
 * A small compiled validator for the snapshot (DESIGN §3, §12 "End to end"). A schema is built once
 * from combinators; its fast walk is generated as straight-line source (`new Function`, as Ajv and
 * TypeBox's compiler do): each field read by its literal name, primitives, enums and nested objects
 * and lists checked inline, so every read site sees one item shape and no function is called per
 * field but a format's test (a CIDR) and an object's refinement. That walk allocates nothing
 * (missing lists are filled in place, values are never copied) and keeps no path. Only when it
 * fails is the input walked again by the generic closures, slowly, to collect every issue with its
 * path. Types are inferred from the schema, so the model's input types cannot drift from the checks.
 */

/** Where the slow walk is and what it found; `null` on the fast walk. */
export interface Explain {
  path: (string | number)[];
  issues: string[];
}

type CheckFn = (value: unknown, explain: Explain | null) => boolean;

/** What generated code needs from its function: outside values by name, and fresh local names. */
interface Emitter {
  /** A name under which the generated code reads `value` (a format's test, a refinement). */
  bind(value: unknown): string;
  /** A fresh local variable name. */
  local(prefix: string): string;
}

/** JS statements that `return false` when the value in variable `v` is invalid (and else fall through). */
type Emit = (e: Emitter, v: string) => string;

/** A compiled check whose valid values are `Out`; `In` is what a caller may write (lists optional). */
export interface Schema<Out, In = Out> {
  /** The slow walk: every issue, with its path. */
  readonly check: CheckFn;
  /** The fast walk's source for a value of this schema (inlined into the enclosing object's code). */
  readonly emit: Emit;
  /** What the value should be, for messages (`a string`, `an array`). */
  readonly expected: string;
  /** Types only (never set): what the schema accepts and what a caller may write. */
  readonly _types?: { out: Out; in: In };
  /**
   * An object's keys that are looked for under a near-miss spelling when absent, and a list's or
   * object's inner schemas (for `nearMissKeys`).
   */
  readonly parts?: { keys: readonly string[]; inner: readonly Schema<unknown, unknown>[] };
}

/** An object field: absent is an error unless optional, or filled with a default. */
interface Field<Out, In> extends Schema<Out, In> {
  readonly optional?: true;
  readonly fallback?: () => unknown;
  /**
   * Whether the field, when absent, is looked for under a near-miss spelling: a list unless it
   * says `false` (see `list`), an optional field only when it says `true` (see `optional`).
   */
  readonly nearMiss?: boolean;
}

export type Infer<S> = S extends { _types?: { out: infer O } } ? O : never;
export type InferInput<S> = S extends { _types?: { in: infer I } } ? I : never;

/** Records an issue at the current path plus `key` (slow walk only). */
export function report(explain: Explain, key: string | number | undefined, message: string): void {
  const path = key === undefined ? explain.path : [...explain.path, key];
  explain.issues.push(`${formatPath(path)}: ${message}`);
}

function typeError(explain: Explain | null, expected: string, value: unknown): false {
  if (explain) report(explain, undefined, `expected ${expected}, got ${describeValue(value)}`);
  return false;
}

/** A value of one `typeof` type (`a string`, `a boolean`). */
function typeofSchema<T>(type: 'string' | 'boolean'): Schema<T> {
  const expected = `a ${type}`;
  return {
    expected,
    check: (v, x) => typeof v === type || typeError(x, expected, v),
    emit: (_, v) => `if (typeof ${v} !== "${type}") return false;`,
  };
}

/** Any string. */
export function str(): Schema<string> {
  return typeofSchema('string');
}

/** A string that `test` accepts; `what` names the format in the message (`a valid IPv4 CIDR`). */
export function format(what: string, test: (text: string) => boolean): Schema<string> {
  return {
    expected: 'a string',
    emit: (e, v) => `if (typeof ${v} !== "string" || !${e.bind(test)}(${v})) return false;`,
    check: (v, x) => {
      if (typeof v !== 'string') return typeError(x, 'a string', v);
      if (test(v)) return true;
      if (x) report(x, undefined, `not ${what} (${quoted(v, 80)})`);
      return false;
    },
  };
}

/**
 * Longer than any EC2 id (`sg-`, `subnet-`, `vpce-` plus 8 or 17 hex digits: 24 characters at most
 * today): the bound the event function puts on the ids of an event (shared/events/extract.ts).
 * An id over it is no EC2 id, and a finding on it could not be imported into Security Hub (the
 * ASFF `Id` that carries it may hold 512 characters).
 */
export const MAX_ID_LENGTH = 128;

/**
 * An EC2 resource id: a string of at most MAX_ID_LENGTH characters. `own`: the item's own id (the
 * resource a finding names), which may not be empty either.
 */
export function ec2Id(own = false): Schema<string> {
  return {
    expected: 'a string',
    emit: (_, v) =>
      `if (typeof ${v} !== "string" || ${v}.length > ${MAX_ID_LENGTH}${own ? ` || ${v}.length === 0` : ''}) return false;`,
    check: (v, x) => {
      if (typeof v !== 'string') return typeError(x, 'a string', v);
      if (v.length > MAX_ID_LENGTH) {
        if (x) {
          report(
            x,
            undefined,
            `an id of ${v.length} characters (${quoted(v, 24)}), longer than any EC2 id (at most ${MAX_ID_LENGTH})`,
          );
        }
        return false;
      }
      if (own && v.length === 0) {
        if (x) report(x, undefined, 'is empty (expected the resource id EC2 prints)');
        return false;
      }
      return true;
    },
  };
}

/** An integer (JSON numbers may be fractional; no EC2 field of the snapshot is). */
export function int(): Schema<number> {
  return {
    expected: 'an integer',
    // Number.isInteger spelled out: no global and property load before each call while the
    // walk runs unoptimized (`v % 1` is NaN for NaN and ±Infinity, -0 for -0).
    emit: (_, v) => `if (typeof ${v} !== "number" || ${v} % 1 !== 0) return false;`,
    check: (v, x) => {
      if (typeof v !== 'number') return typeError(x, 'a number', v);
      return Number.isInteger(v) || typeError(x, 'an integer', v);
    },
  };
}

/** A boolean. */
export function bool(): Schema<boolean> {
  return typeofSchema('boolean');
}

/** One of a few strings. */
export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    expected,
    // Compared to literals: no array search, and false for anything but one of these strings.
    emit: (_, v) =>
      `if (${values.map((value) => `${v} !== ${JSON.stringify(value)}`).join(' && ')}) return false;`,
    check: (v, x) => {
      if (typeof v === 'string' && (values as readonly string[]).includes(v)) return true;
      if (x) report(x, undefined, `expected ${expected}, got ${describeValue(v)}`);
      return false;
    },
  };
}

/**
 * The field may be absent. `nearMiss`: when absent, the object is searched for the field under a
 * near-miss spelling (`mapPublicIpOnLaunch`), as lists always are: for a field whose absence reads
 * as "safe" and that EC2 always prints (a search per absent field, so not for fields often absent).
 */
export function optional<O, I>(
  schema: Schema<O, I>,
  options: { nearMiss?: boolean } = {},
): Field<O | undefined, I | undefined> {
  // An optional list stays absent when absent (no `[]` default): absence can mean "unknown".
  return { ...schema, optional: true, fallback: undefined, nearMiss: options.nearMiss === true } as Field<
    O | undefined,
    I | undefined
  >;
}

/** The field is `value` when absent (written into the input: validation copies nothing). */
export function withDefault<O, I>(schema: Schema<O, I>, value: O): Field<O, I | undefined> {
  return { ...schema, fallback: () => value } as Field<O, I | undefined>;
}

/**
 * Options of a list. `uniqueBy`: the item field whose value must be unique. `separate`: the list
 * is checked by its own compiled function rather than inline in its parent's (a snapshot's
 * resource lists: each function then tiers up on its own).
 */
export interface ListOptions {
  uniqueBy?: string;
  separate?: boolean;
  /**
   * `false`: an absent list is not looked for under a near-miss spelling (a list EC2 leaves out
   * when empty on many items, whose misspelling hides nothing: a group's exemption tags).
   */
  nearMiss?: boolean;
}

/** An array of `item`, `[]` when absent; `uniqueBy` makes a duplicate id an error naming both indexes. */
export function list<O, I>(item: Schema<O, I>, options: ListOptions = {}): Field<O[], I[] | undefined> {
  const { uniqueBy, separate } = options;
  const check: CheckFn = (v, x) => {
    if (!Array.isArray(v)) return typeError(x, 'an array', v);
    let ok = true;
    const seen = uniqueBy ? new Map<unknown, number>() : undefined;
    for (let i = 0; i < v.length; i++) {
      const element: unknown = v[i];
      x?.path.push(i);
      const good = item.check(element, x);
      x?.path.pop();
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
          ok = false;
          if (!x) return false;
          const previous = formatPath([...x.path, first, uniqueBy]);
          x.path.push(i);
          report(x, uniqueBy, `duplicate id ${JSON.stringify(id)}: also at ${previous}`);
          x.path.pop();
        }
      }
    }
    return ok;
  };
  const loop: Emit = (e, v) => {
    const i = e.local('i');
    const element = e.local('e');
    const seen = e.local('seen');
    const body = item.emit(e, element);
    // One hash per id, once the item is known to be a valid object: a duplicate leaves the size.
    const unique = uniqueBy
      ? `${seen}.add(${element}[${JSON.stringify(uniqueBy)}]); if (${seen}.size !== ${i} + 1) return false;`
      : '';
    // Hot: Array.isArray bound once, not a global and a property read per list while unoptimized.
    return `if (!${e.bind(Array.isArray)}(${v})) return false;
      ${uniqueBy ? `var ${seen} = new Set();` : ''}
      for (var ${i} = 0; ${i} < ${v}.length; ${i}++) {
        var ${element} = ${v}[${i}];
        ${body}
        ${unique}
      }`;
  };
  // A separate list is its own compiled function (loop and items): it is optimized, on-stack
  // while its loop runs, with the feedback of its own items only. Inline in the snapshot's
  // function, the lists not yet reached had none, and the optimized code was thrown away on
  // reaching them (V8's --trace-deopt: "insufficient type feedback").
  let compiled: ((v: unknown) => boolean) | undefined;
  const emit: Emit = (e, v) => {
    if (!separate) return loop(e, v);
    compiled ??= compileCheck({ expected: 'an array', check, emit: loop }, uniqueBy ?? 'list');
    return `if (!${e.bind(compiled)}(${v})) return false;`;
  };
  return {
    expected: 'an array',
    check,
    emit,
    fallback: () => [],
    nearMiss: options.nearMiss !== false,
    parts: { keys: [], inner: [item as Schema<unknown, unknown>] },
  } as Field<O[], I[] | undefined>;
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
  const declared = new Set(keys);
  const misses = keys.map((key) => nearMissOf(key, declared));
  // Which absent fields are looked for under a near-miss spelling: a required one (its absence is
  // an error anyway, named better), and a list or optional field that asks for it.
  const searched = fields.map((field) => (field.optional || field.fallback ? field.nearMiss === true : true));
  const check: CheckFn = (v, x) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return typeError(x, 'an object', v);
    const o = v as Record<string, unknown>;
    let ok = true;
    for (let i = 0; i < count; i++) {
      const key = keys[i] as string;
      const field = fields[i] as Field<unknown, unknown>;
      const value = o[key];
      if (value === undefined) {
        const miss = searched[i] ? (misses[i] as NearMiss)(o) : undefined;
        if (miss !== undefined) {
          if (!x) return false;
          report(x, miss, nearMissMessage(miss, key));
          ok = false;
        } else if (field.fallback) o[key] = field.fallback();
        else if (!field.optional) {
          if (!x) return false;
          report(x, key, `is required (expected ${field.expected})`);
          ok = false;
        }
        continue;
      }
      x?.path.push(key);
      const good = field.check(value, x);
      x?.path.pop();
      if (!good) {
        if (!x) return false;
        ok = false;
      }
    }
    if (!ok || !refine) return ok;
    return refine(o as OutObject<S>, x ? (key, message) => report(x, key, message) : NO_ISSUE);
  };
  // Each field read once by its literal name into a local, then checked inline.
  const emit: Emit = (e, o) => {
    const lines = fields.map((field, i) => {
      const key = JSON.stringify(keys[i]);
      const v = e.local('v');
      // An absent field is looked for under a near-miss spelling first (read as absent, a list
      // would be empty); present fields, the usual case, pay nothing for it.
      const miss = searched[i] ? `if (${e.bind(misses[i])}(${o}) !== undefined) return false;` : '';
      const absent = field.fallback
        ? `${miss} ${o}[${key}] = ${e.bind(field.fallback)}();`
        : field.optional
          ? miss
          : 'return false;';
      return `var ${v} = ${o}[${key}];
        if (${v} === undefined) { ${absent} } else { ${field.emit(e, v)} }`;
    });
    const refined = refine ? `if (!${e.bind(refine)}(${o}, ${e.bind(NO_ISSUE)})) return false;` : '';
    return `if (typeof ${o} !== "object" || ${o} === null || ${e.bind(Array.isArray)}(${o})) return false;
      ${lines.join('\n')}
      ${refined}`;
  };
  return {
    expected: 'an object',
    check,
    emit,
    parts: { keys: keys.filter((_, i) => searched[i]), inner: fields },
  };
}

/**
 * Every key that some object of `schema` looks for under a near-miss spelling when it is absent
 * (lists, required fields, the optional fields that ask), at any depth: the keys whose misspelling
 * would hide something, and so an error beside the key too (`parseSnapshotJson`).
 */
export function nearMissKeys(schema: Schema<unknown, unknown>): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<Schema<unknown, unknown>>();
  const walk = (s: Schema<unknown, unknown>): void => {
    if (seen.has(s) || !s.parts) return;
    seen.add(s);
    for (const key of s.parts.keys) keys.add(key);
    for (const inner of s.parts.inner) walk(inner);
  };
  walk(schema);
  return keys;
}

/** Compiles the fast walk of `schema`: true when valid; only this module's own templates reach it. */
function compileCheck(schema: Schema<unknown, unknown>, label = 'root'): (value: unknown) => boolean {
  const names: string[] = [];
  const values: unknown[] = [];
  let locals = 0;
  const emitter: Emitter = {
    bind: (value) => {
      const at = values.indexOf(value);
      if (at >= 0) return names[at] as string;
      names.push(`b${names.length}`);
      values.push(value);
      return names[names.length - 1] as string;
    },
    local: (prefix) => `${prefix}${locals++}`,
  };
  const body = schema.emit(emitter, 'value');
  const factory = new Function(
    ...names,
    `return function check_${label.replace(/\W/g, '')}(value) { ${body} return true; };`,
  );
  return (factory as (...args: unknown[]) => (value: unknown) => boolean)(...values);
}

const compiledChecks = new WeakMap<Schema<unknown, unknown>, (value: unknown) => boolean>();

/**
 * Validates `value` against `schema`: `undefined` when valid (defaults filled in place), else every
 * issue (`path: what is wrong`), found by a second walk that keeps the path.
 */
export function validate(schema: Schema<unknown, unknown>, value: unknown): string[] | undefined {
  let fast = compiledChecks.get(schema);
  if (!fast) {
    fast = compileCheck(schema);
    compiledChecks.set(schema, fast);
  }
  if (fast(value)) return undefined;
  const explain: Explain = { path: [], issues: [] };
  schema.check(value, explain);
  // The two walks check the same things; should they ever disagree, the input is still refused.
  return explain.issues.length > 0 ? explain.issues : ['(root): invalid snapshot (no detail found)'];
}
