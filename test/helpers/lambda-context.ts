import type { Context } from 'aws-lambda';

/** What differs between the Lambda contexts the tests invoke handlers with. */
export interface LambdaContextOptions {
  /** The function's name (its log group and ARN follow). */
  name: string;
  region?: string;
  accountId?: string;
  memoryLimitInMB?: string;
  awsRequestId?: string;
  remainingMs?: number;
}

/**
 * A Lambda `Context` as the runtime passes it: the invoked ARN (whose account and region the
 * handlers read as their own), the request id, and the remaining time.
 */
export function lambdaContext(options: LambdaContextOptions): Context {
  const { name, region = 'us-east-1', accountId = '111122223333' } = options;
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${name}`,
    memoryLimitInMB: options.memoryLimitInMB ?? '256',
    awsRequestId: options.awsRequestId ?? 'req-0001',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 's',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => options.remainingMs ?? 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
