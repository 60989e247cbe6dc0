import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { InputError } from '../../shared/errors';
import type { Finding } from '../../shared/findings';
import { readSnapshot } from '../../shared/model/snapshot';
import { auditJson, memoryIo } from '../helpers';

// Every "Why" case of issue #9 (DESIGN §3, hardened snapshots): an error naming the path, a
// warning, a notJudged entry, or the finding that was hidden — never a clean audit by accident.

type Json = Record<string, unknown>;
const DEMO = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as Json;
const BASTION = 'sg-0d3m00000000000b1';
const BASTION_ENI = 'eni-0d3m0000000000b51';

function demoWith(changes: Json): Json {
  return { ...structuredClone(DEMO), ...changes };
}

/** The issues of the InputError that reading `input` throws. */
function issuesOf(input: unknown): string[] {
  try {
    readSnapshot(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).issues;
  }
  throw new Error('expected an InputError');
}

const critical = (findings: readonly Finding[]) =>
  findings.filter((f) => f.severity === 'critical').map((f) => [f.ruleId, f.resourceId]);

function group(permissions: Json[]): Json {
  return { SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: permissions }] };
}

const world22 = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

describe('two views of a group: their union is evaluated, the disagreement is a warning', () => {
  const egressOnly = (DEMO.SecurityGroupRules as Json[]).filter((r) => r.IsEgress === true);
  const officeOnly = (DEMO.SecurityGroupRules as Json[]).filter(
    (r) => r.IsEgress === true || r.CidrIpv4 !== '0.0.0.0/0',
  );
  const warning = (onlyInPermissions: string) =>
    `warning: security group ${BASTION}: its IpPermissions/IpPermissionsEgress and SecurityGroupRules ` +
    `disagree (${onlyInPermissions} only in IpPermissions/IpPermissionsEgress, 0 rules only in SecurityGroupRules); ` +
    'evaluated as their union\n';

  it('an egress-only SecurityGroupRules list no longer hides the world-open SSH (demo: still 2 critical, exit 1)', async () => {
    const { code, report, stderr } = await auditJson(demoWith({ SecurityGroupRules: egressOnly }));
    expect(code).toBe(1);
    expect(critical(report?.findings ?? [])).toEqual([
      ['eni-internet-exposed', BASTION_ENI],
      ['sg-open-admin-port', BASTION],
    ]);
    expect(stderr).toBe(warning('2 rules'));
    expect(report?.summary.warnings).toEqual([warning('2 rules').slice('warning: '.length, -1)]);
  });

  it('a stale list (the world rule missing) still reports it; the rule found in both keeps its id', async () => {
    const { report, stderr } = await auditJson(demoWith({ SecurityGroupRules: officeOnly }));
    expect(critical(report?.findings ?? [])).toEqual([
      ['eni-internet-exposed', BASTION_ENI],
      ['sg-open-admin-port', BASTION],
    ]);
    expect(stderr).toBe(warning('1 rule'));
    const sshFinding = report?.findings.find((f) => f.ruleId === 'sg-open-admin-port');
    // The world rule is known from IpPermissions only: revoked by permission, without an id.
    expect(sshFinding?.remediation).toMatchObject({
      rules: [{ direction: 'ingress', ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 } }],
    });
    expect(JSON.stringify(sshFinding?.remediation)).not.toContain('sgr-');
  });

  it('a rule only in SecurityGroupRules is evaluated too, with its id; agreeing views give no warning', async () => {
    const rulesOnlyWorld = demoWith({
      SecurityGroups: (DEMO.SecurityGroups as Json[]).map((g) =>
        g.GroupId === BASTION ? { ...g, IpPermissions: [] } : g,
      ),
    });
    const { report, stderr } = await auditJson(rulesOnlyWorld);
    expect(critical(report?.findings ?? [])).toEqual([
      ['eni-internet-exposed', BASTION_ENI],
      ['sg-open-admin-port', BASTION],
    ]);
    expect(stderr).toContain(
      '0 rules only in IpPermissions/IpPermissionsEgress, 2 rules only in SecurityGroupRules',
    );
    expect(JSON.stringify(report?.findings.find((f) => f.ruleId === 'sg-open-admin-port'))).toContain(
      'sgr-0d3m0000000b10001',
    );
    const agreeing = await auditJson(DEMO);
    expect(agreeing.stderr).toBe('');
    expect(agreeing.report?.summary.warnings).toEqual([]);
  });

  it('a group only in SecurityGroupRules is evaluated from them without a warning', () => {
    const { snapshot, warnings } = readSnapshot({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-9',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    const result = evaluateReport(snapshot, DEFAULT_CONFIG);
    expect(warnings).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-9']]);
  });
});

describe('values EC2 would refuse are errors naming the path', () => {
  it('reversed ports (FromPort 3389, ToPort 22)', () => {
    expect(issuesOf(group([{ ...world22, FromPort: 3389 }]))).toEqual([
      'SecurityGroups[0].IpPermissions[0].FromPort: must not exceed ToPort (3389 > 22)',
    ]);
  });

  it('an inverted range (tcp 100..20) is refused before it can corrupt the port segmentation', () => {
    expect(issuesOf(group([world22, { ...world22, FromPort: 100, ToPort: 20 }]))).toEqual([
      'SecurityGroups[0].IpPermissions[1].FromPort: must not exceed ToPort (100 > 20)',
    ]);
  });

  it('port 70000', () => {
    expect(issuesOf(group([{ ...world22, ToPort: 70000 }]))).toEqual([
      'SecurityGroups[0].IpPermissions[0].ToPort: must be a port 0–65535 for tcp, or -1 on both FromPort and ToPort for all ports (got 70000)',
    ]);
  });

  it('IpProtocol "bogus"', () => {
    expect(issuesOf(group([{ ...world22, IpProtocol: 'bogus' }]))).toEqual([
      'SecurityGroups[0].IpPermissions[0].IpProtocol: not a protocol EC2 accepts (-1, tcp, udp, icmp, icmpv6 or a number 0–255) ("bogus")',
    ]);
  });

  it('tcp without ports, and one -1 alone', () => {
    expect(issuesOf(group([{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]))).toEqual([
      'SecurityGroups[0].IpPermissions[0].FromPort: is required for tcp (expected a port 0–65535, or -1 on both FromPort and ToPort for all ports)',
      'SecurityGroups[0].IpPermissions[0].ToPort: is required for tcp (expected a port 0–65535, or -1 on both FromPort and ToPort for all ports)',
    ]);
    expect(issuesOf(group([{ ...world22, FromPort: -1 }]))).toEqual([
      'SecurityGroups[0].IpPermissions[0].FromPort: must be a port 0–65535 for tcp, or -1 on both FromPort and ToPort for all ports (got -1)',
    ]);
  });

  it('accepts what EC2 accepts: protocol names in any case, numbers 0–255, -1/-1, ICMP type and code', () => {
    const ok = group([
      { ...world22, IpProtocol: 'TCP' },
      { ...world22, IpProtocol: '6', FromPort: -1, ToPort: -1 },
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [] },
      { IpProtocol: '50', FromPort: 99999, IpRanges: [] },
      { IpProtocol: '-1', IpRanges: [] },
    ]);
    expect(() => readSnapshot(ok)).not.toThrow();
    expect(
      issuesOf(group([{ IpProtocol: 'icmp', FromPort: 256, ToPort: -1 }, { IpProtocol: '256' }])),
    ).toEqual([
      'SecurityGroups[0].IpPermissions[0].FromPort: must be an icmp type -1–255 (got 256)',
      'SecurityGroups[0].IpPermissions[1].IpProtocol: not a protocol EC2 accepts (-1, tcp, udp, icmp, icmpv6 or a number 0–255) ("256")',
    ]);
  });

  const entry = (changes: Json) => ({
    RuleNumber: 100,
    Protocol: '6',
    RuleAction: 'allow',
    Egress: false,
    CidrBlock: '0.0.0.0/0',
    PortRange: { From: 22, To: 22 },
    ...changes,
  });
  const nacl = (...entries: Json[]) => ({
    NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: entries }],
  });

  it('NACL rule numbers 0 and 40000; the final denies only as listed', () => {
    expect(
      issuesOf(
        nacl(
          entry({ RuleNumber: 0 }),
          entry({ RuleNumber: 40000 }),
          entry({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' }),
          entry({ RuleNumber: 32767, RuleAction: 'allow' }),
        ),
      ),
    ).toEqual([
      'NetworkAcls[0].Entries[0].RuleNumber: must be 1–32766, or 32767/32768 for the listed IPv4/IPv6 final deny (got 0)',
      'NetworkAcls[0].Entries[1].RuleNumber: must be 1–32766, or 32767/32768 for the listed IPv4/IPv6 final deny (got 40000)',
      'NetworkAcls[0].Entries[3].RuleNumber: 32767 is the IPv4 final deny: expected RuleAction "deny" and an IPv4 block',
    ]);
  });

  it('a nonsense NACL protocol, and reversed NACL ports', () => {
    expect(issuesOf(nacl(entry({ Protocol: 'ssh' }), entry({ PortRange: { From: 3389, To: 22 } })))).toEqual([
      'NetworkAcls[0].Entries[0].Protocol: not a protocol EC2 accepts (-1, tcp, udp, icmp, icmpv6 or a number 0–255) ("ssh")',
      'NetworkAcls[0].Entries[1].PortRange.From: must not exceed PortRange.To (3389 > 22)',
    ]);
  });

  it('CidrIp "010.0.0.0/8" (a leading zero); host bits set are accepted and cleared, as EC2 does', () => {
    expect(issuesOf(group([{ ...world22, IpRanges: [{ CidrIp: '010.0.0.0/8' }] }]))).toEqual([
      'SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: not a valid IPv4 CIDR ("010.0.0.0/8")',
    ]);
    const { snapshot } = readSnapshot(group([{ ...world22, IpRanges: [{ CidrIp: '10.0.0.1/0' }] }]));
    const findings = evaluateReport(snapshot, DEFAULT_CONFIG).findings;
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-1']]);
  });
});

describe('ids and keys', () => {
  it('a duplicate GroupId is an error naming both indexes (the last copy no longer hides the first)', () => {
    const a = { GroupId: 'sg-1', IpPermissions: [world22] };
    const b = { GroupId: 'sg-1', IpPermissions: [] };
    expect(issuesOf({ SecurityGroups: [a, { GroupId: 'sg-2' }, b] })).toEqual([
      'SecurityGroups[2].GroupId: duplicate id "sg-1": also at SecurityGroups[0].GroupId',
    ]);
  });

  it('a top-level typo ("SecurityGroup", "securityGroups") is an error naming the key it resembles', async () => {
    const groups = DEMO.SecurityGroups;
    const { SecurityGroups: _, ...rest } = DEMO;
    for (const key of ['SecurityGroup', 'securityGroups', 'securitygroup']) {
      const { code, report, stderr } = await auditJson({ ...rest, [key]: groups });
      expect(code).toBe(2);
      expect(report).toBeUndefined();
      expect(stderr).toContain(`${key}: unknown key; did you mean SecurityGroups?`);
    }
  });

  it('another unknown key is a warning naming it; the audit runs', async () => {
    const { code, report, stderr } = await auditJson(demoWith({ Instances: [] }));
    expect(code).toBe(1);
    expect(stderr).toBe('warning: Instances: unknown top-level key, ignored\n');
    expect(report?.summary.warnings).toEqual(['Instances: unknown top-level key, ignored']);
  });

  it('{} is audited with a warning that it holds nothing, exit code unchanged', async () => {
    const { code, report, stderr } = await auditJson({});
    expect(code).toBe(0);
    expect(report?.findings).toEqual([]);
    const text = '(root): the snapshot holds no resources (every Describe* list is empty or absent)';
    expect(stderr).toBe(`warning: ${text}\n`);
    expect(report?.summary.warnings).toEqual([text]);
  });
});

describe('not judged is said', () => {
  const interfaces = (DEMO.NetworkInterfaces as Json[]).map((eni) => {
    if (eni.NetworkInterfaceId !== BASTION_ENI) return eni;
    const { SubnetId: _, ...rest } = eni;
    return rest;
  });

  it('an interface without SubnetId is listed in summary.notJudged and the table footer; exit code unchanged', async () => {
    const snapshot = demoWith({ NetworkInterfaces: interfaces });
    const { code, report } = await auditJson(snapshot);
    expect(code).toBe(1); // sg-open-admin-port is still critical
    expect(report?.summary.notJudged).toEqual([
      { resourceId: BASTION_ENI, reason: 'the interface has no SubnetId', ruleId: 'eni-internet-exposed' },
    ]);
    const env = memoryIo({ 'in.json': JSON.stringify(snapshot) });
    await runCli(['audit', '--snapshot', 'in.json'], env.io);
    expect(env.stdout()).toContain(`\nNot judged (1): ${BASTION_ENI} (the interface has no SubnetId)\n`);
  });

  it('an interface whose subnet, or whose subnet’s NACL, is not in the snapshot', async () => {
    const subnet = 'subnet-0a1a000000000pub1';
    const noSubnet = await auditJson(
      demoWith({ Subnets: (DEMO.Subnets as Json[]).filter((s) => s.SubnetId !== subnet) }),
    );
    expect(noSubnet.report?.summary.notJudged).toContainEqual({
      resourceId: BASTION_ENI,
      reason: `its subnet ${subnet} is not in the snapshot`,
      ruleId: 'eni-internet-exposed',
    });
    const noAcl = await auditJson(demoWith({ NetworkAcls: [] }));
    expect(noAcl.report?.summary.notJudged).toContainEqual({
      resourceId: BASTION_ENI,
      reason: `no network ACL of its subnet ${subnet} is in the snapshot`,
      ruleId: 'eni-internet-exposed',
    });
  });

  it('an ingress rule whose source is an unresolved prefix list names the group and the list', () => {
    const { snapshot } = readSnapshot(
      group([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-0abc' }] }]),
    );
    expect(evaluateReport(snapshot, DEFAULT_CONFIG).notJudged).toEqual([
      {
        resourceId: 'sg-1',
        reason:
          "an ingress rule's source is prefix list pl-0abc, whose entries are not in the snapshot (add it to ManagedPrefixLists)",
      },
    ]);
  });

  it('a ManagedPrefixLists item without Entries (describe-managed-prefix-lists output) is an error, never an empty list', () => {
    // Read as empty, the list would resolve to no source at all and hide a world-open SSH.
    const snapshot = {
      ...group([
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-0abc' }] },
      ]),
      ManagedPrefixLists: [{ PrefixListId: 'pl-0abc', PrefixListName: 'partners', State: 'create-complete' }],
    };
    expect(issuesOf(snapshot)).toEqual(['ManagedPrefixLists[0].Entries: is required (expected an array)']);
    // Entries given (even none) resolve the list: the world in it is reported.
    const world = {
      ...snapshot,
      ManagedPrefixLists: [{ PrefixListId: 'pl-0abc', Entries: [{ Cidr: '0.0.0.0/0' }] }],
    };
    const { findings, notJudged } = evaluateReport(readSnapshot(world).snapshot, DEFAULT_CONFIG);
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.severity, f.evidence.ports])).toEqual([
      ['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']],
    ]);
    expect(notJudged).toEqual([]);
  });
});

