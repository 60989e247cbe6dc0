// Mutation checks of shared/rules/*.ts (other than sg-open-common.ts), round mutants3: each test
// kills a mutant the suite let live (ids in /work/notes/spec-mutants.md) by asserting what a user
// of the rule relies on: which findings, on which resource, with which evidence.
import { describe, expect, it } from 'vitest';
import { evaluateReport } from '../shared/engine';
import { parseConfig } from '../shared/load-config';
import { parseSnapshot, parseSnapshotText } from '../shared/model/snapshot';
import { naclBroadPublicSource } from '../shared/rules/nacl-broad-public-source';
import { naclEphemeralReturnBlocked } from '../shared/rules/nacl-ephemeral-return-blocked';
import { naclOpenAdminPort } from '../shared/rules/nacl-open-admin-port';
import { natGatewayInPrivateSubnet } from '../shared/rules/nat-gateway-in-private-subnet';
import { routeBlackhole } from '../shared/rules/route-blackhole';
import { sgBroadPublicSource } from '../shared/rules/sg-broad-public-source';
import { sgOpenAdminPort } from '../shared/rules/sg-open-admin-port';
import { subnetPrivateHasIgwRoute } from '../shared/rules/subnet-private-has-igw-route';
import { subnetPublicNoIgwRoute } from '../shared/rules/subnet-public-no-igw-route';
import type { RuleDefinition } from '../shared/rules/types';
import { vpcePolicyFullAccess } from '../shared/rules/vpce-policy-full-access';
import { entry, LOCAL_ROUTES, nacl, perm, revokeRules, run, sg, subnetRegion, vpc } from './helpers';

/** Findings and not-judged resources of the given rules, as an audit reports them. */
function report(rules: readonly RuleDefinition[], snapshot: Record<string, unknown>) {
  return evaluateReport(parseSnapshot(snapshot), parseConfig({}), { rules });
}

describe('route-blackhole: what is a dead route, and when the finding is news', () => {
  const table = (routes: Record<string, unknown>[]) => ({
    RouteTables: [
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        Associations: [
          { RouteTableAssociationId: 'rtbassoc-1', RouteTableId: 'rtb-1', SubnetId: 'subnet-1' },
        ],
        Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, ...routes],
      },
    ],
  });

  it('reports no route without a state (read as active) and no filtered route as a blackhole (V9)', () => {
    // Prepare: EC2 omits State on some listings; `filtered` is a live route (ingress routing).
    const snapshot = table([
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' },
      { DestinationCidrBlock: '172.16.0.0/12', NatGatewayId: 'nat-1', State: 'filtered' },
    ]);
    // Act
    const findings = run(routeBlackhole, snapshot);
    // Assess
    expect(findings).toEqual([]);
  });

  it('says "1 blackhole route", singular, for one dead route (V12)', () => {
    const findings = run(
      routeBlackhole,
      table([{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-gone', State: 'blackhole' }]),
    );
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.title])).toEqual([
      ['route-blackhole', 'rtb-1', 'Route table rtb-1 has 1 blackhole route'],
    ]);
  });

  it('gives a table whose dead route changed destination a new finding id: a new dead route is news (V13)', () => {
    // Prepare: the same table, one dead route each time, to another destination.
    const before = run(
      routeBlackhole,
      table([{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-gone', State: 'blackhole' }]),
    );
    const after = run(
      routeBlackhole,
      table([
        { DestinationCidrBlock: '192.168.0.0/16', VpcPeeringConnectionId: 'pcx-gone', State: 'blackhole' },
      ]),
    );
    // Assess
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).not.toBe(before[0]?.id);
  });
});

