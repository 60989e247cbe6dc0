import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { processEvent, processMessages } from '../../../../functions/on-network-change/process';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailFixture,
  type Ec2Mock,
  envelope,
  eventDeps,
  GROUP,
  installFakeEc2,
  type Json,
  jsonPaths,
} from '../../../helpers';

// DESIGN §13: a hostile event gets "a clear logged error", and the log stays readable. Every string
// of a record is the caller's; none may flood the function's log (CloudWatch cuts an event at
// 256 KB, and the correlation id is repeated on every line of the invocation).

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

const FIXTURES = readdirSync(fileURLToPath(new URL('../../../fixtures/cloudtrail/', import.meta.url)))
  .filter((name) => name.endsWith('.json'))
  .map((name) => cloudTrailFixture(name));

const HUGE = 40_000;
/** Far above anything the guardrail logs for one event, far below a flooded line. */
const LINE_BOUND = 8_000;

/** A logger whose lines are measured: every payload, with the correlation id each line repeats. */
function measuredLogger() {
  const logger = new Logger({ logLevel: 'SILENT' });
  const lines: { level: string; message: string; size: number }[] = [];
  const correlationIds: unknown[] = [];
  let correlation = 0;
  vi.spyOn(logger, 'setCorrelationId').mockImplementation((id?: unknown) => {
    correlationIds.push(id);
    correlation = JSON.stringify(id ?? '').length;
  });
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation((message: unknown, ...rest: unknown[]) => {
      const size = JSON.stringify([message, ...rest], (_k, v) => (v instanceof Error ? v.message : v)).length;
      lines.push({ level, message: String(message), size: size + correlation });
    });
  }
  return { logger, lines, correlationIds };
}

/** The fixture with the string at `at` (by index among its string leaves) made `HUGE` long. */
function withHugeString(fixture: Json, at: number, prefix: string): Json {
  const copy = structuredClone(fixture);
  const strings = jsonPaths(copy).filter((path) => {
    let value: unknown = copy;
    for (const key of path) value = (value as Record<string | number, unknown>)[key];
    return typeof value === 'string';
  });
  const path = strings[at % strings.length];
  if (!path) return copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  parent[key] = `${prefix}${String(parent[key])}`.padEnd(HUGE, '0');
  return copy;
}

describe('fuzz6: an over-long string of a record never floods the log', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('handles a record with a 300,000-character eventID, logging the id clipped to 128 characters', async () => {
    // Found by the fuzz6 campaign on the built bundle: the id was logged whole on the accepted
    // line and on every later line as the correlation id (a 300 KB line, past CloudWatch's cut).
    const record = { ...(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]) as object) };
    const { logger, lines, correlationIds } = measuredLogger();
    const eventID = 'e'.repeat(300_000);
    const result = await processEvent(envelope({ ...record, eventID }), { ...eventDeps(), logger });
    // Still judged and fixed (the id is metadata; notices clip it too).
    expect(result).toMatchObject({ status: 'handled', actions: [{ action: 'RevokeSecurityGroupIngress' }] });
    expect(correlationIds).toEqual([`${'e'.repeat(127)}…`]);
    expect(lines.find((l) => l.message === 'event accepted')?.size).toBeLessThan(1_000);
    expect(Math.max(...lines.map((l) => l.size))).toBeLessThan(LINE_BOUND);
  });

  it('logs a CloudTrail-length eventID (36 characters) and one of 128 whole', async () => {
    const record = authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]) as object;
    for (const eventID of ['52601748-2659-4ed8-b5fd-c530547b07ec', 'i'.repeat(128)]) {
      const { logger, correlationIds } = measuredLogger();
      const result = await processEvent(envelope({ ...record, eventID }), { ...eventDeps(), logger });
      expect(result).toMatchObject({ status: 'handled', eventId: eventID });
      expect(correlationIds).toEqual([eventID]);
    }
  });

  it('refuses a record naming a 40,000-character group id as malformed: EC2 is never asked', async () => {
    // Found by the property below: the id went to EC2 as a filter value and into the log's scope.
    const groupId = 'sg-0'.padEnd(40_000, '0');
    const { logger, lines } = measuredLogger();
    const result = await processEvent(
      envelope(authorizeIngress(groupId, 22, [['sgr-world22', '0.0.0.0/0']])),
      {
        ...eventDeps(),
        logger,
      },
    );
    expect(result).toMatchObject({ status: 'ignored', code: 'malformed' });
    expect((result as { reason: string }).reason).toMatch(
      /^securityGroupIds: a value of 40000 characters \(sg-0+…\), longer than any EC2 one \(128\)$/,
    );
    expect(lines.map((l) => [l.level, l.message])).toEqual([['error', 'event ignored']]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('property: any string of a real record made 40,000 characters long leaves every log line bounded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.nat(),
        fc.constantFrom('', 'sg-0', 'sgr-0', 'acl-0', 'subnet-0', 'vpc-0', 'rtb-0'),
        fc.boolean(),
        async (fixture, at, prefix, sqs) => {
          const event = envelope(withHugeString(fixture, at, prefix));
          const { logger, lines } = measuredLogger();
          const deps = { ...eventDeps(), logger };
          if (sqs) await processMessages([{ id: 'm-1', body: JSON.stringify(event), receiveCount: 1 }], deps);
          else await processEvent(event, deps);
          for (const line of lines) expect(line.size, line.message).toBeLessThan(LINE_BOUND);
        },
      ),
      { numRuns: 150, seed: 606 },
    );
  });
});
