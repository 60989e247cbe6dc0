import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { EventDeps } from '../../functions/on-network-change/process';
import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/load-config';

/** The guardrail's own role in the test account (its calls are never judged). */
export const OWN_ROLE_ARN = 'arn:aws:iam::111122223333:role/guardrail';

/**
 * The event function's dependencies for account 111122223333 in us-east-1 (or `where`), as its
 * cold start builds them: remediate mode, the own role, the topic, SDK clients (mocked by the
 * caller with aws-sdk-client-mock), a silent logger and a fixed clock. `config` adds to the config.
 */
export function eventDeps(
  config: ConfigInput = {},
  where: { accountId: string; region: string } = { accountId: '111122223333', region: 'us-east-1' },
): EventDeps {
  return {
    config: parseConfig({ mode: 'remediate', ownRoleArn: OWN_ROLE_ARN, ...config }),
    topicArn: `arn:aws:sns:us-east-1:111122223333:vpc-guardrail`,
    ec2: new EC2Client({ region: where.region }),
    sns: new SNSClient({ region: where.region }),
    logger: new Logger({ logLevel: 'SILENT' }),
    ...where,
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}
