// Mutation checks of the shared analyses and of interface exposure accepted through exempted
// groups, round mutants8 (DESIGN §4 union of groups, §5 NACL first match and route resolution, §8
// exemptions). Each test kills a mutant the suite let live (ids in /work/notes/spec-mutants8.md).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateReport } from '../shared/engine';
import type { Finding } from '../shared/findings';
import { parseConfig } from '../shared/load-config';
import { parseSnapshot } from '../shared/model/snapshot';
import { ruleById } from '../shared/rules/registry';
import type { RuleDefinition } from '../shared/rules/types';
import { buildWorld, ENI, entry, IGW_ROUTES, nacl, OPEN_ENTRIES, perm, sg, VPC } from './helpers';
import { group, networkInterface, permission, snapshot } from './helpers/exemption-world';

const rulesOf = (ids: readonly string[]) => ids.map((id) => ruleById(id) as RuleDefinition);

const exposure = (findings: readonly Finding[]) =>
  findings
    .filter((f) => f.ruleId === 'eni-internet-exposed')
    .map((f) => [f.resourceId, f.severity, f.evidence.ports, f.suppressed?.by]);

describe("§4 the union of an interface's groups is its own (Y4)", () => {
  // sg-a and sg-b are world-open on 22 together (0.0.0.0/1 + 128.0.0.0/1); sg-a and sg-c are not.
  const groups = [
    group('sg-a', [permission('tcp', 22, 22, '0.0.0.0/1')]),
    group('sg-b', [permission('tcp', 22, 22, '128.0.0.0/1')]),
    group('sg-c', [permission('tcp', 3389, 3389, '128.0.0.0/1')]),
  ];

  it('judges two interfaces sharing their first group each by its own union, in either order', () => {
    const one = networkInterface('eni-1', ['sg-a', 'sg-b']);
    const two = networkInterface('eni-2', ['sg-a', 'sg-c']);
    for (const interfaces of [
      [one, two],
      [two, one],
    ]) {
      const findings = evaluate(parseSnapshot(snapshot(groups, interfaces)), parseConfig({}), {
        rules: rulesOf(['eni-internet-exposed']),
      });
      expect(exposure(findings)).toEqual([['eni-1', 'critical', ['22/tcp'], undefined]]);
    }
  });
});

describe('§5 NACLs of equal hash but different entries are judged each by its own (Y8)', () => {
  it('reports 22 and 3389 open on the NACL allowing tcp 0-4097, not on the one allowing tcp 4096 only', () => {
    // The two port ranges hash alike (4096 ^ 4096 << 12 === 0 ^ 4097 << 12): the content compare decides.
    const only4096 = nacl('acl-a', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [4096, 4096])], {
      subnetIds: ['subnet-a'],
    });
    const upTo4097 = nacl('acl-b', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 4097])], {
      subnetIds: ['subnet-b'],
    });
    for (const acls of [
      [only4096, upTo4097],
      [upTo4097, only4096],
    ]) {
      const findings = evaluate(
        parseSnapshot({
          Vpcs: [{ VpcId: 'vpc-1' }],
          Subnets: [
            { SubnetId: 'subnet-a', VpcId: 'vpc-1' },
            { SubnetId: 'subnet-b', VpcId: 'vpc-1' },
          ],
          NetworkAcls: acls,
        }),
        parseConfig({}),
        { rules: rulesOf(['nacl-open-admin-port']) },
      );
      expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
        ['nacl-open-admin-port', 'acl-b', ['22/tcp', '3389/tcp']],
      ]);
    }
  });
});

