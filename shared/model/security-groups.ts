import { type Protocol, parseProtocol } from '../net/protocol';
import { portFrom, portTo } from './common';
import { ipv4Source, ipv6Source, isPrivateCidrText, prefixListSource } from './sg-sources';
import type { IpPermissionItem, SecurityGroupItem, SecurityGroupRuleItem, Tag } from './snapshot-schema';
import type { RuleSource, SecurityGroupNode, SgRule } from './types';

/** A group from one view of its rules: its `IpPermissions`, or (a stub item) its `SecurityGroupRules`. */
export function buildGroup(
  group: SecurityGroupItem,
  rules: SecurityGroupRuleItem[] | undefined,
): SecurityGroupNode {
  return new GroupNode(group, rules !== undefined && rules.length > 0 ? rules : undefined);
}

/** A group described by both views, and how far they disagree (rules found in one view only). */
export interface MergedGroup {
  node: SecurityGroupNode;
  onlyInPermissions: number;
  onlyInRules: number;
}

/**
 * A group whose `SecurityGroups` item and `SecurityGroupRules` both describe its rules (DESIGN §3
 * "Two views"): the permissions are evaluated, each taking the rule id of an equal rule (matched by
 * content) for remediation, and the rules found in one view only are evaluated as well — a partial,
 * egress-only or stale rule list must never hide an exposure.
 */
export function buildMergedGroup(group: SecurityGroupItem, rules: SecurityGroupRuleItem[]): MergedGroup {
  const byContent = new Map<string, SgRule[]>();
  const described: SgRule[] = [];
  for (const item of rules) {
    const rule = fromRuleItem(item);
    if (!rule) continue;
    described.push(rule);
    const key = contentKey(rule);
    const same = byContent.get(key);
    if (same) same.push(rule);
    else byContent.set(key, [rule]);
  }
  const matched = new Set<SgRule>();
  let onlyInPermissions = 0;
  const merge = (egress: boolean): SgRule[] => {
    const out: SgRule[] = [];
    const permissions: SgRule[] = [];
    for (const p of egress ? group.IpPermissionsEgress : group.IpPermissions) {
      expandPermission(group.GroupId, p, egress, permissions);
    }
    for (const rule of permissions) {
      const twin = byContent.get(contentKey(rule))?.shift();
      if (twin) {
        matched.add(twin);
        out.push({ ...rule, ruleId: twin.ruleId });
      } else {
        onlyInPermissions++;
        out.push(rule);
      }
    }
    for (const rule of described) if (rule.egress === egress && !matched.has(rule)) out.push(rule);
    return out;
  };
  const ingress = merge(false);
  const egress = merge(true);
  const onlyInRules = described.length - matched.size;
  return { node: new GroupNode(group, rules, { ingress, egress }), onlyInPermissions, onlyInRules };
}

/**
 * What makes two descriptions of a rule the same rule: direction, protocol, ports as EC2 compares
 * them (tcp/udp ranges, ICMP type and code), and the source.
 */
function contentKey(rule: SgRule): string {
  const { protocol, source } = rule;
  let ports = '';
  if (protocol === 'tcp' || protocol === 'udp') ports = `${rule.fromPort}-${rule.toPort}`;
  else if (protocol === 'icmp' || protocol === 'icmpv6')
    ports = `${rule.rawFromPort ?? -1}/${rule.rawToPort ?? -1}`;
  const from =
    source.kind === 'ipv4' || source.kind === 'ipv6'
      ? `${source.kind}:${source.range.start}/${source.range.prefix}`
      : source.kind === 'prefix-list'
        ? `pl:${source.prefixListId}`
        : `sg:${source.groupId ?? ''}:${source.peering ?? ''}`;
  return `${rule.egress ? 'e' : 'i'}|${protocol === 'other' ? rule.ipProtocol : protocol}|${ports}|${from}`;
}

/**
 * A security group whose rules are expanded (one SgRule per source) on first read. At 50k groups
 * and 500k rules the expansion is most of the model's cost, and nine groups in ten are only ever
 * asked "can the internet reach anything through you?", which the raw permissions answer.
 */
/**
 * The IPv4 texts of the group being walked (reused from one group to the next: no array per
 * group). A visit that walks another group meanwhile gets an array of its own.
 */
const gathered: string[] = [];
let gatherBusy = false;

/** A group's rules expanded so far (most groups are never read rule by rule). */
interface ExpandedRules {
  ingress?: SgRule[];
  egress?: SgRule[];
  publicIngress?: SgRule[];
}

class GroupNode implements SecurityGroupNode {
  // hot (50k groups, kept for the whole evaluation): six fields. What only findings read (VPC,
  // name, tags) is read from the item; the scan reads the id, `isDefault` and the permissions.
  readonly id: string;
  readonly isDefault: boolean;
  /** The item's ingress permissions, read here once: a walk of every group skips a load per group. */
  private readonly permissions: IpPermissionItem[];
  private rules: ExpandedRules | undefined;

