import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { applyActions } from '../../../../shared/remediation/apply';
import type { PlannedAction } from '../../../../shared/remediation/types';
import { buildWorld } from '../../../helpers';

// DESIGN §8 "Notices tell the state after the actions": the calls made, applied to the slice in
// memory, checked where mutants9's mutations of shared/remediation/apply.ts survived the earlier
// tests. A wrong in-memory effect makes the notice call a finding fixed that is still open (or the
// reverse).

const GROUP = 'sg-0mut9';

/** Ingress and egress rules on the same port and source: only the direction tells them apart. */
const world = () =>
  parseSnapshot(
    buildWorld({
      groupId: GROUP,
      rules: [
        { id: 'sgr-in25', from: 25, cidr: '0.0.0.0/0' },
        { id: 'sgr-out25', from: 25, cidr: '0.0.0.0/0', egress: true },
        { id: 'sgr-outall', protocol: '-1', cidr: '0.0.0.0/0', egress: true },
      ],
    }),
  );

const group = (snapshot: ReturnType<typeof world>) =>
  snapshot.SecurityGroups.find((g) => g.GroupId === GROUP);
const ports = (permissions: { IpProtocol: string; FromPort?: number; IpRanges: { CidrIp: string }[] }[]) =>
  permissions.map(
    (p) => `${p.IpProtocol} ${p.FromPort ?? 'all'} ${p.IpRanges.map((r) => r.CidrIp).join(',')}`,
  );

const revoke = (
  action: 'RevokeSecurityGroupIngress' | 'RevokeSecurityGroupEgress',
  ids: string[],
): PlannedAction => ({
  action,
  parameters: { GroupId: GROUP, SecurityGroupRuleIds: ids },
  findingIds: [],
});

describe('applyActions: a revoke acts on its own direction only', () => {
  it('removes an egress rule and its egress permission, leaving the same ingress rule open', () => {
    // Act
    const after = applyActions(world(), [revoke('RevokeSecurityGroupEgress', ['sgr-out25'])]);

    // Assess
    expect(
      after.SecurityGroupRules.filter((r) => r.GroupId === GROUP).map((r) => r.SecurityGroupRuleId),
    ).toEqual(['sgr-in25', 'sgr-outall']);
    expect(ports(group(after)?.IpPermissionsEgress ?? [])).toEqual(['-1 all 0.0.0.0/0']);
    expect(ports(group(after)?.IpPermissions ?? [])).toEqual(['tcp 25 0.0.0.0/0']);
  });

  it('removes an ingress rule and its ingress permission, leaving the same egress rule', () => {
    const after = applyActions(world(), [revoke('RevokeSecurityGroupIngress', ['sgr-in25'])]);
    expect(ports(group(after)?.IpPermissions ?? [])).toEqual([]);
    expect(ports(group(after)?.IpPermissionsEgress ?? [])).toEqual(['tcp 25 0.0.0.0/0', '-1 all 0.0.0.0/0']);
  });
});

describe('applyActions: NACL entries as the calls wrote them', () => {
  it('writes a created and a replaced entry with their whole port range', () => {
    const acl = world().NetworkAcls[0]?.NetworkAclId ?? '';
    const after = applyActions(world(), [
      {
        action: 'CreateNetworkAclEntry',
        parameters: {
          NetworkAclId: acl,
          RuleNumber: 99,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 20, To: 25 },
        },
        findingIds: [],
      },
      {
        action: 'ReplaceNetworkAclEntry',
        parameters: {
          NetworkAclId: acl,
          RuleNumber: 100,
          Protocol: '17',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '10.0.0.0/16',
          PortRange: { From: 3389, To: 3390 },
        },
        findingIds: [],
      },
    ]);
    const written = after.NetworkAcls[0]?.Entries.filter((e) => !e.Egress && e.RuleNumber < 101);
    expect(written?.map((e) => [e.RuleNumber, e.RuleAction, e.Protocol, e.CidrBlock, e.PortRange])).toEqual([
      [99, 'deny', '6', '0.0.0.0/0', { From: 20, To: 25 }],
      [100, 'allow', '17', '10.0.0.0/16', { From: 3389, To: 3390 }],
    ]);
  });

  it('writes an outbound entry as outbound, next to an inbound entry of the same number', () => {
    const acl = world().NetworkAcls[0]?.NetworkAclId ?? '';
    const after = applyActions(world(), [
      {
        action: 'CreateNetworkAclEntry',
        parameters: {
          NetworkAclId: acl,
          RuleNumber: 100,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: true,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 25, To: 25 },
        },
        findingIds: [],
      },
    ]);
    const at100 = after.NetworkAcls[0]?.Entries.filter((e) => e.RuleNumber === 100);
    expect(at100?.map((e) => [e.Egress, e.RuleAction, e.Protocol])).toEqual([
      [false, 'allow', '-1'],
      [true, 'deny', '6'],
    ]);
  });

  it("changes only the named NACL's entries, not those of another NACL with the same numbers", () => {
    const before = world();
    const [first] = before.NetworkAcls;
    if (!first) throw new Error('the world has a NACL');
    const other = { ...first, NetworkAclId: 'acl-0other', Associations: [], IsDefault: false };
    const after = applyActions({ ...before, NetworkAcls: [first, other] }, [
      {
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: first.NetworkAclId, RuleNumber: 100, Egress: false },
        findingIds: [],
      },
    ]);
    const inbound100 = after.NetworkAcls.map((acl) => [
      acl.NetworkAclId,
      acl.Entries.some((e) => e.RuleNumber === 100 && !e.Egress),
    ]);
    expect(inbound100).toEqual([
      [first.NetworkAclId, false],
      ['acl-0other', true],
    ]);
  });
});

