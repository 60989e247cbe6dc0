import { describe, expect, it } from 'vitest';
import type { RemediationPlan } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { planRemediation, ruleMode } from '../../../../shared/remediation/plan';
import type { AutoFix } from '../../../../shared/rules/types';
import { makeFinding, revokePlan } from '../../../helpers';

const AUTO_FIX: Record<string, AutoFix> = {
  'sg-open-admin-port': 'yes',
  'sg-open-high-risk-port': 'yes',
  'sg-default-not-restricted': 'opt-in',
  'nacl-open-admin-port': 'opt-in',
  'subnet-auto-assign-public-ip': 'opt-in',
  'sg-broad-public-source': 'no',
};
const autoFixOf = (ruleId: string): AutoFix => AUTO_FIX[ruleId] ?? 'no';
const complete = { sliceComplete: true, autoFixOf };

const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-1',
  remediation: revokePlan('sg-1', ['sgr-world22', 22]),
});
const highRisk = makeFinding({
  ruleId: 'sg-open-high-risk-port',
  resourceId: 'sg-1',
  severity: 'high',
  remediation: revokePlan('sg-1', ['sgr-world3306', 3306], ['sgr-aworld5432', 5432]),
});

describe('planRemediation', () => {
  it('revokes only the offending rule ids, in one call per group and direction', () => {
    // Prepare
    const config = parseConfig({ mode: 'remediate' });
    // Act
    const plan = planRemediation([admin, highRisk], config, complete);
    // Assess
    expect(plan.dryRun).toBe(false);
    expect(plan.actions.map(({ action, parameters }) => ({ action, parameters }))).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: {
          GroupId: 'sg-1',
          SecurityGroupRuleIds: ['sgr-aworld5432', 'sgr-world22', 'sgr-world3306'],
        },
      },
    ]);
    expect(plan.actions[0]?.findingIds).toEqual([admin.id, highRisk.id].sort());
  });

  it('makes separate calls for ingress and egress of the same group', () => {
    const finding = makeFinding({
      ruleId: 'sg-default-not-restricted',
      resourceId: 'sg-default',
      remediation: revokePlan('sg-default', ['sgr-in', 0], ['sgr-out', 0, 'egress']),
    });
    const config = parseConfig({ mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } });
    const plan = planRemediation([finding], config, complete);
    expect(plan.actions.map((a) => [a.action, a.parameters])).toEqual([
      ['RevokeSecurityGroupEgress', { GroupId: 'sg-default', SecurityGroupRuleIds: ['sgr-out'] }],
      ['RevokeSecurityGroupIngress', { GroupId: 'sg-default', SecurityGroupRuleIds: ['sgr-in'] }],
    ]);
  });

  it('revokes by one-source permissions when the slice carried no rule ids', () => {
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-2',
      remediation: {
        action: 'revoke-security-group-rules',
        groupId: 'sg-2',
        rules: [
          {
            direction: 'ingress',
            ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          },
        ],
      },
    });
    const plan = planRemediation([finding], parseConfig({ mode: 'remediate' }), complete);
    expect(plan.actions[0]?.parameters).toEqual({
      GroupId: 'sg-2',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
  });

  it('plans nothing in notify mode and says why', () => {
    const plan = planRemediation([admin], parseConfig({}), complete);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped).toEqual([
      { findingId: admin.id, ruleId: 'sg-open-admin-port', resourceId: 'sg-1', reason: 'mode notify' },
    ]);
  });

  it('lets a per-rule mode override the global one both ways', () => {
    const onlyAdmin = parseConfig({ mode: 'notify', rules: { 'sg-open-admin-port': 'remediate' } });
    expect(planRemediation([admin, highRisk], onlyAdmin, complete).actions[0]?.parameters).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRuleIds: ['sgr-world22'],
    });
    const allButAdmin = parseConfig({ mode: 'remediate', rules: { 'sg-open-admin-port': 'notify' } });
    expect(planRemediation([admin, highRisk], allButAdmin, complete).actions[0]?.parameters).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRuleIds: ['sgr-aworld5432', 'sgr-world3306'],
    });
  });

  it('leaves opt-in rules alone under a global remediate, and fixes them when enabled per rule', () => {
    const finding = makeFinding({
      ruleId: 'subnet-auto-assign-public-ip',
      resourceType: 'AWS::EC2::Subnet',
      resourceId: 'subnet-1',
      severity: 'medium',
      remediation: { action: 'disable-subnet-auto-assign-public-ip', subnetId: 'subnet-1' },
    });
    const global = planRemediation([finding], parseConfig({ mode: 'remediate' }), complete);
    expect(global.actions).toEqual([]);
    expect(global.skipped[0]?.reason).toContain('opt-in');
    const enabled = planRemediation(
      [finding],
      parseConfig({ rules: { 'subnet-auto-assign-public-ip': 'remediate' } }),
      complete,
    );
    expect(enabled.actions.map((a) => [a.action, a.parameters])).toEqual([
      ['ModifySubnetAttribute', { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: false } }],
    ]);
  });

  it('never plans for a rule that cannot auto-fix, whatever the mode', () => {
    const finding = makeFinding({
      ruleId: 'sg-broad-public-source',
      resourceId: 'sg-1',
      remediation: revokePlan('sg-1', ['sgr-x', 22]),
    });
    const plan = planRemediation(
      [finding],
      parseConfig({ mode: 'remediate', rules: { 'sg-broad-public-source': 'remediate' } }),
      complete,
    );
    expect(plan.actions).toEqual([]);
  });

  it('plans but marks a dry run, even for rules set to remediate', () => {
    const config = parseConfig({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'remediate' } });
    const plan = planRemediation([admin], config, complete);
    expect(plan.dryRun).toBe(true);
    expect(plan.actions).toHaveLength(1);
    expect(ruleMode(config, 'sg-open-admin-port')).toBe('dry-run');
  });

  it('never remediates a suppressed finding', () => {
    const exempt = { ...admin, suppressed: { by: 'tag' as const, reason: 'vpc-guardrail:exempt=*' } };
    const plan = planRemediation([exempt], parseConfig({ mode: 'remediate' }), complete);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe('suppressed (tag)');
  });

  it('plans nothing on an incomplete slice', () => {
    const plan = planRemediation([admin], parseConfig({ mode: 'remediate' }), {
      sliceComplete: false,
      autoFixOf,
    });
    expect(plan.actions).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe('the slice could not be fully loaded');
  });

  const naclEntry = (n: number, action: 'allow' | 'deny', port: number, cidr: string) => ({
    NetworkAclId: 'acl-1',
    RuleNumber: n,
    Protocol: '6',
    RuleAction: action,
    Egress: false,
    CidrBlock: cidr,
    PortRange: { From: port, To: port },
  });
  const naclFinding = (
    port: string,
    remediation: Partial<Extract<RemediationPlan, { action: 'fix-network-acl-entries' }>>,
  ) =>
    makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-1',
      evidence: { port },
      remediation: {
        action: 'fix-network-acl-entries',
        networkAclId: 'acl-1',
        deleteEntries: [],
        createEntries: [],
        replaceEntries: [],
        previousEntries: [],
        ...remediation,
      },
    });
  const naclFindings = [
    naclFinding('22/tcp', {
      createEntries: [naclEntry(99, 'deny', 22, '0.0.0.0/0'), naclEntry(98, 'allow', 22, '10.0.0.0/16')],
      deleteEntries: [{ RuleNumber: 90, Egress: false }],
      previousEntries: [naclEntry(90, 'allow', 22, '0.0.0.0/1')],
    }),
    naclFinding('3389/tcp', {
      replaceEntries: [naclEntry(110, 'allow', 3389, '10.0.0.0/16')],
      createEntries: [naclEntry(109, 'allow', 3389, '10.1.0.0/16')],
      deleteEntries: [{ RuleNumber: 90, Egress: false }],
      previousEntries: [naclEntry(110, 'allow', 3389, '0.0.0.0/0'), naclEntry(90, 'allow', 22, '0.0.0.0/1')],
    }),
  ];

  it('turns NACL plans into creates (ascending), then replaces, then deletes, deduplicated per entry', () => {
    // Prepare
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    // Act
    const plan = planRemediation(naclFindings, config, complete);
    // Assess
    expect(plan.actions.map((a) => [a.action, a.parameters])).toEqual([
      ['CreateNetworkAclEntry', naclEntry(98, 'allow', 22, '10.0.0.0/16')],
      ['CreateNetworkAclEntry', naclEntry(99, 'deny', 22, '0.0.0.0/0')],
      ['CreateNetworkAclEntry', naclEntry(109, 'allow', 3389, '10.1.0.0/16')],
      ['ReplaceNetworkAclEntry', naclEntry(110, 'allow', 3389, '10.0.0.0/16')],
      ['DeleteNetworkAclEntry', { NetworkAclId: 'acl-1', RuleNumber: 90, Egress: false }],
    ]);
    // What undoing takes travels with the call: the entry as it was.
    expect(plan.actions[3]?.replacedEntry).toEqual(naclEntry(110, 'allow', 3389, '0.0.0.0/0'));
    expect(plan.actions[4]?.deletedEntry).toEqual(naclEntry(90, 'allow', 22, '0.0.0.0/1'));
  });

  it('never changes a NACL in global remediate mode unless the rule is set to remediate', () => {
    const plan = planRemediation(naclFindings, parseConfig({ mode: 'remediate' }), { sliceComplete: true });
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      'opt-in: set rules.nacl-open-admin-port to "remediate" to enable',
      'opt-in: set rules.nacl-open-admin-port to "remediate" to enable',
    ]);
  });
});

