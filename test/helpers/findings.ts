import { type Finding, findingId, type RemediationPlan } from '../../shared/findings';

/** A hand-built finding (tests of the pipeline's later stages do not need the engine). */
export function makeFinding(overrides: Partial<Finding> & { ruleId: string; resourceId: string }): Finding {
  const finding: Finding = {
    id: findingId(overrides.ruleId, overrides.resourceId, JSON.stringify(overrides.evidence ?? {})),
    severity: 'critical',
    resourceType: 'AWS::EC2::SecurityGroup',
    vpcId: 'vpc-1',
    title: `${overrides.resourceId} finding of ${overrides.ruleId}`,
    detail: 'detail',
    controls: [],
    evidence: {},
    ...overrides,
  };
  return finding;
}

/** A revoke plan for world-open ingress rules of a group, by rule id. */
export function revokePlan(
  groupId: string,
  ...rules: [string, number, ('ingress' | 'egress')?][]
): RemediationPlan {
  return {
    action: 'revoke-security-group-rules',
    groupId,
    rules: rules.map(([ruleId, port, direction]) => ({
      direction: direction ?? 'ingress',
      securityGroupRuleId: ruleId,
      ipPermission: { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    })),
  };
}
