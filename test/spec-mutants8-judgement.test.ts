// Mutation checks of the engine's judgement and suppressions, round mutants8 (DESIGN §4, §5, §8
// exemptions and accepted by shape). Each test kills a mutant the suite let live (ids S…, W…, Y…,
// G…, J…, X…, K…, U…, F…, N… in /work/notes/spec-mutants8.md): it asserts what a user relies on —
// which findings, rule ids, resources, ports, suppressions and not-judged entries.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../shared/engine';
import type { ResourceType } from '../shared/findings';
import { parseConfig } from '../shared/load-config';
import type { Model } from '../shared/model/model';
import { parseSnapshot } from '../shared/model/snapshot';
import { defineRule, reportOnly } from '../shared/rules/define-rule';
import { audit, nacl, perm, sg, summary } from './helpers';

const TAG = 'vpc-guardrail:exempt';

describe('§4 world-open share of IPv6 space at a small worldOpenCoverage (S13)', () => {
  it('reports a /33 of public IPv6 as world-open on 22 when the configured share is below a broad source', () => {
    // 2^95 public addresses: below the broad bound (2^96), above 1e-10 of 2000::/3 (~2^91.8).
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '2600::/33')])] };
    const findings = audit(snapshot, {
      rules: ['sg-open-admin-port', 'sg-broad-public-source'],
      config: { worldOpenCoverage: 1e-10 },
    });
    expect(summary(findings)).toEqual([['sg-open-admin-port', 'sg-1', ['22/tcp']]]);
  });
});

describe('§8 exemption tag values as people type them (X1, X8)', () => {
  it('reads a comma list with spaces and a trailing comma: each rule id exempts, nothing is said unreadable', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [8080, 8080], '0.0.0.0/0')], {
          tags: [{ Key: TAG, Value: 'sg-open-admin-port, sg-open-high-risk-port,' }],
        }),
      ],
    };
    const findings = audit(snapshot, { rules: ['sg-open-admin-port', 'sg-open-high-risk-port'] });
    expect(findings.map((f) => [f.ruleId, f.suppressed, f.evidence.exemptionTagUnreadable])).toEqual([
      [
        'sg-open-admin-port',
        { by: 'tag', reason: `${TAG}=sg-open-admin-port, sg-open-high-risk-port,` },
        undefined,
      ],
      [
        'sg-open-high-risk-port',
        { by: 'tag', reason: `${TAG}=sg-open-admin-port, sg-open-high-risk-port,` },
        undefined,
      ],
    ]);
  });

  it('reads * as every rule: the finding is suppressed and * is not shown as an unknown rule id', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')], { tags: [{ Key: TAG, Value: '*' }] }),
      ],
    };
    const [finding, ...rest] = audit(snapshot, { rules: ['sg-open-admin-port'] });
    expect(rest).toEqual([]);
    expect(finding?.suppressed).toEqual({ by: 'tag', reason: `${TAG}=*` });
    expect(finding?.evidence).not.toHaveProperty('exemptionTagUnreadable');
  });
});

describe('§8 an expired exemption is said with its latest date (X14)', () => {
  it('names the later of two expired entries matching the rule', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')], {
          tags: [{ Key: TAG, Value: 'sg-open-admin-port@2026-06-01,*@2026-01-01' }],
        }),
      ],
    };
    const [finding] = audit(snapshot, {
      rules: ['sg-open-admin-port'],
      now: new Date('2026-12-08T00:00:00Z'),
    });
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.evidence.exemptionExpired).toBe('2026-06-01');
  });

  it('says no expiry on a finding whose rule no expired entry names (X48)', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')], {
          tags: [{ Key: TAG, Value: 'sg-open-high-risk-port@2026-01-01' }],
        }),
      ],
    };
    const [finding, ...rest] = audit(snapshot, {
      rules: ['sg-open-admin-port'],
      now: new Date('2026-12-08T00:00:00Z'),
    });
    expect(rest).toEqual([]);
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.evidence).not.toHaveProperty('exemptionExpired');
  });
});

