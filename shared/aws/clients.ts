import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';

// The one place that builds AWS SDK clients. Every client uses the SDK's default provider chain
// (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, …) unless the caller hands it assumed-role
// credentials (organization mode). Retry mode and attempts are chosen here, once per use.

/** How hard the SDK retries, per use, and why (the reader's failure model: shared/aws/errors.ts). */
export const RETRY_POLICY = {
  /**
   * The event function: Lambda (and the SQS buffer) retries the whole invocation after this, so the
   * SDK gives up earlier and keeps the invocation inside its timeout.
   */
  event: { retryMode: 'adaptive', maxAttempts: 6 },
  /**
   * A whole-region (or whole-VPC) load for the audit and the CLI: thousands of paged calls meet
   * throttling, and nothing above retries a failed region, so the SDK waits longer.
   */
  region: { retryMode: 'adaptive', maxAttempts: 8 },
  /** A notice: a failed publish fails the invocation (never lost silently), so retry it here first. */
  publish: { retryMode: 'adaptive', maxAttempts: 6 },
  /**
   * Security Hub imports (DESIGN §16): a failure is reported per finding and never retried above
   * (the notice is already out), so the SDK absorbs throttling of the batch calls here.
   */
  securityHub: { retryMode: 'adaptive', maxAttempts: 6 },
  /** STS and Organizations: a few calls per invocation; standard retries are enough. */
  control: { retryMode: 'standard', maxAttempts: 4 },
} as const satisfies Record<string, { retryMode: 'adaptive' | 'standard'; maxAttempts: number }>;
export type ClientUse = keyof typeof RETRY_POLICY;

/** Credentials to use instead of the default chain (assumed-role credentials in organization mode). */
export type ClientCredentials = EC2ClientConfig['credentials'];

/** An EC2 client for a region and a use; `credentials` replace the default chain when given. */
export function ec2Client(
  region: string,
  use: 'event' | 'region',
  credentials?: ClientCredentials,
): EC2Client {
  return new EC2Client({ region, ...RETRY_POLICY[use], ...(credentials ? { credentials } : {}) });
}

/** The SNS client that publishes notices. */
export function snsClient(region: string): SNSClient {
  return new SNSClient({ region, ...RETRY_POLICY.publish });
}

/** An STS client on the region's own endpoint (regional STS: no dependency on us-east-1). */
export function stsClient(region: string): STSClient {
  return new STSClient({ region, ...RETRY_POLICY.control });
}

/** The Security Hub client that imports and resolves the findings. */
export function securityHubClient(region: string): SecurityHubClient {
  return new SecurityHubClient({ region, ...RETRY_POLICY.securityHub });
}

/** The Organizations client (its endpoint is global; the region only picks the signing region). */
export function organizationsClient(region: string): OrganizationsClient {
  return new OrganizationsClient({ region, ...RETRY_POLICY.control });
}

const regionClients = new Map<string, EC2Client>();

/**
 * The default-chain EC2 client for a whole-region load, built once per process and region (the
 * audit function and the CLI read a region with it).
 */
export function regionEc2Client(region: string): EC2Client {
  let client = regionClients.get(region);
  if (!client) {
    client = ec2Client(region, 'region');
    regionClients.set(region, client);
  }
  return client;
}
