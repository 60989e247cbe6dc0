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
