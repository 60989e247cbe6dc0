import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config';
import type { Finding } from '../../shared/findings';
import { audit, entry, nacl, OPEN_ENTRIES, only, triples } from '../helpers';

const NACL_RULES = ['nacl-open-admin-port', 'nacl-ephemeral-return-blocked'];

function naclFindings(
  entries: ReturnType<typeof entry>[],
  options: { isDefault?: boolean; subnetIds?: string[]; config?: ConfigInput; rules?: string[] } = {},
): Finding[] {
  // The tests here list every entry themselves (final denies included or, on purpose, left out).
  const acl = nacl('acl-1', entries, { ...options, implicitDenies: false });
  return audit(
    { Vpcs: [VPC], NetworkAcls: [acl] },
    {
      rules: options.rules ?? ['nacl-open-admin-port'],
      ...(options.config ? { config: options.config } : {}),
    },
  );
}

/** The NACL's VPC: one IPv4 block, no IPv6 block (the kept source of DESIGN §8 "NACL precision"). */
const VPC = {
  VpcId: 'vpc-1',
  CidrBlock: '10.0.0.0/16',
  CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
};

const FINAL_DENIES = [
  entry(32767, 'in', 'deny', '-1', '0.0.0.0/0'),
  entry(32767, 'out', 'deny', '-1', '0.0.0.0/0'),
];
/** Outbound that serves any return traffic, so only the inbound side is under test. */
const OUT_ALL = entry(100, 'out', 'allow', '-1', '0.0.0.0/0');

function deny(ruleNumber: number, protocol: '6' | '17', port: number, cidr = '0.0.0.0/0', action = 'deny') {
  return {
    NetworkAclId: 'acl-1',
    RuleNumber: ruleNumber,
    Protocol: protocol,
    RuleAction: action,
    Egress: false,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    PortRange: { From: port, To: port },
  };
}

/** An allow from the VPC's block (a kept source), as planned below a deny or by narrowing. */
const allowVpc = (ruleNumber: number, protocol: '6' | '17', port: number) =>
  deny(ruleNumber, protocol, port, '10.0.0.0/16', 'allow');

/** The plan that narrows the admin-only world entries `numbers` (tcp `port`) to the VPC's block. */
function narrowed(port: number, ...was: [number, string][]) {
  return {
    action: 'fix-network-acl-entries',
    networkAclId: 'acl-1',
    deleteEntries: [],
    createEntries: [],
    replaceEntries: was.map(([n]) => allowVpc(n, '6', port)),
    previousEntries: was.map(([n, cidr]) => deny(n, '6', port, cidr, 'allow')),
  };
}

/** The plan that only creates entries. */
function creates(...createEntries: ReturnType<typeof deny>[]) {
  return {
    action: 'fix-network-acl-entries',
    networkAclId: 'acl-1',
    deleteEntries: [],
    createEntries,
    replaceEntries: [],
    previousEntries: [],
  };
}

describe('NACL first-match semantics (DESIGN §4)', () => {
  it('a deny before the allow closes the port; the other admin ports stay open', () => {
    const findings = naclFindings([
      entry(90, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]),
      entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
      OUT_ALL,
      ...FINAL_DENIES,
    ]);
    expect(triples(findings)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['3389/tcp', '3389/udp']]]);
  });

  it('an allow numbered before a deny wins, whatever the order of the array', () => {
    const findings = naclFindings([
      entry(200, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]),
      ...FINAL_DENIES,
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
      OUT_ALL,
    ]);
    expect(triples(findings)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp']]]);
    expect(findings[0]?.remediation).toEqual(narrowed(22, [100, '0.0.0.0/0']));
  });

  it('the final deny applies when 32767 is not listed', () => {
    const findings = naclFindings([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [80, 80]), OUT_ALL]);
    expect(findings).toEqual([]);
  });

  it('a deny of a public /8 before the allow leaves it world-open (≥ 99%); a deny of 0.0.0.0/1 does not', () => {
    const blocklisted = naclFindings([
      entry(90, 'in', 'deny', '-1', '1.0.0.0/8'),
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
      OUT_ALL,
    ]);
    expect(triples(blocklisted)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp']]]);
    const halved = naclFindings([
      entry(90, 'in', 'deny', '-1', '0.0.0.0/1'),
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
      OUT_ALL,
    ]);
    expect(halved).toEqual([]);
  });

  it('IPv6: a deny of 2000::/4 before allow ::/0 halves the public space (not world-open); fc00::/7 does not', () => {
    const halved = naclFindings([
      entry(90, 'in', 'deny', '-1', '2000::/4'),
      entry(100, 'in', 'allow', '6', '::/0', [22, 22]),
    ]);
    expect(halved).toEqual([]);
    const ula = naclFindings([
      entry(90, 'in', 'deny', '-1', 'fc00::/7'),
      entry(100, 'in', 'allow', '6', '::/0', [22, 22]),
    ]);
    expect(triples(ula)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp']]]);
    expect(ula[0]?.evidence).toMatchObject({ ipv4: [], ipv6: ['22/tcp'] });
  });

  it('an allow from 10.0.0.0/8 or from the VPC is not world-open', () => {
    const findings = naclFindings([
      entry(100, 'in', 'allow', '-1', '10.0.0.0/8'),
      entry(110, 'in', 'allow', '6', '172.16.0.0/12', [22, 22]),
      entry(100, 'out', 'allow', '-1', '10.0.0.0/8'),
    ]);
    expect(findings).toEqual([]);
  });

  it('icmp and other protocols never open an admin port', () => {
    const findings = naclFindings([
      entry(100, 'in', 'allow', '1', '0.0.0.0/0'),
      entry(110, 'in', 'allow', '50', '0.0.0.0/0'),
      entry(120, 'in', 'allow', '58', '::/0'),
      OUT_ALL,
    ]);
    expect(findings).toEqual([]);
  });
});

