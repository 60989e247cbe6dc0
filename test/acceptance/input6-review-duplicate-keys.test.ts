import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { configFromEnvFor } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import { memoryIo } from '../helpers';
import { cloudTrailFixture } from '../helpers/cloudtrail';
import { ec2Fixture } from '../helpers/ec2-fixtures';

// A key repeated deeper than the root (DESIGN §3: "never a crash or a silent skip"): JSON.parse
// keeps the last value without a word, so a group written with "IpPermissions" twice was judged on
// its second list alone, and a world-open rule in the first came out clean (exit 0). Every text
// read through parseJsonText now refuses a key an object repeats, naming its path.

type Json = Record<string, unknown>;

// sg-0d40e803b8b644e79 of the Placebo recording (19 groups): tcp 80, 22 and 443 open to 0.0.0.0/0.
const GROUPS = ec2Fixture('DescribeSecurityGroups--19-groups-ports-cidrs-placebo').SecurityGroups as Json[];
const OPEN = GROUPS.find((g) => g.GroupId === 'sg-0d40e803b8b644e79') as Json;

/** The group as the AWS CLI prints it, with its `IpPermissions` given twice: its own list and `[]`. */
function pastedTwice(group: Json, emptyLast: boolean): string {
  const { IpPermissions, ...rest } = group;
  const own = `"IpPermissions": ${JSON.stringify(IpPermissions, null, 4)}`;
  const lists = emptyLast ? [own, '"IpPermissions": []'] : ['"IpPermissions": []', own];
  const item = `${JSON.stringify(rest, null, 4).slice(0, -2)},\n    ${lists.join(',\n    ')}\n}`;
  return `{\n"SecurityGroups": [\n${item}\n]\n}`;
}

async function run(args: string[], files: Record<string, string>) {
  const env = memoryIo(files);
  const code = await runCli(args, env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

describe('a key repeated inside an item', () => {
  it('is an error naming its path (exit 2), never the last list alone', async () => {
    // Both parse; with the empty list last, JSON.parse keeps it and the open rules vanish.
    const hiding = pastedTwice(OPEN, true);
    expect(JSON.parse(hiding).SecurityGroups[0].IpPermissions).toEqual([]);
    const keeping = pastedTwice(OPEN, false);
    expect(JSON.parse(keeping).SecurityGroups[0].IpPermissions).toHaveLength(3);
    for (const file of [hiding, keeping]) {
      const { code, stdout, stderr } = await run(['audit', '--snapshot', 'in.json', '--format', 'json'], {
        'in.json': file,
      });
      expect(stderr).toBe(
        'vpc-guardrail: invalid snapshot in.json:\n' +
          '  SecurityGroups[0].IpPermissions: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)\n',
      );
      expect(code).toBe(2);
      expect(stdout).toBe('');
    }
  });

  it('without the repeat, the same group is a finding (the case the repeat hid)', async () => {
    const { code, stdout } = await run(['audit', '--snapshot', 'in.json', '--format', 'json'], {
      'in.json': JSON.stringify({ SecurityGroups: [OPEN] }, null, 4),
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { findings: { ruleId: string; resourceId: string }[] };
    expect(report.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toContain(
      'sg-open-admin-port sg-0d40e803b8b644e79',
    );
  });

  it('deep in a rule, in a file of several snapshots, and in a NACL entry', async () => {
    const cases: [string, string][] = [
      [
        '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0", "CidrIp": "10.0.0.0/8"}]}]}]}',
        'SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: duplicate key (JSON keeps only the last of its values; give each key once)',
      ],
      [
        '[{"accountId": "111111111111", "region": "eu-west-1"}, {"accountId": "222222222222", "region": "eu-west-1", "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [{"RuleNumber": 100, "RuleAction": "allow", "RuleAction": "deny", "Protocol": "-1", "Egress": false, "CidrBlock": "0.0.0.0/0"}]}]}]',
        '[1].NetworkAcls[0].Entries[0].RuleAction: duplicate key (JSON keeps only the last of its values; give each key once)',
      ],
    ];
    for (const [text, issue] of cases) {
      const { code, stderr } = await run(['audit', '--snapshot', 'in.json'], { 'in.json': text });
      expect(stderr).toBe(`vpc-guardrail: invalid snapshot in.json:\n  ${issue}\n`);
      expect(code).toBe(2);
    }
  });
});

describe('the other JSON a user gives (they go through the same parse)', () => {
  it('a --config file repeating a key inside an object is an error naming it', async () => {
    const config = '{"mode": "notify", "rules": {"sg-open-admin-port": {"enabled": false, "enabled": true}}}';
    const { code, stderr } = await run(['audit', '--snapshot', 'in.json', '--config', 'c.json'], {
      'in.json': JSON.stringify({ SecurityGroups: [OPEN] }),
      'c.json': config,
    });
    expect(stderr).toContain(
      'rules.sg-open-admin-port.enabled: duplicate key (JSON keeps only the last of its values; give each key once)',
    );
    expect(code).toBe(2);
  });

  it('VPC_GUARDRAIL_CONFIG repeating a key inside an object is a ConfigError naming it', () => {
    const env = { VPC_GUARDRAIL_CONFIG: '{"authorizedPorts": {"tcp": [22], "tcp": [443]}}' };
    expect(() => configFromEnvFor([], env)).toThrow(ConfigError);
    try {
      configFromEnvFor([], env);
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        'authorizedPorts.tcp: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
      ]);
    }
  });

  it('a simulate --event file repeating a key of a record is an error naming it (the open rule was the one dropped)', async () => {
    const record = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--go-sdk-anywhere-ssh-panther.json',
    ) as Json;
    const printed = JSON.stringify(record, null, 2).replace(
      '"ipPermissions": {',
      '"ipPermissions": {"items": []},\n    "ipPermissions": {',
    );
    // Reversed, so that JSON.parse keeps the empty one: the world-open SSH rule vanished.
    const text = printed.replace(
      /("ipPermissions": \{"items": \[\]\},\n {4})("ipPermissions": \{[\s\S]*?\n {4}\})/,
      '$2,\n    "ipPermissions": {"items": []}',
    );
    expect((JSON.parse(text) as { requestParameters: Json }).requestParameters.ipPermissions).toEqual({
      items: [],
    });
    const { code, stderr } = await run(['simulate', '--event', 'e.json', '--snapshot', 's.json'], {
      'e.json': text,
      's.json': JSON.stringify({ SecurityGroups: [] }),
    });
    expect(stderr).toBe(
      'vpc-guardrail: invalid event e.json:\n' +
        '  requestParameters.ipPermissions: duplicate key (JSON keeps only the last of its values; give each key once)\n',
    );
    expect(code).toBe(2);
  });
});
