import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFunction } from '../../scripts/build';
import { authorizeIngress, envelope, type FakeAws, startFakeAws } from '../helpers';

// QA, DESIGN §15 "Event path", on the BUILT event bundle: an event from a member account is judged
// with the member role (STS AssumeRole, regional, a session name tying the calls to the
// invocation), the member role's own calls are ignored, an account outside the allow-list is
// rejected, and a denied AssumeRole is one "could not evaluate" notice, acknowledged. STS is served
// on the loopback interface beside the EC2 + SNS emulator, reached through AWS_ENDPOINT_URL.

const run = promisify(execFile);
const CENTRAL = '111122223333';
const MEMBER = '444455556666';
const NOT_ONBOARDED = '777788889999';
const GROUP = 'sg-0org';
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

let outdir = '';
let fake: FakeAws;
let front: Server;
let endpoint = '';
const assumed: { roleArn: string; session: string; host: string }[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-org-'));
  await buildFunction('on-network-change', outdir);
  fake = await startFakeAws(GROUP, 'vpc-0a1', []);
  // STS here; everything else forwarded to the EC2 + SNS emulator.
  front = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', async () => {
      const params = new URLSearchParams(body);
      if (params.get('Action') === 'AssumeRole') {
        const roleArn = params.get('RoleArn') ?? '';
        assumed.push({
          roleArn,
          session: params.get('RoleSessionName') ?? '',
          host: request.headers.host ?? '',
        });
        response.setHeader('content-type', 'text/xml');
        if (roleArn.includes(`::${NOT_ONBOARDED}:`)) {
          response.statusCode = 403;
          response.end(
            `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          );
          return;
        }
        response.end(
          `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey><SessionToken>member-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>${roleArn}</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
        return;
      }
      const answer = await fetch(fake.endpoint, {
        method: 'POST',
        body,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
      });
      response.statusCode = answer.status;
      response.setHeader('content-type', 'text/xml');
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => front.close(() => resolve()));
  await fake.close();
  rmSync(outdir, { recursive: true, force: true });
});

beforeEach(() => {
  assumed.length = 0;
  fake.notices.length = 0;
  fake.revokes.length = 0;
  fake.actions.length = 0;
  fake.rules = [
    { id: 'sgr-office', port: 22, cidr: '198.51.100.0/24' },
    { id: 'sgr-w22', port: 22, cidr: '0.0.0.0/0' },
  ];
});

/** A world-open 22 added in `account`, by `callerRole` (an IAM role ARN) of that account. */
function memberEvent(account: string, callerRole = `arn:aws:iam::${account}:role/Admin`): unknown {
  const record = authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]);
  record.userIdentity = {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${callerRole.split('/').pop()}/s`,
    accountId: account,
    sessionContext: { sessionIssuer: { type: 'Role', arn: callerRole, accountId: account } },
  };
  record.recipientAccountId = account;
  record.awsRegion = 'eu-west-1';
  return envelope(record, account, 'eu-west-1');
}

async function invoke(events: readonly unknown[], config: Record<string, unknown> = {}) {
  const batch = {
    Records: events.map((event, i) => ({
      messageId: `msg-${i}`,
      receiptHandle: 'r',
      body: JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:${CENTRAL}:events`,
      awsRegion: 'us-east-1',
    })),
  };
  const file = join(outdir, `batch-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(batch));
  const bundle = pathToFileURL(join(outdir, 'functions', 'on-network-change', 'index.mjs')).href;
  const driver = `
    const { readFileSync } = await import('node:fs');
    const { handler } = await import(${JSON.stringify(bundle)});
    const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:${CENTRAL}:function:on-network-change',
      awsRequestId: 'req-qa-42', functionName: 'on-network-change', functionVersion: '1', memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 60000 };
    const result = await handler(JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8')), context);
    process.stdout.write(JSON.stringify(result));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', driver], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      VPC_GUARDRAIL_MODE: 'remediate',
      VPC_GUARDRAIL_TOPIC_ARN: `arn:aws:sns:us-east-1:${CENTRAL}:vpc-guardrail`,
      VPC_GUARDRAIL_OWN_ROLE_ARN: `arn:aws:iam::${CENTRAL}:role/vpc-guardrail-on-network-change`,
      VPC_GUARDRAIL_MEMBER_ROLE_NAME: 'VpcGuardrailMember',
      VPC_GUARDRAIL_CONFIG: JSON.stringify(config),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  return JSON.parse(stdout) as { batchItemFailures: unknown[] };
}

describe('QA §15: the built event bundle in organization mode', () => {
  it('assumes the member role of the event account (session named by the invocation) and revokes only the world rule', async () => {
    const answer = await invoke([memberEvent(MEMBER)]);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(assumed.map((a) => a.roleArn)).toEqual([`arn:aws:iam::${MEMBER}:role/VpcGuardrailMember`]);
    expect(assumed[0]?.session).toBe('vpc-guardrail-req-qa-42');
    expect(fake.revokes).toEqual([{ ids: ['sgr-w22'], ok: true }]);
    expect(fake.rules.map((r) => r.id)).toEqual(['sgr-office']);
    expect(fake.notices).toHaveLength(1);
    expect(fake.notices[0]?.attributes).toMatchObject({
      accountId: MEMBER,
      region: 'eu-west-1',
      action: 'remediated',
    });
  });

  it('ignores calls made by the member role in any account: no STS, no EC2 call, no notice', async () => {
    const answer = await invoke([memberEvent(MEMBER, `arn:aws:iam::${MEMBER}:role/VpcGuardrailMember`)]);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(assumed).toEqual([]);
    expect(fake.actions).toEqual([]);
  });

  it('rejects an account outside the allow-list without assuming anything', async () => {
    const answer = await invoke([memberEvent(MEMBER)], { accounts: ['222233334444'] });
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(assumed).toEqual([]);
    expect(fake.actions).toEqual([]);
    expect(fake.rules.map((r) => r.id)).toEqual(['sgr-office', 'sgr-w22']);
  });

  it('a denied AssumeRole is one "could not evaluate" notice naming account and role, acknowledged', async () => {
    const answer = await invoke([memberEvent(NOT_ONBOARDED)]);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(fake.revokes).toEqual([]);
    expect(fake.notices).toHaveLength(1);
    const notice = fake.notices[0];
    expect(notice?.attributes).toMatchObject({ accountId: NOT_ONBOARDED, action: 'failed' });
    expect(['critical', 'high']).toContain(notice?.attributes.severity);
    expect(notice?.subject).toContain('could not evaluate');
    expect(notice?.message).toContain(`arn:aws:iam::${NOT_ONBOARDED}:role/VpcGuardrailMember`);
  });

  it('governs the central account with its own role (no AssumeRole)', async () => {
    const answer = await invoke([memberEvent(CENTRAL)]);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(assumed).toEqual([]);
    expect(fake.revokes).toEqual([{ ids: ['sgr-w22'], ok: true }]);
  });
});
