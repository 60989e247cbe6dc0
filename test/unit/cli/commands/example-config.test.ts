import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import type { Finding } from '../../../../shared/findings';
import { memoryIo } from '../../../helpers';

// examples/config.json ships in the package and the README shows it: it must stay valid, mean on
// the demo VPC what the README says, and be the very text the README prints.
const CONFIG = 'examples/config.json';
const DEMO = 'examples/demo-snapshot.json';

async function auditWithExample() {
  const env = memoryIo();
  const code = await runCli(
    ['audit', '--snapshot', DEMO, '--config', CONFIG, '--format', 'json', '--fail-on', 'none'],
    env.io,
  );
  return {
    code,
    stderr: env.stderr(),
    findings: (JSON.parse(env.stdout()) as { findings: Finding[] }).findings,
  };
}

describe('examples/config.json on the demo VPC', () => {
  it('is accepted, turns route-blackhole off and allow-lists the metrics group', async () => {
    const { code, stderr, findings } = await auditWithExample();

    expect([code, stderr]).toEqual([0, '']);
    expect(findings.some((f) => f.ruleId === 'route-blackhole')).toBe(false);
    const metrics = findings.find((f) => f.resourceId === 'sg-0d3m0000000000e7c');
    expect(metrics?.suppressed).toEqual({ by: 'config', reason: 'public metrics, by design' });
  });

  it('plans the opt-in NACL fix keeping SSH for the VPC block and naclAdminSources', async () => {
    const { findings } = await auditWithExample();

    const nacl = findings.find(
      (f) => f.ruleId === 'nacl-open-admin-port' && f.resourceId === 'acl-0d3m00000000000d0',
    );
    const allows = (
      nacl?.remediation as {
        createEntries?: { RuleAction: string; CidrBlock?: string; PortRange?: { From: number } }[];
      }
    )?.createEntries
      ?.filter((e) => e.RuleAction === 'allow' && e.PortRange?.From === 22)
      .map((e) => e.CidrBlock);
    expect(allows).toEqual(['10.20.0.0/16', '172.16.50.0/24']);
  });

  it('is the configuration the README prints', () => {
    const readme = readFileSync('README.md', 'utf8');
    const file = readFileSync(CONFIG, 'utf8');
    expect(readme).toContain(`\`\`\`json\n${file}\`\`\``);
  });
});
