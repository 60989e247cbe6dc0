import { type ConfigInput, parseConfig } from '../../shared/config';
import { evaluate } from '../../shared/engine';
import type { Finding } from '../../shared/findings';
import { parseSnapshot } from '../../shared/model/snapshot';
import { ruleById } from '../../shared/rules/registry';
import type { RuleDefinition } from '../../shared/rules/types';

/** Evaluates a snapshot (validated as the CLI would) with the whole catalogue or the named rules. */
export function audit(
  snapshot: Record<string, unknown>,
  options: { rules?: readonly string[]; config?: ConfigInput; now?: Date } = {},
): Finding[] {
  const rules = options.rules?.map((id) => {
    const rule = ruleById(id);
    if (!rule) throw new Error(`unknown rule ${id}`);
    return rule;
  });
  return evaluate(parseSnapshot(snapshot), parseConfig(options.config ?? {}), {
    ...(rules ? { rules: rules as readonly RuleDefinition[] } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/** `[ruleId, resourceId, severity, evidence.ports]` of each finding. */
export function triples(findings: readonly Finding[]): [string, string, string, unknown][] {
  return findings.map((f) => [f.ruleId, f.resourceId, f.severity, f.evidence.ports]);
}

/** The only finding of a rule, failing when there is not exactly one. */
export function only(findings: readonly Finding[], ruleId: string): Finding {
  const hits = findings.filter((f) => f.ruleId === ruleId);
  if (hits.length !== 1) throw new Error(`expected one ${ruleId} finding, got ${hits.length}`);
  return hits[0] as Finding;
}

/** An IpPermission of describe-security-groups; sources told apart by shape (pl-, sg-, IPv6, IPv4). */
export function perm(protocol: string, ports: readonly [number, number] | undefined, ...sources: string[]) {
  return {
    IpProtocol: protocol,
    ...(ports ? { FromPort: ports[0], ToPort: ports[1] } : {}),
    IpRanges: sources
      .filter((s) => !s.startsWith('pl-') && !s.startsWith('sg-') && !s.includes(':'))
      .map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: sources.filter((s) => s.includes(':')).map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: sources.filter((s) => s.startsWith('pl-')).map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: sources
      .filter((s) => s.startsWith('sg-'))
      .map((GroupId) => ({ GroupId, UserId: '111122223333' })),
  };
}

/** A describe-security-groups item. */
export function sg(
  id: string,
  ingress: ReturnType<typeof perm>[],
  options: {
    name?: string;
    egress?: ReturnType<typeof perm>[];
    tags?: { Key: string; Value: string }[];
  } = {},
) {
  return {
    GroupId: id,
    GroupName: options.name ?? `web-${id}`,
    Description: 'test group',
    OwnerId: '111122223333',
    VpcId: 'vpc-1',
    IpPermissions: ingress,
    IpPermissionsEgress: options.egress ?? [],
    ...(options.tags ? { Tags: options.tags } : {}),
  };
}

/** One group's snapshot. */
export function groups(...items: ReturnType<typeof sg>[]): Record<string, unknown> {
  return { SecurityGroups: items };
}

/** A describe-network-acls entry; `ports` only for tcp/udp. */
export function entry(
  ruleNumber: number,
  direction: 'in' | 'out',
  action: 'allow' | 'deny',
  protocol: string,
  cidr: string,
  ports?: readonly [number, number],
) {
  return {
    RuleNumber: ruleNumber,
    Egress: direction === 'out',
    RuleAction: action,
    Protocol: protocol,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  };
}

/** A describe-network-acls item (entries exactly as given: no implicit denies added). */
export function acl(
  id: string,
  entries: ReturnType<typeof entry>[],
  options: { isDefault?: boolean; subnetIds?: string[] } = {},
) {
  return {
    NetworkAclId: id,
    VpcId: 'vpc-1',
    IsDefault: options.isDefault ?? false,
    OwnerId: '111122223333',
    Entries: entries,
    Associations: (options.subnetIds ?? ['subnet-1']).map((SubnetId, i) => ({
      NetworkAclAssociationId: `aclassoc-${i}`,
      NetworkAclId: id,
      SubnetId,
    })),
    Tags: [],
  };
}

/** Both directions allowing everything (IPv4 and IPv6), as the AWS default NACL does. */
export const OPEN_ENTRIES = [
  entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'in', 'allow', '-1', '::/0'),
  entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
  entry(101, 'out', 'allow', '-1', '::/0'),
  entry(32767, 'in', 'deny', '-1', '0.0.0.0/0'),
  entry(32768, 'in', 'deny', '-1', '::/0'),
  entry(32767, 'out', 'deny', '-1', '0.0.0.0/0'),
  entry(32768, 'out', 'deny', '-1', '::/0'),
];
