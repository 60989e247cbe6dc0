import { describe, expect, it } from 'vitest';
import { buildModel } from '../shared/model/model';
import { parseSnapshot } from '../shared/model/snapshot';
import { audit, triples } from './helpers/evaluate';

// DESIGN §3/§4/§5 as the model reads a validated snapshot's security groups: what the mutation
// checks of the model builders left by mutants7 and run by mutants10 (2026-12-08) found without a
// test that would fail.

const SG_RULES = [
  'sg-open-all-traffic',
  'sg-open-admin-port',
  'sg-open-high-risk-port',
  'sg-open-unauthorized-port',
  'sg-broad-public-source',
];

describe('a group known only from its SecurityGroupRules (describe-security-group-rules alone)', () => {
  const snapshot = {
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-out',
        GroupId: 'sg-1',
        IsEgress: true,
        IpProtocol: '-1',
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: '0.0.0.0/0',
      },
      {
        SecurityGroupRuleId: 'sgr-in',
        GroupId: 'sg-1',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        CidrIpv4: '10.0.0.0/8',
      },
    ],
  };

  it('reads its egress rules as egress only: the default allow-all outbound is no inbound rule', () => {
    const group = buildModel(parseSnapshot(structuredClone(snapshot))).securityGroups.get('sg-1');
    expect(group?.ingress.map((r) => r.ruleId)).toEqual(['sgr-in']);
    expect(group?.egress.map((r) => r.ruleId)).toEqual(['sgr-out']);
  });

  it('reports nothing open to the world (the outbound 0.0.0.0/0 read as inbound was a critical finding)', () => {
    expect(triples(audit(structuredClone(snapshot), { rules: SG_RULES }))).toEqual([]);
  });
});

describe('a permission with VPC ranges and a prefix list: the list is a source of its own', () => {
  const snapshot = () => ({
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        VpcId: 'vpc-1',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '10.0.0.0/8' }],
            PrefixListIds: [{ PrefixListId: 'pl-world' }],
          },
        ],
      },
    ],
    ManagedPrefixLists: [{ PrefixListId: 'pl-world', Entries: [{ Cidr: '0.0.0.0/0' }] }],
  });

  it('keeps the prefix list among the rules that may be public (read before the full rule list)', () => {
    const group = buildModel(parseSnapshot(snapshot())).securityGroups.get('sg-1');
    expect(group?.publicIngress.map((r) => r.source)).toEqual([
      { kind: 'prefix-list', prefixListId: 'pl-world' },
    ]);
  });

  it('finds the world behind it, whichever rules run', () => {
    const expected = [['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]];
    expect(triples(audit(snapshot(), { rules: ['sg-open-admin-port'] }))).toEqual(expected);
    expect(triples(audit(snapshot(), { rules: SG_RULES }))).toEqual(expected);
  });
});

describe('private IPv6 sources are rules of the group too (the two views agree on them)', () => {
  it('expands an fd00::/8 (unique local) range into the ingress rules, matched to its SecurityGroupRules twin', () => {
    const snapshot = {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          VpcId: 'vpc-1',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, Ipv6Ranges: [{ CidrIpv6: 'fd00::/8' }] },
          ],
        },
      ],
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-ula',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          CidrIpv6: 'fd00::/8',
        },
      ],
    };
    const model = buildModel(parseSnapshot(snapshot));
    expect(model.securityGroups.get('sg-1')?.ingress.map((r) => [r.ruleId, r.fromPort, r.toPort])).toEqual([
      ['sgr-ula', 5432, 5432],
    ]);
    // Read in one view only, the rule would make the views "disagree" (a warning for nothing).
    expect(model.warnings).toEqual([]);
  });
});

describe('a rule referencing a group across a peering connection, described by both views', () => {
  it('is one rule: the permission takes the rule id of its twin, and the views agree', () => {
    const snapshot = {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          VpcId: 'vpc-1',
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              UserIdGroupPairs: [
                { GroupId: 'sg-peer', UserId: '444455556666', VpcPeeringConnectionId: 'pcx-1' },
              ],
            },
          ],
        },
      ],
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-peer',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          ReferencedGroupInfo: {
            GroupId: 'sg-peer',
            UserId: '444455556666',
            VpcPeeringConnectionId: 'pcx-1',
          },
        },
      ],
    };
    const model = buildModel(parseSnapshot(snapshot));
    expect(model.securityGroups.get('sg-1')?.ingress.map((r) => [r.ruleId, r.source])).toEqual([
      ['sgr-peer', { kind: 'group', groupId: 'sg-peer', userId: '444455556666', peering: 'pcx-1' }],
    ]);
    expect(model.warnings).toEqual([]);
  });
});

describe('DESIGN §4: a range that only partly lies in private space is not skipped as private', () => {
  /** Minimal IPv4 CIDRs covering [0, 2^32) minus one aligned block. */
  function worldMinus(block: string): string[] {
    const [address, prefix] = block.split('/');
    const start = (address ?? '').split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const hole = [start, start + 2 ** (32 - Number(prefix))] as const;
    const out: string[] = [];
    const visit = (from: number, size: number) => {
      const end = from + size;
      if (hole[0] <= from && end <= hole[1]) return;
      if (!(hole[0] < end && from < hole[1])) {
        const quad = [from / 2 ** 24, (from / 2 ** 16) % 256, (from / 256) % 256, from % 256].map(Math.floor);
        out.push(`${quad.join('.')}/${32 - Math.log2(size)}`);
        return;
      }
      visit(from, size / 2);
      visit(from + size / 2, size / 2);
    };
    visit(0, 2 ** 32);
    return out;
  }

  const openTo = (cidrs: string[]) => ({
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        VpcId: 'vpc-1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })) },
        ],
      },
    ],
  });
  // Coverage 1: every public address must be admitted, so the public part of the range decides.
  const config = { worldOpenCoverage: 1 };

  it.each([
    ['192.168.0.0/15', '192.168.0.0/15', '192.169.0.0/16 is public'],
    ['172.16.0.0/11', '172.0.0.0/11', 'written with host bits, it is 172.0.0.0/11: 172.0–172.15 are public'],
  ])('%s completes the world (%s less it; %s)', (range, block) => {
    const findings = audit(openTo([...worldMinus(block), range]), { rules: SG_RULES, config });
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
  });

  it('the control: without it the world is not complete at coverage 1', () => {
    expect(triples(audit(openTo(worldMinus('192.168.0.0/15')), { rules: SG_RULES, config }))).toEqual([
      ['sg-broad-public-source', 'sg-1', 'low', ['22/tcp']],
    ]);
  });
});

describe('DESIGN §5 evidence: only rules whose source may be public are named as contributing', () => {
  it('names ::/0 and not the unique-local fd00::/8 beside it (no public address in it)', () => {
    const findings = audit(
      {
        SecurityGroups: [
          {
            GroupId: 'sg-1',
            VpcId: 'vpc-1',
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 22,
                ToPort: 22,
                Ipv6Ranges: [{ CidrIpv6: '::/0' }, { CidrIpv6: 'fd00::/8' }],
              },
            ],
          },
        ],
      },
      { rules: SG_RULES },
    );
    expect(triples(findings)).toEqual([['sg-open-admin-port', 'sg-1', 'critical', ['22/tcp']]]);
    expect(findings[0]?.evidence.rules).toEqual([{ protocol: 'tcp', ports: '22', source: '::/0' }]);
  });
});