describe('§8 allow-list entries limited to ports: which rule the fix spares (X21, X22; the -1/-1 naming defect)', () => {
  const allow = (ports: string[]) => ({
    rules: ['sg-open-all-traffic', 'sg-open-unauthorized-port'],
    config: { allowLists: [{ resourceId: 'sg-1', ports, reason: 'partner feed' }] },
  });

  it('revokes a tcp -1/-1 rule (every tcp port) though 443 is allow-listed, and says it closes 443 too', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [-1, -1], '0.0.0.0/0')])] };
    const [finding, ...rest] = audit(snapshot, allow(['443/tcp']));
    expect(rest).toEqual([]);
    expect(finding?.ruleId).toBe('sg-open-all-traffic');
    expect(finding?.evidence.allowListed).toEqual({ ports: ['443/tcp'], reasons: ['partner feed'] });
    expect(finding?.evidence).not.toHaveProperty('allowListedRulesKept');
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: 'tcp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
    // The rule has no id in this snapshot: it is named by protocol, ports and source ("all", not "-1--1").
    expect(finding?.detail).toContain(
      '; tcp all 0.0.0.0/0 also opens other ports and is revoked all the same (re-add a rule for the allow-listed ports alone).',
    );
  });

  // The same port in both transports, each from its own rule: 8000/tcp and 8000/udp.
  const twoTransports = {
    SecurityGroups: [
      sg('sg-1', [perm('tcp', [8000, 8000], '0.0.0.0/0'), perm('udp', [8000, 8000], '0.0.0.0/0')]),
    ],
  };
  const kept = (f: { remediation?: unknown; evidence: Record<string, unknown> } | undefined) => [
    f?.evidence.allowListed,
    f?.evidence.allowListedRulesKept,
    (f?.remediation as { rules?: { ipPermission: { IpProtocol: string } }[] } | undefined)?.rules?.map(
      (r) => r.ipPermission.IpProtocol,
    ),
  ];

  it('spares the tcp rule when 8000/tcp is allow-listed, revokes the udp one without saying it closes an allowed port', () => {
    const [finding, ...rest] = audit(twoTransports, allow(['8000/tcp']));
    expect(rest).toEqual([]);
    expect(finding?.evidence.ports).toEqual(['8000/tcp', '8000/udp']);
    expect(kept(finding)).toEqual([
      { ports: ['8000/tcp'], reasons: ['partner feed'] },
      ['tcp 8000-8000 0.0.0.0/0'],
      ['udp'],
    ]);
    expect(finding?.detail).not.toContain('revoked all the same');
  });

  it('spares the udp rule when only 8000/udp is allow-listed', () => {
    const [finding] = audit(twoTransports, allow(['8000/udp']));
    expect(kept(finding)).toEqual([
      { ports: ['8000/udp'], reasons: ['partner feed'] },
      ['udp 8000-8000 0.0.0.0/0'],
      ['tcp'],
    ]);
  });
});

describe('§4 prefix lists and unresolved lists (S27, S28)', () => {
  it('finds ::/0 in a prefix list whose next IPv6 entry is private', () => {
    for (const entries of [
      ['::/0', 'fd00::/8'],
      ['fd00::/8', '::/0'],
    ]) {
      const snapshot = {
        SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], 'pl-0a')])],
        ManagedPrefixLists: [
          {
            PrefixListId: 'pl-0a',
            PrefixListName: 'admins',
            AddressFamily: 'IPv6',
            OwnerId: '111122223333',
            Entries: entries.map((Cidr) => ({ Cidr })),
          },
        ],
      };
      const findings = audit(snapshot, { rules: ['sg-open-admin-port'] });
      expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports, f.evidence.ipv6])).toEqual([
        ['sg-open-admin-port', 'sg-1', ['22/tcp'], ['22/tcp']],
      ]);
    }
  });

  it('lists the unresolved prefix lists of a group in id order, whatever the rule order', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0', 'pl-0b', 'pl-0a')])],
    };
    const [finding] = audit(snapshot, { rules: ['sg-open-admin-port'] });
    expect(finding?.evidence.unresolvedPrefixLists).toEqual(['pl-0a', 'pl-0b']);
  });
});

describe('§5 sg-open-all-traffic: every tcp port, split between the families (W1)', () => {
  it('reports all traffic for tcp 0-32767 from 0.0.0.0/0 and 32768-65535 from ::/0', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [0, 32767], '0.0.0.0/0'), perm('tcp', [32768, 65535], '::/0')]),
      ],
    };
    const findings = audit(snapshot, {
      rules: [
        'sg-open-all-traffic',
        'sg-open-admin-port',
        'sg-open-high-risk-port',
        'sg-open-unauthorized-port',
      ],
    });
    expect(summary(findings)).toEqual([['sg-open-all-traffic', 'sg-1', ['0-65535/tcp']]]);
  });
});

