import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs the CDK app as `cdk synth` does (cdk.json's command), with `context` as `-c key=value` passes
 * it (CDK_CONTEXT_JSON) and its output in `cdk.out/<outName>`: the exit status and stderr.
 */
export function synthWithContext(
  context: Record<string, string>,
  outName: string,
): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      CDK_OUTDIR: fileURLToPath(new URL(`../../cdk.out/${outName}`, import.meta.url)),
    },
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}
