// DESIGN §8 "Precision" for `sg-open-all-traffic`: remediation removes only what made the finding,
// and the README's Remediation safety table promises that a revoke never touches the authorized
// ports (80/443). A group world-open on everything (`-1` from 0.0.0.0/0) beside the usual web rules
// (tcp 80 and 443 from the world) loses the all-traffic rule, not its website. Found on moto by
// scripts/emulator/remedy.py (seed 2): the tcp 80 rule the same call added was revoked with it.

import { describe, expect, it } from 'vitest';
import { authorizeIngress, simulate, worldSnapshot } from '../helpers';

const GROUP = 'sg-0web';

describe('sg-open-all-traffic: a world rule on authorized ports only is not an offending rule', () => {
  it('revokes the all-traffic rule and a world range beyond 80/443; keeps tcp 80, tcp 443 and the office', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-all', protocol: '-1', cidr: '0.0.0.0/0' },
        { id: 'sgr-80', from: 80, cidr: '0.0.0.0/0' },
        { id: 'sgr-443-v6', from: 443, cidr: '::/0' },
        { id: 'sgr-80-443', from: 80, to: 443, cidr: '0.0.0.0/0' },
        { id: 'sgr-udp-80', protocol: 'udp', from: 80, cidr: '0.0.0.0/0' },
        { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
      ],
    });
    const event = authorizeIngress(GROUP, 80, [['sgr-80', '0.0.0.0/0']]);
    const report = await simulate(event, snapshot, { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-80-443', 'sgr-all', 'sgr-udp-80'] },
      },
    ]);
    // The finding is closed by that revoke: 80 and 443 facing the internet are authorized.
    expect(report.notification?.subject).toBe(
      '[CRITICAL] sg-0web world-open on 0-65535/tcp, 0-65535/udp (+1 more) — revoked',
    );
  });

  it('tcp 0-65535 from the world is the offending rule itself: revoked, although it covers 80 and 443', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-all-tcp', from: 0, to: 65535, cidr: '0.0.0.0/0' },
        { id: 'sgr-443', from: 443, cidr: '0.0.0.0/0' },
      ],
    });
    const event = authorizeIngress(GROUP, 443, [['sgr-443', '0.0.0.0/0']]);
    const report = await simulate(event, snapshot, { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-all-tcp'] },
      },
    ]);
  });
});
