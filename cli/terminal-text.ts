// Text the CLI writes to the terminal that may carry what a file, a resource or AWS said: it must
// not drive the terminal (an escape sequence can clear or rewrite the screen, a bidi override turn
// the rest of the line around).

import { INVISIBLE_CHARS } from '../shared/validation';

/**
 * What an error line must not carry raw: C0 controls but the line feed (an escape sequence can
 * rewrite the terminal), and the characters `quoted` escapes in our own errors (DEL and C1; bidi
 * overrides such as U+202E turn the rest of the line around, zero-width marks hide text); and a
 * lone surrogate. Commander echoes the argument it refuses (`unknown option '--x…'`, `argument '…'
 * is invalid`, `unknown command '…'`) as given.
 */
const UNSAFE_IN_ERRORS = new RegExp(
  `[\\u0000-\\u0009\\u000b-\\u001f${INVISIBLE_CHARS}]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`,
  'g',
);

/**
 * A line with those characters as `\uXXXX`, as our own errors quote them: Commander's error lines,
 * and messages, warnings and failures that carry input (keys, ids, a parse error's excerpt).
 */
export function escapeErrorLine(text: string): string {
  return text.replace(UNSAFE_IN_ERRORS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
