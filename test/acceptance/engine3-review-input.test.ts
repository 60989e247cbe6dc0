import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { type AuditJsonReport, auditJson, memoryIo } from '../helpers';
import { ec2Fixture } from '../helpers/ec2-fixtures';

// DESIGN §3/§4 input readings pinned by the engine3 review, through the CLI a user runs
// (`vpc-guardrail audit --snapshot F --format json`), on real EC2 output where there is one.

type Json = Record<string, unknown>;

type Report = AuditJsonReport;

/** `describe-managed-prefix-lists` as EC2 prints it (test/fixtures/ec2, Placebo recording). */
const PREFIX_LISTS = ec2Fixture('DescribeManagedPrefixLists--aws-and-customer-lists-placebo')
  .PrefixLists as Json[];
const byId = (id: string) => PREFIX_LISTS.find((l) => l.PrefixListId === id) as Json;
/** AWS-managed: `com.amazonaws.us-east-1.s3`, OwnerId "AWS". */
const S3_LIST = byId('pl-63a5400a');
/** Customer-managed: "All VPC CIDR", OwnerId 644160558196. */
const CUSTOMER_LIST = byId('pl-02d12d37020480a5f');

function groupFrom(listId: string, port: number): Json {
  return {
    GroupId: 'sg-1',
    GroupName: 'web',
    VpcId: 'vpc-1',
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: port, ToPort: port, PrefixListIds: [{ PrefixListId: listId }] },
    ],
    IpPermissionsEgress: [],
  };
}

