import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { internetRoutes } from '../../shared/analysis/igw-routes';
import type { Finding } from '../../shared/findings';
import { judgePolicy } from '../../shared/rules/vpce-policy-full-access';
import { auditJson, memoryIo } from '../helpers';

// engine9's review of DESIGN §3–§6. The region is one VPC as the AWS CLI prints it (a subnet named
// "private", the AWS default NACL, a group open on 22 to the world, an interface with a public
// address); each case changes one thing and states DESIGN's expected output first.

const OWNER = '111122223333';
type Json = Record<string, unknown>;

function region(changes: { routes?: Json[]; subnetName?: string; eni?: Json; extra?: Json } = {}): Json {
  return {
    accountId: OWNER,
    region: 'eu-west-1',
    Vpcs: [
      { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', OwnerId: OWNER, IsDefault: false, State: 'available' },
    ],
    Subnets: [
      {
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        CidrBlock: '10.0.1.0/24',
        AvailabilityZone: 'eu-west-1a',
        MapPublicIpOnLaunch: false,
        State: 'available',
        OwnerId: OWNER,
        Ipv6CidrBlockAssociationSet: [],
        Tags: [{ Key: 'Name', Value: changes.subnetName ?? 'app-private-a' }],
      },
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        OwnerId: OWNER,
        PropagatingVgws: [],
        Tags: [],
        Routes: [
          {
            DestinationCidrBlock: '10.0.0.0/16',
            GatewayId: 'local',
            Origin: 'CreateRouteTable',
            State: 'active',
          },
          ...(changes.routes ?? []).map((route) => ({ Origin: 'CreateRoute', State: 'active', ...route })),
        ],
        Associations: [
          {
            Main: true,
            RouteTableAssociationId: 'rtbassoc-1',
            RouteTableId: 'rtb-1',
            AssociationState: { State: 'associated' },
          },
        ],
      },
    ],
    InternetGateways: [
      {
        InternetGatewayId: 'igw-1',
        OwnerId: OWNER,
        Attachments: [{ State: 'available', VpcId: 'vpc-1' }],
        Tags: [],
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        IsDefault: true,
        OwnerId: OWNER,
        Tags: [],
        Associations: [
          { NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-1', SubnetId: 'subnet-1' },
        ],
        Entries: [
          { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
          { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
          { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
          { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
          { Egress: true, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'allow', RuleNumber: 101 },
          { Egress: true, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'deny', RuleNumber: 32768 },
          { Egress: false, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'allow', RuleNumber: 101 },
          { Egress: false, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'deny', RuleNumber: 32768 },
        ],
      },
    ],
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        GroupName: 'web',
        Description: 'web',
        VpcId: 'vpc-1',
        OwnerId: OWNER,
        Tags: [],
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
            PrefixListIds: [],
            UserIdGroupPairs: [],
          },
        ],
        IpPermissionsEgress: [
          {
            IpProtocol: '-1',
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            Ipv6Ranges: [],
            PrefixListIds: [],
            UserIdGroupPairs: [],
          },
        ],
      },
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        InterfaceType: 'interface',
        Status: 'in-use',
        OwnerId: OWNER,
        Association: { PublicIp: '54.1.2.3', IpOwnerId: 'amazon' },
        Groups: [{ GroupId: 'sg-1', GroupName: 'web' }],
        PrivateIpAddress: '10.0.1.10',
        PrivateIpAddresses: [
          {
            Primary: true,
            PrivateIpAddress: '10.0.1.10',
            Association: { PublicIp: '54.1.2.3', IpOwnerId: 'amazon' },
          },
        ],
        Ipv6Addresses: [],
        TagSet: [],
        ...changes.eni,
      },
    ],
    NatGateways: [],
    VpcEndpoints: [],
    ...changes.extra,
  };
}

const ruleIds = (findings: readonly Finding[]) => findings.map((f) => f.ruleId).sort();
const one = (findings: readonly Finding[], ruleId: string) => findings.find((f) => f.ruleId === ruleId);

