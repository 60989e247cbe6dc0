import {
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  type NatGateway,
  type NetworkAcl,
  type NetworkInterface,
  type PrefixListEntry,
  type RouteTable,
  type SecurityGroup,
  type SecurityGroupRule,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { InputError } from '../errors';
import type { EventScope } from '../events/types';
import { parseSnapshot } from '../model/snapshot';
import type { Snapshot } from '../model/snapshot-schema';
import { errorText, isRetryable } from './aws-errors';
import { allPages, chunks } from './ec2-pages';

/** The IAM actions the slice loader calls (the event function's read policy). */
export const SLICE_READ_ACTIONS = [
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSubnets',
  'ec2:DescribeNatGateways',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'ec2:GetManagedPrefixListEntries',
] as const;

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

/** A Describe* that failed with a transient fault after the SDK's retries: the invocation is retried. */
export class SliceLoadError extends Error {
  override readonly name = 'SliceLoadError';
}

interface Loaded {
  groups: Map<string, SecurityGroup>;
  rules: Map<string, SecurityGroupRule>;
  /** Groups whose rules were read (DescribeSecurityGroupRules). */
  rulesOf: Set<string>;
  interfaces: Map<string, NetworkInterface>;
  acls: Map<string, NetworkAcl>;
  tables: Map<string, RouteTable>;
  subnets: Map<string, Subnet>;
  natGateways: Map<string, NatGateway>;
  endpoints: Map<string, VpcEndpoint>;
  vpcs: Map<string, Vpc>;
  prefixLists: Map<string, PrefixListEntry[]>;
}

/**
 * Loads the slice an event's scope needs (DESIGN §7): the scope's resources; for security groups
 * their rules (with ids) and the interfaces using them; the route tables and NACLs of their VPCs;
 * the rules of those interfaces' other groups (read with the event's groups' rules: the engine
 * needs their reach, not the groups); referenced prefix lists. Independent calls run concurrently;
 * every call is paginated and filtered (a deleted resource is an empty result, not an error).
 * A security-group event costs 5 calls (groups and interfaces; then rules, route tables and NACLs),
 * plus one per referenced prefix list (DESIGN §12: ≤ 6 with one list), plus pages and chunks of
 * 200 filter values.
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
  };
  const errors: string[] = [];
  let calls = 0;

  /**
   * Runs one listing; a non-transient failure is recorded (the slice is then incomplete), unless
   * the listing is `optional`: then what it would have added is just missing from the snapshot.
   */
  const list = async <T>(
    name: string,
    filter: Filter,
    page: (filters: Filter[], token: string | undefined) => Promise<{ items?: T[]; next?: string }>,
    optional = false,
  ): Promise<T[] | undefined> => {
    const values = filter.Values ?? [];
    if (values.length === 0) return [];
    const out: T[] = [];
    let failed = false;
    for (const chunk of chunks(values)) {
      try {
        const items = await allPages(async (token) => {
          calls++;
          const result = await page([{ Name: filter.Name, Values: chunk }], token);
          return { items: result.items ?? [], nextToken: result.next };
        });
        out.push(...items);
      } catch (error) {
        if (isRetryable(error)) {
          throw new SliceLoadError(`${name} failed: ${errorText(error)}`, { cause: error });
        }
        if (!optional) errors.push(`${name}: ${errorText(error)}`);
        failed = true;
      }
    }
    return failed ? undefined : out;
  };

  const describeGroups = (filter: Filter) =>
    list('DescribeSecurityGroups', filter, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters, NextToken }));
      return { items: out.SecurityGroups, next: out.NextToken };
    }).then((items = []) => {
      for (const group of items) if (group.GroupId) loaded.groups.set(group.GroupId, group);
      return items;
    });
  const describeRules = (groupIds: string[]) =>
    list('DescribeSecurityGroupRules', { Name: 'group-id', Values: groupIds }, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters, NextToken }));
      return { items: out.SecurityGroupRules, next: out.NextToken };
    }).then((items) => {
      if (!items) return false;
      for (const id of groupIds) loaded.rulesOf.add(id);
      for (const rule of items)
        if (rule.SecurityGroupRuleId) loaded.rules.set(rule.SecurityGroupRuleId, rule);
      return true;
    });
  const describeInterfaces = (filter: Filter) =>
    list('DescribeNetworkInterfaces', filter, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters, NextToken }));
      return { items: out.NetworkInterfaces, next: out.NextToken };
    }).then((items = []) => {
      for (const eni of items) if (eni.NetworkInterfaceId) loaded.interfaces.set(eni.NetworkInterfaceId, eni);
    });
  const describeAcls = (filter: Filter) =>
    list('DescribeNetworkAcls', filter, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeNetworkAclsCommand({ Filters, NextToken }));
      return { items: out.NetworkAcls, next: out.NextToken };
    }).then((items = []) => {
      for (const acl of items) if (acl.NetworkAclId) loaded.acls.set(acl.NetworkAclId, acl);
    });
  const describeTables = (filter: Filter) =>
    list('DescribeRouteTables', filter, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeRouteTablesCommand({ Filters, NextToken }));
      return { items: out.RouteTables, next: out.NextToken };
    }).then((items = []) => {
      for (const table of items) if (table.RouteTableId) loaded.tables.set(table.RouteTableId, table);
    });
  const describeSubnets = (filter: Filter) =>
    list('DescribeSubnets', filter, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeSubnetsCommand({ Filters, NextToken }));
      return { items: out.Subnets, next: out.NextToken };
    }).then((items = []) => {
      for (const subnet of items) if (subnet.SubnetId) loaded.subnets.set(subnet.SubnetId, subnet);
    });
  const describeNatGateways = (ids: string[]) =>
    list('DescribeNatGateways', { Name: 'nat-gateway-id', Values: ids }, async (Filter, NextToken) => {
      const out = await ec2.send(new DescribeNatGatewaysCommand({ Filter, NextToken }));
      return { items: out.NatGateways, next: out.NextToken };
    }).then((items = []) => {
      for (const gateway of items)
        if (gateway.NatGatewayId) loaded.natGateways.set(gateway.NatGatewayId, gateway);
    });
  const describeEndpoints = (ids: string[]) =>
    list('DescribeVpcEndpoints', { Name: 'vpc-endpoint-id', Values: ids }, async (Filters, NextToken) => {
      const out = await ec2.send(new DescribeVpcEndpointsCommand({ Filters, NextToken }));
      return { items: out.VpcEndpoints, next: out.NextToken };
    }).then((items = []) => {
      for (const endpoint of items)
        if (endpoint.VpcEndpointId) loaded.endpoints.set(endpoint.VpcEndpointId, endpoint);
    });
  // Optional: the VPC only gives the NACL fix its kept sources; without it that fix is notify-only
  // (the finding says why), and everything else is judged and remediated as usual.
  const describeVpcs = (filter: Filter) =>
    list(
      'DescribeVpcs',
      filter,
      async (Filters, NextToken) => {
        const out = await ec2.send(new DescribeVpcsCommand({ Filters, NextToken }));
        return { items: out.Vpcs, next: out.NextToken };
      },
      true,
    ).then((items = []) => {
      for (const vpc of items) if (vpc.VpcId) loaded.vpcs.set(vpc.VpcId, vpc);
    });
  const prefixListsRead = new Set<string>();
  const prefixListEntries = async (prefixListId: string) => {
    // Each list is read once: a list that failed is not asked again by a later round.
    if (prefixListsRead.has(prefixListId)) return;
    prefixListsRead.add(prefixListId);
    try {
      const entries = await allPages(async (NextToken) => {
        calls++;
        const out = await ec2.send(
          new GetManagedPrefixListEntriesCommand({ PrefixListId: prefixListId, NextToken }),
        );
        return { items: out.Entries ?? [], nextToken: out.NextToken };
      });
      loaded.prefixLists.set(prefixListId, entries);
    } catch (error) {
      if (isRetryable(error))
        throw new SliceLoadError(`GetManagedPrefixListEntries failed: ${errorText(error)}`, { cause: error });
      errors.push(`GetManagedPrefixListEntries ${prefixListId}: ${errorText(error)}`);
    }
  };

  // By-name groups (default VPC, CloudFormation): the describe by name is the group load itself.
  let groupIds = [...scope.securityGroupIds];
  if (scope.securityGroupNames.length > 0) {
    const filters: Filter = { Name: 'group-name', Values: scope.securityGroupNames };
    const found = await describeGroups(filters);
    const inVpc = found.filter((g) => scope.vpcIds.length === 0 || scope.vpcIds.includes(g.VpcId ?? ''));
    groupIds = [...new Set([...groupIds, ...inVpc.map((g) => g.GroupId).filter((id): id is string => !!id)])];
  }
  const unloadedGroups = (ids: Iterable<string>) => [...new Set(ids)].filter((id) => !loaded.groups.has(id));

  // Round 1: the scope's own resources, concurrently.
  await Promise.all([
    describeGroups({ Name: 'group-id', Values: unloadedGroups(groupIds) }),
    describeInterfaces({ Name: 'group-id', Values: groupIds }),
    describeInterfaces({ Name: 'network-interface-id', Values: scope.networkInterfaceIds }),
    describeInterfaces({ Name: 'attachment.instance-id', Values: scope.instanceIds }),
    describeAcls({ Name: 'network-acl-id', Values: scope.networkAclIds }),
    describeTables({ Name: 'route-table-id', Values: scope.routeTableIds }),
    describeSubnets({ Name: 'subnet-id', Values: scope.subnetIds }),
    describeNatGateways(scope.natGatewayIds),
    describeEndpoints(scope.vpcEndpointIds),
  ]);

  // The rules of the event's groups, and of the other groups of the interfaces using them: only
  // their rules count (their reach is part of those interfaces' union exposure), so they are read
  // with the event's groups' rules in one DescribeSecurityGroupRules and become rules-only groups.
  const ruleGroups = [...new Set([...groupIds, ...interfaceGroups(loaded, new Set(groupIds))])];
  const byRules = new Set(ruleGroups);
  // Other interfaces' groups (interface events, and VPC-wide interfaces of NACL and route events)
  // are described as before.
  const described = (ids: Iterable<string>) => unloadedGroups(ids).filter((id) => !byRules.has(id));

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
  const networkWide =
    scope.networkAclIds.length + scope.routeTableIds.length + scope.internetGatewayIds.length > 0;
  const subnetWide = scope.subnetIds.length + scope.natGatewayIds.length > 0;
  const byVpc: Filter = { Name: 'vpc-id', Values: vpcs };
  const rulesLoad = describeRules(ruleGroups);
  await Promise.all([
    rulesLoad,
    vpcs.length > 0 ? describeTables(byVpc) : undefined,
    exposure || networkWide ? describeAcls(byVpc) : undefined,
    networkWide || subnetWide ? describeSubnets(byVpc) : undefined,
    networkWide ? describeInterfaces(byVpc) : undefined,
    // A NACL finding's fix keeps admin access from the VPC's own CIDR blocks (DESIGN §8).
    scope.networkAclIds.length > 0 ? describeVpcs(byVpc) : undefined,
    describeGroups({ Name: 'group-id', Values: described(interfaceGroups(loaded)) }),
    ...referencedPrefixLists(loaded).map(prefixListEntries),
  ]);

  // Round 3: groups of interfaces found in round 2; the rules-only groups described instead when
  // their rules could not be read (their permissions still count for exposure); prefix lists only
  // rules read since reference (usually none: the event's groups' lists were read in round 2).
  const rulesRead = await rulesLoad;
  await Promise.all([
    describeGroups({
      Name: 'group-id',
      Values: rulesRead ? described(interfaceGroups(loaded)) : unloadedGroups(interfaceGroups(loaded)),
    }),
    ...referencedPrefixLists(loaded).map(prefixListEntries),
  ]);
  await Promise.all(referencedPrefixLists(loaded).map(prefixListEntries));

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