describe('ManagedPrefixLists: an AWS-managed list is no unknown source (DESIGN §3 "customer prefix list")', () => {
  it('an AWS-managed list as describe-managed-prefix-lists prints it (no Entries) is accepted: no finding, nothing unjudged', async () => {
    const { code, report, stderr } = await auditJson({
      SecurityGroups: [groupFrom('pl-63a5400a', 22)],
      ManagedPrefixLists: [S3_LIST],
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report?.findings).toEqual([]);
    expect(report?.summary.notJudged).toEqual([]);
  });

  it('known as AWS-managed by its com.amazonaws. name alone (a customer list may not take it)', async () => {
    const { code, report } = await auditJson({
      SecurityGroups: [groupFrom('pl-63a5400a', 22)],
      ManagedPrefixLists: [{ PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3' }],
    });
    expect(code).toBe(0);
    expect(report?.summary.notJudged).toEqual([]);
  });

  it("a customer's list without Entries is still an error naming the path (read as empty it could hide the world)", async () => {
    const { code, report, stderr } = await auditJson({
      SecurityGroups: [groupFrom('pl-02d12d37020480a5f', 22)],
      ManagedPrefixLists: [CUSTOMER_LIST],
    });
    expect(code).toBe(2);
    expect(report).toBeUndefined();
    expect(stderr).toContain('ManagedPrefixLists[0].Entries: is required (expected an array)');
  });

  it('an AWS-managed list whose Entries are given is read from them', async () => {
    const { code, report } = await auditJson({
      SecurityGroups: [groupFrom('pl-63a5400a', 3389)],
      ManagedPrefixLists: [{ ...S3_LIST, Entries: [{ Cidr: '0.0.0.0/0' }] }],
    });
    expect(code).toBe(1);
    expect(report?.findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['sg-open-admin-port', 'sg-1', ['3389/tcp']],
    ]);
  });

  it('a list absent from the snapshot stays not judged, whoever owns it (its id does not say)', async () => {
    const { code, report } = await auditJson({ SecurityGroups: [groupFrom('pl-63a5400a', 22)] });
    expect(code).toBe(0);
    expect(report?.summary.notJudged).toEqual([
      {
        resourceId: 'sg-1',
        reason:
          "an ingress rule's source is prefix list pl-63a5400a, whose entries are not in the snapshot (add it to ManagedPrefixLists)",
      },
    ]);
  });
});

describe('accountId and region of one snapshot are labels (README "Input rules")', () => {
  const openSsh = {
    GroupId: 'sg-1',
    GroupName: 'ssh',
    VpcId: 'vpc-1',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    IpPermissionsEgress: [],
  };

  it('are copied onto every finding as given', async () => {
    const { code, report } = await auditJson({
      accountId: '111122223333',
      region: 'eu-west-1',
      SecurityGroups: [openSsh],
    });
    expect(code).toBe(1);
    expect(report?.findings.map((f) => [f.ruleId, f.accountId, f.region])).toEqual([
      ['sg-open-admin-port', '111122223333', 'eu-west-1'],
    ]);
  });

  it('any string is read (an event slice carries the CloudTrail record\'s own, sanitised samples\' "000000000" included); only formats that need a real account check it', async () => {
    const { code, report, stderr } = await auditJson({ accountId: '000000000', SecurityGroups: [openSsh] });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(report?.findings.map((f) => [f.ruleId, f.accountId, 'region' in f])).toEqual([
      ['sg-open-admin-port', '000000000', false],
    ]);
  });

  it('a value that is not a string is an error naming the key', async () => {
    const { code, stderr } = await auditJson({ accountId: 111122223333, SecurityGroups: [openSsh] });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vpc-guardrail: invalid snapshot in.json:\n  accountId: expected a string, got a number (111122223333)\n',
    );
  });
});

describe('a VPC\'s default group missing from the snapshot (README "Not judged")', () => {
  it('is neither a finding nor not judged: sg-default-not-restricted judges the default groups the snapshot holds', async () => {
    // The VPC and another of its groups are given, its default group is not (a filtered
    // describe-security-groups): every VPC has one, but listing it would flag most hand-made
    // snapshots and every event slice, which loads only the groups an event touched.
    const { code, report } = await auditJson({
      Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', IsDefault: false }],
      SecurityGroups: [
        { GroupId: 'sg-web', GroupName: 'web', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [] },
      ],
    });
    expect(code).toBe(0);
    expect(report?.findings).toEqual([]);
    expect(report?.summary.notJudged).toEqual([]);
  });
});

describe('a protocol written as a JSON number (DESIGN §3: "or a number 0–255")', () => {
  const world = [{ CidrIp: '0.0.0.0/0' }];

  it('is read as its text: -1 is all traffic, 6 is tcp (a security group, its rule list and a NACL)', async () => {
    const { code, report, stderr } = await auditJson({
      SecurityGroups: [
        {
          GroupId: 'sg-all',
          GroupName: 'all',
          VpcId: 'vpc-1',
          IpPermissions: [{ IpProtocol: -1, IpRanges: world }],
          IpPermissionsEgress: [],
        },
      ],
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-rdp',
          IsEgress: false,
          IpProtocol: 6,
          FromPort: 3389,
          ToPort: 3389,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
      NetworkAcls: [
        {
          NetworkAclId: 'acl-1',
          VpcId: 'vpc-1',
          IsDefault: false,
          Associations: [],
          Entries: [
            {
              RuleNumber: 100,
              Protocol: 6,
              RuleAction: 'allow',
              Egress: false,
              CidrBlock: '0.0.0.0/0',
              PortRange: { From: 22, To: 22 },
            },
            { RuleNumber: 100, Protocol: -1, RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
          ],
        },
      ],
    });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(report?.findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['sg-open-admin-port', 'sg-rdp', ['3389/tcp']],
      ['sg-open-all-traffic', 'sg-all', ['0-65535/tcp', '0-65535/udp']],
      ['nacl-open-admin-port', 'acl-1', ['22/tcp']],
      // The outbound -1 entry serves tcp and udp, and no inbound entry lets their replies back.
      [
        'nacl-ephemeral-return-blocked',
        'acl-1',
        ['1024-3388/tcp', '3390-65535/tcp', '1024-3388/udp', '3390-65535/udp'],
      ],
    ]);
    const all = report?.findings.find((f) => f.resourceId === 'sg-all');
    expect(all?.evidence.rules).toEqual([{ protocol: '-1', ports: 'all', source: '0.0.0.0/0' }]);
  });

  it('a number EC2 refuses is still an error naming the path; a fraction is no protocol at all', async () => {
    const group = (IpProtocol: unknown) => ({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          VpcId: 'vpc-1',
          IpPermissions: [{ IpProtocol, FromPort: 22, ToPort: 22, IpRanges: world }],
          IpPermissionsEgress: [],
        },
      ],
    });
    const big = await auditJson(group(256));
    expect(big.code).toBe(2);
    expect(big.stderr).toBe(
      'vpc-guardrail: invalid snapshot in.json:\n  SecurityGroups[0].IpPermissions[0].IpProtocol: not a protocol EC2 accepts (-1, tcp, udp, icmp, icmpv6 or a number 0–255) ("256")\n',
    );
    const fraction = await auditJson(group(6.5));
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toBe(
      'vpc-guardrail: invalid snapshot in.json:\n  SecurityGroups[0].IpPermissions[0].IpProtocol: expected a string, got a number (6.5)\n',
    );
  });
});

