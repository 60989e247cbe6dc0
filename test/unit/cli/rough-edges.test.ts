import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// DESIGN §11 and issue #9's CLI items: each case gives the exact input and the exact output.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PACKAGE_VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** A world-open SSH group in `vpcId`. */
function sshGroup(
  groupId: string,
  vpcId: string,
  extra: Record<string, unknown> = {},
): { IpPermissions: Record<string, unknown>[] } & Record<string, unknown> {
  return {
    GroupId: groupId,
    GroupName: `${groupId}-name`,
    VpcId: vpcId,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    IpPermissionsEgress: [],
    ...extra,
  };
}

async function cli(argv: string[], files: Record<string, string> = {}) {
  const env = memoryIo(files);
  const code = await runCli(argv, env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

describe('--version and --help', () => {
  it('prints the package version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
  });

  it.each([[['--help']], [['audit', '--help']], [['snapshot', '--help']], [['simulate', '--help']]])(
    '%j names no document that the package does not ship, and says what runs',
    async (argv) => {
      const { code, stdout } = await cli(argv);
      expect(code).toBe(0);
      expect(stdout).not.toMatch(/DESIGN|§/);
      for (const doc of stdout.match(/\b[\w-]+\.md\b/g) ?? []) expect(['README.md']).toContain(doc);
      if (argv[0] === '--help') {
        expect(stdout).toContain(
          'a\nbundle older than its sources (cli/, shared/, scripts/, package.json) is never\nrun: the sources run instead, through tsx.',
        );
      }
    },
  );
});

describe('table output never passes terminal control characters through', () => {
  it('prints names, tags and descriptions with escape sequences, CR and BEL as plain spaces', async () => {
    // Prepare: a group name that would clear the screen and retitle the terminal, a tag value with
    // a carriage return that would overwrite the line, a bidi override.
    const snapshot = {
      SecurityGroups: [
        sshGroup('sg-1', 'vpc-1', {
          GroupName: 'web\u001b[2J\u001b]0;pwned\u0007\rOK\u202e',
          Tags: [{ Key: 'vpc-guardrail:exempt', Value: 'oops\r\u001b[1A' }],
        }),
      ],
    };

    // Act
    const { code, stdout } = await cli(['audit', '--snapshot', 's.json'], {
      's.json': JSON.stringify(snapshot),
    });

    // Assess
    expect(code).toBe(1);
    const controls = [...stdout].filter((char) => {
      const code = char.codePointAt(0) ?? 0;
      return (
        (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e)
      );
    });
    expect(controls).toEqual([]);
    expect(stdout).toContain('Security group sg-1 (web [2J ]0;pwned OK ) admits the whole');
    expect(stdout).toContain('exemption tag unreadable, ignored: "oops\\r\\u001b[1A" (expected "*" or');
  });
});

describe('table: what cannot be fixed automatically', () => {
  it('shows the notRemediable ports and the sources that keep them open', async () => {
    const group = sshGroup('sg-1', 'vpc-1');
    group.IpPermissions = [
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }],
      },
    ];
    const { stdout } = await cli(['audit', '--snapshot', 's.json'], {
      's.json': JSON.stringify({ SecurityGroups: [group] }),
    });
    expect(stdout).toContain(
      [
        '    fix: revoke ingress rule (tcp 22 0.0.0.0/0)',
        '    not fixable automatically, stays world-open: 22/tcp (IPv4) through tcp 22',
        '    from 0.0.0.0/1, tcp 22 from 128.0.0.0/1; narrow these sources by hand',
      ].join('\n'),
    );
  });

  it('names every source when nothing can be revoked (a split world, IPv4 and IPv6)', async () => {
    // 8000::/1 holds no public IPv6 address (2000::/3 is in ::/1): it keeps nothing open.
    const group = sshGroup('sg-1', 'vpc-1');
    group.IpPermissions = [
      {
        IpProtocol: 'tcp',
        FromPort: 3389,
        ToPort: 3389,
        IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }],
        Ipv6Ranges: [{ CidrIpv6: '::/1' }, { CidrIpv6: '8000::/1' }],
      },
    ];
    const { stdout } = await cli(['audit', '--snapshot', 's.json'], {
      's.json': JSON.stringify({ SecurityGroups: [group] }),
    });
    expect(stdout).not.toContain('fix: revoke');
    expect(stdout.replace(/\n {4}/g, ' ')).toContain(
      'not fixable automatically, stays world-open: 3389/tcp (IPv4) through tcp 3389 from 0.0.0.0/1, ' +
        'tcp 3389 from 128.0.0.0/1; 3389/tcp (IPv6) through tcp 3389 from ::/1; ' +
        'narrow these sources by hand',
    );
  });
});

