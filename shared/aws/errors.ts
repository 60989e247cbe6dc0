// Every AWS-side error class of the project, and how an AWS SDK error is read.
//
// The failure model of the EC2 reader (shared/aws/ec2/), stated once:
// - The SDK retries first (retry mode and attempts per use: shared/aws/clients.ts). What reaches
//   the reader has survived those retries.
// - Transient (throttling, server-side, network; `isRetryable`): the event slice throws
//   `SliceLoadError`, so the messages of that account and region are retried by Lambda and, if they
//   keep failing, dead-lettered. The region snapshot fails the region (`RegionLoadError`): an audit
//   lists it as not evaluated and reports the rest.
// - Anything else (access denied, a bad filter, a looping page token): the event slice records
//   `Operation: Code: message` and is incomplete (no remediation, a "could not evaluate" notice);
//   the region snapshot fails the region with the same text.
// - Never a partial list: a listing that failed on any page or chunk counts as not read.

import type { ActionResult, PlannedAction } from '../remediation/types';

const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'EC2ThrottledException',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** The error's AWS code (`UnauthorizedOperation`, `InvalidPermission.NotFound`, …) or its name. */
export function errorCode(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    // `Error` and `AggregateError` (Node's refused dual-stack connection: its `code` says why) are
    // class names, not what went wrong.
    for (const value of [e.Code, e.name, e.code]) {
      if (typeof value === 'string' && value !== '' && value !== 'Error' && value !== 'AggregateError')
        return value;
    }
    if (e.name === 'AggregateError') return 'AggregateError';
  }
  return 'Error';
}

/** `Code: message`, one line, for logs and notices. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${errorCode(error)}: ${message}`.replace(/\s+/g, ' ').slice(0, 500);
}

/** True for throttling, server-side and network faults: worth retrying the invocation. */
export function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  if (RETRYABLE_CODES.has(code) || NETWORK_CODES.has(code)) return true;
  if (error !== null && typeof error === 'object') {
    const e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: unknown }; $fault?: unknown };
    if (e.$retryable) return true;
    if (e.$fault === 'server') return true;
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  }
  return false;
}

/** A `Describe*` call failed (after the SDK's retries): the operation and the AWS error. */
export class DescribeError extends Error {
  override readonly name: string = 'DescribeError';
  readonly operation: string;
  /** The AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, …) or the error's name. */
  readonly code: string;
  /** True for a transient fault (see the failure model above). */
  readonly retryable: boolean;

  constructor(operation: string, cause: unknown) {
    super(`${operation}: ${errorText(cause)}`, { cause });
    this.operation = operation;
    this.code = errorCode(cause);
    this.retryable = isRetryable(cause);
  }
}

/** A Describe* that failed with a transient fault after the SDK's retries: the invocation is retried. */
export class SliceLoadError extends Error {
  override readonly name = 'SliceLoadError';
}

/** A `Describe*` call failed: names the operation, the region and the AWS error code. */
export class RegionLoadError extends Error {
  override readonly name: string = 'RegionLoadError';
  readonly region: string;
  readonly operation: string;
  /** The AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, …) or the error's name. */
  readonly code: string;

  constructor(region: string, operation: string, cause: unknown) {
    const code = errorCode(cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} failed in ${region}: ${code}: ${detail}`, { cause });
    this.region = region;
    this.operation = operation;
    this.code = code;
  }
}

/** A write call failed with a transient fault after the SDK's retries: the invocation is retried. */
export class RemediationRetryableError extends Error {
  override readonly name = 'RemediationRetryableError';
  /**
   * What this attempt's calls did before the fault, including the outcomes already known of the
   * call it stopped in (a revoke whose rules were partly removed, or found gone, before the
   * throttled one): logged, so no change made goes untold.
   */
  readonly done: readonly ActionResult[];
  /** Where it stopped: the call (or the part of it still to do) that was throttled. */
  readonly stopped?: PlannedAction;
  /** The planned calls after it, not made. */
  readonly notMade: readonly PlannedAction[];

  constructor(
    message: string,
    options: {
      cause?: unknown;
      done?: readonly ActionResult[];
      stopped?: PlannedAction;
      notMade?: readonly PlannedAction[];
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.done = options.done ?? [];
    if (options.stopped) this.stopped = options.stopped;
    this.notMade = options.notMade ?? [];
  }
}

/** Every region failed to load: the audit has nothing to report, so the invocation fails. */
export class AuditLoadError extends Error {
  override readonly name: string = 'AuditLoadError';
  readonly failures: { region: string; message: string }[];

  constructor(failures: { region: string; message: string }[]) {
    super(`no region could be loaded: ${failures.map((f) => `${f.region}: ${f.message}`).join('; ')}`);
    this.failures = failures;
  }
}

/**
 * The member role of an account could not be assumed (not onboarded yet, trust broken, region
 * disabled): names the account and the role. Not retried: the event is a "could not evaluate".
 */
export class AssumeRoleDeniedError extends Error {
  override readonly name = 'AssumeRoleDeniedError';
  readonly accountId: string;
  readonly roleArn: string;

  constructor(accountId: string, roleArn: string, detail: string, options?: ErrorOptions) {
    super(`cannot assume ${roleArn} in account ${accountId}: ${detail}`, options);
    this.accountId = accountId;
    this.roleArn = roleArn;
  }
}

/** The organization's accounts could not be listed (not the management account or a delegated administrator, …). */
export class AccountListError extends Error {
  override readonly name = 'AccountListError';
}

/** A transient fault of a remediation call `action` (or of the read verifying it): the invocation is retried. */
export function throttled(action: PlannedAction, error: unknown, operation: string = action.action) {
  return new RemediationRetryableError(`${operation} failed: ${errorText(error)}`, {
    cause: error,
    stopped: action,
  });
}