describe('engine9: routes that cover the internet without a default route (DESIGN §5 route resolution)', () => {
  const SPLIT4 = [
    { DestinationCidrBlock: '128.0.0.0/1', GatewayId: 'igw-1' },
    { DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'igw-1' },
  ];

  it('0.0.0.0/1 + 128.0.0.0/1 to the igw- is an internet route: the private subnet and the exposed interface are reported', async () => {
    // Expected (DESIGN §5, read as "the internet goes to the igw-"): as with 0.0.0.0/0 —
    // subnet-private-has-igw-route (high) naming both routes, eni-internet-exposed critical on 22/tcp
    // through igw-1 → rtb-1; before, neither (the subnet passed as private, the interface as unreachable).
    const { code, report } = await auditJson(region({ routes: SPLIT4 }), '--fail-on', 'none');
    expect(code).toBe(0);
    const findings = report?.findings ?? [];
    expect(ruleIds(findings)).toEqual([
      'eni-internet-exposed',
      'nacl-open-admin-port',
      'sg-open-admin-port',
      'subnet-private-has-igw-route',
    ]);
    expect(one(findings, 'subnet-private-has-igw-route')).toMatchObject({
      severity: 'high',
      resourceId: 'subnet-1',
      evidence: {
        routeTableId: 'rtb-1',
        // In address order, whatever order the table lists them in.
        igwRoutes: [
          { destination: '0.0.0.0/1', gatewayId: 'igw-1' },
          { destination: '128.0.0.0/1', gatewayId: 'igw-1' },
        ],
      },
    });
    expect(one(findings, 'subnet-private-has-igw-route')?.detail).toContain(
      'sends 0.0.0.0/1 and 128.0.0.0/1 to an internet gateway',
    );
    const eni = one(findings, 'eni-internet-exposed');
    expect(eni).toMatchObject({ severity: 'critical', resourceId: 'eni-1', evidence: { ports: ['22/tcp'] } });
    expect(eni?.detail).toContain('(igw-1 → rtb-1 → acl-1 → sg-1)');
  });

  it('::/1 + 8000::/1 (and 2000::/3, all of public IPv6) to the igw- expose an interface over IPv6', async () => {
    const ipv6Only = {
      Association: undefined,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.1.10' }],
      Ipv6Addresses: [{ Ipv6Address: '2a05:d018::10' }],
    };
    for (const routes of [
      [
        { DestinationIpv6CidrBlock: '::/1', GatewayId: 'igw-1' },
        { DestinationIpv6CidrBlock: '8000::/1', GatewayId: 'igw-1' },
      ],
      [{ DestinationIpv6CidrBlock: '2000::/3', GatewayId: 'igw-1' }],
    ]) {
      const { report } = await auditJson(region({ routes, eni: ipv6Only }), '--fail-on', 'none');
      const findings = report?.findings ?? [];
      expect(one(findings, 'eni-internet-exposed')?.evidence).toMatchObject({
        families: { ipv6: { addresses: ['2a05:d018::10'] } },
      });
      expect(one(findings, 'subnet-private-has-igw-route')?.evidence.igwRoutes).toEqual(
        routes.map((r) => ({ destination: r.DestinationIpv6CidrBlock, gatewayId: 'igw-1' })),
      );
    }
  });

  it('routes covering part of the internet only, or not active, are no internet route; a public subnet with the split pair has one', async () => {
    // Expected: 0.0.0.0/1 alone (half), or the pair with one half a blackhole — no subnet or
    // interface finding (but route-blackhole for the latter); a subnet named "public" with the pair
    // is not reported by subnet-public-no-igw-route, and a NAT gateway there is not "private".
    const half = await auditJson(region({ routes: [SPLIT4[1] as Json] }), '--fail-on', 'none');
    expect(ruleIds(half.report?.findings ?? [])).toEqual(['nacl-open-admin-port', 'sg-open-admin-port']);
    const holed = await auditJson(
      region({ routes: [SPLIT4[0] as Json, { ...SPLIT4[1], State: 'blackhole' }] }),
      '--fail-on',
      'none',
    );
    expect(ruleIds(holed.report?.findings ?? [])).toEqual([
      'nacl-open-admin-port',
      'route-blackhole',
      'sg-open-admin-port',
    ]);
    const nat = {
      NatGatewayId: 'nat-1',
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      State: 'available',
      ConnectivityType: 'public',
    };
    const publicSplit = await auditJson(
      region({ routes: SPLIT4, subnetName: 'web-public-a', extra: { NatGateways: [nat] } }),
      '--fail-on',
      'none',
    );
    expect(ruleIds(publicSplit.report?.findings ?? [])).toEqual([
      'eni-internet-exposed',
      'nacl-open-admin-port',
      'sg-open-admin-port',
    ]);
    const publicHalf = await auditJson(
      region({ routes: [SPLIT4[0] as Json], subnetName: 'web-public-a', extra: { NatGateways: [nat] } }),
      '--fail-on',
      'none',
    );
    expect(ruleIds(publicHalf.report?.findings ?? [])).toEqual([
      'nacl-open-admin-port',
      'nat-gateway-in-private-subnet',
      'sg-open-admin-port',
      'subnet-public-no-igw-route',
    ]);
  });

  it('internetRoutes: the default route first; else the active igw- routes when they cover the configured share of public space', () => {
    const local = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };
    const full = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' };
    expect(internetRoutes([local, ...SPLIT4, full], 'ipv4', 0.99)).toEqual([full]);
    expect(internetRoutes([local, ...SPLIT4], 'ipv4', 0.99)).toEqual([SPLIT4[1], SPLIT4[0]]);
    expect(internetRoutes([local, SPLIT4[0] as Json], 'ipv4', 0.99)).toBeUndefined();
    // The world less the private ranges, as VPN "allowed IPs" calculators write it: every public address.
    const lessPrivate = [
      '0.0.0.0/5',
      '8.0.0.0/7',
      '11.0.0.0/8',
      '12.0.0.0/6',
      '16.0.0.0/4',
      '32.0.0.0/3',
      '64.0.0.0/2',
      '128.0.0.0/3',
      '160.0.0.0/5',
      '168.0.0.0/6',
      '172.0.0.0/12',
      '172.32.0.0/11',
      '172.64.0.0/10',
      '172.128.0.0/9',
      '173.0.0.0/8',
      '174.0.0.0/7',
      '176.0.0.0/4',
      '192.0.0.0/9',
      '192.128.0.0/11',
      '192.160.0.0/13',
      '192.169.0.0/16',
      '192.170.0.0/15',
      '192.172.0.0/14',
      '192.176.0.0/12',
      '192.192.0.0/10',
      '193.0.0.0/8',
      '194.0.0.0/7',
      '196.0.0.0/6',
      '200.0.0.0/5',
      '208.0.0.0/4',
    ];
    const routes = lessPrivate.map((cidr) => ({
      DestinationCidrBlock: cidr,
      GatewayId: 'igw-1',
      State: 'active',
    }));
    expect(internetRoutes(routes, 'ipv4', 0.99)).toHaveLength(lessPrivate.length);
    // Without 64.0.0.0/2 (a quarter of the space): not the internet.
    expect(
      internetRoutes(
        routes.filter((r) => r.DestinationCidrBlock !== '64.0.0.0/2'),
        'ipv4',
        0.99,
      ),
    ).toBeUndefined();
    // A NAT gateway's or peering's routes never count; the other family's neither.
    expect(
      internetRoutes(
        [{ DestinationCidrBlock: '0.0.0.0/1', NatGatewayId: 'nat-1' }, SPLIT4[0] as Json],
        'ipv4',
        0.99,
      ),
    ).toBeUndefined();
    expect(internetRoutes(SPLIT4, 'ipv6', 0.99)).toBeUndefined();
  });
});

