// Mutation checks of shared/analysis/exposure.ts and shared/rules/eni-internet-exposed.ts, round
// mutants3 (DESIGN §5 effective exposure). Each test kills a mutant the suite let live (X…, I…):
// which interfaces are reachable from the internet, on which ports, at which severity.
import { describe, expect, it } from 'vitest';
import { eniInternetExposed } from '../shared/rules/eni-internet-exposed';
import { entry, IGW_ROUTES, nacl, perm, run, sg } from './helpers';

type Entry = ReturnType<typeof entry>;
type Group = ReturnType<typeof sg>;

const OPEN_NACL: Entry[] = [
  entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'in', 'allow', '-1', '::/0'),
  entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'out', 'allow', '-1', '::/0'),
];

interface Eni {
  id: string;
  groups: string[];
  publicIp?: string;
  ipv6?: string[];
  type?: string;
}

/** One VPC, one subnet routed to igw-1 (both families unless `routes` says otherwise), its NACL. */
function region(options: {
  groups: Group[];
  enis: Eni[];
  naclEntries?: Entry[];
  routes?: Record<string, unknown>[];
}) {
  return {
    Vpcs: [{ VpcId: 'vpc-1' }],
    Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1' }],
    RouteTables: [
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        Routes: options.routes ?? IGW_ROUTES,
        Associations: [{ Main: true }],
      },
    ],
    NetworkAcls: [nacl('acl-1', options.naclEntries ?? OPEN_NACL)],
    SecurityGroups: options.groups,
    NetworkInterfaces: options.enis.map((e) => ({
      NetworkInterfaceId: e.id,
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      ...(e.type ? { InterfaceType: e.type } : {}),
      ...(e.publicIp ? { Association: { PublicIp: e.publicIp } } : {}),
      Ipv6Addresses: (e.ipv6 ?? []).map((Ipv6Address) => ({ Ipv6Address })),
      Groups: e.groups.map((GroupId) => ({ GroupId })),
    })),
  };
}

const summary = (snapshot: Record<string, unknown>, config = {}) =>
  run(eniInternetExposed, snapshot, config).map((f) => [f.resourceId, f.severity, f.evidence.ports]);

