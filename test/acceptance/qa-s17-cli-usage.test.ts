import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';

// QA s17, the user path (DESIGN §11, README "The vpc-guardrail command"): what an engineer types
// first. Found: `--accounts` and `--regions` take comma-separated lists, so `--vpc vpc-a,vpc-b`
// was tried and refused as one id ("vpc-a,vpc-b" is not in the snapshot); `audit snapshot.json`
// and `--regions eu-west-1 us-east-1` got commander's "too many arguments" and an unknown command
// with no near match got no hint at all.

const DEMO = 'examples/demo-snapshot.json';
const DEMO_VPC = 'vpc-0d3m0a1b2c3d4e5f6';

async function cli(argv: string[], files: Record<string, string> = {}) {
  const { io, stdout, stderr } = memoryIo(files);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** The demo snapshot with a second VPC holding one world-open group. */
function twoVpcs(): string {
  const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as { SecurityGroups: unknown[]; Vpcs: unknown[] };
  demo.Vpcs.push({ VpcId: 'vpc-0second', CidrBlock: '10.99.0.0/16', OwnerId: '111122223333' });
  demo.SecurityGroups.push({
    GroupId: 'sg-0second',
    GroupName: 'second',
    VpcId: 'vpc-0second',
    OwnerId: '111122223333',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    IpPermissionsEgress: [],
  });
  return JSON.stringify(demo);
}

describe('QA s17: --vpc takes ids apart or comma-separated', () => {
  it('reports the same findings for --vpc a,b as for --vpc a b and --vpc a --vpc b', async () => {
    // Prepare
    const files = { 'two.json': twoVpcs() };
    const base = ['audit', '--snapshot', 'two.json', '--format', 'json', '--fail-on', 'none'];
    // Act
    const comma = await cli([...base, '--vpc', `${DEMO_VPC},vpc-0second`], files);
    const apart = await cli([...base, '--vpc', DEMO_VPC, 'vpc-0second'], files);
    const repeated = await cli([...base, '--vpc', DEMO_VPC, '--vpc', 'vpc-0second'], files);
    const one = await cli([...base, '--vpc', 'vpc-0second'], files);
    // Assess
    expect(comma.code).toBe(0);
    expect(comma.stdout).toBe(apart.stdout);
    expect(comma.stdout).toBe(repeated.stdout);
    const report = JSON.parse(comma.stdout) as { findings: { vpcId: string }[] };
    expect(new Set(report.findings.map((f) => f.vpcId))).toEqual(new Set([DEMO_VPC, 'vpc-0second']));
    const second = JSON.parse(one.stdout) as { findings: { ruleId: string; resourceId: string }[] };
    expect(second.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual([
      'sg-open-admin-port sg-0second',
    ]);
  });

  it('names the one id of a comma list that the snapshot does not hold', async () => {
    const out = await cli(['audit', '--snapshot', DEMO, '--vpc', `${DEMO_VPC},vpc-0typo`]);
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr: 'vpc-guardrail: invalid options:\n  --vpc: "vpc-0typo" is not in the snapshot\n',
    });
  });

  it('refuses a value that holds no id (exit 2), rather than an audit of every VPC', async () => {
    const out = await cli(['audit', '--snapshot', DEMO, '--vpc', ',']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "error: option '--vpc <id...>' argument ',' is invalid. The value holds no id.\n",
    );
  });

  it('checks each id of a comma list before any call with --region', async () => {
    const out = await cli(['snapshot', '--region', 'eu-west-1', '--vpc', 'vpc-0a1b2c3d,vpc 2']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('vpc-guardrail: invalid options:\n  --vpc: not a VPC id ("vpc 2")\n');
  });
});

describe('QA s17: a stray argument or an unknown command says what to do', () => {
  it('audit FILE (the file without --snapshot): exit 2, how values are given', async () => {
    const out = await cli(['audit', DEMO]);
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error: too many arguments for 'audit'. Expected 0 arguments but got 1: examples/demo-snapshot.json.\n" +
        '(each value follows its option, e.g. --snapshot FILE; lists are comma-separated, e.g. --regions eu-west-1,us-east-1; see vpc-guardrail audit --help)\n',
    });
  });

  it('--regions with a space-separated list points at the comma', async () => {
    const out = await cli(['audit', '--accounts', '111111111111', '--regions', 'eu-west-1', 'us-east-1']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("too many arguments for 'audit'");
    expect(out.stderr).toContain('lists are comma-separated, e.g. --regions eu-west-1,us-east-1');
  });

  it("an unknown command with no near match lists the commands; a near one keeps Commander's guess alone", async () => {
    expect(await cli(['frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error: unknown command 'frobnicate'\n(the commands are audit, snapshot and simulate; see vpc-guardrail --help)\n",
    });
    expect((await cli(['aduit'])).stderr).toBe("error: unknown command 'aduit'\n(Did you mean audit?)\n");
  });
});

describe('QA s17: an event given where the snapshot goes is an input error, not a clean report', () => {
  // Found running `simulate --event E --snapshot E` and `audit --snapshot E` (the files swapped):
  // eight "unknown top-level key" warnings, "the snapshot holds no resources", exit 0.
  const EVENT_FILE = 'examples/events/authorize-bastion-ssh-world-and-office.json';
  const eventBridge = readFileSync(EVENT_FILE, 'utf8');
  const record = JSON.stringify((JSON.parse(eventBridge) as { detail: unknown }).detail);
  const message = (keys: string) =>
    `(root): a CloudTrail or EventBridge event (${keys}), not a snapshot of Describe* lists ("Snapshot format" in the README); an event goes to simulate --event FILE --snapshot SNAPSHOT`;

  it.each([
    ['an EventBridge event', eventBridge, 'detail-type, detail'],
    ['a CloudTrail record', record, 'eventVersion, eventSource, eventName'],
    ['a CloudTrail log file', JSON.stringify({ Records: [JSON.parse(record)] }), 'Records'],
  ])('audit --snapshot of %s: exit 2, where an event goes', async (_what, text, keys) => {
    const out = await cli(['audit', '--snapshot', 'e.json'], { 'e.json': text });
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr: `vpc-guardrail: invalid snapshot e.json:\n  ${message(keys)}\n`,
    });
  });

  it('audit --snapshot of an array of events: exit 2 naming each element (at most 3), not "[0].accountId: expected …"', async () => {
    const event = JSON.parse(eventBridge) as object;
    const out = await cli(['audit', '--snapshot', 'e.json'], {
      'e.json': JSON.stringify([event, event, event, event]),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      'vpc-guardrail: invalid snapshot e.json:\n' +
        [0, 1, 2].map((i) => `  ${message('detail-type, detail').replace('(root)', `[${i}]`)}\n`).join(''),
    );
  });

  it("simulate with the two files swapped: exit 2 naming the snapshot option's file", async () => {
    const out = await cli(['simulate', '--event', EVENT_FILE, '--snapshot', EVENT_FILE]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      `vpc-guardrail: invalid snapshot ${EVENT_FILE}:\n  ${message('detail-type, detail')}\n`,
    );
  });

  it('still reads a snapshot that holds a list beside such a key, and {} stays a warning (README)', async () => {
    const withList = await cli(['audit', '--snapshot', 's.json', '--fail-on', 'none'], {
      's.json': JSON.stringify({ SecurityGroups: [], detail: {} }),
    });
    expect(withList.code).toBe(0);
    expect(withList.stderr).toContain('warning: detail: unknown top-level key, ignored\n');
    const empty = await cli(['audit', '--snapshot', 'e.json'], { 'e.json': '{}' });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe(
      'warning: (root): the snapshot holds no resources (every Describe* list is empty or absent)\n',
    );
  });
});