describe('IPv6: only public space (2000::/3) makes an interface reachable', () => {
  const v6Only = (address: string) =>
    demoWith({
      NetworkInterfaces: (DEMO.NetworkInterfaces as Json[]).map((eni) =>
        eni.NetworkInterfaceId === BASTION_ENI
          ? { ...eni, Association: undefined, Ipv6Addresses: [{ Ipv6Address: address }] }
          : eni,
      ),
      SecurityGroups: (DEMO.SecurityGroups as Json[]).map((g) =>
        g.GroupId === BASTION
          ? {
              ...g,
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
              ],
            }
          : g,
      ),
      SecurityGroupRules: [],
      RouteTables: (DEMO.RouteTables as Json[]).map((t) => ({
        ...t,
        Routes: [
          ...((t.Routes as Json[]) ?? []),
          { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0d3m000000000001' },
        ],
      })),
    });

  it('a unique-local address (fd00::/8) is not exposed; a global one (2600::/12) is', async () => {
    const local = await auditJson(v6Only('fd00::10'));
    expect(local.report?.findings.filter((f) => f.resourceId === BASTION_ENI)).toEqual([]);
    const global = await auditJson(v6Only('2600:1f18::10'));
    const exposed = global.report?.findings.find((f) => f.resourceId === BASTION_ENI);
    expect([exposed?.ruleId, exposed?.severity]).toEqual(['eni-internet-exposed', 'critical']);
  });
});