describe('nacl-common publicContributors: the entries a NACL finding names', () => {
  it('names the entry that lets the broad range in, not an allow on lower ports before it (V32)', () => {
    // Prepare: 80 allows 20-21 from anywhere (ends below 22), 90 denies half the internet, 100
    // allows 22 from anywhere: 22 is broad (not world-open) through entry 100 alone.
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(80, 'in', 'allow', '6', '0.0.0.0/0', [20, 21]),
          entry(90, 'in', 'deny', '-1', '0.0.0.0/1'),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
        ]),
      ],
    };
    // Act
    const findings = run(naclBroadPublicSource, snapshot);
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['nacl-broad-public-source', 'acl-1']]);
    expect(findings[0]?.evidence.broadThrough).toEqual([
      { ports: ['22/tcp'], family: 'ipv4', publicShare: expect.any(String), entries: [100] },
    ]);
    expect(findings[0]?.evidence.entries).toEqual([
      { ruleNumber: 100, action: 'allow', protocol: '6', ports: '22', cidr: '0.0.0.0/0' },
    ]);
  });

  it('leaves out an allow entry wholly shadowed by a deny before it (V34)', () => {
    // Prepare: 95 allows only addresses 90 already denied: it lets nobody in.
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '-1', '0.0.0.0/1'),
          entry(95, 'in', 'allow', '6', '0.0.0.0/2', [22, 22]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
        ]),
      ],
    };
    // Act
    const findings = run(naclBroadPublicSource, snapshot);
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['nacl-broad-public-source', 'acl-1']]);
    expect(
      ((findings[0]?.evidence.entries ?? []) as { ruleNumber: number }[]).map((e) => e.ruleNumber),
    ).toEqual([100]);
    expect(findings[0]?.detail).toContain('through 100 (allow tcp 22 from 0.0.0.0/0)');
  });

  it('shows a udp entry with its ports, as a tcp one (V36)', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '-1', '0.0.0.0/1'),
          entry(100, 'in', 'allow', '17', '0.0.0.0/0', [3389, 3389]),
        ]),
      ],
    };
    const findings = run(naclBroadPublicSource, snapshot);
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['nacl-broad-public-source', 'acl-1', ['3389/udp']],
    ]);
    expect(findings[0]?.evidence.entries).toEqual([
      { ruleNumber: 100, action: 'allow', protocol: '17', ports: '3389', cidr: '0.0.0.0/0' },
    ]);
    expect(findings[0]?.detail).toContain('through 100 (allow udp 3389 from 0.0.0.0/0)');
  });
});

describe('sg-broad-public-source: one finding per port, the rules that open it', () => {
  it('leaves a port broad over IPv4 and world-open over IPv6 to the sg-open-* finding (V29)', () => {
    // Prepare: 22/tcp from 0.0.0.0/1 (broad) and from ::/0 (world-open).
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/1', '::/0')])] };
    // Act
    const findings = run([sgOpenAdminPort, sgBroadPublicSource], snapshot);
    // Assess: the admin finding names the broad IPv4 side (alsoBroad); no broad finding repeats it.
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['sg-open-admin-port', 'sg-1', ['22/tcp']],
    ]);
    expect(findings[0]?.evidence.alsoBroad).toEqual({ ipv4: ['22/tcp'] });
    // Both rules are named: the broad one is what the revoke leaves, to narrow by hand (W3).
    expect(findings[0]?.evidence.rules).toEqual([
      { protocol: 'tcp', ports: '22', source: '0.0.0.0/1' },
      { protocol: 'tcp', ports: '22', source: '::/0' },
    ]);
    expect(revokeRules(findings[0]).map((r) => r.ipPermission)).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ]);
  });

  it('lists only the rules on the broad ports, not a public rule on another port (V31)', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [5432, 5432], '64.0.0.0/2'), perm('tcp', [443, 443], '52.94.0.7/32')]),
      ],
    };
    const findings = run(sgBroadPublicSource, snapshot);
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['sg-broad-public-source', 'sg-1', ['5432/tcp']],
    ]);
    expect(findings[0]?.evidence.rules).toEqual([{ protocol: 'tcp', ports: '5432', source: '64.0.0.0/2' }]);
  });
});

