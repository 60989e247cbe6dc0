import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { buildWorld, memoryIo } from '../../../helpers';

// DESIGN §3 "Not judged is said": what could not be judged is listed in the output, never skipped
// in silence. The table has its footer and JSON its summary.notJudged; SARIF and ASFF had neither,
// so a CI reading SARIF (or Security Hub's input) saw a clean run. SARIF now carries them as the
// run's tool execution notifications (SARIF 2.1.0 §3.20.21), ASFF (a bare array) on stderr.

/** A world whose interface's subnet is missing and whose group names an unresolved prefix list. */
function snapshotText(): string {
  const world = buildWorld({
    groupId: 'sg-0web',
    rules: [
      { id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-pl', from: 443, prefixList: 'pl-0customer' },
    ],
  });
  world.Subnets = [];
  return JSON.stringify(world);
}

async function audit(format: string) {
  const env = memoryIo({ 'snap.json': snapshotText() });
  const code = await runCli(
    ['audit', '--snapshot', 'snap.json', '--format', format, '--fail-on', 'none'],
    env.io,
  );
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

const SUBNET_REASON = 'its subnet subnet-0pub is not in the snapshot';
const LIST_REASON =
  "an ingress rule's source is prefix list pl-0customer, whose entries are not in the snapshot (add it to ManagedPrefixLists)";

describe('not-judged resources in every format', () => {
  it('json: summary.notJudged lists both', async () => {
    const { stdout } = await audit('json');
    expect(JSON.parse(stdout).summary.notJudged).toEqual([
      { resourceId: 'eni-0web', reason: SUBNET_REASON, ruleId: 'eni-internet-exposed' },
      { resourceId: 'sg-0web', reason: LIST_REASON },
    ]);
  });

  it('sarif: one warning notification each, on the resource, with the rule when one rule could not judge', async () => {
    const { code, stdout } = await audit('sarif');
    expect(code).toBe(0);
    const run = JSON.parse(stdout).runs[0];
    expect(run.tool.driver.notifications.map((d: { id: string }) => d.id)).toEqual([
      'not-judged',
      'input-warning',
    ]);
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: { text: `Not judged: eni-0web: ${SUBNET_REASON}` },
            descriptor: { id: 'not-judged' },
            associatedRule: { id: 'eni-internet-exposed' },
            locations: [{ logicalLocations: [{ name: 'eni-0web' }] }],
          },
          {
            level: 'warning',
            message: { text: `Not judged: sg-0web: ${LIST_REASON}` },
            descriptor: { id: 'not-judged' },
            locations: [{ logicalLocations: [{ name: 'sg-0web' }] }],
          },
        ],
      },
    ]);
  });

  it('sarif: no invocation when everything was judged (the log is as before)', async () => {
    const env = memoryIo({
      'snap.json': JSON.stringify(
        buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] }),
      ),
    });
    await runCli(['audit', '--snapshot', 'snap.json', '--format', 'sarif', '--fail-on', 'none'], env.io);
    const run = JSON.parse(env.stdout()).runs[0];
    expect(run.invocations).toBeUndefined();
    expect(run.tool.driver.notifications).toBeUndefined();
  });

  it('asff: stdout stays the array Security Hub takes; stderr names each not-judged resource', async () => {
    const { code, stdout, stderr } = await audit('asff');
    expect(code).toBe(0);
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
    expect(stderr).toBe(
      `not judged: eni-0web (eni-internet-exposed): ${SUBNET_REASON}\nnot judged: sg-0web: ${LIST_REASON}\n`,
    );
  });
});
