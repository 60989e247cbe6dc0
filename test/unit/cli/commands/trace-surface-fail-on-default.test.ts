import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// DESIGN §11: exit 0 when no finding is at or above `--fail-on` (default `high`), 1 when one is.
// The tests drove the demo (critical findings) or gave --fail-on: a default of `critical` passed them.

/** One VPC and one group open to the world on one tcp port. */
function snapshot(port: number): string {
  return JSON.stringify({
    accountId: '111122223333',
    region: 'eu-west-1',
    Vpcs: [{ VpcId: 'vpc-0a', CidrBlock: '10.0.0.0/16', OwnerId: '111122223333' }],
    SecurityGroups: [
      {
        GroupId: 'sg-0db',
        GroupName: 'db',
        VpcId: 'vpc-0a',
        OwnerId: '111122223333',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
        IpPermissionsEgress: [],
      },
    ],
  });
}

async function audit(port: number, extra: string[] = []) {
  const env = memoryIo({ 'snap.json': snapshot(port) });
  const code = await runCli(['audit', '--snapshot', 'snap.json', '--format', 'json', ...extra], env.io);
  const { findings } = JSON.parse(env.stdout()) as { findings: { ruleId: string; severity: string }[] };
  return { code, findings: findings.map((f) => `${f.ruleId} ${f.severity}`) };
}

describe('audit without --fail-on fails on high', () => {
  it('exits 1 when the worst finding is high (3306/tcp open to the world)', async () => {
    expect(await audit(3306)).toEqual({ code: 1, findings: ['sg-open-high-risk-port high'] });
  });

  it('exits 0 when the worst finding is medium', async () => {
    expect(await audit(7000)).toEqual({ code: 0, findings: ['sg-open-unauthorized-port medium'] });
  });

  it('exits 0 on the same high finding with --fail-on critical, 1 on the medium one with --fail-on medium', async () => {
    expect((await audit(3306, ['--fail-on', 'critical'])).code).toBe(0);
    expect((await audit(7000, ['--fail-on', 'medium'])).code).toBe(1);
  });
});
