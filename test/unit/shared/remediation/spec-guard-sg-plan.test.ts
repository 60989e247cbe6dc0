import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { planRemediation } from '../../../../shared/remediation/plan';
import { buildWorld, type RuleSpec } from '../../../helpers';

// DESIGN §8 "Precision" from the on-call engineer's side: one revoke per group and direction that
// names each offending rule once, whatever the number of findings it makes, and nothing else.

function revokes(groupId: string, groupName: string, rules: RuleSpec[], config: ConfigInput = {}) {
  const { accountId: _a, region: _r, ...snapshot } = buildWorld({ groupId, groupName, rules });
  const parsed = parseConfig({ mode: 'remediate', ...config });
  const findings = evaluate(parseSnapshot(snapshot), parsed);
  return planRemediation(findings, parsed, { sliceComplete: true }).actions.map((a) => [
    a.action,
    a.parameters,
  ]);
}

describe('DESIGN §8 precision: each offending rule revoked once, nothing else', () => {
  it('names a rule once when it makes admin, high-risk and unauthorized findings at once', () => {
    // Prepare: tcp 20-3389 from the world opens 22, 3389 (admin), 23 (high-risk) and more; beside it
    // a rule from the VPC on the same ports, which stays.
    const rules: RuleSpec[] = [
      { id: 'sgr-wide', from: 20, to: 3389, cidr: '0.0.0.0/0' },
      { id: 'sgr-vpc', from: 20, to: 3389, cidr: '10.0.0.0/16' },
      { id: 'sgr-https', from: 443, cidr: '0.0.0.0/0' },
    ];
    // Act / Assess: the authorized 443 rule stays too.
    expect(revokes('sg-0wide', 'wide', rules)).toEqual([
      ['RevokeSecurityGroupIngress', { GroupId: 'sg-0wide', SecurityGroupRuleIds: ['sgr-wide'] }],
    ]);
  });

  it("leaves a default group's self-reference and egress alone unless its own fix is opted in", () => {
    // Prepare: the default group as EC2 makes it (inbound from itself, outbound to all) plus 22
    // from the world. Its self-reference carries the traffic between the interfaces in it.
    const rules: RuleSpec[] = [
      { id: 'sgr-self', protocol: '-1', group: 'sg-0dflt' },
      { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-out', egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
    ];
    // Global remediate: only the world-open rule.
    expect(revokes('sg-0dflt', 'default', rules)).toEqual([
      ['RevokeSecurityGroupIngress', { GroupId: 'sg-0dflt', SecurityGroupRuleIds: ['sgr-world22'] }],
    ]);
    // Opted in (DESIGN §5: the fix of sg-default-not-restricted revokes every rule, CIS 5.4).
    const optIn = { rules: { 'sg-default-not-restricted': 'remediate' as const } };
    expect(revokes('sg-0dflt', 'default', rules, optIn)).toEqual([
      ['RevokeSecurityGroupEgress', { GroupId: 'sg-0dflt', SecurityGroupRuleIds: ['sgr-out'] }],
      [
        'RevokeSecurityGroupIngress',
        { GroupId: 'sg-0dflt', SecurityGroupRuleIds: ['sgr-self', 'sgr-world22'] },
      ],
    ]);
  });
});
