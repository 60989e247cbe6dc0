import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings';
import { audit, entry, nacl, OPEN_ENTRIES, only, perm, sg } from '../helpers';

const IGW4 = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' };
const IGW6 = { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' };
const LOCAL = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };

interface Region {
  groups: ReturnType<typeof sg>[];
  enis: Record<string, unknown>[];
  routes?: Record<string, unknown>[];
  naclEntries?: ReturnType<typeof entry>[];
  /** Leave the subnet without an explicit NACL association (it uses the VPC's default NACL). */
  defaultNacl?: boolean;
}

function region(options: Region): Record<string, unknown> {
  return {
    accountId: '111122223333',
    region: 'eu-west-1',
    Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', IsDefault: false, State: 'available' }],
    Subnets: [
      {
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        CidrBlock: '10.0.1.0/24',
        MapPublicIpOnLaunch: false,
        Tags: [],
      },
    ],
    InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ State: 'available', VpcId: 'vpc-1' }] }],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: [LOCAL],
        Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-m' }],
      },
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        Routes: options.routes ?? [LOCAL, IGW4, IGW6],
        Associations: [
          {
            Main: false,
            RouteTableId: 'rtb-1',
            SubnetId: 'subnet-1',
            RouteTableAssociationId: 'rtbassoc-1',
            AssociationState: { State: 'associated' },
          },
        ],
      },
    ],
    NetworkAcls: options.defaultNacl
      ? [nacl('acl-default', OPEN_ENTRIES, { isDefault: true, subnetIds: [] })]
      : [
          nacl('acl-default', OPEN_ENTRIES, { isDefault: true, subnetIds: [] }),
          nacl('acl-1', options.naclEntries ?? OPEN_ENTRIES, { subnetIds: ['subnet-1'] }),
        ],
    SecurityGroups: options.groups,
    NetworkInterfaces: options.enis,
  };
}

function eni(
  id: string,
  groupIds: string[],
  options: { publicIp?: string; ipv6?: string; secondaryPublicIp?: string } = {},
) {
  return {
    NetworkInterfaceId: id,
    SubnetId: 'subnet-1',
    VpcId: 'vpc-1',
    InterfaceType: 'interface',
    Status: 'in-use',
    PrivateIpAddress: '10.0.1.10',
    ...(options.publicIp ? { Association: { PublicIp: options.publicIp, IpOwnerId: 'amazon' } } : {}),
    PrivateIpAddresses: [
      {
        Primary: true,
        PrivateIpAddress: '10.0.1.10',
        ...(options.publicIp ? { Association: { PublicIp: options.publicIp } } : {}),
      },
      ...(options.secondaryPublicIp
        ? [
            {
              Primary: false,
              PrivateIpAddress: '10.0.1.11',
              Association: { PublicIp: options.secondaryPublicIp },
            },
          ]
        : []),
    ],
    Ipv6Addresses: options.ipv6 ? [{ Ipv6Address: options.ipv6, IsPrimaryIpv6: false }] : [],
    Groups: groupIds.map((GroupId) => ({ GroupId, GroupName: GroupId })),
    Attachment: { InstanceId: `i-${id}`, Status: 'attached', DeviceIndex: 0 },
    TagSet: [],
  };
}

function exposure(options: Region): Finding[] {
  return audit(region(options), { rules: ['eni-internet-exposed'] });
}

function exposed(findings: readonly Finding[]): [string, string, unknown][] {
  return findings.map((f) => [f.resourceId, f.severity, f.evidence.ports]);
}

const PUBLIC = { publicIp: '198.51.100.10' };

