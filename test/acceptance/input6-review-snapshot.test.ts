import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { auditJson, memoryIo } from '../helpers';
import { ec2Fixture } from '../helpers/ec2-fixtures';

// DESIGN §3 and §4 as the input6 review found them missing, through the CLI a user runs, on real
// EC2 output (test/fixtures/ec2, provenance there).

type Json = Record<string, unknown>;

// sg-0d40e803b8b644e79 of the Placebo recording (19 groups): tcp 80, 22 and 443 open to 0.0.0.0/0.
const GROUPS = ec2Fixture('DescribeSecurityGroups--19-groups-ports-cidrs-placebo').SecurityGroups as Json[];
const OPEN = GROUPS.find((g) => g.GroupId === 'sg-0d40e803b8b644e79') as Json;
const ACCOUNT = { accountId: '123456789012', region: 'eu-west-1' };

async function audit(snapshot: unknown, ...args: string[]) {
  const env = memoryIo({ 'in.json': JSON.stringify(snapshot) });
  const code = await runCli(['audit', '--snapshot', 'in.json', ...args], env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

describe('resource ids longer than any EC2 id', () => {
  const long = `sg-${'0'.repeat(600)}`;

  it('are an error naming the path (exit 2): an ASFF finding on one could not be imported', async () => {
    const { code, stdout, stderr } = await audit({
      ...ACCOUNT,
      SecurityGroups: [{ ...OPEN, GroupId: long }],
    });
    expect(stderr).toBe(
      'vpc-guardrail: invalid snapshot:\n' +
        '  SecurityGroups[0].GroupId: an id of 603 characters ("sg-000000000000000000000"…), longer than any EC2 id (at most 128)\n',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('as a reference too (an interface naming such a group), and an own id may not be empty', async () => {
    const eni = {
      NetworkInterfaceId: 'eni-1',
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      Groups: [{ GroupId: long }],
    };
    const rule = {
      SecurityGroupRuleId: '',
      GroupId: 'sg-1',
      IsEgress: false,
      IpProtocol: '-1',
      CidrIpv4: '0.0.0.0/0',
    };
    const { code, stderr } = await audit({ NetworkInterfaces: [eni], SecurityGroupRules: [rule] });
    expect(stderr).toBe(
      'vpc-guardrail: invalid snapshot:\n' +
        '  SecurityGroupRules[0].SecurityGroupRuleId: is empty (expected the resource id EC2 prints)\n' +
        '  NetworkInterfaces[0].Groups[0].GroupId: an id of 603 characters ("sg-000000000000000000000"…), longer than any EC2 id (at most 128)\n',
    );
    expect(code).toBe(2);
  });

  it('up to 128 characters are read, and the ASFF Id of their finding fits Security Hub (512)', async () => {
    const id = `sg-${'a'.repeat(125)}`;
    const { code, stdout } = await audit(
      { ...ACCOUNT, SecurityGroups: [{ ...OPEN, GroupId: id }] },
      '--format',
      'asff',
    );
    expect(code).toBe(1);
    const findings = JSON.parse(stdout) as { Id: string }[];
    const ids = findings.map((f) => f.Id);
    expect(ids).toContain(`vpc-guardrail/123456789012/eu-west-1/sg-open-admin-port/${id}`);
    for (const asffId of ids) expect(asffId.length).toBeLessThanOrEqual(512);
  });

  it('the real samples pass (their ids are 8 to 24 characters)', async () => {
    const { code, stderr } = await auditJson({ SecurityGroups: GROUPS });
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});

describe('IPv6 texts are checked as EC2 checks them', () => {
  const withSource = (cidr: string) => ({
    SecurityGroups: [
      {
        ...OPEN,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: cidr }] },
        ],
      },
    ],
  });

  it('a zone or surrounding space is an error naming the path, as for IPv4 (it was read, zone dropped)', async () => {
    for (const cidr of [' ::/0', '::/0 ', 'fe80::1%eth0/64']) {
      const { code, stderr } = await audit(withSource(cidr));
      expect(stderr).toBe(
        'vpc-guardrail: invalid snapshot:\n' +
          `  SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6: not a valid IPv6 CIDR (${JSON.stringify(cidr)})\n`,
      );
      expect(code).toBe(2);
    }
    const eni = {
      NetworkInterfaceId: 'eni-1',
      SubnetId: 'subnet-1',
      Ipv6Addresses: [{ Ipv6Address: '2a05:d018::5 ' }],
    };
    const { code, stderr } = await audit({ NetworkInterfaces: [eni] });
    expect(stderr).toContain(
      'NetworkInterfaces[0].Ipv6Addresses[0].Ipv6Address: not a valid IPv6 address ("2a05:d018::5 ")',
    );
    expect(code).toBe(2);
  });

  it('every spelling of the IPv6 world EC2 takes is the world (zeros written out, leading zeros, upper case, host bits, an IPv4 tail)', async () => {
    for (const cidr of [
      '::/0',
      '0::/0',
      '0:0:0:0:0:0:0:0/0',
      '::0/0',
      '0000::/0',
      'FFFF::/0',
      '2001:0DB8::1/0',
      '::ffff:1.2.3.4/0',
    ]) {
      const { code, stdout } = await audit(withSource(cidr), '--format', 'json');
      const report = JSON.parse(stdout) as { findings: { ruleId: string; resourceId: string }[] };
      expect(report.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual([
        'sg-open-admin-port sg-0d40e803b8b644e79',
      ]);
      expect(code).toBe(1);
    }
  });
});