describe('nacl-open-admin-port (DESIGN §5, §8)', () => {
  it('the AWS default NACL fires high with CIS 5.1 / FSBP EC2.21 and a deny per admin port and family', () => {
    const findings = naclFindings(OPEN_ENTRIES, { isDefault: true, rules: ['nacl-open-admin-port'] });
    expect(triples(findings)).toEqual([
      ['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp', '3389/tcp', '3389/udp']],
    ]);
    const finding = only(findings, 'nacl-open-admin-port');
    expect(finding.controls).toEqual(['CIS 5.1', 'FSBP EC2.21']);
    expect(finding.resourceType).toBe('AWS::EC2::NetworkAcl');
    expect(finding.evidence).toMatchObject({
      ipv4: ['22/tcp', '3389/tcp', '3389/udp'],
      ipv6: ['22/tcp', '3389/tcp', '3389/udp'],
      isDefault: true,
    });
    // tcp 22, tcp 3389, udp 3389; IPv4 before IPv6; each the largest free number below its entry;
    // an allow from the VPC's IPv4 block just below each IPv4 deny (the VPC has no IPv6 block).
    expect(finding.remediation).toEqual(
      creates(
        deny(99, '6', 22),
        allowVpc(98, '6', 22),
        deny(97, '6', 22, '::/0'),
        deny(96, '6', 3389),
        allowVpc(95, '6', 3389),
        deny(94, '6', 3389, '::/0'),
        deny(93, '17', 3389),
        allowVpc(92, '17', 3389),
        deny(91, '17', 3389, '::/0'),
      ),
    );
  });

  it('IPv6 only: allow -1 ::/0 opens the admin ports over IPv6 only', () => {
    const findings = naclFindings(
      [
        entry(101, 'in', 'allow', '-1', '::/0'),
        entry(101, 'out', 'allow', '-1', '::/0'),
        entry(32768, 'in', 'deny', '-1', '::/0'),
        entry(32768, 'out', 'deny', '-1', '::/0'),
      ],
      { rules: ['nacl-open-admin-port'] },
    );
    expect(triples(findings)).toEqual([
      ['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp', '3389/tcp', '3389/udp']],
    ]);
    expect(findings[0]?.evidence).toMatchObject({ ipv4: [], ipv6: ['22/tcp', '3389/tcp', '3389/udp'] });
    const plan = findings[0]?.remediation;
    expect(
      plan?.action === 'fix-network-acl-entries'
        ? plan.createEntries.map((e) => [e.RuleNumber, e.Ipv6CidrBlock])
        : [],
    ).toEqual([
      [100, '::/0'],
      [99, '::/0'],
      [98, '::/0'],
    ]);
  });

  it('an unassociated NACL is evaluated and says "not associated"', () => {
    const findings = naclFindings([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]), OUT_ALL], {
      subnetIds: [],
      rules: ['nacl-open-admin-port'],
    });
    expect(triples(findings)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp']]]);
    expect(findings[0]?.evidence).toMatchObject({
      associated: false,
      association: 'not associated',
      subnetIds: [],
    });
    expect(findings[0]?.detail).toContain('not associated');
  });

  it('the return entry tcp 1024-65535 from 0.0.0.0/0 leaves tcp 3389 open: a deny just below it', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(110, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        OUT_ALL,
        ...FINAL_DENIES,
      ],
      { rules: ['nacl-open-admin-port'] },
    );
    expect(triples(findings)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['3389/tcp']]]);
    expect(findings[0]?.remediation).toEqual(creates(deny(109, '6', 3389), allowVpc(108, '6', 3389)));
    expect(findings[0]?.detail).toContain('deny');
  });

  it('the deny takes the largest free number below the entry (109 and 108 taken: 107, the allow 106)', () => {
    const findings = naclFindings(
      [
        entry(108, 'in', 'allow', '6', '10.0.0.0/8', [5432, 5432]),
        entry(109, 'in', 'allow', '6', '10.0.0.0/8', [443, 443]),
        entry(110, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        OUT_ALL,
      ],
      { rules: ['nacl-open-admin-port'] },
    );
    const plan = findings[0]?.remediation;
    expect(plan?.action === 'fix-network-acl-entries' ? plan.createEntries : []).toEqual([
      deny(107, '6', 3389),
      allowVpc(106, '6', 3389),
    ]);
  });

  it('no free number below the entry: notify only', () => {
    const findings = naclFindings([entry(1, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]), OUT_ALL], {
      rules: ['nacl-open-admin-port'],
    });
    expect(triples(findings)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['3389/tcp']]]);
    expect(findings[0]?.remediation).toBeUndefined();
  });

  it('allow tcp 22 from 0.0.0.0/0 alone: narrow that entry to the VPC block', () => {
    const findings = naclFindings([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]), OUT_ALL], {
      rules: ['nacl-open-admin-port'],
    });
    expect(findings[0]?.remediation).toEqual(narrowed(22, [100, '0.0.0.0/0']));
  });

  it('an admin-only entry shadowing a broader world allow: narrowing would not close 22, so deny before it', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
        entry(200, 'in', 'allow', '6', '0.0.0.0/0', [0, 1023]),
        OUT_ALL,
      ],
      { rules: ['nacl-open-admin-port'] },
    );
    expect(findings[0]?.remediation).toEqual(creates(deny(99, '6', 22), allowVpc(98, '6', 22)));
  });

  it('world-open through 0.0.0.0/1 + 128.0.0.0/1 admin-only entries: narrow both', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', 'tcp', '0.0.0.0/1', [22, 22]),
        entry(110, 'in', 'allow', 'tcp', '128.0.0.0/1', [22, 22]),
        OUT_ALL,
      ],
      { rules: ['nacl-open-admin-port'] },
    );
    const plan = findings[0]?.remediation;
    expect(plan).toMatchObject({ deleteEntries: [], createEntries: [] });
    // The entries were written with protocol "tcp": the replace keeps that protocol, as its number;
    // the previous entries (what undoing writes back) are as they were.
    expect(plan?.action === 'fix-network-acl-entries' ? plan.replaceEntries : []).toEqual([
      allowVpc(100, '6', 22),
      allowVpc(110, '6', 22),
    ]);
    expect(
      plan?.action === 'fix-network-acl-entries' ? plan.previousEntries.map((e) => e.Protocol) : [],
    ).toEqual(['tcp', 'tcp']);
  });

  it('allow tcp 0-1023: a deny for 22 before it, so the other ports keep working', () => {
    const findings = naclFindings([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 1023]), OUT_ALL], {
      rules: ['nacl-open-admin-port'],
    });
    expect(triples(findings)).toEqual([['nacl-open-admin-port', 'acl-1', 'high', ['22/tcp']]]);
    expect(findings[0]?.remediation).toEqual(creates(deny(99, '6', 22), allowVpc(98, '6', 22)));
  });

  it('an egress allow of 22 is not inbound exposure', () => {
    expect(
      naclFindings([entry(100, 'out', 'allow', '6', '0.0.0.0/0', [22, 22])], {
        rules: ['nacl-open-admin-port'],
      }),
    ).toEqual([]);
  });

  it('a private allow of 22 numbered first does not shadow the public one, and is not changed', () => {
    const findings = naclFindings(
      [
        entry(90, 'in', 'allow', '6', '10.0.0.0/8', [22, 22]),
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
        OUT_ALL,
      ],
      { rules: ['nacl-open-admin-port'] },
    );
    expect(findings[0]?.remediation).toEqual(narrowed(22, [100, '0.0.0.0/0']));
  });
});

