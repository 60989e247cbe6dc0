// Mutation checks of shared/remediation/plan.ts: each test here kills a mutant the suite let live
// (see the mutants round in CONTRIBUTING / the helper's notes): per-rule modes under a global
// dry run, and the merge of several findings into one call per group and direction.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../shared/load-config';
import { planRemediation, ruleMode } from '../shared/remediation/plan';
import type { AutoFix } from '../shared/rules/types';
import { makeFinding, revokePlan } from './helpers';

const autoFixOf = (ruleId: string): AutoFix =>
  ruleId === 'sg-open-admin-port' ? 'yes' : ruleId === 'nacl-open-admin-port' ? 'opt-in' : 'no';
const complete = { sliceComplete: true, autoFixOf };
const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-1',
  remediation: revokePlan('sg-1', ['sgr-world22', 22]),
});

describe('per-rule modes under a global dry run', () => {
  it('keeps a rule set to notify at notify: nothing planned, the finding skipped as "mode notify"', () => {
    // Prepare
    const config = parseConfig({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'notify' } });
    // Act
    const plan = planRemediation([admin], config, complete);
    // Assess
    expect(ruleMode(config, 'sg-open-admin-port')).toBe('notify');
    expect(plan.dryRun).toBe(true);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped).toEqual([
      { findingId: admin.id, ruleId: 'sg-open-admin-port', resourceId: 'sg-1', reason: 'mode notify' },
    ]);
  });

  it('keeps a rule set to off at off: nothing planned, skipped as "mode off"', () => {
    const config = parseConfig({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'off' } });
    const plan = planRemediation([admin], config, complete);
    expect(ruleMode(config, 'sg-open-admin-port')).toBe('off');
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['mode off']);
  });

  it('never plans a finding of a rule set to off under a global remediate', () => {
    const config = parseConfig({ mode: 'remediate', rules: { 'sg-open-admin-port': 'off' } });
    const plan = planRemediation([admin], config, complete);
    expect(plan.dryRun).toBe(false);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => [s.findingId, s.reason])).toEqual([[admin.id, 'mode off']]);
  });
});

describe('the part of a finding that cannot be fixed is named, even when it is one reason', () => {
  it('names a NACL fix with a single notPlanned reason beside the calls planned for the rest', () => {
    // Prepare: 22/tcp is planned, 3389/tcp is not (one reason): the skip must still say so.
    const reason =
      '3389/tcp ipv4: no 2 free rule numbers below 100 for the deny entry and the allow entries of 1 kept source(s)';
    const finding = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-1',
      evidence: { notPlanned: [reason] },
      remediation: {
        action: 'fix-network-acl-entries',
        networkAclId: 'acl-1',
        createEntries: [
          {
            NetworkAclId: 'acl-1',
            RuleNumber: 10,
            Egress: false,
            Protocol: '6',
            RuleAction: 'deny',
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 22, To: 22 },
          },
        ],
        replaceEntries: [],
        deleteEntries: [],
        previousEntries: [],
      },
    });
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    // Act
    const plan = planRemediation([finding], config, complete);
    // Assess
    expect(plan.actions.map((a) => [a.action, a.findingIds])).toEqual([
      ['CreateNetworkAclEntry', [finding.id]],
    ]);
    expect(plan.skipped).toEqual([
      {
        findingId: finding.id,
        ruleId: 'nacl-open-admin-port',
        resourceId: 'acl-1',
        reason: `not fixable automatically: ${reason}`,
      },
    ]);
  });

  it('skips, never drops, a NACL finding with no plan and a single notPlanned reason', () => {
    const finding = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-2',
      evidence: {
        notPlanned: [
          '22/tcp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20)',
        ],
      },
    });
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    const plan = planRemediation([finding], config, complete);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => [s.resourceId, s.reason])).toEqual([
      [
        'acl-2',
        'not fixable automatically: 22/tcp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20)',
      ],
    ]);
  });
});

