import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { processEvent, processMessages } from '../../../../functions/on-network-change/process';
import { authorizeIngress, envelope, eventDeps, memoryIo } from '../../../helpers';

// DESIGN §15: the own account is governed "unless excludeAccounts" lists it. The audit function
// reads nothing of an excluded own account and `audit --region` refuses it; the single-account
// event function (no member role: a local run, synth refuses the configuration) still read and
// revoked there. It now ignores the events of its own account with the reason, calling nothing.

const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);

beforeEach(() => {
  ec2.reset();
  sns.reset();
});

describe('single-account event function, own account in excludeAccounts', () => {
  it('ignores the event with the reason, makes no EC2 or SNS call', async () => {
    const result = await processEvent(
      envelope(authorizeIngress('sg-0web', 22, [['sgr-world', '0.0.0.0/0']])),
      eventDeps({ excludeAccounts: ['111122223333'] }),
    );
    expect(result).toEqual({
      status: 'ignored',
      code: 'other-account',
      reason: 'account 111122223333 is in excludeAccounts',
    });
    expect(ec2.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('ignores every message of a batch, failing none', async () => {
    const body = (n: number) =>
      JSON.stringify(envelope(authorizeIngress('sg-0web', 22 + n, [[`sgr-${n}`, '0.0.0.0/0']])));
    const batch = await processMessages(
      [
        { id: 'm1', body: body(0), receiveCount: 1 },
        { id: 'm2', body: body(1), receiveCount: 1 },
      ],
      eventDeps({ excludeAccounts: ['111122223333'] }),
    );
    expect(batch.failedMessageIds).toEqual([]);
    // The helper gives both the same CloudTrail id: the second is a duplicate of the first.
    expect(batch.messages.map((m) => m.outcome)).toEqual(['ignored', 'duplicate']);
    expect(batch.groups).toEqual([]);
    expect(ec2.calls()).toHaveLength(0);
  });
});

describe('simulate without --central-account', () => {
  it('says on stderr how to mark an account the allow-list rejects as the central one', async () => {
    const env = memoryIo({ 'c.json': JSON.stringify({ accounts: ['444455556666'] }) });
    const code = await runCli(
      [
        'simulate',
        '--event',
        'examples/events/authorize-bastion-ssh-world-and-office.json',
        '--snapshot',
        'examples/demo-snapshot.json',
        '--config',
        'c.json',
        '--format',
        'json',
      ],
      env.io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(env.stdout()).ignored).toBe('account 111122223333 is not in the accounts allow-list');
    expect(env.stderr()).toBe(
      'note: account 111122223333 is not in accounts of --config; if it is the central account (governed whether or not accounts lists it), give --central-account 111122223333\n',
    );
  });
});
