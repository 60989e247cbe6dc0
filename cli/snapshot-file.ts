import { InputError } from '../shared/errors';
import { SNAPSHOT_KEYS } from '../shared/model/snapshot-schema';

// A snapshot file holding a CloudTrail or EventBridge event instead (the two are side by side in
// `simulate --event E --snapshot S`, and swapped easily): read as a snapshot it has no list, only
// unknown keys, so it was two warnings and a clean report, exit 0 — a gate passed on the wrong
// file. Refused, saying where an event goes.

const LISTS = new Set<string>(SNAPSHOT_KEYS.filter((key) => key !== 'accountId' && key !== 'region'));
/** Keys of a CloudTrail record, an EventBridge event and a CloudTrail log file (or an SQS event). */
const EVENT_KEYS = ['eventName', 'eventVersion', 'eventSource', 'detail-type', 'detail', 'Records'];

/** Refuses an event given as a snapshot: an object with no Describe* list and an event's keys. */
export function refuseEventAsSnapshot(json: unknown, source: string): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return;
  const keys = Object.keys(json);
  if (keys.some((key) => LISTS.has(key))) return;
  const eventKeys = keys.filter((key) => EVENT_KEYS.includes(key));
  if (eventKeys.length === 0) return;
  throw new InputError(`invalid ${source}`, [
    `(root): a CloudTrail or EventBridge event (${eventKeys.join(', ')}), not a snapshot of Describe* lists ("Snapshot format" in the README); an event goes to simulate --event FILE --snapshot SNAPSHOT`,
  ]);
}