describe('§5 a route in state filtered is read per family (Y10)', () => {
  it('says an interface with an IPv6 address is not judged when ::/0 to the igw- is filtered, its IPv4 path judged', () => {
    const world = snapshot(
      [group('sg-1', [permission('tcp', 22, 22, '0.0.0.0/0'), { ...perm('tcp', [22, 22], '::/0') }])],
      [networkInterface('eni-1', ['sg-1'], { Ipv6Addresses: [{ Ipv6Address: '2600:1f18::10' }] })],
    );
    const table = world.RouteTables[0] as { Routes: Record<string, string>[] };
    table.Routes.push({ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0e4', State: 'filtered' });
    const report = evaluateReport(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    });
    expect(exposure(report.findings)).toEqual([['eni-1', 'critical', ['22/tcp'], undefined]]);
    expect(report.notJudged).toEqual([
      {
        resourceId: 'eni-1',
        ruleId: 'eni-internet-exposed',
        reason:
          'the route table rtb-0e4 of subnet subnet-0e4 has route to ::/0 to an internet gateway in state filtered, which the EC2 API reference does not describe: whether the internet is routed there is not known',
      },
    ]);
  });
});

describe('§5 routes in state filtered, named in the not-judged reason (Y15)', () => {
  it('names both filtered halves of IPv6 space, sorted', () => {
    const world = snapshot(
      [group('sg-1', [{ ...perm('tcp', [22, 22], '::/0') }])],
      [networkInterface('eni-1', ['sg-1'], { Ipv6Addresses: [{ Ipv6Address: '2600:1f18::10' }] })],
    );
    const table = world.RouteTables[0] as { Routes: Record<string, string>[] };
    table.Routes.push(
      { DestinationIpv6CidrBlock: '::/1', GatewayId: 'igw-0e4', State: 'filtered' },
      { DestinationIpv6CidrBlock: '8000::/1', GatewayId: 'igw-0e4', State: 'filtered' },
    );
    const report = evaluateReport(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    });
    expect(report.notJudged.map((n) => n.reason)).toEqual([
      'the route table rtb-0e4 of subnet subnet-0e4 has routes to 8000::/1, ::/1 to an internet gateway in state filtered, which the EC2 API reference does not describe: whether the internet is routed there is not known',
    ]);
  });
});

describe('§8 allow-list entries of a group and the exposure of its interfaces (K5, K6)', () => {
  const world = snapshot(
    [group('sg-1', [permission('tcp', 22, 22, '0.0.0.0/0'), permission('tcp', 8443, 8443, '0.0.0.0/0')])],
    [networkInterface('eni-1', ['sg-1'])],
  );
  const judge = (ruleIds: string[]) =>
    evaluate(
      parseSnapshot(world),
      parseConfig({ allowLists: [{ resourceId: 'sg-1', ruleIds, reason: 'bastion and partner' }] }),
    ).filter((f) => f.resourceId === 'sg-1' || f.resourceId === 'eni-1');

  it('an entry naming eni-internet-exposed accepts every port the group opens: the interface is suppressed, the group still reported', () => {
    const findings = judge(['eni-internet-exposed']);
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports, f.suppressed])).toEqual([
      [
        'eni-internet-exposed',
        'eni-1',
        ['22/tcp', '8443/tcp'],
        {
          by: 'config',
          reason:
            'every security group that opens 22/tcp, 8443/tcp to the internet is exempted for them: sg-1 (config: bastion and partner)',
        },
      ],
      ['sg-open-admin-port', 'sg-1', ['22/tcp'], undefined],
      ['sg-open-unauthorized-port', 'sg-1', ['8443/tcp'], undefined],
    ]);
  });

  it('an entry naming one sg-open rule accepts only the ports that rule reports: 22 stays reported on the interface', () => {
    const findings = judge(['sg-open-unauthorized-port']);
    const eni = findings.find((f) => f.ruleId === 'eni-internet-exposed');
    expect([eni?.severity, eni?.evidence.ports, eni?.evidence.acceptedPorts, eni?.suppressed]).toEqual([
      'critical',
      ['22/tcp'],
      ['8443/tcp'],
      undefined,
    ]);
  });
});

