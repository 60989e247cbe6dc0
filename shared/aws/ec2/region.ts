import type {
  EC2Client,
  InternetGateway,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  PrefixListEntry,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { InputError } from '../../errors';
import { SNAPSHOT_KEYS } from '../../model/snapshot-schema';
import { DescribeError, RegionLoadError } from '../errors';
import { mapLimit } from '../map-limit';
import { DESCRIBE, type DescribeOperation, readActions } from './describe-table';
import { chunks, readListing } from './pages';
import { applianceRoutePrefixLists, gatewayEndpointIds, igwRoutePrefixLists } from './prefix-lists';

/**
 * A region (or some of its VPCs) as EC2 `Describe*` returns it: the snapshot format of DESIGN §3
 * with items exactly as the API gives them. `vpc-guardrail snapshot` writes this as JSON; the
 * audit validates it with `parseSnapshot`.
 */
export interface RegionSnapshot {
  accountId?: string;
  region: string;
  Vpcs: Vpc[];
  Subnets: Subnet[];
  SecurityGroups: SecurityGroup[];
  SecurityGroupRules: SecurityGroupRule[];
  NetworkAcls: NetworkAcl[];
  RouteTables: RouteTable[];
  InternetGateways: InternetGateway[];
  NatGateways: NatGateway[];
  VpcEndpoints: VpcEndpoint[];
  NetworkInterfaces: NetworkInterface[];
  ManagedPrefixLists: (Pick<
    ManagedPrefixList,
    'PrefixListId' | 'PrefixListName' | 'AddressFamily' | 'OwnerId'
  > & {
    Entries: PrefixListEntry[];
  })[];
}

/**
 * The IAM actions of every EC2 read a region load makes; the event function's slice loader and the
 * remediator's entry check read a subset. The stack grants exactly these (test/unit/shared/aws/ec2
 * keeps it honest).
 */
export const EC2_READ_ACTIONS = readActions('region');

/** The lists a region load fills, in the order progress reports them. */
export const SNAPSHOT_LISTS = SNAPSHOT_KEYS.filter(
  (key): key is Exclude<(typeof SNAPSHOT_KEYS)[number], 'accountId' | 'region'> =>
    key !== 'accountId' && key !== 'region',
);
export type SnapshotList = (typeof SNAPSHOT_LISTS)[number];

/** Progress of one list of one region, reported after every page. */
export interface LoadProgress {
  region: string;
  list: SnapshotList;
  items: number;
  pages: number;
}

export interface RegionLoadOptions {
  /** The region the client calls (named in the snapshot, errors and progress). */
  region: string;
  /** Only these VPCs (default: every VPC of the region). */
  vpcIds?: readonly string[];
  /** The account, when the caller knows it (else the VPCs' owner). */
  accountId?: string;
  onProgress?: (progress: LoadProgress) => void;
  /** Concurrent calls for the follow-up lookups (rules by group, prefix-list entries). */
  concurrency?: number;
}

/**
 * Loads whole VPCs (or the whole region) with paginated `Describe*` calls: the independent lists
 * concurrently, then the rules of the groups found and the entries of the prefix lists they use.
 * Any failed call fails the load (a partial region would give wrong findings), but for a prefix list
 * deleted between its listing and its entries' read: it is left out, and what names it is then not
 * judged (DESIGN §3) rather than the whole region failing.
 */
export async function loadRegionSnapshot(
  client: EC2Client,
  options: RegionLoadOptions,
): Promise<RegionSnapshot> {
  const { region } = options;
  const vpcIds = options.vpcIds && options.vpcIds.length > 0 ? [...new Set(options.vpcIds)] : undefined;
  const concurrency = options.concurrency ?? 4;

  /** Reads one row whole; any failure fails the region (the failure model in ../errors.ts). */
  const listing = <T>(
    list: SnapshotList,
    row: DescribeOperation<T>,
    request: { filters?: { Name: string; Values: string[] }[]; prefixListId?: string } = {},
  ): Promise<T[]> => {
    const report = options.onProgress;
    return readListing(client, row, {
      ...request,
      pageSize: row.pageSize,
      ...(report ? { onPage: (items: number, pages: number) => report({ region, list, items, pages }) } : {}),
    }).catch((error: unknown) => {
      if (error instanceof DescribeError) throw new RegionLoadError(region, error.operation, error.cause);
      throw error;
    });
  };

  /** One listing per chunk of VPC ids (EC2 filters take at most 200 values), or one unfiltered. */
  const byVpc = async <T>(list: SnapshotList, row: DescribeOperation<T>): Promise<T[]> => {
    if (!vpcIds) return listing(list, row);
    const parts: T[] = [];
    for (const ids of chunks(vpcIds)) {
      parts.push(
        ...(await listing(list, row, { filters: [{ Name: row.filters.vpc ?? 'vpc-id', Values: ids }] })),
      );
    }
    return parts;
  };

  const [
    Vpcs,
    Subnets,
    SecurityGroups,
    NetworkAcls,
    RouteTables,
    InternetGateways,
    NatGateways,
    VpcEndpoints,
    NetworkInterfaces,
    prefixLists,
    allRules,
  ] = await Promise.all([
    byVpc('Vpcs', DESCRIBE.vpcs),
    byVpc('Subnets', DESCRIBE.subnets),
    byVpc('SecurityGroups', DESCRIBE.securityGroups),
    byVpc('NetworkAcls', DESCRIBE.networkAcls),
    byVpc('RouteTables', DESCRIBE.routeTables),
    byVpc('InternetGateways', DESCRIBE.internetGateways),
    byVpc('NatGateways', DESCRIBE.natGateways),
    byVpc('VpcEndpoints', DESCRIBE.vpcEndpoints),
    byVpc('NetworkInterfaces', DESCRIBE.networkInterfaces),
    listing('ManagedPrefixLists', DESCRIBE.managedPrefixLists),
    // A whole region: every rule in one listing. Some VPCs: the rules of their groups, below.
    vpcIds ? Promise.resolve(undefined) : listing('SecurityGroupRules', DESCRIBE.securityGroupRules),
  ]);

  if (vpcIds) {
    const found = new Set(Vpcs.map((vpc) => vpc.VpcId));
    const missing = vpcIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new InputError(
        'VPC not found',
        missing.map((id) => `${id}: not a VPC of region ${region} visible to these credentials`),
      );
    }
  }

  const groupIds = SecurityGroups.flatMap((group) => (group.GroupId ? [group.GroupId] : []));
  const rules = DESCRIBE.securityGroupRules;
  const SecurityGroupRules =
    allRules ??
    (
      await mapLimit(chunks(groupIds), concurrency, (ids) =>
        listing('SecurityGroupRules', rules, { filters: [{ Name: rules.filters.group, Values: ids }] }),
      )
    ).flat();

  const read = await mapLimit(
    referencedPrefixLists(prefixLists, SecurityGroups, SecurityGroupRules, RouteTables, VpcEndpoints),
    concurrency,
    async (list) => {
      const PrefixListId = list.PrefixListId ?? '';
      const Entries = await listing('ManagedPrefixLists', DESCRIBE.prefixListEntries, {
        prefixListId: PrefixListId,
      }).catch((error: unknown) => {
        // Deleted since DescribeManagedPrefixLists listed it: left out, as one deleted before that
        // call is. What names it is then "not judged" (DESIGN §3), never judged as empty, and the
        // rest of the region is still read and judged.
        if (error instanceof RegionLoadError && PREFIX_LIST_GONE.test(error.code)) return undefined;
        throw error;
      });
      return Entries === undefined
        ? undefined
        : {
            PrefixListId,
            PrefixListName: list.PrefixListName,
            AddressFamily: list.AddressFamily,
            OwnerId: list.OwnerId,
            Entries,
          };
    },
  );
  const ManagedPrefixLists = read.filter((list) => list !== undefined);

  const accountId = options.accountId ?? Vpcs.find((vpc) => vpc.OwnerId)?.OwnerId;
  return {
    ...(accountId ? { accountId } : {}),
    region,
    Vpcs,
    Subnets,
    SecurityGroups,
    SecurityGroupRules,
    NetworkAcls,
    RouteTables,
    InternetGateways,
    NatGateways,
    VpcEndpoints,
    NetworkInterfaces,
    ManagedPrefixLists,
  };
}