describe('the subnet naming rules: routing that is not known is said, not guessed', () => {
  // The subnet's table sends a customer prefix list to the igw-; the list is not in the snapshot.
  const unknownRoute = { DestinationPrefixListId: 'pl-0unread', GatewayId: 'igw-1', State: 'active' };

  it('lists a "public" subnet routing an unread prefix list to an igw- as not judged, without a finding (V20, V28)', () => {
    // Prepare
    const snapshot = subnetRegion({
      subnetName: 'public-a',
      explicitRoutes: [...LOCAL_ROUTES, unknownRoute],
    });
    // Act
    const { findings, notJudged } = report([subnetPublicNoIgwRoute], snapshot);
    // Assess
    expect(findings).toEqual([]);
    expect(notJudged).toEqual([
      expect.objectContaining({ resourceId: 'subnet-1', ruleId: 'subnet-public-no-igw-route' }),
    ]);
    expect(notJudged[0]?.reason).toContain('pl-0unread');
  });

  it('lists a "private" subnet routing an unread prefix list to an igw- as not judged (V28)', () => {
    const snapshot = subnetRegion({
      subnetName: 'private-a',
      explicitRoutes: [...LOCAL_ROUTES, unknownRoute],
    });
    const { findings, notJudged } = report([subnetPrivateHasIgwRoute], snapshot);
    expect(findings).toEqual([]);
    expect(notJudged).toEqual([
      expect.objectContaining({ resourceId: 'subnet-1', ruleId: 'subnet-private-has-igw-route' }),
    ]);
  });

  it("lists a public subnet's default routes that go elsewhere, IPv4 first, whatever the table's order (V21, V22)", () => {
    // Prepare: ::/0 to an egress-only gateway listed before 0.0.0.0/0 to a NAT gateway.
    const routes = [
      ...LOCAL_ROUTES,
      { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' },
    ];
    // Act
    const findings = run(
      subnetPublicNoIgwRoute,
      subnetRegion({ subnetName: 'public-a', explicitRoutes: routes }),
    );
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([
      ['subnet-public-no-igw-route', 'subnet-1'],
    ]);
    expect(findings[0]?.evidence.defaultRoutes).toEqual([
      { destination: '0.0.0.0/0', target: 'nat-1', state: 'active' },
      { destination: '::/0', target: 'eigw-1', state: 'active' },
    ]);
  });
});

describe("sg-open-*: what the finding's detail and plan say about the fix", () => {
  it('counts the rules a revoke removes: "the rule", "the 2 rules" (W5)', () => {
    // Prepare
    const one = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])] };
    const two = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0', '::/0')])] };
    // Act
    const [single] = run(sgOpenAdminPort, one);
    const [double] = run(sgOpenAdminPort, two);
    // Assess
    expect(single?.detail).toContain(
      'Fix: revoke the rule whose source is the whole internet; other sources stay.',
    );
    expect(double?.detail).toContain(
      'Fix: revoke the 2 rules whose source is the whole internet; other sources stay.',
    );
    expect(revokeRules(double)).toHaveLength(2);
  });

  it('warns that a rule naming a prefix list goes with every range of the list (W6)', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], 'pl-world')])],
      ManagedPrefixLists: [
        { PrefixListId: 'pl-world', Entries: [{ Cidr: '0.0.0.0/0' }, { Cidr: '10.0.0.0/8' }] },
      ],
    };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.detail).toContain(
      'A rule naming a prefix list (pl-world) goes with every range of the list; to keep the others, take the world range out of the list instead.',
    );
    expect(finding?.detail).not.toContain('other sources stay');
  });

  it('says a port world-open in one family "admits" a broad range of the other, singular (W7)', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/1', '::/0')])] };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.detail).toContain(
      '22/tcp also admits a very broad public range of the other address family',
    );
  });

  it('names the prefix lists it could not resolve (W8)', () => {
    // Prepare: world-open through 0.0.0.0/0; a second rule names a list the snapshot lacks.
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [22, 22], 'pl-0unread')])],
    };
    const [finding] = run(sgOpenAdminPort, snapshot);
    expect(finding?.evidence.unresolvedPrefixLists).toEqual(['pl-0unread']);
    expect(finding?.detail).toContain(
      'Prefix lists pl-0unread could not be resolved; their entries are unknown.',
    );
  });

  it('plans no revoke when no rule of its own admits the world (two halves), and says so (W9)', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/1', '128.0.0.0/1')])] };
    const findings = run(sgOpenAdminPort, snapshot);
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['sg-open-admin-port', 'sg-1', ['22/tcp']],
    ]);
    expect(findings[0]?.remediation).toBeUndefined();
    expect(findings[0]?.evidence.notRemediable).toEqual({ ipv4: ['22/tcp'] });
  });
});

