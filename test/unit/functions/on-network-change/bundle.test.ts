import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction } from '../../../../scripts/build';
import {
  type FakeAws,
  GROUP,
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

/** An SQS event source mapping's batch of these events. */
function sqsBatch(events: readonly unknown[], first: number): unknown {
  return {
    Records: events.map((event, i) => ({
      messageId: `msg-${first + i}`,
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
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:events',
      awsRegion: 'us-east-1',
    })),
  };
}

/** Runs the bundle's handler on one batch in a fresh process; returns its answer. */
async function invoke(batchFile: string): Promise<unknown> {
  const bundle = pathToFileURL(join(outdir, 'functions', 'on-network-change', 'index.mjs')).href;
  const driver = `
    const { readFileSync } = await import('node:fs');
    const { handler } = await import(${JSON.stringify(bundle)});
    const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:on-network-change',
      awsRequestId: 'r', functionName: 'on-network-change', functionVersion: '1', memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 60000 };
    const result = await handler(JSON.parse(readFileSync(${JSON.stringify(batchFile)}, 'utf8')), context);
    process.stdout.write(JSON.stringify(result));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', driver], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: fake.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      VPC_GUARDRAIL_MODE: 'remediate',
      VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
      VPC_GUARDRAIL_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/vpc-guardrail',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
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
    const answers = [...(await Promise.all(files.slice(0, 3).map(invoke))), await invoke(files[3] ?? '')];

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
