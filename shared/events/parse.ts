import * as z from 'zod';
import { formatIssues } from '../validation';
import { isIgnored, scopeFromEvent } from './event-table';
import { asObject, field, path, text } from './shapes';
import { type Actor, IGNORE_REASONS, type Ignored, type ParsedEvent, type Triage } from './types';

// Only what decides whether and how to handle an event is validated; the parameters stay raw
// because their shapes vary by event and era (see shapes.ts).
const RecordSchema = z.looseObject({
  eventName: z.string().min(1).max(128),
  eventSource: z.string().optional(),
  errorCode: z.string().nullish(),
  errorMessage: z.string().nullish(),
  // Optional: a record without them (a trimmed or normalized row) is read for what it has.
  requestParameters: z.unknown().optional(),
  responseElements: z.unknown().optional(),
});

const EnvelopeSchema = z.looseObject({
  'detail-type': z.string().optional(),
  source: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});

const EC2_SOURCE = 'ec2.amazonaws.com';

/**
 * Reads an EventBridge "AWS API Call via CloudTrail" envelope or a bare CloudTrail record.
 * Returns the normalized event, or why it cannot be read.
 */
export function parseEvent(input: unknown): ParsedEvent | Ignored {
  const object = asObject(input);
  if (!object) return malformed('(root): expected an object (an EventBridge event or a CloudTrail record)');
  const wrapped = wrapperOf(object);
  if (wrapped) return malformed(wrapped);
  let record: unknown = object;
  let envelopeAccount: string | undefined;
  let envelopeRegion: string | undefined;
  // `detail-type` marks an EventBridge event even when its `detail` is missing (then malformed).
  const isEnvelope = Object.hasOwn(object, 'detail') || Object.hasOwn(object, 'detail-type');
  if (isEnvelope) {
    const notApiCall = notEc2ApiCall(object);
    if (notApiCall) return notApiCall;
    const envelope = EnvelopeSchema.safeParse(readDetail(object), { reportInput: true });
    if (!envelope.success) return malformed(formatIssues(envelope.error, 5).join('; '));
    record = envelope.data.detail;
    envelopeAccount = nonEmpty(envelope.data.account);
    envelopeRegion = nonEmpty(envelope.data.region);
  }
  const parsed = RecordSchema.safeParse(record, { reportInput: true });
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, 5).map((line) => (isEnvelope ? `detail.${line}` : line));
    return malformed(issues.join('; '));
  }
  const detail = parsed.data;
  const event: ParsedEvent = {
    eventName: detail.eventName,
    actor: actorOf(detail),
    requestParameters: detail.requestParameters,
    responseElements: detail.responseElements,
    envelope: isEnvelope,
  };
  assign(event, 'eventId', text(field(detail, 'eventID')));
  assign(event, 'eventSource', nonEmpty(detail.eventSource));
  assign(event, 'eventTime', text(field(detail, 'eventTime')));
  assign(event, 'accountId', envelopeAccount ?? text(field(detail, 'recipientAccountId')));
  assign(event, 'region', envelopeRegion ?? text(field(detail, 'awsRegion')));
  const prefix = isEnvelope ? 'detail.' : '';
  event.originFields = {
    account: envelopeAccount !== undefined ? 'account' : `${prefix}recipientAccountId`,
    region: envelopeRegion !== undefined ? 'region' : `${prefix}awsRegion`,
  };
  // Present is failed, even empty: CloudTrail writes the key only for a failed call (DESIGN §7).
  assign(event, 'errorCode', detail.errorCode === '' ? '""' : (detail.errorCode ?? undefined));
  assign(event, 'errorMessage', nonEmpty(detail.errorMessage ?? undefined));
  return event;
}

const API_CALL = 'AWS API Call via CloudTrail';
const EC2_EVENT_SOURCE = 'aws.ec2';

/**
 * An EventBridge event that is not an EC2 API call recorded by CloudTrail: another `source` (an
 * event the pattern never sends: the wiring is wrong, or someone's own event claims to be EC2's) or
 * another `detail-type` (a state-change notification, a service event). Named by the field, before
 * `detail` is read: "detail.eventName is required" would hide what is wrong.
 */
