import { errorCode } from '../shared/aws/errors';

// What a person at a terminal does about an AWS error that is about the local credentials rather
// than the audit: the SDK's "Could not load credentials from any providers" names no fix.

const NONE =
  'no AWS credentials found: set AWS_PROFILE (after `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
const EXPIRED = 'the AWS credentials have expired: renew them (`aws sso login`, or new session credentials)';
const REFUSED = 'AWS did not accept these credentials: check AWS_PROFILE or the access key';

const HINTS: Record<string, string> = {
  CredentialsProviderError: NONE,
  ExpiredToken: EXPIRED,
  ExpiredTokenException: EXPIRED,
  TokenRefreshRequired: EXPIRED,
  AuthFailure: REFUSED,
  InvalidClientTokenId: REFUSED,
  UnrecognizedClientException: REFUSED,
  SignatureDoesNotMatch: REFUSED,
};

/** The hint for an error about the credentials (by its AWS code or name), else none. */
export function credentialHints(error: unknown): string[] {
  const hint = HINTS[errorCode(error)];
  return hint ? [hint] : [];
}
