import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { loadSlice } from '../../../../shared/aws/ec2/slice';
import { emptyScope } from '../../../../shared/events/event-table';

// No aws-sdk-client-mock here: the real client and its retry middleware run against a canned HTTP
// handler, so the test shows that throttling is retried by the SDK before the pipeline sees it.

const THROTTLED = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>`;

function ok(action: string, body = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId>${body}</${action}Response>`;
}

/** Answers EC2 query calls: the first `throttle` requests are throttled, then each action succeeds. */
function cannedHandler(throttle: number) {
  const actions: string[] = [];
  return {
    actions,
    handler: {
      handle: async (request: { body?: unknown }) => {
        const action = /Action=(\w+)/.exec(String(request.body ?? ''))?.[1] ?? 'Unknown';
        actions.push(action);
        const throttled = actions.length <= throttle;
        const body = throttled
          ? THROTTLED
          : action === 'DescribeSecurityGroups'
            ? ok(
                action,
                '<securityGroupInfo><item><groupId>sg-0web</groupId><groupName>web</groupName><vpcId>vpc-1</vpcId><ipPermissions/><ipPermissionsEgress/></item></securityGroupInfo>',
              )
            : ok(action);
        return {
          response: {
            statusCode: throttled ? 503 : 200,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

describe('EC2 client retries (adaptive mode, as the handler builds it)', () => {
  it('retries a throttled describe and then loads the slice', async () => {
    // Prepare
    const canned = cannedHandler(1);
    const ec2 = new EC2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      retryMode: 'adaptive',
      maxAttempts: 6,
      requestHandler: canned.handler,
    });
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0web'],
    };
    // Act
    const slice = await loadSlice(ec2, scope);
    // Assess
    expect(slice.complete).toBe(true);
    expect(slice.snapshot.SecurityGroups.map((g) => g.GroupId)).toEqual(['sg-0web']);
    // The throttled attempt was retried by the SDK; the loader only counts the calls it made.
    expect(canned.actions.length).toBe(slice.calls + 1);
  });
});
