import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { Finding, NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { planRemediation } from '../../../../shared/remediation/plan';
import type { RemediationPlanResult } from '../../../../shared/remediation/types';

// DESIGN §8 "NACL precision", checked where mutants9's mutations of shared/remediation/nacl-fix.ts
// survived the earlier tests: the exact calls a fix makes (numbers, action, protocol, ports,
// source), and the reason when it makes none.

type RawEntry = Omit<NaclEntryInput, 'NetworkAclId'>;

const ACL = 'acl-0mut9';
const VPC = 'vpc-0mut9';

const entry = (
  RuleNumber: number,
  Protocol: string,
  cidr: string,
  ports?: [number, number],
  RuleAction: 'allow' | 'deny' = 'allow',
  Egress = false,
): RawEntry => ({
  RuleNumber,
  Protocol,
  RuleAction,
  Egress,
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
  ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
});

/** Outbound open both ways, so only the inbound entries decide. */
const OUTBOUND = [
  entry(100, '-1', '0.0.0.0/0', undefined, 'allow', true),
  entry(101, '-1', '::/0', undefined, 'allow', true),
];

/** One VPC, one subnet on one (default) NACL holding `entries`; the NACL fix opted in. */
function plan(
  vpc: Record<string, unknown>,
  entries: RawEntry[],
  config: ConfigInput = {},
): RemediationPlanResult & { findings: Finding[] } {
  const snapshot = parseSnapshot({
    Vpcs: [{ VpcId: VPC, ...vpc }],
    Subnets: [{ SubnetId: 'subnet-0mut9', VpcId: VPC, CidrBlock: '10.0.0.0/24' }],
    NetworkAcls: [
      {
        NetworkAclId: ACL,
        VpcId: VPC,
        IsDefault: true,
        Associations: [],
        Entries: [...entries, ...OUTBOUND],
      },
    ],
  });
  const parsed = parseConfig({
    mode: 'remediate',
    rules: { 'nacl-open-admin-port': 'remediate' },
    ...config,
  });
  const findings = evaluate(snapshot, parsed);
  return { ...planRemediation(findings, parsed, { sliceComplete: true }), findings };
}

/** The planned calls as `action number rule-action protocol ports source`. */
function calls(result: RemediationPlanResult): string[] {
  return result.actions.map((a) => {
    if (a.action === 'DeleteNetworkAclEntry') {
      return `${a.action} ${a.parameters.RuleNumber} ${a.parameters.Egress ? 'egress' : 'ingress'}`;
    }
    if (a.action !== 'CreateNetworkAclEntry' && a.action !== 'ReplaceNetworkAclEntry') return a.action;
    const p = a.parameters;
    const ports = p.PortRange ? `${p.PortRange.From}-${p.PortRange.To}` : 'all';
    return `${a.action} ${p.RuleNumber} ${p.RuleAction} ${p.Protocol} ${ports} ${p.CidrBlock ?? p.Ipv6CidrBlock}`;
  });
}

const reasons = (result: RemediationPlanResult): string[] => result.skipped.map((s) => s.reason);

const block = (CidrBlock: string, State = 'associated') => ({ CidrBlock, CidrBlockState: { State } });
const block6 = (Ipv6CidrBlock: string, State = 'associated') => ({
  Ipv6CidrBlock,
  Ipv6CidrBlockState: { State },
});

describe('DESIGN §8 NACL precision: kept sources and their order', () => {
  it('narrows to the primary block first when the association set lists only a secondary one', () => {
    // Prepare: the set (trimmed) leaves the primary out; the primary is still the first kept source.
    const vpc = { CidrBlock: '10.0.0.0/16', CidrBlockAssociationSet: [block('10.1.0.0/16')] };

    // Act
    const result = plan(vpc, [entry(100, '6', '0.0.0.0/0', [22, 22])]);

    // Assess: the entry itself keeps the primary block; the secondary gets the allow below it.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 99 allow 6 22-22 10.1.0.0/16',
      'ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16',
    ]);
  });
});