describe('eni-internet-exposed: the four conditions (DESIGN §5)', () => {
  it('public IPv4 + igw route + open NACL + SG 22 from the world: critical on 22/tcp, with the path', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
    const finding = only(findings, 'eni-internet-exposed');
    expect(finding.resourceType).toBe('AWS::EC2::NetworkInterface');
    expect(finding.vpcId).toBe('vpc-1');
    expect(finding.evidence.families).toEqual({
      ipv4: {
        addresses: ['198.51.100.10'],
        ports: { tcp: ['22'], udp: [] },
        path: [
          { type: 'internet-gateway', id: 'igw-1' },
          { type: 'route-table', id: 'rtb-1', association: 'explicit' },
          { type: 'network-acl', id: 'acl-1', association: 'explicit' },
          { type: 'security-groups', ids: ['sg-1'] },
        ],
      },
    });
  });

  it('no public address: not exposed', () => {
    expect(
      exposure({
        groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
        enis: [eni('eni-1', ['sg-1'])],
      }),
    ).toEqual([]);
  });

  it('a public IP on a secondary private address counts', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], { secondaryPublicIp: '198.51.100.11' })],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
  });

  it('a public IP but no default route to an igw-: not exposed', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
      routes: [LOCAL, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }],
    });
    expect(findings).toEqual([]);
  });

  it('the NACL denies 22 inbound: not exposed (3389 still is)', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [3389, 3389], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
      naclEntries: [entry(50, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]), ...OPEN_ENTRIES],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['3389/tcp']]]);
  });

  it('the NACL outbound denies everything: not exposed', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
      // Outbound holds only the final deny `nacl` appends.
      naclEntries: [entry(100, 'in', 'allow', '-1', '0.0.0.0/0')],
    });
    expect(findings).toEqual([]);
  });

  it('one world-open outbound port of the protocol suffices (the attacker picks its source port)', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('udp', [500, 500], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
      naclEntries: [
        entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
      ],
    });
    // udp has no world-open outbound port: only tcp 22 is exposed.
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
  });

  it('the union of two groups counts: 0.0.0.0/1 in one, 128.0.0.0/1 in the other', () => {
    const findings = audit(
      region({
        groups: [
          sg('sg-a', [perm('tcp', [22, 22], '0.0.0.0/1')]),
          sg('sg-b', [perm('tcp', [22, 22], '128.0.0.0/1')]),
        ],
        enis: [eni('eni-1', ['sg-a', 'sg-b'], PUBLIC)],
      }),
      { rules: ['eni-internet-exposed', 'sg-open-admin-port'] },
    );
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.severity])).toEqual([
      ['eni-internet-exposed', 'eni-1', 'critical'],
    ]);
  });

  it('a subnet without an explicit route table uses the VPC\'s main table (association "main")', () => {
    const base = region({ groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])], enis: [] });
    const tables = (mainRoutes: Record<string, unknown>[]) => [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: mainRoutes,
        Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-m' }],
      },
    ];
    const withMain = (mainRoutes: Record<string, unknown>[]) =>
      audit(
        { ...base, RouteTables: tables(mainRoutes), NetworkInterfaces: [eni('eni-1', ['sg-1'], PUBLIC)] },
        { rules: ['eni-internet-exposed'] },
      );
    const open = withMain([LOCAL, IGW4]);
    expect(exposed(open)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
    const families = open[0]?.evidence.families as {
      ipv4: { path: { type: string; id?: string; association?: string }[] };
    };
    expect(families.ipv4.path.slice(0, 2)).toEqual([
      { type: 'internet-gateway', id: 'igw-1' },
      { type: 'route-table', id: 'rtb-main', association: 'main' },
    ]);
    expect(withMain([LOCAL])).toEqual([]);
  });

  it('a subnet without its own NACL association uses the default NACL (association "default")', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
      defaultNacl: true,
    });
    const families = findings[0]?.evidence.families as {
      ipv4: { path: { type: string; id?: string; association?: string }[] };
    };
    expect(families.ipv4.path[2]).toEqual({ type: 'network-acl', id: 'acl-default', association: 'default' });
  });
});

