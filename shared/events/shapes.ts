// Readers for the shapes CloudTrail gives EC2 parameters (see test/fixtures/cloudtrail/PROVENANCE.md):
// lists as `{items:[…]}` or `{}`, XML-shaped sets as `{item:{…}}` or `""`, PascalCase request and
// response wrappers, numbers as strings. Every reader takes `unknown` and never throws.

/** A plain JSON object, or undefined. */
export type JsonObject = Record<string, unknown>;

/** The value as a plain object, if it is one (arrays and null are not). */
export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/**
 * A field of an object by name: the exact key first, else the first key equal ignoring case
 * (`groupId` / `GroupId`, and the lower-cased keys of normalized log rows).
 */
export function field(value: unknown, name: string): unknown {
  const object = asObject(value);
  if (!object) return undefined;
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return object[key];
  }
  return undefined;
}

/**
 * The first of `names` the object has: CloudTrail's Query-style name (`securityGroupRuleSet`,
 * `instancesSet`), else the SDK's (`SecurityGroupRules`, `Instances`) that a record built from SDK
 * answers carries — read alike, so such a record is not taken for one that names nothing.
 */
export function either(value: unknown, ...names: string[]): unknown {
  for (const name of names) {
    const found = field(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A nested field: `path(record, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn')`. */
export function path(value: unknown, ...names: string[]): unknown {
  let current = value;
  for (const name of names) {
    current = field(current, name);
    if (current === undefined) return undefined;
  }
  return current;
}

/** A non-empty string (numbers are written as text, as XML-shaped responses sometimes carry ids). */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A finite number, also from a numeric string (`"443"` in normalized log rows). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * The members of a CloudTrail list in any of its shapes: an array; `{items:[…]}`; `{}` (empty);
 * an XML-shaped set `{item:{…}}` or `{item:[…]}`; `""` (an empty XML set); or a single member
 * written as an object (`"tag": 1` style of the PascalCase wrappers).
 */
export function members(value: unknown): unknown[] {
  let current = value;
  // A loop, not recursion: a hostile record can nest `{items:{items:…}}` deeper than the stack.
  for (;;) {
    if (current === undefined || current === null || current === '') return [];
    if (Array.isArray(current)) return current;
    const object = asObject(current);
    if (!object) return [];
    if (Object.keys(object).length === 0) return [];
    if (Object.hasOwn(object, 'items')) current = object.items;
    else if (Object.hasOwn(object, 'item')) current = object.item;
    else return [object];
  }
}

/** The request object of an event: the PascalCase wrapper `<Action>Request` when present, else itself. */
export function unwrapRequest(requestParameters: unknown, eventName: string): unknown {
  return asObject(field(requestParameters, `${eventName}Request`)) ?? requestParameters;
}

/** The response object of an event: the XML-shaped wrapper `<Action>Response` when present, else itself. */
export function unwrapResponse(responseElements: unknown, eventName: string): unknown {
  return asObject(field(responseElements, `${eventName}Response`)) ?? responseElements;
}

/** Distinct strings, in first-seen order, without undefined. */
export function distinct(values: Iterable<string | undefined>): string[] {
  const seen = new Set<string>();
  for (const value of values) if (value !== undefined) seen.add(value);
  return [...seen];
}
