import { type ConfigInput, parseConfig } from '../../shared/config';
import { evaluate } from '../../shared/engine';
import type { Finding, RevokeTarget } from '../../shared/findings';
import { parseSnapshot } from '../../shared/model/snapshot';
import type { RuleDefinition } from '../../shared/rules/types';

/** Evaluates a snapshot (validated as the CLI would) with the given rules only. */
export function run(
  rules: RuleDefinition | readonly RuleDefinition[],
  snapshot: Record<string, unknown>,
  config: ConfigInput = {},
): Finding[] {
  const list = Array.isArray(rules) ? rules : [rules as RuleDefinition];
  return evaluate(parseSnapshot(snapshot), parseConfig(config), { rules: list });
}

/** `[ruleId, resourceId, ports]` of each finding: the shape most assertions compare. */
export function summary(findings: readonly Finding[]): [string, string, unknown][] {
  return findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports]);
}

/**
 * One DescribeSecurityGroups permission. Sources are told apart by shape: `pl-…` prefix lists,
 * `sg-…` referenced groups, `…:…` IPv6 CIDRs, anything else IPv4.
 */
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

type Permission = ReturnType<typeof perm>;

/** A DescribeSecurityGroups item. */
export function group(
  id: string,
  ingress: Permission[],
  options: { name?: string; egress?: Permission[]; vpcId?: string } = {},
) {
  return {
    GroupId: id,
    GroupName: options.name ?? `name-${id}`,
    VpcId: options.vpcId ?? 'vpc-1',
    IpPermissions: ingress,
    IpPermissionsEgress: options.egress ?? [],
  };
}

/** A DescribeNetworkAcls entry; `ports` only for tcp/udp. */
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

/** A DescribeNetworkAcls item; the implicit final denies are added like EC2 lists them. */
export function nacl(
  id: string,
  entries: ReturnType<typeof entry>[],
  options: { isDefault?: boolean; subnetIds?: string[]; vpcId?: string } = {},
) {
  return {
    NetworkAclId: id,
    VpcId: options.vpcId ?? 'vpc-1',
    IsDefault: options.isDefault ?? false,
    Entries: [
      ...entries,
      entry(32767, 'in', 'deny', '-1', '0.0.0.0/0'),
      entry(32767, 'out', 'deny', '-1', '0.0.0.0/0'),
    ],
    Associations: (options.subnetIds ?? ['subnet-1']).map((SubnetId) => ({ NetworkAclId: id, SubnetId })),
  };
}

/** Formats a sorted list of single ports as `a-b/proto` ranges (a brute-force twin of the engine's formatter). */
export function rangesOf(ports: readonly number[], protocol: 'tcp' | 'udp'): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < ports.length) {
    const start = ports[i] as number;
    let end = start;
    while (ports[i + 1] === end + 1) {
      end++;
      i++;
    }
    out.push(`${start === end ? start : `${start}-${end}`}/${protocol}`);
    i++;
  }
  return out;
}

/** The revoke targets a finding plans (none when it has no revoke plan). */
export function revokeRules(finding: Finding | undefined): RevokeTarget[] {
  const plan = finding?.remediation;
  return plan?.action === 'revoke-security-group-rules' ? plan.rules : [];
}

/** A DescribeVpcs item with its associated CIDR blocks, IPv4 and IPv6 told apart by shape. */
export function vpc(id: string, ...cidrs: string[]) {
  const v4 = cidrs.filter((c) => !c.includes(':'));
  const v6 = cidrs.filter((c) => c.includes(':'));
  return {
    VpcId: id,
    ...(v4[0] ? { CidrBlock: v4[0] } : {}),
    CidrBlockAssociationSet: v4.map((CidrBlock) => ({ CidrBlock, CidrBlockState: { State: 'associated' } })),
    ...(v6.length > 0
      ? {
          Ipv6CidrBlockAssociationSet: v6.map((Ipv6CidrBlock) => ({
            Ipv6CidrBlock,
            Ipv6CidrBlockState: { State: 'associated' },
          })),
        }
      : {}),
  };
}
