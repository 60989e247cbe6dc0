import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings';
import { audit, groups, only, perm, sg, triples } from '../helpers';

const SG_RULES = [
  'sg-open-all-traffic',
  'sg-open-admin-port',
  'sg-open-high-risk-port',
  'sg-open-unauthorized-port',
  'sg-broad-public-source',
];

/** Minimal IPv4 CIDRs covering [0, 2^32) minus the given aligned blocks. */
function worldMinus(...blocks: string[]): string[] {
  const holes = blocks.map((b) => {
    const [address, prefix] = b.split('/');
    const value = (address ?? '').split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return [value, value + 2 ** (32 - Number(prefix))] as const;
  });
  const out: string[] = [];
  const visit = (start: number, size: number) => {
    const end = start + size;
    if (holes.some(([s, e]) => s <= start && end <= e)) return;
    if (!holes.some(([s, e]) => s < end && start < e)) {
      const quad = [start / 2 ** 24, (start / 2 ** 16) % 256, (start / 256) % 256, start % 256].map(
        Math.floor,
      );
      out.push(`${quad.join('.')}/${32 - Math.log2(size)}`);
      return;
    }
    visit(start, size / 2);
    visit(start + size / 2, size / 2);
  };
  visit(0, 2 ** 32);
  return out;
}

function sgFindings(ingress: ReturnType<typeof perm>[]): Finding[] {
  return audit(groups(sg('sg-1', ingress)), { rules: SG_RULES });
}

describe('world-open (DESIGN §4)', () => {
  it('0.0.0.0/0 on tcp 22 is world-open: admin, critical, with the CIS/FSBP controls', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '0.0.0.0/0')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.controls).toEqual([
      'CIS 5.2',
      'CIS 5.3',
      'FSBP EC2.13',
      'FSBP EC2.14',
      'FSBP EC2.53',
      'FSBP EC2.54',
    ]);
    expect(findings[0]?.resourceType).toBe('AWS::EC2::SecurityGroup');
    expect(findings[0]?.vpcId).toBe('vpc-1');
  });

  it('::/0 alone is world-open over IPv6', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '::/0')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.evidence).toMatchObject({ ipv4: [], ipv6: ['22/tcp'] });
  });

  it('0.0.0.0/1 + 128.0.0.0/1 is world-open, notify-only', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '0.0.0.0/1', '128.0.0.0/1')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.remediation).toBeUndefined();
  });

  it('the world minus a blocklist of two public /8s is still world-open (≥ 99%)', () => {
    const sources = worldMinus('1.0.0.0/8', '2.0.0.0/8');
    const findings = sgFindings([perm('tcp', [3389, 3389], ...sources)]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['3389/tcp']]]);
    expect(findings[0]?.remediation).toBeUndefined();
  });

  it('the world minus ~14% (64.0.0.0/3) is not world-open but broad', () => {
    const sources = worldMinus('64.0.0.0/3');
    const findings = sgFindings([perm('tcp', [22, 22], ...sources)]);
    expect(triples(findings)).toEqual([['sg-broad-public-source', 'sg-1', 'low', ['22/tcp']]]);
    expect(findings[0]?.controls).toEqual([]);
    expect(findings[0]?.remediation).toBeUndefined();
  });

  it('the world minus exactly the non-public ranges is world-open (only public space counts)', () => {
    const sources = worldMinus('10.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '0.0.0.0/8', '172.16.0.0/12');
    const findings = sgFindings([perm('tcp', [22, 22], ...sources)]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });

  it('private ranges only (10/8, 172.16/12, 192.168/16, 100.64/10) are not public: nothing', () => {
    const findings = sgFindings([
      perm('-1', undefined, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'),
    ]);
    expect(findings).toEqual([]);
  });

  it('an office /24 or a partner /9 is neither world-open nor broad', () => {
    expect(sgFindings([perm('tcp', [22, 22], '203.0.114.0/24', '64.0.0.0/9')])).toEqual([]);
  });

  it('a CIDR with host bits is read as EC2 reads it (208.236.235.254/0 is the world)', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '208.236.235.254/0')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    // The rule's own source is the whole space, so it is revoked, as written.
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '208.236.235.254/0' }],
          },
        },
      ],
    });
  });

  it('2000::/3 alone is the whole IPv6 public space: world-open', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '2000::/3')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });

  it('2000::/4 is half of the IPv6 public space: broad, not world-open', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '2000::/4')]);
    expect(triples(findings)).toEqual([['sg-broad-public-source', 'sg-1', 'low', ['22/tcp']]]);
    expect(findings[0]?.evidence).toMatchObject({ ipv4: [], ipv6: ['22/tcp'] });
  });

  it('IPv6 ranges outside 2000::/3 (fc00::/7, fe80::/10) are not public', () => {
    expect(sgFindings([perm('tcp', [22, 22], 'fc00::/7', 'fe80::/10')])).toEqual([]);
  });

  it('broad thresholds: exactly 2^24 public IPv4 is broad, 2^24 - 1 addresses is not', () => {
    expect(triples(sgFindings([perm('tcp', [8443, 8443], '11.0.0.0/8')]))).toEqual([
      ['sg-broad-public-source', 'sg-1', 'low', ['8443/tcp']],
    ]);
    expect(sgFindings([perm('tcp', [8443, 8443], '11.0.0.0/9', '11.128.0.0/10', '11.192.0.0/11')])).toEqual(
      [],
    );
  });

  it('broad threshold IPv6: a /32 (2^96) is broad, a /33 is not', () => {
    expect(triples(sgFindings([perm('tcp', [443, 443], '2001:db8::/32')]))).toEqual([
      ['sg-broad-public-source', 'sg-1', 'low', ['443/tcp']],
    ]);
    expect(sgFindings([perm('tcp', [443, 443], '2001:db8::/33')])).toEqual([]);
  });

  it('the world-open share is configurable (worldOpenCoverage 0.8 makes world-minus-14% world-open)', () => {
    const sources = worldMinus('64.0.0.0/3');
    const findings = audit(groups(sg('sg-1', [perm('tcp', [22, 22], ...sources)])), {
      rules: SG_RULES,
      config: { worldOpenCoverage: 0.8 },
    });
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });
});