function referencedPrefixLists(loaded: Loaded): string[] {
  const ids = new Set<string>();
  for (const rule of loaded.rules.values()) if (rule.PrefixListId) ids.add(rule.PrefixListId);
  for (const group of loaded.groups.values()) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const p of permission.PrefixListIds ?? []) if (p.PrefixListId) ids.add(p.PrefixListId);
    }
  }
  return [...ids].filter((id) => !loaded.prefixLists.has(id)).sort();
}

/**
 * The snapshot of what was loaded. Subnets not described (security-group and interface events)
 * are written from the NACL associations and interfaces that name them: id and VPC are all the
 * exposure analysis needs, and subnet findings are out of those events' scope.
 */
function toSnapshot(
  loaded: Loaded,
  where: { accountId?: string; region?: string },
  errors: string[],
): { snapshot: Snapshot; complete: boolean } {
  const subnets: { SubnetId: string; VpcId: string }[] = [];
  const seen = new Set<string>();
  const addSubnet = (subnet: { SubnetId?: string; VpcId?: string }) => {
    if (!subnet.SubnetId || !subnet.VpcId || seen.has(subnet.SubnetId)) return;
    seen.add(subnet.SubnetId);
    subnets.push({ ...subnet, SubnetId: subnet.SubnetId, VpcId: subnet.VpcId });
  };
  for (const subnet of loaded.subnets.values()) addSubnet(subnet);
  for (const acl of loaded.acls.values()) {
    for (const a of acl.Associations ?? []) addSubnet({ SubnetId: a.SubnetId, VpcId: acl.VpcId });
  }
  for (const eni of loaded.interfaces.values()) addSubnet({ SubnetId: eni.SubnetId, VpcId: eni.VpcId });

  const raw = {
    ...(where.accountId ? { accountId: where.accountId } : {}),
    ...(where.region ? { region: where.region } : {}),
    Vpcs: [...loaded.vpcs.values()],
    Subnets: subnets,
    SecurityGroups: [...loaded.groups.values()],
    SecurityGroupRules: [...loaded.rules.values()].filter((r) => r.GroupId && loaded.rulesOf.has(r.GroupId)),
    NetworkAcls: [...loaded.acls.values()],
    RouteTables: [...loaded.tables.values()],
    NatGateways: [...loaded.natGateways.values()],
    VpcEndpoints: [...loaded.endpoints.values()],
    NetworkInterfaces: [...loaded.interfaces.values()],
    ManagedPrefixLists: [...loaded.prefixLists.entries()].map(([PrefixListId, entries]) => ({
      PrefixListId,
      Entries: entries.filter((e) => e.Cidr).map((e) => ({ Cidr: e.Cidr })),
    })),
  };
  try {
    return { snapshot: parseSnapshot(raw), complete: errors.length === 0 };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    errors.push(`EC2 returned data the engine cannot read: ${error.issues.slice(0, 3).join('; ')}`);
    return { snapshot: parseSnapshot({}), complete: false };
  }
}
