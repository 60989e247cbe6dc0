import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { planRemediation } from '../../../../shared/remediation/plan';
import type { RemediationPlanResult } from '../../../../shared/remediation/types';

// DESIGN §8 "NACL precision": "an existing identical entry counts as done". An allow numbered
// before the deny's number that already admits a kept source on the admin port (the protocol,
// the whole port range, exactly that source) is the allow the fix needs: none is added for that
// source. This is what a fix stopped after its allow (a throttled deny) finds when it is retried.

type RawEntry = Omit<NaclEntryInput, 'NetworkAclId'>;

const ACL = 'acl-0guard2';

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

const OUTBOUND = [
  entry(100, '-1', '0.0.0.0/0', undefined, 'allow', true),
  entry(101, '-1', '::/0', undefined, 'allow', true),
];

const VPC = {
  CidrBlock: '10.0.0.0/16',
  CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
  Ipv6CidrBlockAssociationSet: [
    { Ipv6CidrBlock: '2600:1f18::/56', Ipv6CidrBlockState: { State: 'associated' } },
  ],
};

function plan(entries: RawEntry[], config: ConfigInput = {}): RemediationPlanResult {
  const snapshot = parseSnapshot({
    Vpcs: [{ VpcId: 'vpc-0guard2', ...VPC }],
    Subnets: [{ SubnetId: 'subnet-0guard2', VpcId: 'vpc-0guard2', CidrBlock: '10.0.0.0/24' }],
    NetworkAcls: [
      {
        NetworkAclId: ACL,
        VpcId: 'vpc-0guard2',
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

function calls(result: RemediationPlanResult): string[] {
  return result.actions.map((a) => {
    if (a.action === 'DeleteNetworkAclEntry') return `${a.action} ${a.parameters.RuleNumber}`;
    if (a.action !== 'CreateNetworkAclEntry' && a.action !== 'ReplaceNetworkAclEntry') return a.action;
    const p = a.parameters;
    const ports = p.PortRange ? `${p.PortRange.From}-${p.PortRange.To}` : 'all';
    return `${a.action} ${p.RuleNumber} ${p.RuleAction} ${p.Protocol} ${ports} ${p.CidrBlock ?? p.Ipv6CidrBlock}`;
  });
}

/** tcp 0-1023 open to the world (IPv4) at 100: tcp 22 world-open through a broader entry. */
const BROAD = entry(100, '6', '0.0.0.0/0', [0, 1023]);

describe('DESIGN §8: an allow already there for a kept source is the one the fix needs', () => {
  it('plans no second allow for the VPC block when 98 already admits it on 22 (a retried fix)', () => {
    expect(calls(plan([entry(98, '6', '10.0.0.0/16', [22, 22]), BROAD]))).toEqual([
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('reuses an allow written with the protocol name, or a wider port range, well below the deny', () => {
    // EC2 lists the protocol as a number; a snapshot may carry the name.
    expect(calls(plan([entry(10, 'tcp', '10.0.0.0/16', [20, 25]), BROAD]))).toEqual([
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('adds the allow when the existing one is not the same: another source, a narrower one, another protocol, ports not covering 22, all protocols', () => {
    for (const other of [
      entry(98, '6', '10.0.0.0/8', [22, 22]),
      entry(98, '6', '10.0.0.0/17', [22, 22]),
      entry(98, '17', '10.0.0.0/16', [22, 22]),
      entry(98, '6', '10.0.0.0/16', [23, 25]),
      entry(98, '-1', '10.0.0.0/16'),
    ]) {
      expect(calls(plan([other, BROAD])), JSON.stringify(other)).toEqual([
        'CreateNetworkAclEntry 97 allow 6 22-22 10.0.0.0/16',
        'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
      ]);
    }
  });

  it('does not count an outbound allow (its number is free inbound: the allow takes it)', () => {
    expect(calls(plan([entry(98, '6', '10.0.0.0/16', [22, 22], 'allow', true), BROAD]))).toEqual([
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('does not count an identical allow numbered after the deny (it would match too late)', () => {
    // 99 allow from the VPC, 100 broad: the deny goes at 98, so 99 is behind it.
    expect(calls(plan([entry(99, '6', '10.0.0.0/16', [22, 22]), BROAD]))).toEqual([
      'CreateNetworkAclEntry 97 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 98 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('with an admin source: only the source that lacks its allow gets one, at the largest free number below the deny', () => {
    expect(
      calls(
        plan([entry(97, '6', '172.16.50.0/24', [22, 22]), BROAD], { naclAdminSources: ['172.16.50.0/24'] }),
      ),
    ).toEqual([
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('IPv6: an allow for the VPC IPv6 block (public space) is neither the deny anchor nor doubled, the IPv4 one not enough for it', () => {
    const open6 = entry(101, '6', '::/0', [0, 1023]);
    expect(
      calls(
        plan([
          entry(96, '6', '10.0.0.0/16', [22, 22]),
          entry(97, '6', '2600:1f18::/56', [22, 22]),
          BROAD,
          open6,
        ]),
      ),
    ).toEqual([
      'CreateNetworkAclEntry 98 deny 6 22-22 ::/0',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('an admin-only entry: the allow for a further kept source already below it is reused, the entry narrowed', () => {
    expect(
      calls(
        plan([entry(99, '6', '172.16.50.0/24', [22, 22]), entry(100, '6', '0.0.0.0/0', [22, 22])], {
          naclAdminSources: ['172.16.50.0/24'],
        }),
      ),
    ).toEqual(['ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16']);
  });

  it('an admin-only entry with no such allow: the allow for the further source is still made below it', () => {
    expect(
      calls(plan([entry(100, '6', '0.0.0.0/0', [22, 22])], { naclAdminSources: ['172.16.50.0/24'] })),
    ).toEqual([
      'CreateNetworkAclEntry 99 allow 6 22-22 172.16.50.0/24',
      'ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16',
    ]);
  });

  it('a reused allow frees a number: a fix that had no room for its allow now fits', () => {
    // 1 and 2 free below 3: deny + one allow fits only because 10.0.0.0/16 is already admitted at 1.
    const taken = [entry(1, '6', '10.0.0.0/16', [22, 22]), entry(3, '6', '0.0.0.0/0', [0, 1023])];
    expect(calls(plan(taken))).toEqual(['CreateNetworkAclEntry 2 deny 6 22-22 0.0.0.0/0']);
  });
  it('a public admin source whose allow is there (a retried fix): not the deny anchor, not doubled', () => {
    // Without the reading, 97 (public space) would anchor the deny at 96 and a second allow for
    // 203.0.113.0/24 would go at 94.
    expect(
      calls(
        plan([entry(97, '6', '203.0.113.0/24', [22, 22]), BROAD], { naclAdminSources: ['203.0.113.0/24'] }),
      ),
    ).toEqual([
      'CreateNetworkAclEntry 98 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 99 deny 6 22-22 0.0.0.0/0',
    ]);
  });

  it('an admin-only entry beside a public admin source allow made by a stopped fix: only the entry is narrowed', () => {
    expect(
      calls(
        plan([entry(99, '6', '203.0.113.0/24', [22, 22]), entry(100, '6', '0.0.0.0/0', [22, 22])], {
          naclAdminSources: ['203.0.113.0/24'],
        }),
      ),
    ).toEqual(['ReplaceNetworkAclEntry 100 allow 6 22-22 10.0.0.0/16']);
  });
  it('a deny for the VPC block before the deny: no allow reused (a deny is no allow), the fix refused as widening', () => {
    const result = plan([entry(98, '6', '10.0.0.0/16', [22, 22], 'deny'), BROAD]);
    expect(calls(result)).toEqual([]);
    expect(result.skipped.map((x) => x.reason)).toEqual([
      'not fixable automatically: 22/tcp ipv4: the allow entries for the kept sources would let in traffic an existing entry denies',
    ]);
  });

  it('only kept-source allows open the port (kept sources world-open themselves): refused, saying why, never skipped in silence', () => {
    // The config schema refuses such sources; the parsed config is amended past it, as in
    // nacl-open-admin-port.test.ts.
    const snapshot = parseSnapshot({
      Vpcs: [{ VpcId: 'vpc-0guard2', ...VPC }],
      NetworkAcls: [
        {
          NetworkAclId: ACL,
          VpcId: 'vpc-0guard2',
          Associations: [],
          Entries: [
            entry(100, '6', '0.0.0.0/1', [22, 22]),
            entry(101, '6', '128.0.0.0/1', [22, 22]),
            ...OUTBOUND,
          ],
        },
      ],
    });
    const config = {
      ...parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } }),
      naclAdminSources: ['0.0.0.0/1', '128.0.0.0/1'],
    };
    const [finding] = evaluate(snapshot, config).filter((f) => f.ruleId === 'nacl-open-admin-port');
    expect(finding?.remediation).toBeUndefined();
    expect(finding?.evidence.notPlanned).toEqual([
      "22/tcp ipv4: the kept sources of IPv4 (the VPC's blocks and naclAdminSources) are world-open themselves",
    ]);
  });
  it('IPv6: an allow for a narrower block at the same start (a /64 of the VPC /56) is not the allow for the /56', () => {
    expect(
      calls(plan([entry(97, '6', '2600:1f18::/64', [22, 22]), entry(101, '6', '::/0', [0, 1023])])),
    ).toEqual([
      'CreateNetworkAclEntry 99 allow 6 22-22 2600:1f18::/56',
      'CreateNetworkAclEntry 100 deny 6 22-22 ::/0',
    ]);
  });
  it('an allow for a public block below the kept ones (1.0.0.0/8, 2400::/12) stays a contributor: the deny goes below it', () => {
    // §8: the deny at the largest free number below the LOWEST contributing entry, so 1.0.0.0/8
    // loses 22 too, though without it the port would read as closed (1.0.0.0/8 < 99 %).
    expect(calls(plan([entry(50, '6', '1.0.0.0/8', [0, 1023]), BROAD]))).toEqual([
      'CreateNetworkAclEntry 48 allow 6 22-22 10.0.0.0/16',
      'CreateNetworkAclEntry 49 deny 6 22-22 0.0.0.0/0',
    ]);
    expect(calls(plan([entry(50, '6', '2400::/12', [0, 1023]), entry(101, '6', '::/0', [0, 1023])]))).toEqual(
      ['CreateNetworkAclEntry 48 allow 6 22-22 2600:1f18::/56', 'CreateNetworkAclEntry 49 deny 6 22-22 ::/0'],
    );
  });
});