describe('engine9: evidence addresses in numeric order (DESIGN §6 deterministic, readable)', () => {
  it('IPv6 addresses and delegated prefixes of an exposed interface are listed by value, not as text', async () => {
    // Expected: 2a05:d018::9 before 2a05:d018::10 (text order put ::10 first), the prefixes after
    // the addresses, each in numeric order; the same whatever order EC2 lists them in.
    const addresses = ['2a05:d018::10', '2a05:d018::9', '2a05:d018::a', '2a05:d018::1:0'];
    const prefixes = ['2a05:d018:0:10::/80', '2a05:d018:0:9::/80'];
    const eni = (order: string[], prefixOrder: string[]) => ({
      Ipv6Addresses: order.map((Ipv6Address) => ({ Ipv6Address })),
      Ipv6Prefixes: prefixOrder.map((Ipv6Prefix) => ({ Ipv6Prefix })),
    });
    const routes = [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1' }];
    const expected = [
      '2a05:d018::9',
      '2a05:d018::a',
      '2a05:d018::10',
      '2a05:d018::1:0',
      ...prefixes.slice().reverse(),
    ];
    for (const [a, p] of [
      [addresses, prefixes],
      [addresses.slice().reverse(), prefixes.slice().reverse()],
    ] as const) {
      const { report } = await auditJson(region({ routes, eni: eni([...a], [...p]) }), '--fail-on', 'none');
      const finding = one(report?.findings ?? [], 'eni-internet-exposed');
      expect(finding?.evidence).toMatchObject({ families: { ipv6: { addresses: expected } } });
      expect(finding?.detail).toContain(`over IPv6 (${expected.join(', ')})`);
    }
  });
});

/** `audit --format json` of a snapshot file holding exactly `text`: exit code, report, stderr. */
async function auditText(text: string) {
  const env = memoryIo({ 'in.json': text });
  const code = await runCli(
    ['audit', '--snapshot', 'in.json', '--format', 'json', '--fail-on', 'none'],
    env.io,
  );
  const out = env.stdout();
  return {
    code,
    findings: out ? (JSON.parse(out) as { findings: Finding[] }).findings : [],
    stderr: env.stderr(),
  };
}

describe('engine9: a repeated key inside an endpoint policy object makes that endpoint unreadable, not the snapshot (DESIGN §3, §5)', () => {
  const endpointWith = (policy: string) =>
    JSON.stringify(
      region({
        extra: {
          VpcEndpoints: [
            {
              VpcEndpointId: 'vpce-1',
              VpcId: 'vpc-1',
              ServiceName: 'com.amazonaws.eu-west-1.s3',
              VpcEndpointType: 'Gateway',
              State: 'available',
              RouteTableIds: ['rtb-1'],
              SubnetIds: [],
              Groups: [],
              NetworkInterfaceIds: [],
              PolicyDocument: '@POLICY@',
            },
          ],
        },
      }),
      null,
      2,
    ).replace('"@POLICY@"', policy);
  const statement = (inner: string) =>
    `{"Version":"2012-10-17","Statement":[{"Principal":"*","Action":"*","Resource":"*",${inner}}]}`;

  it.each([
    [
      'Condition keys that differ only in case',
      statement(
        '"Effect":"Allow","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1","aws:sourcevpc":"vpc-2"}}',
      ),
      'Statement[0].Condition.StringEquals has keys that differ only in case, "aws:SourceVpc" and "aws:sourcevpc" (IAM Access Analyzer reports them as an error; which one counts is not documented)',
    ],
    [
      'an Effect given twice',
      statement('"Effect":"Deny","Effect":"Allow"'),
      'the key Statement[0].Effect is given twice (JSON keeps the last value; which one IAM reads is not documented)',
    ],
    [
      'Action beside Actions (an element misspelt)',
      statement('"Effect":"Allow","Actions":"s3:GetObject"'),
      'Statement[0] has keys that differ only in a trailing s, "Action" and "Actions" (IAM knows one element of that name; which one was meant is not known)',
    ],
  ])(
    '%s: the snapshot is judged, the endpoint reported unreadable, as for the same policy as text',
    async (_label, policy, reason) => {
      // Expected: exit 0, the region's own findings, and vpce-policy-full-access (low) "cannot be
      // read" naming the key — as when EC2's JSON text holds the same policy. Before: exit 2, the
      // whole snapshot refused for a key of one policy.
      const asObject = await auditText(endpointWith(policy));
      const asText = await auditText(endpointWith(JSON.stringify(policy)));
      for (const { code, findings, stderr } of [asObject, asText]) {
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(ruleIds(findings)).toEqual([
          'nacl-open-admin-port',
          'sg-open-admin-port',
          'vpce-policy-full-access',
        ]);
        expect(one(findings, 'vpce-policy-full-access')).toMatchObject({
          severity: 'low',
          title: 'VPC endpoint vpce-1 (com.amazonaws.eu-west-1.s3) has a policy that cannot be read',
          evidence: { unreadablePolicy: reason },
        });
      }
      // In a file of several snapshots too.
      const several = await auditText(`[${endpointWith(policy)}]`);
      expect(several.code).toBe(0);
      expect(one(several.findings, 'vpce-policy-full-access')?.evidence.unreadablePolicy).toBe(reason);
    },
  );

  it('a repeat outside a policy, or of PolicyDocument itself, still refuses the snapshot', async () => {
    const policy = statement('"Effect":"Allow"');
    const twice = endpointWith(policy).replace(
      '"PolicyDocument":',
      `"PolicyDocument": ${policy}, "PolicyDocument":`,
    );
    const refused = await auditText(twice);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('VpcEndpoints[0].PolicyDocument: duplicate key');
    const group = endpointWith(policy).replace(
      '"GroupName": "web",',
      '"GroupName": "web", "groupName": "web",',
    );
    const clash = await auditText(group);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('SecurityGroups[0].groupName: the same key as "GroupName" but for case');
  });
});

describe('engine9: keys misspelt with a space, `_` or `-` are errors naming the key meant (DESIGN §3)', () => {
  const routes = [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }];
  it.each([
    [
      '"IpPermissions " (a trailing space)',
      '"IpPermissions":',
      '"IpPermissions ":',
      'SecurityGroups[0]["IpPermissions "]: unknown key "IpPermissions "; did you mean IpPermissions?',
    ],
    [
      'Ip_Permissions',
      '"IpPermissions":',
      '"Ip_Permissions":',
      'SecurityGroups[0].Ip_Permissions: unknown key "Ip_Permissions"; did you mean IpPermissions?',
    ],
    [
      'ip-ranges',
      '"IpRanges":',
      '"ip-ranges":',
      'SecurityGroups[0].IpPermissions[0].ip-ranges: unknown key "ip-ranges"; did you mean IpRanges?',
    ],
    [
      '"Gateway Id" in a route',
      '"GatewayId": "igw-1"',
      '"Gateway Id": "igw-1"',
      'RouteTables[0].Routes[1]["Gateway Id"]: unknown key "Gateway Id"; did you mean GatewayId?',
    ],
    [
      'Security_Groups at the top',
      '"SecurityGroups":',
      '"Security_Groups":',
      'Security_Groups: unknown key "Security_Groups"; did you mean SecurityGroups?',
    ],
  ])('%s', async (_label, from, to, error) => {
    // Expected: exit 2 and the error naming the path and the key meant. Before: read as absent,
    // exit 0 with no finding for the group open on 22 to the world (or the internet route).
    const text = JSON.stringify(region({ routes }), null, 2);
    expect(text).toContain(from);
    const { code, findings, stderr } = await auditText(text.replace(from, to));
    expect(code).toBe(2);
    expect(findings).toEqual([]);
    expect(stderr).toContain(error);
  });

  it('keys EC2 prints that the engine does not read are still left alone, and the intact region is judged', async () => {
    const text = JSON.stringify(region({ routes }), null, 2).replace(
      '"Description": "web",',
      '"Description": "web", "Owner_Id": "x", "Ip Permission Notes": "y",',
    );
    const { code, findings } = await auditText(text);
    expect(code).toBe(0);
    expect(ruleIds(findings)).toEqual([
      'eni-internet-exposed',
      'nacl-open-admin-port',
      'sg-open-admin-port',
      'subnet-private-has-igw-route',
    ]);
  });
});