/** One VPC routed to igw-1 in both families, a NACL open both ways, the given groups and interfaces. */
function dualStack(groups: ReturnType<typeof sg>[], interfaces: Record<string, unknown>[]) {
  return {
    Vpcs: [{ VpcId: 'vpc-1' }],
    Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1' }],
    RouteTables: [
      { RouteTableId: 'rtb-1', VpcId: 'vpc-1', Routes: IGW_ROUTES, Associations: [{ Main: true }] },
    ],
    NetworkAcls: [nacl('acl-1', OPEN_ENTRIES)],
    SecurityGroups: groups,
    NetworkInterfaces: interfaces.map((e) => ({ SubnetId: 'subnet-1', VpcId: 'vpc-1', ...e })),
  };
}

const TAG = 'vpc-guardrail:exempt';

describe('§8 an exempted group accepts nothing the unexempted ones open together, per family (K10)', () => {
  it('keeps 22 reported on an IPv6-only interface when two unexempted groups cover IPv6 space together', () => {
    const world = dualStack(
      [
        sg('sg-1', [perm('tcp', [22, 22], '::/0')], { tags: [{ Key: TAG, Value: '*' }] }),
        sg('sg-2', [perm('tcp', [22, 22], '2000::/4')]),
        sg('sg-3', [perm('tcp', [22, 22], '3000::/4')]),
      ],
      [
        {
          NetworkInterfaceId: 'eni-1',
          Ipv6Addresses: [{ Ipv6Address: '2600:1f18::10' }],
          Groups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }, { GroupId: 'sg-3' }],
        },
      ],
    );
    const findings = evaluate(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    });
    expect(exposure(findings)).toEqual([['eni-1', 'critical', ['22/tcp'], undefined]]);
    expect(findings[0]?.evidence).not.toHaveProperty('acceptedPorts');
  });
});

describe('§8 an expired date is said on an interface only when nothing else accepts the path (K7, K9)', () => {
  const judge = (tags: { Key: string; Value: string }[], config: Record<string, unknown> = {}) => {
    const world = snapshot(
      [
        group(
          'sg-1',
          [permission('tcp', 22, 22, '0.0.0.0/0'), permission('tcp', 8443, 8443, '0.0.0.0/0')],
          tags,
        ),
        group('sg-2', [permission('tcp', 22, 22, '0.0.0.0/0')]),
      ],
      [networkInterface('eni-1', ['sg-1', 'sg-2'])],
    );
    const findings = evaluate(parseSnapshot(world), parseConfig(config), {
      now: new Date('2026-12-08T00:00:00Z'),
    });
    return findings.find((f) => f.ruleId === 'eni-internet-exposed');
  };

  it('a tag of the group with * in force beside an expired eni-internet-exposed entry: no expiry on the interface', () => {
    const eni = judge([{ Key: TAG, Value: '*,eni-internet-exposed@2026-01-01' }]);
    // 22 stays reported through sg-2; 8443 is accepted through sg-1's tag in force.
    expect([eni?.evidence.ports, eni?.evidence.acceptedPorts]).toEqual([['22/tcp'], ['8443/tcp']]);
    expect(eni?.evidence).not.toHaveProperty('exemptionExpired');
  });

  it('a group finding allow-listed though its tag entry expired: the allow-list accepts, no expiry on the interface', () => {
    const eni = judge([{ Key: TAG, Value: 'sg-open-unauthorized-port@2026-01-01' }], {
      allowLists: [{ resourceId: 'sg-1', ruleIds: ['sg-open-unauthorized-port'], reason: 'partner feed' }],
    });
    expect([eni?.evidence.ports, eni?.evidence.acceptedPorts]).toEqual([['22/tcp'], ['8443/tcp']]);
    expect(eni?.evidence).not.toHaveProperty('exemptionExpired');
  });

  it('the same tag without the allow-list: the interface says the date, 8443 reported again', () => {
    const eni = judge([{ Key: TAG, Value: 'sg-open-unauthorized-port@2026-01-01' }]);
    expect([eni?.evidence.ports, eni?.evidence.exemptionExpired]).toEqual([
      ['22/tcp', '8443/tcp'],
      '2026-01-01',
    ]);
  });
});

