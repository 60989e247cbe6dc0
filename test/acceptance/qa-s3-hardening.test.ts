import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import type { Finding } from '../../shared/findings';
import { memoryIo } from '../helpers';

// Independent QA cases for DESIGN §3 (hardened snapshots), driven through the CLI in-process:
// each one a discrepancy found against the spec, with the exact expected answer.

type Json = Record<string, unknown>;

interface Report {
  findings: Finding[];
  summary: { warnings: string[]; notJudged: { resourceId: string; reason: string; ruleId?: string }[] };
}

async function audit(snapshot: Json): Promise<{ code: number; report?: Report; stderr: string }> {
  const env = memoryIo({ 'in.json': JSON.stringify(snapshot) });
  const code = await runCli(
    ['audit', '--snapshot', 'in.json', '--format', 'json', '--fail-on', 'none'],
    env.io,
  );
  const text = env.stdout();
  return { code, report: text ? (JSON.parse(text) as Report) : undefined, stderr: env.stderr() };
}

const VPC = { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' };

function naclWith(entries: Json[]): Json {
  return {
    Vpcs: [VPC],
    NetworkAcls: [
      { NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: false, Associations: [], Entries: entries },
    ],
  };
}

const ssh = (RuleAction: string, Egress = false): Json => ({
  RuleNumber: 100,
  Protocol: '6',
  RuleAction,
  Egress,
  CidrBlock: '0.0.0.0/0',
  PortRange: { From: 22, To: 22 },
});

describe('§3 Keys: a known key but for a trailing s', () => {
  it.each([
    ['SecurityGroupss', 'SecurityGroups'],
    ['vpcss', 'Vpcs'],
    ['NetworkAclss', 'NetworkAcls'],
  ])('%s is an error naming %s (read as unknown it would hide every item under it)', async (key, known) => {
    const { code, stderr, report } = await audit({ [key]: [] });
    expect(code).toBe(2);
    expect(report).toBeUndefined();
    expect(stderr).toContain(`${key}: unknown key; did you mean ${known}?`);
  });
});

describe('§3 Values as EC2 checks them: NACL rule numbers are unique per direction', () => {
  it('the same number twice in one direction is an error naming both entries, whichever is listed first', async () => {
    for (const entries of [
      [ssh('deny'), ssh('allow')],
      [ssh('allow'), ssh('deny')],
    ]) {
      const { code, stderr } = await audit(naclWith(entries));
      expect(code).toBe(2);
      expect(stderr).toContain(
        'NetworkAcls[0].Entries[1].RuleNumber: duplicate rule number 100 (ingress, IPv4): also at Entries[0]',
      );
    }
  });

  it('an exact repeat (the final deny listed twice) changes nothing and is accepted', async () => {
    const finalDeny = {
      RuleNumber: 32767,
      Protocol: '-1',
      RuleAction: 'deny',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
    };
    const { code, report } = await audit(naclWith([ssh('allow'), finalDeny, { ...finalDeny }]));
    expect(code).toBe(0);
    expect(
      report?.findings.filter((f) => f.ruleId === 'nacl-open-admin-port').map((f) => f.resourceId),
    ).toEqual(['acl-1']);
  });

  it('the same entry spelled two ways (tcp and 6, all traffic with and without ports) is one entry', async () => {
    const named = { ...ssh('allow'), Protocol: 'TCP' };
    const all = {
      RuleNumber: 200,
      Protocol: '-1',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
    };
    const { code } = await audit(
      naclWith([ssh('allow'), named, all, { ...all, PortRange: { From: 1, To: 2 } }]),
    );
    expect(code).toBe(0);
  });

  it('the same number in the two directions is valid (and the ingress allow is judged)', async () => {
    const { code, report } = await audit(naclWith([ssh('allow'), ssh('deny', true)]));
    expect(code).toBe(0);
    expect(
      report?.findings.filter((f) => f.ruleId === 'nacl-open-admin-port').map((f) => f.resourceId),
    ).toEqual(['acl-1']);
  });
});

describe('§3 Values as EC2 checks them: one source per SecurityGroupRules item', () => {
  const rule = (sources: Json): Json => ({
    SecurityGroupRuleId: 'sgr-1',
    GroupId: 'sg-1',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    ...sources,
  });

  it('CidrIpv4 with CidrIpv6 is an error (read as one, the IPv6 world on 22 disappeared)', async () => {
    const { code, stderr } = await audit({
      Vpcs: [VPC],
      SecurityGroupRules: [rule({ CidrIpv4: '10.0.0.0/8', CidrIpv6: '::/0' })],
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'SecurityGroupRules[0]: has more than one source (CidrIpv4, CidrIpv6): expected one',
    );
  });

  it('a CIDR with a referenced group is an error naming both', async () => {
    const { code, stderr } = await audit({
      Vpcs: [VPC],
      SecurityGroupRules: [rule({ CidrIpv4: '0.0.0.0/0', ReferencedGroupInfo: { GroupId: 'sg-2' } })],
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'SecurityGroupRules[0]: has more than one source (CidrIpv4, ReferencedGroupInfo): expected one',
    );
  });

  it('one source is read as before', async () => {
    const { code, report } = await audit({ Vpcs: [VPC], SecurityGroupRules: [rule({ CidrIpv6: '::/0' })] });
    expect(code).toBe(0);
    expect(report?.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual(['sg-open-admin-port sg-1']);
  });
});

describe('§3 Values as EC2 checks them: one NACL and one route table per subnet, one default and one main per VPC', () => {
  // Read last-one-wins, list order decided whether the interface was exposed (two orders, two answers).
  const subnet = { SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24' };
  const allowAll = [
    { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
    { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
  ];
  const acl = (id: string, entries: Json[], extra: Json = {}): Json => ({
    NetworkAclId: id,
    VpcId: 'vpc-1',
    IsDefault: false,
    Associations: [{ SubnetId: 'subnet-1' }],
    Entries: entries,
    ...extra,
  });
  const table = (id: string, routes: Json[], associations: Json[] = [{ SubnetId: 'subnet-1' }]): Json => ({
    RouteTableId: id,
    VpcId: 'vpc-1',
    Routes: routes,
    Associations: associations,
  });
  const toIgw = [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }];
  const region = (acls: Json[], tables: Json[]): Json => ({
    Vpcs: [VPC],
    Subnets: [subnet],
    InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' }] }],
    NetworkAcls: acls,
    RouteTables: tables,
  });

  it.each([
    [
      'a subnet in two NACLs',
      region([acl('acl-open', allowAll), acl('acl-closed', [])], [table('rtb-1', toIgw)]),
      'NetworkAcls[1].Associations[0].SubnetId: subnet-1 is already associated with another network ACL (acl-open, at NetworkAcls[0].Associations[0].SubnetId)',
    ],
    [
      'a subnet in two route tables',
      region([acl('acl-open', allowAll)], [table('rtb-none', []), table('rtb-igw', toIgw)]),
      'RouteTables[1].Associations[0].SubnetId: subnet-1 is already associated with another route table (rtb-none, at RouteTables[0].Associations[0].SubnetId)',
    ],
    [
      'two main route tables',
      region(
        [acl('acl-open', allowAll)],
        [table('rtb-a', toIgw, [{ Main: true }]), table('rtb-b', [], [{ Main: true }])],
      ),
      'RouteTables[1].Associations[0].Main: vpc-1 already has a main route table (rtb-a, at RouteTables[0].Associations[0].Main)',
    ],
    [
      'two default NACLs',
      region(
        [
          acl('acl-a', allowAll, { IsDefault: true, Associations: [] }),
          acl('acl-b', [], { IsDefault: true, Associations: [] }),
        ],
        [table('rtb-1', toIgw)],
      ),
      'NetworkAcls[1].IsDefault: vpc-1 already has a default network ACL (acl-a, at NetworkAcls[0].IsDefault)',
    ],
  ])('%s is an error naming both places', async (_name, snapshot, message) => {
    const { code, stderr } = await audit(snapshot);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('a disassociated route-table association and a repeated identical association are not a second owner', async () => {
    const { code, report } = await audit(
      region(
        [acl('acl-open', allowAll, { Associations: [{ SubnetId: 'subnet-1' }, { SubnetId: 'subnet-1' }] })],
        [
          table('rtb-igw', toIgw),
          table('rtb-old', [], [{ SubnetId: 'subnet-1', AssociationState: { State: 'disassociated' } }]),
        ],
      ),
    );
    expect(code).toBe(0);
    expect(report?.summary.warnings).toEqual([]);
  });
});

describe('§3 Not judged is said: an interface whose path cannot be followed', () => {
  const subnet = { SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24' };
  const igw = { InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' }] };
  const table = {
    RouteTableId: 'rtb-1',
    VpcId: 'vpc-1',
    Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
    Associations: [{ Main: true, RouteTableId: 'rtb-1' }],
  };
  const acl = {
    NetworkAclId: 'acl-1',
    VpcId: 'vpc-1',
    IsDefault: true,
    Associations: [],
    Entries: [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
    ],
  };
  const group = {
    GroupId: 'sg-1',
    GroupName: 'ssh',
    VpcId: 'vpc-1',
    Description: 'ssh',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    IpPermissionsEgress: [],
  };
  const eni = (groups: string[]): Json => ({
    NetworkInterfaceId: 'eni-1',
    VpcId: 'vpc-1',
    SubnetId: 'subnet-1',
    Groups: groups.map((GroupId) => ({ GroupId })),
    Association: { PublicIp: '54.1.2.3' },
  });
  const region = (changes: Json): Json => ({
    Vpcs: [VPC],
    Subnets: [subnet],
    InternetGateways: [igw],
    RouteTables: [table],
    NetworkAcls: [acl],
    SecurityGroups: [group],
    NetworkInterfaces: [eni(['sg-1'])],
    ...changes,
  });
  const exposed = (report: Report | undefined) =>
    report?.findings.filter((f) => f.ruleId === 'eni-internet-exposed').map((f) => f.resourceId);

  it('with the whole path the interface is judged (the control case)', async () => {
    const { report } = await audit(region({}));
    expect(exposed(report)).toEqual(['eni-1']);
    expect(report?.summary.notJudged).toEqual([]);
  });

  it('no route table for its subnet (no explicit one, no main one) → listed, not silently unexposed', async () => {
    const { code, report } = await audit(region({ RouteTables: [] }));
    expect(code).toBe(0);
    expect(exposed(report)).toEqual([]);
    expect(report?.summary.notJudged).toEqual([
      {
        resourceId: 'eni-1',
        reason: 'no route table of its subnet subnet-1 is in the snapshot',
        ruleId: 'eni-internet-exposed',
      },
    ]);
  });

  it('a security group of the interface absent from the snapshot → listed with its id', async () => {
    const { report } = await audit(region({ NetworkInterfaces: [eni(['sg-1', 'sg-gone', 'sg-lost'])] }));
    expect(report?.summary.notJudged).toEqual([
      {
        resourceId: 'eni-1',
        reason: 'its security groups sg-gone, sg-lost are not in the snapshot',
        ruleId: 'eni-internet-exposed',
      },
    ]);
    const single = await audit(region({ NetworkInterfaces: [eni(['sg-gone'])] }));
    expect(single.report?.summary.notJudged.map((n) => n.reason)).toEqual([
      'its security group sg-gone is not in the snapshot',
    ]);
  });

  it('a group known only from SecurityGroupRules is in the snapshot (no entry)', async () => {
    const { report } = await audit(
      region({
        SecurityGroups: [],
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-1',
            GroupId: 'sg-1',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          },
        ],
      }),
    );
    expect(report?.summary.notJudged).toEqual([]);
    expect(exposed(report)).toEqual(['eni-1']);
  });
});
