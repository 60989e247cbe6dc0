import { InputError } from '../shared/errors';
import { parseSnapshotJson } from '../shared/model/snapshot';
import { SNAPSHOT_KEYS } from '../shared/model/snapshot-schema';
import type { CliIo } from './io';

// A snapshot file holding a CloudTrail or EventBridge event instead (the two are side by side in
// `simulate --event E --snapshot S`, and swapped easily): read as a snapshot it has no list, only
// unknown keys, so it was two warnings and a clean report, exit 0 — a gate passed on the wrong
// file. Refused, saying where an event goes.

const LISTS = new Set<string>(SNAPSHOT_KEYS.filter((key) => key !== 'accountId' && key !== 'region'));
/** Keys of a CloudTrail record, an EventBridge event and a CloudTrail log file (or an SQS event). */
const EVENT_KEYS = ['eventName', 'eventVersion', 'eventSource', 'detail-type', 'detail', 'Records'];

/** The event keys of an object with no Describe* list, else none. */
function eventKeysOf(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const keys = Object.keys(value);
  if (keys.some((key) => LISTS.has(key))) return [];
  return keys.filter((key) => EVENT_KEYS.includes(key));
}

/**
 * Refuses an event given as a snapshot: an object with no Describe* list and an event's keys, or
 * an array of them (where a file of several snapshots would be).
 */
export function refuseEventAsSnapshot(json: unknown, source: string): void {
  const elements = Array.isArray(json)
    ? json.map((element, i) => [`[${i}]`, element] as const)
    : [['(root)', json] as const];
  const issues = elements.flatMap(([path, element]) => {
    const keys = eventKeysOf(element);
    return keys.length === 0
      ? []
      : [
          `${path}: a CloudTrail or EventBridge event (${keys.join(', ')}), not a snapshot of Describe* lists ("Snapshot format" in the README); an event goes to simulate --event FILE --snapshot SNAPSHOT`,
        ];
  });
  if (issues.length > 0) throw new InputError(`invalid ${source}`, issues.slice(0, 3));
}

/**
 * The issue line for an input with nothing in it: a file, or standard input (`-`) with nothing piped
 * (a failed redirect, a command before the pipe that printed nothing).
 */
export function emptyInput(path: string): string {
  return path === '-'
    ? '(root): standard input is empty (nothing was piped in)'
    : '(root): the file is empty';
}

/**
 * Reads the snapshot file `path` (`-`: standard input) as `audit --snapshot` and `simulate
 * --snapshot` take it: refused when empty, not JSON, repeating a key or holding an event; a JSON
 * array is a file of several snapshots, left to the caller. `source` names it in errors.
 */
export async function readSnapshotFile(io: CliIo, path: string): Promise<{ json: unknown; source: string }> {
  const source = `snapshot ${path}`;
  const text = await io.readText(path);
  if (text.trim() === '') throw new InputError(`invalid ${source}`, [emptyInput(path)]);
  const json = parseSnapshotJson(text, source);
  refuseEventAsSnapshot(json, source);
  return { json, source };
}
