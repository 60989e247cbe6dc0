import type { EC2Client, PrefixListEntry } from '@aws-sdk/client-ec2';
import type { EventScope, RestoredPrefixListVersion } from '../../events/types';
import type { Snapshot } from '../../model/snapshot-schema';
import { mayCarryInternet } from '../../scope/resolve';
import { DescribeError, errorText, SliceLoadError } from '../errors';
import { DESCRIBE, type DescribeOperation, type FilterKey, readActions } from './describe-table';
import { chunks, readListing } from './pages';
import {
  type ListEntryChange,
  listsNamed,
  notYetApplied,
  prefixListsToRead,
  reportsOnlyGroupsAndInterfaces,
} from './prefix-lists';
import { type Loaded, toSnapshot } from './slice-snapshot';

/** The IAM actions the slice loader calls (the event function's read policy). */
export const SLICE_READ_ACTIONS = readActions('slice');

/** The slice of a VPC an event needs, read with the fewest Describe* calls. */
export interface Slice {
  snapshot: Snapshot;
  /** False when a call failed for a reason retrying will not fix (access denied, …): no remediation. */
  complete: boolean;
  /** `DescribeX: Code: message` of each failed call. */
  errors: string[];
  /** EC2 read calls made (pages included). */
  calls: number;
}

/**
 * Loads the slice an event's scope needs (DESIGN §7): the scope's resources; for security groups
 * their rules (with ids) and the interfaces using them; the route tables and NACLs of their VPCs;
 * those interfaces' other groups (described and their rules read with the event's groups': their
 * reach is part of the interfaces' exposure, their exemption tags accept it as in the audit);
 * referenced prefix lists. Independent calls run concurrently; every call is paginated and
 * filtered (a deleted resource is an empty result, not an error). A security-group event costs 5
 * calls (interfaces; then groups, rules, route tables and NACLs — the tables and NACLs in a third
 * round when no interface uses the group, its VPC known from it), plus one per referenced prefix
 * list (DESIGN §12: ≤ 6 with one list), plus pages and chunks of 200 filter values.
 */