describe('a group known only from SecurityGroupRules (DESIGN §3 "Two views")', () => {
  // describe-security-group-rules, AWS CLI example: one rule of sg-1234567890abcdef0, which names no VPC.
  const [exampleRule] = ec2Fixture('DescribeSecurityGroupRules--awscli-example-single-rule')
    .SecurityGroupRules as Json[];
  const worldRdp = {
    ...exampleRule,
    SecurityGroupRuleId: 'sgr-0rdp',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 3389,
    ToPort: 3389,
  };

  it("takes the VPC of an interface that uses it as the finding's vpcId (what --vpc filters by)", async () => {
    const { code, report } = await auditJson({
      SecurityGroupRules: [exampleRule, worldRdp],
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-1',
          VpcId: 'vpc-0a1b2c3d',
          SubnetId: 'subnet-1',
          Groups: [{ GroupId: 'sg-1234567890abcdef0', GroupName: 'app' }],
        },
      ],
    });
    expect(code).toBe(1);
    expect(report?.findings.map((f) => [f.ruleId, f.resourceId, f.vpcId, f.evidence.rules])).toEqual([
      [
        'sg-open-admin-port',
        'sg-1234567890abcdef0',
        'vpc-0a1b2c3d',
        [{ ruleId: 'sgr-0rdp', protocol: 'tcp', ports: '3389', source: '0.0.0.0/0' }],
      ],
    ]);
    const env = memoryIo({
      'in.json': JSON.stringify({
        SecurityGroupRules: [worldRdp],
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-1',
            VpcId: 'vpc-0a1b2c3d',
            Groups: [{ GroupId: 'sg-1234567890abcdef0' }],
          },
        ],
      }),
    });
    const filtered = await runCli(
      ['audit', '--snapshot', 'in.json', '--format', 'json', '--vpc', 'vpc-0a1b2c3d'],
      env.io,
    );
    expect(filtered).toBe(1);
    expect((JSON.parse(env.stdout()) as Report).findings.map((f) => f.resourceId)).toEqual([
      'sg-1234567890abcdef0',
    ]);
  });

  it('the same for a SecurityGroups item that names no VpcId (hand-made)', async () => {
    const { report } = await auditJson({
      SecurityGroups: [
        {
          GroupId: 'sg-web',
          GroupName: 'web',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
          IpPermissionsEgress: [],
        },
      ],
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-1', VpcId: 'vpc-0a1b2c3d', Groups: [{ GroupId: 'sg-web' }] },
      ],
    });
    expect(report?.findings.map((f) => [f.ruleId, f.resourceId, f.vpcId])).toEqual([
      ['sg-open-admin-port', 'sg-web', 'vpc-0a1b2c3d'],
    ]);
  });

  it('no interface uses it: its VPC stays unknown (empty)', async () => {
    const { report } = await auditJson({ SecurityGroupRules: [worldRdp] });
    expect(report?.findings.map((f) => [f.resourceId, f.vpcId])).toEqual([['sg-1234567890abcdef0', '']]);
  });
});

