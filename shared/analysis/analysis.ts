import type { Config } from '../config';
import type { Model, NaclEntry, SecurityGroupNode } from '../model/model';
import { HASH_SEED } from '../net/small-hash';
import { filteredIgwRoutes, internetRoutes, unresolvedIgwRouteLists } from './igw-routes';
import { evaluateNacl, type NaclSegment, transportFree } from './nacl-eval';
import { EMPTY_REACH, type Reach, ReachCollector, type Transport } from './sg-reach';

export type Direction = 'ingress' | 'egress';

/** A security group and its (non-empty) reach. */
export interface GroupReach {
  group: SecurityGroupNode;
  reach: Reach;
}

/** A default route to an internet gateway, and the table it was found in. */
export interface IgwRoute {
  internetGatewayId: string;
  routeTableId: string;
  /**
   * The routes it is: the default route, or the igw- routes that cover the internet together
   * (`0.0.0.0/1` + `128.0.0.0/1`, see `internetRoutes`); `internetGatewayId` is the first one's.
   */
  routes: readonly { destination: string; gatewayId: string }[];
}

/**
 * NACL entry lists of equal content (every field compared, rule numbers included): the first such
 * list, and its evaluations per transport, computed on first use and shared by all of them.
 */
interface NaclClass {
  entries: readonly NaclEntry[];
  tcp: NaclSegment[] | undefined;
  udp: NaclSegment[] | undefined;
}

/** The entries of a NACL that is not in the model: nothing but the final deny. */
const NO_NACL_ENTRIES: readonly NaclEntry[] = Object.freeze([]);

/**
 * Analyses shared by several rules, computed on first use and memoized for one evaluation.
 * Rules never mutate the model; this object is the only state of an evaluation. Memo keys are
 * the model's own id strings (their hashes are cached by V8), never strings built per call: at
 * 50k groups and 10k NACLs, building and hashing keys cost more than the lookups they save.
 */
export class Analysis {
  /**
   * Groups with a tcp/udp source that may be public (their reach, possibly EMPTY_REACH). Groups
   * without one are absent: in `quietGroups` when computed one by one, implied once `scanned`.
   */
  private readonly reachByGroup = new Map<string, Reach>();
  private readonly quietGroups = new Set<string>();
  private scanned = false;
  private groupsReaching?: SecurityGroupNode[];
  private reaching?: GroupReach[];
  /** The VPCs' default groups (GroupName `default`), in the model's order; noted by the group scan. */
  private defaults?: SecurityGroupNode[];
  private collector?: ReachCollector;
  private readonly reachByUnion = new Map<string, Reach>();
  private readonly naclByContent = new Map<number, NaclClass[]>();
  /** A small number per distinct IPv6 CIDR text, for `entriesHash` (equal texts, equal numbers). */
  private readonly naclTextIds = new Map<string, number>();
  /** NACLs with equal raw entries share their entry arrays (model): their class by identity. */
  private readonly naclByList = new Map<readonly NaclEntry[], NaclClass>();
  /** `entriesHash` of every entry list of the model's NACLs, by list; filled in one pass on first need. */
  private naclHashes?: Map<readonly NaclEntry[], number>;
  /** Per route table (a few thousand, shared by many subnets), not per subnet. */
  private readonly igwByTable: Record<'ipv4' | 'ipv6', Map<string, IgwRoute | null>> = {
    ipv4: new Map(),
    ipv6: new Map(),
  };
  /** The unresolved prefix lists a table sends to an igw- (`unresolvedIgwRouteLists`), per table. */
  private readonly unresolvedByTable = new Map<string, readonly string[]>();
  /** The destinations of a table's `filtered` routes to an igw- (`filteredIgwRoutes`), per table and family. */
  private readonly filteredByTable: Record<'ipv4' | 'ipv6' | 'any', Map<string, readonly string[]>> = {
    ipv4: new Map(),
    ipv6: new Map(),
    any: new Map(),
  };

  constructor(
    readonly model: Model,
    readonly config: Config,
  ) {}

