/** Any value a JSON text parses to. */
export type Json = unknown;

/** Every path to a value inside `value` (keys and indexes), the root excluded: what fuzz tests mutate. */
export function jsonPaths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      jsonPaths(item, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      jsonPaths(item, [...prefix, key], out);
    }
  }
  return out;
}