describe('nat-gateway-in-private-subnet: a gateway whose listing has no State', () => {
  it('judges it as live: a public gateway in a subnet without an igw- route is reported (N2)', () => {
    // Prepare: a hand-made or trimmed listing without State, in a subnet on a local-only table.
    const snapshot = {
      ...subnetRegion({ subnetName: 'private-a' }),
      NatGateways: [{ NatGatewayId: 'nat-0nostate', SubnetId: 'subnet-1', VpcId: 'vpc-1' }],
    };
    // Act
    const findings = run(natGatewayInPrivateSubnet, snapshot);
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence])).toEqual([
      [
        'nat-gateway-in-private-subnet',
        'nat-0nostate',
        {
          subnetId: 'subnet-1',
          routeTableId: 'rtb-main',
          routeTableAssociation: 'main',
          connectivityType: 'public',
        },
      ],
    ]);
  });
});

describe('vpce-policy-full-access: which endpoints and policies are judged, and how', () => {
  const FULL = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';
  function endpoint(policy: unknown, extra: Record<string, unknown> = {}) {
    return {
      VpcEndpointId: 'vpce-1',
      VpcEndpointType: 'Gateway',
      VpcId: 'vpc-1',
      ServiceName: 'com.amazonaws.eu-west-1.s3',
      State: 'available',
      ...(policy === undefined ? {} : { PolicyDocument: policy }),
      RouteTableIds: ['rtb-1'],
      SubnetIds: [],
      Groups: [],
      NetworkInterfaceIds: [],
      ...extra,
    };
  }
  const judge = (policy: unknown, extra: Record<string, unknown> = {}) =>
    run(vpcePolicyFullAccess, { VpcEndpoints: [endpoint(policy, extra)] });

  it("skips endpoints that are gone, in the lower case EC2 prints or the SDK's capitals (P15, P16)", () => {
    expect(judge(FULL, { State: 'expired' })).toEqual([]);
    expect(judge(FULL, { State: 'Deleted' })).toEqual([]);
    expect(judge(FULL, { State: 'Available' }).map((f) => f.resourceId)).toEqual(['vpce-1']);
  });

  it('reads an empty policy text as no policy, not as an unreadable one (P17)', () => {
    expect(judge('')).toEqual([]);
    expect(judge('  ')).toEqual([]);
  });

  it('reads the keys of a Condition as they are: tag keys a trailing s apart are no clash (P5)', () => {
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
    // A Condition restricts: no finding, neither full access nor unreadable.
    expect(judge(policy)).toEqual([]);
  });

  it('calls Action beside Actions unreadable, saying they differ by a trailing s (P6, P7)', () => {
    const policy =
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Actions":"*","Resource":"*"}]}';
    const findings = judge(policy);
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['vpce-policy-full-access', 'vpce-1']]);
    expect(findings[0]?.evidence.unreadablePolicy).toBe(
      'Statement[0] has keys that differ only in a trailing s, "Action" and "Actions" (IAM knows one element of that name; which one was meant is not known)',
    );
  });

  it('calls a policy object whose text gave a key twice unreadable (P21)', () => {
    // Prepare: the snapshot's text gives Effect twice inside the policy object; JSON keeps Allow.
    const text = JSON.stringify({ VpcEndpoints: [endpoint({ Statement: [] })] }).replace(
      '"Statement":[]',
      '"Statement":[{"Effect":"Deny","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]',
    );
    // Act
    const findings = evaluateReport(parseSnapshotText(text), parseConfig({}), {
      rules: [vpcePolicyFullAccess],
    }).findings;
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.title])).toEqual([
      [
        'vpce-policy-full-access',
        'vpce-1',
        'VPC endpoint vpce-1 (com.amazonaws.eu-west-1.s3) has a policy that cannot be read',
      ],
    ]);
    expect(findings[0]?.evidence.unreadablePolicy).toContain('is given twice');
  });
});

