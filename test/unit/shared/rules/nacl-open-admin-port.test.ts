import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { Finding, RemediationPlan } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { naclOpenAdminPort } from '../../../../shared/rules/nacl-open-admin-port';
import { entry, nacl, run, summary, vpc } from '../../../helpers';

const ADMIN = ['22/tcp', '3389/tcp', '3389/udp'];
const VPC_CIDR = '10.0.0.0/16';

/** A planned entry as `CreateNetworkAclEntry` / `ReplaceNetworkAclEntry` take it. */
function planned(
  ruleNumber: number,
  action: 'allow' | 'deny',
  protocol: '6' | '17',
  port: number | [number, number],
  cidr: string,
) {
  const [from, to] = typeof port === 'number' ? [port, port] : port;
  return {
    NetworkAclId: 'acl-1',
    RuleNumber: ruleNumber,
    Protocol: protocol,
    RuleAction: action,
    Egress: false,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    PortRange: { From: from, To: to },
  };
}
const deny = (n: number, protocol: '6' | '17', port: number | [number, number], cidr = '0.0.0.0/0') =>
  planned(n, 'deny', protocol, port, cidr);
const allow = (n: number, protocol: '6' | '17', port: number | [number, number], cidr = VPC_CIDR) =>
  planned(n, 'allow', protocol, port, cidr);

type NaclPlan = Extract<RemediationPlan, { action: 'fix-network-acl-entries' }>;
const plan = (f: Finding | undefined): NaclPlan | undefined =>
  f?.remediation?.action === 'fix-network-acl-entries' ? f.remediation : undefined;

/** One NACL in VPC `vpc-1` with the given CIDR blocks (none: the VPC is not in the snapshot). */
function evaluateAcl(
  entries: ReturnType<typeof entry>[],
  cidrs: string[] | undefined,
  config: ConfigInput = {},
) {
  return run(
    naclOpenAdminPort,
    { ...(cidrs ? { Vpcs: [vpc('vpc-1', ...cidrs)] } : {}), NetworkAcls: [nacl('acl-1', entries)] },
    config,
  );
}

