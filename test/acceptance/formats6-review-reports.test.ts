import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';
import { ec2Fixture } from '../helpers/ec2-fixtures';

// DESIGN §6/§11 report formats, pinned by the formats6 review through the CLI a user runs
// (`vpc-guardrail audit --snapshot F --format table|json|sarif|asff`), on the real
// describe-security-groups output of test/fixtures/ec2 (Placebo recording, 19 groups).

type Json = Record<string, unknown>;

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const GROUPS = ec2Fixture('DescribeSecurityGroups--19-groups-ports-cidrs-placebo').SecurityGroups as Json[];
/** `sg_jantmantest_1`: 22/tcp, 80/tcp and 443/tcp from 0.0.0.0/0 (a critical admin-port finding). */
const SSH_GROUP_ID = 'sg-0d40e803b8b644e79';

function snapshot(renamed?: { name: string }): Json {
  const groups = GROUPS.map((g) =>
    renamed && g.GroupId === SSH_GROUP_ID
      ? { ...g, GroupName: renamed.name, Tags: [{ Key: 'Name', Value: renamed.name }] }
      : g,
  );
  return { accountId: ACCOUNT, region: REGION, SecurityGroups: groups };
}

async function audit(snap: Json, format: string, ...args: string[]) {
  // `-` is standard input: the memory IO serves it like any other path.
  const env = memoryIo({ '-': JSON.stringify(snap), 'in.json': JSON.stringify(snap) });
  const code = await runCli(['audit', '--format', format, ...args], env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

interface SarifOut {
  runs: {
    results: {
      ruleId: string;
      message: { text: string };
      locations: { physicalLocation?: { artifactLocation: { uri: string } } }[];
      properties: { resourceId: string; vpcId: string };
    }[];
  }[];
}

const HOSTILE = '[docs](https://evil.example)\u001b[31m\r\nCRITICAL (0)\u202Eevil\\';
const LONG_NAME = 'x'.repeat(3000);

describe('SARIF: what GitHub code scanning takes', () => {
  it('every result has physicalLocation.artifactLocation.uri when the snapshot comes from standard input', async () => {
    // Act: GitHub rejects the whole upload for one result without it ("expected artifact location").
    const { code, stdout } = await audit(snapshot(), 'sarif', '--snapshot', '-');

    // Assess
    expect(code).toBe(1);
    const results = (JSON.parse(stdout) as SarifOut).runs[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.locations[0]?.physicalLocation?.artifactLocation.uri).toBe(
        `${ACCOUNT}/${REGION}/${r.properties.vpcId}/${r.properties.resourceId}`,
      );
    }
  });

  it('a snapshot file is every result’s artifact', async () => {
    const { stdout } = await audit(snapshot(), 'sarif', '--snapshot', 'in.json');
    const uris = (JSON.parse(stdout) as SarifOut).runs[0]?.results.map(
      (r) => r.locations[0]?.physicalLocation?.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['in.json']));
  });

  it('a hostile group name is plain text in the message: no control characters, no embedded link', async () => {
    const { stdout } = await audit(snapshot({ name: HOSTILE }), 'sarif', '--snapshot', 'in.json');
    const result = (JSON.parse(stdout) as SarifOut).runs[0]?.results.find(
      (r) => r.properties.resourceId === SSH_GROUP_ID && r.ruleId === 'sg-open-admin-port',
    );
    const text = result?.message.text ?? '';
    // SARIF §3.11.6: literal `[`, `]` and `\` are escaped, so `[docs](…)` is not a link.
    expect(text).toContain('\\[docs\\](https://evil.example) \\[31m CRITICAL (0) evil\\\\');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a report must not carry
    expect(text).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
  });
});

