import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { applyActions } from '../../../../shared/remediation/apply';
import { buildWorld } from '../../../helpers';

// DESIGN §8 "Notices tell the state after the actions": the calls made, applied in memory.

const world = () =>
  parseSnapshot(
    buildWorld({
      groupId: 'sg-0web',
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-o22', from: 22, cidr: '198.51.100.0/24' },
        { id: 'sgr-w443', from: 443, cidr: '0.0.0.0/0' },
      ],
    }),
  );

describe('applyActions', () => {
  it('removes a revoked rule by id from the rules and its source from the group permissions, nothing else', () => {
    const before = world();
    const after = applyActions(before, [
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-w22'] },
        findingIds: [],
      },
    ]);
    expect(after.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).not.toContain('sgr-w22');
    expect(after.SecurityGroupRules).toHaveLength(before.SecurityGroupRules.length - 1);
    const group = after.SecurityGroups.find((g) => g.GroupId === 'sg-0web');
    expect(group?.IpPermissions.map((p) => [p.FromPort, p.IpRanges.map((r) => r.CidrIp)])).toEqual([
      [22, ['198.51.100.0/24']],
      [443, ['0.0.0.0/0']],
    ]);
    // The slice the first evaluation read is untouched.
    expect(before.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toContain('sgr-w22');
  });

  it('removes a revoked permission source; a permission left with no source disappears', () => {
    const after = applyActions(world(), [
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: {
          GroupId: 'sg-0web',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
        findingIds: [],
      },
    ]);
    const group = after.SecurityGroups.find((g) => g.GroupId === 'sg-0web');
    expect(group?.IpPermissions.map((p) => p.FromPort)).toEqual([22, 22]);
  });

  it('writes, replaces and deletes NACL entries by number and direction, and turns off auto-assign', () => {
    const after = applyActions(world(), [
      {
        action: 'CreateNetworkAclEntry',
        parameters: {
          NetworkAclId: 'acl-0default',
          RuleNumber: 99,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 22, To: 22 },
        },
        findingIds: [],
      },
      {
        action: 'ReplaceNetworkAclEntry',
        parameters: {
          NetworkAclId: 'acl-0default',
          RuleNumber: 100,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '10.0.0.0/16',
          PortRange: { From: 22, To: 22 },
        },
        findingIds: [],
      },
      {
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: 'acl-0default', RuleNumber: 101, Egress: false },
        findingIds: [],
      },
      {
        action: 'ModifySubnetAttribute',
        parameters: { SubnetId: 'subnet-0pub', MapPublicIpOnLaunch: { Value: false } },
        findingIds: [],
      },
    ]);
    const ingress = after.NetworkAcls[0]?.Entries.filter((e) => !e.Egress).sort(
      (a, b) => a.RuleNumber - b.RuleNumber,
    );
    expect(ingress?.map((e) => [e.RuleNumber, e.RuleAction, e.CidrBlock ?? e.Ipv6CidrBlock])).toEqual([
      [99, 'deny', '0.0.0.0/0'],
      [100, 'allow', '10.0.0.0/16'],
      [32767, 'deny', '0.0.0.0/0'],
    ]);
    expect(after.Subnets[0]?.MapPublicIpOnLaunch).toBe(false);
  });
});
