import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_LISTS } from '../../shared/aws/ec2/region';
import type { Finding } from '../../shared/findings';
import { auditJson } from '../helpers/audit-cli';

// DESIGN §3: "A user can build one with `aws ec2 describe-security-groups` etc., or with
// `vpc-guardrail snapshot`" — the README's hand-built recipe must give what `snapshot` gives. The
// recipe once assembled three lists (groups, rules, NACLs): followed as written, a region's
// interfaces, subnets, routes, NAT gateways and endpoints were absent, so every
// `eni-internet-exposed` (critical) and subnet/NAT/endpoint finding vanished with nothing listed as
// not judged (an absent list is an empty one), and prefix-list sources were "not judged".
// (scripts/emulator/loader.py found it on moto: path (d) against the live audit.)
//
// The README's block is run here as a user copies it, with bash, against a stand-in `aws` that
// answers each call from a snapshot that `vpc-guardrail snapshot` wrote on moto
// (test/fixtures/loader9/PROVENANCE.md), exactly as `--query … --output json|text` prints it. No
// network: the stand-in reads the file.

const FIXTURE = 'test/fixtures/loader9/moto-vpc-snapshot.json';
const region = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;

/** The first `sh` block of the README's "Snapshot format" section, without its audit line. */
function recipe(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## Snapshot format'));
  const start = section.indexOf('```sh\n') + 6;
  const block = section.slice(start, section.indexOf('```', start));
  return block
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('vpc-guardrail '))
    .join('\n');
}

/** A stand-in for the AWS CLI's `ec2` commands the recipe may use, answering from `FIXTURE`. */
const STUB = `
const [, , service, command, ...rest] = process.argv;
const arg = (name) => { const i = rest.indexOf(name); return i < 0 ? undefined : rest[i + 1]; };
const snap = JSON.parse(require('node:fs').readFileSync(process.env.STUB_SNAPSHOT, 'utf8'));
const lists = snap.ManagedPrefixLists ?? [];
const print = (value) => process.stdout.write(JSON.stringify(value, null, 4) + '\\n');
const fail = (why) => { process.stderr.write('stub aws: ' + why + ': ' + process.argv.slice(2).join(' ') + '\\n'); process.exit(252); };
if (service !== 'ec2') fail('not ec2');
const KEYS = { 'describe-vpcs': 'Vpcs', 'describe-subnets': 'Subnets', 'describe-security-groups': 'SecurityGroups',
  'describe-security-group-rules': 'SecurityGroupRules', 'describe-network-acls': 'NetworkAcls',
  'describe-route-tables': 'RouteTables', 'describe-internet-gateways': 'InternetGateways',
  'describe-nat-gateways': 'NatGateways', 'describe-vpc-endpoints': 'VpcEndpoints',
  'describe-network-interfaces': 'NetworkInterfaces' };
if (KEYS[command]) {
  if (arg('--query') !== KEYS[command] || arg('--output') !== 'json') fail('unexpected --query/--output');
  print(snap[KEYS[command]] ?? []);
} else if (command === 'describe-managed-prefix-lists') {
  const id = arg('--prefix-list-ids');
  const query = arg('--query') ?? '';
  if (id === undefined) {
    if (query !== 'PrefixLists[].PrefixListId' || arg('--output') !== 'text') fail('unexpected list query');
    process.stdout.write(lists.map((l) => l.PrefixListId).join('\\t') + '\\n');
  } else {
    const list = lists.find((l) => l.PrefixListId === id);
    if (!list) fail('no such list');
    const m = /^PrefixLists\\[0\\]\\.\\{(.*)\\}$/.exec(query);
    if (!m || arg('--output') !== 'json') fail('unexpected list query');
    // A JMESPath multiselect hash: each "Name: Field" pair, null where the field is absent.
    const out = {};
    for (const pair of m[1].split(',')) {
      const [name, field] = pair.split(':').map((s) => s.trim());
      out[name] = list[field] ?? null;
    }
    print(out);
  }
} else if (command === 'get-managed-prefix-list-entries') {
  const list = lists.find((l) => l.PrefixListId === arg('--prefix-list-id'));
  if (!list || arg('--query') !== 'Entries' || arg('--output') !== 'json') fail('unexpected entries call');
  print(list.Entries);
} else fail('unknown command');
`;

const scratch = mkdtempSync(join(tmpdir(), 'loader9-recipe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runRecipe(): Record<string, unknown> {
  writeFileSync(join(scratch, 'stub.cjs'), STUB);
  writeFileSync(
    join(scratch, 'aws'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(scratch, 'stub.cjs')}" "$@"\n`,
  );
  chmodSync(join(scratch, 'aws'), 0o755);
  execFileSync('bash', ['-e', '-o', 'pipefail', '-c', recipe()], {
    cwd: scratch,
    env: {
      ...process.env,
      PATH: `${scratch}:${process.env.PATH ?? ''}`,
      STUB_SNAPSHOT: join(process.cwd(), FIXTURE),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return JSON.parse(readFileSync(join(scratch, 'snapshot.json'), 'utf8')) as Record<string, unknown>;
}

/** A finding without the labels a hand-built file does not carry (README: copied as given). */
const unlabelled = ({ accountId: _a, region: _r, ...rest }: Finding) => rest;

describe("the README's hand-built snapshot recipe (DESIGN §3)", () => {
  const built = runRecipe();

  it('assembles every list `vpc-guardrail snapshot` records', () => {
    expect(Object.keys(built).sort()).toEqual([...SNAPSHOT_LISTS].sort());
    for (const list of SNAPSHOT_LISTS) expect(built[list], list).toEqual(region[list]);
  });

  it('gives the findings and notJudged of the snapshot `vpc-guardrail snapshot` wrote', async () => {
    const recorded = await auditJson(region);
    const assembled = await auditJson(built);
    expect(assembled.stderr).toBe('');
    expect(assembled.code).toBe(recorded.code);
    const want = recorded.report?.findings ?? [];
    // The world holds an exposed interface: the rule the three-list recipe lost without a word.
    expect(want.filter((f) => f.ruleId === 'eni-internet-exposed').length).toBe(2);
    expect(assembled.report?.findings.map(unlabelled)).toEqual(want.map(unlabelled));
    expect(assembled.report?.summary.notJudged).toEqual(recorded.report?.summary.notJudged);
  });
});
