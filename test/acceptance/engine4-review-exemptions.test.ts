// DESIGN §8 "Exemptions", "Accepted by shape", `judgeUnused`, and §9's keys that change the
// readings, black-box through `vpc-guardrail audit --snapshot F --config C --format json`: the
// findings, their suppression, evidence and the exit code, exactly.

import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import type { Finding } from '../../shared/findings';
import { ec2Fixture, memoryIo } from '../helpers';
import { group, networkInterface, permission, snapshot } from '../helpers/exemption-world';

const KEY = 'vpc-guardrail:exempt';
const NOW = new Date('2026-12-06T12:00:00Z');

/** `audit --snapshot --config --format json` at NOW: exit code, findings and summary. */
async function audit(snap: unknown, config: unknown = {}, failOn?: string) {
  const env = memoryIo({ 'snap.json': JSON.stringify(snap), 'config.json': JSON.stringify(config) }, NOW);
  const argv = ['audit', '--snapshot', 'snap.json', '--config', 'config.json', '--format', 'json'];
  const code = await runCli(failOn ? [...argv, '--fail-on', failOn] : argv, env.io);
  const out = JSON.parse(env.stdout()) as {
    findings: Finding[];
    summary: { notJudged: unknown[]; warnings: string[]; total: number; suppressed: number };
  };
  return { code, stderr: env.stderr(), ...out };
}

const brief = (f: Finding) => ({
  ruleId: f.ruleId,
  resourceId: f.resourceId,
  severity: f.severity,
  ports: f.evidence.ports,
  ...(f.suppressed ? { suppressed: f.suppressed } : {}),
});
const of = (findings: Finding[], ruleId: string, resourceId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId);

describe('eni-internet-exposed: a port stays reported while the unexempted groups still open it together', () => {
  const ssh = (cidr: string) => permission('tcp', 22, 22, cidr);

  it('sg-1 (world, tag *) exempted; sg-2 0.0.0.0/1 and sg-3 128.0.0.0/1 are not: 22 stays critical', async () => {
    // Without sg-1 the interface is still world-open on 22 through sg-2 ∪ sg-3: no one accepted that path.
    const snap = snapshot(
      [
        group('sg-0e4a', [ssh('0.0.0.0/0')], [{ Key: KEY, Value: '*' }]),
        group('sg-0e4b', [ssh('0.0.0.0/1')]),
        group('sg-0e4c', [ssh('128.0.0.0/1')]),
      ],
      [networkInterface('eni-0e4', ['sg-0e4a', 'sg-0e4b', 'sg-0e4c'])],
    );
    const { code, findings } = await audit(snap);
    const eni = of(findings, 'eni-internet-exposed', 'eni-0e4');
    expect(eni && brief(eni)).toEqual({
      ruleId: 'eni-internet-exposed',
      resourceId: 'eni-0e4',
      severity: 'critical',
      ports: ['22/tcp'],
    });
    expect(eni?.evidence.acceptedPorts).toBeUndefined();
    expect(code).toBe(1);
  });

  it('with sg-3 exempted too (tag *), only sg-2 is left, not world-open alone: 22 is accepted', async () => {
    const snap = snapshot(
      [
        group('sg-0e4a', [ssh('0.0.0.0/0')], [{ Key: KEY, Value: '*' }]),
        group('sg-0e4b', [ssh('0.0.0.0/1')]),
        group('sg-0e4c', [ssh('128.0.0.0/1')], [{ Key: KEY, Value: '*' }]),
      ],
      [networkInterface('eni-0e4', ['sg-0e4a', 'sg-0e4b', 'sg-0e4c'])],
    );
    const { findings } = await audit(snap);
    const eni = of(findings, 'eni-internet-exposed', 'eni-0e4');
    expect(eni?.suppressed).toEqual({
      by: 'tag',
      reason: `every security group that opens 22/tcp to the internet is exempted for them: sg-0e4a (tag: ${KEY}=*)`,
    });
  });

  it('the unexempted pair covers 22 only: 8443, opened by the exempted group alone, is accepted', async () => {
    const snap = snapshot(
      [
        group(
          'sg-0e4a',
          [ssh('0.0.0.0/0'), permission('tcp', 8443, 8443, '0.0.0.0/0')],
          [{ Key: KEY, Value: '*' }],
        ),
        group('sg-0e4b', [ssh('0.0.0.0/1')]),
        group('sg-0e4c', [ssh('128.0.0.0/1')]),
      ],
      [networkInterface('eni-0e4', ['sg-0e4a', 'sg-0e4b', 'sg-0e4c'])],
    );
    const { findings } = await audit(snap);
    const eni = of(findings, 'eni-internet-exposed', 'eni-0e4');
    expect(eni && brief(eni)).toEqual({
      ruleId: 'eni-internet-exposed',
      resourceId: 'eni-0e4',
      severity: 'critical',
      ports: ['22/tcp'],
    });
    expect(eni?.evidence.acceptedPorts).toEqual(['8443/tcp']);
  });
});

