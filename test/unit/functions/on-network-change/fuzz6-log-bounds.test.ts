import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { processEvent } from '../../../../functions/on-network-change/process';
import {
  authorizeIngress,
  buildWorld,
  type Ec2Mock,
  envelope,
  eventDeps,
  GROUP,
  installFakeEc2,
} from '../../../helpers';

// DESIGN §13: a hostile event gets "a clear logged error", and the log stays readable. Every string
// of a record is the caller's; none may flood the function's log (CloudWatch cuts an event at
// 256 KB, and the correlation id is repeated on every line of the invocation).

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

/** Far above anything the guardrail logs for one event, far below a flooded line. */
const LINE_BOUND = 8_000;

/** A logger whose lines are measured: every payload, with the correlation id each line repeats. */
function measuredLogger() {
  const logger = new Logger({ logLevel: 'SILENT' });
  const lines: { level: string; message: string; size: number }[] = [];
  let correlation = 0;
  vi.spyOn(logger, 'setCorrelationId').mockImplementation((id?: unknown) => {
    correlation = JSON.stringify(id ?? '').length;
  });
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation((message: unknown, ...rest: unknown[]) => {
      const size = JSON.stringify([message, ...rest], (_k, v) => (v instanceof Error ? v.message : v)).length;
      lines.push({ level, message: String(message), size: size + correlation });
    });
  }
  return { logger, lines };
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

  it('refuses a 300,000-character eventID as malformed: logged at ERROR, bounded, nothing called', async () => {
    // Found by the fuzz6 campaign on the built bundle: the id was logged whole on the accepted
    // line and on every later line as the correlation id (a 300 KB line, past CloudWatch's cut).
    const record = { ...(authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]) as object) };
    const { logger, lines } = measuredLogger();
    const result = await processEvent(envelope({ ...record, eventID: 'e'.repeat(300_000) }), {
      ...eventDeps(),
      logger,
    });
    expect(result).toEqual({
      status: 'ignored',
      code: 'malformed',
      reason: 'not a CloudTrail record: detail.eventID: 300000 characters, more than 128',
    });
    expect(lines.map((l) => [l.level, l.message])).toEqual([['error', 'event ignored']]);
    expect(Math.max(...lines.map((l) => l.size))).toBeLessThan(LINE_BOUND);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('keeps a CloudTrail-length eventID (36 characters) and one of 128', async () => {
    const record = authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]) as object;
    for (const eventID of ['52601748-2659-4ed8-b5fd-c530547b07ec', 'i'.repeat(128)]) {
      const result = await processEvent(envelope({ ...record, eventID }), eventDeps());
      expect(result).toMatchObject({ status: 'handled', eventId: eventID });
    }
  });
});
