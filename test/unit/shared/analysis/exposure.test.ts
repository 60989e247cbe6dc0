import { describe, expect, it } from 'vitest';
import { Analysis } from '../../../../shared/analysis/analysis';
import { exposureAnalysis, exposureSeverity } from '../../../../shared/analysis/exposure';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { eniInternetExposed } from '../../../../shared/rules/eni-internet-exposed';
import { sgOpenAdminPort } from '../../../../shared/rules/sg-open-admin-port';
import { entry, IGW_ROUTES, LOCAL_ROUTES, nacl, perm, run, sg } from '../../../helpers';

type Entry = ReturnType<typeof entry>;

const OPEN_NACL: Entry[] = [
  entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'in', 'allow', '-1', '::/0'),
  entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'out', 'allow', '-1', '::/0'),
];

interface Shape {
  groups?: ReturnType<typeof sg>[];
  eniGroups?: string[];
  publicIp?: string | null;
  ipv6?: string[];
  explicitRoutes?: Record<string, unknown>[] | null;
  mainRoutes?: Record<string, unknown>[];
  naclEntries?: Entry[];
}

/** One VPC, one subnet, one interface; every part of the path can be changed. */
function region(shape: Shape = {}) {
  const explicit = shape.explicitRoutes === undefined ? IGW_ROUTES : shape.explicitRoutes;
  const tables: Record<string, unknown>[] = [
    {
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Routes: shape.mainRoutes ?? LOCAL_ROUTES,
      Associations: [{ Main: true }],
    },
  ];
  if (explicit) {
    tables.push({
      RouteTableId: 'rtb-1',
      VpcId: 'vpc-1',
      Routes: explicit,
      Associations: [{ Main: false, SubnetId: 'subnet-1', AssociationState: { State: 'associated' } }],
    });
  }
  const publicIp = shape.publicIp === undefined ? '54.1.2.3' : shape.publicIp;
  return {
    Vpcs: [{ VpcId: 'vpc-1' }],
    Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', Tags: [{ Key: 'Name', Value: 'public-a' }] }],
    RouteTables: tables,
    NetworkAcls: [nacl('acl-1', shape.naclEntries ?? OPEN_NACL)],
    SecurityGroups: shape.groups ?? [
      sg('sg-web', [
        perm('tcp', [22, 22], '0.0.0.0/0', '::/0'),
        perm('tcp', [443, 443], '0.0.0.0/0', '::/0'),
      ]),
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        InterfaceType: 'interface',
        ...(publicIp ? { Association: { PublicIp: publicIp } } : {}),
        Ipv6Addresses: (shape.ipv6 ?? []).map((Ipv6Address) => ({ Ipv6Address })),
        Groups: (shape.eniGroups ?? ['sg-web']).map((GroupId) => ({ GroupId })),
        Attachment: { InstanceId: 'i-1' },
      },
    ],
  };
}

function exposed(shape: Shape = {}) {
  const findings = run(eniInternetExposed, region(shape));
  return findings.map((f) => ({ severity: f.severity, ports: f.evidence.ports }));
}