describe('§8 an allow-list entry that keeps every revocable rule leaves no fix', () => {
  it('plans nothing when the only world-source rule opens allow-listed ports alone', () => {
    // 8001 is world-open through two halves: reported, not revocable (notify-only).
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [
          perm('tcp', [8000, 8000], '0.0.0.0/0'),
          perm('tcp', [8001, 8001], '0.0.0.0/1', '128.0.0.0/1'),
        ]),
      ],
    };
    const [finding, ...rest] = audit(snapshot, {
      rules: ['sg-open-unauthorized-port'],
      config: { allowLists: [{ resourceId: 'sg-1', ports: ['8000/tcp'], reason: 'partner feed' }] },
    });
    expect(rest).toEqual([]);
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.evidence.ports).toEqual(['8000-8001/tcp']);
    expect(finding?.evidence.allowListedRulesKept).toEqual(['tcp 8000-8000 0.0.0.0/0']);
    expect(finding).not.toHaveProperty('remediation');
  });
});

describe('§8 accepted by shape: every attached interface must match (X32)', () => {
  const snapshot = (types: (string | undefined)[]) => ({
    Vpcs: [{ VpcId: 'vpc-1' }],
    SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
    NetworkInterfaces: types.map((type, i) => ({
      NetworkInterfaceId: `eni-${i}`,
      VpcId: 'vpc-1',
      SubnetId: 'subnet-1',
      ...(type ? { InterfaceType: type } : {}),
      Groups: [{ GroupId: 'sg-1' }],
    })),
  });
  const suppressed = (types: (string | undefined)[]) =>
    audit(snapshot(types), {
      rules: ['sg-open-admin-port'],
      config: { allowInterfaceTypes: ['network_load_balancer'] },
    }).map((f) => [f.ruleId, f.resourceId, f.suppressed]);

  it('does not accept a group whose first interface is an instance and second a load balancer', () => {
    expect(suppressed(['interface', 'network_load_balancer'])).toEqual([
      ['sg-open-admin-port', 'sg-1', undefined],
    ]);
    expect(suppressed(['network_load_balancer', 'interface'])).toEqual([
      ['sg-open-admin-port', 'sg-1', undefined],
    ]);
    expect(suppressed([undefined, 'network_load_balancer', 'network_load_balancer'])).toEqual([
      ['sg-open-admin-port', 'sg-1', undefined],
    ]);
  });

  it('accepts it when both are load balancers, saying so', () => {
    expect(suppressed(['network_load_balancer', 'network_load_balancer'])).toEqual([
      [
        'sg-open-admin-port',
        'sg-1',
        {
          by: 'config',
          reason:
            'accepted by shape: all 2 attached interfaces match allowInterfaceTypes (network_load_balancer)',
        },
      ],
    ]);
  });
});

describe('§5 a group world-open in one transport and family only (W3)', () => {
  it('reports udp open to ::/0 alone', () => {
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('udp', [5353, 5353], '::/0')])] };
    const findings = audit(snapshot, { rules: ['sg-open-unauthorized-port', 'sg-open-all-traffic'] });
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports, f.evidence.ipv6])).toEqual([
      ['sg-open-unauthorized-port', 'sg-1', ['5353/udp'], ['5353/udp']],
    ]);
  });
});

describe('§8 an allow-list entry limited to ports covers only findings about ports (X29)', () => {
  it('leaves a subnet finding reported though an entry names the subnet with ports', () => {
    const snapshot = {
      Vpcs: [{ VpcId: 'vpc-1' }],
      Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', MapPublicIpOnLaunch: true }],
    };
    const entry = { resourceId: 'subnet-1', ports: ['22/tcp'], reason: 'lab' };
    const findings = audit(snapshot, {
      rules: ['subnet-auto-assign-public-ip'],
      config: { allowLists: [entry] },
    });
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.suppressed])).toEqual([
      ['subnet-auto-assign-public-ip', 'subnet-1', undefined],
    ]);
    // The same entry without ports allows it.
    const allowed = audit(snapshot, {
      rules: ['subnet-auto-assign-public-ip'],
      config: { allowLists: [{ resourceId: 'subnet-1', reason: 'lab' }] },
    });
    expect(allowed.map((f) => f.suppressed)).toEqual([{ by: 'config', reason: 'lab' }]);
  });
});

describe('§8 accepted by shape names the matched settings in order (X36)', () => {
  it('lists the interface types sorted, whatever the order of the interfaces', () => {
    const snapshot = {
      Vpcs: [{ VpcId: 'vpc-1' }],
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      NetworkInterfaces: ['vpc_endpoint', 'network_load_balancer'].map((InterfaceType, i) => ({
        NetworkInterfaceId: `eni-${i}`,
        VpcId: 'vpc-1',
        SubnetId: 'subnet-1',
        InterfaceType,
        Groups: [{ GroupId: 'sg-1' }],
      })),
    };
    const [finding] = audit(snapshot, {
      rules: ['sg-open-admin-port'],
      config: { allowInterfaceTypes: ['vpc_endpoint', 'network_load_balancer'] },
    });
    expect(finding?.suppressed).toEqual({
      by: 'config',
      reason:
        'accepted by shape: all 2 attached interfaces match allowInterfaceTypes (network_load_balancer, vpc_endpoint)',
    });
  });
});

