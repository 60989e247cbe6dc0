import { runCli } from '../../cli/main';
import type { Finding } from '../../shared/findings';
import { memoryIo } from './cli-io';

/** The JSON `vpc-guardrail audit --format json` prints, typed as far as the tests read it. */
export interface AuditJsonReport {
  findings: Finding[];
  summary: { warnings: string[]; notJudged: { resourceId: string; reason: string; ruleId?: string }[] };
}

/**
 * Runs `vpc-guardrail audit --snapshot in.json --format json` on `snapshot` (serialized as the file
 * a user writes), with extra arguments: the exit code, the report (none when nothing was printed)
 * and stderr.
 */
export async function auditJson(snapshot: unknown, ...args: string[]) {
  const env = memoryIo({ 'in.json': JSON.stringify(snapshot) });
  const code = await runCli(['audit', '--snapshot', 'in.json', '--format', 'json', ...args], env.io);
  const out = env.stdout();
  return { code, report: out ? (JSON.parse(out) as AuditJsonReport) : undefined, stderr: env.stderr() };
}