describe('effective exposure (eni-internet-exposed)', () => {
  it('exposes an interface with a public IP, an igw route, an open NACL and a world-open group, with the path as evidence', () => {
    // Act
    const [finding, ...rest] = run(eniInternetExposed, region());
    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'critical',
      resourceType: 'AWS::EC2::NetworkInterface',
      resourceId: 'eni-1',
      vpcId: 'vpc-1',
      evidence: {
        ports: ['22/tcp', '443/tcp'],
        subnetId: 'subnet-1',
        instanceId: 'i-1',
        families: {
          ipv4: {
            addresses: ['54.1.2.3'],
            ports: { tcp: ['22', '443'], udp: [] },
            path: [
              { type: 'internet-gateway', id: 'igw-1' },
              { type: 'route-table', id: 'rtb-1', association: 'explicit' },
              { type: 'network-acl', id: 'acl-1', association: 'explicit' },
              { type: 'security-groups', ids: ['sg-web'] },
            ],
          },
        },
      },
    });
    expect(finding?.evidence.families).not.toHaveProperty('ipv6');
  });

  it('public IP but no igw route: not exposed', () => {
    expect(exposed({ explicitRoutes: LOCAL_ROUTES })).toEqual([]);
    const nat = [
      ...LOCAL_ROUTES,
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' },
    ];
    expect(exposed({ explicitRoutes: nat })).toEqual([]);
  });

  it('explicit route table without an igw route while the main table has one: not exposed', () => {
    expect(exposed({ explicitRoutes: LOCAL_ROUTES, mainRoutes: IGW_ROUTES })).toEqual([]);
  });

  it('no explicit table: the main table decides, and the path says so', () => {
    const [finding] = run(eniInternetExposed, region({ explicitRoutes: null, mainRoutes: IGW_ROUTES }));
    expect(finding?.evidence.families).toMatchObject({
      ipv4: { path: [{ id: 'igw-1' }, { type: 'route-table', id: 'rtb-main', association: 'main' }, {}, {}] },
    });
  });

  it("no NACL association: the VPC's default NACL decides, and the path says so", () => {
    // Prepare: acl-1 is the default NACL and associated with nothing; acl-2 (associated elsewhere) denies all.
    const snapshot = region();
    const defaultAcl = { ...nacl('acl-1', OPEN_NACL, { isDefault: true }), Associations: [] };
    const other = nacl('acl-2', [], { subnetIds: ['subnet-9'] });
    // Act
    const [finding] = run(eniInternetExposed, { ...snapshot, NetworkAcls: [defaultAcl, other] });
    // Assess
    expect(finding?.evidence.families).toMatchObject({
      ipv4: { path: [{}, {}, { type: 'network-acl', id: 'acl-1', association: 'default' }, {}] },
    });
  });

  it('the NACL denies the port inbound: that port is not exposed, the others are', () => {
    // Prepare: deny 22 before the allow-all entry.
    const entries = [entry(50, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]), ...OPEN_NACL];
    // Act + Assess: 443 only is left, which is authorized: info.
    expect(exposed({ naclEntries: entries })).toEqual([{ severity: 'info', ports: ['443/tcp'] }]);
  });

  it('the NACL outbound denies everything: not exposed (stateless: no way back)', () => {
    const entries = OPEN_NACL.filter((e) => !e.Egress);
    expect(exposed({ naclEntries: entries })).toEqual([]);
  });

  it('one world-open outbound port of the same protocol suffices; another protocol does not', () => {
    const inbound = OPEN_NACL.filter((e) => !e.Egress);
    const tcpReturn = [...inbound, entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535])];
    const udpOnly = [...inbound, entry(100, 'out', 'allow', '17', '0.0.0.0/0', [0, 65535])];
    expect(exposed({ naclEntries: tcpReturn })).toEqual([
      { severity: 'critical', ports: ['22/tcp', '443/tcp'] },
    ]);
    expect(exposed({ naclEntries: udpOnly })).toEqual([]);
  });

  it('world-open only through the union of two groups (0.0.0.0/1 + 128.0.0.0/1)', () => {
    // Prepare: neither group is world-open alone.
    const groups = [
      sg('sg-a', [perm('tcp', [8080, 8080], '0.0.0.0/1')]),
      sg('sg-b', [perm('tcp', [8080, 8080], '128.0.0.0/1')]),
    ];
    // Act + Assess: 8080 is high-risk.
    expect(exposed({ groups, eniGroups: ['sg-a'] })).toEqual([]);
    expect(exposed({ groups, eniGroups: ['sg-a', 'sg-b'] })).toEqual([
      { severity: 'high', ports: ['8080/tcp'] },
    ]);
  });

  it('an IPv6-only interface is exposed over IPv6 alone', () => {
    // Act
    const [finding] = run(eniInternetExposed, region({ publicIp: null, ipv6: ['2600:1f18::10'] }));
    // Assess
    expect(finding?.evidence.ports).toEqual(['22/tcp', '443/tcp']);
    expect(Object.keys(finding?.evidence.families as object)).toEqual(['ipv6']);
    expect(finding?.evidence.families).toMatchObject({ ipv6: { addresses: ['2600:1f18::10'] } });
  });

  it('IPv6 needs its own igw route and its own world-open sources', () => {
    const v4Routes = IGW_ROUTES.filter((r) => r.DestinationIpv6CidrBlock === undefined);
    expect(exposed({ publicIp: null, ipv6: ['2600:1f18::10'], explicitRoutes: v4Routes })).toEqual([]);
    const v4Group = [sg('sg-web', [perm('tcp', [22, 22], '0.0.0.0/0')])];
    expect(exposed({ publicIp: null, ipv6: ['2600:1f18::10'], groups: v4Group })).toEqual([]);
  });

  it('80/443 only: info', () => {
    const groups = [sg('sg-web', [perm('tcp', [80, 80], '0.0.0.0/0'), perm('tcp', [443, 443], '0.0.0.0/0')])];
    expect(exposed({ groups })).toEqual([{ severity: 'info', ports: ['80/tcp', '443/tcp'] }]);
  });

  it('an interface without a public IP (and no IPv6) is not exposed', () => {
    expect(exposed({ publicIp: null })).toEqual([]);
  });

  it('severity: all tcp ports critical, a high-risk port high, another port medium; ICMP never counts', () => {
    const all = [sg('sg-web', [perm('-1', undefined, '0.0.0.0/0')])];
    const high = [sg('sg-web', [perm('tcp', [3306, 3306], '0.0.0.0/0')])];
    const other = [
      sg('sg-web', [perm('udp', [5000, 5001], '0.0.0.0/0'), perm('tcp', [443, 443], '0.0.0.0/0')]),
    ];
    const icmp = [sg('sg-web', [perm('icmp', [-1, -1], '0.0.0.0/0')])];
    expect(exposed({ groups: all })).toEqual([
      { severity: 'critical', ports: ['0-65535/tcp', '0-65535/udp'] },
    ]);
    expect(exposed({ groups: high })).toEqual([{ severity: 'high', ports: ['3306/tcp'] }]);
    expect(exposed({ groups: other })).toEqual([{ severity: 'medium', ports: ['443/tcp', '5000-5001/udp'] }]);
    expect(exposed({ groups: icmp })).toEqual([]);
  });

  it('exposureSeverity follows the configured port classes', () => {
    const config = {
      ...DEFAULT_CONFIG,
      authorizedPorts: [{ protocol: 'tcp' as const, from: 8443, to: 8443 }],
    };
    expect(exposureSeverity({ tcp: [[8443, 8444]], udp: [] }, config)).toBe('info');
    expect(exposureSeverity({ tcp: [[443, 444]], udp: [] }, config)).toBe('medium');
    expect(exposureSeverity({ tcp: [], udp: [[3389, 3390]] }, config)).toBe('critical');
  });

  it('an interface whose subnet or NACL the snapshot lacks is not judged', () => {
    const snapshot = region();
    expect(run(eniInternetExposed, { ...snapshot, NetworkAcls: [] })).toEqual([]);
    expect(run(eniInternetExposed, { ...snapshot, Subnets: [] })).toEqual([]);
  });

  it('memoizes by (family, NACL, group set): interfaces sharing a shape share the port sets', () => {
    // Prepare: two interfaces of the same shape.
    const snapshot = region();
    const second = { ...snapshot.NetworkInterfaces[0], NetworkInterfaceId: 'eni-2' };
    const model = buildModel(
      parseSnapshot({ ...snapshot, NetworkInterfaces: [...snapshot.NetworkInterfaces, second] }),
    );
    const exposure = exposureAnalysis(new Analysis(model, DEFAULT_CONFIG));
    // Act
    const [a, b] = exposure.exposedInterfaces();
    // Assess
    expect(a?.networkInterfaceId).toBe('eni-1');
    expect(b?.networkInterfaceId).toBe('eni-2');
    expect(a?.families[0]?.ports).toBe(b?.families[0]?.ports);
  });
});