describe('§8 which exemptions an interface names, and its own exemption (K13, K14, K17)', () => {
  const web = (tags: { Key: string; Value: string }[]) =>
    group('sg-1', [permission('tcp', 22, 22, '0.0.0.0/0'), permission('tcp', 8443, 8443, '0.0.0.0/0')], tags);
  const eniOf = (findings: readonly Finding[]) => findings.find((f) => f.ruleId === 'eni-internet-exposed');

  it("an interface's own * tag suppresses it whole: every exposed port, its severity, no accepted ports", () => {
    const world = snapshot(
      [web([{ Key: TAG, Value: 'sg-open-unauthorized-port' }])],
      [
        networkInterface('eni-1', ['sg-1'], { TagSet: [{ Key: TAG, Value: '*' }] }),
        networkInterface('eni-2', ['sg-1']),
      ],
    );
    const findings = evaluate(parseSnapshot(world), parseConfig({}));
    const eni = findings.find((f) => f.resourceId === 'eni-1');
    expect([eni?.severity, eni?.evidence.ports, eni?.suppressed]).toEqual([
      'critical',
      ['22/tcp', '8443/tcp'],
      { by: 'tag', reason: `${TAG}=*` },
    ]);
    expect(eni?.evidence).not.toHaveProperty('acceptedPorts');
    // Its neighbour, without a tag of its own, has 8443 accepted through the group.
    const other = findings.find((f) => f.resourceId === 'eni-2');
    expect([other?.evidence.ports, other?.evidence.acceptedPorts, other?.suppressed]).toEqual([
      ['22/tcp'],
      ['8443/tcp'],
      undefined,
    ]);
  });

  it('a group of the interface that opens nothing to the world adds no expired date', () => {
    const world = snapshot(
      [
        web([]),
        group('sg-2', [permission('tcp', 5432, 5432, '10.0.0.0/8')], [{ Key: TAG, Value: '*@2026-01-01' }]),
      ],
      [networkInterface('eni-1', ['sg-1', 'sg-2'])],
    );
    const eni = eniOf(
      evaluate(parseSnapshot(world), parseConfig({}), { now: new Date('2026-12-08T00:00:00Z') }),
    );
    expect(eni?.evidence.ports).toEqual(['22/tcp', '8443/tcp']);
    expect(eni?.evidence).not.toHaveProperty('exemptionExpired');
  });

  it('names only the exemptions that cover an accepted port', () => {
    const world = snapshot(
      [web([{ Key: TAG, Value: 'sg-open-unauthorized-port' }])],
      [networkInterface('eni-1', ['sg-1'])],
    );
    const config = parseConfig({
      allowLists: [{ resourceId: 'sg-1', ports: ['9000/tcp'], reason: 'metrics' }],
    });
    const eni = eniOf(evaluate(parseSnapshot(world), config));
    expect(eni?.evidence.acceptedThrough).toEqual([
      {
        groupId: 'sg-1',
        ports: ['8443/tcp'],
        exemptions: [{ by: 'tag', reason: `${TAG}=sg-open-unauthorized-port` }],
      },
    ]);
  });
});

