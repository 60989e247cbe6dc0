import type { Config } from '../config';
import type { Model, NaclEntry, SgRule } from '../model/model';
import { evaluateNacl, type NaclSegment } from './nacl-eval';
import { computeReach, EMPTY_REACH, type Reach, type Transport } from './sg-reach';

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
/** Per NACL: its two directions' evaluations per transport, and their content signatures. */
interface NaclMemo {
  ingress: Partial<Record<Transport, NaclSegment[]>>;
  egress: Partial<Record<Transport, NaclSegment[]>>;
  signature: Partial<Record<Direction, string>>;
}

interface NaclTemplate {
  entries: readonly NaclEntry[];
  segments: NaclSegment[];
}

/**
 * Analyses shared by several rules, computed on first use and memoized for one evaluation.
 * Rules never mutate the model; this object is the only state of an evaluation. Memo keys are
 * the model's own id strings (their hashes are cached by V8), never strings built per call: at
 * 50k groups and 10k NACLs, building and hashing keys cost more than the lookups they save.
 */
export class Analysis {
  private readonly reachByGroup = new Map<string, Reach>();
  private readonly reachByUnion = new Map<string, Reach>();
  private readonly naclById = new Map<string, NaclMemo>();
  private readonly naclByContent: Record<Transport, Map<string, NaclTemplate>> = {
    tcp: new Map(),
    udp: new Map(),
  };
  private readonly igwBySubnet: Record<'ipv4' | 'ipv6', Map<string, IgwRoute | null>> = {
    ipv4: new Map(),
    ipv6: new Map(),
  };

  constructor(
    readonly model: Model,
    readonly config: Config,
  ) {}

  /** Internet reach of one security group's ingress rules. */
  groupReach(groupId: string): Reach {
    let reach = this.reachByGroup.get(groupId);
    if (!reach) {
      const rules = this.model.securityGroups.get(groupId)?.ingress ?? [];
      reach = computeReach(rules, this.model.prefixLists, this.config.worldOpenCoverage);
      this.reachByGroup.set(groupId, reach);
    }
    return reach;
  }

  /** Internet reach of the union of several groups' ingress rules (an interface's groups). */
  unionReach(groupIds: readonly string[]): Reach {
    if (groupIds.length === 1) return this.groupReach(groupIds[0] as string);
    const key = [...groupIds].sort().join(',');
    let reach = this.reachByUnion.get(key);
    if (!reach) {
      // A union can be world-open where no member is (0.0.0.0/1 + 128.0.0.0/1), but not when no
      // member has a single public source: then it is as empty as its members.
      const members = groupIds.map((id) => this.groupReach(id));
      if (members.every((m) => m === EMPTY_REACH)) reach = EMPTY_REACH;
      else {
        const rules: SgRule[] = [];
        for (const id of groupIds) {
          const group = this.model.securityGroups.get(id);
          if (group) for (const rule of group.ingress) rules.push(rule);
        }
        reach = computeReach(rules, this.model.prefixLists, this.config.worldOpenCoverage);
      }
      this.reachByUnion.set(key, reach);
    }
    return reach;
  }

  /**
   * First-match evaluation of one NACL direction for a transport protocol. NACLs stamped from one
   * template (the usual case: Terraform modules, landing zones) share one evaluation: the result
   * is memoized by the entries' content and re-pointed at each NACL's own entries.
   */
  nacl(networkAclId: string, direction: Direction, transport: Transport): NaclSegment[] {
    let memo = this.naclById.get(networkAclId);
    if (!memo) {
      memo = { ingress: {}, egress: {}, signature: {} };
      this.naclById.set(networkAclId, memo);
    }
    let segments = memo[direction][transport];
    if (!segments) {
      const acl = this.model.networkAcls.get(networkAclId);
      const entries = acl ? (direction === 'ingress' ? acl.ingress : acl.egress) : [];
      let signature = memo.signature[direction];
      if (signature === undefined) {
        signature = entriesSignature(entries);
        memo.signature[direction] = signature;
      }
      const byContent = this.naclByContent[transport];
      const template = byContent.get(signature);
      if (template) segments = repoint(template.segments, template.entries, entries);
      else {
        segments = evaluateNacl(entries, transport);
        byContent.set(signature, { entries, segments });
      }
      memo[direction][transport] = segments;
    }
    return segments;
  }

  /**
   * The subnet's active default route (`0.0.0.0/0` or `::/0`) to an `igw-`, through its route
   * table (explicit association, else the VPC's main table).
   */
  defaultIgwRoute(subnetId: string, family: 'ipv4' | 'ipv6'): IgwRoute | undefined {
    const memo = this.igwBySubnet[family];
    const cached = memo.get(subnetId);
    if (cached !== undefined) return cached ?? undefined;
    const tableId = this.model.subnets.get(subnetId)?.routeTableId;
    const route = tableId ? this.tableIgwRoute(tableId, family) : undefined;
    memo.set(subnetId, route ?? null);
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
