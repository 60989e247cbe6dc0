import { describe, expect, it } from 'vitest';
import type { SimulateReport } from '../../../../cli/commands/simulate';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

describe('simulate --format json', () => {
  it('prints the chat payload the https protocol would carry as notification.chat', async () => {
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
    const report = JSON.parse(env.stdout()) as SimulateReport;
    expect(report.notification?.chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: '[CRITICAL] sg-0d3m00000000000b1 world-open on 22/tcp (+1 more) — revoked',
        keywords: ['critical', 'remediated', 'eni-internet-exposed', 'sg-open-admin-port', '111122223333'],
      },
      metadata: { additionalContext: { severity: 'critical', action: 'remediated' } },
    });
    expect(report.notification?.chat.content.description).toContain(
      '• done: `RevokeSecurityGroupIngress sg-0d3m00000000000b1 rules sgr-0d3m0000000b10001 (tcp 22 from 0.0.0.0/0)`',
    );
  });
});