/** EC2's answer for a prefix list that does not exist (any more). */
const PREFIX_LIST_GONE = /^InvalidPrefixListI[Dd]\.NotFound$/;

/**
 * The prefix lists that some security-group rule names as a source or destination, that a route
 * to an `igw-` has as its destination (whether it sends the internet there), or that a route to an
 * appliance behind ingress routing has (`applianceRoutePrefixLists`), sorted by id.
 */
function referencedPrefixLists(
  lists: readonly ManagedPrefixList[],
  groups: readonly SecurityGroup[],
  rules: readonly SecurityGroupRule[],
  tables: readonly RouteTable[],
  endpoints: readonly VpcEndpoint[],
): ManagedPrefixList[] {
  const used = new Set<string>();
  for (const group of groups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const ref of permission.PrefixListIds ?? []) if (ref.PrefixListId) used.add(ref.PrefixListId);
    }
  }
  for (const rule of rules) if (rule.PrefixListId) used.add(rule.PrefixListId);
  for (const id of igwRoutePrefixLists(tables)) used.add(id);
  for (const id of applianceRoutePrefixLists(tables, gatewayEndpointIds(endpoints))) used.add(id);
  return lists
    .filter((list) => list.PrefixListId !== undefined && used.has(list.PrefixListId))
    .sort((a, b) => ((a.PrefixListId ?? '') < (b.PrefixListId ?? '') ? -1 : 1));
}