  /** Internet reach of one security group's ingress rules. */
  groupReach(groupId: string): Reach {
    const known = this.reachByGroup.get(groupId);
    if (known) return known;
    if (this.scanned || this.quietGroups.has(groupId)) return EMPTY_REACH;
    const group = this.model.securityGroups.get(groupId);
    if (!group) {
      this.quietGroups.add(groupId);
      return EMPTY_REACH;
    }
    return this.computeGroupReach(group);
  }

  /**
   * The groups whose reach is not empty (a public source on some port, or an unresolved prefix
   * list), in the model's order. One pass over every group's raw permissions, shared by the
   * security-group rules: they read these few thousand groups instead of all 50k, and the other
   * groups (VPC ranges and referenced groups only) leave nothing behind but the shared EMPTY_REACH.
   */
  groupsWithReach(): readonly SecurityGroupNode[] {
    this.groupsReaching ??= this.reachingGroups().map((r) => r.group);
    return this.groupsReaching;
  }

  /** `groupsWithReach` with each group's reach (read without a lookup per group). */
  reachingGroups(): readonly GroupReach[] {
    if (!this.reaching) {
      const out: GroupReach[] = [];
      // The default groups on the way: the scan holds each group at hand, a pass of its own would
      // read all 50k of them again (and the default-group rule needs only those few).
      const defaults: SecurityGroupNode[] = [];
      // Hot: before any group was asked for alone (the usual case) there is nothing to look up,
      // and the quiet groups need no entry: once scanned, absence means quiet.
      const fresh = this.reachByGroup.size === 0 && this.quietGroups.size === 0;
      // An array, read by index: a for-of step over the map allocates an iterator result until
      // the loop is optimized (50k steps, once per evaluation).
      const groups = [...this.model.securityGroups.values()];
      for (let i = 0; i < groups.length; i++) {
        const group = groups[i] as SecurityGroupNode;
        if (group.isDefault) defaults.push(group);
        let reach = fresh ? undefined : this.reachByGroup.get(group.id);
        if (!reach && (fresh || !this.quietGroups.has(group.id)))
          reach = this.computeGroupReach(group, !fresh);
        if (reach && reach !== EMPTY_REACH) out.push({ group, reach });
      }
      this.defaults ??= defaults;
      this.reaching = out;
      this.scanned = true;
      this.quietGroups.clear();
    }
    return this.reaching;
  }

  /** The VPCs' default groups (GroupName `default`), in the model's order. */
  defaultGroups(): readonly SecurityGroupNode[] {
    if (!this.defaults) {
      const defaults: SecurityGroupNode[] = [];
      for (const group of this.model.securityGroups.values()) if (group.isDefault) defaults.push(group);
      this.defaults = defaults;
    }
    return this.defaults;
  }

  /**
   * One walk over a group's raw permissions (no rule objects), memoized by whether it may be
   * public (a quiet group is noted only when `noteQuiet`: a full scan implies it).
   */
  private computeGroupReach(group: SecurityGroupNode, noteQuiet = true): Reach {
    this.collector ??= new ReachCollector(this.model.prefixLists, this.config.worldOpenCoverage);
    const collector = this.collector;
    group.forEachIngressSource(collector.visit);
    const publicSource = collector.publicSource;
    const reach = collector.finish();
    if (publicSource) this.reachByGroup.set(group.id, reach);
    else if (noteQuiet) this.quietGroups.add(group.id);
    return reach;
  }

  /**
   * The group's reach when some tcp/udp ingress source of it may be public (a prefix list
   * counts), possibly EMPTY_REACH; undefined for a group without one.
   */
  private publicReach(groupId: string): Reach | undefined {
    // One lookup for a known group (every group, once scanned: an absent one is quiet).
    const known = this.reachByGroup.get(groupId);
    if (known || this.scanned) return known;
    this.groupReach(groupId);
    return this.reachByGroup.get(groupId);
  }