describe('§5 unresolved prefix lists routed to an igw-, named in order (G8)', () => {
  it('lists them sorted in the not-judged reason, whatever the route order', () => {
    const world = snapshot(
      [group('sg-1', [permission('tcp', 22, 22, '0.0.0.0/0')])],
      [networkInterface('eni-1', ['sg-1'])],
    );
    const table = world.RouteTables[0] as { Routes: Record<string, string>[] };
    table.Routes = [
      { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', State: 'active' },
      { DestinationPrefixListId: 'pl-0b', GatewayId: 'igw-0e4', State: 'active' },
      { DestinationPrefixListId: 'pl-0a', GatewayId: 'igw-0e4', State: 'active' },
    ];
    const report = evaluateReport(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    });
    expect(report.findings).toEqual([]);
    expect(report.notJudged.map((n) => [n.resourceId, n.reason])).toEqual([
      [
        'eni-1',
        'the route table rtb-0e4 of subnet subnet-0e4 sends prefix lists pl-0a, pl-0b to an internet gateway, whose entries are not in the snapshot (add them to ManagedPrefixLists)',
      ],
    ]);
  });
});

describe('§8 an interface accepted through tags and allow-lists together is suppressed by tag (K19)', () => {
  it("says 'tag' when one of the exemptions is a tag and another an allow-list entry", () => {
    const world = snapshot(
      [
        group(
          'sg-1',
          [permission('tcp', 22, 22, '0.0.0.0/0'), permission('tcp', 8443, 8443, '0.0.0.0/0')],
          [{ Key: TAG, Value: 'sg-open-admin-port' }],
        ),
      ],
      [networkInterface('eni-1', ['sg-1'])],
    );
    const config = parseConfig({
      allowLists: [{ resourceId: 'sg-1', ports: ['8443/tcp'], reason: 'partner' }],
    });
    const eni = evaluate(parseSnapshot(world), config).find((f) => f.ruleId === 'eni-internet-exposed');
    expect(eni?.suppressed).toEqual({
      by: 'tag',
      reason: `every security group that opens 22/tcp, 8443/tcp to the internet is exempted for them: sg-1 (tag: ${TAG}=sg-open-admin-port; config: partner)`,
    });
  });
});

describe('§5 routes that cover the internet together, in address order (G12)', () => {
  it('places a prefix-list route by its lowest entry, not its first', () => {
    const findings = evaluate(
      parseSnapshot({
        Vpcs: [{ VpcId: 'vpc-1' }],
        Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', Tags: [{ Key: 'Name', Value: 'app-private-a' }] }],
        ManagedPrefixLists: [
          {
            PrefixListId: 'pl-0a',
            PrefixListName: 'most of the internet',
            AddressFamily: 'IPv4',
            Entries: [{ Cidr: '192.0.0.0/2' }, { Cidr: '0.0.0.0/1' }],
          },
        ],
        RouteTables: [
          {
            RouteTableId: 'rtb-1',
            VpcId: 'vpc-1',
            Associations: [{ Main: true }],
            Routes: [
              { DestinationCidrBlock: '128.0.0.0/2', GatewayId: 'igw-2', State: 'active' },
              { DestinationPrefixListId: 'pl-0a', GatewayId: 'igw-1', State: 'active' },
            ],
          },
        ],
      }),
      parseConfig({}),
      { rules: rulesOf(['subnet-private-has-igw-route']) },
    );
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.igwRoutes])).toEqual([
      [
        'subnet-private-has-igw-route',
        'subnet-1',
        [
          { destination: 'pl-0a', gatewayId: 'igw-1' },
          { destination: '128.0.0.0/2', gatewayId: 'igw-2' },
        ],
      ],
    ]);
  });
});

describe("§5 ingress routing needs an edge association in force, of the VPC's own gateway (G16, J21)", () => {
  it('judges an interface whose default route goes to a GWLB endpoint when the igw- association is disassociated', () => {
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }],
    }) as unknown as {
      RouteTables: Record<string, unknown>[];
    };
    (w.RouteTables[0] as Record<string, unknown>).Routes = [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vpce-0gwlb', State: 'active' },
    ];
    const edge = (State: string, vpcId = VPC) => ({
      RouteTableId: 'rtb-0edge',
      VpcId: vpcId,
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
      Associations: [
        { Main: false, RouteTableId: 'rtb-0edge', GatewayId: 'igw-0a1', AssociationState: { State } },
      ],
    });
    const notJudged = (State: string, vpcId = VPC) =>
      evaluateReport(
        parseSnapshot({ ...w, RouteTables: [...w.RouteTables, edge(State, vpcId)] }),
        parseConfig({}),
        {
          rules: rulesOf(['eni-internet-exposed']),
        },
      ).notJudged.map((n) => n.resourceId);
    expect(notJudged('disassociated')).toEqual([]);
    expect(notJudged('associated')).toEqual([ENI]);
    // (J21) The edge table of another VPC's gateway says nothing of this VPC's way in.
    expect(notJudged('associated', 'vpc-0other')).toEqual([]);
  });
});

