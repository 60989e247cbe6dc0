import { describe, expect, it } from 'vitest';
import { naclBroadPublicSource } from '../../../../shared/rules/nacl-broad-public-source';
import { naclOpenAdminPort } from '../../../../shared/rules/nacl-open-admin-port';
import { REGISTRY } from '../../../../shared/rules/registry';
import { entry, nacl, run, summary } from '../../../helpers';

const NACL_RULES = [naclOpenAdminPort, naclBroadPublicSource];

const audit = (entries: ReturnType<typeof entry>[], options: Parameters<typeof nacl>[2] = {}) =>
  run(NACL_RULES, { NetworkAcls: [nacl('acl-1', entries, options)] });

describe('nacl-broad-public-source', () => {
  it('reports the NACL that lets half of the IPv4 internet reach tcp 22 (deny 0.0.0.0/1 before allow 0.0.0.0/0)', () => {
    // Act
    const findings = audit([
      entry(90, 'in', 'deny', '-1', '0.0.0.0/1'),
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
    ]);

    // Assess: 128.0.0.0/1 less 224.0.0.0/3 and the other non-public ranges is 43.5% of public IPv4.
    expect(summary(findings)).toEqual([['nacl-broad-public-source', 'acl-1', ['22/tcp']]]);
    expect(findings[0]).toMatchObject({
      severity: 'medium',
      resourceType: 'AWS::EC2::NetworkAcl',
      vpcId: 'vpc-1',
      title: 'Network ACL admits a very broad public source range on an admin port',
      controls: [],
    });
    expect(findings[0]?.remediation).toBeUndefined();
    expect(findings[0]?.evidence).toEqual({
      ports: ['22/tcp'],
      ipv4: ['22/tcp'],
      ipv6: [],
      isDefault: false,
      associated: true,
      subnetIds: ['subnet-1'],
      broadThrough: [{ ports: ['22/tcp'], family: 'ipv4', publicShare: '43.5%', entries: [100] }],
      entries: [{ ruleNumber: 100, action: 'allow', protocol: '6', ports: '22', cidr: '0.0.0.0/0' }],
    });
    expect(findings[0]?.detail).toBe(
      'Network ACL acl-1 lets at least 2^24 public IPv4 or 2^96 public IPv6 addresses (IPv4) reach ' +
        'admin ports 22/tcp inbound, short of the whole internet (43.5% of public IPv4 on 22/tcp), ' +
        'through 100 (allow tcp 22 from 0.0.0.0/0). A deny list in front of a broad allow is no access ' +
        'control: allow only the ranges that need these ports.',
    );
  });

  it('reports the IPv6 counterpart: half of public IPv6 (deny 2000::/4 before allow ::/0) on tcp 3389', () => {
    // Act
    const findings = audit([
      entry(90, 'in', 'deny', '-1', '2000::/4'),
      entry(100, 'in', 'allow', '6', '::/0', [3389, 3389]),
    ]);

    // Assess
    expect(summary(findings)).toEqual([['nacl-broad-public-source', 'acl-1', ['3389/tcp']]]);
    expect(findings[0]?.evidence).toMatchObject({
      ipv4: [],
      ipv6: ['3389/tcp'],
      broadThrough: [{ ports: ['3389/tcp'], family: 'ipv6', publicShare: '50.0%', entries: [100] }],
      entries: [{ ruleNumber: 100, action: 'allow', protocol: '6', ports: '3389', cidr: '::/0' }],
    });
  });

  it('reports nothing for deny ::/1 before allow ::/0: public IPv6 (2000::/3) lies wholly inside ::/1', () => {
    // Act
    const findings = audit([
      entry(90, 'in', 'deny', '-1', '::/1'),
      entry(100, 'in', 'allow', '6', '::/0', [3389, 3389]),
    ]);

    // Assess
    expect(findings).toEqual([]);
  });

  it('leaves a /9 blocklist (world-open still) to nacl-open-admin-port: the port is not reported twice', () => {
    // Act
    const findings = audit([
      entry(90, 'in', 'deny', '-1', '1.0.0.0/9'),
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
    ]);

    // Assess
    expect(summary(findings)).toEqual([['nacl-open-admin-port', 'acl-1', ['22/tcp']]]);
  });

  it('leaves an office /24 alone', () => {
    // Act
    const findings = audit([entry(100, 'in', 'allow', '6', '198.51.100.0/24', [22, 22])]);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports only the ports the world-open rule did not: 3389 broad beside 22 world-open', () => {
    // Act
    const findings = audit([
      entry(90, 'in', 'deny', '6', '0.0.0.0/1', [3389, 3389]),
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 3389]),
    ]);

    // Assess
    expect(summary(findings)).toEqual([
      ['nacl-open-admin-port', 'acl-1', ['22/tcp']],
      ['nacl-broad-public-source', 'acl-1', ['3389/tcp']],
    ]);
  });

  it('keeps the precedence when only it is asked for, or when nacl-open-admin-port is off', () => {
    // Prepare
    const snapshot = {
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])])],
    };

    // Act
    const alone = run(naclBroadPublicSource, snapshot);
    const off = run(NACL_RULES, snapshot, { rules: { 'nacl-open-admin-port': 'off' } });

    // Assess: 22 is world-open, a port of the rule ranked above it.
    expect(alone).toEqual([]);
    expect(off).toEqual([]);
  });

  // Found by scripts/emulator/oracle.py (seed 30039): with nacl-open-admin-port off, a port
  // world-open over IPv6 and broad over IPv4 was reported as broad. DESIGN §5: broad "but is not
  // world-open there"; README: "a world-open NACL port [is] never a broad one", whatever is off.
  it('never reports a port world-open in the other family, even with nacl-open-admin-port off', () => {
    // Prepare: tcp 22 from half of public IPv4 (broad), from all of public IPv6 (world-open).
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '6', '0.0.0.0/1', [22, 22]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 3389]),
          entry(100, 'in', 'allow', '6', '2000::/3', [22, 22]),
        ]),
      ],
    };

    // Act
    const on = run(NACL_RULES, snapshot);
    const off = run(NACL_RULES, snapshot, { rules: { 'nacl-open-admin-port': 'off' } });
    const alone = run(naclBroadPublicSource, snapshot);

    // Assess: 22 is world-open (IPv6), so never broad; 3389 is world-open over IPv4.
    expect(summary(on)).toEqual([['nacl-open-admin-port', 'acl-1', ['22/tcp', '3389/tcp']]]);
    expect(on[0]?.evidence.ipv6).toEqual(['22/tcp']);
    expect(off).toEqual([]);
    expect(alone).toEqual([]);
  });

  it('still reports the broad family of a port world-open in neither', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '6', '0.0.0.0/1', [22, 22]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
          entry(100, 'in', 'allow', '6', '2000::/4', [22, 22]),
        ]),
      ],
    };
    const off = run(NACL_RULES, snapshot, { rules: { 'nacl-open-admin-port': 'off' } });
    expect(summary(off)).toEqual([['nacl-broad-public-source', 'acl-1', ['22/tcp']]]);
    expect(off[0]?.evidence.ipv4).toEqual(['22/tcp']);
    expect(off[0]?.evidence.ipv6).toEqual(['22/tcp']);
  });

  it('says so when the NACL is associated with no subnet', () => {
    // Act
    const findings = audit(
      [entry(90, 'in', 'deny', '-1', '0.0.0.0/1'), entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22])],
      { subnetIds: [] },
    );

    // Assess
    expect(findings[0]?.evidence).toMatchObject({ associated: false, association: 'not associated' });
    expect(findings[0]?.detail).toMatch(/The NACL is not associated with any subnet today\.$/);
  });

  it('is registered after nacl-open-admin-port in the NACL precedence group', () => {
    // Assess
    expect(REGISTRY.above(naclBroadPublicSource)).toEqual([naclOpenAdminPort]);
    expect(naclBroadPublicSource.meta).toMatchObject({ autoFix: 'no', fixActions: [], severity: 'medium' });
  });
});