  /** Internet reach of the union of several groups' ingress rules (an interface's groups). */
  unionReach(groupIds: readonly string[]): Reach {
    if (groupIds.length === 1) return this.groupReach(groupIds[0] as string);
    // Members without a public source add nothing the internet can use: the union is the reach
    // of the others (one member: its own memoized reach). Counted first, so that only a union of
    // two or more such members builds a key (one string per interface otherwise). A union can
    // still be world-open where no member is (0.0.0.0/1 + 128.0.0.0/1): it gets a joint computation.
    let open = 0;
    let only: Reach | undefined;
    for (let i = 0; i < groupIds.length; i++) {
      const reach = this.publicReach(groupIds[i] as string);
      if (reach) {
        open++;
        only = reach;
      }
    }
    if (only === undefined) return EMPTY_REACH;
    if (open === 1) return only;
    const key = groupIds.join(',');
    let reach = this.reachByUnion.get(key);
    if (!reach) {
      this.collector ??= new ReachCollector(this.model.prefixLists, this.config.worldOpenCoverage);
      const collector = this.collector;
      for (const id of groupIds) {
        const group = this.model.securityGroups.get(id);
        // Members were all computed above: no group walk is under way in the shared collector.
        if (group && this.publicReach(id)) group.forEachIngressSource(collector.visit);
      }
      reach = collector.finish();
      this.reachByUnion.set(key, reach);
    }
    return reach;
  }

  /**
   * First-match evaluation of one NACL direction for a transport protocol. NACLs stamped from one
   * template (the usual case: Terraform modules, landing zones) share one evaluation: NACLs whose
   * entry lists are equal in every field (rule numbers included) get the same segments, whose
   * contributors are then the first such NACL's entry objects — equal in content to their own.
   */
  nacl(networkAclId: string, direction: Direction, transport: Transport): NaclSegment[] {
    const acl = this.model.networkAcls.get(networkAclId);
    const entries = acl ? (direction === 'ingress' ? acl.ingress : acl.egress) : NO_NACL_ENTRIES;
    return this.naclEntries(entries, transport);
  }

  /**
   * The same for one of the model's entry lists (a NACL's `ingress` or `egress`), for callers that
   * hold the NACL (rules iterating the NACLs): no id lookup, no memo per NACL.
   */
  naclEntries(entries: readonly NaclEntry[], transport: Transport): NaclSegment[] {
    const content = this.naclClass(entries);
    // Entries of neither transport alone (all -1, the default NACL's case) evaluate the same for both.
    if (transport === 'tcp') {
      content.tcp ??=
        content.udp && transportFree(content.entries) ? content.udp : evaluateNacl(content.entries, 'tcp');
      return content.tcp;
    }
    content.udp ??=
      content.tcp && transportFree(content.entries) ? content.tcp : evaluateNacl(content.entries, 'udp');
    return content.udp;
  }

  /** The content class of an entry list: by hash, then field by field. */
  private naclClass(entries: readonly NaclEntry[]): NaclClass {
    let known = this.naclByList.get(entries);
    if (!known) {
      known = this.naclClassByContent(entries);
      this.naclByList.set(entries, known);
    }
    return known;
  }

  private naclClassByContent(entries: readonly NaclEntry[]): NaclClass {
    this.naclHashes ??= this.hashNaclLists();
    const hash = this.naclHashes.get(entries) ?? entriesHash(entries, this.naclTextIds);
    let bucket = this.naclByContent.get(hash);
    if (!bucket) {
      bucket = [];
      this.naclByContent.set(hash, bucket);
    }
    for (let i = 0; i < bucket.length; i++) {
      const candidate = bucket[i] as NaclClass;
      if (sameEntries(candidate.entries, entries)) return candidate;
    }
    const created: NaclClass = { entries, tcp: undefined, udp: undefined };
    bucket.push(created);
    return created;
  }