describe('nacl-open-admin-port: detail and plan per NACL', () => {
  it('says "entry … allows", singular, for one broader entry, and that an unassociated NACL serves no subnet (A6, A9)', () => {
    const snapshot = {
      Vpcs: [vpc('vpc-1', '10.0.0.0/16')],
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '-1', '0.0.0.0/0')], { subnetIds: [] })],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.detail).toContain(
      'The admin ports are open through entry 100 (allow all traffic from 0.0.0.0/0), which also allows other ports',
    );
    expect(finding?.detail.endsWith(' The NACL is not associated with any subnet today.')).toBe(true);
    expect(finding?.evidence).toMatchObject({
      associated: false,
      subnetIds: [],
      association: 'not associated',
    });
  });

  it("keeps each VPC's own IPv6 blocks in the fix of NACLs with equal entries in VPCs sharing an IPv4 block (A13)", () => {
    // Prepare: two VPCs, both 10.0.0.0/16, each its own IPv6 block; one NACL each, same entries.
    const entries = [entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), entry(101, 'in', 'allow', '-1', '::/0')];
    const snapshot = {
      Vpcs: [
        vpc('vpc-1', '10.0.0.0/16', '2600:1f18:1::/56'),
        vpc('vpc-2', '10.0.0.0/16', '2600:1f18:2::/56'),
      ],
      NetworkAcls: [
        nacl('acl-1', entries, { vpcId: 'vpc-1', subnetIds: ['subnet-1'] }),
        nacl('acl-2', entries, { vpcId: 'vpc-2', subnetIds: ['subnet-2'] }),
      ],
    };
    // Act
    const findings = run(naclOpenAdminPort, snapshot);
    // Assess: each plan allows admin access back from its own VPC only.
    expect(findings.map((f) => [f.resourceId, f.evidence.keptSources])).toEqual([
      ['acl-1', { ipv4: ['10.0.0.0/16'], ipv6: ['2600:1f18:1::/56'] }],
      ['acl-2', { ipv4: ['10.0.0.0/16'], ipv6: ['2600:1f18:2::/56'] }],
    ]);
    const v6Allows = (i: number) => {
      const plan = findings[i]?.remediation;
      if (plan?.action !== 'fix-network-acl-entries') return [];
      return plan.createEntries
        .filter((e) => e.RuleAction === 'allow' && e.Ipv6CidrBlock)
        .map((e) => e.Ipv6CidrBlock);
    };
    expect(new Set(v6Allows(0))).toEqual(new Set(['2600:1f18:1::/56']));
    expect(new Set(v6Allows(1))).toEqual(new Set(['2600:1f18:2::/56']));
  });
});

describe('nacl-broad-public-source: each broad part with its own entries and share', () => {
  it('keeps apart two admin ports let in by different entries (B4)', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '-1', '0.0.0.0/1'),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
          entry(110, 'in', 'allow', '6', '0.0.0.0/0', [3389, 3389]),
        ]),
      ],
    };
    const [finding] = run(naclBroadPublicSource, snapshot);
    expect(finding?.evidence.broadThrough).toEqual([
      { ports: ['22/tcp'], family: 'ipv4', publicShare: expect.any(String), entries: [100] },
      { ports: ['3389/tcp'], family: 'ipv4', publicShare: expect.any(String), entries: [110] },
    ]);
  });

  it('keeps apart two admin ports let in by one entry with different shares (B5)', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(80, 'in', 'deny', '6', '0.0.0.0/1', [22, 22]),
          entry(81, 'in', 'deny', '6', '0.0.0.0/1', [3389, 3389]),
          entry(82, 'in', 'deny', '6', '128.0.0.0/2', [3389, 3389]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 3389]),
        ]),
      ],
    };
    const [finding] = run(naclBroadPublicSource, snapshot);
    const through = finding?.evidence.broadThrough as {
      ports: string[];
      publicShare: string;
      entries: number[];
    }[];
    expect(through.map((t) => [t.ports, t.entries])).toEqual([
      [['22/tcp'], [100]],
      [['3389/tcp'], [100]],
    ]);
    expect(through[0]?.publicShare).not.toBe(through[1]?.publicShare);
  });
});