describe('applyActions: a revoke by rule id removes the source the rule stands for', () => {
  it("removes a prefix-list rule's list from the group's permission, keeping the port's other sources", () => {
    // Prepare: tcp 22 from a prefix list and from an office range, as two rules.
    const snapshot = parseSnapshot(
      buildWorld({
        groupId: GROUP,
        rules: [
          { id: 'sgr-pl22', from: 22, prefixList: 'pl-0world' },
          { id: 'sgr-office22', from: 22, cidr: '198.51.100.0/24' },
        ],
      }),
    );

    // Act
    const after = applyActions(snapshot, [revoke('RevokeSecurityGroupIngress', ['sgr-pl22'])]);

    // Assess
    const permissions = group(after)?.IpPermissions ?? [];
    expect(permissions.map((p) => [p.FromPort, p.PrefixListIds, p.IpRanges.map((r) => r.CidrIp)])).toEqual([
      [22, [], ['198.51.100.0/24']],
    ]);
  });

  it('removes the source only from the permission with the same ports', () => {
    // Prepare: the world on 22, on 20-22 and on 22-25, as three rules.
    const snapshot = parseSnapshot(
      buildWorld({
        groupId: GROUP,
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w20', from: 20, to: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w25', from: 22, to: 25, cidr: '0.0.0.0/0' },
        ],
      }),
    );

    // Act
    const after = applyActions(snapshot, [revoke('RevokeSecurityGroupIngress', ['sgr-w22'])]);

    // Assess: the other two permissions still open their ports to the world.
    const permissions = group(after)?.IpPermissions ?? [];
    expect(permissions.map((p) => [p.FromPort, p.ToPort, p.IpRanges.map((r) => r.CidrIp)])).toEqual([
      [20, 22, ['0.0.0.0/0']],
      [22, 25, ['0.0.0.0/0']],
    ]);
  });

  it('matches a permission whose protocol is written as a number or in capitals (the snapshot accepts both)', () => {
    // Prepare: the rules say `tcp`; the group's permission lists say `6` and `TCP`.
    const raw = buildWorld({
      groupId: GROUP,
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-w25', from: 25, cidr: '0.0.0.0/0' },
      ],
    });
    const rawGroup = raw.SecurityGroups.find((g) => g.GroupId === GROUP);
    const permissions = rawGroup?.IpPermissions as { IpProtocol: string }[] | undefined;
    const [p22, p25] = permissions ?? [];
    if (!p22 || !p25) throw new Error('two permissions');
    p22.IpProtocol = '6';
    p25.IpProtocol = 'TCP';

    // Act
    const after = applyActions(parseSnapshot(raw), [
      revoke('RevokeSecurityGroupIngress', ['sgr-w22', 'sgr-w25']),
    ]);

    // Assess: both world sources gone from the permission lists, as from the rules.
    expect(group(after)?.IpPermissions).toEqual([]);
    expect(after.SecurityGroupRules.filter((r) => r.GroupId === GROUP && !r.IsEgress)).toEqual([]);
  });
});
