import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../shared/errors';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot, parseSnapshotText } from '../../../../shared/model/snapshot';

/** The issues of the InputError that parsing `input` throws. */
function issuesOf(input: unknown): string[] {
  try {
    parseSnapshot(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).issues;
  }
  throw new Error('expected an InputError');
}

describe('parseSnapshot on bad input', () => {
  it('names the path of a port that is not a number', () => {
    const issues = issuesOf({
      SecurityGroups: [
        { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: '22', ToPort: 22 }] },
      ],
    });
    expect(issues).toEqual([
      'SecurityGroups[0].IpPermissions[0].FromPort: expected a number, got a string ("22")',
    ]);
  });

  it('names every missing id', () => {
    const issues = issuesOf({
      SecurityGroups: [{ GroupName: 'web' }],
      NetworkAcls: [{ VpcId: 'vpc-1', Entries: [] }],
      SecurityGroupRules: [{ GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp' }],
    });
    expect(issues).toEqual([
      'SecurityGroups[0].GroupId: is required (expected a string)',
      'SecurityGroupRules[0].SecurityGroupRuleId: is required (expected a string)',
      'NetworkAcls[0].NetworkAclId: is required (expected a string)',
    ]);
  });

  it('names wrong types in NACL entries and bad CIDRs', () => {
    const issues = issuesOf({
      NetworkAcls: [
        {
          NetworkAclId: 'acl-1',
          VpcId: 'vpc-1',
          Entries: [
            { RuleNumber: '100', Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
            { RuleNumber: 110, Protocol: '6', RuleAction: 'permit', Egress: 'no', CidrBlock: '0.0.0.0/33' },
            { RuleNumber: 120, Protocol: '-1', RuleAction: 'deny', Egress: false },
          ],
        },
      ],
    });
    expect(issues).toEqual([
      'NetworkAcls[0].Entries[0].RuleNumber: expected a number, got a string ("100")',
      'NetworkAcls[0].Entries[1].RuleAction: expected one of "allow", "deny", got a string ("permit")',
      'NetworkAcls[0].Entries[1].Egress: expected a boolean, got a string ("no")',
      'NetworkAcls[0].Entries[1].CidrBlock: not a valid IPv4 CIDR ("0.0.0.0/33")',
      'NetworkAcls[0].Entries[2]: needs a CidrBlock or an Ipv6CidrBlock',
    ]);
  });

  it('names a list that is not a list and a bad IPv6 source', () => {
    const issues = issuesOf({
      SecurityGroups: [
        { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', Ipv6Ranges: [{ CidrIpv6: '::/200' }] }] },
      ],
      NetworkAcls: {},
    });
    expect(issues).toEqual([
      'SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6: not a valid IPv6 CIDR ("::/200")',
      'NetworkAcls: expected an array, got an object',
    ]);
  });

  it('rejects a root that is not an object, and empty or non-JSON text', () => {
    expect(issuesOf([])).toEqual(['(root): expected an object of Describe* lists']);
    expect(() => parseSnapshotText('')).toThrow(InputError);
    expect(() => parseSnapshotText('{"SecurityGroups": [')).toThrow(/not JSON/);
  });

  it('accepts missing lists and unknown keys', () => {
    const snapshot = parseSnapshot({ Unknown: 1, SecurityGroups: [{ GroupId: 'sg-1', Extra: true }] });
    expect(snapshot.NetworkAcls).toEqual([]);
    expect(buildModel(snapshot).securityGroups.get('sg-1')?.ingress).toEqual([]);
  });
});

describe('buildModel', () => {
  it('expands one permission into one rule per source, keeping the ports as written', () => {
    const model = buildModel(
      parseSnapshot({
        SecurityGroups: [
          {
            GroupId: 'sg-1',
            GroupName: 'default',
            IpPermissions: [
              {
                IpProtocol: '-1',
                IpRanges: [{ CidrIp: '0.0.0.0/0' }],
                Ipv6Ranges: [{ CidrIpv6: '::/0' }],
                PrefixListIds: [{ PrefixListId: 'pl-1' }],
                UserIdGroupPairs: [{ GroupId: 'sg-1' }],
              },
            ],
          },
        ],
      }),
    );
    const group = model.securityGroups.get('sg-1');
    expect(group?.isDefault).toBe(true);
    expect(group?.ingress.map((r) => [r.source.kind, r.fromPort, r.toPort, r.rawFromPort])).toEqual([
      ['ipv4', 0, 65535, undefined],
      ['ipv6', 0, 65535, undefined],
      ['prefix-list', 0, 65535, undefined],
      ['group', 0, 65535, undefined],
    ]);
  });

  it('sorts NACL entries by rule number (EC2 does not)', () => {
    const model = buildModel(
      parseSnapshot({
        NetworkAcls: [
          {
            NetworkAclId: 'acl-1',
            VpcId: 'vpc-1',
            Entries: [
              {
                RuleNumber: 32767,
                Protocol: '-1',
                RuleAction: 'deny',
                Egress: false,
                CidrBlock: '0.0.0.0/0',
              },
              { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
            ],
          },
        ],
      }),
    );
    expect(model.networkAcls.get('acl-1')?.ingress.map((e) => e.ruleNumber)).toEqual([100, 32767]);
  });
});