function notEc2ApiCall(envelope: Record<string, unknown>): Ignored | undefined {
  const source = envelope.source;
  if (source !== undefined && source !== EC2_EVENT_SOURCE) {
    return {
      code: IGNORE_REASONS.notEc2,
      reason: `the EventBridge event's source ${quoted(source)} is not ${EC2_EVENT_SOURCE}`,
    };
  }
  const type = envelope['detail-type'];
  if (type !== undefined && type !== API_CALL) {
    return {
      code: IGNORE_REASONS.unknownEvent,
      reason: `the EventBridge event's detail-type ${quoted(type)} is not ${JSON.stringify(API_CALL)}`,
    };
  }
  return undefined;
}

/** A value of any type quoted in a reason, bounded (an object could be megabytes). */
function quoted(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value));
}

/**
 * The envelope with `detail` read: a JSON text holding an object (what a forwarder that re-sends an
 * event through PutEvents, or a hand-written test event, carries) is the same record. Anything else
 * is left for the schema to name.
 */
function readDetail(envelope: Record<string, unknown>): Record<string, unknown> {
  const detail = envelope.detail;
  if (typeof detail !== 'string') return envelope;
  try {
    const parsed: unknown = JSON.parse(detail);
    return asObject(parsed) ? { ...envelope, detail: parsed } : envelope;
  } catch {
    return envelope;
  }
}

function actorOf(detail: unknown): Actor {
  const identity = field(detail, 'userIdentity');
  const actor: Actor = {};
  assign(actor, 'arn', text(field(identity, 'arn')));
  assign(actor, 'issuerArn', text(path(identity, 'sessionContext', 'sessionIssuer', 'arn')));
  assign(actor, 'type', text(field(identity, 'type')));
  assign(actor, 'invokedBy', text(field(identity, 'invokedBy')));
  assign(actor, 'sourceIp', text(field(detail, 'sourceIPAddress')));
  assign(actor, 'userAgent', text(field(detail, 'userAgent')));
  return actor;
}

/** What triage compares an event with. */
export interface TriageOptions {
  exemptionTagKey: string;
  /**
   * Events by these principals (the guardrail's own roles: one role ARN, or several separated by
   * commas, as the stacks set for the event and the audit function) are ignored: no loops.
   */
  ownRoleArn?: string;
  /** The function's own account: events of another account are rejected. Unset: not checked. */
  expectedAccountId?: string;
  /** The function's own region: events of another region are rejected. Unset: not checked. */
  expectedRegion?: string;
  /**
   * Organization mode (DESIGN §15): the event's account and region are where the function acts (an
   * AssumeRole into the account, EC2 clients of the region), so they must read as an AWS account id
   * (12 digits) and region name; anything else is refused as malformed, naming the field.
   */
  requireAwsOrigin?: boolean;
}

/**
 * Decides what to do with an incoming event (DESIGN §7): handle it with its scope, or ignore it
 * with a reason — malformed, not EC2, failed (`errorCode`), not in the event table, made by the
 * guardrail's own role, from another account or region, or naming no resource. Never throws.
 */
export function triageEvent(input: unknown, options: TriageOptions): Triage {
  const event = parseEvent(input);
  if (isIgnored(event)) return { kind: 'ignore', ignored: event };
  const ignore = (ignored: Ignored): Triage => ({ kind: 'ignore', event, ignored });
  if (event.eventSource !== undefined && event.eventSource !== EC2_SOURCE) {
    return ignore({
      code: IGNORE_REASONS.notEc2,
      reason: `event source ${clip(event.eventSource)} is not ${EC2_SOURCE}`,
    });
  }
  if (event.errorCode !== undefined) {
    return ignore({
      code: IGNORE_REASONS.errorCode,
      reason: `the call failed (errorCode ${clip(event.errorCode)}): nothing changed`,
    });
  }
  const own = ownRoles(options.ownRoleArn).find(
    (role) => sameRole(event.actor.issuerArn, role) || sameRole(event.actor.arn, role),
  );
  if (own) {
    return ignore({ code: IGNORE_REASONS.ownRole, reason: `made by the guardrail's own role ${own}` });
  }
  if (options.requireAwsOrigin === true) {
    const bad = badOrigin(event);
    if (bad) return ignore(bad);
  }
  if (options.expectedAccountId !== undefined && event.accountId !== options.expectedAccountId) {
    return ignore({
      code: IGNORE_REASONS.otherAccount,
      reason: `event of account ${clip(event.accountId ?? '(none)')}, not this function's ${options.expectedAccountId}`,
    });
  }
  if (options.expectedRegion !== undefined && event.region !== options.expectedRegion) {
    return ignore({
      code: IGNORE_REASONS.otherRegion,
      reason: `event of region ${clip(event.region ?? '(none)')}, not this function's ${options.expectedRegion}`,
    });
  }
  const scope = scopeFromEvent(
    event.eventName,
    event.requestParameters,
    event.responseElements,
    options.exemptionTagKey,
  );
  if (isIgnored(scope)) return ignore(scope);
  return { kind: 'handle', event, scope };
}