  constructor(
    readonly item: SecurityGroupItem,
    private readonly ruleItems: SecurityGroupRuleItem[] | undefined,
    merged?: { ingress: SgRule[]; egress: SgRule[] },
  ) {
    this.id = item.GroupId;
    this.isDefault = item.GroupName === 'default';
    this.permissions = item.IpPermissions;
    this.rules = merged ? { ingress: merged.ingress, egress: merged.egress } : undefined;
  }

  get vpcId(): string {
    return this.item.VpcId ?? '';
  }

  get name(): string {
    return this.item.GroupName ?? '';
  }

  get hasRuleIds(): boolean {
    return this.ruleItems !== undefined;
  }

  get tags(): Tag[] {
    return this.item.Tags;
  }

  get ingress(): SgRule[] {
    this.rules ??= {};
    this.rules.ingress ??= this.expand(false);
    return this.rules.ingress;
  }

  get egress(): SgRule[] {
    this.rules ??= {};
    this.rules.egress ??= this.expand(true);
    return this.rules.egress;
  }

  get publicIngress(): SgRule[] {
    this.rules ??= {};
    if (!this.rules.publicIngress) {
      const ingressRules = this.rules.ingress;
      if (ingressRules) this.rules.publicIngress = ingressRules.filter(mayBePublic);
      else if (this.ruleItems) {
        const out: SgRule[] = [];
        for (const item of this.ruleItems) {
          if (item.IsEgress || (item.CidrIpv4 && isPrivateCidrText(item.CidrIpv4))) continue;
          const rule = fromRuleItem(item);
          if (rule && mayBePublic(rule)) out.push(rule);
        }
        this.rules.publicIngress = out;
      } else {
        const out: SgRule[] = [];
        for (const permission of this.item.IpPermissions)
          expandPermission(this.id, permission, false, out, true);
        this.rules.publicIngress = out;
      }
    }
    return this.rules.publicIngress;
  }

  forEachIngressSource(
    visit: (protocol: Protocol, fromPort: number, toPort: number, source: RuleSource) => void,
  ): void {
    const ingressRules = this.rules?.ingress;
    if (ingressRules) {
      for (const rule of ingressRules) {
        if (rule.source.kind !== 'group') visit(rule.protocol, rule.fromPort, rule.toPort, rule.source);
      }
      return;
    }
    if (this.ruleItems) {
      for (const rule of this.ruleItems) {
        if (rule.IsEgress) continue;
        let source: RuleSource | undefined;
        if (rule.CidrIpv4) source = isPrivateCidrText(rule.CidrIpv4) ? undefined : ipv4Source(rule.CidrIpv4);
        else if (rule.CidrIpv6) source = ipv6Source(rule.CidrIpv6);
        else if (rule.PrefixListId) source = prefixListSource(rule.PrefixListId);
        if (!source) continue;
        const protocol = parseProtocol(rule.IpProtocol);
        visit(
          protocol,
          portFrom(protocol, rule.FromPort, rule.ToPort),
          portTo(protocol, rule.FromPort, rule.ToPort),
          source,
        );
      }
      return;
    }
    const { permissions } = this;
    // Hot (every group, every evaluation): the IPv4 texts are gathered first, then read. The
    // gathering loop's loads do not wait on one another, so the memory system serves many at once;
    // reading each text as it is reached waited on every load in turn (~20% of the scan).
    const nested = gatherBusy;
    const cidrs = nested ? [] : gathered;
    gatherBusy = true;
    let n = 0;
    for (let k = 0; k < permissions.length; k++) {
      const ranges = (permissions[k] as IpPermissionItem).IpRanges;
      for (let j = 0; j < ranges.length; j++) cidrs[n++] = (ranges[j] as { CidrIp: string }).CidrIp;
    }
    try {
      let at = 0;
      for (let k = 0; k < permissions.length; k++) {
        const p = permissions[k] as IpPermissionItem;
        const end = at + p.IpRanges.length;
        const from = at;
        at = end;
        // VPC ranges and referenced groups (most sources) are skipped from their text, before the
        // protocol and ports are even read: nothing to visit.
        let open = p.Ipv6Ranges.length > 0 || p.PrefixListIds.length > 0;
        for (let i = from; !open && i < end; i++) open = !isPrivateCidrText(cidrs[i] as string);
        if (!open) continue;
        const protocol = parseProtocol(p.IpProtocol);
        // Two numbers, not a pair: an array per open permission is garbage at 540k rules.
        const fromPort = portFrom(protocol, p.FromPort, p.ToPort);
        const toPort = portTo(protocol, p.FromPort, p.ToPort);
        for (let i = from; i < end; i++) {
          const cidr = cidrs[i] as string;
          if (isPrivateCidrText(cidr)) continue;
          const source = ipv4Source(cidr);
          if (source) visit(protocol, fromPort, toPort, source);
        }
        for (const r of p.Ipv6Ranges) {
          const source = ipv6Source(r.CidrIpv6);
          if (source) visit(protocol, fromPort, toPort, source);
        }
        for (const l of p.PrefixListIds) visit(protocol, fromPort, toPort, prefixListSource(l.PrefixListId));
      }
    } finally {
      if (!nested) gatherBusy = false;
    }
  }