describe('a key inside an item spelled like one the engine reads but for case or a trailing s (DESIGN §3 "Keys")', () => {
  // describe-security-groups (Placebo recording): sg-0d40e803b8b644e79 opens tcp 22 to 0.0.0.0/0.
  const groups = ec2Fixture('DescribeSecurityGroups--19-groups-ports-cidrs-placebo').SecurityGroups as Json[];
  const sshIndex = groups.findIndex((g) => g.GroupId === 'sg-0d40e803b8b644e79');
  const ssh = groups[sshIndex] as Json;
  const [sshPermission] = ssh.IpPermissions as Json[];

  /** The snapshot of all 19 groups with the ssh group replaced by `changed`. */
  const withSsh = (changed: Json) => ({
    SecurityGroups: groups.map((g, i) => (i === sshIndex ? changed : g)),
  });

  it('as given, the group is reported (sg-open-admin-port)', async () => {
    const { report } = await auditJson({ SecurityGroups: groups });
    expect(
      report?.findings.filter((f) => f.resourceId === 'sg-0d40e803b8b644e79').map((f) => f.ruleId),
    ).toEqual(['sg-open-admin-port']);
  });

  it.each([
    [
      'IPRanges in a permission',
      () => {
        const { IpRanges, ...rest } = sshPermission as Json;
        return withSsh({ ...ssh, IpPermissions: [{ ...rest, IPRanges: IpRanges }] });
      },
      `SecurityGroups[${sshIndex}].IpPermissions[0].IPRanges: unknown key; did you mean IpRanges?`,
    ],
    [
      'ipPermissions in a group',
      () => {
        const { IpPermissions, ...rest } = ssh;
        return withSsh({ ...rest, ipPermissions: IpPermissions });
      },
      `SecurityGroups[${sshIndex}].ipPermissions: unknown key; did you mean IpPermissions?`,
    ],
  ])('%s is an error naming it, never a clean group', async (_name, snapshot, issue) => {
    const { code, report, stderr } = await auditJson(snapshot());
    expect(code).toBe(2);
    expect(report).toBeUndefined();
    expect(stderr).toBe(`vpc-guardrail: invalid snapshot in.json:\n  ${issue}\n`);
  });

  it('the same for a rule item without its source, a route state, a subnet flag and a NAT type', async () => {
    const { code, stderr } = await auditJson({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', state: 'blackhole' }],
          Associations: [],
        },
      ],
      Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', mapPublicIpOnLaunch: true }],
      NatGateways: [{ NatGatewayId: 'nat-1', SubnetId: 'subnet-1', connectivityType: 'private' }],
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        'vpc-guardrail: invalid snapshot in.json:',
        '  Subnets[0].mapPublicIpOnLaunch: unknown key; did you mean MapPublicIpOnLaunch?',
        '  SecurityGroupRules[0].cidrIpv4: unknown key; did you mean CidrIpv4?',
        '  RouteTables[0].Routes[0].state: unknown key; did you mean State?',
        '  NatGateways[0].connectivityType: unknown key; did you mean ConnectivityType?',
        '',
      ].join('\n'),
    );
  });

  it("keys the engine does not read, and a group's or an interface's own tag lists, are left alone", async () => {
    const { code } = await auditJson({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'web',
          VpcId: 'vpc-1',
          IpPermissions: [],
          IpPermissionsEgress: [],
          tags: [],
        },
      ],
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [], Tags: [], OwnerIds: 'x' }],
    });
    expect(code).toBe(0);
  });
});
