import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EventDeps, processEvent } from '../../../../functions/on-network-change/process';
import { SNS_MAX_MESSAGE_BYTES } from '../../../../shared/aws/notifier';
import { HANDLED_EVENT_NAMES } from '../../../../shared/events/event-table';
import { triageEvent } from '../../../../shared/events/parse';
import { parseConfig } from '../../../../shared/load-config';
import { MAX_MESSAGE_BYTES, MAX_SUBJECT_LENGTH } from '../../../../shared/notify/notice';
import { utf8Length } from '../../../../shared/notify/sanitize';
import {
  buildWorld,
  cloudTrailFixture,
  envelope,
  installFakeEc2,
  type Json,
  jsonPaths,
} from '../../../helpers';

// Random, mutated and hostile events through the whole Lambda pipeline (remediate mode, a world
// with a world-open group that no event names): nothing may throw, and nothing may be remediated.

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

const FIXTURES = readdirSync(fileURLToPath(new URL('../../../fixtures/cloudtrail/', import.meta.url)))
  .filter((name) => name.endsWith('.json'))
  .map((name) => cloudTrailFixture(name));

const HOSTILE = [
  '',
  ' ',
  '\r\nBcc: x@example.com',
  '\u202egnp.exe',
  '\u0000',
  'x'.repeat(70_000),
  '__proto__',
  'constructor',
  '0.0.0.0/0',
  '::/0',
  'sg-',
  '-1',
  '99999999999999999999',
  '{"items":[]}',
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom({}, [], { items: {} }, { items: [null] }, { item: '' }, '', null, true, -1, 1e308),
  fc.constantFrom(...HANDLED_EVENT_NAMES),
);

type Mutation = { at: number; op: 'delete' | 'replace' | 'wrap' | 'stringify'; value: unknown };

/** Applies mutations to a deep copy (paths chosen by index, so every run is reproducible). */
function mutate(document: Json, mutations: Mutation[]): Json {
  let root: Json = structuredClone(document);
  for (const m of mutations) {
    // The root first (a mutation may replace the whole document), then every path inside it.
    const all = [[], ...jsonPaths(root)];
    const path = all[m.at % all.length] ?? [];
    if (path.length === 0) {
      root = m.op === 'replace' ? m.value : m.op === 'wrap' ? { items: [root] } : root;
      continue;
    }
    let parent: Json = root;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key];
    const key = path[path.length - 1] as string | number;
    const container = parent as Record<string | number, Json>;
    if (m.op === 'delete') {
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
    } else if (m.op === 'replace') container[key] = m.value;
    else if (m.op === 'wrap') container[key] = { items: [container[key]] };
    else container[key] = JSON.stringify(container[key]) ?? '';
  }
  return root;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'wrap', 'stringify'),
  value: hostileValue,
});

const mutatedFixture = fc
  .tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(4))
  .map(([fixture, mutations, bare]) => {
    const mutated = mutate(fixture, mutations);
    // Mostly in the function's own account and region, so the runs reach the slice and the planner.
    return bare === 0 ? mutated : envelope(mutated);
  });

const randomRecord = fc
  .record({
    eventName: fc.oneof(fc.constantFrom(...HANDLED_EVENT_NAMES), fc.string()),
    eventSource: fc.constantFrom('ec2.amazonaws.com', undefined, 'iam.amazonaws.com'),
    errorCode: fc.constantFrom(undefined, null, 'Client.UnauthorizedOperation'),
    requestParameters: fc.oneof(hostileValue, fc.dictionary(fc.string(), hostileValue, { maxKeys: 6 })),
    responseElements: fc.oneof(hostileValue, fc.dictionary(fc.string(), hostileValue, { maxKeys: 6 })),
    userIdentity: fc.oneof(hostileValue, fc.record({ arn: hostileValue, type: hostileValue })),
    recipientAccountId: fc.constantFrom('111122223333', undefined, 42),
    awsRegion: fc.constantFrom('us-east-1', undefined, ''),
    eventID: hostileValue,
    userAgent: hostileValue,
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

const anyEvent = fc.oneof(
  { weight: 5, arbitrary: mutatedFixture },
  { weight: 3, arbitrary: randomRecord.map((r) => envelope(r)) },
  { weight: 1, arbitrary: randomRecord },
  { weight: 1, arbitrary: fc.anything() },
);

function writeCalls(): number {
  return (
    ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).length +
    ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand).length +
    ec2Mock.commandCalls(CreateNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(DeleteNetworkAclEntryCommand).length +
    ec2Mock.commandCalls(ModifySubnetAttributeCommand).length
  );
}

const deps: EventDeps = {
  config: parseConfig({
    mode: 'remediate',
    rules: { 'subnet-auto-assign-public-ip': 'remediate', 'sg-default-not-restricted': 'remediate' },
  }),
  topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
  ec2: new EC2Client({ region: 'us-east-1' }),
  sns: new SNSClient({ region: 'us-east-1' }),
  logger: new Logger({ logLevel: 'SILENT' }),
  accountId: '111122223333',
  region: 'us-east-1',
  now: () => new Date('2025-06-16T00:00:00Z'),
};

describe('fuzzing events', () => {
  beforeAll(() => {
    ec2Mock.reset();
    snsMock.reset();
    // A world-open group that no fixture or random event names: any write call is a wrong remediation.
    installFakeEc2(
      ec2Mock,
      buildWorld({
        groupId: 'sg-0guarded',
        groupName: 'guarded-by-fuzz',
        rules: [{ id: 'sgr-w', from: 22, cidr: '0.0.0.0/0' }],
      }),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
  });

  it('triage never throws, whatever the input', () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        const triage = triageEvent(event, {
          exemptionTagKey: 'vpc-guardrail:exempt',
          ownRoleArn: 'arn:aws:iam::1:role/r',
        });
        expect(['handle', 'ignore']).toContain(triage.kind);
      }),
      { numRuns: 2000, seed: 4242 },
    );
  });

  it('the Lambda pipeline never throws and never remediates on random and mutated events', async () => {
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const result = await processEvent(event, deps);
        expect(['handled', 'ignored']).toContain(result.status);
        if (result.status === 'handled') handled++;
        expect(writeCalls()).toBe(0);
        for (const call of snsMock.commandCalls(PublishCommand)) {
          const input = call.args[0].input;
          expect((input.Subject ?? '').length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
          expect([...(input.Subject ?? '')].some((c) => (c.codePointAt(0) ?? 0) < 0x20)).toBe(false);
          // MessageStructure json: the plain text within its cap, the whole message within SNS's.
          const text = (JSON.parse(input.Message ?? '{}') as { default?: string }).default ?? '';
          expect(utf8Length(text)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
          expect(utf8Length(input.Message ?? '')).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
        }
        snsMock.resetHistory();
      }),
      { numRuns: 1200, seed: 2024 },
    );
    // The runs must reach the slice loader and the planner, not only the parser.
    expect(handled).toBeGreaterThan(200);
  });

  it('parses every real fixture inside an envelope and as a bare record the same way', () => {
    for (const fixture of FIXTURES.filter((f) => !Object.hasOwn(f as object, 'detail'))) {
      const bare = triageEvent(fixture, { exemptionTagKey: 'vpc-guardrail:exempt' });
      const wrapped = triageEvent(envelope(fixture, '111122223333', 'us-east-1'), {
        exemptionTagKey: 'vpc-guardrail:exempt',
      });
      expect(wrapped.kind).toBe(bare.kind);
    }
  });
});