  private expand(egress: boolean): SgRule[] {
    const out: SgRule[] = [];
    if (this.ruleItems) {
      for (const rule of this.ruleItems) {
        if (rule.IsEgress !== egress) continue;
        const sgRule = fromRuleItem(rule);
        if (sgRule) out.push(sgRule);
      }
    } else {
      const permissions = egress ? this.item.IpPermissionsEgress : this.item.IpPermissions;
      for (const permission of permissions) expandPermission(this.id, permission, egress, out);
    }
    return out;
  }
}

function fromRuleItem(rule: SecurityGroupRuleItem): SgRule | undefined {
  let source: RuleSource | undefined;
  if (rule.CidrIpv4) {
    source = ipv4Source(rule.CidrIpv4);
  } else if (rule.CidrIpv6) {
    source = ipv6Source(rule.CidrIpv6);
  } else if (rule.PrefixListId) {
    source = { kind: 'prefix-list', prefixListId: rule.PrefixListId };
  } else {
    const ref = rule.ReferencedGroupInfo;
    source = {
      kind: 'group',
      groupId: ref?.GroupId,
      userId: ref?.UserId,
      peering: ref?.VpcPeeringConnectionId,
    };
  }
  if (!source) return undefined;
  const protocol = parseProtocol(rule.IpProtocol);
  const fromPort = portFrom(protocol, rule.FromPort, rule.ToPort);
  const toPort = portTo(protocol, rule.FromPort, rule.ToPort);
  return {
    groupId: rule.GroupId,
    ruleId: rule.SecurityGroupRuleId,
    egress: rule.IsEgress,
    ipProtocol: rule.IpProtocol,
    protocol,
    fromPort,
    toPort,
    rawFromPort: rule.FromPort,
    rawToPort: rule.ToPort,
    source,
    description: rule.Description,
  };
}

/** One rule of a permission; a top-level function (a closure per permission costs more at 500k rules). */
function permissionRule(
  groupId: string,
  egress: boolean,
  permission: IpPermissionItem,
  protocol: Protocol,
  fromPort: number,
  toPort: number,
  source: RuleSource,
  description: string | undefined,
): SgRule {
  return {
    groupId,
    ruleId: undefined,
    egress,
    ipProtocol: permission.IpProtocol,
    protocol,
    fromPort,
    toPort,
    rawFromPort: permission.FromPort,
    rawToPort: permission.ToPort,
    source,
    description,
  };
}

/** True for a rule whose source may hold public addresses: a public range, or a prefix list. */
function mayBePublic(rule: SgRule): boolean {
  const { source } = rule;
  return (
    source.kind === 'prefix-list' || ((source.kind === 'ipv4' || source.kind === 'ipv6') && source.public)
  );
}

/**
 * Appends the rules of one permission, one per source, in `ingress` order; with `onlyPublic`, the
 * rules whose source may be public (`mayBePublic`) and no others (VPC ranges skipped from their text).
 */
function expandPermission(
  groupId: string,
  permission: IpPermissionItem,
  egress: boolean,
  out: SgRule[],
  onlyPublic = false,
): void {
  if (onlyPublic && permission.Ipv6Ranges.length === 0 && permission.PrefixListIds.length === 0) {
    // VPC ranges and referenced groups only (most permissions): nothing to expand.
    let open = false;
    for (let i = 0; !open && i < permission.IpRanges.length; i++) {
      open = !isPrivateCidrText((permission.IpRanges[i] as { CidrIp: string }).CidrIp);
    }
    if (!open) return;
  }
  const protocol = parseProtocol(permission.IpProtocol);
  const fromPort = portFrom(protocol, permission.FromPort, permission.ToPort);
  const toPort = portTo(protocol, permission.FromPort, permission.ToPort);
  for (const r of permission.IpRanges) {
    if (onlyPublic && isPrivateCidrText(r.CidrIp)) continue;
    const source = ipv4Source(r.CidrIp);
    if (source && (source.public || !onlyPublic))
      out.push(
        permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, r.Description),
      );
  }
  for (const r of permission.Ipv6Ranges) {
    const source = ipv6Source(r.CidrIpv6);
    if (source && (source.public || !onlyPublic))
      out.push(
        permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, r.Description),
      );
  }
  for (const p of permission.PrefixListIds) {
    const source: RuleSource = { kind: 'prefix-list', prefixListId: p.PrefixListId };
    out.push(permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, p.Description));
  }
  if (onlyPublic) return;
  for (const g of permission.UserIdGroupPairs) {
    const source: RuleSource = {
      kind: 'group',
      groupId: g.GroupId,
      userId: g.UserId,
      peering: g.VpcPeeringConnectionId,
    };
    out.push(permissionRule(groupId, egress, permission, protocol, fromPort, toPort, source, g.Description));
  }
}