describe('merging plans: nothing offending is lost when two targets look alike', () => {
  it('revokes every permission of a group when the slice carried no rule ids (one call, all of them)', () => {
    // Prepare: two findings on sg-2, neither target has a rule id (revoke by permission).
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const rdp = { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const byPermission = (resource: string, ipPermission: typeof ssh | typeof rdp) =>
      makeFinding({
        ruleId: 'sg-open-admin-port',
        resourceId: 'sg-2',
        evidence: { resource },
        remediation: {
          action: 'revoke-security-group-rules',
          groupId: 'sg-2',
          rules: [{ direction: 'ingress', ipPermission }],
        },
      });
    const first = byPermission('a', ssh);
    const second = byPermission('b', rdp);
    // Act
    const plan = planRemediation([first, second], parseConfig({ mode: 'remediate' }), complete);
    // Assess: one call listing both permissions, both findings named.
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]?.action).toBe('RevokeSecurityGroupIngress');
    expect(plan.actions[0]?.parameters).toEqual({ GroupId: 'sg-2', IpPermissions: [ssh, rdp] });
    expect(plan.actions[0]?.findingIds).toEqual([first.id, second.id].sort());
  });

  it('creates an inbound and an outbound NACL entry that share a rule number, both of them', () => {
    const entry = (egress: boolean) => ({
      NetworkAclId: 'acl-1',
      RuleNumber: 10,
      Egress: egress,
      Protocol: '6',
      RuleAction: 'deny' as const,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    });
    const finding = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-1',
      remediation: {
        action: 'fix-network-acl-entries',
        networkAclId: 'acl-1',
        createEntries: [entry(true), entry(false)],
        replaceEntries: [],
        deleteEntries: [],
        previousEntries: [],
      },
    });
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    const plan = planRemediation([finding], config, complete);
    // Inbound first (Egress false sorts before true), then outbound.
    expect(plan.actions.map((a) => [a.action, a.parameters])).toEqual([
      ['CreateNetworkAclEntry', entry(false)],
      ['CreateNetworkAclEntry', entry(true)],
    ]);
  });

  it('replaces and deletes inbound and outbound entries sharing a rule number, each with its own undo', () => {
    const entry = (egress: boolean, cidr: string) => ({
      NetworkAclId: 'acl-3',
      RuleNumber: 100,
      Egress: egress,
      Protocol: '6',
      RuleAction: 'allow' as const,
      CidrBlock: cidr,
      PortRange: { From: 22, To: 22 },
    });
    const narrowed = [entry(false, '10.0.0.0/8'), entry(true, '10.0.0.0/8')];
    const before = [entry(false, '0.0.0.0/0'), entry(true, '0.0.0.0/0')];
    const finding = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-3',
      remediation: {
        action: 'fix-network-acl-entries',
        networkAclId: 'acl-3',
        createEntries: [],
        replaceEntries: narrowed,
        deleteEntries: [],
        previousEntries: before,
      },
    });
    const deleting = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-4',
      remediation: {
        action: 'fix-network-acl-entries',
        networkAclId: 'acl-4',
        createEntries: [],
        replaceEntries: [],
        deleteEntries: [
          { RuleNumber: 100, Egress: true },
          { RuleNumber: 100, Egress: false },
        ],
        previousEntries: [
          { ...entry(true, '0.0.0.0/0'), NetworkAclId: 'acl-4' },
          { ...entry(false, '0.0.0.0/0'), NetworkAclId: 'acl-4' },
        ],
      },
    });
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    const plan = planRemediation([finding, deleting], config, complete);
    expect(plan.actions.map(({ findingIds: _ids, ...rest }) => rest)).toEqual([
      { action: 'ReplaceNetworkAclEntry', parameters: narrowed[0], replacedEntry: before[0] },
      { action: 'ReplaceNetworkAclEntry', parameters: narrowed[1], replacedEntry: before[1] },
      {
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: 'acl-4', RuleNumber: 100, Egress: false },
        deletedEntry: { ...entry(false, '0.0.0.0/0'), NetworkAclId: 'acl-4' },
      },
      {
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: 'acl-4', RuleNumber: 100, Egress: true },
        deletedEntry: { ...entry(true, '0.0.0.0/0'), NetworkAclId: 'acl-4' },
      },
    ]);
  });
});

describe('which findings a call closes, and how a mixed group is revoked', () => {
  it('names every finding a subnet call closes', () => {
    const plan = { action: 'disable-subnet-auto-assign-public-ip' as const, subnetId: 'subnet-1' };
    const a = makeFinding({
      ruleId: 'subnet-auto-assign-public-ip',
      resourceId: 'subnet-1',
      remediation: plan,
    });
    const b = makeFinding({
      ruleId: 'subnet-auto-assign-public-ip',
      resourceId: 'subnet-1',
      evidence: { other: true },
      remediation: plan,
    });
    const autoFix = (ruleId: string): AutoFix =>
      ruleId === 'subnet-auto-assign-public-ip' ? 'opt-in' : 'no';
    const config = parseConfig({ mode: 'remediate', rules: { 'subnet-auto-assign-public-ip': 'remediate' } });
    const result = planRemediation([a, b], config, { sliceComplete: true, autoFixOf: autoFix });
    expect(result.actions).toEqual([
      {
        action: 'ModifySubnetAttribute',
        parameters: { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: false } },
        findingIds: [a.id, b.id].sort(),
      },
    ]);
  });

  it("revokes by permission when only some of a group's targets carry a rule id (never an undefined id)", () => {
    const withId = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const withoutId = {
      IpProtocol: 'tcp',
      FromPort: 3389,
      ToPort: 3389,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    };
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-5',
      remediation: {
        action: 'revoke-security-group-rules',
        groupId: 'sg-5',
        rules: [
          { direction: 'ingress', securityGroupRuleId: 'sgr-22', ipPermission: withId },
          { direction: 'ingress', ipPermission: withoutId },
        ],
      },
    });
    const plan = planRemediation([finding], parseConfig({ mode: 'remediate' }), complete);
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]?.parameters).toEqual({ GroupId: 'sg-5', IpPermissions: [withId, withoutId] });
  });
});
