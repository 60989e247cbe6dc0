import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// DESIGN §11: a usage error exits 2 with a message on stderr naming what is wrong. An option
// whose value was forgotten took the next option as its value (commander takes the next argument
// whatever it is), and an empty value read as the option not given.

/** A world-open SSH group in vpc-1: exit 1 at the default --fail-on when it is audited. */
const SNAPSHOT = JSON.stringify({
  Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
  SecurityGroups: [
    {
      GroupId: 'sg-1',
      GroupName: 'ssh',
      VpcId: 'vpc-1',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      IpPermissionsEgress: [],
    },
  ],
});

async function cli(argv: string[]) {
  const env = memoryIo({ 's.json': SNAPSHOT, 'e.json': '{}' });
  const code = await runCli(argv, env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

const missing = (flags: string, next: string) =>
  `error: option '${flags}' argument '${next}' is invalid. The value is missing (${next} is the next option).\n`;
const empty = (flags: string) => `error: option '${flags}' argument '' is invalid. The value is empty.\n`;

describe('an option value that is missing or empty', () => {
  it.each([
    // Before: "too many arguments for 'audit'. Expected 0 arguments but got 1: json."
    [['audit', '--snapshot', '--format', 'json'], missing('--snapshot <file>', '--format')],
    // Before: "--vpc needs --snapshot FILE or --region R", to someone who gave --region.
    [['audit', '--vpc', '--region', 'eu-west-1'], missing('--vpc <id...>', '--region')],
    [['audit', '--snapshot', 's.json', '--vpc', 'vpc-1', '--vpc', '-h'], missing('--vpc <id...>', '-h')],
    [['audit', '--accounts', '--regions', 'eu-west-1'], missing('--accounts <ids>', '--regions')],
    [
      ['audit', '--organization', '--role-name', '--regions', 'eu-west-1'],
      missing('--role-name <name>', '--regions'),
    ],
    [['snapshot', '--region', '--vpc', 'vpc-1'], missing('--region <region>', '--vpc')],
    [['simulate', '--event', '--snapshot', 's.json'], missing('--event <file>', '--snapshot')],
    [
      ['simulate', '--event', 'e.json', '--snapshot', '--mode', 'notify'],
      missing('--snapshot <file>', '--mode'),
    ],
    // Before: exit 1, the file audited as if --region were not given ("$REGION" unset).
    [['audit', '--snapshot', 's.json', '--region', ''], empty('--region <region>')],
    // Before: exit 1 with the default configuration, the file named by --config ignored.
    [['audit', '--snapshot', 's.json', '--config', ''], empty('--config <file>')],
    [['audit', '--snapshot', ''], empty('--snapshot <file>')],
    [['audit', '--accounts', '', '--regions', 'eu-west-1'], empty('--accounts <ids>')],
  ])('%j exits 2 naming the option', async (argv, message) => {
    // Act
    const { code, stdout, stderr } = await cli(argv);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(message);
  });

  it('still takes - (standard input) and keeps every value of a repeated --vpc', async () => {
    // Act: vpc-2 is not in the file, so the error names the second value (both were kept).
    const { code, stderr } = await cli(['audit', '--snapshot', 's.json', '--vpc', 'vpc-1', '--vpc', 'vpc-2']);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe('vpc-guardrail: invalid options:\n  --vpc: "vpc-2" is not in the snapshot\n');
  });

  it('audits what a complete command names, as before', async () => {
    // Act
    const { code, stdout } = await cli([
      'audit',
      '--snapshot',
      's.json',
      '--vpc',
      'vpc-1',
      '--format',
      'json',
    ]);

    // Assess
    expect(code).toBe(1);
    expect(
      (JSON.parse(stdout) as { findings: { resourceId: string }[] }).findings.map((f) => f.resourceId),
    ).toContain('sg-1');
  });
});
