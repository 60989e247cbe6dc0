import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { NaclEntryInput } from '../../../../shared/findings';
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
): RemediationPlanResult {
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
  return planRemediation(evaluate(snapshot, parsed), parsed, { sliceComplete: true });
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

  it('narrows each entry once when two overlapping admin specs share it', () => {
    // Prepare: 22/tcp, then 20-25/tcp; entry 100 opens 22, entry 200 opens 23-25, both admin-only.
    const result = plan(
      { CidrBlock: '10.0.0.0/16' },
      [entry(100, '6', '0.0.0.0/0', [22, 22]), entry(200, '6', '0.0.0.0/0', [23, 25])],
      { adminPorts: ['22/tcp', '20-25/tcp'] },
    );

    // Assess: 100 narrowed for 22; for 20-25 only 200 is left to narrow (100 is not replaced twice).
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
      ...parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' }, adminPorts: ['22/tcp'] }),
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