describe('nacl-ephemeral-return-blocked (DESIGN §5)', () => {
  it('outbound allow-all is a service entry: inbound must let the return range in for tcp and udp', () => {
    const findings = naclFindings([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]), OUT_ALL], {
      rules: ['nacl-ephemeral-return-blocked'],
    });
    const directions = findings[0]?.evidence.directions as { direction: string; blockedPorts: string[] }[];
    expect(directions.map((d) => [d.direction, d.blockedPorts])).toEqual([
      ['egress', ['1024-3388/udp', '3390-65535/udp']],
    ]);
  });

  it('fires medium once for the NACL when both directions lack the return range', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
        ...FINAL_DENIES,
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(triples(findings)).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1', 'medium', ['1024-3388/tcp', '3390-65535/tcp']],
    ]);
    const directions = findings[0]?.evidence.directions as { direction: string; blockedPorts: string[] }[];
    expect(directions.map((d) => [d.direction, d.blockedPorts])).toEqual([
      ['ingress', ['1024-3388/tcp', '3390-65535/tcp']],
      ['egress', ['1024-3388/tcp', '3390-65535/tcp']],
    ]);
    expect(findings[0]?.controls).toEqual([]);
    expect(findings[0]?.remediation).toBeUndefined();
  });

  it('the standard layout (return ranges both ways, 22/3389 denied inside them) is not punished', () => {
    const findings = audit(
      {
        NetworkAcls: [
          nacl('acl-1', [
            entry(90, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]),
            entry(91, 'in', 'deny', '6', '0.0.0.0/0', [3389, 3389]),
            entry(92, 'in', 'deny', '17', '0.0.0.0/0', [3389, 3389]),
            entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
            entry(110, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
            entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
            entry(110, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
            ...FINAL_DENIES,
          ]),
        ],
      },
      { rules: NACL_RULES },
    );
    expect(findings).toEqual([]);
  });

  it('a return range limited to private peers cuts off the public peers of a world-facing service', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(100, 'out', 'allow', '6', '10.0.0.0/8', [1024, 65535]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(triples(findings)).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1', 'medium', ['1024-3388/tcp', '3390-65535/tcp']],
    ]);
    const directions = findings[0]?.evidence.directions as {
      direction: string;
      serviceEntries: { ruleNumber: number }[];
      blockedPeers: Record<string, string[]>;
    }[];
    expect(directions.map((d) => d.direction)).toEqual(['ingress']);
    expect(directions[0]?.serviceEntries.map((e) => e.ruleNumber)).toEqual([100]);
    expect(directions[0]?.blockedPeers.ipv4?.[0]).toBe('0.0.0.0/5');
  });

  it('a return range for only part of the ephemeral range blocks the rest', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [32768, 60999]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(triples(findings)).toEqual([
      [
        'nacl-ephemeral-return-blocked',
        'acl-1',
        'medium',
        ['1024-3388/tcp', '3390-32767/tcp', '61000-65535/tcp'],
      ],
    ]);
  });

  it('the ephemeral range is configurable (32768-60999 for Linux-only peers)', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [32768, 60999]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'], config: { ephemeralPorts: { from: 32768, to: 60999 } } },
    );
    expect(findings).toEqual([]);
  });

  it('with ephemeral 32768-60999, an entry for 1024-65535 has a part below the range: a service', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'], config: { ephemeralPorts: { from: 32768, to: 60999 } } },
    );
    const directions = findings[0]?.evidence.directions as { direction: string; blockedPorts: string[] }[];
    expect(directions.map((d) => [d.direction, d.blockedPorts])).toEqual([['ingress', ['32768-60999/tcp']]]);
  });

  it('an entry wholly inside the ephemeral range is not a service', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(findings).toEqual([]);
  });

  it('a service entry shadowed by an earlier deny permits no peer: nothing required', () => {
    const findings = naclFindings(
      [
        entry(90, 'in', 'deny', '6', '0.0.0.0/0', [0, 1023]),
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(findings).toEqual([]);
  });

  it('udp needs its own return range: a tcp return range does not serve udp 53', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '17', '10.0.0.0/8', [53, 53]),
        entry(100, 'out', 'allow', '6', '10.0.0.0/8', [1024, 65535]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(triples(findings)).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1', 'medium', ['1024-3388/udp', '3390-65535/udp']],
    ]);
  });

  it('a return path through an allow -1 entry serves both protocols', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '17', '0.0.0.0/0', [53, 53]),
        entry(110, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(120, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        entry(130, 'in', 'allow', '17', '0.0.0.0/0', [1024, 65535]),
        OUT_ALL,
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    expect(findings).toEqual([]);
  });

  it('IPv6 peers need an IPv6 return entry', () => {
    const findings = naclFindings(
      [
        entry(100, 'in', 'allow', '6', '::/0', [443, 443]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
      ],
      { rules: ['nacl-ephemeral-return-blocked'] },
    );
    const directions = findings[0]?.evidence.directions as { blockedPeers: Record<string, string[]> }[];
    expect(directions[0]?.blockedPeers).toEqual({ ipv6: ['::/0'] });
  });

  it('the AWS default NACL (allow all both ways) has no return problem', () => {
    expect(naclFindings(OPEN_ENTRIES, { isDefault: true, rules: ['nacl-ephemeral-return-blocked'] })).toEqual(
      [],
    );
  });
});
