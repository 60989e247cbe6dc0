import type { Config } from '../config';
import { evaluate } from '../engine';
import type { AddedNaclEntry, AddedRule } from '../events/types';
import { SEVERITIES, type Severity, severityRank } from '../findings';
import type { Snapshot } from '../model/snapshot-schema';

// An "already removed" notice reports a rule or NACL entry that is gone, so no finding of the slice
// carries its severity any more. It is judged again on its own, so the notice carries the severity
// of the finding it made (critical for 22/tcp from 0.0.0.0/0) and a subscription filtered to
// critical and high still hears it (DESIGN §8).

const PROBE_GROUP = 'sg-removed-rule-probe';
const PROBE_ACL = 'acl-removed-entry-probe';

/**
 * The severity of the finding a world-open rule made while it existed: the catalogue judging a
 * group that holds only that rule (used or not), else `info` when no rule reports it. A
 * prefix-list source is judged with `prefixListCidrs`, the list's entries as the slice read them.
 */
export function removedRuleSeverity(
  rule: AddedRule,
  config: Config,
  prefixListCidrs: readonly string[] = [],
): Severity {
  const permission = {
    IpProtocol: rule.ipProtocol,
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    IpRanges: rule.cidrIpv4 !== undefined ? [{ CidrIp: rule.cidrIpv4 }] : [],
    Ipv6Ranges: rule.cidrIpv6 !== undefined ? [{ CidrIpv6: rule.cidrIpv6 }] : [],
    PrefixListIds: rule.prefixListId !== undefined ? [{ PrefixListId: rule.prefixListId }] : [],
    UserIdGroupPairs: [],
  };
  return probeSeverity(
    {
      ...emptySnapshot(),
      SecurityGroups: [
        {
          GroupId: PROBE_GROUP,
          IpPermissions: rule.egress ? [] : [permission],
          IpPermissionsEgress: rule.egress ? [permission] : [],
          Tags: [],
        },
      ],
      ManagedPrefixLists:
        rule.prefixListId !== undefined
          ? [{ PrefixListId: rule.prefixListId, Entries: prefixListCidrs.map((Cidr) => ({ Cidr })) }]
          : [],
    },
    PROBE_GROUP,
    config,
  );
}

/**
 * The severity of the finding a world-open NACL entry made while it existed: the catalogue judging
 * a NACL that holds only that entry, else `info`.
 */
export function removedEntrySeverity(entry: AddedNaclEntry, config: Config): Severity {
  const ports =
    entry.fromPort !== undefined ? { From: entry.fromPort, To: entry.toPort ?? entry.fromPort } : undefined;
  return probeSeverity(
    {
      ...emptySnapshot(),
      NetworkAcls: [
        {
          NetworkAclId: PROBE_ACL,
          VpcId: 'vpc-removed-entry-probe',
          Entries: [
            {
              RuleNumber: entry.ruleNumber,
              Protocol: entry.protocol,
              RuleAction: entry.ruleAction === 'deny' ? 'deny' : 'allow',
              Egress: entry.egress,
              ...(entry.cidrBlock !== undefined ? { CidrBlock: entry.cidrBlock } : {}),
              ...(entry.ipv6CidrBlock !== undefined ? { Ipv6CidrBlock: entry.ipv6CidrBlock } : {}),
              ...(ports ? { PortRange: ports } : {}),
            },
          ],
          Associations: [],
          Tags: [],
        },
      ],
    },
    PROBE_ACL,
    config,
  );
}

/** The worst severity the catalogue reports about `resourceId` in a probe snapshot, else `info`. */
function probeSeverity(snapshot: Snapshot, resourceId: string, config: Config): Severity {
  // Judged whatever `judgeUnused` says: the probe has no interface or subnet, the real one may have had.
  const findings = evaluate(snapshot, { ...config, judgeUnused: true }).filter(
    (f) => f.resourceId === resourceId,
  );
  const worst = Math.min(SEVERITIES.length - 1, ...findings.map((f) => severityRank(f.severity)));
  return SEVERITIES[worst] ?? 'info';
}

function emptySnapshot(): Snapshot {
  return {
    Vpcs: [],
    Subnets: [],
    SecurityGroups: [],
    SecurityGroupRules: [],
    NetworkAcls: [],
    RouteTables: [],
    InternetGateways: [],
    NatGateways: [],
    VpcEndpoints: [],
    NetworkInterfaces: [],
    ManagedPrefixLists: [],
  };
}