describe('input errors', () => {
  it('prints a bad port spec once', async () => {
    const { code, stderr } = await cli(
      ['audit', '--snapshot', 'examples/demo-snapshot.json', '--config', 'c.json'],
      {
        'c.json': '{"adminPorts": ["22/tcpx", 70000]}',
      },
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vpc-guardrail: invalid config file c.json:\n' +
        '  adminPorts[0]: not a port spec like "22/tcp" or "8000-8100/udp" ("22/tcpx")\n' +
        '  adminPorts[1]: not a port spec like "22/tcp" or "8000-8100/udp" (70000)\n',
    );
  });

  it('refuses a mistyped allow-list key naming it, rather than allow-listing every rule of the group', async () => {
    // Before: `ruleId` was dropped silently and the entry (no ruleIds) suppressed every finding of sg-0a.
    const { code, stdout, stderr } = await cli(
      ['audit', '--snapshot', 'examples/demo-snapshot.json', '--config', 'c.json'],
      {
        'c.json': JSON.stringify({
          allowLists: [{ resourceId: 'sg-0a', ruleId: ['sg-open-high-risk-port'] }],
          ephemeralPorts: { from: 1024, to: 65535, form: 1 },
          worldOpenCoverage: 99,
        }),
      },
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'vpc-guardrail: invalid config file c.json:\n' +
        '  ephemeralPorts.form: unknown key; did you mean from?\n' +
        '  worldOpenCoverage: a fraction above 0 and at most 1, e.g. 0.99 (not a percentage)\n' +
        '  allowLists[0].ruleId: unknown key; did you mean ruleIds?\n',
    );
  });

  it('says a directory is a directory', async () => {
    const { code, stdout, stderr } = await cli(['audit', '--snapshot', dir]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`vpc-guardrail: cannot read ${dir}:\n  is a directory, not a file\n`);
  });

  it('accepts a snapshot and a config saved with a UTF-8 byte-order mark', async () => {
    // Prepare
    const snapshotPath = join(dir, 'bom.json');
    const configPath = join(dir, 'bom-config.json');
    writeFileSync(snapshotPath, `\ufeff${JSON.stringify({ SecurityGroups: [sshGroup('sg-1', 'vpc-1')] })}`);
    writeFileSync(configPath, '\ufeff{"mode": "notify"}');

    // Act
    const withBom = await cli([
      'audit',
      '--snapshot',
      snapshotPath,
      '--config',
      configPath,
      '--format',
      'json',
    ]);

    // Assess
    expect(withBom.stderr).toBe('');
    expect(withBom.code).toBe(1);
    const report = JSON.parse(withBom.stdout) as { findings: { ruleId: string; resourceId: string }[] };
    expect(report.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-1']]);
  });
});

describe('--vpc with --snapshot', () => {
  const snapshot = JSON.stringify({
    Vpcs: [{ VpcId: 'vpc-a' }, { VpcId: 'vpc-b' }],
    SecurityGroups: [sshGroup('sg-a', 'vpc-a'), sshGroup('sg-b', 'vpc-b'), sshGroup('sg-c', 'vpc-c')],
  });

  it('reports only the findings of those VPCs, and counts only them', async () => {
    const { code, stdout } = await cli(
      ['audit', '--snapshot', 's.json', '--vpc', 'vpc-b', 'vpc-c', '--format', 'json'],
      { 's.json': snapshot },
    );
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      findings: { resourceId: string }[];
      summary: { total: number };
    };
    expect(report.findings.map((f) => f.resourceId)).toEqual(['sg-b', 'sg-c']);
    expect(report.summary.total).toBe(2);
  });

  it('exits 0 when the chosen VPC has no finding at or above --fail-on', async () => {
    const clean = JSON.stringify({
      Vpcs: [{ VpcId: 'vpc-a' }, { VpcId: 'vpc-b' }],
      SecurityGroups: [sshGroup('sg-a', 'vpc-a')],
    });
    const { code, stdout } = await cli(['audit', '--snapshot', 's.json', '--vpc', 'vpc-b'], {
      's.json': clean,
    });
    expect(code).toBe(0);
    expect(stdout).toBe('VPC Guardrail: no findings\n');
  });

  it('is an error for a VPC the snapshot does not hold (a typo must not read as clean)', async () => {
    const { code, stdout, stderr } = await cli(
      ['audit', '--snapshot', 's.json', '--vpc', 'vpc-a', 'vpc-typo'],
      {
        's.json': snapshot,
      },
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('vpc-guardrail: invalid options:\n  --vpc: "vpc-typo" is not in the snapshot\n');
  });
});

describe('SARIF', () => {
  it('names the snapshot by a valid URI reference whatever its name, and the tool version', async () => {
    // Prepare: a real file whose path has a space, a `#`, a `%` and non-ASCII letters.
    const sub = join(dir, 'scans #1');
    mkdirSync(sub, { recursive: true });
    const path = join(sub, 'données 100%.json');
    writeFileSync(path, JSON.stringify({ SecurityGroups: [sshGroup('sg-1', 'vpc-1')] }));

    // Act
    const { code, stdout } = await cli(['audit', '--snapshot', path, '--format', 'sarif']);

    // Assess
    expect(code).toBe(1);
    const sarif = JSON.parse(stdout) as {
      runs: {
        tool: { driver: { name: string; version: string } };
        results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    const run = sarif.runs[0];
    expect(run?.tool.driver).toMatchObject({ name: 'vpc-guardrail', version: PACKAGE_VERSION });
    const uri = run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri ?? '';
    const encodedDir = dir.split('/').map(encodeURIComponent).join('/');
    expect(uri).toBe(`file://${encodedDir}/scans%20%231/donn%C3%A9es%20100%25.json`);
    expect(decodeURIComponent(new URL(uri).pathname)).toBe(path);
  });
});

describe('ASFF', () => {
  it.each([
    [
      { accountId: '1234', region: 'eu-west-1' },
      '  accountId: must be 12 digits, got "1234" (add "accountId": "123456789012" at the top level of the snapshot)\n',
    ],
    [
      { accountId: '123456789012', region: 'Ireland' },
      '  region: not a region name like "eu-west-1", got "Ireland" (add "region": "eu-west-1" at the top level of the snapshot)\n',
    ],
    [
      { region: 'eu-west-1' },
      '  accountId: missing (add "accountId": "123456789012" at the top level of the snapshot)\n',
    ],
  ])('rejects %j naming the key that supplies it', async (target, issue) => {
    const snapshot = JSON.stringify({ ...target, SecurityGroups: [sshGroup('sg-1', 'vpc-1')] });
    const { code, stdout, stderr } = await cli(['audit', '--snapshot', 's.json', '--format', 'asff'], {
      's.json': snapshot,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `vpc-guardrail: ASFF (Security Hub) needs the AWS account and region of the findings:\n${issue}`,
    );
  });

  it('prints the findings array that the README recipe splits into BatchImportFindings calls', async () => {
    // Prepare: the recipe as the README gives it.
    const readme = readFileSync('README.md', 'utf8');
    const recipe =
      /```sh\n(vpc-guardrail audit [^\n]*--format asff[^\n]*\n[^`]*?)```/.exec(readme)?.[1] ?? '';
    expect(recipe).toContain("jq -c 'range(0; length; 100) as $i | .[$i:$i+100]' asff.json");
    expect(recipe).toContain('aws securityhub batch-import-findings --findings "$batch"');
    const groups = Array.from({ length: 150 }, (_, i) => sshGroup(`sg-${i}`, 'vpc-1'));
    const snapshot = JSON.stringify({
      accountId: '123456789012',
      region: 'eu-west-1',
      SecurityGroups: groups,
    });

    // Act
    const { code, stdout } = await cli(
      ['audit', '--snapshot', 's.json', '--format', 'asff', '--fail-on', 'none'],
      {
        's.json': snapshot,
      },
    );

    // Assess: a top-level array the filter slices into 100 + 50, each item a full ASFF finding.
    expect(code).toBe(0);
    const asff = JSON.parse(stdout) as Record<string, unknown>[];
    expect(Array.isArray(asff)).toBe(true);
    expect(asff).toHaveLength(150);
    const batches = [asff.slice(0, 100), asff.slice(100, 200)];
    expect(batches.map((b) => b.length)).toEqual([100, 50]);
    expect(asff[0]).toMatchObject({
      SchemaVersion: '2018-10-08',
      AwsAccountId: '123456789012',
      Region: 'eu-west-1',
      ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
    });
  });
});