describe('sg-open-* classes and precedence (DESIGN §5)', () => {
  it('udp 3389 from 0.0.0.0/0 is an admin port', () => {
    expect(triples(sgFindings([perm('udp', [3389, 3389], '0.0.0.0/0')]))).toEqual([
      ['sg-open-admin-port', 'sg-1', 'critical', ['3389/udp']],
    ]);
  });

  it('udp 22 is not an admin port nor high-risk (FSBP lists tcp): unauthorized', () => {
    expect(triples(sgFindings([perm('udp', [22, 22], '0.0.0.0/0')]))).toEqual([
      ['sg-open-unauthorized-port', 'sg-1', 'medium', ['22/udp']],
    ]);
  });

  it('protocol -1 from 0.0.0.0/0 is only sg-open-all-traffic, revoked', () => {
    const findings = sgFindings([perm('-1', undefined, '0.0.0.0/0')]);
    expect(triples(findings)).toEqual([
      ['sg-open-all-traffic', 'sg-1', 'critical', ['0-65535/tcp', '0-65535/udp']],
    ]);
    expect(findings[0]?.controls).toEqual(['FSBP EC2.18', 'FSBP EC2.19']);
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        { direction: 'ingress', ipPermission: { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] } },
      ],
    });
  });

  it('protocol -1 world-open over IPv4 with a broad IPv6 source on 22: all-traffic only (22 is world-open)', () => {
    const findings = sgFindings([perm('-1', undefined, '0.0.0.0/0'), perm('tcp', [22, 22], '2000::/4')]);
    expect(triples(findings)).toEqual([
      ['sg-open-all-traffic', 'sg-1', 'critical', ['0-65535/tcp', '0-65535/udp']],
    ]);
  });

  it('numeric protocols "6" and "17" count as tcp and udp, and the revoke repeats them as written', () => {
    const findings = sgFindings([perm('6', [22, 22], '0.0.0.0/0'), perm('17', [53, 53], '0.0.0.0/0')]);
    expect(triples(findings)).toEqual([
      ['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']],
      ['sg-open-unauthorized-port', 'sg-1', 'medium', ['53/udp']],
    ]);
    const admin = only(findings, 'sg-open-admin-port');
    expect(admin.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
  });

  it('icmp, icmpv6 and protocol 50 from the world never count', () => {
    const findings = sgFindings([
      perm('icmp', [-1, -1], '0.0.0.0/0'),
      perm('icmpv6', [-1, -1], '::/0'),
      perm('1', [8, 0], '0.0.0.0/0'),
      perm('50', undefined, '0.0.0.0/0'),
      perm('58', [-1, -1], '::/0'),
    ]);
    expect(findings).toEqual([]);
  });

  it('tcp 0-65535 is all traffic (every tcp port)', () => {
    const findings = sgFindings([perm('tcp', [0, 65535], '0.0.0.0/0')]);
    expect(triples(findings)).toEqual([['sg-open-all-traffic', 'sg-1', 'critical', ['0-65535/tcp']]]);
  });

  it('tcp 1-65535 misses port 0: admin, high-risk and unauthorized rather than all-traffic', () => {
    const findings = sgFindings([perm('tcp', [1, 65535], '0.0.0.0/0')]);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['sg-open-admin-port', 'critical'],
      ['sg-open-high-risk-port', 'high'],
      ['sg-open-unauthorized-port', 'medium'],
    ]);
    expect(only(findings, 'sg-open-admin-port').evidence.ports).toEqual(['22/tcp', '3389/tcp']);
    const unauthorized = only(findings, 'sg-open-unauthorized-port').evidence.ports as string[];
    expect(unauthorized[0]).toBe('1-19/tcp');
    expect(unauthorized).toContain('81-109/tcp');
    expect(unauthorized).not.toContain('80/tcp');
  });

  it('all udp ports alone are not all-traffic', () => {
    const findings = sgFindings([perm('udp', [0, 65535], '0.0.0.0/0')]);
    expect(findings.map((f) => [f.ruleId, f.evidence.ports])).toEqual([
      ['sg-open-admin-port', ['3389/udp']],
      ['sg-open-unauthorized-port', ['0-3388/udp', '3390-65535/udp']],
    ]);
  });

  it('tcp 20-23: admin 22 critical, high-risk 20, 21 and 23', () => {
    const findings = sgFindings([perm('tcp', [20, 23], '0.0.0.0/0')]);
    expect(triples(findings)).toEqual([
      ['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']],
      ['sg-open-high-risk-port', 'sg-1', 'high', ['20-21/tcp', '23/tcp']],
    ]);
    expect(only(findings, 'sg-open-high-risk-port').controls).toEqual(['FSBP EC2.19']);
  });

  it('every FSBP EC2.19 port is high-risk', () => {
    const ports = [
      20, 21, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 4333, 5000, 5432, 5500, 5601, 8080, 8088,
      8888, 9200, 9300,
    ];
    const findings = sgFindings(ports.map((p) => perm('tcp', [p, p], '0.0.0.0/0')));
    expect(triples(findings)).toEqual([
      [
        'sg-open-high-risk-port',
        'sg-1',
        'high',
        [
          '20-21/tcp',
          ...[23, 25, 110, 135, 143, 445].map((p) => `${p}/tcp`),
          '1433-1434/tcp',
          ...[3000, 3306, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300].map((p) => `${p}/tcp`),
        ],
      ],
    ]);
  });

  it('authorized 80/443 world-open: no sg-open-* finding at all', () => {
    expect(
      sgFindings([perm('tcp', [80, 80], '0.0.0.0/0', '::/0'), perm('tcp', [443, 443], '0.0.0.0/0')]),
    ).toEqual([]);
  });

  it('tcp 79-81: 79 and 81 unauthorized, 80 authorized', () => {
    expect(triples(sgFindings([perm('tcp', [79, 81], '0.0.0.0/0')]))).toEqual([
      ['sg-open-unauthorized-port', 'sg-1', 'medium', ['79/tcp', '81/tcp']],
    ]);
  });

  it('udp 53 and udp 443 world-open are unauthorized (authorized ports are tcp)', () => {
    const findings = sgFindings([perm('udp', [53, 53], '0.0.0.0/0'), perm('udp', [443, 443], '0.0.0.0/0')]);
    expect(triples(findings)).toEqual([
      ['sg-open-unauthorized-port', 'sg-1', 'medium', ['53/udp', '443/udp']],
    ]);
    expect(findings[0]?.controls).toEqual(['FSBP EC2.18']);
  });

  it('referenced groups are never internet sources', () => {
    expect(sgFindings([perm('-1', undefined, 'sg-2'), perm('tcp', [22, 22], 'sg-3')])).toEqual([]);
  });

  it('egress world-open never makes an sg-open-* or broad finding (ingress only)', () => {
    const findings = audit(
      groups(
        sg('sg-1', [], {
          egress: [perm('-1', undefined, '0.0.0.0/0', '::/0'), perm('tcp', [22, 22], '11.0.0.0/8')],
        }),
      ),
      { rules: SG_RULES },
    );
    expect(findings).toEqual([]);
  });

  it('a port is reported once, under the first class: 22 from both families is one admin finding', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '0.0.0.0/0', '::/0')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.evidence).toMatchObject({ ipv4: ['22/tcp'], ipv6: ['22/tcp'] });
  });

  it('broad is judged per port: 22 world-open and 8443 broad are two findings', () => {
    const findings = sgFindings([
      perm('tcp', [22, 22], '0.0.0.0/0'),
      perm('tcp', [8443, 8443], '11.0.0.0/8'),
    ]);
    expect(triples(findings)).toEqual([
      ['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']],
      ['sg-broad-public-source', 'sg-1', 'low', ['8443/tcp']],
    ]);
  });

  it('broad on 443 too: 80/443 are not exempt from sg-broad-public-source', () => {
    expect(triples(sgFindings([perm('tcp', [443, 443], '11.0.0.0/8')]))).toEqual([
      ['sg-broad-public-source', 'sg-1', 'low', ['443/tcp']],
    ]);
  });

  it('a /8 on a world-open port is not broad there (world-open wins on that same port)', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [22, 22], '11.0.0.0/8')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });

  it('configured port classes are followed (admin 2222/tcp, authorized 8443/tcp)', () => {
    const findings = audit(
      groups(sg('sg-1', [perm('tcp', [2222, 2222], '0.0.0.0/0'), perm('tcp', [8443, 8443], '0.0.0.0/0')])),
      { rules: SG_RULES, config: { adminPorts: ['2222/tcp'], authorizedPorts: ['8443/tcp'] } },
    );
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['2222/tcp']]]);
  });
});

