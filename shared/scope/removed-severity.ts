import type { Config } from '../config';
import { evaluate } from '../engine';
import type { AddedNaclEntry, AddedRule } from '../events/types';
import { SEVERITIES, type Severity, severityRank } from '../findings';
import type { Snapshot } from '../model/snapshot-schema';
import { REGISTRY } from '../rules/registry';

// An "already removed" notice reports a rule or NACL entry that is gone, so no finding of the slice
// carries its severity any more. It is judged again on its own, so the notice carries the severity
// of the finding it made (critical for 22/tcp from 0.0.0.0/0) and the rules that made it, and a
// subscription filtered on `severity` or `ruleIds` still hears it (DESIGN §8).

/** What the catalogue said of a removed rule or entry judged on its own. */
export interface RemovedJudgement {
  /** The worst severity of its findings, else `info`. */
  severity: Severity;
  /** The rules that reported it, sorted. */
  ruleIds: string[];
}

const PROBE_GROUP = 'sg-removed-rule-probe';
/** The rules that say which sources their remediation removes. */
const REMOVING = new Set(
  REGISTRY.rules.filter((r) => r.meta.hooks?.offendingSource !== undefined).map((r) => r.meta.id),
);
const PROBE_ACL = 'acl-removed-entry-probe';

/**
 * The severity (and rules) of the finding a world-open rule made while it existed: the catalogue judging a
 * group that holds only that rule (used or not), else `info` when no rule reports it. A
 * prefix-list source is judged with `prefixListCidrs`, the list's entries as the slice read them.
 */
export function judgeRemovedRule(
  rule: AddedRule,
  config: Config,
  prefixListCidrs: readonly string[] = [],
): RemovedJudgement {
  const permission = {
    IpProtocol: rule.ipProtocol,
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    IpRanges: rule.cidrIpv4 !== undefined ? [{ CidrIp: rule.cidrIpv4 }] : [],
    Ipv6Ranges: rule.cidrIpv6 !== undefined ? [{ CidrIpv6: rule.cidrIpv6 }] : [],
    PrefixListIds: rule.prefixListId !== undefined ? [{ PrefixListId: rule.prefixListId }] : [],
    UserIdGroupPairs: [],
  };
  return probe(
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
 * The severity (and rules) of the finding a world-open NACL entry made while it existed: the catalogue judging
 * a NACL that holds only that entry, else `info`.
 */
export function judgeRemovedEntry(entry: AddedNaclEntry, config: Config): RemovedJudgement {
  const ports =
    entry.fromPort !== undefined ? { From: entry.fromPort, To: entry.toPort ?? entry.fromPort } : undefined;
  return probe(
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

/**
 * What the catalogue reports about `resourceId` in a probe snapshot, by the rules that remove what
 * they find (those declaring `offendingSource`): a probe NACL with one inbound entry also "blocks
 * return traffic", which is the probe's lack of egress entries, not the removed entry's finding.
 */
function probe(snapshot: Snapshot, resourceId: string, config: Config): RemovedJudgement {
  // Judged whatever `judgeUnused` says: the probe has no interface or subnet, the real one may have had.
  const findings = evaluate(snapshot, { ...config, judgeUnused: true }).filter(
    (f) => f.resourceId === resourceId && REMOVING.has(f.ruleId),
  );
  const worst = Math.min(SEVERITIES.length - 1, ...findings.map((f) => severityRank(f.severity)));
  return {
    severity: SEVERITIES[worst] ?? 'info',
    ruleIds: [...new Set(findings.map((f) => f.ruleId))].sort(),
  };
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
