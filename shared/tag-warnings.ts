import { KIND_NAMES, otherKindJudged, parseExemptionTag } from './exemptions';
import { ID_PREFIXES, judgedTypeOf, type ResourceType } from './findings';
import type { Snapshot, Tag } from './model/snapshot-schema';

// The warnings about exemption tags that have no effect where they are (DESIGN §8), apart from
// exemptions.ts, which applies the tags that do.

/**
 * Exemption tags on resources of the snapshot that no rule judges, as warnings (DESIGN §8: such a
 * tag "has no effect", and the operator must be told what to tag instead): a VPC, an internet
 * gateway, a security-group rule (`sgr-`, taggable in EC2, but its group is what is judged).
 */
export function unjudgedTagWarnings(snapshot: Snapshot, key: string): string[] {
  const out: string[] = [];
  const has = (tags: readonly Tag[]) => tags.some((t) => t.Key === key);
  const instead = 'tag the security groups, network ACLs, subnets or interfaces it holds instead';
  const kind = byKind(out);
  kind(() => {
    for (const vpc of snapshot.Vpcs)
      if (has(vpc.Tags))
        out.push(`the ${key} tag on ${vpc.VpcId} has no effect: no rule judges a VPC; ${instead}`);
  });
  kind(() => {
    for (const igw of snapshot.InternetGateways)
      if (has(igw.Tags))
        out.push(
          `the ${key} tag on ${igw.InternetGatewayId} has no effect: no rule judges an internet gateway; ${instead}`,
        );
  });
  kind(() => {
    // hot: one step per rule of the region (most have no tag at all).
    const rules = snapshot.SecurityGroupRules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as Snapshot['SecurityGroupRules'][number];
      if (rule.Tags.length > 0 && has(rule.Tags))
        out.push(
          `the ${key} tag on ${rule.SecurityGroupRuleId ?? `a rule of ${rule.GroupId}`} has no effect: rules judge the group; tag ${rule.GroupId} with the rule ids to exempt, or allow-list it with ports`,
        );
    }
  });
  return out;
}

/**
 * Runs one kind of resource's checks at a time, each kind's warnings sorted among themselves, in
 * the order of their text (led by the resource id) rather than the order the snapshot listed them
 * in, so a reordered snapshot warns alike. Kinds keep the order they are run in.
 */
function byKind(out: string[]): (fill: () => void) => void {
  let from = 0;
  return (fill) => {
    fill();
    if (out.length - from > 1) {
      const sorted = out.slice(from).sort();
      for (let i = 0; i < sorted.length; i++) out[from + i] = sorted[i] as string;
    }
    from = out.length;
  };
}

/**
 * Exemption tags naming a rule that does not judge the tagged kind of resource (an interface
 * tagged `sg-open-admin-port`: that rule judges its groups), as warnings: the entry has no effect
 * there, said as for an allow-list entry of another kind. `*`, unknown ids (shown as unreadable in
 * the resource's findings) and `eni-internet-exposed` on a group (it accepts the path) are not.
 */
export function misdirectedTagWarnings(
  snapshot: Snapshot,
  key: string,
  rules: readonly { id: string; resourceType: ResourceType }[],
): string[] {
  const out: string[] = [];
  const check = (id: string, tags: readonly Tag[] | undefined, groups?: readonly { GroupId: string }[]) => {
    // hot: one step per resource of the region (most have no tag at all).
    if (tags === undefined || tags.length === 0) return;
    const tag = tags.find((t) => t.Key === key);
    const kind = tag && judgedTypeOf(id);
    if (!tag || !kind) return;
    for (const { ruleId } of parseExemptionTag(tag.Value).entries) {
      const type = otherKindJudged(ruleId, kind, rules);
      if (!type) continue;
      const ids = type === 'AWS::EC2::SecurityGroup' && groups ? groups.map((g) => g.GroupId).sort() : [];
      const its = ids.length > 0 ? ` (${ids.join(', ')})` : '';
      out.push(
        `the ${key} tag on ${id} names ${ruleId}, which judges ${KIND_NAMES[type]} (${ID_PREFIXES[type]}…), not ${KIND_NAMES[kind]}: it has no effect there; tag the ${KIND_NAMES[type].replace(/s$/, '')}${its} instead`,
      );
    }
  };
  const kind = byKind(out);
  kind(() => {
    for (const g of snapshot.SecurityGroups) check(g.GroupId, g.Tags);
  });
  kind(() => {
    for (const a of snapshot.NetworkAcls) check(a.NetworkAclId, a.Tags);
  });
  kind(() => {
    for (const n of snapshot.Subnets) check(n.SubnetId, n.Tags);
  });
  kind(() => {
    for (const t of snapshot.RouteTables) check(t.RouteTableId, t.Tags);
  });
  kind(() => {
    for (const n of snapshot.NatGateways) check(n.NatGatewayId, n.Tags);
  });
  kind(() => {
    for (const e of snapshot.VpcEndpoints) check(e.VpcEndpointId, e.Tags);
  });
  kind(() => {
    const interfaces = snapshot.NetworkInterfaces;
    for (let i = 0; i < interfaces.length; i++) {
      const eni = interfaces[i] as Snapshot['NetworkInterfaces'][number];
      check(eni.NetworkInterfaceId, eni.Tags ? [...eni.TagSet, ...eni.Tags] : eni.TagSet, eni.Groups);
    }
  });
  return out;
}