describe('sg-open-* sources and revoke plans', () => {
  const PREFIX_LISTS = [
    { PrefixListId: 'pl-world', PrefixListName: 'everyone', Entries: [{ Cidr: '0.0.0.0/0' }] },
    { PrefixListId: 'pl-corp', PrefixListName: 'corp', Entries: [{ Cidr: '10.0.0.0/8' }] },
  ];
  const RULES = [
    {
      SecurityGroupRuleId: 'sgr-pl-world',
      GroupId: 'sg-1',
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      PrefixListId: 'pl-world',
      Tags: [],
    },
    {
      SecurityGroupRuleId: 'sgr-pl-corp',
      GroupId: 'sg-1',
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 3389,
      ToPort: 3389,
      PrefixListId: 'pl-corp',
      Tags: [],
    },
  ];

  it('a resolved prefix list holding 0.0.0.0/0 is world-open and revoked by rule id', () => {
    const findings = audit(
      {
        SecurityGroups: [
          sg('sg-1', [perm('tcp', [22, 22], 'pl-world'), perm('tcp', [3389, 3389], 'pl-corp')]),
        ],
        SecurityGroupRules: RULES,
        ManagedPrefixLists: PREFIX_LISTS,
      },
      { rules: SG_RULES },
    );
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          securityGroupRuleId: 'sgr-pl-world',
          ipPermission: {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            PrefixListIds: [{ PrefixListId: 'pl-world' }],
          },
        },
      ],
    });
    expect(findings[0]?.evidence.unresolvedPrefixLists).toBeUndefined();
  });

  it('an unresolved prefix list fabricates no finding; with another finding it is listed as unknown', () => {
    expect(sgFindings([perm('tcp', [22, 22], 'pl-unknown')])).toEqual([]);
    const findings = sgFindings([
      perm('tcp', [22, 22], 'pl-unknown'),
      perm('tcp', [3389, 3389], '0.0.0.0/0'),
    ]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['3389/tcp']]]);
    expect(findings[0]?.evidence.unresolvedPrefixLists).toEqual(['pl-unknown']);
  });

  it('revokes only the world source of a permission that also lists 10.0.0.0/8 (ipPermission fallback)', () => {
    const findings = sgFindings([perm('tcp', [22, 22], '10.0.0.0/8', '0.0.0.0/0', '198.51.100.7/32')]);
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
  });

  it('with SecurityGroupRules, revokes by SecurityGroupRuleId only the world rule of the permission', () => {
    const rule = (id: string, cidr: string) => ({
      SecurityGroupRuleId: id,
      GroupId: 'sg-1',
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      ...(cidr.includes(':') ? { CidrIpv6: cidr } : { CidrIpv4: cidr }),
      Tags: [],
    });
    const findings = audit(
      {
        SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '10.0.0.0/8', '0.0.0.0/0', '::/0')])],
        SecurityGroupRules: [rule('sgr-a', '10.0.0.0/8'), rule('sgr-b', '0.0.0.0/0'), rule('sgr-c', '::/0')],
      },
      { rules: SG_RULES },
    );
    const plan = findings[0]?.remediation;
    expect(plan?.action).toBe('revoke-security-group-rules');
    expect(
      plan && plan.action === 'revoke-security-group-rules'
        ? plan.rules.map((r) => r.securityGroupRuleId)
        : [],
    ).toEqual(['sgr-b', 'sgr-c']);
  });

  it('revokes the 0.0.0.0/0 rule of each class finding and leaves narrower union ranges as notify-only', () => {
    const findings = sgFindings([
      perm('tcp', [22, 22], '0.0.0.0/0'),
      perm('tcp', [22, 22], '0.0.0.0/1', '128.0.0.0/1'),
    ]);
    const admin = only(findings, 'sg-open-admin-port');
    expect(admin.evidence.notRemediable).toEqual({ ipv4: ['22/tcp'] });
    expect(admin.remediation).toBeDefined();
  });
});