/** The role ARNs of a `VPC_GUARDRAIL_OWN_ROLE_ARN` value: one ARN or a comma-separated list. */
export function ownRoles(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn !== '');
}

/**
 * True when `arn` is the role `own`: the same ARN, or an assumed-role session of it
 * (`arn:aws:sts::<acct>:assumed-role/<name>/<session>` for `arn:aws:iam::<acct>:role/<path/>name`).
 */
export function sameRole(arn: string | undefined, own: string): boolean {
  if (!arn) return false;
  if (arn === own) return true;
  const role = /^arn:([\w-]+):iam::(\d+|[^:]*):role\/(?:.*\/)?([^/]+)$/.exec(own);
  const session = /^arn:([\w-]+):sts::(\d+|[^:]*):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return (
    role !== null &&
    session !== null &&
    role[1] === session[1] &&
    role[2] === session[2] &&
    role[3] === session[3]
  );
}

/**
 * An AWS region name as the SDK's partitions write them (`eu-west-1`, `us-gov-west-1`,
 * `us-isob-east-1`, `eusc-de-east-1`): letters, dash-separated words, a number. A well-formed name
 * of no region still fails at its endpoint (a "could not evaluate" notice naming the call).
 */
const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Why the event's account or region cannot be where the function acts, naming the field. */
function badOrigin(event: ParsedEvent): Ignored | undefined {
  const fields = event.originFields ?? {};
  if (event.accountId !== undefined && !ACCOUNT_ID.test(event.accountId)) {
    return {
      code: IGNORE_REASONS.malformed,
      reason: `the event's account ${JSON.stringify(clip(event.accountId))} (${fields.account ?? 'account'}) is not a 12-digit AWS account id`,
    };
  }
  if (event.region !== undefined && !REGION_NAME.test(event.region)) {
    return {
      code: IGNORE_REASONS.malformed,
      reason: `the event's region ${JSON.stringify(clip(event.region))} (${fields.region ?? 'region'}) is not an AWS region name (like eu-west-1)`,
    };
  }
  return undefined;
}

/**
 * Two deliveries that wrap events rather than being one, named for what they are (a record-schema
 * error, "eventName is required", would hide the wiring mistake): an SNS notification (an SNS
 * subscription without raw message delivery between EventBridge and the queue) and a CloudTrail
 * log file's `Records` (S3 delivery, which this function does not read).
 */
function wrapperOf(object: Record<string, unknown>): string | undefined {
  if (Object.hasOwn(object, 'eventName') || Object.hasOwn(object, 'detail')) return undefined;
  if (object.Type === 'Notification' && typeof object.Message === 'string') {
    return '(root): an SNS notification wrapping the event (deliver the EventBridge event to the queue directly, or enable raw message delivery on the SNS subscription)';
  }
  if (Array.isArray(object.Records)) {
    return `(root): a CloudTrail log file's Records (${object.Records.length}), not one event (the function reads the EventBridge "AWS API Call via CloudTrail" events, one per message)`;
  }
  return undefined;
}

function malformed(reason: string): Ignored {
  return { code: IGNORE_REASONS.malformed, reason: `not a CloudTrail record: ${reason}` };
}

/** A value of the event quoted in a reason or a log: bounded, so a hostile string cannot flood the log. */
export function clip(value: string): string {
  return value.length > 128 ? `${value.slice(0, 127)}…` : value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