describe('nacl-ephemeral-return-blocked: which peers, ports and entries', () => {
  const out = (n: number, cidr: string, ports: [number, number]) =>
    entry(n, 'out', 'allow', '6', cidr, ports);

  it('names the service whose peers lose their replies, not the one whose peers keep them (E2, E7)', () => {
    // Prepare: 22 from 198.51.100.0/24 and 443 from 203.0.113.0/24; replies go only to the first.
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '198.51.100.0/24', [22, 22]),
          entry(110, 'in', 'allow', '6', '203.0.113.0/24', [443, 443]),
          out(100, '198.51.100.0/24', [1024, 65535]),
        ]),
      ],
    };
    // Act
    const findings = run(naclEphemeralReturnBlocked, snapshot);
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1'],
    ]);
    expect(findings[0]?.evidence.directions).toEqual([
      expect.objectContaining({
        direction: 'ingress',
        serviceEntries: [
          { ruleNumber: 110, action: 'allow', protocol: '6', ports: '443', cidr: '203.0.113.0/24' },
        ],
        blockedPeers: { ipv4: ['203.0.113.0/24'] },
      }),
    ]);
  });

  it('the same over IPv6 (E3)', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '2001:db8:1::/48', [22, 22]),
          entry(110, 'in', 'allow', '6', '2001:db8:2::/48', [443, 443]),
          out(100, '2001:db8:1::/48', [1024, 65535]),
        ]),
      ],
    };
    const findings = run(naclEphemeralReturnBlocked, snapshot);
    expect(findings[0]?.evidence.directions).toEqual([
      expect.objectContaining({ direction: 'ingress', blockedPeers: { ipv6: ['2001:db8:2::/48'] } }),
    ]);
  });

  it('does not call an entry that only allows the return range a service (E1)', () => {
    // Prepare: 110 allows 1024-65535 in from the world (return traffic of outbound calls); the
    // outbound side lets nothing back to the SSH peers.
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
          entry(110, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        ]),
      ],
    };
    const findings = run(naclEphemeralReturnBlocked, snapshot);
    const ingress = (
      (findings[0]?.evidence.directions ?? []) as {
        direction: string;
        serviceEntries: { ruleNumber: number }[];
      }[]
    ).find((d) => d.direction === 'ingress');
    expect(ingress?.serviceEntries.map((e) => e.ruleNumber)).toEqual([100]);
  });

  it('judges two NACLs with the same inbound entries by their own outbound ones (E12)', () => {
    const inbound = [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443])];
    const snapshot = {
      NetworkAcls: [
        nacl('acl-ok', [...inbound, out(100, '0.0.0.0/0', [1024, 65535])], { subnetIds: ['subnet-1'] }),
        nacl('acl-cut', [...inbound, out(100, '0.0.0.0/0', [1024, 2000])], { subnetIds: ['subnet-2'] }),
      ],
    };
    const findings = run(naclEphemeralReturnBlocked, snapshot);
    expect(findings.map((f) => [f.resourceId, f.evidence.ports])).toEqual([
      ['acl-cut', ['2001-3388/tcp', '3390-65535/tcp']],
    ]);
  });

  it('finds the IPv6 peers cut off on a return range where no IPv4 entry applies either (E14)', () => {
    // Prepare: an IPv6-only service; replies allowed to all of IPv6 up to 2000, to one /32 above.
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '::/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '::/0', [1024, 2000]),
          entry(110, 'out', 'allow', '6', '2001:db8::/32', [2001, 65535]),
        ]),
      ],
    };
    const findings = run(naclEphemeralReturnBlocked, snapshot);
    expect(findings.map((f) => [f.resourceId, f.evidence.ports])).toEqual([
      ['acl-1', ['2001-3388/tcp', '3390-65535/tcp']],
    ]);
    expect(findings[0]?.evidence.directions).toEqual([
      expect.objectContaining({ direction: 'ingress', blockedPeers: { ipv6: expect.any(Array) } }),
    ]);
  });

  it('reads a return entry on the excepted admin port alone as no cut of the return range, and tells only the peers really cut', () => {
    // Prepare: replies allowed everywhere but 3389, where only the VPC is let out (an admin port).
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 3388]),
          entry(105, 'out', 'allow', '6', '10.0.0.0/8', [3389, 3389]),
          entry(110, 'out', 'allow', '6', '0.0.0.0/0', [3390, 65535]),
        ]),
      ],
    };
    expect(run(naclEphemeralReturnBlocked, snapshot)).toEqual([]);
    // And when replies above 3389 reach only half the internet, only that half's loss is told.
    const half = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 3388]),
          entry(105, 'out', 'allow', '6', '10.0.0.0/8', [3389, 3389]),
          entry(110, 'out', 'allow', '6', '0.0.0.0/1', [3390, 65535]),
        ]),
      ],
    };
    const [finding] = run(naclEphemeralReturnBlocked, half);
    expect(finding?.evidence.ports).toEqual(['3390-65535/tcp']);
    expect(finding?.evidence.directions).toEqual([
      expect.objectContaining({ direction: 'ingress', blockedPeers: { ipv4: ['128.0.0.0/1'] } }),
    ]);
  });
});