describe('sg-default-not-restricted', () => {
  it('a default group (GroupName "default") with its standard self-reference and egress fires medium', () => {
    const findings = audit(
      groups(
        sg('sg-default', [perm('-1', undefined, 'sg-default')], {
          name: 'default',
          egress: [perm('-1', undefined, '0.0.0.0/0')],
        }),
      ),
    );
    expect(triples(findings)).toEqual([['sg-default-not-restricted', 'sg-default', 'medium', undefined]]);
    const finding = findings[0];
    expect(finding?.controls).toEqual(['CIS 5.4', 'FSBP EC2.2']);
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-default',
      rules: [
        {
          direction: 'ingress',
          ipPermission: {
            IpProtocol: '-1',
            UserIdGroupPairs: [{ GroupId: 'sg-default', UserId: '111122223333' }],
          },
        },
        { direction: 'egress', ipPermission: { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] } },
      ],
    });
  });

  it('a default group without rules, and a non-default group with rules, give nothing', () => {
    expect(
      audit(groups(sg('sg-default', [], { name: 'default' })), { rules: ['sg-default-not-restricted'] }),
    ).toEqual([]);
    expect(
      audit(groups(sg('sg-2', [perm('-1', undefined, 'sg-2')], { name: 'app' })), {
        rules: ['sg-default-not-restricted'],
      }),
    ).toEqual([]);
  });

  it('a default group world-open on 22 gets both the admin finding and the default-group finding', () => {
    const findings = audit(
      groups(sg('sg-default', [perm('tcp', [22, 22], '0.0.0.0/0')], { name: 'default' })),
    );
    expect(findings.map((f) => f.ruleId)).toEqual(['sg-open-admin-port', 'sg-default-not-restricted']);
  });
});
