import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction } from '../../../../scripts/build';
import {
  actor,
  authorizeIngress,
  cloudTrailRecord,
  envelope,
  type FakeAws,
  GROUP,
  type HttpRule,
  startFakeAws,
  TERRAFORM_RULES,
  terraformApply,
  WORLD_PORTS,
} from '../../../helpers';

// DESIGN §14 "Figures to hold", on the deployed artefact: the built event bundle, each SQS batch
// in its own process (as Lambda runs concurrent batches), against a stateful EC2 + SNS emulator on
// the loopback interface. Batches of 10, three at once, then the last.

const run = promisify(execFile);
let outdir = '';
let fake: FakeAws;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-burst-'));
  await buildFunction('on-network-change', outdir);
  fake = await startFakeAws(
    GROUP,
    'vpc-0a1',
    TERRAFORM_RULES.map((r) => ({ id: r.id, port: r.from ?? 0, cidr: r.cidr ?? '' })),
  );
}, 60_000);

afterAll(async () => {
  await fake.close();
  rmSync(outdir, { recursive: true, force: true });
});

/** An SQS event source mapping's batch of these events (a string body is sent as it is). */
function sqsBatch(events: readonly unknown[], first: number, receiveCounts: readonly number[] = []): unknown {
  return {
    Records: events.map((event, i) => ({
      messageId: `msg-${first + i}`,
      receiptHandle: 'r',
      body: typeof event === 'string' ? event : JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: String(receiveCounts[i] ?? 1),
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:events',
      awsRegion: 'us-east-1',
    })),
  };
}