describe('eni-internet-exposed: per address family', () => {
  it('IPv6-only interface with an ::/0 igw route and SG ::/0: exposed over IPv6', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '::/0')])],
      enis: [eni('eni-1', ['sg-1'], { ipv6: '2001:db8::10' })],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
    expect(Object.keys(findings[0]?.evidence.families as object)).toEqual(['ipv6']);
  });

  it('a delegated IPv6 prefix (Ipv6Prefixes, prefix delegation) makes the interface reachable; a ULA one does not', () => {
    const withPrefix = (prefix: string) =>
      exposure({
        groups: [sg('sg-1', [perm('tcp', [22, 22], '::/0')])],
        enis: [{ ...eni('eni-1', ['sg-1']), Ipv6Prefixes: [{ Ipv6Prefix: prefix }] }],
      });
    const findings = withPrefix('2600:1f18:abcd:1200:5::/80');
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
    const families = findings[0]?.evidence.families as { ipv6: { addresses: string[] } };
    expect(families.ipv6.addresses).toEqual(['2600:1f18:abcd:1200:5::/80']);
    expect(withPrefix('fd00:1::/80')).toEqual([]);
  });

  it('IPv6-only interface whose SG opens only 0.0.0.0/0: not exposed', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], { ipv6: '2001:db8::10' })],
    });
    expect(findings).toEqual([]);
  });

  it('IPv6 address but only an IPv4 igw route: not exposed over IPv6', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '::/0')])],
      enis: [eni('eni-1', ['sg-1'], { ipv6: '2001:db8::10', ...PUBLIC })],
      routes: [LOCAL, IGW4],
    });
    expect(findings).toEqual([]);
  });

  it('a public IPv4 with SG open only over IPv6: not exposed over IPv4', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '::/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
    });
    expect(findings).toEqual([]);
  });

  it('the NACL is judged per family: IPv6 in but only IPv4 out, or only IPv6 in for an IPv4 address: not exposed', () => {
    const groups = [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0', '::/0')])];
    // Inbound world-open over IPv6, but no IPv6 return path (outbound allows IPv4 only).
    const noV6Return = exposure({
      groups,
      enis: [eni('eni-1', ['sg-1'], { ipv6: '2001:db8::10' })],
      naclEntries: [entry(100, 'in', 'allow', '-1', '::/0'), entry(100, 'out', 'allow', '-1', '0.0.0.0/0')],
    });
    expect(noV6Return).toEqual([]);
    // The NACL lets only IPv6 in: the public IPv4 address is not reachable.
    const noV4In = exposure({
      groups,
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
      naclEntries: [entry(100, 'in', 'allow', '-1', '::/0'), entry(100, 'out', 'allow', '-1', '0.0.0.0/0')],
    });
    expect(noV4In).toEqual([]);
    // Both directions over IPv6: exposed over IPv6 only, though the address list holds both.
    const v6 = exposure({
      groups,
      enis: [eni('eni-1', ['sg-1'], { ...PUBLIC, ipv6: '2001:db8::10' })],
      naclEntries: [entry(100, 'in', 'allow', '-1', '::/0'), entry(100, 'out', 'allow', '-1', '::/0')],
    });
    expect(exposed(v6)).toEqual([['eni-1', 'critical', ['22/tcp']]]);
    expect(Object.keys(v6[0]?.evidence.families as object)).toEqual(['ipv6']);
  });

  it('ports of both families are merged in evidence.ports', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [8443, 8443], '::/0')])],
      enis: [eni('eni-1', ['sg-1'], { ...PUBLIC, ipv6: '2001:db8::10' })],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['22/tcp', '8443/tcp']]]);
    expect(Object.keys(findings[0]?.evidence.families as object)).toEqual(['ipv4', 'ipv6']);
  });
});