  /**
   * The content hash of every entry list of the model's NACLs, in one pass. Hot: hashed one by one
   * as the rules first ask for them, the lists are hashed by code that is mostly not yet optimized
   * (a few thousand calls among everything else of the first evaluation: ~60 ms on the bench's L);
   * one tight loop over them all is optimized at once (~5 ms). A hash depends on the list alone,
   * and classes are still created as lists are first asked for: the answers do not change.
   */
  private hashNaclLists(): Map<readonly NaclEntry[], number> {
    const hashes = new Map<readonly NaclEntry[], number>();
    const textIds = this.naclTextIds;
    const acls = this.model.networkAcls;
    for (const acl of acls.values()) {
      if (!hashes.has(acl.ingress)) hashes.set(acl.ingress, entriesHash(acl.ingress, textIds));
      if (!hashes.has(acl.egress)) hashes.set(acl.egress, entriesHash(acl.egress, textIds));
    }
    return hashes;
  }

  /**
   * The subnet's active default route (`0.0.0.0/0` or `::/0`) to an `igw-`, through its route
   * table (explicit association, else the VPC's main table).
   */
  defaultIgwRoute(subnetId: string, family: 'ipv4' | 'ipv6'): IgwRoute | undefined {
    const tableId = this.model.subnets.get(subnetId)?.routeTableId;
    return tableId ? this.memoTableIgwRoute(tableId, family) : undefined;
  }

  /** `tableIgwRoute`, memoized per table (shared by every subnet on it). */
  private memoTableIgwRoute(tableId: string, family: 'ipv4' | 'ipv6'): IgwRoute | undefined {
    const memo = this.igwByTable[family];
    const cached = memo.get(tableId);
    if (cached !== undefined) return cached ?? undefined;
    const route = this.tableIgwRoute(tableId, family);
    memo.set(tableId, route ?? null);
    return route;
  }

  /**
   * Why the subnet's way to the internet is not known, or undefined when it is: its route table
   * sends a prefix list whose entries are not in the model to an `igw-` (it may hold `0.0.0.0/0`
   * or `::/0`), or has a route of `family` to an `igw-` in state `filtered` (undescribed: it may
   * carry the internet), and no resolved route covers the internet in `family` (one that does settles it).
   * Without `family`, a resolved route of either family settles it (the naming rules: one default
   * route of either family decides them); with it, only that family's does (a NAT gateway's IPv4,
   * an interface's public address of that family: `::/0` says nothing of the IPv4 way out).
   */
  unknownIgwRoute(subnetId: string, family?: 'ipv4' | 'ipv6'): string | undefined {
    const tableId = this.model.subnets.get(subnetId)?.routeTableId;
    return tableId === undefined ? undefined : this.tableDoubt(tableId, family, subnetId);
  }

  /** `unknownIgwRoute` for a regional NAT gateway's own route table (which no subnet uses). */
  unknownNatTableIgwRoute(routeTableId: string, family: 'ipv4' | 'ipv6'): string | undefined {
    return this.tableDoubt(routeTableId, family, undefined);
  }

  /** The two above: the table's doubt, named as the subnet's (`subnetId`) or the regional NAT gateway's. */
  private tableDoubt(
    routeTableId: string,
    family: 'ipv4' | 'ipv6' | undefined,
    subnetId: string | undefined,
  ): string | undefined {
    const table = this.model.routeTables.get(routeTableId);
    if (!table) return undefined;
    let lists = this.unresolvedByTable.get(table.id);
    if (lists === undefined) {
      lists = unresolvedIgwRouteLists(table.item.Routes, this.model.prefixLists);
      this.unresolvedByTable.set(table.id, lists);
    }
    const filteredOf = this.filteredByTable[family ?? 'any'];
    let filtered = filteredOf.get(table.id);
    if (filtered === undefined) {
      filtered = filteredIgwRoutes(table.item.Routes, family);
      filteredOf.set(table.id, filtered);
    }
    if (lists.length === 0 && filtered.length === 0) return undefined;
    if (family !== 'ipv6' && this.memoTableIgwRoute(table.id, 'ipv4')) return undefined;
    if (family !== 'ipv4' && this.memoTableIgwRoute(table.id, 'ipv6')) return undefined;
    const owner = subnetId === undefined ? 'the regional NAT gateway' : `subnet ${subnetId}`;
    if (lists.length === 0) {
      const one = filtered.length === 1;
      return (
        `the route table ${table.id} of ${owner} has route${one ? '' : 's'} to ${filtered.join(', ')} ` +
        `to an internet gateway in state filtered, which the EC2 API reference does not describe: ` +
        'whether the internet is routed there is not known'
      );
    }
    const one = lists.length === 1;
    return (
      `the route table ${table.id} of ${owner} sends prefix list${one ? '' : 's'} ` +
      `${lists.join(', ')} to an internet gateway, whose entries are not in the snapshot ` +
      `(add ${one ? 'it' : 'them'} to ManagedPrefixLists)`
    );
  }

