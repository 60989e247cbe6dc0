import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// DESIGN §11: `simulate` shows what the Lambda would do with the event; nothing is called — even
// in remediate mode, with actions planned and a notice composed.
const clients = [
  mockClient(EC2Client),
  mockClient(SNSClient),
  mockClient(STSClient),
  mockClient(SecurityHubClient),
  mockClient(OrganizationsClient),
];

describe('simulate calls nothing', () => {
  it('plans the revoke and composes the notice in remediate mode without one AWS call', async () => {
    // Prepare
    const env = memoryIo();

    // Act
    const code = await runCli(
      [
        'simulate',
        '--event',
        'examples/events/authorize-bastion-ssh-world-and-office.json',
        '--snapshot',
        'examples/demo-snapshot.json',
        '--mode',
        'remediate',
        '--format',
        'json',
      ],
      env.io,
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(env.stdout()) as { actions: { action: string }[]; notification: unknown };
    expect(report.actions.map((a) => a.action)).toEqual(['RevokeSecurityGroupIngress']);
    expect(report.notification).not.toBeNull();
    expect(clients.map((c) => c.calls().length)).toEqual([0, 0, 0, 0, 0]);
  });
});