describe('eni-internet-exposed: severity by ports', () => {
  const cases: [string, ReturnType<typeof perm>[], string, string[]][] = [
    [
      '80/443 only → info',
      [perm('tcp', [80, 80], '0.0.0.0/0'), perm('tcp', [443, 443], '0.0.0.0/0')],
      'info',
      ['80/tcp', '443/tcp'],
    ],
    ['admin 3389/udp → critical', [perm('udp', [3389, 3389], '0.0.0.0/0')], 'critical', ['3389/udp']],
    ['all tcp ports → critical', [perm('tcp', [0, 65535], '0.0.0.0/0')], 'critical', ['0-65535/tcp']],
    ['high-risk 3306 → high', [perm('tcp', [3306, 3306], '0.0.0.0/0')], 'high', ['3306/tcp']],
    ['8443 → medium', [perm('tcp', [8443, 8443], '0.0.0.0/0')], 'medium', ['8443/tcp']],
    ['udp 53 → medium', [perm('udp', [53, 53], '0.0.0.0/0')], 'medium', ['53/udp']],
    [
      '443 and 8443 → medium',
      [perm('tcp', [443, 443], '0.0.0.0/0'), perm('tcp', [8443, 8443], '0.0.0.0/0')],
      'medium',
      ['443/tcp', '8443/tcp'],
    ],
  ];
  for (const [name, ingress, severity, ports] of cases) {
    it(name, () => {
      const findings = exposure({ groups: [sg('sg-1', ingress)], enis: [eni('eni-1', ['sg-1'], PUBLIC)] });
      expect(exposed(findings)).toEqual([['eni-1', severity, ports]]);
    });
  }

  it('tcp 1-65535 is not every tcp port, but exposes admin ports: critical', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('tcp', [1, 65535], '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['1-65535/tcp']]]);
  });

  it('every tcp port exposed is critical on its own (admin ports configured as udp 3389 only)', () => {
    const config = { adminPorts: ['3389/udp'] };
    const run = (from: number) =>
      audit(
        region({
          groups: [sg('sg-1', [perm('tcp', [from, 65535], '0.0.0.0/0')])],
          enis: [eni('eni-1', ['sg-1'], PUBLIC)],
        }),
        { rules: ['eni-internet-exposed'], config },
      );
    expect(exposed(run(0))).toEqual([['eni-1', 'critical', ['0-65535/tcp']]]);
    // Port 0 missing: no admin port, so the high-risk ports decide.
    expect(exposed(run(1))).toEqual([['eni-1', 'high', ['1-65535/tcp']]]);
  });

  it('ICMP never counts towards exposure', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('icmp', [-1, -1], '0.0.0.0/0'), perm('icmpv6', [-1, -1], '::/0')])],
      enis: [eni('eni-1', ['sg-1'], { ...PUBLIC, ipv6: '2001:db8::10' })],
    });
    expect(findings).toEqual([]);
  });

  it('protocol -1 from the world exposes every tcp and udp port: critical', () => {
    const findings = exposure({
      groups: [sg('sg-1', [perm('-1', undefined, '0.0.0.0/0')])],
      enis: [eni('eni-1', ['sg-1'], PUBLIC)],
    });
    expect(exposed(findings)).toEqual([['eni-1', 'critical', ['0-65535/tcp', '0-65535/udp']]]);
  });
});

describe('SG findings carry `exposure`', () => {
  it('counts the internet-exposed interfaces that use the group (0 when none)', () => {
    const findings = audit(
      region({
        groups: [
          sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')]),
          sg('sg-2', [perm('tcp', [3389, 3389], '0.0.0.0/0')]),
        ],
        enis: [
          eni('eni-1', ['sg-1'], PUBLIC),
          eni('eni-2', ['sg-1'], { publicIp: '198.51.100.12' }),
          eni('eni-3', ['sg-1']),
          eni('eni-4', ['sg-2']),
        ],
      }),
      { rules: ['sg-open-admin-port', 'eni-internet-exposed'] },
    );
    const sgFindings = findings.filter((f) => f.ruleId === 'sg-open-admin-port');
    expect(sgFindings.map((f) => [f.resourceId, f.exposure])).toEqual([
      ['sg-1', 2],
      ['sg-2', 0],
    ]);
    expect(findings.filter((f) => f.ruleId === 'eni-internet-exposed').map((f) => f.resourceId)).toEqual([
      'eni-1',
      'eni-2',
    ]);
    expect(findings.find((f) => f.ruleId === 'eni-internet-exposed')?.exposure).toBeUndefined();
  });
});
