import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { buildWorld, memoryIo } from '../../../helpers';

// DESIGN §8: exempted findings are reported as suppressed; §11: the exit code counts findings at or
// above --fail-on. A suppressed finding is listed and counted as suppressed, never as active, and
// never fails the run.

const TAG = 'vpc-guardrail:exempt';

/** A group world-open on 22 (critical, and the interface's exposure), the NACL's rule off. */
function snapshot(groupTag?: string): string {
  const world = buildWorld({
    groupId: 'sg-0web',
    rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }],
    ...(groupTag ? { groupTags: [{ Key: TAG, Value: groupTag }] } : {}),
  });
  return JSON.stringify(world);
}

async function audit(text: string, ...args: string[]) {
  const env = memoryIo({
    'snap.json': text,
    'config.json': JSON.stringify({ rules: { 'nacl-open-admin-port': 'off' } }),
  });
  const code = await runCli(['audit', '--snapshot', 'snap.json', '--config', 'config.json', ...args], env.io);
  return { code, stdout: env.stdout() };
}

describe('suppressed findings in the summary and the exit code', () => {
  it('untagged: two critical findings fail --fail-on critical', async () => {
    const { code, stdout } = await audit(snapshot(), '--format', 'json', '--fail-on', 'critical');
    expect(code).toBe(1);
    const { summary } = JSON.parse(stdout);
    expect(summary.total).toBe(2);
    expect(summary.suppressed).toBe(0);
    expect(summary.highestSeverity).toBe('critical');
  });

  it('tagged *: both findings are listed as suppressed, counted apart, and the run passes', async () => {
    const { code, stdout } = await audit(snapshot('*'), '--format', 'json', '--fail-on', 'info');
    expect(code).toBe(0);
    const { findings, summary } = JSON.parse(stdout);
    expect(
      findings.map((f: { ruleId: string; suppressed?: { by: string } }) => [f.ruleId, f.suppressed?.by]),
    ).toEqual([
      ['eni-internet-exposed', 'tag'],
      ['sg-open-admin-port', 'tag'],
    ]);
    expect(findings[1].suppressed).toEqual({ by: 'tag', reason: `${TAG}=*` });
    expect(summary).toEqual({
      total: 0,
      suppressed: 2,
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      byRule: {},
      notJudged: [],
      warnings: [],
    });
  });

  it('table: the suppressed findings are in their own section with the reason', async () => {
    const { code, stdout } = await audit(snapshot('*'), '--fail-on', 'critical');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('VPC Guardrail: no findings, 2 suppressed');
    expect(stdout).toContain('SUPPRESSED (2)');
    expect(stdout).toContain(`suppressed by tag: ${TAG}=*`);
  });
});
