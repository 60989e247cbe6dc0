import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { auditJson, memoryIo } from '../helpers';
import { cloudTrailFixture } from '../helpers/cloudtrail';
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
      'vpc-guardrail: invalid snapshot in.json:\n' +
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
      'vpc-guardrail: invalid snapshot in.json:\n' +
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
        'vpc-guardrail: invalid snapshot in.json:\n' +
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

describe('two keys of an item that differ only in case or a trailing s', () => {
  // The group as a script might write it: EC2's IpPermissions left empty, its rules under the
  // camelCase spelling CloudTrail uses. JSON keeps both keys; the engine reads IpPermissions, so
  // the open rules were never judged (exit 0 on this file before).
  const { IpPermissions, ...rest } = OPEN;
  const both = { SecurityGroups: [{ ...rest, IpPermissions: [], ipPermissions: IpPermissions }] };

  it('are an error naming the path (exit 2) in audit and simulate, never the empty spelling alone', async () => {
    const { code, stderr } = await audit(both);
    const issue =
      '  SecurityGroups[0].ipPermissions: the same key as "IpPermissions" but for case (JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)\n';
    expect(stderr).toBe(`vpc-guardrail: invalid snapshot in.json:\n${issue}`);
    expect(code).toBe(2);
    const record = cloudTrailFixture('AuthorizeSecurityGroupIngress--go-sdk-anywhere-ssh-panther.json');
    const env = memoryIo({ 'e.json': JSON.stringify(record), 's.json': JSON.stringify(both) });
    const simulated = await runCli(['simulate', '--event', 'e.json', '--snapshot', 's.json'], env.io);
    expect(env.stderr()).toBe(`vpc-guardrail: invalid snapshot s.json:\n${issue}`);
    expect(simulated).toBe(2);
  });

  it('inside a rule too; a key EC2 prints beside an unrelated one of another name passes', async () => {
    const rule = { ...(IpPermissions as Json[])[0], ipRanges: [{ CidrIp: '0.0.0.0/0' }], IpRanges: [] };
    const { code, stderr } = await audit({ SecurityGroups: [{ ...OPEN, IpPermissions: [rule] }] });
    expect(stderr).toContain(
      'SecurityGroups[0].IpPermissions[0].ipRanges: the same key as "IpRanges" but for case',
    );
    expect(code).toBe(2);
    // A trailing s (DESIGN §3's other near miss): the singular beside EC2's list.
    const singular = { SecurityGroups: [{ ...rest, IpPermissions: [], IpPermission: IpPermissions }] };
    const plural = await audit(singular);
    expect(plural.stderr).toContain(
      'SecurityGroups[0].IpPermission: the same key as "IpPermissions" but for a trailing s (',
    );
    expect(plural.code).toBe(2);
    // The CLI's own Describe* outputs hold no such pair: the real sample passes as it is.
    expect((await audit({ SecurityGroups: GROUPS })).code).toBe(1);
  });
});

describe('several Describe outputs run into one file', () => {
  it('is "not JSON", saying what to do', async () => {
    const text = `${JSON.stringify({ SecurityGroups: [OPEN] }, null, 4)}\n${JSON.stringify({ NetworkAcls: [] }, null, 4)}\n`;
    const env = memoryIo({ 'in.json': text });
    const code = await runCli(['audit', '--snapshot', 'in.json'], env.io);
    expect(env.stderr()).toMatch(
      /^vpc-guardrail: invalid snapshot in\.json:\n {2}\(root\): not JSON \(Unexpected non-whitespace character after JSON at position \d+.*: a second JSON value follows the first \(several Describe outputs one after another\?\); give their lists as the keys of one object\)\n$/,
    );
    expect(code).toBe(2);
  });
});

describe('a snapshot inside a wrapper (a Placebo recording as it is stored)', () => {
  it('stays a warning (DESIGN §3: an unknown key), which now says its lists are not read and where they go', async () => {
    const recording = { status_code: 200, data: { SecurityGroups: [OPEN], ResponseMetadata: {} } };
    const { code, report, stderr } = await auditJson(recording);
    expect(report?.summary.warnings).toEqual([
      'status_code: unknown top-level key, ignored',
      'data: unknown top-level key, ignored (it holds SecurityGroups, which are not read there: give them at the top level)',
      '(root): the snapshot holds no resources (every Describe* list is empty or absent)',
    ]);
    expect(stderr).toContain('warning: data: unknown top-level key, ignored (it holds SecurityGroups');
    expect(code).toBe(0);
  });
});