export async function loadSlice(
  ec2: EC2Client,
  scope: EventScope,
  where: { accountId?: string; region?: string } = {},
): Promise<Slice> {
  const loaded: Loaded = {
    groups: new Map(),
    rules: new Map(),
    rulesOf: new Set(),
    interfaces: new Map(),
    acls: new Map(),
    tables: new Map(),
    subnets: new Map(),
    natGateways: new Map(),
    endpoints: new Map(),
    vpcs: new Map(),
    prefixLists: new Map(),
    aclsOfVpc: new Set(),
  };
  const errors: string[] = [];
  let calls = 0;

  /**
   * Reads one row of the describe table filtered by `key` (chunks of 200 values; a deleted resource
   * is an empty answer, not an error). Transient failures throw (the failure model in ../errors.ts);
   * any other is recorded and the listing counts as not read (undefined) — unless the listing is
   * `optional`: then what it would have added is just missing from the snapshot.
   */
  const list = async <T>(
    row: DescribeOperation<T>,
    key: FilterKey,
    values: readonly string[],
    optional = false,
  ) => {
    if (values.length === 0) return [];
    const name = row.filters[key];
    if (!name) throw new Error(`the describe table gives ${row.operation} no ${key} filter`);
    const out: T[] = [];
    let failed = false;
    for (const chunk of chunks(values)) {
      try {
        const filters = [{ Name: name, Values: chunk }];
        out.push(...(await readListing(ec2, row, { filters, onRequest: () => calls++ })));
      } catch (error) {
        if (!(error instanceof DescribeError)) throw error;
        if (error.retryable) {
          throw new SliceLoadError(`${row.operation} failed: ${errorText(error.cause)}`, {
            cause: error.cause,
          });
        }
        if (!optional) errors.push(error.message);
        failed = true;
      }
    }
    return failed ? undefined : out;
  };
  /** Reads a listing into one of the loaded maps, keyed by the item's id. */
  const into =
    <T>(
      row: DescribeOperation<T>,
      map: Map<string, T>,
      idOf: (item: T) => string | undefined,
      optional = false,
    ) =>
    async (key: FilterKey, values: readonly string[]): Promise<T[]> => {
      const items = (await list(row, key, values, optional)) ?? [];
      for (const item of items) {
        const id = idOf(item);
        if (id) map.set(id, item);
      }
      return items;
    };

  const describeGroups = into(DESCRIBE.securityGroups, loaded.groups, (g) => g.GroupId);
  const describeInterfaces = into(DESCRIBE.networkInterfaces, loaded.interfaces, (e) => e.NetworkInterfaceId);
  const describeAcls = into(DESCRIBE.networkAcls, loaded.acls, (a) => a.NetworkAclId);
  const describeTables = into(DESCRIBE.routeTables, loaded.tables, (t) => t.RouteTableId);
  const describeSubnets = into(DESCRIBE.subnets, loaded.subnets, (s) => s.SubnetId);
  const describeNatGateways = into(DESCRIBE.natGateways, loaded.natGateways, (n) => n.NatGatewayId);
  const describeEndpoints = into(DESCRIBE.vpcEndpoints, loaded.endpoints, (e) => e.VpcEndpointId);
  // Optional: the VPC only gives the NACL fix its kept sources; without it that fix is notify-only
  // (the finding says why), and everything else is judged and remediated as usual.
  const describeVpcs = into(DESCRIBE.vpcs, loaded.vpcs, (v) => v.VpcId, true);
  const describeRules = (groupIds: string[]) =>
    list(DESCRIBE.securityGroupRules, 'group', groupIds).then((items) => {
      if (!items) return false;
      for (const id of groupIds) loaded.rulesOf.add(id);
      for (const rule of items)
        if (rule.SecurityGroupRuleId) loaded.rules.set(rule.SecurityGroupRuleId, rule);
      return true;
    });
  const prefixListsRead = new Set<string>();
  /** The event's groups when the event reports only groups and interfaces (set below). */
  let reportedGroups: readonly string[] | undefined;
  const listsToRead = () => prefixListsToRead(loaded, reportedGroups, prefixListsRead);
  /**
   * Reads a list's entries (of `targetVersion`, else the current ones), or why that failed. A
   * transient failure throws (the failure model in ../errors.ts).
   */
  const readEntries = async (
    prefixListId: string,
    targetVersion?: number,
  ): Promise<{ entries: PrefixListEntry[] } | { error: string }> => {
    try {
      const entries = await readListing(ec2, DESCRIBE.prefixListEntries, {
        prefixListId,
        ...(targetVersion !== undefined ? { targetVersion } : {}),
        onRequest: () => calls++,
      });
      return { entries };
    } catch (error) {
      if (!(error instanceof DescribeError)) throw error;
      if (error.retryable) {
        throw new SliceLoadError(`${error.operation} failed: ${errorText(error.cause)}`, {
          cause: error.cause,
        });
      }
      const version = targetVersion !== undefined ? ` version ${targetVersion}` : '';
      return { error: `${error.operation} ${prefixListId}${version}: ${errorText(error.cause)}` };
    }
  };
  /**
   * Reads a list's entries; an `optional` list that cannot be read is just missing from the slice
   * (the reason is returned, for a caller that records it only where the list decides something).
   */
  const prefixListEntries = async (prefixListId: string, optional = false): Promise<string | undefined> => {
    // Each list is read once: a list that failed is not asked again by a later round.
    if (prefixListsRead.has(prefixListId)) return undefined;
    prefixListsRead.add(prefixListId);
    const read = await readEntries(prefixListId);
    if ('entries' in read) {
      loaded.prefixLists.set(prefixListId, read.entries);
      return undefined;
    }
    if (!optional) errors.push(read.error);
    return read.error;
  };

  /**
   * The entries of the version a RestoreManagedPrefixListVersion call restores (`TargetVersion`):
   * what the list must hold once EC2 has applied it; or why that read failed.
   */
  const versionEntries = async ({
    prefixListId,
    version,
  }: RestoredPrefixListVersion): Promise<{
    prefixListId: string;
    version: number;
    cidrs?: string[];
    error?: string;
  }> => {
    const read = await readEntries(prefixListId, version);
    if ('error' in read) return { prefixListId, version, error: read.error };
    return { prefixListId, version, cidrs: read.entries.flatMap((e) => (e.Cidr ? [e.Cidr] : [])) };
  };

  // By-name groups (default VPC, CloudFormation): the describe by name is the group load itself.
  let groupIds = [...scope.securityGroupIds];
  // A name without a VPC means the default VPC's group (the EC2 API's reading), read as EC2 reads
  // it (`GroupNames`): no other VPC's group of that name is taken, even when the default VPC's was
  // deleted before this read. An implementation answering `GroupNames` from every VPC (moto) gives
  // a name in several VPCs: their VPCs are then read to tell which is the default (resolveScope).
  let nameInSeveralVpcs = false;
  if (scope.securityGroupNames.length > 0) {
    const found = await describeGroups(
      scope.vpcIds.length === 0 ? 'defaultVpcName' : 'name',
      scope.securityGroupNames,
    );
    const inVpc = found.filter((g) => scope.vpcIds.length === 0 || scope.vpcIds.includes(g.VpcId ?? ''));
    groupIds = [...new Set([...groupIds, ...inVpc.map((g) => g.GroupId).filter((id): id is string => !!id)])];
    nameInSeveralVpcs = scope.vpcIds.length === 0 && new Set(inVpc.map((g) => g.VpcId)).size > 1;
  }
  // A prefix-list event: the groups an ingress rule of which and the tables a route of which name
  // the list, by EC2's filters (the list decides nothing elsewhere), with the list's entries. The
  // groups are then the event's groups and the tables its tables: read on as a group or route event.
  let routeTableIds = scope.routeTableIds;
  // A new VPC (CreateVpc): its default group is the event's group, read by VPC (the record names
  // none); its tables, NACLs and subnets come with the VPC's context below.
  if (scope.newVpcIds.length > 0) {
    const inVpc = await describeGroups('vpc', scope.newVpcIds);
    const defaults = inVpc.filter((g) => g.GroupName === 'default').map((g) => g.GroupId);
    groupIds = [...new Set([...groupIds, ...defaults.filter((id): id is string => !!id)])];
  }
  if (scope.prefixListIds.length > 0) {
    const [byList, tablesByList, restored, unread] = await Promise.all([
      describeGroups('prefixList', scope.prefixListIds),
      describeTables('prefixList', scope.prefixListIds),
      Promise.all(scope.restoredPrefixListVersions.map((v) => versionEntries(v))),
      // Optional here: a list that no group or table names decides nothing (deleted since, say).
      Promise.all(scope.prefixListIds.map((id) => prefixListEntries(id, true))),
    ]);
    const named = (id: string | undefined): id is string => !!id;
    groupIds = [...new Set([...groupIds, ...byList.map((g) => g.GroupId).filter(named)])];
    routeTableIds = [
      ...new Set([...routeTableIds, ...tablesByList.map((t) => t.RouteTableId).filter(named)]),
    ];
    // Only the lists the groups and tables found name decide anything: another list of a merged
    // batch, still being modified or gone, must not leave them unjudged.
    const deciding = listsNamed(scope.prefixListIds, byList, tablesByList);
    unread.forEach((reason, i) => {
      if (reason !== undefined && deciding.has(scope.prefixListIds[i] ?? '')) errors.push(reason);
    });
    const added: ListEntryChange[] = scope.addedPrefixListEntries.map((e) => ({
      ...e,
      by: 'ModifyManagedPrefixList added',
    }));
    const removed: ListEntryChange[] = scope.removedPrefixListEntries.map((e) => ({
      ...e,
      by: 'ModifyManagedPrefixList removed',
    }));
    for (const { prefixListId, version, cidrs, error } of restored) {
      if (!deciding.has(prefixListId)) continue;
      if (error !== undefined || cidrs === undefined) {
        errors.push(error ?? `${prefixListId} version ${version} could not be read`);
        continue;
      }
      const by = `RestoreManagedPrefixListVersion restored (version ${version})`;
      added.push(...cidrs.map((cidr) => ({ prefixListId, cidr, by })));
      // What the list holds and the restored version does not is what the restore takes out.
      const kept = new Set(cidrs);
      for (const entry of loaded.prefixLists.get(prefixListId) ?? []) {
        if (entry.Cidr && !kept.has(entry.Cidr)) {
          const out = `RestoreManagedPrefixListVersion removed (version ${version} lacks it)`;
          removed.push({ prefixListId, cidr: entry.Cidr, by: out });
        }
      }
    }
    const decides = (e: ListEntryChange) => deciding.has(e.prefixListId);
    errors.push(...notYetApplied(added.filter(decides), removed.filter(decides), loaded.prefixLists));
  }
  const unloadedGroups = (ids: Iterable<string>) => [...new Set(ids)].filter((id) => !loaded.groups.has(id));
  if (reportsOnlyGroupsAndInterfaces(scope, routeTableIds)) reportedGroups = groupIds;

  // Round 1: the scope's own resources, concurrently. Interfaces named by id are read by id only
  // when no instance is in scope: an instance's interfaces come with it (RunInstances names both,
  // and is one interface read), and an id the instance read did not return is read after it.
  // The event's groups are described in round 2, in one call with the other groups of their
  // interfaces: those groups' tags (exemptions, DESIGN §8) accept the interfaces' exposure as in
  // the audit, and the group ids are only known once the interfaces are read.
  const interfacesById = scope.instanceIds.length === 0 ? scope.networkInterfaceIds : [];
  // A subnet named beside a route table or NACL (AssociateRouteTable) is in their VPC, whose
  // subnets round 2 reads anyway: read by id it would only cost a call (7 for that event). One that
  // round 2 does not return (another VPC of a merged batch, or deleted) is read by id after it.
  const networkWide =
    scope.networkAclIds.length + routeTableIds.length + scope.internetGatewayIds.length > 0 ||
    scope.mainRouteTables === true;
  await Promise.all([
    // DisassociateRouteTable: the region's main tables, in the one call round 1 makes for tables
    // (6 calls in all, as AssociateRouteTable); only those routing to an igw- or to an appliance
    // (ingress routing may make it the way in) are kept (below), so round 2 reads only their VPCs.
    scope.mainRouteTables ? describeTables('main', ['true']) : undefined,
    describeInterfaces('group', groupIds),
    describeInterfaces('id', interfacesById),
    describeInterfaces('instance', scope.instanceIds),
    describeAcls('id', scope.networkAclIds),
    describeTables('id', scope.routeTableIds),
    describeSubnets('id', networkWide ? [] : scope.subnetIds),
    describeNatGateways('id', scope.natGatewayIds),
    describeEndpoints('id', scope.vpcEndpointIds),
  ]);
  if (scope.mainRouteTables) {
    for (const [id, table] of loaded.tables) {
      const named = scope.routeTableIds.includes(id);
      if (table.Associations?.some((a) => a.Main === true) && !named && !mayCarryInternet(table.Routes ?? []))
        loaded.tables.delete(id);
    }
  }
  if (interfacesById.length === 0) {
    await describeInterfaces(
      'id',
      scope.networkInterfaceIds.filter((id) => !loaded.interfaces.has(id)),
    );
  }

  // The rules of the event's groups, and of the other groups of the interfaces using them (their
  // reach is part of those interfaces' union exposure), in one DescribeSecurityGroupRules: the
  // rule ids remediation needs. Those groups are described too, in round 2's one
  // DescribeSecurityGroups (their tags exempt; the event's groups' VPC and prefix lists).
  const ruleGroups = [...new Set([...groupIds, ...interfaceGroups(loaded, new Set(groupIds))])];

  // Round 2: the rules, and the context of their VPCs.
  const vpcIds = new Set(scope.vpcIds);
  const addVpc = (id: string | undefined) => id && vpcIds.add(id);
  for (const g of loaded.groups.values()) addVpc(g.VpcId);
  for (const e of loaded.interfaces.values()) addVpc(e.VpcId);
  for (const a of loaded.acls.values()) addVpc(a.VpcId);
  for (const t of loaded.tables.values()) addVpc(t.VpcId);
  for (const s of loaded.subnets.values()) addVpc(s.VpcId);
  for (const n of loaded.natGateways.values()) addVpc(n.VpcId);
  const vpcs = [...vpcIds].sort();
  const exposure = groupIds.length + scope.networkInterfaceIds.length + scope.instanceIds.length > 0;
  const subnetWide = scope.subnetIds.length + scope.natGatewayIds.length > 0;
  // Subnets are described where the scope reports subnets (their Name tags and attributes are
  // judged): route, subnet and NAT events, a NACL association. A NACL entry event reports the NACL
  // and the exposure of the interfaces behind it, for which a subnet's id and VPC (from the NACL's
  // associations and the interfaces) are all that is read: 5 calls, so that its fix's one read of
  // the NACL before a narrowing replace (DESIGN §8, the replace-only race) keeps it at 6.
  const reportsSubnets =
    subnetWide ||
    routeTableIds.length + scope.internetGatewayIds.length + scope.networkAclAssociationIds.length > 0 ||
    scope.newVpcIds.length > 0 ||
    scope.mainRouteTables === true;
  const rulesLoad = describeRules(ruleGroups);
  // The VPC's NACLs tell each subnet's NACL. A scope whose only network-wide part is NACLs needs
  // none but its own (read in round 1): the subnets whose interfaces it decides are those the
  // NACLs list as associated (a default NACL lists every subnet using it), so 6 calls, not 7.
  // A subnet a batch also names (a subnet event beside a NACL event) is kept whatever NACL it is
  // behind, so then every NACL is read, to tell which.
  const everyNacl =
    exposure ||
    routeTableIds.length + scope.internetGatewayIds.length + scope.newVpcIds.length > 0 ||
    scope.mainRouteTables === true ||
    (scope.networkAclIds.length > 0 && subnetWide);
  const vpcContext = (ids: string[]) => {
    if (everyNacl) for (const id of ids) loaded.aclsOfVpc.add(id);
    return [
      ids.length > 0 ? describeTables('vpc', ids) : undefined,
      everyNacl && ids.length > 0 ? describeAcls('vpc', ids) : undefined,
    ];
  };
  // An event's group that no interface uses has its VPC known only from its description (this
  // round): the route tables and NACLs then wait for it (round 3), so that a batch still reads
  // them in one call each, for every VPC.
  const usedGroups = new Set(interfaceGroups(loaded));
  const vpcUnknown = groupIds.some((id) => !loaded.groups.has(id) && !usedGroups.has(id));
  await Promise.all([
    rulesLoad,
    ...(vpcUnknown ? [] : vpcContext(vpcs)),
    reportsSubnets ? describeSubnets('vpc', vpcs) : undefined,
    networkWide ? describeInterfaces('vpc', vpcs) : undefined,
    // A NACL finding's fix keeps admin access from the VPC's own CIDR blocks (DESIGN §8).
    scope.networkAclIds.length + scope.newVpcIds.length > 0 || nameInSeveralVpcs
      ? describeVpcs('vpc', vpcs)
      : undefined,
    describeGroups('id', unloadedGroups([...ruleGroups, ...interfaceGroups(loaded)])),
    ...listsToRead().map((id) => prefixListEntries(id)),
  ]);

  // Round 3: groups of interfaces found in round 2; the route tables and NACLs deferred above (or
  // of a VPC only a group named); prefix lists the groups and rules read in round 2 reference.
  const groupVpcs = [...loaded.groups.values()]
    .map((g) => g.VpcId)
    .filter((id): id is string => id !== undefined && !vpcIds.has(id));
  const laterVpcs = [...new Set([...(vpcUnknown ? vpcs : []), ...groupVpcs])].sort();
  await Promise.all([
    describeGroups('id', unloadedGroups(interfaceGroups(loaded))),
    ...vpcContext(laterVpcs),
    ...listsToRead().map((id) => prefixListEntries(id)),
    // The list of an added prefix-list rule that is gone tells whether it was world-open: what a
    // redelivery reports "already removed" (DESIGN §8). The pipeline gives only redeliveries' rules.
    // Optional: nothing judged depends on it (a list deleted since is just not reported).
    ...goneRuleLists(scope, loaded).map((id) => prefixListEntries(id, true)),
    describeSubnets('id', networkWide ? scope.subnetIds.filter((id) => !loaded.subnets.has(id)) : []),
  ]);
  // Round 4, rare: the route tables (and NACLs) of a VPC only a subnet read late revealed.
  const known = new Set([...vpcs, ...laterVpcs]);
  const subnetVpcs = [
    ...new Set([...loaded.subnets.values()].map((s) => s.VpcId).filter((id): id is string => !!id)),
  ]
    .filter((id) => !known.has(id))
    .sort();
  await Promise.all([...vpcContext(subnetVpcs), ...listsToRead().map((id) => prefixListEntries(id))]);
  // The lists of route tables round 4 read (rare: none is left in the usual slice).
  await Promise.all(listsToRead().map((id) => prefixListEntries(id)));

  return { ...toSnapshot(loaded, where, errors), errors, calls };
}

/** The groups of the loaded interfaces; with `using`, of those interfaces using one of those groups. */
function interfaceGroups(loaded: Loaded, using?: ReadonlySet<string>): string[] {
  const ids: string[] = [];
  for (const eni of loaded.interfaces.values()) {
    const groups = eni.Groups ?? [];
    if (using && !groups.some((g) => g.GroupId !== undefined && using.has(g.GroupId))) continue;
    for (const group of groups) if (group.GroupId) ids.push(group.GroupId);
  }
  return ids;
}

/** Prefix lists of the scope's added rules that the loaded rules no longer hold. */
function goneRuleLists(scope: EventScope, loaded: Loaded): string[] {
  const ids = new Set<string>();
  for (const rule of scope.addedRules) {
    if (rule.prefixListId === undefined || !loaded.rulesOf.has(rule.groupId)) continue;
    if (rule.ruleId === undefined || !loaded.rules.has(rule.ruleId)) ids.add(rule.prefixListId);
  }
  return [...ids].filter((id) => !loaded.prefixLists.has(id)).sort();
}
