import { describe, expect, it } from 'vitest';
import { writeActionsByResource } from '../../../infra/permissions';
import { parseConfig } from '../../../shared/load-config';
import { RULES } from '../../../shared/rules/registry';
import type { RuleDefinition, RuleMeta } from '../../../shared/rules/types';

const rule = (overrides: Partial<RuleMeta>): RuleDefinition => {
  const base = RULES[0] as RuleDefinition;
  return { ...base, meta: { ...base.meta, ...overrides } };
};

describe('writeActionsByResource', () => {
  it('grants nothing in notify and dry-run modes', () => {
    // Assess
    expect(writeActionsByResource(parseConfig({ mode: 'notify' }))).toEqual([]);
    expect(
      writeActionsByResource(parseConfig({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'remediate' } })),
    ).toEqual([]);
  });

  it('groups the fix actions of the rules that may act by the resource type they write', () => {
    // Act
    const writes = writeActionsByResource(
      parseConfig({ mode: 'remediate', rules: { 'sg-open-all-traffic': 'notify' } }),
      [
        rule({ id: 'sg-open-all-traffic', autoFix: 'yes', fixActions: ['ec2:RevokeSecurityGroupEgress'] }),
        rule({ id: 'a', autoFix: 'yes', fixActions: ['ec2:RevokeSecurityGroupIngress'] }),
        rule({ id: 'b', autoFix: 'opt-in', fixActions: ['ec2:ModifySubnetAttribute'] }),
        rule({ id: 'c', autoFix: 'no', fixActions: [] }),
        rule({
          id: 'd',
          autoFix: 'yes',
          fixActions: ['ec2:DeleteNetworkAclEntry', 'ec2:CreateNetworkAclEntry'],
        }),
      ],
    );

    // Assess
    expect(writes).toEqual([
      { resourceType: 'network-acl', actions: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry'] },
      { resourceType: 'security-group', actions: ['ec2:RevokeSecurityGroupIngress'] },
    ]);
  });

  it('refuses a fix action it cannot scope, rather than granting it on "*"', () => {
    // Act
    const grant = () =>
      writeActionsByResource(parseConfig({ mode: 'remediate' }), [
        rule({ id: 'x', autoFix: 'yes', fixActions: ['ec2:TerminateInstances'] }),
      ]);

    // Assess
    expect(grant).toThrow(/rule x needs ec2:TerminateInstances/);
  });
});
