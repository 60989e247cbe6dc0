// Invokes a BUILT function bundle in-process, as Lambda would: `node scripts/emulator/invoke.mjs
// audit '{"format":"sarif"}'` or `node scripts/emulator/invoke.mjs on-network-change event.json`.
// The SDK reaches the emulator through AWS_ENDPOINT_URL; the account is moto's (123456789012)
// unless ACCOUNT_ID says otherwise. Writes the handler's answer (or its error) as JSON to the file
// OUT names (stdout carries the function's own JSON log lines).
// A manual check (scripts/emulator/README.md), never part of `npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [name, arg] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: invoke.mjs <audit|on-network-change> [payload JSON | file]\n');
  process.exit(2);
}
const account = process.env.ACCOUNT_ID ?? '123456789012';
const region = process.env.AWS_REGION ?? 'eu-west-1';
const text = arg === undefined ? 'null' : arg.trim().startsWith('{') ? arg : readFileSync(arg, 'utf8');
const payload = JSON.parse(text);
const bundle = pathToFileURL(resolve('dist/functions', name, 'index.mjs')).href;
const { handler } = await import(bundle);
const context = {
  functionName: `vpc-guardrail-${name}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:vpc-guardrail-${name}`,
  memoryLimitInMB: '512',
  awsRequestId: `emulator-${Date.now()}`,
  logGroupName: `/aws/lambda/vpc-guardrail-${name}`,
  logStreamName: 'emulator',
  getRemainingTimeInMillis: () => 60_000,
  callbackWaitsForEmptyEventLoop: false,
  done() {},
  fail() {},
  succeed() {},
};
function answer(value) {
  writeFileSync(process.env.OUT ?? '/dev/stderr', `${JSON.stringify(value, null, 2)}\n`);
}
try {
  const out = await handler(payload, context);
  answer(out ?? null);
} catch (error) {
  answer({ error: String(error?.message ?? error), name: error?.name });
  process.exitCode = 1;
}
