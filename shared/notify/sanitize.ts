// Strings from events and resources (descriptions, tag values, user agents, even ARNs of a forged
// record) are attacker-controlled. In a notice they become one printable line of bounded length:
// no control characters (no forged lines or headers), no bidi overrides or zero-width characters
// (no text that reads differently from what it is), no unpaired surrogates.

/** C0/C1 controls, DEL, zero-width and bidi formatting characters, line/paragraph separators, BOM. */
function unsafe(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    // Lone surrogates (a code point iterator yields them only when unpaired).
    (code >= 0xd800 && code <= 0xdfff)
  );
}

/** Default cap of one sanitized value, in characters. */
export const MAX_VALUE_LENGTH = 256;

/**
 * One printable line: unsafe characters become a space, runs of spaces collapse, and text longer
 * than `max` is cut with `…`. Non-strings are stringified first.
 */
export function sanitize(value: unknown, max = MAX_VALUE_LENGTH): string {
  const raw = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  // Bound the work on huge input: nothing past a few times the cap can survive the cut.
  const text = raw.length > max * 4 + 16 ? raw.slice(0, max * 4 + 16) : raw;
  let clean = '';
  for (const char of text) clean += unsafe(char.codePointAt(0) ?? 0) ? ' ' : char;
  clean = clean.replace(/ {2,}/g, ' ').trim();
  return truncate(clean, max);
}

/** Cuts text to at most `max` characters (code points), ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Cuts text to at most `max` UTF-16 units (JavaScript's `length`, and how SNS counts a subject's
 * characters), ending with `…` when cut, never between the two halves of a surrogate pair. The same
 * as `truncate` for text inside the BMP; a character outside it (an emoji of a Name tag) counts two.
 */
export function truncateUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Bytes of a string in UTF-8 (what SNS counts). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A resource id sanitized and cut to `idMax` characters, an ellipsis marking the cut (subjects).
 * The cut keeps at least 4 characters after the type prefix: `subnet-…` (8 characters) would name
 * no subnet at all, `subnet-bcd2…` still tells a person which one to look for.
 */
export function shortId(resourceId: string, idMax = 40): string {
  const full = sanitize(resourceId, 40);
  const prefix = /^[a-z]+-/.exec(full)?.[0].length ?? 0;
  const keep = Math.max(1, idMax - 1, prefix + ID_CHARS_KEPT);
  return full.length > keep + 1 ? `${full.slice(0, keep)}…` : full;
}

/** Characters of an id kept after its type prefix (`sg-`, `subnet-`) when a subject shortens it. */
const ID_CHARS_KEPT = 4;