/** Runs the bundle's handler on one batch in a fresh process; returns its answer. */
async function invoke(batchFile: string, endpoint = fake.endpoint, fromSource = false): Promise<unknown> {
  // The source handler, through tsx, for a parity check; else the built bundle.
  const bundle = fromSource
    ? pathToFileURL(join(process.cwd(), 'functions', 'on-network-change', 'handler.ts')).href
    : pathToFileURL(join(outdir, 'functions', 'on-network-change', 'index.mjs')).href;
  const driver = `
    const { readFileSync } = await import('node:fs');
    const { handler } = await import(${JSON.stringify(bundle)});
    const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:on-network-change',
      awsRequestId: 'r', functionName: 'on-network-change', functionVersion: '1', memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 60000 };
    const result = await handler(JSON.parse(readFileSync(${JSON.stringify(batchFile)}, 'utf8')), context);
    process.stdout.write(JSON.stringify(result));`;
  const { stdout } = await run(
    process.execPath,
    [...(fromSource ? ['--import', 'tsx'] : []), '--input-type=module', '-e', driver],
    {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example-secret',
        VPC_GUARDRAIL_MODE: 'remediate',
        VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
        VPC_GUARDRAIL_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/vpc-guardrail',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    },
  );
  return JSON.parse(stdout);
}

describe('the on-network-change bundle under a burst (DESIGN §14)', () => {
  it('revokes each world-open rule once, reports it revoked in one notice, sends ≤ 4 notices and removes nothing else', async () => {
    // Prepare
    const events = terraformApply(TERRAFORM_RULES);
    const files = [0, 10, 20, 30].map((first) => {
      const file = join(outdir, `batch-${first}.json`);
      writeFileSync(file, JSON.stringify(sqsBatch(events.slice(first, first + 10), first)));
      return file;
    });

    // Act: three batches at once, then the last.
    const answers = [
      ...(await Promise.all(files.slice(0, 3).map((f) => invoke(f)))),
      await invoke(files[3] ?? ''),
    ];

    // Assess
    expect(answers).toEqual(Array.from({ length: 4 }, () => ({ batchItemFailures: [] })));
    const worldOpen = WORLD_PORTS.map((port) => `sgr-w${port}`);
    const removedBy = fake.revokes.filter((r) => r.ok).flatMap((r) => r.ids);
    expect(removedBy.sort()).toEqual([...worldOpen].sort());
    expect(fake.rules.map((r) => r.id).sort()).toEqual(
      TERRAFORM_RULES.map((r) => r.id)
        .filter((id) => !worldOpen.includes(id))
        .sort(),
    );
    expect(fake.notices.length).toBeGreaterThanOrEqual(1);
    expect(fake.notices.length).toBeLessThanOrEqual(4);
    for (const port of WORLD_PORTS) {
      const naming = fake.notices.filter((n) => n.message.includes(`tcp ${port} from 0.0.0.0/0`));
      expect(naming).toHaveLength(1);
      expect(naming[0]?.subject).toMatch(/— revoked$/);
      expect(naming[0]?.attributes.action).toBe('remediated');
    }
    const describes = fake.actions.filter((a) => a.startsWith('Describe'));
    expect(describes.length).toBeLessThanOrEqual(6 * files.length);
    expect(fake.actions.filter((a) => !/^(Describe|RevokeSecurityGroupIngress$|Publish$)/.test(a))).toEqual(
      [],
    );
  }, 120_000);
});

describe('the on-network-change bundle on a mixed SQS batch (DESIGN §7, §8, §14)', () => {
  // One group holding a world rule on 22 and a private one; the world rule on 3389 that a
  // redelivered call added was removed by its first attempt.
  const rules: HttpRule[] = [
    { id: 'sgr-w22', port: 22, cidr: '0.0.0.0/0' },
    { id: 'sgr-p0', port: 8000, cidr: '10.0.0.0/16' },
  ];
  const w22 = envelope({ ...authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]), ...actor(1) });
  const w3389 = envelope({ ...authorizeIngress(GROUP, 3389, [['sgr-w3389', '0.0.0.0/0']]), ...actor(2) });
  const failed = envelope({
    ...authorizeIngress(GROUP, 23, [['sgr-w23', '0.0.0.0/0']]),
    ...actor(3),
    errorCode: 'Client.InvalidPermission.Duplicate',
    errorMessage: 'the specified rule already exists',
  });
  const ownRevoke = envelope(
    cloudTrailRecord(
      'RevokeSecurityGroupIngress',
      { groupId: GROUP, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-w22' }] } },
      { _return: true },
      {
        eventID: 'evt-own',
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail/on-network-change',
          sessionContext: {
            sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/vpc-guardrail' },
          },
        },
      },
    ),
  );
  const privateRule = envelope({
    ...authorizeIngress(GROUP, 8000, [['sgr-p0', '10.0.0.0/16']]),
    ...actor(4),
  });
  const otherRegion = envelope(
    { ...authorizeIngress(GROUP, 22, [['sgr-x', '0.0.0.0/0']]), ...actor(5), awsRegion: 'eu-west-1' },
    '111122223333',
    'eu-west-1',
  );
  // msg-0 and msg-1 are one event delivered twice; msg-2 is a redelivery.
  const batch = [w22, w22, w3389, 'not json {', failed, ownRevoke, privateRule, otherRegion];
  const counts = [1, 1, 2, 1, 1, 1, 1, 1];

  it('revokes exactly the world rule still there, sends one notice that also tells the one already removed, fails no message', async () => {
    const aws = await startFakeAws(GROUP, 'vpc-0a1', rules);
    try {
      const file = join(outdir, 'mixed.json');
      writeFileSync(file, JSON.stringify(sqsBatch(batch, 0, counts)));

      const answer = await invoke(file, aws.endpoint);

      expect(answer).toEqual({ batchItemFailures: [] });
      expect(aws.revokes).toEqual([{ ids: ['sgr-w22'], ok: true }]);
      expect(aws.rules.map((r) => r.id)).toEqual(['sgr-p0']);
      expect(aws.actions.filter((a) => !a.startsWith('Describe'))).toEqual([
        'RevokeSecurityGroupIngress',
        'Publish',
      ]);
      expect(aws.actions.filter((a) => a.startsWith('Describe')).length).toBeLessThanOrEqual(6);
      expect(aws.notices).toHaveLength(1);
      const [notice] = aws.notices;
      expect(notice?.subject).toBe('[CRITICAL] sg-0tf world-open on 22/tcp (+1 more) — revoked');
      expect(notice?.message).toContain('sgr-w3389 on sg-0tf: tcp 3389 from 0.0.0.0/0');
      expect(notice?.attributes).toEqual({
        severity: 'critical',
        ruleIds: '["sg-open-admin-port"]',
        action: 'remediated',
        accountId: '111122223333',
        region: 'us-east-1',
      });
    } finally {
      await aws.close();
    }
  }, 60_000);

  it('gives exactly what the source handler gives: answer, EC2 calls, revokes and notice', async () => {
    const file = join(outdir, 'mixed-parity.json');
    writeFileSync(file, JSON.stringify(sqsBatch(batch, 0, counts)));
    const outcome = async (fromSource: boolean) => {
      const aws = await startFakeAws(GROUP, 'vpc-0a1', rules);
      try {
        const answer = await invoke(file, aws.endpoint, fromSource);
        return { answer, actions: [...aws.actions].sort(), revokes: aws.revokes, notices: aws.notices };
      } finally {
        await aws.close();
      }
    };
    const [built, source] = [await outcome(false), await outcome(true)];
    expect(built).toEqual(source);
    expect(built.notices).toHaveLength(1);
  }, 60_000);

  it('when the publish fails past the retries: acts first, then fails exactly the messages of the group, duplicate included', async () => {
    const aws = await startFakeAws(GROUP, 'vpc-0a1', rules, { failPublish: true });
    try {
      const file = join(outdir, 'mixed-publish-fails.json');
      writeFileSync(file, JSON.stringify(sqsBatch(batch, 0, counts)));

      const answer = await invoke(file, aws.endpoint);

      expect(answer).toEqual({
        batchItemFailures: ['msg-0', 'msg-1', 'msg-2', 'msg-6'].map((itemIdentifier) => ({ itemIdentifier })),
      });
      expect(aws.revokes).toEqual([{ ids: ['sgr-w22'], ok: true }]);
      expect(aws.actions.filter((a) => a === 'Publish').length).toBeGreaterThan(1);
    } finally {
      await aws.close();
    }
  }, 60_000);
});