  /**
   * The table's active default route to an `igw-` for a family, or the igw- routes that cover the
   * internet without it (`0.0.0.0/1` + `128.0.0.0/1`: `internetRoutes`).
   */
  tableIgwRoute(routeTableId: string, family: 'ipv4' | 'ipv6'): IgwRoute | undefined {
    const table = this.model.routeTables.get(routeTableId);
    if (!table) return undefined;
    // The model writes every /0 as EC2 stores it (1.2.3.4/0 is 0.0.0.0/0, 0::/0 is ::/0).
    const found = internetRoutes(
      table.item.Routes,
      family,
      this.config.worldOpenCoverage,
      this.model.prefixLists,
    );
    if (!found) return undefined;
    // A prefix-list route is named by its list (the route as written).
    const routes = found.map((route) => ({
      destination: ((family === 'ipv4' ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock) ??
        route.DestinationPrefixListId) as string,
      gatewayId: route.GatewayId as string,
    }));
    const first = routes[0];
    return first && { internetGatewayId: first.gatewayId, routeTableId, routes };
  }
}

/**
 * A hash of what `sameEntries` compares (rule number, action, protocol as written, ports, and the
 * CIDR: its parsed range for IPv4, its text for IPv6), in order. Lists with equal hashes are compared field by field
 * before they share an evaluation.
 */
function entriesHash(entries: readonly NaclEntry[], textIds: Map<string, number>): number {
  let h = HASH_SEED;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as NaclEntry;
    // hot: `mixHash` steps written out (the first evaluation runs this unoptimized, where every
    // call counts), fields packed into few steps: rule number and action, the two ports.
    h = ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + ((e.ruleNumber << 1) | (e.allow ? 1 : 0))) & 0x3fffffff;
    h = ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + (e.fromPort ^ (e.toPort << 12))) & 0x3fffffff;
    // The protocol as written by its length and first character (a handful of spellings; equal
    // texts hash equally and sameEntries settles collisions): no loop over it.
    const protocol = e.rawProtocol;
    h =
      ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + (protocol.length ^ (protocol.charCodeAt(0) << 8))) &
      0x3fffffff;
    // An IPv4 entry hashes its parsed range (a function of the CIDR text, shared by entries with
    // that text: hot in cache, where each entry's own string is one more cold read), 16 bits at a time.
    const range4 = e.range4;
    let x: number;
    if (range4) {
      h =
        ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + ((range4.start >>> 16) ^ (range4.prefix << 16))) &
        0x3fffffff;
      x = range4.start & 0xffff;
    } else {
      // An IPv6 text by its number among the texts seen (the engine hashes a string natively
      // and once; a loop over its characters would run unoptimized in the first evaluation).
      let id = textIds.get(e.cidr);
      if (id === undefined) {
        id = textIds.size;
        textIds.set(e.cidr, id);
      }
      x = id | 0x20000;
    }
    h = ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + x) & 0x3fffffff;
  }
  // A small integer: Map keys hash faster than heap numbers.
  return h;
}

function sameEntries(a: readonly NaclEntry[], b: readonly NaclEntry[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as NaclEntry;
    const y = b[i] as NaclEntry;
    if (
      x.ruleNumber !== y.ruleNumber ||
      x.allow !== y.allow ||
      x.fromPort !== y.fromPort ||
      x.toPort !== y.toPort ||
      x.rawProtocol !== y.rawProtocol ||
      x.cidr !== y.cidr
    ) {
      return false;
    }
  }
  return true;
}
