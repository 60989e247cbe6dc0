import type { Context } from 'aws-lambda';

/** The account of the invoked function, from its ARN (`arn:aws:lambda:region:account:function:name`). */
export function accountOf(context: Pick<Context, 'invokedFunctionArn'>): string {
  const account = context.invokedFunctionArn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) {
    throw new Error(`cannot read the account from ${context.invokedFunctionArn}`);
  }
  return account;
}