describe('engine9: Condition keys that differ in a trailing s are distinct keys, not a misspelling', () => {
  it('aws:PrincipalTag/team beside aws:PrincipalTag/teams is read (a Condition: not full access)', async () => {
    const policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a', 'aws:PrincipalTag/teams': 'b' } },
        },
      ],
    });
    expect(judgePolicy(policy)).toEqual({ kind: 'restricted' });
    expect(judgePolicy(JSON.parse(policy) as Record<string, unknown>)).toEqual({ kind: 'restricted' });
    expect(judgePolicy(policy.replace('"Resource"', '"Resources":"x","Resource"'))).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('differ only in a trailing s, "Resources" and "Resource"'),
    });
  });
});

describe('engine9: an internet gateway id in upper case is an error, not "no internet gateway" (DESIGN §3, §5)', () => {
  it('IGW-1 as a route target: exit 2 naming the path (read as written, the internet route vanished)', async () => {
    const text = JSON.stringify(
      region({ routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'IGW-1' }] }),
    );
    const { code, stderr } = await auditText(text);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'RouteTables[0].Routes[1].GatewayId: an internet gateway id in upper case ("IGW-1"); EC2 prints ids in lower case',
    );
    // Other targets and lower-case ids are as before.
    const ok = await auditText(
      JSON.stringify(region({ routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }] })),
    );
    expect(ok.code).toBe(0);
    const vgw = await auditText(
      JSON.stringify(region({ routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'VGW-1' }] })),
    );
    expect(vgw.code).toBe(0);
  });
});
