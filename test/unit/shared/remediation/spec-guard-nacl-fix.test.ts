import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { planRemediation } from '../../../../shared/remediation/plan';
import type { RemediationPlanResult } from '../../../../shared/remediation/types';

// DESIGN §8 "NACL precision" from the on-call engineer's side: the fix never cuts the admin
// traffic of the VPC's own CIDR blocks — exactly the blocks in force — and refuses (notify only,
// saying why) when it cannot keep that promise.

type RawEntry = Omit<NaclEntryInput, 'NetworkAclId'>;

const ACL = 'acl-0guard';

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

/** One VPC, one subnet on one (default) NACL holding `entries`; the fix opted in. */
function plan(
  vpc: Record<string, unknown>,
  entries: RawEntry[],
  config: ConfigInput = {},
): RemediationPlanResult {
  const snapshot = parseSnapshot({
    Vpcs: [{ VpcId: 'vpc-0guard', ...vpc }],
    Subnets: [{ SubnetId: 'subnet-0guard', VpcId: 'vpc-0guard', CidrBlock: '10.0.0.0/24' }],
    NetworkAcls: [
      {
        NetworkAclId: ACL,
        VpcId: 'vpc-0guard',
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
    if (a.action === 'DeleteNetworkAclEntry') return `${a.action} ${a.parameters.RuleNumber}`;
    if (a.action !== 'CreateNetworkAclEntry' && a.action !== 'ReplaceNetworkAclEntry') return a.action;
    const p = a.parameters;
    const ports = p.PortRange ? `${p.PortRange.From}-${p.PortRange.To}` : 'all';
    return `${a.action} ${p.RuleNumber} ${p.RuleAction} ${p.Protocol} ${ports} ${p.CidrBlock ?? p.Ipv6CidrBlock}`;
  });
}

const block = (CidrBlock: string, State: string) => ({ CidrBlock, CidrBlockState: { State } });
const block6 = (Ipv6CidrBlock: string, State: string) => ({ Ipv6CidrBlock, Ipv6CidrBlockState: { State } });

describe('DESIGN §8 NACL precision: the kept sources are the VPC blocks in force', () => {
  it('keeps the primary and the secondary blocks in force or associating, never one disassociating', () => {
    // Prepare: tcp 22 open to the world through an all-traffic entry (deny path), IPv4 and IPv6.
    const vpc = {
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [
        block('10.0.0.0/16', 'associated'),
        block('10.1.0.0/16', 'associated'),
        block('10.2.0.0/16', 'disassociating'),
        block('10.3.0.0/16', 'associating'),
      ],
      Ipv6CidrBlockAssociationSet: [
        block6('2600:1f18:aa00::/56', 'associated'),
        block6('2600:1f18:bb00::/56', 'disassociating'),
        block6('2600:1f18:cc00::/56', 'associated'),
      ],
    };
    const entries = [
      entry(100, '6', '0.0.0.0/0', [0, 65535]),
      entry(101, '6', '::/0', [0, 65535]),
      entry(32767, '-1', '0.0.0.0/0', undefined, 'deny'),
      entry(32768, '-1', '::/0', undefined, 'deny'),
    ];

    // Act
    const result = plan(vpc, entries);

    // Assess: each deny with an allow below it for exactly the blocks in force or associating (the
    // VPC's own space, about to carry its traffic), in listed order; never the one disassociating.
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 86 allow 6 3389-3389 2600:1f18:cc00::/56',
      'CreateNetworkAclEntry 87 allow 6 3389-3389 2600:1f18:aa00::/56',
      'CreateNetworkAclEntry 88 deny 6 3389-3389 ::/0',
      'CreateNetworkAclEntry 89 allow 6 3389-3389 10.3.0.0/16',
      'CreateNetworkAclEntry 90 allow 6 3389-3389 10.1.0.0/16',
      'CreateNetworkAclEntry 91 allow 6 3389-3389 10.0.0.0/16',
      'CreateNetworkAclEntry 92 deny 6 3389-3389 0.0.0.0/0',
      'CreateNetworkAclEntry 93 allow 6 22-22 2600:1f18:cc00::/56',
      'CreateNetworkAclEntry 94 allow 6 22-22 2600:1f18:aa00::/56',
      'CreateNetworkAclEntry 95 deny 6 22-22 ::/0',
      'CreateNetworkAclEntry 96 allow 6 22-22 10.3.0.0/16',
      'CreateNetworkAclEntry 97 allow 6 22-22 10.1.0.0/16',
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('narrows an IPv6 admin-only entry to the IPv6 block in force and adds an allow for the other', () => {
    const vpc = {
      CidrBlock: '10.0.0.0/16',
      Ipv6CidrBlockAssociationSet: [
        block6('2600:1f18:bb00::/56', 'disassociating'),
        block6('2600:1f18:aa00::/56', 'associated'),
        block6('2600:1f18:cc00::/56', 'associated'),
      ],
    };
    const result = plan(vpc, [entry(120, '6', '::/0', [22, 22])]);
    expect(calls(result)).toEqual([
      'CreateNetworkAclEntry 119 allow 6 22-22 2600:1f18:cc00::/56',
      'ReplaceNetworkAclEntry 120 allow 6 22-22 2600:1f18:aa00::/56',
    ]);
  });

  it('deletes an IPv6 admin-only entry in a VPC without an IPv6 block (no IPv6 traffic of its own to keep)', () => {
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [entry(120, '6', '::/0', [22, 22])]);
    expect(calls(result)).toEqual(['DeleteNetworkAclEntry 120']);
  });

  it('keeps the primary block even when the association set does not list it', () => {
    // The primary block cannot be disassociated (EC2): it is in force whatever the set says.
    const result = plan({ CidrBlock: '10.0.0.0/16', CidrBlockAssociationSet: [] }, [
      entry(100, '6', '0.0.0.0/0', [22, 22]),
    ]);
    expect(calls(result)).toEqual(['ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16']);
  });

  it('plans nothing, and says why, when the VPC names no IPv4 block at all', () => {
    // Prepare: a hand-built snapshot with the VPC but not its blocks. A deny without the allows of
    // the VPC's own blocks would cut the bastion off the private subnets.
    const result = plan({}, [entry(100, '-1', '0.0.0.0/0')]);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.skipped.map((s) => [s.ruleId, s.resourceId])).toEqual([['nacl-open-admin-port', ACL]]);
    expect(result.skipped[0]?.reason).toMatch(
      /^not fixable automatically: 22\/tcp ipv4: the CIDR blocks of VPC vpc-0guard are not known/,
    );
  });
});

describe('DESIGN §8 NACL precision: no free rule number below the offending entry', () => {
  it('leaves an offending entry numbered 1 notify-only, saying why', () => {
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [entry(1, '6', '0.0.0.0/0', [0, 65535])]);
    expect(result.actions).toEqual([]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'not fixable automatically: 22/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the allow ' +
        'entries of 1 kept source(s); 3389/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the ' +
        'allow entries of 1 kept source(s)',
    ]);
  });

  it('leaves an entry with every number below it taken notify-only, and fixes nothing else of that item', () => {
    // Prepare: 1 and 2 taken (a deny for one host, an allow for the VPC), the offender at 3.
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [
      entry(1, '6', '198.51.100.7/32', [0, 65535], 'deny'),
      entry(2, '6', '10.0.0.0/16', [0, 65535]),
      entry(3, '6', '0.0.0.0/0', [0, 65535]),
    ]);
    expect(result.actions).toEqual([]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'not fixable automatically: 22/tcp ipv4: no 2 free rule numbers below 3 for the deny entry and the allow ' +
        'entries of 1 kept source(s); 3389/tcp ipv4: no 2 free rule numbers below 3 for the deny entry and the ' +
        'allow entries of 1 kept source(s)',
    ]);
  });

  it('narrows an admin-only entry numbered 1 in place when one kept source needs no new number', () => {
    const result = plan({ CidrBlock: '10.0.0.0/16' }, [entry(1, '6', '0.0.0.0/0', [22, 22])]);
    expect(calls(result)).toEqual(['ReplaceNetworkAclEntry 1 allow 6 22-22 10.0.0.0/16']);
  });
});
