import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// The event path (the same pipeline the Lambda runs, through `simulate`) honours the acceptance
// by interface shape and `judgeUnused`: the demo event opens the bastion group to the world on 22.
const EVENT = 'examples/events/authorize-bastion-ssh-world-and-office.json';
const BASTION = 'sg-0d3m00000000000b1';
const BASTION_ENI = 'eni-0d3m0000000000b51';

type Item = Record<string, unknown>;
const demo = () => JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as Record<string, Item[]>;

async function simulate(snapshot: unknown, config: unknown) {
  const { io, stdout } = memoryIo({
    'snap.json': JSON.stringify(snapshot),
    'config.json': JSON.stringify(config),
  });
  const code = await runCli(
    ['simulate', '--event', EVENT, '--snapshot', 'snap.json', '--config', 'config.json', '--format', 'json'],
    io,
  );
  expect(code).toBe(0);
  return JSON.parse(stdout()) as {
    findings: { ruleId: string; resourceId: string; suppressed?: { reason: string } }[];
    actions: unknown[];
    notification: { subject: string } | null;
  };
}

describe('event path: accepted by shape and judgeUnused', () => {
  it('suppresses the group behind a load balancer interface and revokes nothing', async () => {
    // Prepare
    const snapshot = demo();
    for (const eni of snapshot.NetworkInterfaces ?? []) {
      if (eni.NetworkInterfaceId === BASTION_ENI) eni.InterfaceType = 'network_load_balancer';
    }

    // Act
    const report = await simulate(snapshot, {
      mode: 'remediate',
      allowInterfaceTypes: ['network_load_balancer'],
    });

    // Assess
    const sg = report.findings.find((f) => f.resourceId === BASTION);
    expect(sg?.ruleId).toBe('sg-open-admin-port');
    expect(sg?.suppressed?.reason).toBe(
      'accepted by shape: its only attached interface matches allowInterfaceTypes (network_load_balancer)',
    );
    expect(report.actions).toEqual([]);
  });

  it('with judgeUnused false, a change to an unattached group is not judged: no finding, no notice', async () => {
    // Prepare
    const snapshot = demo();
    snapshot.NetworkInterfaces = (snapshot.NetworkInterfaces ?? []).filter(
      (eni) => eni.NetworkInterfaceId !== BASTION_ENI,
    );

    // Act
    const report = await simulate(snapshot, { mode: 'remediate', judgeUnused: false });

    // Assess
    expect(report.findings).toEqual([]);
    expect(report.actions).toEqual([]);
    expect(report.notification).toBeNull();
  });

  it('by default, the same change to an unattached group is still news', async () => {
    // Prepare
    const snapshot = demo();
    snapshot.NetworkInterfaces = (snapshot.NetworkInterfaces ?? []).filter(
      (eni) => eni.NetworkInterfaceId !== BASTION_ENI,
    );

    // Act
    const report = await simulate(snapshot, {});

    // Assess
    expect(report.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual([
      `sg-open-admin-port ${BASTION}`,
    ]);
    expect(report.notification?.subject).toBe(`[CRITICAL] ${BASTION} world-open on 22/tcp`);
  });
});
