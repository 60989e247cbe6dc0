// How the event pipeline reads AWS SDK errors. The SDK's own retries (adaptive mode) have run
// before any of these is seen; what is still transient here fails the invocation so Lambda retries
// it (and the dead-letter queue keeps what keeps failing).

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
    for (const value of [e.Code, e.name, e.code]) {
      if (typeof value === 'string' && value !== '' && value !== 'Error') return value;
    }
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
