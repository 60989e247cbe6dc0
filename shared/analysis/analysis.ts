import type { Config } from '../config';
import type { Model, NaclEntry, SgRule } from '../model/model';
import { evaluateNacl, type NaclSegment } from './nacl-eval';
import { computeReach, type Reach, type Transport } from './sg-reach';

export type Direction = 'ingress' | 'egress';

/** A default route to an internet gateway, and the table it was found in. */
export interface IgwRoute {
  internetGatewayId: string;
  routeTableId: string;
}

/**
 * Analyses shared by several rules, computed on first use and memoized for one evaluation.
 * Rules never mutate the model; this object is the only state of an evaluation.
 */
export class Analysis {
  private readonly reachByKey = new Map<string, Reach>();
  private readonly naclByKey = new Map<string, NaclSegment[]>();
  private readonly naclSignatures = new Map<string, string>();
  private readonly naclByContent = new Map<
    string,
    { entries: readonly NaclEntry[]; segments: NaclSegment[] }
  >();
  private readonly igwByKey = new Map<string, IgwRoute | null>();

  constructor(
    readonly model: Model,
    readonly config: Config,
  ) {}

  /** Internet reach of one security group's ingress rules. */
  groupReach(groupId: string): Reach {
    return this.unionReach([groupId]);
  }

  /** Internet reach of the union of several groups' ingress rules (an interface's groups). */
  unionReach(groupIds: readonly string[]): Reach {
    const key = groupIds.length === 1 ? (groupIds[0] as string) : [...groupIds].sort().join(',');
    let reach = this.reachByKey.get(key);
    if (!reach) {
      const rules: SgRule[] = [];
      for (const id of groupIds) {
        const group = this.model.securityGroups.get(id);
        if (group) for (const rule of group.ingress) rules.push(rule);
      }
      reach = computeReach(rules, this.model.prefixLists, this.config.worldOpenCoverage);
      this.reachByKey.set(key, reach);
    }
    return reach;
  }

  /**
   * First-match evaluation of one NACL direction for a transport protocol. NACLs stamped from one
   * template (the usual case: Terraform modules, landing zones) share one evaluation: the result
   * is memoized by the entries' content and re-pointed at each NACL's own entries.
   */
  nacl(networkAclId: string, direction: Direction, transport: Transport): NaclSegment[] {
    const key = `${networkAclId}|${direction}|${transport}`;
    let segments = this.naclByKey.get(key);
    if (!segments) {
      const acl = this.model.networkAcls.get(networkAclId);
      const entries = acl ? (direction === 'ingress' ? acl.ingress : acl.egress) : [];
      const signatureKey = `${networkAclId}|${direction}`;
      let signature = this.naclSignatures.get(signatureKey);
      if (signature === undefined) {
        signature = entriesSignature(entries);
        this.naclSignatures.set(signatureKey, signature);
      }
      const content = `${transport}|${signature}`;
      const template = this.naclByContent.get(content);
      if (template) segments = repoint(template.segments, template.entries, entries);
      else {
        segments = evaluateNacl(entries, transport);
        this.naclByContent.set(content, { entries, segments });
      }
      this.naclByKey.set(key, segments);
    }
    return segments;
  }

  /**
   * The subnet's active default route (`0.0.0.0/0` or `::/0`) to an `igw-`, through its route
   * table (explicit association, else the VPC's main table).
   */
  defaultIgwRoute(subnetId: string, family: 'ipv4' | 'ipv6'): IgwRoute | undefined {
    const key = `${subnetId}|${family}`;
    const cached = this.igwByKey.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const tableId = this.model.subnets.get(subnetId)?.routeTableId;
    const route = tableId ? this.tableIgwRoute(tableId, family) : undefined;
    this.igwByKey.set(key, route ?? null);
    return route;
  }

  /** The table's active default route to an `igw-` for a family. */
  tableIgwRoute(routeTableId: string, family: 'ipv4' | 'ipv6'): IgwRoute | undefined {
    const table = this.model.routeTables.get(routeTableId);
    if (!table) return undefined;
    for (const route of table.item.Routes) {
      const destination = family === 'ipv4' ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock;
      const isDefault = family === 'ipv4' ? destination === '0.0.0.0/0' : destination === '::/0';
      if (!isDefault || !route.GatewayId?.startsWith('igw-')) continue;
      if (route.State !== undefined && route.State !== 'active') continue;
      return { internetGatewayId: route.GatewayId, routeTableId };
    }
    return undefined;
  }
}

/** What first-match evaluation reads of a direction's entries, in order (rule numbers aside). */
function entriesSignature(entries: readonly NaclEntry[]): string {
  let out = '';
  for (const e of entries) out += `${e.allow ? 'A' : 'D'}${e.protocol}:${e.fromPort}-${e.toPort}:${e.cidr};`;
  return out;
}

/** A template's segments with contributors replaced by the entries at the same positions. */
function repoint(
  segments: readonly NaclSegment[],
  from: readonly NaclEntry[],
  to: readonly NaclEntry[],
): NaclSegment[] {
  if (from === to) return [...segments];
  const position = new Map<NaclEntry, NaclEntry>();
  for (let i = 0; i < from.length; i++) position.set(from[i] as NaclEntry, to[i] as NaclEntry);
  const mapped = new Map<readonly NaclEntry[], NaclEntry[]>();
  const map = (list: NaclEntry[]) => {
    let out = mapped.get(list);
    if (!out) {
      out = list.map((e) => position.get(e) ?? e);
      mapped.set(list, out);
    }
    return out;
  };
  return segments.map((s) => ({
    from: s.from,
    to: s.to,
    v4: s.v4,
    v6: s.v6,
    contributors4: map(s.contributors4),
    contributors6: map(s.contributors6),
  }));
}