describe('an exemption tag that cannot be read is said, whatever else happens to the finding', () => {
  it("an interface tag with a misspelt id stays shown after its group's exemption narrowed the finding", async () => {
    // sg-0e4a's 8443 is exempted, so the interface's finding is judged again on 22 alone.
    const snap = snapshot(
      [
        group(
          'sg-0e4a',
          [permission('tcp', 22, 22, '0.0.0.0/0'), permission('tcp', 8443, 8443, '0.0.0.0/0')],
          [{ Key: KEY, Value: 'sg-open-unauthorized-port' }],
        ),
      ],
      [
        networkInterface('eni-0e4', ['sg-0e4a'], {
          TagSet: [{ Key: KEY, Value: 'eni-internet-exposd,bad@@' }],
        }),
      ],
    );
    const { findings } = await audit(snap);
    const eni = of(findings, 'eni-internet-exposed', 'eni-0e4');
    expect(eni?.evidence.ports).toEqual(['22/tcp']);
    expect(eni?.evidence.acceptedPorts).toEqual(['8443/tcp']);
    expect(eni?.evidence.exemptionTagUnreadable).toEqual(['bad@@', 'eni-internet-exposd']);
    expect(eni?.suppressed).toBeUndefined();
  });

  it('an empty value (a key set alone) exempts nothing and is shown as unreadable', async () => {
    const snap = snapshot(
      [group('sg-0e4a', [permission('tcp', 8443, 8443, '0.0.0.0/0')], [{ Key: KEY, Value: '' }])],
      [],
    );
    const { code, findings } = await audit(snap, {}, 'medium');
    const open = of(findings, 'sg-open-unauthorized-port', 'sg-0e4a');
    expect(open && brief(open)).toEqual({
      ruleId: 'sg-open-unauthorized-port',
      resourceId: 'sg-0e4a',
      severity: 'medium',
      ports: ['8443/tcp'],
    });
    expect(open?.evidence.exemptionTagUnreadable).toEqual(['']);
    expect(code).toBe(1);
  });
});

describe('an allow-list entry that can suppress nothing is said (summary.warnings, stderr)', () => {
  it('a VPC id, an instance id, and a NACL rule listed for a group: warned; a group entry for eni-internet-exposed is not', async () => {
    const snap = snapshot([group('sg-0e4a', [permission('tcp', 22, 22, '0.0.0.0/0')])], []);
    const config = {
      allowLists: [
        { resourceId: 'vpc-0e4' },
        { resourceId: 'i-0e4', ports: ['22/tcp'] },
        { resourceId: 'sg-0e4a', ruleIds: ['nacl-open-admin-port', 'sg-open-admin-port'] },
        { resourceId: 'sg-0e4a', ruleIds: ['eni-internet-exposed'], ports: ['22/tcp'] },
      ],
    };
    const { code, findings, summary, stderr } = await audit(snap, config);
    const warnings = [
      'config allowLists[0].resourceId vpc-0e4: no rule judges this kind of resource, so the entry suppresses nothing; name what the rules judge instead (ids sg-, acl-, subnet-, rtb-, nat-, vpce-, eni-)',
      'config allowLists[1].resourceId i-0e4: no rule judges this kind of resource, so the entry suppresses nothing; name what the rules judge instead (ids sg-, acl-, subnet-, rtb-, nat-, vpce-, eni-)',
      'config allowLists[2].ruleIds: nacl-open-admin-port judges network ACLs (acl-…), not sg-0e4a: it suppresses nothing there',
    ];
    expect(summary.warnings).toEqual(warnings);
    expect(stderr).toBe(warnings.map((w) => `warning: ${w}\n`).join(''));
    // The group's own entry still holds; the NACL is reported (the warnings change no finding).
    expect(of(findings, 'sg-open-admin-port', 'sg-0e4a')?.suppressed).toEqual({
      by: 'config',
      reason: 'allow-listed in configuration',
    });
    expect(of(findings, 'nacl-open-admin-port', 'acl-0e4')?.suppressed).toBeUndefined();
    expect(code).toBe(1);
  });
});