describe('§8 an exemption tag is read on every kind of resource a rule judges (X38–X43)', () => {
  // A caller's own rule that reports every resource of the model without handing the engine its
  // tags: the engine looks them up by type and id.
  const kinds: [ResourceType, (model: Model) => Iterable<string>][] = [
    ['AWS::EC2::NetworkAcl', (m) => m.networkAcls.keys()],
    ['AWS::EC2::Subnet', (m) => m.subnets.keys()],
    ['AWS::EC2::RouteTable', (m) => m.routeTables.keys()],
    ['AWS::EC2::NatGateway', (m) => m.natGateways.keys()],
    ['AWS::EC2::VPCEndpoint', (m) => m.vpcEndpoints.keys()],
    ['AWS::EC2::NetworkInterface', (m) => m.networkInterfaces.keys()],
    ['AWS::EC2::SecurityGroup', (m) => m.securityGroups.keys()],
  ];
  const everything = defineRule({
    meta: reportOnly('probe-everything', 'low', { title: 'probe', resourceType: 'AWS::EC2::Subnet' }),
    evaluate: ({ model }) =>
      kinds.flatMap(([resourceType, ids]) =>
        [...ids(model)].map((resourceId) => ({
          ruleId: 'probe-everything',
          severity: 'low' as const,
          resourceType,
          resourceId,
          vpcId: 'vpc-1',
          title: resourceId,
          detail: resourceId,
          controls: [],
          evidence: {},
        })),
      ),
  });
  const exempt = [{ Key: TAG, Value: '*' }];

  it('suppresses the finding of each tagged resource, by its own tag', () => {
    const snapshot = parseSnapshot({
      Vpcs: [{ VpcId: 'vpc-1' }],
      Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', Tags: exempt }],
      NetworkAcls: [{ ...nacl('acl-1', []), Tags: exempt }],
      RouteTables: [
        { RouteTableId: 'rtb-1', VpcId: 'vpc-1', Routes: [], Associations: [{ Main: true }], Tags: exempt },
      ],
      NatGateways: [
        { NatGatewayId: 'nat-1', VpcId: 'vpc-1', SubnetId: 'subnet-1', State: 'available', Tags: exempt },
      ],
      VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-1', VpcEndpointType: 'Interface', Tags: exempt }],
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-1', VpcId: 'vpc-1', SubnetId: 'subnet-1', Groups: [], TagSet: exempt },
      ],
      SecurityGroups: [sg('sg-1', [], { tags: exempt })],
    });
    const findings = evaluate(snapshot, parseConfig({}), { rules: [everything] });
    expect(findings.map((f) => [f.resourceType, f.resourceId, f.suppressed?.reason])).toEqual(
      [
        ['AWS::EC2::NetworkAcl', 'acl-1'],
        ['AWS::EC2::Subnet', 'subnet-1'],
        ['AWS::EC2::RouteTable', 'rtb-1'],
        ['AWS::EC2::NatGateway', 'nat-1'],
        ['AWS::EC2::VPCEndpoint', 'vpce-1'],
        ['AWS::EC2::NetworkInterface', 'eni-1'],
        ['AWS::EC2::SecurityGroup', 'sg-1'],
      ]
        .map(([type, id]) => [type, id, `${TAG}=*`])
        .sort((a, b) => ((a[1] as string) < (b[1] as string) ? -1 : 1)),
    );
  });
});

describe('§8 allow-listed ports of a finding name each reason once (X45)', () => {
  it('says the shared reason of two entries once', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-1', [perm('tcp', [8000, 8002], '0.0.0.0/0')])],
    };
    const [finding] = audit(snapshot, {
      rules: ['sg-open-unauthorized-port'],
      config: {
        allowLists: [
          { resourceId: 'sg-1', ports: ['8000/tcp'], reason: 'partner feed' },
          { resourceId: 'sg-1', ports: ['8001/tcp'], reason: 'partner feed' },
        ],
      },
    });
    expect(finding?.evidence.allowListed).toEqual({ ports: ['8000-8001/tcp'], reasons: ['partner feed'] });
  });
});
