import type { Config } from '../config';
import { evaluate } from '../engine';
import type { AddedRule } from '../events/types';
import { SEVERITIES, type Severity, severityRank } from '../findings';
import type { Snapshot } from '../model/snapshot-schema';

// An "already removed" notice reports a rule that is gone, so no finding of the slice carries its
// severity any more. The rule is judged again on its own, so the notice carries the severity of the
// finding it made (critical for 22/tcp from 0.0.0.0/0) and a subscription filtered to critical and
// high still hears it (DESIGN §8).

const PROBE_GROUP = 'sg-removed-rule-probe';

/**
 * The severity of the finding a world-open rule made while it existed: the catalogue judging a
 * group that holds only that rule (used or not), else `info` when no rule reports it.
 */
export function removedRuleSeverity(rule: AddedRule, config: Config): Severity {
  const permission = {
    IpProtocol: rule.ipProtocol,
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    IpRanges: rule.cidrIpv4 !== undefined ? [{ CidrIp: rule.cidrIpv4 }] : [],
    Ipv6Ranges: rule.cidrIpv6 !== undefined ? [{ CidrIpv6: rule.cidrIpv6 }] : [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
  const snapshot: Snapshot = {
    Vpcs: [],
    Subnets: [],
    SecurityGroups: [
      {
        GroupId: PROBE_GROUP,
        IpPermissions: rule.egress ? [] : [permission],
        IpPermissionsEgress: rule.egress ? [permission] : [],
        Tags: [],
      },
    ],
    SecurityGroupRules: [],
    NetworkAcls: [],
    RouteTables: [],
    InternetGateways: [],
    NatGateways: [],
    VpcEndpoints: [],
    NetworkInterfaces: [],
    ManagedPrefixLists: [],
  };
  // Judged whatever `judgeUnused` says: the probe group has no interface, the real one may have had.
  const findings = evaluate(snapshot, { ...config, judgeUnused: true }).filter(
    (f) => f.resourceId === PROBE_GROUP,
  );
  const worst = Math.min(SEVERITIES.length - 1, ...findings.map((f) => severityRank(f.severity)));
  return SEVERITIES[worst] ?? 'info';
}
