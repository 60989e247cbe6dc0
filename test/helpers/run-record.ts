import { processMessages } from '../../functions/on-network-change/process';
import { envelope } from './cloudtrail';
import { eventDeps } from './event-deps';
import { type Ec2Mock, installFakeEc2 } from './fake-ec2';
import { publishedNotices, type SnsMock } from './notices';
import type { World } from './world';

/**
 * One CloudTrail record through the event function as one SQS message (remediate mode, the own
 * role `arn:aws:iam::111122223333:role/vpc-guardrail`) against the fake EC2 of `world`: its answer
 * and the notices it published.
 */
export async function runRecord(
  mocks: { ec2: Ec2Mock; sns: SnsMock },
  world: World,
  record: Record<string, unknown>,
) {
  installFakeEc2(mocks.ec2, world);
  const result = await processMessages(
    [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
    eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
  );
  return { result, notices: publishedNotices(mocks.sns) };
}