describe('eni-internet-exposed: which interfaces, which ports', () => {
  it('judges each interface of a subnet by its own family routes: IPv4 through igw-, no IPv6 route (X10)', () => {
    // Prepare: two dual-stack interfaces; the subnet routes only 0.0.0.0/0 to the igw-.
    const snapshot = region({
      routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
      ],
      groups: [sg('sg-web', [perm('tcp', [22, 22], '0.0.0.0/0', '::/0')])],
      enis: [
        { id: 'eni-1', groups: ['sg-web'], publicIp: '54.1.2.3', ipv6: ['2600:1f18::1'] },
        { id: 'eni-2', groups: ['sg-web'], publicIp: '54.1.2.4', ipv6: ['2600:1f18::2'] },
      ],
    });
    // Act / Assess: both reachable over IPv4 only.
    const findings = run(eniInternetExposed, snapshot);
    expect(
      findings.map((f) => [
        f.resourceId,
        f.severity,
        f.evidence.ports,
        Object.keys(f.evidence.families as object),
      ]),
    ).toEqual([
      ['eni-1', 'critical', ['22/tcp'], ['ipv4']],
      ['eni-2', 'critical', ['22/tcp'], ['ipv4']],
    ]);
  });

  it('lets udp in through the NACL by its udp entries, not its tcp ones (X15)', () => {
    const snapshot = region({
      naclEntries: [
        entry(100, 'in', 'allow', '17', '0.0.0.0/0', [0, 65535]),
        entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
      ],
      groups: [sg('sg-rdp', [perm('udp', [3389, 3389], '0.0.0.0/0')])],
      enis: [{ id: 'eni-1', groups: ['sg-rdp'], publicIp: '54.1.2.3' }],
    });
    expect(summary(snapshot)).toEqual([['eni-1', 'critical', ['3389/udp']]]);
  });

  it('gives interfaces of different groups their own ports, though their sets start alike (X16)', () => {
    const snapshot = region({
      groups: [
        sg('sg-a', [perm('tcp', [22, 22], '0.0.0.0/0')]),
        sg('sg-b', [perm('tcp', [22, 23], '0.0.0.0/0')]),
      ],
      enis: [
        { id: 'eni-a', groups: ['sg-a'], publicIp: '54.1.2.3' },
        { id: 'eni-b', groups: ['sg-b'], publicIp: '54.1.2.4' },
      ],
    });
    expect(summary(snapshot)).toEqual([
      ['eni-a', 'critical', ['22/tcp']],
      ['eni-b', 'critical', ['22-23/tcp']],
    ]);
  });

  it('reads a NACL open to all but a sliver of the internet as world-open, at the default coverage (X18)', () => {
    const snapshot = region({
      naclEntries: [
        entry(90, 'in', 'deny', '-1', '52.94.0.0/24'),
        entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
        entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
      ],
      groups: [sg('sg-web', [perm('tcp', [443, 443], '0.0.0.0/0')])],
      enis: [{ id: 'eni-1', groups: ['sg-web'], publicIp: '54.1.2.3' }],
    });
    expect(summary(snapshot)).toEqual([['eni-1', 'info', ['443/tcp']]]);
  });

  it("unites a dual-stack interface's ports of both families, udp included (X19)", () => {
    const snapshot = region({
      groups: [sg('sg-mixed', [perm('tcp', [443, 443], '0.0.0.0/0'), perm('udp', [500, 500], '::/0')])],
      enis: [{ id: 'eni-1', groups: ['sg-mixed'], publicIp: '54.1.2.3', ipv6: ['2600:1f18::1'] }],
    });
    const findings = run(eniInternetExposed, snapshot);
    expect(findings.map((f) => [f.resourceId, f.severity, f.evidence.ports])).toEqual([
      ['eni-1', 'medium', ['443/tcp', '500/udp']],
    ]);
    expect(findings[0]?.detail).toContain('over IPv4 and IPv6 (54.1.2.3, 2600:1f18::1) on 443/tcp, 500/udp');
  });

  it('rates a configured high-risk udp port high (X2)', () => {
    const snapshot = region({
      groups: [sg('sg-snmp', [perm('udp', [161, 161], '0.0.0.0/0')])],
      enis: [{ id: 'eni-1', groups: ['sg-snmp'], publicIp: '54.1.2.3' }],
    });
    expect(summary(snapshot, { highRiskPorts: ['161/udp'] })).toEqual([['eni-1', 'high', ['161/udp']]]);
    expect(summary(snapshot)).toEqual([['eni-1', 'medium', ['161/udp']]]);
  });
});

describe('eni-internet-exposed: what the finding says', () => {
  const ports = (n: number) =>
    Array.from({ length: n }, (_, i) => perm('tcp', [10000 + 2 * i, 10000 + 2 * i], '0.0.0.0/0'));

  it('shows eight ports whole in the title, and cuts at the ninth (I0)', () => {
    const eight = run(
      eniInternetExposed,
      region({
        groups: [sg('sg-8', ports(8))],
        enis: [{ id: 'eni-1', groups: ['sg-8'], publicIp: '54.1.2.3' }],
      }),
    );
    expect(eight[0]?.title).toBe(
      'eni-1 is reachable from the internet on 10000/tcp, 10002/tcp, 10004/tcp, 10006/tcp, 10008/tcp, 10010/tcp, 10012/tcp, 10014/tcp',
    );
    const nine = run(
      eniInternetExposed,
      region({
        groups: [sg('sg-9', ports(9))],
        enis: [{ id: 'eni-1', groups: ['sg-9'], publicIp: '54.1.2.3' }],
      }),
    );
    expect(nine[0]?.title.endsWith('10014/tcp …')).toBe(true);
  });

  it('names the family of an IPv6-only exposure and the interface type (I1, I2)', () => {
    const snapshot = region({
      groups: [sg('sg-v6', [perm('tcp', [8443, 8443], '::/0')])],
      enis: [{ id: 'eni-1', groups: ['sg-v6'], ipv6: ['2600:1f18::1'], type: 'interface' }],
    });
    const [finding] = run(eniInternetExposed, snapshot);
    expect(finding?.detail).toContain(
      'can be reached from the internet over IPv6 (2600:1f18::1) on 8443/tcp',
    );
    expect(finding?.evidence.interfaceType).toBe('interface');
  });
});