describe('DESIGN §8 NACL precision: one change per port, never repeated', () => {
  it('makes no second deny for an admin spec that an earlier, wider spec closed already', () => {
    // Prepare: adminPorts 20-25/tcp, then 22/tcp (inside it); tcp open to the world.
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [entry(100, '6', '0.0.0.0/0', [0, 65535])], {
      adminPorts: ['20-25/tcp', '22/tcp'],
    });

    // Assess: one deny for 20-25 and its allow; 22 needs nothing more.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 98 allow 6 20-25 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 20-25 0.0.0.0/0',
    ]);
    expect(reasons(result)).toEqual([]);
  });

  it('takes the deny path at the largest free numbers when a narrowing is given up', () => {
    // Prepare: two IPv4 blocks; 100 opens only 22 (admin-only) but 200 behind it opens everything,
    // so narrowing 100 would leave 22 open: the deny path below 100, numbers 99, 98, 97 (none of
    // them held back for the allows of the narrowing that was not made).
    const vpc = {
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [block('10.0.0.0/16'), block('10.1.0.0/16')],
    };
    const result = plan(
      vpc,
      [entry(100, '6', '0.0.0.0/0', [22, 22]), entry(200, '6', '0.0.0.0/0', [0, 65535])],
      {
        adminPorts: ['22/tcp'],
      },
    );

    // Assess
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 97 allow 6 22-22 10.1.0.0/16',
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
    expect(reasons(result)).toEqual([]);
  });

  it('narrows each entry once when two overlapping admin specs share it', () => {
    // Prepare: 22/tcp, then 20-25/tcp; entry 100 opens 22, entry 200 opens 23-25, both admin-only.
    const result = plan(
      { CidrBlock: '10.0.0.0/16' },
      [entry(100, '6', '0.0.0.0/0', [22, 22]), entry(200, '6', '0.0.0.0/0', [23, 25])],
      { adminPorts: ['22/tcp', '20-25/tcp'] },
    );

    // Assess: 100 narrowed for 22; for 20-25 only 200 is left to narrow (100 is not replaced twice,
    // in the calls nor in the finding's planned fix and its words).
    const [finding] = result.findings;
    expect(finding?.remediation).toMatchObject({
      replaceEntries: [{ RuleNumber: 100 }, { RuleNumber: 200 }],
      previousEntries: [{ RuleNumber: 100 }, { RuleNumber: 200 }],
    });
    expect(finding?.detail).toContain(
      'Planned fix (only with rules.nacl-open-admin-port set to "remediate"): narrow entry 100 to 10.0.0.0/16; narrow entry 200 to 10.0.0.0/16.',
    );
    expect(calls(result)).toEqual([
      'ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16',
      'ReplaceNetworkAclEntry 200 allow 6 23-25 10.0.0.0/16',
    ]);
    expect(reasons(result)).toEqual([]);
  });

  it('closes the ports an earlier narrowing uncovers (an entry it shadowed), and fixes the items after it', () => {
    // Prepare: 100 opens 20-25 and shadows 200 (24-25); narrowing 100 for 22/tcp leaves 24-25 open
    // through 200, an entry the original evaluation never named as contributing. udp 3389 after it.
    const result = plan(
      { CidrBlock: '10.0.0.0/16' },
      [
        entry(100, '6', '0.0.0.0/0', [20, 25]),
        entry(200, '6', '0.0.0.0/0', [24, 25]),
        entry(300, '17', '0.0.0.0/0', [3389, 3389]),
      ],
      { adminPorts: ['22/tcp', '20-25/tcp', '3389/udp'] },
    );

    // Assess: the deny path for 20-25 below the narrowed 100 (the lowest entry that contributed),
    // so 24-25 are closed too; udp 3389 is still narrowed. Nothing is left open without a reason.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 98 allow 6 20-25 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 20-25 0.0.0.0/0',
      'ReplaceNetworkAclEntry 100 allow 6 20-25 10.0.0.0/16',
      'ReplaceNetworkAclEntry 300 allow 17 3389-3389 10.0.0.0/16',
    ]);
    expect(reasons(result)).toEqual([]);
  });
});

describe('DESIGN §8 NACL precision: kept sources that are world-open themselves', () => {
  it('refuses an IPv6 fix whose kept sources cover the IPv6 internet, saying why', () => {
    // Prepare: the config schema refuses such sources, so the parsed config is amended past it: the
    // fix must still not trust kept sources blindly (the IPv4 twin is in nacl-open-admin-port.test.ts).
    const config = {
      ...parseConfig({
        mode: 'remediate',
        rules: { 'nacl-open-admin-port': 'remediate' },
        adminPorts: ['22/tcp'],
      }),
      naclAdminSources: ['2000::/4', '3000::/4'],
    };
    const snapshot = parseSnapshot({
      Vpcs: [{ VpcId: VPC, CidrBlock: '10.0.0.0/16' }],
      NetworkAcls: [
        {
          NetworkAclId: ACL,
          VpcId: VPC,
          IsDefault: false,
          Associations: [],
          Entries: [entry(100, '-1', '::/0'), ...OUTBOUND],
        },
      ],
    });

    // Act
    const result = planRemediation(evaluate(snapshot, config), config, { sliceComplete: true });

    // Assess
    expect(result.actions).toEqual([]);
    expect(reasons(result)).toEqual([
      "not fixable automatically: 22/tcp ipv6: the kept sources of IPv6 (the VPC's blocks and naclAdminSources) are world-open themselves",
    ]);
  });
});