describe('§5 an unknown way out counts only for a family the interface has a public address of (J0)', () => {
  it('lists the interface with a public IPv4 address as not judged, not its neighbour without one', () => {
    const world = snapshot(
      [group('sg-1', [permission('tcp', 22, 22, '0.0.0.0/0')])],
      [
        networkInterface('eni-1', ['sg-1']),
        { ...networkInterface('eni-2', ['sg-1']), Association: undefined, PrivateIpAddress: '10.40.1.11' },
      ],
    );
    const table = world.RouteTables[0] as { Routes: Record<string, string>[] };
    table.Routes = [
      { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', State: 'active' },
      { DestinationPrefixListId: 'pl-0a', GatewayId: 'igw-0e4', State: 'active' },
    ];
    const report = evaluateReport(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    });
    expect(report.notJudged.map((n) => n.resourceId)).toEqual(['eni-1']);
  });
});

describe('§6 a finding id is the stable hash of rule, resource and evidence key (F2)', () => {
  it('is the first 20 hex digits of sha256("ruleId\\0resourceId\\0ports")', () => {
    const snapshotOf = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])] };
    const [finding] = evaluate(parseSnapshot(snapshotOf), parseConfig({}), {
      rules: rulesOf(['sg-open-admin-port']),
    });
    const expected = createHash('sha256')
      .update('sg-open-admin-port\u0000sg-1\u000022/tcp')
      .digest('hex')
      .slice(0, 20);
    expect(finding?.id).toBe(expected);
  });
});

describe("§5 a NAT gateway's interface without groups is judged (J8)", () => {
  it('lists no nat_gateway interface as not judged; a load balancer interface without groups is', () => {
    const world = snapshot(
      [],
      [
        { ...networkInterface('eni-nat', []), InterfaceType: 'nat_gateway' },
        { ...networkInterface('eni-nlb', []), InterfaceType: 'network_load_balancer' },
      ],
    );
    const report = evaluateReport(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    });
    expect(report.notJudged.map((n) => n.resourceId)).toEqual(['eni-nlb']);
  });
});

describe('§6 findings in a deterministic order: severity, rule, VPC, resource (F6)', () => {
  it('orders equal findings of two VPCs by VPC before resource id', () => {
    const findings = evaluate(
      parseSnapshot({
        SecurityGroups: [
          sg('sg-a', [perm('tcp', [22, 22], '0.0.0.0/0')], { vpcId: 'vpc-2' }),
          sg('sg-b', [perm('tcp', [22, 22], '0.0.0.0/0')], { vpcId: 'vpc-1' }),
        ],
      }),
      parseConfig({}),
      { rules: rulesOf(['sg-open-admin-port']) },
    );
    expect(findings.map((f) => [f.vpcId, f.resourceId])).toEqual([
      ['vpc-1', 'sg-b'],
      ['vpc-2', 'sg-a'],
    ]);
  });
});

