import { InputError } from '../errors';
import { parseJsonText, parseWith } from '../validation';
import { type Snapshot, SnapshotSchema } from './snapshot-schema';

/** Validates a parsed JSON value as a snapshot (DESIGN §3); errors name the JSON path. */
export function parseSnapshot(input: unknown): Snapshot {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError('invalid snapshot', ['(root): expected an object of Describe* lists']);
  }
  return parseWith(SnapshotSchema, input, 'snapshot');
}

/** Parses snapshot text (a file's contents); empty or non-JSON text is an InputError. */
export function parseSnapshotText(text: string, source = 'snapshot'): Snapshot {
  if (text.trim() === '') throw new InputError(`invalid ${source}`, ['(root): the file is empty']);
  return parseSnapshot(parseJsonText(text, source));
}