describe('DESIGN §8 NACL precision: naclEntryLimit counts the inbound entries of the family', () => {
  it('plans a fix that brings the NACL to exactly naclEntryLimit entries (only more is refused)', () => {
    // Prepare: 17 narrow allows and the tcp allow-all: 18 inbound IPv4 entries; the fix adds 2. The
    // final denies EC2 lists (32767, 32768 for IPv6) are no entries of the quota.
    const narrow = Array.from({ length: 17 }, (_, i) => entry(200 + i, '6', `10.${i}.0.0/16`, [443, 443]));
    const finals = [
      entry(32767, '-1', '0.0.0.0/0', undefined, 'deny'),
      entry(32768, '-1', '::/0', undefined, 'deny'),
    ];
    const result = plan(
      { CidrBlock: '10.0.0.0/16' },
      [entry(100, '6', '0.0.0.0/0', [0, 65535]), ...narrow, ...finals],
      { adminPorts: ['22/tcp'] },
    );

    // Assess: 20 entries after the fix, as many as the limit allows.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
    expect(reasons(result)).toEqual([]);
  });

  it("counts only the fixed family's entries: many IPv6 entries leave room for an IPv4 fix", () => {
    // Prepare: 19 IPv6 entries (AWS's quota is per family) and the IPv4 tcp allow-all.
    const narrow6 = Array.from({ length: 19 }, (_, i) =>
      entry(200 + i, '6', `2600:1f18:${i}::/48`, [443, 443]),
    );
    const result = plan(
      { CidrBlock: '10.0.0.0/16' },
      [entry(100, '6', '0.0.0.0/0', [0, 65535]), ...narrow6],
      {
        adminPorts: ['22/tcp'],
      },
    );

    // Assess: 3 IPv4 entries after the fix, far below the limit.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
    expect(reasons(result)).toEqual([]);
  });

  it('refuses even a delete in a NACL already holding more IPv6 entries than naclEntryLimit', () => {
    // Prepare: no IPv6 block in the VPC (the admin-only ::/0 allow would be deleted), and 21 inbound
    // IPv6 entries: the NACL is over the limit before the fix, which must not touch it.
    const narrow = Array.from({ length: 20 }, (_, i) =>
      entry(200 + i, '6', `2600:1f18:${i}::/48`, [443, 443]),
    );
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [entry(100, '6', '::/0', [22, 22]), ...narrow]);

    // Assess
    expect(result.actions).toEqual([]);
    expect(reasons(result)).toEqual([
      'not fixable automatically: 22/tcp ipv6: the NACL holds 21 inbound IPv6 entries, more than naclEntryLimit (20)',
    ]);
  });
});

describe('DESIGN §8 NACL precision: narrowing, with an allow per further kept source', () => {
  const twoBlocks = {
    CidrBlock: '10.0.0.0/16',
    CidrBlockAssociationSet: [block('10.0.0.0/16'), block('10.1.0.0/16')],
  };

  it('gives the allows of each narrowed entry their own numbers', () => {
    // Prepare: the world in two halves, each an admin-only entry; two kept sources.
    const result = plan(
      twoBlocks,
      [entry(100, '6', '0.0.0.0/1', [22, 22]), entry(101, '6', '128.0.0.0/1', [22, 22])],
      { adminPorts: ['22/tcp'] },
    );

    // Assess: each entry narrowed to the first block, one allow each for the second, at 99 and 98.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 98 allow 6 22-22 10.1.0.0/16',
      'CreateNetworkAclEntry 99 allow 6 22-22 10.1.0.0/16',
      'ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16',
      'ReplaceNetworkAclEntry 101 allow 6 22-22 10.0.0.0/16',
    ]);
  });

  it("repeats the narrowed entry's whole port range in the further allows", () => {
    const result = plan(twoBlocks, [entry(100, '6', '0.0.0.0/0', [20, 25])], { adminPorts: ['20-25/tcp'] });
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 99 allow 6 20-25 10.1.0.0/16',
      'ReplaceNetworkAclEntry 100 allow 6 20-25 10.0.0.0/16',
    ]);
  });
});

describe("DESIGN §8 NACL precision: the finding's planned fix in words", () => {
  const PLANNED = 'Planned fix (only with rules.nacl-open-admin-port set to "remediate"): ';

  it('names the IPv6 block an IPv6 entry is narrowed to', () => {
    const vpc = { CidrBlock: '10.0.0.0/16', Ipv6CidrBlockAssociationSet: [block6('2600:1f18:aa00::/56')] };
    const result = plan(vpc, [entry(120, '6', '::/0', [22, 22])]);
    expect(result.findings[0]?.detail).toContain(`${PLANNED}narrow entry 120 to 2600:1f18:aa00::/56.`);
  });

  it('names the entry a fix deletes', () => {
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [entry(120, '6', '::/0', [22, 22])]);
    expect(calls(result)).toEqual(['DeleteNetworkAclEntry 120 ingress']);
    expect(result.findings[0]?.detail).toContain(`${PLANNED}delete entry 120.`);
  });
});
