// Why an endpoint policy given as an object cannot be read, noted where the snapshot's text is
// parsed (the parsed object keeps no trace of a key JSON dropped) and read by
// `vpce-policy-full-access`: a module of its own, which the model and the rules both import.

import type { RepeatedKey } from '../json-keys';
import { keyPath, valueAt } from '../validation';

/** The reason each policy object (by identity) is unreadable. */
const unreadable = new WeakMap<object, string>();

/** Why `policy` (a `PolicyDocument` object of a snapshot read from text) cannot be read, if noted. */
export function unreadablePolicyReason(policy: object): string | undefined {
  return unreadable.get(policy);
}

/**
 * For `parseJsonText`'s `tolerate`: true for a repeated key inside an endpoint's `PolicyDocument`
 * object (`VpcEndpoints[i].PolicyDocument.…`, or `[n].VpcEndpoints[i]…` in a file of several
 * snapshots), which then makes that one policy unreadable rather than the whole snapshot: as the
 * same policy given as JSON text is (DESIGN §3 "not judged is said"; §5's rule reads meaning).
 * A key given twice is noted here; two keys that differ only in case are left to the rule (JSON
 * keeps both, and its own check names them); a trailing `s` is no near miss for IAM's keys.
 */
export function policyKeyRepeat(found: RepeatedKey, parsed: unknown): boolean {
  const { path } = found;
  const base = typeof path[0] === 'number' ? 1 : 0;
  if (path[base] !== 'VpcEndpoints' || typeof path[base + 1] !== 'number') return false;
  if (path[base + 2] !== 'PolicyDocument' || path.length <= base + 3) return false;
  const policy = valueAt(parsed, path.slice(0, base + 3));
  if (policy === null || typeof policy !== 'object') return false;
  if (found.sameAs === undefined && !unreadable.has(policy)) {
    unreadable.set(
      policy,
      `the key ${keyPath(path.slice(base + 3))} is given twice (JSON keeps the last value; which one IAM reads is not documented)`,
    );
  }
  return true;
}
