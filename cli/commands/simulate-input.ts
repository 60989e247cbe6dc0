import { InputError } from '../../shared/errors';
import type { BatchMessage } from '../../shared/events/batch';
import { parseJsonText } from '../../shared/validation';
import { emptyInput } from '../snapshot-file';

const EXPECTED =
  'expected a CloudTrail record (with "eventName"), an EventBridge event (with "detail"), an array of them, ' +
  'a CloudTrail log file ({"Records": [...]}) or an SQS event of them';

/**
 * The events of one `--event` file, as batch messages in file order (DESIGN §11, §14): one event,
 * an array of events, a CloudTrail log file as CloudTrail writes it to S3, or an SQS event (whose
 * `ApproximateReceiveCount` shows a redelivery). Any other JSON is an InputError naming what was
 * expected and where.
 */
export function eventMessages(text: string, path: string, firstIndex: number): BatchMessage[] {
  // As for a snapshot: an empty file (a failed redirect, `-` with nothing piped) says so.
  if (text.trim() === '') throw new InputError(`invalid event ${path}`, [emptyInput(path)]);
  const json = parseJsonText(text, `event ${path}`);
  const fail = (where: string, what: string): never => {
    throw new InputError(`invalid event ${path}`, [`${where}: ${what}; ${EXPECTED}`]);
  };
  const asEvent = (value: unknown, where: string): unknown => {
    if (isEvent(value)) return value;
    return fail(where, `not a CloudTrail event (${describe(value)})`);
  };
  let values: { body: unknown; receiveCount: number; id?: string }[];
  if (Array.isArray(json)) {
    if (json.length === 0) fail('(root)', 'an empty array');
    values = json.map((v, i) => ({ body: asEvent(v, `[${i}]`), receiveCount: 1 }));
  } else if (
    json !== null &&
    typeof json === 'object' &&
    Array.isArray((json as { Records?: unknown }).Records)
  ) {
    const records = (json as { Records: unknown[] }).Records;
    if (records.length === 0) fail('Records', 'an empty list');
    values = records.map((r, i) => sqsRecord(r) ?? { body: asEvent(r, `Records[${i}]`), receiveCount: 1 });
  } else {
    values = [{ body: asEvent(json, '(root)'), receiveCount: 1 }];
  }
  return values.map((v, i) => ({
    id: v.id || `${path}#${firstIndex + i}`,
    body: v.body,
    receiveCount: v.receiveCount,
  }));
}

function isEvent(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return typeof o.eventName === 'string' || Object.hasOwn(o, 'detail') || Object.hasOwn(o, 'detail-type');
}

/** An SQS record of an event source mapping: its body (text, parsed by triage) and receive count. */
function sqsRecord(value: unknown): { body: unknown; receiveCount: number; id: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as { eventSource?: unknown; body?: unknown; messageId?: unknown; attributes?: unknown };
  if (r.eventSource !== 'aws:sqs' || typeof r.body !== 'string') return undefined;
  const count = Number(
    (r.attributes as { ApproximateReceiveCount?: unknown } | undefined)?.ApproximateReceiveCount ?? 1,
  );
  return {
    body: r.body,
    receiveCount: Number.isFinite(count) ? count : 1,
    id: typeof r.messageId === 'string' ? r.messageId : '',
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value).slice(0, 5);
  return keys.length > 0
    ? `an object with keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`
    : 'an empty object';
}