describe('§5 an interface without groups is not judged only for a family it has a public address of (J9, J10)', () => {
  const nlb = (id: string, extra: Record<string, unknown>) => ({
    ...networkInterface(id, []),
    InterfaceType: 'network_load_balancer',
    Association: undefined,
    ...extra,
  });
  const notJudged = (eni: Record<string, unknown>) => {
    const world = snapshot([], [eni]);
    const table = world.RouteTables[0] as { Routes: Record<string, string>[] };
    table.Routes.push({ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0e4', State: 'active' });
    return evaluateReport(parseSnapshot(world), parseConfig({}), {
      rules: rulesOf(['eni-internet-exposed']),
    }).notJudged.map((n) => n.resourceId);
  };

  it('judges an internal load balancer interface (private addresses only) in a routed subnet', () => {
    expect(notJudged(nlb('eni-internal', {}))).toEqual([]);
  });

  it('does not judge an IPv6 load balancer interface in a subnet routing ::/0 to the igw-', () => {
    expect(notJudged(nlb('eni-v6', { Ipv6Addresses: [{ Ipv6Address: '2600:1f18::20' }] }))).toEqual([
      'eni-v6',
    ]);
  });
});

describe('§8 a dual-stack interface accepted through one group in both families (K28, K29)', () => {
  it('names the ports and the exemptions of both families under the group', () => {
    const world = dualStack(
      [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [8443, 8443], '::/0')], {
          tags: [{ Key: TAG, Value: 'sg-open-admin-port' }],
        }),
      ],
      [
        {
          NetworkInterfaceId: 'eni-1',
          Association: { PublicIp: '54.240.1.200' },
          Ipv6Addresses: [{ Ipv6Address: '2600:1f18::10' }],
          Groups: [{ GroupId: 'sg-1' }],
        },
      ],
    );
    const config = parseConfig({
      allowLists: [{ resourceId: 'sg-1', ports: ['8443/tcp'], reason: 'partner' }],
    });
    const eni = evaluate(parseSnapshot(world), config).find((f) => f.ruleId === 'eni-internet-exposed');
    expect(eni?.evidence.acceptedThrough).toEqual([
      {
        groupId: 'sg-1',
        ports: ['22/tcp', '8443/tcp'],
        exemptions: [
          { by: 'tag', reason: `${TAG}=sg-open-admin-port` },
          { by: 'config', reason: 'partner' },
        ],
      },
    ]);
    expect(eni?.suppressed?.by).toBe('tag');
  });
});

describe('§8 ports still open through unexempted groups together, port by port (K31, K32)', () => {
  it('reports 23 where the two halves are both unexempted, accepts 22 where one half is exempted', () => {
    const world = snapshot(
      [
        group('sg-1', [permission('tcp', 22, 23, '0.0.0.0/0')], [{ Key: TAG, Value: '*' }]),
        group('sg-2', [permission('tcp', 22, 23, '0.0.0.0/1')]),
        group('sg-3', [permission('tcp', 22, 23, '128.0.0.0/1')]),
      ],
      [networkInterface('eni-1', ['sg-1', 'sg-2', 'sg-3'])],
    );
    const config = parseConfig({
      allowLists: [{ resourceId: 'sg-2', ports: ['22/tcp'], reason: 'jump host range' }],
    });
    const eni = evaluate(parseSnapshot(world), config, { rules: rulesOf(['eni-internet-exposed']) }).find(
      (f) => f.ruleId === 'eni-internet-exposed',
    );
    expect([eni?.evidence.ports, eni?.evidence.acceptedPorts, eni?.suppressed]).toEqual([
      ['23/tcp'],
      ['22/tcp'],
      undefined,
    ]);
  });
});

describe('§4 half of public space is not the whole of it', () => {
  it('does not report 2000::/4 alone, nor a prefix list holding 0.0.0.0/1 alone, as world-open', () => {
    const findings = evaluate(
      parseSnapshot({
        SecurityGroups: [
          sg('sg-6', [perm('tcp', [22, 22], '2000::/4')]),
          sg('sg-pl', [perm('tcp', [22, 22], 'pl-0half')]),
        ],
        ManagedPrefixLists: [
          {
            PrefixListId: 'pl-0half',
            PrefixListName: 'half',
            AddressFamily: 'IPv4',
            OwnerId: '111122223333',
            Entries: [{ Cidr: '0.0.0.0/1' }],
          },
        ],
      }),
      parseConfig({}),
      { rules: rulesOf(['sg-open-admin-port', 'sg-broad-public-source']) },
    );
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['sg-broad-public-source', 'sg-6', ['22/tcp']],
      ['sg-broad-public-source', 'sg-pl', ['22/tcp']],
    ]);
  });
});

