import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings';
import { naclOpenAdminPort } from '../../shared/rules/nacl-open-admin-port';
import { entry, nacl, run, summary } from './helpers';

const ADMIN = ['22/tcp', '3389/tcp', '3389/udp'];

function deny(
  id: string,
  ruleNumber: number,
  protocol: '6' | '17',
  port: number | [number, number],
  cidr = '0.0.0.0/0',
) {
  const [from, to] = typeof port === 'number' ? [port, port] : port;
  return {
    NetworkAclId: id,
    RuleNumber: ruleNumber,
    Protocol: protocol,
    RuleAction: 'deny',
    Egress: false,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    PortRange: { From: from, To: to },
  };
}

const plan = (f: Finding | undefined) => f?.remediation;

describe('nacl-open-admin-port', () => {
  it('fires on the AWS default NACL (allow all) and plans deny entries 99, 98, 97 before rule 100', () => {
    // Prepare
    const snapshot = {
      NetworkAcls: [
        nacl(
          'acl-1',
          [entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), entry(100, 'out', 'allow', '-1', '0.0.0.0/0')],
          {
            isDefault: true,
          },
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
      evidence: { isDefault: true, associated: true, subnetIds: ['subnet-1'], ipv4: ADMIN, ipv6: [] },
    });
    expect(plan(findings[0])).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [],
      createEntries: [
        deny('acl-1', 99, '6', 22),
        deny('acl-1', 98, '6', 3389),
        deny('acl-1', 97, '17', 3389),
      ],
    });
  });

  it('deletes an entry that allows nothing but an admin port', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
          entry(110, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        ]),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(plan(finding)).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [{ RuleNumber: 100, Egress: false }],
      createEntries: [],
    });
  });

  it('does not fire when deny entries come before the allow-all entry', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]),
          entry(91, 'in', 'deny', '6', '0.0.0.0/0', [3389, 3389]),
          entry(92, 'in', 'deny', '17', '0.0.0.0/0', [3389, 3389]),
          entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
        ]),
      ],
    };
    expect(run(naclOpenAdminPort, snapshot)).toEqual([]);
  });

  it('fires on 3389/tcp through the common return entry and suggests a deny numbered before it', () => {
    const snapshot = {
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535])])],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence).toMatchObject({
      ports: ['3389/tcp'],
      entriesAllowingOtherPorts: [100],
      openThrough: [{ ports: ['3389/tcp'], family: 'ipv4', entries: [100] }],
      entries: [{ ruleNumber: 100, action: 'allow', protocol: '6', ports: '1024-65535', cidr: '0.0.0.0/0' }],
    });
    expect(finding?.detail).toContain('which also allows other ports');
    expect(finding?.detail).toContain('deny entry for the admin ports numbered before it (planned: rule 99)');
    expect(plan(finding)).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [],
      createEntries: [deny('acl-1', 99, '6', 3389)],
    });
  });

  it('takes the next free number below the entry when 99 is taken', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(99, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        ]),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(plan(finding)).toMatchObject({ createEntries: [deny('acl-1', 98, '6', 3389)] });
  });

  it('plans nothing and says so when no rule number is free below the entry', () => {
    const snapshot = {
      NetworkAcls: [nacl('acl-1', [entry(1, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535])])],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence.ports).toEqual(['22/tcp', '3389/tcp']);
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      '22/tcp ipv4: no free rule number below 1',
      '3389/tcp ipv4: no free rule number below 1',
    ]);
  });

  it('handles ::/0 entries per family, IPv4 before IPv6', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535]),
          entry(101, 'in', 'allow', '6', '::/0', [0, 65535]),
        ]),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence).toMatchObject({ ipv4: ['22/tcp', '3389/tcp'], ipv6: ['22/tcp', '3389/tcp'] });
    expect(plan(finding)).toMatchObject({
      createEntries: [
        deny('acl-1', 99, '6', 22),
        deny('acl-1', 98, '6', 22, '::/0'),
        deny('acl-1', 97, '6', 3389),
        deny('acl-1', 96, '6', 3389, '::/0'),
      ],
    });
  });

  it('fires on an IPv6-only entry', () => {
    const snapshot = {
      NetworkAcls: [nacl('acl-1', [entry(200, 'in', 'allow', '17', '::/0', [3389, 3389])])],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence).toMatchObject({ ports: ['3389/udp'], ipv4: [], ipv6: ['3389/udp'] });
    expect(plan(finding)).toMatchObject({
      deleteEntries: [{ RuleNumber: 200, Egress: false }],
      createEntries: [],
    });
  });

  it('deletes both halves of a world split in two, leaving VPC-internal SSH alone', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'allow', '6', '10.0.0.0/8', [22, 22]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/1', [22, 22]),
          entry(110, 'in', 'allow', '6', '128.0.0.0/1', [22, 22]),
        ]),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(plan(finding)).toMatchObject({
      deleteEntries: [
        { RuleNumber: 100, Egress: false },
        { RuleNumber: 110, Egress: false },
      ],
      createEntries: [],
    });
  });

  it('still fires when a blocklist of /16s is denied before the allow (world minus a blocklist)', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(10, 'in', 'deny', '-1', '45.33.0.0/16'),
          entry(11, 'in', 'deny', '-1', '185.220.0.0/16'),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
        ]),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot);
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(plan(finding)).toMatchObject({
      deleteEntries: [{ RuleNumber: 100, Egress: false }],
      createEntries: [],
    });
  });

  it('inserts a deny before the lowest contributor when contributors are mixed', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/1', [22, 22]),
          entry(200, 'in', 'allow', '-1', '0.0.0.0/0'),
        ]),
      ],
    };
    const [finding] = run(naclOpenAdminPort, snapshot, { adminPorts: ['22/tcp'] });
    expect(plan(finding)).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-1',
      deleteEntries: [],
      createEntries: [deny('acl-1', 99, '6', 22)],
    });
  });

  it('plans one deny with the whole configured admin range', () => {
    const snapshot = {
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [0, 65535])])],
    };
    const [finding] = run(naclOpenAdminPort, snapshot, { adminPorts: ['8000-8100/tcp'] });
    expect(finding?.evidence.ports).toEqual(['8000-8100/tcp']);
    expect(plan(finding)).toMatchObject({ createEntries: [deny('acl-1', 99, '6', [8000, 8100])] });
  });

  it('does not fire for an office /24 or on outbound entries', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '81.2.69.0/24', [22, 22]),
          entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
        ]),
      ],
    };
    expect(run(naclOpenAdminPort, snapshot)).toEqual([]);
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
});