describe('exposure on a security-group finding counts exposed interfaces, suppressed or not', () => {
  it("an interface whose exposure is accepted through the group's tag still counts (the network's fact)", async () => {
    const snap = snapshot(
      [
        group(
          'sg-0e4a',
          [permission('tcp', 22, 22, '0.0.0.0/0')],
          [{ Key: KEY, Value: 'sg-open-admin-port' }],
        ),
      ],
      [networkInterface('eni-0e4', ['sg-0e4a'])],
    );
    const { code, findings, summary } = await audit(snap);
    expect(of(findings, 'eni-internet-exposed', 'eni-0e4')?.suppressed?.by).toBe('tag');
    const admin = of(findings, 'sg-open-admin-port', 'sg-0e4a');
    expect(admin?.exposure).toBe(1);
    expect(admin?.suppressed).toEqual({ by: 'tag', reason: `${KEY}=sg-open-admin-port` });
    // Only the NACL's admin port is left open (high): suppressed findings never fail --fail-on.
    expect(summary.suppressed).toBe(2);
    expect(findings.filter((f) => !f.suppressed).map((f) => f.ruleId)).toEqual(['nacl-open-admin-port']);
    expect(code).toBe(1);
  });
});

describe('judgeUnused: false', () => {
  const snap = () => {
    const s = snapshot(
      [
        group('sg-0e4a', [permission('tcp', 22, 22, '0.0.0.0/0')]),
        { ...group('sg-0e4d', []), GroupName: 'default' },
      ],
      [],
    );
    // A second NACL that no subnet uses.
    s.NetworkAcls.push({
      ...s.NetworkAcls[0],
      NetworkAclId: 'acl-0e4idle',
      IsDefault: false,
      Associations: [],
    } as never);
    return s;
  };

  it('a snapshot with groups but no interface: every group is unused, listed, and a warning says why', async () => {
    const { code, findings, summary, stderr } = await audit(snap(), { judgeUnused: false });
    expect(findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual(['nacl-open-admin-port acl-0e4']);
    expect(summary.notJudged).toEqual([
      { resourceId: 'acl-0e4idle', reason: 'unused' },
      { resourceId: 'sg-0e4a', reason: 'unused' },
      { resourceId: 'sg-0e4d', reason: 'unused' },
    ]);
    const warning =
      'judgeUnused is false and the snapshot lists no network interface: all 2 security group(s) are taken as unused and not judged (add NetworkInterfaces, or set judgeUnused to true, if the region has interfaces)';
    expect(summary.warnings).toEqual([warning]);
    expect(stderr).toBe(`warning: ${warning}\n`);
    expect(code).toBe(1);
  });

  it('no warning when an interface is listed, nor by default (everything judged)', async () => {
    const withEni = snap();
    withEni.NetworkInterfaces = [networkInterface('eni-0e4', ['sg-0e4a'])];
    const off = await audit(withEni, { judgeUnused: false });
    expect(off.summary.warnings).toEqual([]);
    expect(off.summary.notJudged).toEqual([
      { resourceId: 'acl-0e4idle', reason: 'unused' },
      { resourceId: 'sg-0e4d', reason: 'unused' },
    ]);
    const on = await audit(snap());
    expect(on.summary.warnings).toEqual([]);
    expect(on.summary.notJudged).toEqual([]);
    expect(of(on.findings, 'sg-open-admin-port', 'sg-0e4a')?.exposure).toBe(0);
  });
});

describe('accepted by shape on a real DescribeNetworkInterfaces answer (Placebo, 10 interfaces)', () => {
  // test/fixtures/ec2/DescribeNetworkInterfaces--mixed-types-public-ip-placebo.json: sg-08d3f62092b3ec2dd
  // is used by the two vpc_endpoint interfaces only (RequesterId 644160558196, the endpoint
  // service's account); sg-0ad159022dbc679a4 by two `interface` ones. Each group here admits the
  // world on 8443; sg-0e4idle is attached to nothing.
  const fixture = () => {
    const { NetworkInterfaces } = ec2Fixture('DescribeNetworkInterfaces--mixed-types-public-ip-placebo');
    const world8443 = [permission('tcp', 8443, 8443, '0.0.0.0/0')];
    const vpc = 'vpc-08bbc74c36b8a08dd';
    const groups = ['sg-08d3f62092b3ec2dd', 'sg-0ad159022dbc679a4', 'sg-0e4idle'].map((id) => ({
      ...group(id, world8443),
      VpcId: vpc,
    }));
    return { SecurityGroups: groups, NetworkInterfaces };
  };
  const openRows = (findings: Finding[]) =>
    findings
      .filter((f) => f.ruleId === 'sg-open-unauthorized-port')
      .map((f) => [f.resourceId, f.suppressed ? `${f.suppressed.by}: ${f.suppressed.reason}` : 'active']);

  it("allowInterfaceTypes [vpc_endpoint]: only the endpoints' group is suppressed, naming the setting", async () => {
    const { code, findings } = await audit(fixture(), { allowInterfaceTypes: ['vpc_endpoint'] }, 'medium');
    expect(openRows(findings)).toEqual([
      [
        'sg-08d3f62092b3ec2dd',
        'config: accepted by shape: all 2 attached interfaces match allowInterfaceTypes (vpc_endpoint)',
      ],
      ['sg-0ad159022dbc679a4', 'active'],
      ['sg-0e4idle', 'active'],
    ]);
    expect(code).toBe(1);
  });

  it('allowRequesterIds [644160558196] accepts the same group; judgeUnused false leaves the idle one unjudged', async () => {
    const { findings, summary } = await audit(fixture(), {
      allowRequesterIds: ['644160558196'],
      judgeUnused: false,
    });
    expect(openRows(findings)).toEqual([
      [
        'sg-08d3f62092b3ec2dd',
        'config: accepted by shape: all 2 attached interfaces match allowRequesterIds (644160558196)',
      ],
      ['sg-0ad159022dbc679a4', 'active'],
    ]);
    expect(summary.notJudged).toContainEqual({ resourceId: 'sg-0e4idle', reason: 'unused' });
  });
});

describe('an exemption tag where no rule looks is said (DESIGN §8: "has no effect")', () => {
  it('on the VPC, the internet gateway and a security-group rule: warnings naming what to tag instead', async () => {
    const snap = snapshot([group('sg-0e4a', [permission('tcp', 22, 22, '0.0.0.0/0')])], []);
    const star = [{ Key: KEY, Value: '*' }];
    const s = {
      ...snap,
      Vpcs: snap.Vpcs.map((v) => ({ ...v, Tags: star })),
      InternetGateways: snap.InternetGateways.map((g) => ({ ...g, Tags: star })),
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-0e4a22',
          GroupId: 'sg-0e4a',
          GroupOwnerId: '111122223333',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
          Tags: [{ Key: KEY, Value: 'sg-open-admin-port' }],
        },
      ],
    };
    const { code, findings, summary } = await audit(s);
    expect(summary.warnings).toEqual([
      `the ${KEY} tag on vpc-0e4 has no effect: no rule judges a VPC; tag the security groups, network ACLs, subnets or interfaces it holds instead`,
      `the ${KEY} tag on igw-0e4 has no effect: no rule judges an internet gateway; tag the security groups, network ACLs, subnets or interfaces it holds instead`,
      `the ${KEY} tag on sgr-0e4a22 has no effect: rules judge the group; tag sg-0e4a with the rule ids to exempt, or allow-list it with ports`,
    ]);
    // Nothing is suppressed: the group's finding stays open.
    expect(of(findings, 'sg-open-admin-port', 'sg-0e4a')?.suppressed).toBeUndefined();
    expect(summary.suppressed).toBe(0);
    expect(code).toBe(1);
  });
});