describe('exposure count on security-group findings', () => {
  it('counts the internet-exposed interfaces that use the group (0 when none is reachable)', () => {
    // Prepare: sg-web on two exposed interfaces and one without a public IP; sg-idle on none.
    const snapshot = region({
      groups: [
        sg('sg-web', [perm('tcp', [22, 22], '0.0.0.0/0')]),
        sg('sg-idle', [perm('tcp', [22, 22], '0.0.0.0/0')]),
      ],
    });
    const eni = snapshot.NetworkInterfaces[0];
    const interfaces = [
      eni,
      { ...eni, NetworkInterfaceId: 'eni-2' },
      { ...eni, NetworkInterfaceId: 'eni-3', Association: undefined },
    ];
    // Act
    const findings = evaluate(parseSnapshot({ ...snapshot, NetworkInterfaces: interfaces }), DEFAULT_CONFIG, {
      rules: [sgOpenAdminPort],
    });
    // Assess
    expect(findings.map((f) => [f.resourceId, f.exposure])).toEqual([
      ['sg-idle', 0],
      ['sg-web', 2],
    ]);
  });

  it('leaves findings of other resource types without a count', () => {
    const findings = evaluate(parseSnapshot(region()), DEFAULT_CONFIG, { rules: [eniInternetExposed] });
    expect(findings[0]).not.toHaveProperty('exposure');
  });
});
