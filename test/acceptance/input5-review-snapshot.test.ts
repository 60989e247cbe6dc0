import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { type AuditJsonReport, auditJson, memoryIo } from '../helpers';
import { ec2Fixture } from '../helpers/ec2-fixtures';

// DESIGN §3 ("Keys", "Values": host bits cleared) as the input5 review found them missing, through
// the CLI a user runs (`vpc-guardrail audit --snapshot F --format json`), on real EC2 output.

type Json = Record<string, unknown>;

type Report = AuditJsonReport;

const list = (name: string, key: string) => ec2Fixture(name)[key] as Json[];

// One VPC of the Placebo recordings of Cloud Custodian's test_eni_public_subnet (vpc-65db9700):
// subnet-b2cb8788 ("web-b") is explicitly associated with rtb-5bc59b3e, whose 0.0.0.0/0 goes to
// igw-bda12fd8; eni-0d47bf614f6182182 sits in it with group sg-f1850a95. Added by hand: the
// interface's public address (as EC2 prints an Association), the group's rules (world-open SSH)
// and the VPC's default NACL (the recorded default NACL of another VPC, moved to this one).
const TABLES = list('DescribeRouteTables--igw-main-and-subnet-associations-placebo', 'RouteTables').filter(
  (t) => t.VpcId === 'vpc-65db9700',
);
const SUBNETS = list('DescribeSubnets--public-and-private-placebo', 'Subnets');
const [ENI] = list('DescribeNetworkInterfaces--two-interfaces-no-public-ip-placebo', 'NetworkInterfaces') as [
  Json,
];
const [NACL] = list('DescribeNetworkAcls--default-nacl-placebo', 'NetworkAcls') as [Json];
const PUBLIC = { IpOwnerId: 'amazon', PublicDnsName: '', PublicIp: '54.210.1.2' };
const GROUP = {
  GroupId: 'sg-f1850a95',
  GroupName: 'bastion-access',
  VpcId: 'vpc-65db9700',
  IpPermissions: [
    {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
  ],
  IpPermissionsEgress: [],
};
const INTERNET_TABLE = TABLES.find((t) => t.RouteTableId === 'rtb-5bc59b3e') as Json;
const [LOCAL_ROUTE, IGW_ROUTE] = INTERNET_TABLE.Routes as [Json, Json];

function region(changes: { eni?: Json; routes?: Json[]; associations?: Json[]; more?: Json } = {}): Json {
  const table = {
    ...INTERNET_TABLE,
    ...(changes.routes ? { Routes: changes.routes } : {}),
    ...(changes.associations ? { Associations: changes.associations } : {}),
  };
  return {
    Subnets: SUBNETS,
    RouteTables: TABLES.map((t) => (t === INTERNET_TABLE ? table : t)),
    NetworkAcls: [{ ...NACL, VpcId: 'vpc-65db9700' }],
    SecurityGroups: [GROUP],
    NetworkInterfaces: [changes.eni ?? { ...ENI, Association: PUBLIC }],
    ...changes.more,
  };
}

/** The path of each exposure finding: `eni family: igw route-table nacl groups`. */
function exposures(report: Report | undefined): string[] {
  type Path = { type: string; id?: string; ids?: string[] }[];
  return (report?.findings ?? [])
    .filter((f) => f.ruleId === 'eni-internet-exposed')
    .flatMap((f) =>
      Object.entries(f.evidence.families as Record<string, { ports: Json; path: Path }>).map(
        ([family, { ports, path }]) =>
          `${f.resourceId} ${f.severity} ${family} ${JSON.stringify(ports)} ${path.map((p) => p.id ?? p.ids?.join('+')).join(' ')}`,
      ),
    );
}

const EXPOSED = [
  'eni-0d47bf614f6182182 critical ipv4 {"tcp":["22"],"udp":[]} igw-bda12fd8 rtb-5bc59b3e acl-6c9db915 sg-f1850a95',
];

describe('the control: the recorded region with a public address and world-open SSH', () => {
  it('eni-0d47bf614f6182182 is internet-exposed on 22/tcp through igw-bda12fd8', async () => {
    const { code, report, stderr } = await auditJson(region());
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(exposures(report)).toEqual(EXPOSED);
  });
});

describe('host bits of a default route are cleared, as EC2 does (DESIGN §3 "Values")', () => {
  it('1.2.3.4/0 is 0.0.0.0/0: the interface is exposed through it (it was read as no default route)', async () => {
    const { code, report } = await auditJson(
      region({ routes: [LOCAL_ROUTE, { ...IGW_ROUTE, DestinationCidrBlock: '1.2.3.4/0' }] }),
    );
    expect(code).toBe(1);
    expect(exposures(report)).toEqual(EXPOSED);
  });

  it('0::/0 and 2001:db8::1/0 are ::/0 for an IPv6 address', async () => {
    for (const destination of ['0::/0', '2001:db8::1/0', '0:0:0:0:0:0:0:0/0']) {
      const { report } = await auditJson(
        region({
          eni: { ...ENI, Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1:2::5' }] },
          routes: [
            LOCAL_ROUTE,
            { DestinationIpv6CidrBlock: destination, GatewayId: 'igw-bda12fd8', State: 'active' },
          ],
          more: {
            SecurityGroups: [
              {
                ...GROUP,
                IpPermissions: [
                  { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
                ],
              },
            ],
            NetworkAcls: [
              {
                ...NACL,
                VpcId: 'vpc-65db9700',
                Entries: [
                  {
                    RuleNumber: 100,
                    Protocol: '-1',
                    Egress: true,
                    Ipv6CidrBlock: '::/0',
                    RuleAction: 'allow',
                  },
                  {
                    RuleNumber: 100,
                    Protocol: '-1',
                    Egress: false,
                    Ipv6CidrBlock: '::/0',
                    RuleAction: 'allow',
                  },
                ],
              },
            ],
          },
        }),
      );
      expect(exposures(report), destination).toEqual([
        'eni-0d47bf614f6182182 critical ipv6 {"tcp":["22"],"udp":[]} igw-bda12fd8 rtb-5bc59b3e acl-6c9db915 sg-f1850a95',
      ]);
    }
  });

  it('a private subnet named so reports the route as EC2 stores it (0.0.0.0/0)', async () => {
    const { report } = await auditJson(
      region({
        routes: [LOCAL_ROUTE, { ...IGW_ROUTE, DestinationCidrBlock: '10.1.2.3/0' }],
        more: { Subnets: SUBNETS.map((s) => ({ ...s, Tags: [{ Key: 'Name', Value: 'private-web' }] })) },
      }),
    );
    const finding = report?.findings.find((f) => f.ruleId === 'subnet-private-has-igw-route');
    expect(finding?.resourceId).toBe('subnet-b2cb8788');
    expect(JSON.stringify(finding?.evidence)).toContain('"0.0.0.0/0"');
  });
});

describe('a misspelt key that would hide an internet path is an error naming it (DESIGN §3 "Keys")', () => {
  const refused = (issue: string) => `vpc-guardrail: invalid snapshot in.json:\n  ${issue}\n`;
  const { GatewayId: igw, ...igwRouteWithoutTarget } = IGW_ROUTE;
  const { DestinationCidrBlock: world, ...igwRouteWithoutDestination } = IGW_ROUTE;
  const [association] = INTERNET_TABLE.Associations as [Json, Json];
  const { SubnetId: subnetId, ...associationWithoutSubnet } = association;
  const { Main: main, ...associationWithoutMain } = association;
  const { SubnetId: eniSubnet, ...eniWithoutSubnet } = ENI;

  it.each([
    [
      "a route's target (gatewayId): read as no target, the subnet had no internet route",
      region({ routes: [LOCAL_ROUTE, { ...igwRouteWithoutTarget, gatewayId: igw }] }),
      'RouteTables[1].Routes[1].gatewayId: unknown key; did you mean GatewayId?',
    ],
    [
      "a route's destination (destinationCidrBlock)",
      region({ routes: [LOCAL_ROUTE, { ...igwRouteWithoutDestination, destinationCidrBlock: world }] }),
      'RouteTables[1].Routes[1].destinationCidrBlock: unknown key; did you mean DestinationCidrBlock?',
    ],
    [
      "an association's subnet (subnetId): read as absent, the subnet fell back to the main table",
      region({ associations: [{ ...associationWithoutSubnet, subnetId }] }),
      'RouteTables[1].Associations[0].subnetId: unknown key; did you mean SubnetId?',
    ],
    [
      "an association's Main (main)",
      region({ associations: [{ ...associationWithoutMain, main }] }),
      'RouteTables[1].Associations[0].main: unknown key; did you mean Main?',
    ],
    [
      "an interface's association: read as absent, the public address and the exposure vanished",
      region({ eni: { ...ENI, association: PUBLIC } }),
      'NetworkInterfaces[0].association: unknown key; did you mean Association?',
    ],
    [
      "an association's publicIp",
      region({ eni: { ...ENI, Association: { IpOwnerId: 'amazon', publicIp: '54.210.1.2' } } }),
      'NetworkInterfaces[0].Association.publicIp: unknown key; did you mean PublicIp?',
    ],
    [
      "an interface's subnetId (it was not judged for want of a subnet)",
      region({ eni: { ...eniWithoutSubnet, subnetId: eniSubnet, Association: PUBLIC } }),
      'NetworkInterfaces[0].subnetId: unknown key; did you mean SubnetId?',
    ],
    [
      'a group\'s vpcId (its findings had vpcId "", which --vpc filters out)',
      region({ more: { SecurityGroups: [{ ...GROUP, VpcId: undefined, vpcId: 'vpc-65db9700' }] } }),
      'SecurityGroups[0].vpcId: unknown key; did you mean VpcId?',
    ],
    [
      "a NACL entry's cidrBlock (it said the block was missing)",
      region({
        more: {
          NetworkAcls: [
            {
              ...NACL,
              VpcId: 'vpc-65db9700',
              Entries: [
                {
                  RuleNumber: 100,
                  Protocol: '-1',
                  Egress: false,
                  cidrBlock: '0.0.0.0/0',
                  RuleAction: 'allow',
                },
              ],
            },
          ],
        },
      }),
      'NetworkAcls[0].Entries[0].cidrBlock: unknown key; did you mean CidrBlock?',
    ],
  ])('%s', async (_name, snapshot, issue) => {
    const { code, report, stderr } = await auditJson(snapshot);
    expect(stderr).toBe(refused(issue));
    expect(code).toBe(2);
    expect(report).toBeUndefined();
  });

  it("an AWS-managed prefix list's entries (read as absent, the list was taken as holding nothing)", async () => {
    const [s3] = list('DescribeManagedPrefixLists--aws-and-customer-lists-placebo', 'PrefixLists').filter(
      (l) => l.PrefixListId === 'pl-63a5400a',
    ) as [Json];
    const { code, stderr } = await auditJson({
      ManagedPrefixLists: [{ ...s3, entries: [{ Cidr: '0.0.0.0/0' }] }],
    });
    expect(stderr).toBe(refused('ManagedPrefixLists[0].entries: unknown key; did you mean Entries?'));
    expect(code).toBe(2);
  });

  it('a route to a target the engine does not know (a type EC2 adds later) is accepted, as before', async () => {
    const odb = {
      DestinationCidrBlock: '192.168.0.0/16',
      OdbNetworkArn: 'arn:aws:odb:us-east-1:644160558196:odb-network/odbnet-1',
    };
    const { code, report } = await auditJson(region({ routes: [LOCAL_ROUTE, IGW_ROUTE, odb] }));
    expect(code).toBe(1);
    expect(exposures(report)).toEqual(EXPOSED);
  });
});

describe('a state written otherwise than EC2 prints it is an error naming it (DESIGN §3 "Values")', () => {
  const [association] = INTERNET_TABLE.Associations as [Json];
  const [nat] = list('DescribeNatGateways--awscli-example-public', 'NatGateways') as [Json];

  it.each([
    [
      'a route State "Active" (read as not active, the internet route was dropped)',
      region({ routes: [LOCAL_ROUTE, { ...IGW_ROUTE, State: 'Active' }] }),
      'RouteTables[1].Routes[1].State: expected one of "active", "blackhole", "filtered", got a string ("Active")',
    ],
    [
      'an association State "Associated" (read as not in force, the subnet fell back to the main table)',
      region({ associations: [{ ...association, AssociationState: { State: 'Associated' } }] }),
      'RouteTables[1].Associations[0].AssociationState.State: expected one of "associating", "associated", "disassociating", "disassociated", "failed", got a string ("Associated")',
    ],
    [
      'a NAT gateway ConnectivityType "Public" (read as not public, the gateway was not judged)',
      region({
        more: { NatGateways: [{ ...nat, SubnetId: 'subnet-b2cb8788', ConnectivityType: 'Public' }] },
      }),
      'NatGateways[0].ConnectivityType: expected one of "public", "private", got a string ("Public")',
    ],
    [
      'a NAT gateway State "Available"',
      region({ more: { NatGateways: [{ ...nat, SubnetId: 'subnet-b2cb8788', State: 'Available' }] } }),
      'NatGateways[0].State: expected one of "pending", "failed", "available", "deleting", "deleted", got a string ("Available")',
    ],
  ])('%s', async (_name, snapshot, issue) => {
    const { code, stderr } = await auditJson(snapshot);
    expect(stderr).toBe(`vpc-guardrail: invalid snapshot in.json:\n  ${issue}\n`);
    expect(code).toBe(2);
  });

  it('the recorded NAT gateway as EC2 prints it, in a subnet without an internet route, is reported (the control)', async () => {
    const { report } = await auditJson(
      region({ more: { NatGateways: [{ ...nat, SubnetId: 'subnet-cdcb87f7' }] } }),
    );
    expect(
      report?.findings.filter((f) => f.ruleId === 'nat-gateway-in-private-subnet').map((f) => f.resourceId),
    ).toEqual([nat.NatGatewayId]);
  });
});

describe('a VPC endpoint item without VpcId (hand-made; EC2 always prints it)', () => {
  // The AWS CLI example's interface and gateway endpoints (full-access policies), moved into the
  // recorded region: the interface endpoint into subnet-b2cb8788, the gateway one onto rtb-5bc59b3e.
  const [gateway, iface] = list(
    'DescribeVpcEndpoints--awscli-example-gateway-interface-gwlb',
    'VpcEndpoints',
  ) as [Json, Json];
  const withoutVpc = ({ VpcId: _vpc, ...rest }: Json) => rest;

  it("takes the VPC of a subnet or route table it names: its finding's vpcId is what --vpc filters by", async () => {
    const { code, report } = await auditJson(
      region({
        more: {
          VpcEndpoints: [
            { ...withoutVpc(iface), SubnetIds: ['subnet-404', 'subnet-b2cb8788'] },
            { ...withoutVpc(gateway), RouteTableIds: ['rtb-5bc59b3e'] },
            { ...withoutVpc(gateway), VpcEndpointId: 'vpce-elsewhere', RouteTableIds: ['rtb-404'] },
          ],
        },
      }),
    );
    expect(code).toBe(1);
    expect(
      report?.findings
        .filter((f) => f.ruleId === 'vpce-policy-full-access')
        .map((f) => `${f.resourceId} ${f.vpcId}`),
      // Sorted by vpcId first: the one whose VPC stays unknown (it names nothing in the snapshot) leads.
    ).toEqual(['vpce-elsewhere ', 'vpce-032a826a vpc-65db9700', 'vpce-0f89a33420c1931d7 vpc-65db9700']);
  });
});

describe('a top-level key given twice (a snapshot pasted together from AWS CLI output)', () => {
  // The README's recipe, run for two VPCs with the same key twice: JSON.parse kept the second
  // list alone, and the world-open group of the first was never judged (exit 0).
  const pasted = [
    '{',
    '"SecurityGroups":',
    JSON.stringify([GROUP], null, 4),
    ',',
    '"SecurityGroups":',
    '[]',
    '}',
  ].join('\n');

  it('is an error naming the key (exit 2), never the last list alone', async () => {
    const env = memoryIo({ 'in.json': pasted });
    const code = await runCli(['audit', '--snapshot', 'in.json', '--format', 'json'], env.io);
    expect(env.stderr()).toBe(
      'vpc-guardrail: invalid snapshot in.json:\n' +
        '  SecurityGroups: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)\n',
    );
    expect(code).toBe(2);
    expect(env.stdout()).toBe('');
  });

  it('in a file of several snapshots, the one that repeats it is named', async () => {
    const several = `[{"accountId": "111111111111", "region": "eu-west-1"},\n${pasted.replace('{', '{"accountId": "222222222222", "region": "eu-west-1",')}]`;
    const env = memoryIo({ 'in.json': several });
    const code = await runCli(['audit', '--snapshot', 'in.json', '--format', 'json'], env.io);
    expect(env.stderr()).toMatch(
      /^vpc-guardrail: invalid snapshot in\.json:\n {2}\[1\]\.SecurityGroups: duplicate key /,
    );
    expect(code).toBe(2);
  });
});

describe("describe-managed-prefix-lists' own key (PrefixLists)", () => {
  it('is still a warning, saying where its lists go (a group of the list stays not judged)', async () => {
    const pls = list('DescribeManagedPrefixLists--aws-and-customer-lists-placebo', 'PrefixLists');
    const group = {
      ...GROUP,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          PrefixListIds: [{ PrefixListId: 'pl-02d12d37020480a5f' }],
        },
      ],
    };
    const { code, report } = await auditJson({ SecurityGroups: [group], PrefixLists: pls });
    expect(code).toBe(0);
    expect(report?.summary.warnings).toEqual([
      'PrefixLists: unknown top-level key, ignored (describe-managed-prefix-lists prints its lists as PrefixLists, ' +
        'without their entries: give each list with its get-managed-prefix-list-entries Entries under ManagedPrefixLists)',
    ]);
    expect(report?.summary.notJudged.map((n) => n.resourceId)).toEqual(['sg-f1850a95']);
  });
});

describe('a NextToken pasted with a page of AWS CLI output (--max-items)', () => {
  it('is still a warning, saying that the pages after it are missing', async () => {
    const { code, report } = await auditJson({ ...region(), NextToken: 'eyJOZXh0VG9rZW4iOiBudWxsfQ==' });
    expect(code).toBe(1);
    expect(report?.summary.warnings).toEqual([
      'NextToken: unknown top-level key, ignored (a Describe* output holding NextToken is one page of a longer ' +
        'answer: the items of the pages after it are not in the snapshot; run the command without --max-items)',
    ]);
  });
});

describe('ports under a near-miss key are named, rather than said to be missing', () => {
  const [permission] = GROUP.IpPermissions as Json[] as [Json];
  const { FromPort: from, ...withoutFrom } = permission;
  const entry = {
    RuleNumber: 100,
    Protocol: '6',
    Egress: false,
    CidrBlock: '0.0.0.0/0',
    RuleAction: 'allow',
  };

  it.each([
    [
      "a permission's fromPort",
      { SecurityGroups: [{ ...GROUP, IpPermissions: [{ ...withoutFrom, fromPort: from }] }] },
      'SecurityGroups[0].IpPermissions[0].fromPort: unknown key; did you mean FromPort?',
    ],
    [
      "a NACL entry's portRange",
      { NetworkAcls: [{ ...NACL, Entries: [{ ...entry, portRange: { From: 22, To: 22 } }] }] },
      'NetworkAcls[0].Entries[0].portRange: unknown key; did you mean PortRange?',
    ],
    [
      'PortRange.from (as CloudTrail writes it)',
      { NetworkAcls: [{ ...NACL, Entries: [{ ...entry, PortRange: { from: 22, To: 22 } }] }] },
      'NetworkAcls[0].Entries[0].PortRange.from: unknown key; did you mean From?',
    ],
  ])('%s', async (_name, snapshot, issue) => {
    const { code, stderr } = await auditJson(snapshot);
    expect(stderr).toBe(`vpc-guardrail: invalid snapshot in.json:\n  ${issue}\n`);
    expect(code).toBe(2);
  });
});
