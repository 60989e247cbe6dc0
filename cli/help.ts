import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The text `--help` prints after commander's option list: exit codes (DESIGN §11), examples and
// where the documentation is. Every line fits 80 columns, as the table report does.

/** The README beside the running CLI: the package's (`dist/cli/…` → `../..`) or a checkout's (`cli/` → `..`). */
export function readmePath(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (let up = 0; up < 3; up++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'README.md'))) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === 'vpc-guardrail') return join(dir, 'README.md');
      } catch {
        // Not our manifest: keep looking up.
      }
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** The line naming the documentation, with the README's path when it can be found. */
function documentationLine(readme: string | undefined): string {
  return readme
    ? `Documentation (snapshot format, rules, configuration, deploy):\n  ${readme}`
    : 'Documentation: README.md of the package (snapshot format, rules, configuration, deploy).';
}

/** After `vpc-guardrail --help`. */
export function programHelpFooter(readme: string | undefined): string {
  return `
Exit codes: audit: 0 no unsuppressed finding at or above --fail-on, 1 at least
one; simulate, snapshot: 0 done; every command: 2 usage or input error (the
message on stderr names it), and with --accounts or --organization an
account-region that could not be read (the report is incomplete; stderr names
it).
${documentationLine(readme)}
Installed from the package, this runs the bundled CLI. In a source checkout, a
bundle older than its sources (cli/, shared/, scripts/, package.json) is never
run: the sources run instead, through tsx.`;
}

/** After `vpc-guardrail audit --help`. */
export const AUDIT_HELP_FOOTER = `
Exit codes: 0 no unsuppressed finding at or above --fail-on; 1 at least one;
2 usage or input error (stderr names it), or with --accounts or --organization
an account-region that could not be read (stderr names it), or with
--import-to-security-hub findings Security Hub did not take.

Examples:
  vpc-guardrail audit --snapshot snapshot.json
  vpc-guardrail audit --region eu-west-1 --vpc vpc-0123456789abcdef0
  vpc-guardrail audit --snapshot snapshot.json --format sarif --fail-on none \\
    > audit.sarif
  vpc-guardrail audit --accounts 111111111111,222222222222 \\
    --regions eu-west-1,us-east-1 --format json > audit.json`;

/** After `vpc-guardrail snapshot --help`. */
export const SNAPSHOT_HELP_FOOTER = `
Exit codes: 0 written; 2 usage or input error, or a region or account-region
that could not be read (stderr names it).

Examples:
  vpc-guardrail snapshot --region eu-west-1 > snapshot.json
  vpc-guardrail audit --snapshot snapshot.json
  vpc-guardrail snapshot --accounts 222222222222 --regions eu-west-1 \\
    > snapshots.json`;

/** After `vpc-guardrail simulate --help`. */
export const SIMULATE_HELP_FOOTER = `
Exit codes: 0 the simulation ran, whatever it found (audit --fail-on is the
gate); 2 usage or input error (stderr names it).

Example (the files ship in the package's examples/ folder):
  vpc-guardrail simulate \\
    --event examples/events/authorize-bastion-ssh-world-and-office.json \\
    --snapshot examples/demo-snapshot.json --mode remediate`;
