import { MAX_ID_LENGTH } from '../model/schema-kit';
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

/**
 * The id lists of a scope, each value at most MAX_ID_LENGTH long. Group names are not bounded here:
 * a name is the caller's text, sanitized where it is shown, like the record's other strings.
 */
const ID_LISTS: readonly (keyof ScopeParts)[] = [
  'securityGroupIds',
  'securityGroupRuleIds',
  'networkAclIds',
  'networkAclAssociationIds',
  'subnetIds',
  'routeTableIds',
  'internetGatewayIds',
  'vpcIds',
  'natGatewayIds',
  'vpcEndpointIds',
  'networkInterfaceIds',
  'instanceIds',
  'prefixListIds',
  'newVpcIds',
];

/**
 * A hostile record's id far longer than any EC2 id (`sgr-` and 17 hex digits) names no resource:
 * the event is malformed, said so, rather than sent to EC2 as a filter and copied into the log.
 */
export function overLongId(parts: ScopeParts): Ignored | undefined {
  for (const list of ID_LISTS) {
    const values = parts[list];
    const long = Array.isArray(values)
      ? values.find((v) => typeof v === 'string' && v.length > MAX_ID_LENGTH)
      : undefined;
    if (typeof long === 'string') {
      return {
        code: IGNORE_REASONS.malformed,
        reason: `${list}: a value of ${long.length} characters (${long.slice(0, 24)}…), longer than any EC2 one (${MAX_ID_LENGTH})`,
      };
    }
  }
  return undefined;
}