describe('planRemediation: what cannot be fixed is named, never dropped', () => {
  it('a NACL fix that cannot be made (entry quota, no free number) is skipped with its reasons', () => {
    const finding = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-1',
      evidence: {
        notPlanned: [
          '22/tcp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20)',
          '3389/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the allow entries of 1 kept source(s)',
        ],
      },
    });
    const config = parseConfig({ mode: 'remediate', rules: { 'nacl-open-admin-port': 'remediate' } });
    const plan = planRemediation([finding], config, complete);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped).toEqual([
      {
        findingId: finding.id,
        ruleId: 'nacl-open-admin-port',
        resourceId: 'acl-1',
        reason:
          'not fixable automatically: 22/tcp ipv4: the NACL would hold 21 inbound IPv4 entries, more than naclEntryLimit (20); ' +
          '3389/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the allow entries of 1 kept source(s)',
      },
    ]);
  });

  it('a group world-open only through a split 0.0.0.0/1 + 128.0.0.0/1 pair is in the skipped list', () => {
    const finding = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-split',
      evidence: { ports: ['22/tcp'], notRemediable: { ipv4: ['22/tcp'] } },
    });
    const plan = planRemediation([finding], parseConfig({ mode: 'remediate' }), complete);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => [s.resourceId, s.reason])).toEqual([
      [
        'sg-split',
        'not fixable automatically: world-open through a union of narrower ranges on 22/tcp (ipv4)',
      ],
    ]);
  });
});