describe('SARIF of a multi-account snapshot file (an array, as snapshot --accounts writes)', () => {
  it("names each not-judged interface's account-region and gives each result a location", async () => {
    // Prepare: account 1 has real interfaces without SubnetId (not judged), account 2 the real groups.
    const interfaces = (
      ec2Fixture('DescribeNetworkInterfaces--mixed-types-public-ip-placebo').NetworkInterfaces as Json[]
    ).map(({ SubnetId: _subnet, ...rest }) => rest);
    const first = { accountId: '111111111111', region: REGION, NetworkInterfaces: interfaces.slice(0, 1) };
    const env = memoryIo({ 'all.json': JSON.stringify([first, snapshot()]) });

    // Act
    const code = await runCli(['audit', '--snapshot', 'all.json', '--format', 'sarif'], env.io);

    // Assess
    expect(code).toBe(1);
    const log = JSON.parse(env.stdout()) as SarifOut & {
      runs: { invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[] }[];
    };
    const run = log.runs[0];
    expect(run?.invocations?.[0]?.toolExecutionNotifications.map((n) => n.message.text)).toEqual([
      `Not judged: 111111111111 ${REGION} ${String(interfaces[0]?.NetworkInterfaceId)}: the interface has no SubnetId`,
    ]);
    for (const r of run?.results ?? []) {
      expect(r.locations[0]?.physicalLocation?.artifactLocation.uri).toBe(
        `${ACCOUNT}/${REGION}/${r.properties.vpcId}/${r.properties.resourceId}`,
      );
    }
  });
});

interface AsffOut {
  Resources: { Id: string }[];
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string } };
}

async function asffOf(name: string): Promise<AsffOut | undefined> {
  const { stdout } = await audit(snapshot({ name }), 'asff', '--snapshot', 'in.json');
  return (JSON.parse(stdout) as AsffOut[]).find(
    (f) => f.Resources[0]?.Id.endsWith(`security-group/${SSH_GROUP_ID}`) && f.Title.includes('admin port'),
  );
}

describe('ASFF: BatchImportFindings limits and patterns', () => {
  it('a hostile name cannot put a line break or a bidi override in Description (pattern .*\\S.*)', async () => {
    const finding = await asffOf(HOSTILE);
    expect(finding?.Description).toMatch(/^.*\S.*$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a report must not carry
    expect(finding?.Description).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(finding?.Description).toContain('[docs](https://evil.example) [31m CRITICAL (0) evil\\');
  });

  it('a 3,000-character name is shortened, so Description (≤ 1024) still says what is open', async () => {
    const finding = await asffOf(LONG_NAME);
    const description = finding?.Description ?? '';
    expect(description.length).toBeLessThanOrEqual(1024);
    // The name's word (with its parenthesis) keeps 63 characters and an ellipsis.
    expect(description).toContain(`Security group ${SSH_GROUP_ID} (${'x'.repeat(62)}… admits`);
    expect(description).toContain('admits the whole internet (IPv4) on 22/tcp');
  });

  it('a cut never leaves half of a surrogate pair', async () => {
    // 😀 is two UTF-16 units: the cut at 1023 lands inside one of them for one of these offsets.
    for (const pad of [0, 1, 2]) {
      const finding = await asffOf(`${'y'.repeat(pad)}${'😀😀 '.repeat(500)}`);
      const description = finding?.Description ?? '';
      expect(description.length).toBeLessThanOrEqual(1024);
      expect(description.endsWith('…')).toBe(true);
      expect(description).not.toMatch(/\p{Surrogate}/u);
    }
  });
});

describe('table: hostile text neither drives the terminal nor breaks the 80 columns', () => {
  it('control characters become spaces and a 3,000-character name wraps, whole, within 80 columns', async () => {
    const { code, stdout } = await audit(
      snapshot({ name: `${HOSTILE} ${LONG_NAME}` }),
      'table',
      '--snapshot',
      'in.json',
    );
    expect(code).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a report must not carry
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    // Nothing of the name is dropped: a report hides nothing.
    expect(stdout.replace(/[^x]/g, '').length).toBeGreaterThanOrEqual(3000);
    expect(stdout).toContain(`(${'[docs](https://evil.example) [31m'}\n    CRITICAL (0) evil\\\n    xxxx`);
  });
});

describe('exit codes (DESIGN §11) are the same in every format', () => {
  it.each(['table', 'json', 'sarif', 'asff'])(
    '%s: 1 at or above --fail-on, 0 below it or with none',
    async (format) => {
      // The fixture's worst finding is critical (22/tcp world-open), nothing is suppressed.
      expect((await audit(snapshot(), format, '--snapshot', 'in.json')).code).toBe(1);
      expect((await audit(snapshot(), format, '--snapshot', 'in.json', '--fail-on', 'critical')).code).toBe(
        1,
      );
      expect((await audit(snapshot(), format, '--snapshot', 'in.json', '--fail-on', 'none')).code).toBe(0);
      expect((await audit(snapshot(), format, '--snapshot', 'missing.json')).code).toBe(2);
    },
  );
});
