import { distinct, text } from './shapes';
import { type EventScope, IGNORE_REASONS, type Ignored } from './types';

// What every row of the event table (./event-table.ts) shares: what an extractor reads and fills.

/** What an extractor reads: the unwrapped request and response, and the config it needs. */
export interface ExtractContext {
  eventName: string;
  /** `requestParameters`, unwrapped from `<Action>Request` when wrapped. */
  request: unknown;
  /** `responseElements`, unwrapped from `<Action>Response` when wrapped. */
  response: unknown;
  exemptionTagKey: string;
}

/** Scope lists an extractor fills (the rest of EventScope is set by `scopeFromEvent`). */
export type ScopeParts = Partial<Omit<EventScope, 'eventName' | 'area'>>;

/** A handled call whose record names nothing to judge. */
export function noResource(reason: string): Ignored {
  return { code: IGNORE_REASONS.noResource, reason };
}

/** The distinct non-empty string ids among `values`, in first-seen order. */
export const ids = (...values: unknown[]): string[] => distinct(values.map(text));
