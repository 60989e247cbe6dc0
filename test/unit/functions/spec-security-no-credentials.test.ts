import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  authorizeIngress,
  buildWorld,
  envelope,
  installFakeEc2,
  lambdaContext,
  mockRegion,
  sshGroup,
} from '../../helpers';

// DESIGN §13 "notifications and logs never carry credentials". Both functions in organization mode
// hold two kinds: the Lambda's own (environment) and each member role's (STS AssumeRole, cached).
// Every path that logs or notifies with an AWS answer at hand is driven here at the most verbose
// log level: a member event whose revoke is refused, a member whose role cannot be assumed, and
// an audit across both that remediates and notifies. Nothing either function writes to its log,
// publishes, or answers may hold a secret key, a session token or an assumed access key id.

const CENTRAL = '111122223333';
const B = '222233334444';
const D = '888899990000';
const GROUP = 'sg-0web';

const ENV_SECRET = 'EnvSecretKeyMarker0123456789abcdefABCDEF';
const ENV_TOKEN = 'EnvSessionTokenMarker/IQoJb3JpZ2luX2VjEN';
const ROLE_KEY_ID = 'ASIAROLEKEYIDMARKER1';
const ROLE_SECRET = 'RoleSecretKeyMarker0123456789abcdefABCDE';
const ROLE_TOKEN = 'RoleSessionTokenMarker/FwoGZXIvYXdzEJr';
const SECRETS = [ENV_SECRET, ENV_TOKEN, ROLE_KEY_ID, ROLE_SECRET, ROLE_TOKEN];

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const stsMock = mockClient(STSClient);

/** EC2's refusal of a write, as the SDK throws it. */
const UNAUTHORIZED = Object.assign(
  new Error('You are not authorized to perform this operation. Encoded message: AbC123'),
  { name: 'UnauthorizedOperation', $fault: 'client', $metadata: { httpStatusCode: 403, requestId: 'r-1' } },
);

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Every line either function writes: Powertools writes JSON lines to stdout / stderr; a stray
 * `console.*` call would reach CloudWatch too.
 */
function captureOutput(): string[] {
  const lines: string[] = [];
  const keep = (chunk: unknown) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : text(a))).join(' '));
    });
  }
  return lines;
}

async function load(name: 'on-network-change' | 'audit'): Promise<Handler> {
  vi.resetModules();
  const module =
    name === 'audit'
      ? await import('../../../functions/audit/handler')
      : await import('../../../functions/on-network-change/handler');
  return module.handler as unknown as Handler;
}

/** The findings' text, answers and errors as JSON, Error fields included (a cause may hold anything). */
function text(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return String(v);
    if (v instanceof Error) {
      return { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause };
    }
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[seen]';
      seen.add(v);
    }
    return v;
  });
}

function leaked(haystacks: readonly string[]): string[] {
  return SECRETS.filter((secret) => haystacks.some((h) => h.includes(secret)));
}

/** A world-open SSH rule added in `account` by a person. */
function worldOpenIn(account: string): unknown {
  const record = {
    ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]),
    eventID: `evt-${account}`,
    recipientAccountId: account,
  };
  return envelope(record, account, 'us-east-1');
}

describe('spec §13: notifications and logs never carry credentials (organization mode)', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    stsMock.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAENVKEYIDNOTSECRET');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', ENV_SECRET);
    vi.stubEnv('AWS_SESSION_TOKEN', ENV_TOKEN);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', `arn:aws:sns:us-east-1:${CENTRAL}:vpc-guardrail`);
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'remediate');
    vi.stubEnv('VPC_GUARDRAIL_MEMBER_ROLE_NAME', 'VpcGuardrailMember');
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    stsMock.on(AssumeRoleCommand).callsFake((input: { RoleArn?: string }) => {
      if (input.RoleArn?.includes(`::${D}:`)) {
        throw Object.assign(new Error('User: central is not authorized to perform: sts:AssumeRole'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      }
      return {
        Credentials: {
          AccessKeyId: ROLE_KEY_ID,
          SecretAccessKey: ROLE_SECRET,
          SessionToken: ROLE_TOKEN,
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    });
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    // The revoke is refused: the error, with the AWS answer, is logged and notified.
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(UNAUTHORIZED);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('the event function logs and notifies a refused revoke and a denied AssumeRole without them', async () => {
    // Prepare
    const output = captureOutput();
    const handler = await load('on-network-change');
    const records = [worldOpenIn(B), worldOpenIn(D)].map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: 'r',
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:${CENTRAL}:events`,
      awsRegion: 'us-east-1',
    }));

    // Act
    const answer = await handler({ Records: records }, lambdaContext({ name: 'on-network-change' }));

    // Assess: the paths ran (the member role assumed for B, the revoke refused, D not assumable)…
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    const notices = snsMock.commandCalls(PublishCommand).map((c) => text(c.args[0].input));
    expect(notices).toHaveLength(2);
    expect(notices.some((n) => n.includes('UnauthorizedOperation'))).toBe(true);
    expect(notices.some((n) => n.includes(`arn:aws:iam::${D}:role/VpcGuardrailMember`))).toBe(true);
    expect(output.join('').length).toBeGreaterThan(0);
    // …and nothing written, published or answered carries a credential.
    expect(leaked([...output, ...notices, text(answer)])).toEqual([]);
  });

  it('the audit across accounts logs, answers and notifies without them', async () => {
    // Prepare
    ec2Mock.reset();
    mockRegion(ec2Mock, 'vpc-0000000b', [sshGroup(GROUP, 'vpc-0000000b', ['0.0.0.0/0'], B)], B);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(UNAUTHORIZED);
    const output = captureOutput();
    const handler = await load('audit');

    // Act
    const answer = await handler(
      { accounts: [B, D], regions: ['us-east-1'], remediate: true, notify: true },
      lambdaContext({ name: 'audit', accountId: CENTRAL }),
    );

    // Assess: B read and its revoke refused, D listed as not assumable, one notice…
    const json = text(answer);
    expect(json).toContain('UnauthorizedOperation');
    expect(json).toContain(`arn:aws:iam::${D}:role/VpcGuardrailMember`);
    const notices = snsMock.commandCalls(PublishCommand).map((c) => text(c.args[0].input));
    expect(notices).toHaveLength(1);
    expect(output.join('').length).toBeGreaterThan(0);
    // …and nothing written, published or answered carries a credential.
    expect(leaked([...output, ...notices, json])).toEqual([]);
  });
});
