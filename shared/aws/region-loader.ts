import {
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  type InternetGateway,
  type ManagedPrefixList,
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
import { errorCode } from './aws-errors';
import { allPages, chunks, type Page } from './ec2-pages';

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
 * remediator's entry check read a subset. The stack grants exactly these (test/aws keeps it honest).
 */
export const EC2_READ_ACTIONS = [
  'ec2:DescribeInternetGateways',
  'ec2:DescribeManagedPrefixLists',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'ec2:GetManagedPrefixListEntries',
] as const;

/** A region name (`eu-west-1`) and a VPC id, as the CLI and the audit payload accept them. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;

/** The lists a region load fills, in the order progress reports them. */
export const SNAPSHOT_LISTS = [
  'Vpcs',
  'Subnets',
  'SecurityGroups',
  'SecurityGroupRules',
  'NetworkAcls',
  'RouteTables',
  'InternetGateways',
  'NatGateways',
  'VpcEndpoints',
  'NetworkInterfaces',
  'ManagedPrefixLists',
] as const;
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

/** A `Describe*` call failed: names the operation, the region and the AWS error code. */
export class RegionLoadError extends Error {
  override readonly name: string = 'RegionLoadError';
  readonly region: string;
  readonly operation: string;
  /** The AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, …) or the error's name. */
  readonly code: string;

  constructor(region: string, operation: string, cause: unknown) {
    const code = errorCode(cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} failed in ${region}: ${code}: ${detail}`, { cause });
    this.region = region;
    this.operation = operation;
    this.code = code;
  }
}

const clients = new Map<string, EC2Client>();

/**
 * The EC2 client for a region, built once per process with the SDK's default credential and
 * config chain (so AWS_PROFILE, AWS_ENDPOINT_URL and friends work unchanged).
 */
export function ec2ClientFor(region: string): EC2Client {
  let client = clients.get(region);
  if (!client) {
    // Adaptive retries absorb the throttling a whole-region load can meet.
    client = new EC2Client({ region, retryMode: 'adaptive', maxAttempts: 8 });
    clients.set(region, client);
  }
  return client;
}

/**
 * Loads whole VPCs (or the whole region) with paginated `Describe*` calls: the independent lists
 * concurrently, then the rules of the groups found and the entries of the prefix lists they use.
 * Any failed call fails the load (a partial region would give wrong findings).
 */
export async function loadRegionSnapshot(
  client: EC2Client,
  options: RegionLoadOptions,
): Promise<RegionSnapshot> {
  const { region } = options;
  const vpcIds = options.vpcIds && options.vpcIds.length > 0 ? [...new Set(options.vpcIds)] : undefined;
  const concurrency = options.concurrency ?? 4;

  const listing = <T>(
    list: SnapshotList,
    operation: string,
    fetchPage: (nextToken: string | undefined) => Promise<Page<T>>,
  ): Promise<T[]> => {
    const report = options.onProgress;
    return allPages(
      fetchPage,
      report ? (items, pages) => report({ region, list, items, pages }) : undefined,
    ).catch((error: unknown) => {
      throw error instanceof RegionLoadError ? error : new RegionLoadError(region, operation, error);
    });
  };

  /** One listing per chunk of VPC ids (EC2 filters take at most 200 values), or one unfiltered. */
  const byVpc = async <T>(
    list: SnapshotList,
    operation: string,
    filterName: string,
    fetchPage: (filters: Filter[] | undefined, nextToken: string | undefined) => Promise<Page<T>>,
  ): Promise<T[]> => {
    if (!vpcIds) return listing(list, operation, (token) => fetchPage(undefined, token));
    const parts: T[] = [];
    for (const ids of chunks(vpcIds)) {
      const filters = [{ Name: filterName, Values: ids }];
      parts.push(...(await listing(list, operation, (token) => fetchPage(filters, token))));
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
    byVpc('Vpcs', 'DescribeVpcs', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(new DescribeVpcsCommand({ Filters, NextToken, MaxResults: 1000 }));
      return { items: out.Vpcs ?? [], nextToken: out.NextToken };
    }),
    byVpc('Subnets', 'DescribeSubnets', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(new DescribeSubnetsCommand({ Filters, NextToken, MaxResults: 1000 }));
      return { items: out.Subnets ?? [], nextToken: out.NextToken };
    }),
    byVpc('SecurityGroups', 'DescribeSecurityGroups', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(
        new DescribeSecurityGroupsCommand({ Filters, NextToken, MaxResults: 1000 }),
      );
      return { items: out.SecurityGroups ?? [], nextToken: out.NextToken };
    }),
    byVpc('NetworkAcls', 'DescribeNetworkAcls', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(new DescribeNetworkAclsCommand({ Filters, NextToken, MaxResults: 100 }));
      return { items: out.NetworkAcls ?? [], nextToken: out.NextToken };
    }),
    byVpc('RouteTables', 'DescribeRouteTables', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(new DescribeRouteTablesCommand({ Filters, NextToken, MaxResults: 100 }));
      return { items: out.RouteTables ?? [], nextToken: out.NextToken };
    }),
    byVpc('InternetGateways', 'DescribeInternetGateways', 'attachment.vpc-id', async (Filters, NextToken) => {
      const out = await client.send(
        new DescribeInternetGatewaysCommand({ Filters, NextToken, MaxResults: 1000 }),
      );
      return { items: out.InternetGateways ?? [], nextToken: out.NextToken };
    }),
    byVpc('NatGateways', 'DescribeNatGateways', 'vpc-id', async (Filter, NextToken) => {
      const out = await client.send(new DescribeNatGatewaysCommand({ Filter, NextToken, MaxResults: 1000 }));
      return { items: out.NatGateways ?? [], nextToken: out.NextToken };
    }),
    byVpc('VpcEndpoints', 'DescribeVpcEndpoints', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(
        new DescribeVpcEndpointsCommand({ Filters, NextToken, MaxResults: 1000 }),
      );
      return { items: out.VpcEndpoints ?? [], nextToken: out.NextToken };
    }),
    byVpc('NetworkInterfaces', 'DescribeNetworkInterfaces', 'vpc-id', async (Filters, NextToken) => {
      const out = await client.send(
        new DescribeNetworkInterfacesCommand({ Filters, NextToken, MaxResults: 1000 }),
      );
      return { items: out.NetworkInterfaces ?? [], nextToken: out.NextToken };
    }),
    listing('ManagedPrefixLists', 'DescribeManagedPrefixLists', async (NextToken) => {
      const out = await client.send(new DescribeManagedPrefixListsCommand({ NextToken, MaxResults: 100 }));
      return { items: out.PrefixLists ?? [], nextToken: out.NextToken };
    }),
    // A whole region: every rule in one listing. Some VPCs: the rules of their groups, below.
    vpcIds
      ? Promise.resolve(undefined)
      : listing('SecurityGroupRules', 'DescribeSecurityGroupRules', async (NextToken) => {
          const out = await client.send(
            new DescribeSecurityGroupRulesCommand({ NextToken, MaxResults: 1000 }),
          );
          return { items: out.SecurityGroupRules ?? [], nextToken: out.NextToken };
        }),
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
  const SecurityGroupRules =
    allRules ??
    (
      await mapLimit(chunks(groupIds), concurrency, (ids) =>
        listing('SecurityGroupRules', 'DescribeSecurityGroupRules', async (NextToken) => {
          const out = await client.send(
            new DescribeSecurityGroupRulesCommand({
              Filters: [{ Name: 'group-id', Values: ids }],
              NextToken,
              MaxResults: 1000,
            }),
          );
          return { items: out.SecurityGroupRules ?? [], nextToken: out.NextToken };
        }),
      )
    ).flat();

  const ManagedPrefixLists = await mapLimit(
    referencedPrefixLists(prefixLists, SecurityGroups, SecurityGroupRules),
    concurrency,
    async (list) => {
      const PrefixListId = list.PrefixListId ?? '';
      const Entries = await listing(
        'ManagedPrefixLists',
        'GetManagedPrefixListEntries',
        async (NextToken) => {
          const out = await client.send(
            new GetManagedPrefixListEntriesCommand({ PrefixListId, NextToken, MaxResults: 100 }),
          );
          return { items: out.Entries ?? [], nextToken: out.NextToken };
        },
      );
      return {
        PrefixListId,
        PrefixListName: list.PrefixListName,
        AddressFamily: list.AddressFamily,
        OwnerId: list.OwnerId,
        Entries,
      };
    },
  );

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

/** The prefix lists that some security-group rule names as a source or destination, sorted by id. */
function referencedPrefixLists(
  lists: readonly ManagedPrefixList[],
  groups: readonly SecurityGroup[],
  rules: readonly SecurityGroupRule[],
): ManagedPrefixList[] {
  const used = new Set<string>();
  for (const group of groups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const ref of permission.PrefixListIds ?? []) if (ref.PrefixListId) used.add(ref.PrefixListId);
    }
  }
  for (const rule of rules) if (rule.PrefixListId) used.add(rule.PrefixListId);
  return lists
    .filter((list) => list.PrefixListId !== undefined && used.has(list.PrefixListId))
    .sort((a, b) => ((a.PrefixListId ?? '') < (b.PrefixListId ?? '') ? -1 : 1));
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  values: readonly T[],
  limit: number,
  fn: (value: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(values.length);
  let next = 0;
  const worker = async () => {
    while (next < values.length) {
      const index = next++;
      results[index] = await fn(values[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, values.length)) }, worker));
  return results;
}
