import { describe, expect, it } from 'vitest';
import type { NaclEntryInput } from '../../../../shared/findings';
import { describeAction, undoCommand } from '../../../../shared/notify/notice';
import { inverseOf } from '../../../../shared/remediation/inverse';
import type { PlannedAction } from '../../../../shared/remediation/types';

const entry = (RuleNumber: number, RuleAction: 'allow' | 'deny', CidrBlock: string): NaclEntryInput => ({
  NetworkAclId: 'acl-1',
  RuleNumber,
  Protocol: '6',
  RuleAction,
  Egress: false,
  CidrBlock,
  PortRange: { From: 22, To: 22 },
});

describe('inverseOf', () => {
  it('writes a narrowed entry back as it was (ReplaceNetworkAclEntry with the previous entry)', () => {
    const action: PlannedAction = {
      action: 'ReplaceNetworkAclEntry',
      parameters: entry(100, 'allow', '10.0.0.0/16'),
      replacedEntry: entry(100, 'allow', '0.0.0.0/0'),
      findingIds: ['f'],
    };
    expect(inverseOf(action)).toEqual({
      action: 'ReplaceNetworkAclEntry',
      parameters: entry(100, 'allow', '0.0.0.0/0'),
    });
  });

  it('deletes a created entry, by number and direction', () => {
    const action: PlannedAction = {
      action: 'CreateNetworkAclEntry',
      parameters: entry(99, 'deny', '0.0.0.0/0'),
      findingIds: [],
    };
    expect(inverseOf(action)).toEqual({
      action: 'DeleteNetworkAclEntry',
      parameters: { NetworkAclId: 'acl-1', RuleNumber: 99, Egress: false },
    });
  });

  it('re-creates a deleted entry, and has no inverse when the entry was never read', () => {
    const parameters = { NetworkAclId: 'acl-1', RuleNumber: 101, Egress: false };
    const { CidrBlock: _v4, ...rest } = entry(101, 'allow', '0.0.0.0/0');
    const was: NaclEntryInput = { ...rest, Ipv6CidrBlock: '::/0' };
    const known: PlannedAction = {
      action: 'DeleteNetworkAclEntry',
      parameters,
      deletedEntry: was,
      findingIds: [],
    };
    expect(inverseOf(known)).toEqual({ action: 'CreateNetworkAclEntry', parameters: was });
    expect(inverseOf({ action: 'DeleteNetworkAclEntry', parameters, findingIds: [] })).toBeUndefined();
    expect(
      inverseOf({
        action: 'ReplaceNetworkAclEntry',
        parameters: entry(100, 'allow', '10.0.0.0/16'),
        findingIds: [],
      }),
    ).toBeUndefined();
  });

  it('authorizes again the permissions a revoke removed, and turns auto-assign back on', () => {
    const permission = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    expect(
      inverseOf({
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-1'] },
        revoked: [permission],
        findingIds: [],
      }),
    ).toEqual({
      action: 'AuthorizeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', IpPermissions: [permission] },
    });
    expect(
      inverseOf({
        action: 'ModifySubnetAttribute',
        parameters: { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: false } },
        findingIds: [],
      }),
    ).toEqual({
      action: 'ModifySubnetAttribute',
      parameters: { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: true } },
    });
  });
});

describe('how to undo a NACL narrowing (the notice line)', () => {
  it('prints the replace that writes the entry back, and names the replace in the action list', () => {
    const action: PlannedAction = {
      action: 'ReplaceNetworkAclEntry',
      parameters: entry(100, 'allow', '10.0.0.0/16'),
      replacedEntry: entry(100, 'allow', '0.0.0.0/0'),
      findingIds: ['f'],
    };
    expect(undoCommand(action)).toBe(
      'aws ec2 replace-network-acl-entry --network-acl-id acl-1 --rule-number 100 --ingress --protocol 6 --rule-action allow --cidr-block 0.0.0.0/0 --port-range From=22,To=22',
    );
    expect(describeAction(action)).toBe(
      'ReplaceNetworkAclEntry acl-1 ingress rule 100: allow protocol 6 ports 22 from 10.0.0.0/16',
    );
  });
});
