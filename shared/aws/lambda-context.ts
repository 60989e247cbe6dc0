import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** The account of the invoked function, from its ARN (`arn:aws:lambda:region:account:function:name`). */
export function accountOf(context: Pick<Context, 'invokedFunctionArn'>): string {
  const account = context.invokedFunctionArn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) {
    throw new Error(`cannot read the account from ${context.invokedFunctionArn}`);
  }
  return account;
}

/**
 * Powertools' Logger reports `cold_start` only where `AWS_LAMBDA_INITIALIZATION_TYPE` is
 * `on-demand`; elsewhere (an emulator, a local run) every line said `false`, fresh processes too.
 * This one says `true` on the first invocation of the execution environment and `false` after,
 * except under provisioned concurrency, where initialization ran ahead of any request.
 */
export class GuardrailLogger extends Logger {
  #invoked = false;

  protected override getColdStart(): boolean {
    if (this.#invoked) return false;
    this.#invoked = true;
    return process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  }
}
