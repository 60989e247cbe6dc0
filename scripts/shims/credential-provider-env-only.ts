// Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (see
// scripts/esbuild-plugins.ts). Lambda hands the function role's credentials to the runtime as
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the first link of the SDK's default
// chain, so the chain's other links (SSO, ini files, credential processes, web identity, container
// and instance metadata) never run there; they only cost bytes and load time. The CLI bundle keeps
// the full chain. Same exports as the real package.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The default provider, reduced to the environment: what a Lambda function always has. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider =>
  fromEnv(init);

/** As the real package: credentials with an expiry need refreshing. */
export const credentialsWillNeedRefresh = (credentials: AwsCredentialIdentity | undefined): boolean =>
  credentials?.expiration !== undefined;

/** As the real package: refresh five minutes before expiry. */
export const credentialsTreatedAsExpired = (credentials: AwsCredentialIdentity | undefined): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