describe('§5 NACLs whose entries differ only in the protocol as written are judged each by its own (Y21)', () => {
  it('reports udp 3389 open on the NACL allowing protocol 17, not on the one allowing protocol 16', () => {
    // "17" and "16" hash alike (same length and first character): the content compare decides.
    const udp = nacl('acl-a', [entry(100, 'in', 'allow', '17', '0.0.0.0/0', [0, 65535])], {
      subnetIds: ['subnet-a'],
    });
    const chaos = nacl('acl-b', [entry(100, 'in', 'allow', '16', '0.0.0.0/0')], { subnetIds: ['subnet-b'] });
    for (const acls of [
      [udp, chaos],
      [chaos, udp],
    ]) {
      const findings = evaluate(
        parseSnapshot({
          Vpcs: [{ VpcId: 'vpc-1' }],
          Subnets: [
            { SubnetId: 'subnet-a', VpcId: 'vpc-1' },
            { SubnetId: 'subnet-b', VpcId: 'vpc-1' },
          ],
          NetworkAcls: acls,
        }),
        parseConfig({}),
        { rules: rulesOf(['nacl-open-admin-port']) },
      );
      expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
        ['nacl-open-admin-port', 'acl-a', ['3389/udp']],
      ]);
    }
  });
});

describe('§5 NACLs whose entries differ only in a CIDR of equal hash are judged each by its own (Y22)', () => {
  it('at a world-open share of 100 %, a denied public /32 closes the NACL, a denied private /32 does not', () => {
    // 9.255.78.53/32 and 10.0.0.0/32 hash alike: their high halves differ by one, their low halves
    // by 20021, the hash's multiplier (shared/analysis/analysis.ts entriesHash): the content compare decides.
    const acl = (id: string, denied: string) =>
      nacl(id, [entry(100, 'in', 'deny', '-1', denied), entry(200, 'in', 'allow', '-1', '0.0.0.0/0')], {
        subnetIds: [`subnet-${id}`],
      });
    const publicDenied = acl('acl-a', '9.255.78.53/32');
    const privateDenied = acl('acl-b', '10.0.0.0/32');
    for (const acls of [
      [publicDenied, privateDenied],
      [privateDenied, publicDenied],
    ]) {
      const findings = evaluate(
        parseSnapshot({
          Vpcs: [{ VpcId: 'vpc-1' }],
          Subnets: [
            { SubnetId: 'subnet-a', VpcId: 'vpc-1' },
            { SubnetId: 'subnet-b', VpcId: 'vpc-1' },
          ],
          NetworkAcls: acls,
        }),
        parseConfig({ worldOpenCoverage: 1 }),
        { rules: rulesOf(['nacl-open-admin-port']) },
      );
      expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
        ['nacl-open-admin-port', 'acl-b', ['22/tcp', '3389/tcp', '3389/udp']],
      ]);
    }
  });
});

describe('§5 a return range short of its last port is blocked', () => {
  it('reports 65535/tcp when the outbound return entry stops at 65534', () => {
    const findings = evaluate(
      parseSnapshot({
        Vpcs: [{ VpcId: 'vpc-1' }],
        Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1' }],
        NetworkAcls: [
          nacl('acl-1', [
            entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
            entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65534]),
          ]),
        ],
      }),
      parseConfig({}),
      { rules: rulesOf(['nacl-ephemeral-return-blocked']) },
    );
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1', ['65535/tcp']],
    ]);
  });
});
