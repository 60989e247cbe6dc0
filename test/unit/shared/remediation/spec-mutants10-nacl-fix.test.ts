import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../../shared/engine';
import type { NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { planRemediation } from '../../../../shared/remediation/plan';
import type { RemediationPlanResult } from '../../../../shared/remediation/types';

// DESIGN §8 "NACL precision": a fix only takes away. mutants9's N71 (widens() without the first
// port after each old permitted segment) left open; this is its counter-example: the only port
// where the planned entries let in what the old ones did not is right after an old segment ends.

type RawEntry = Omit<NaclEntryInput, 'NetworkAclId'>;

const ACL = 'acl-0mut10';
const VPC = 'vpc-0mut10';

const entry = (
  RuleNumber: number,
  cidr: string,
  ports: [number, number],
  RuleAction: 'allow' | 'deny' = 'allow',
): RawEntry => ({
  RuleNumber,
  Protocol: '6',
  RuleAction,
  Egress: false,
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
  PortRange: { From: ports[0], To: ports[1] },
});

function plan(entries: RawEntry[]): RemediationPlanResult {
  const snapshot = parseSnapshot({
    // No IPv6 block: the IPv6 admin-only entry has no kept source and is deleted, not narrowed.
    Vpcs: [{ VpcId: VPC, CidrBlock: '10.0.0.0/16' }],
    Subnets: [{ SubnetId: 'subnet-0mut10', VpcId: VPC, CidrBlock: '10.0.0.0/24' }],
    NetworkAcls: [
      {
        NetworkAclId: ACL,
        VpcId: VPC,
        IsDefault: true,
        Associations: [],
        Entries: [
          ...entries,
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
        ],
      },
    ],
  });
  const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
  return planRemediation(evaluate(snapshot, config), config, { sliceComplete: true });
}

describe('DESIGN §8 NACL precision: a delete that would take a deny with it is not planned', () => {
  it('keeps an IPv6 admin-only allow whose number an IPv4 deny shares, saying why', () => {
    // Prepare: 100 allows 22/tcp from ::/0 (world-open, admin-only; the VPC has no IPv6 block, so
    // the fix would delete it). An IPv4 deny shares number 100 (a hand-made snapshot: the two
    // families may share one) and keeps 23-30 shut in front of 200. DeleteNetworkAclEntry names a
    // number, not a family: the delete takes the deny too, and 23-30 opens to 10.0.0.0/8 — only
    // there, the ports right after the old permitted 22.
    const result = plan([
      entry(100, '::/0', [22, 22]),
      entry(100, '0.0.0.0/0', [23, 30], 'deny'),
      entry(200, '10.0.0.0/8', [20, 30]),
    ]);

    // Assess: no call; the finding says the fix is not planned and why.
    expect(result.actions).toEqual([]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      expect.stringContaining(
        '22/tcp ipv6: the allow entries for the kept sources would let in traffic an existing entry denies',
      ),
    ]);
  });

  it('deletes it when no deny shares its number (the same layout without the deny)', () => {
    // Prepare: the control: 23-30 was open to 10.0.0.0/8 before and stays so.
    const result = plan([entry(100, '::/0', [22, 22]), entry(200, '10.0.0.0/8', [20, 30])]);

    // Assess: the IPv6 allow is deleted, nothing else.
    expect(result.actions.map((a) => `${a.action} ${JSON.stringify(a.parameters)}`)).toEqual([
      `DeleteNetworkAclEntry ${JSON.stringify({ NetworkAclId: ACL, RuleNumber: 100, Egress: false })}`,
    ]);
    expect(result.skipped).toEqual([]);
  });
});
