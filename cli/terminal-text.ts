// Text the CLI writes to the terminal that may carry what a file, a resource or AWS said: it must
// not drive the terminal (an escape sequence can clear or rewrite the screen, a bidi override turn
// the rest of the line around).

/**
 * What an error line must not carry raw: C0 controls but the line feed (an escape sequence can
 * rewrite the terminal), DEL and C1, and the invisible characters `quoted` escapes in our own
 * errors (bidi overrides such as U+202E turn the rest of the line around, zero-width marks hide
 * text). Commander echoes the argument it refuses (`unknown option '--x…'`, `argument '…' is
 * invalid`, `unknown command '…'`) as given.
 */
function unsafeInErrors(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    // A lone surrogate (the iterator yields one alone only when it is unpaired).
    (code >= 0xd800 && code <= 0xdfff)
  );
}

/**
 * A line with those characters as `\uXXXX`, as our own errors quote them: Commander's error lines,
 * and messages, warnings and failures that carry input (keys, ids, a parse error's excerpt).
 */
export function escapeErrorLine(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += c.length === 1 && unsafeInErrors(code) ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}