describe('nacl-open-admin-port', () => {
  it('fires on the AWS default NACL (allow all): deny per admin port, with an allow from the VPC just below each', () => {
    // Prepare
    const snapshot = {
      Vpcs: [vpc('vpc-1', VPC_CIDR)],
      NetworkAcls: [
        nacl(
          'acl-1',
          [entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), entry(100, 'out', 'allow', '-1', '0.0.0.0/0')],
          { isDefault: true },
        ),
      ],
    };
    // Act
    const findings = run(naclOpenAdminPort, snapshot);
    // Assess
    expect(summary(findings)).toEqual([['nacl-open-admin-port', 'acl-1', ADMIN]]);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      resourceType: 'AWS::EC2::NetworkAcl',
      controls: ['CIS 5.1', 'FSBP EC2.21'],
      evidence: {
        isDefault: true,
        associated: true,
        subnetIds: ['subnet-1'],
        ipv4: ADMIN,
        ipv6: [],
        keptSources: { ipv4: [VPC_CIDR], ipv6: [] },
      },
    });
    expect(plan(findings[0])).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [],
      replaceEntries: [],
      previousEntries: [],
      createEntries: [
        deny(99, '6', 22),
        allow(98, '6', 22),
        deny(97, '6', 3389),
        allow(96, '6', 3389),
        deny(95, '17', 3389),
        allow(94, '17', 3389),
      ],
    });
    expect(findings[0]?.detail).toContain(
      'Planned fix (only with rules.nacl-open-admin-port set to "remediate"): add deny 99 (tcp 22 from 0.0.0.0/0); add allow 98 (tcp 22 from 10.0.0.0/16)',
    );
  });

  it('narrows allow tcp 22 0.0.0.0/0 #100 to the VPC CIDR with ReplaceNetworkAclEntry #100', () => {
    const [finding] = evaluateAcl(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
        entry(110, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
      ],
      [VPC_CIDR],
    );
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(plan(finding)).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [],
      createEntries: [],
      replaceEntries: [allow(100, '6', 22, VPC_CIDR)],
      previousEntries: [allow(100, '6', 22, '0.0.0.0/0')],
    });
    expect(finding?.detail).toContain('narrow entry 100 to 10.0.0.0/16');
  });

  it('a VPC with two IPv4 CIDR blocks: narrow to the first, one allow below it for the second', () => {
    const [finding] = evaluateAcl(
      [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])],
      [VPC_CIDR, '10.1.0.0/16'],
    );
    expect(plan(finding)).toMatchObject({
      replaceEntries: [allow(100, '6', 22, VPC_CIDR)],
      createEntries: [allow(99, '6', 22, '10.1.0.0/16')],
      deleteEntries: [],
    });
  });

  it('kept sources: the VPC blocks in listed order, then naclAdminSources, written as EC2 writes them', () => {
    const [finding] = evaluateAcl([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])], [VPC_CIDR], {
      naclAdminSources: ['172.16.50.9/24', '10.0.0.0/16', '2001:db8:aa::/48'],
    });
    expect(finding?.evidence.keptSources).toEqual({
      ipv4: [VPC_CIDR, '172.16.50.0/24'],
      ipv6: ['2001:db8:aa::/48'],
    });
    expect(plan(finding)).toMatchObject({
      replaceEntries: [allow(100, '6', 22, VPC_CIDR)],
      createEntries: [allow(99, '6', 22, '172.16.50.0/24')],
    });
  });

  it('deletes an IPv6 admin-only entry when the VPC has no IPv6 block', () => {
    const [finding] = evaluateAcl([entry(200, 'in', 'allow', '17', '::/0', [3389, 3389])], [VPC_CIDR]);
    expect(finding?.evidence).toMatchObject({ ports: ['3389/udp'], ipv4: [], ipv6: ['3389/udp'] });
    expect(plan(finding)).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [{ RuleNumber: 200, Egress: false }],
      createEntries: [],
      replaceEntries: [],
      previousEntries: [allow(200, '17', 3389, '::/0')],
    });
  });

  it('narrows an IPv6 admin-only entry to the VPC IPv6 block when there is one', () => {
    const [finding] = evaluateAcl(
      [entry(200, 'in', 'allow', '6', '::/0', [22, 22])],
      [VPC_CIDR, '2600:1f18:abc::/56'],
    );
    expect(plan(finding)).toMatchObject({ replaceEntries: [allow(200, '6', 22, '2600:1f18:abc::/56')] });
  });

  it('a disassociated VPC block is not kept', () => {
    const snapshot = {
      Vpcs: [
        {
          VpcId: 'vpc-1',
          CidrBlock: VPC_CIDR,
          CidrBlockAssociationSet: [
            { CidrBlock: VPC_CIDR, CidrBlockState: { State: 'associated' } },
            { CidrBlock: '10.9.0.0/16', CidrBlockState: { State: 'disassociated' } },
          ],
        },
      ],
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])])],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(plan(finding)).toMatchObject({ replaceEntries: [allow(100, '6', 22)], createEntries: [] });
  });

  it('plans nothing and says why when the VPC (its CIDR blocks) is not in the snapshot', () => {
    const [finding] = evaluateAcl([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])], undefined);
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      '22/tcp ipv4: the CIDR blocks of VPC vpc-1 are not known (it is not in the snapshot or could not be read), so no fix can keep its own admin traffic',
    ]);
  });

  it('names each NACL its own missing VPC, though NACLs of equal entries share the rest of the finding', () => {
    const entries = [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])];
    const findings = run(naclOpenAdminPort, {
      NetworkAcls: [
        nacl('acl-1', entries, { vpcId: 'vpc-1', subnetIds: ['subnet-1'] }),
        nacl('acl-2', entries, { vpcId: 'vpc-2', subnetIds: ['subnet-2'] }),
      ],
    });
    expect(findings.map((f) => [f.resourceId, f.evidence.notPlanned])).toEqual([
      [
        'acl-1',
        [
          '22/tcp ipv4: the CIDR blocks of VPC vpc-1 are not known (it is not in the snapshot or could not be read), so no fix can keep its own admin traffic',
        ],
      ],
      [
        'acl-2',
        [
          '22/tcp ipv4: the CIDR blocks of VPC vpc-2 are not known (it is not in the snapshot or could not be read), so no fix can keep its own admin traffic',
        ],
      ],
    ]);
  });

  it('fires on 3389/tcp through the common return entry: a deny just below it and an allow from the VPC below that', () => {
    const [finding] = evaluateAcl([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535])], [VPC_CIDR]);
    expect(finding?.evidence).toMatchObject({
      ports: ['3389/tcp'],
      entriesAllowingOtherPorts: [100],
      openThrough: [{ ports: ['3389/tcp'], family: 'ipv4', entries: [100] }],
      entries: [{ ruleNumber: 100, action: 'allow', protocol: '6', ports: '1024-65535', cidr: '0.0.0.0/0' }],
    });
    expect(finding?.detail).toContain('which also allows other ports');
    expect(finding?.detail).toContain(
      'the standard fix is a deny entry for the admin ports numbered before it',
    );
    expect(plan(finding)).toMatchObject({ createEntries: [deny(99, '6', 3389), allow(98, '6', 3389)] });
  });

  it('takes the largest free numbers below the entry', () => {
    const [finding] = evaluateAcl(
      [
        entry(98, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
      ],
      [VPC_CIDR],
    );
    expect(plan(finding)).toMatchObject({ createEntries: [deny(99, '6', 3389), allow(97, '6', 3389)] });
  });

  it('no free rule number below the entry: notify only, with the reason', () => {
    const [finding] = evaluateAcl([entry(1, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535])], [VPC_CIDR]);
    expect(finding?.evidence.ports).toEqual(['22/tcp', '3389/tcp']);
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      '22/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the allow entries of 1 kept source(s)',
      '3389/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the allow entries of 1 kept source(s)',
    ]);
    expect(finding?.detail).toContain(
      'Not fixable automatically: 22/tcp ipv4: no 2 free rule numbers below 1',
    );
  });

  it('one free number where a deny and an allow are needed: notify only', () => {
    const [finding] = evaluateAcl(
      [
        entry(1, 'in', 'allow', '6', '10.0.0.0/8', [443, 443]),
        entry(3, 'in', 'allow', '6', '0.0.0.0/0', [20, 30]),
      ],
      [VPC_CIDR],
      { adminPorts: ['22/tcp'] },
    );
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      '22/tcp ipv4: no 2 free rule numbers below 3 for the deny entry and the allow entries of 1 kept source(s)',
    ]);
  });

  it('more inbound entries than naclEntryLimit: notify only, saying why', () => {
    // 18 narrow entries and the allow-all: 19 inbound IPv4 entries (the final deny 32767 is not counted).
    const narrow = Array.from({ length: 18 }, (_, i) =>
      entry(200 + i, 'in', 'allow', '6', `10.${i}.0.0/16`, [443, 443]),
    );
    const entries = [entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), ...narrow];
    const [finding] = evaluateAcl(entries, [VPC_CIDR]);
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      '22/tcp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20)',
      '3389/tcp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20)',
      '3389/udp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20)',
    ]);
  });

  it('a NACL already holding more inbound entries than naclEntryLimit: not even a narrowing is made', () => {
    const narrow = Array.from({ length: 20 }, (_, i) =>
      entry(200 + i, 'in', 'allow', '6', `10.${i}.0.0/16`, [443, 443]),
    );
    const [finding] = evaluateAcl(
      [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]), ...narrow],
      [VPC_CIDR],
    );
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      '22/tcp ipv4: the NACL holds 21 inbound IPv4 entries, more than naclEntryLimit (20)',
    ]);
  });

  it('fixes what fits under naclEntryLimit in the documented order and says why the rest is not', () => {
    const narrow = Array.from({ length: 18 }, (_, i) =>
      entry(200 + i, 'in', 'allow', '6', `10.${i}.0.0/16`, [443, 443]),
    );
    const [finding] = evaluateAcl([entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), ...narrow], [VPC_CIDR], {
      naclEntryLimit: 22,
    });
    expect(plan(finding)?.createEntries).toEqual([deny(99, '6', 22), allow(98, '6', 22)]);
    expect(finding?.evidence.notPlanned).toEqual([
      '3389/tcp ipv4: the NACL would hold 23 inbound IPv4 entries, more than naclEntryLimit (22)',
      '3389/udp ipv4: the NACL would hold 23 inbound IPv4 entries, more than naclEntryLimit (22)',
    ]);
  });

  it('handles ::/0 entries per family, IPv4 before IPv6, with the IPv6 VPC block kept', () => {
    const [finding] = evaluateAcl(
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535]),
        entry(101, 'in', 'allow', '6', '::/0', [0, 65535]),
      ],
      [VPC_CIDR, '2600:1f18::/56'],
    );
    expect(finding?.evidence).toMatchObject({ ipv4: ['22/tcp', '3389/tcp'], ipv6: ['22/tcp', '3389/tcp'] });
    expect(plan(finding)?.createEntries).toEqual([
      deny(99, '6', 22),
      allow(98, '6', 22),
      deny(97, '6', 22, '::/0'),
      allow(96, '6', 22, '2600:1f18::/56'),
      deny(95, '6', 3389),
      allow(94, '6', 3389),
      deny(93, '6', 3389, '::/0'),
      allow(92, '6', 3389, '2600:1f18::/56'),
    ]);
  });

  it('an IPv6 world allow of all ports without an IPv6 VPC block: a deny for ::/0 and no allow', () => {
    const [finding] = evaluateAcl([entry(101, 'in', 'allow', '6', '::/0', [0, 65535])], [VPC_CIDR]);
    expect(plan(finding)?.createEntries).toEqual([deny(100, '6', 22, '::/0'), deny(99, '6', 3389, '::/0')]);
  });

  it('narrows both halves of a world split in two, leaving VPC-internal SSH alone', () => {
    const [finding] = evaluateAcl(
      [
        entry(90, 'in', 'allow', '6', '10.0.0.0/8', [22, 22]),
        entry(100, 'in', 'allow', '6', '0.0.0.0/1', [22, 22]),
        entry(110, 'in', 'allow', '6', '128.0.0.0/1', [22, 22]),
      ],
      [VPC_CIDR],
    );
    expect(plan(finding)).toMatchObject({
      replaceEntries: [allow(100, '6', 22), allow(110, '6', 22)],
      previousEntries: [allow(100, '6', 22, '0.0.0.0/1'), allow(110, '6', 22, '128.0.0.0/1')],
      createEntries: [],
      deleteEntries: [],
    });
  });

  it('still fires when a blocklist of /16s is denied before the allow (world minus a blocklist)', () => {
    const [finding] = evaluateAcl(
      [
        entry(10, 'in', 'deny', '-1', '45.33.0.0/16'),
        entry(11, 'in', 'deny', '-1', '185.220.0.0/16'),
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
      ],
      [VPC_CIDR],
    );
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(plan(finding)).toMatchObject({ replaceEntries: [allow(100, '6', 22)], createEntries: [] });
  });

  it('an admin-only entry shadowing a broader world allow: narrowing would not close 22, so deny before it', () => {
    const [finding] = evaluateAcl(
      [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]), entry(200, 'in', 'allow', '-1', '0.0.0.0/0')],
      [VPC_CIDR],
      { adminPorts: ['22/tcp'] },
    );
    expect(plan(finding)).toMatchObject({
      replaceEntries: [],
      deleteEntries: [],
      createEntries: [deny(99, '6', 22), allow(98, '6', 22)],
    });
  });

  it('inserts a deny before the lowest contributor when contributors are mixed', () => {
    const [finding] = evaluateAcl(
      [entry(100, 'in', 'allow', '6', '0.0.0.0/1', [22, 22]), entry(200, 'in', 'allow', '-1', '0.0.0.0/0')],
      [VPC_CIDR],
      { adminPorts: ['22/tcp'] },
    );
    expect(plan(finding)).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [],
      replaceEntries: [],
      previousEntries: [],
      createEntries: [deny(99, '6', 22), allow(98, '6', 22)],
    });
  });

  it('plans one deny and one allow with the whole configured admin range', () => {
    const [finding] = evaluateAcl([entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535])], [VPC_CIDR], {
      adminPorts: ['8000-8100/tcp'],
    });
    expect(finding?.evidence.ports).toEqual(['8000-8100/tcp']);
    expect(plan(finding)?.createEntries).toEqual([deny(99, '6', [8000, 8100]), allow(98, '6', [8000, 8100])]);
  });

  it('kept sources that are world-open themselves cannot close the port: notify only', () => {
    // The config schema refuses such sources (small8: broad public admin sources), so the
    // parsed config is amended past it: the fix must still not trust kept sources blindly.
    const config = {
      ...parseConfig({ adminPorts: ['22/tcp'] }),
      naclAdminSources: ['0.0.0.0/1', '128.0.0.0/1'],
    };
    const snapshot = parseSnapshot({
      Vpcs: [vpc('vpc-1', VPC_CIDR)],
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '-1', '0.0.0.0/0')])],
    });
    const [finding] = evaluate(snapshot, config, { rules: [naclOpenAdminPort] });
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      "22/tcp ipv4: the kept sources of IPv4 (the VPC's blocks and naclAdminSources) are world-open themselves",
    ]);
  });

  it('NACLs with equal entries in VPCs with different blocks get their own kept sources', () => {
    const entries = [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])];
    const findings = run(naclOpenAdminPort, {
      Vpcs: [vpc('vpc-1', VPC_CIDR), vpc('vpc-2', '192.168.0.0/16')],
      NetworkAcls: [
        nacl('acl-1', entries),
        nacl('acl-2', entries, { vpcId: 'vpc-2', subnetIds: ['subnet-2'] }),
      ],
    });
    expect(findings.map((f) => plan(f)?.replaceEntries.map((e) => [e.NetworkAclId, e.CidrBlock]))).toEqual([
      [['acl-1', VPC_CIDR]],
      [['acl-2', '192.168.0.0/16']],
    ]);
  });

  it('does not fire when deny entries come before the allow-all entry', () => {
    const findings = evaluateAcl(
      [
        entry(90, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]),
        entry(91, 'in', 'deny', '6', '0.0.0.0/0', [3389, 3389]),
        entry(92, 'in', 'deny', '17', '0.0.0.0/0', [3389, 3389]),
        entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
      ],
      [VPC_CIDR],
    );
    expect(findings).toEqual([]);
  });

  it('does not fire for an office /24 or on outbound entries', () => {
    const findings = evaluateAcl(
      [
        entry(100, 'in', 'allow', '6', '81.2.69.0/24', [22, 22]),
        entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
      ],
      [VPC_CIDR],
    );
    expect(findings).toEqual([]);
  });

  it('evaluates an unassociated NACL and says it is not associated', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])], { subnetIds: [] }),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence).toMatchObject({
      associated: false,
      subnetIds: [],
      association: 'not associated',
    });
    expect(finding?.detail).toContain('not associated');
  });

  it('counts subnets without an association as using the default NACL', () => {
    const snapshot = {
      Subnets: [{ SubnetId: 'subnet-9', VpcId: 'vpc-1' }],
      NetworkAcls: [
        nacl('acl-1', [entry(100, 'in', 'allow', '-1', '0.0.0.0/0')], { isDefault: true, subnetIds: [] }),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence).toMatchObject({ associated: true, subnetIds: ['subnet-9'] });
  });

  it('is an opt-in fix that may call the three NACL entry writes', () => {
    expect(naclOpenAdminPort.meta.autoFix).toBe('opt-in');
    expect([...naclOpenAdminPort.meta.fixActions].sort()).toEqual([
      'ec2:CreateNetworkAclEntry',
      'ec2:DeleteNetworkAclEntry',
      'ec2:ReplaceNetworkAclEntry',
    ]);
  });
});
