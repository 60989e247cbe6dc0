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
  type EC2Client,
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
import { errorCode } from '../errors';
import { mapLimit } from '../map-limit';

// The one table of EC2 reads. Both readers (the event slice, ./slice.ts, and the region snapshot,
// ./region.ts) call EC2 only through it, and the IAM read policy of each function is generated
// from its `readers` column (infra/permissions.ts). A new Describe call is one row here.

/** At most this many one-id re-reads in flight after a NotFound (the region scan's own bound is 4). */
export const BY_ID_CONCURRENCY = 4;

/**
 * Resources by id through the call's id parameter (`NetworkAclIds`, `VpcEndpointIds`), which
 * every EC2 implementation takes, for the two reads whose id filter EC2 emulators (moto) answer
 * with a server error: an event on a NACL or an endpoint could never be judged against them. A
 * deleted resource stays an empty answer, as with a filter: EC2 rejects the whole call when one id
 * is gone (`InvalidNetworkAclID.NotFound`, …), so the ids are then read one by one, at most
 * `BY_ID_CONCURRENCY` at a time: a read names up to 200 ids, and 200 calls at once would invite the
 * throttling that the SDK's retries then spend the invocation's time on. An answer by ids is one
 * page (EC2 takes no page size with ids).
 */
async function byIds<T>(ids: readonly string[], read: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  try {
    return await read([...ids]);
  } catch (error) {
    if (!errorCode(error).endsWith('.NotFound')) throw error;
    if (ids.length === 1) return [];
    return (await mapLimit(ids, BY_ID_CONCURRENCY, (id) => byIds([id], read))).flat();
  }
}

/** Not an EC2 filter: the marker of a read through `DescribeSecurityGroups`' `GroupNames` parameter. */
const DEFAULT_VPC_NAMES = 'GroupNames';

/** The values of the request's only filter when it is `name` (a read by id), else undefined. */
function idsOf(r: PageRequest, name: string): string[] | undefined {
  const [only, ...rest] = r.filters ?? [];
  return only?.Name === name && rest.length === 0 ? (only.Values ?? []) : undefined;
}

/** One page of a paginated EC2 `Describe*` call. */
export interface Page<T> {
  items: readonly T[];
  nextToken?: string | undefined;
}

/** Who reads: the event function's slice, or a whole region / VPC (audit function and CLI). */
export const READERS = ['slice', 'region'] as const;
export type Reader = (typeof READERS)[number];

/** What selects the items of a filtered read; the value is the EC2 filter name. */
export type FilterKey =
  | 'vpc'
  | 'id'
  | 'name'
  | 'defaultVpcName'
  | 'group'
  | 'instance'
  | 'rule'
  | 'main'
  | 'prefixList';

/** One page request: filters (at most 200 values each), the page token, and the page size. */
export interface PageRequest {
  filters?: Filter[] | undefined;
  nextToken?: string | undefined;
  /** Omitted for filtered reads by id (small answers: EC2's default page), set for scans. */
  pageSize?: number | undefined;
  /** GetManagedPrefixListEntries only: the list read. */
  prefixListId?: string;
  /** GetManagedPrefixListEntries only: a version other than the current one. */
  targetVersion?: number;
}

/** One row of the table. */
export interface DescribeOperation<T> {
  /** The EC2 API operation: the name in errors, logs and the IAM action `ec2:<operation>`. */
  operation: string;
  /** Page size of a whole-region or by-VPC scan (the API's maximum). */
  pageSize: number;
  /** The EC2 filter name for each way the readers select items. */
  filters: Partial<Record<FilterKey, string>>;
  /** The readers that call it: their functions' roles get `ec2:<operation>`. */
  readers: readonly Reader[];
  /** One page: the result key of the answer, and its token. */
  page(ec2: EC2Client, request: PageRequest): Promise<Page<T>>;
}

/** The input of a paginated `Describe*` call: filters, page token and page size. */
function scan(r: PageRequest): { Filters?: Filter[]; NextToken?: string; MaxResults?: number } {
  return { Filters: r.filters, NextToken: r.nextToken, MaxResults: r.pageSize };
}

const both = READERS;
const regionOnly = ['region'] as const;

/** Every EC2 read the guardrail makes (DESIGN §7 slice, §11 snapshot). */
export const DESCRIBE = {
  vpcs: {
    operation: 'DescribeVpcs',
    pageSize: 1000,
    filters: { vpc: 'vpc-id' },
    readers: both,
    page: async (ec2, r) => {
      const out = await ec2.send(new DescribeVpcsCommand(scan(r)));
      return { items: out.Vpcs ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<Vpc>,
  subnets: {
    operation: 'DescribeSubnets',
    pageSize: 1000,
    filters: { vpc: 'vpc-id', id: 'subnet-id' },
    readers: both,
    page: async (ec2, r) => {
      const out = await ec2.send(new DescribeSubnetsCommand(scan(r)));
      return { items: out.Subnets ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<Subnet>,
  securityGroups: {
    operation: 'DescribeSecurityGroups',
    pageSize: 1000,
    // `defaultVpcName`: a name as a call without a VPC means it, through the `GroupNames`
    // parameter, which EC2 resolves in the default VPC only ("[Default VPC]"): the `group-name`
    // filter matches every VPC, and a default-VPC group deleted since would be taken for another
    // VPC's group of that name. A name not there is an empty answer (`InvalidGroup.NotFound`).
    // `prefixList`: the groups an ingress rule of which names a list (ModifyManagedPrefixList).
    filters: {
      vpc: 'vpc-id',
      id: 'group-id',
      name: 'group-name',
      defaultVpcName: DEFAULT_VPC_NAMES,
      prefixList: 'ip-permission.prefix-list-id',
    },
    readers: both,
    page: async (ec2, r) => {
      const names = idsOf(r, DEFAULT_VPC_NAMES);
      if (names) {
        const read = async (GroupNames: string[]) =>
          (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames }))).SecurityGroups ?? [];
        return { items: await byIds(names, read) };
      }
      const out = await ec2.send(new DescribeSecurityGroupsCommand(scan(r)));
      return { items: out.SecurityGroups ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<SecurityGroup>,
  securityGroupRules: {
    operation: 'DescribeSecurityGroupRules',
    pageSize: 1000,
    // `rule`: the remediator's check of which revoked rule ids remain (DESIGN §8).
    filters: { group: 'group-id', rule: 'security-group-rule-id' },
    readers: both,
    page: async (ec2, r) => {
      const out = await ec2.send(new DescribeSecurityGroupRulesCommand(scan(r)));
      return { items: out.SecurityGroupRules ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<SecurityGroupRule>,
  networkAcls: {
    operation: 'DescribeNetworkAcls',
    // EC2 takes 5–1000 here (route tables: 5–100); 100 read a 10k-NACL region in 100 pages.
    pageSize: 1000,
    filters: { vpc: 'vpc-id', id: 'network-acl-id' },
    readers: both,
    page: async (ec2, r) => {
      const ids = idsOf(r, 'network-acl-id');
      if (ids) {
        const read = async (NetworkAclIds: string[]) =>
          (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds }))).NetworkAcls ?? [];
        return { items: await byIds(ids, read) };
      }
      const out = await ec2.send(new DescribeNetworkAclsCommand(scan(r)));
      return { items: out.NetworkAcls ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<NetworkAcl>,
  routeTables: {
    operation: 'DescribeRouteTables',
    pageSize: 100,
    // `main`: the main tables of the region (DisassociateRouteTable's scope); `prefixList`: the
    // tables with a route to a list (ModifyManagedPrefixList).
    filters: {
      vpc: 'vpc-id',
      id: 'route-table-id',
      main: 'association.main',
      prefixList: 'route.destination-prefix-list-id',
    },
    readers: both,
    page: async (ec2, r) => {
      const out = await ec2.send(new DescribeRouteTablesCommand(scan(r)));
      return { items: out.RouteTables ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<RouteTable>,
  internetGateways: {
    operation: 'DescribeInternetGateways',
    pageSize: 1000,
    filters: { vpc: 'attachment.vpc-id' },
    readers: regionOnly,
    page: async (ec2, r) => {
      const out = await ec2.send(new DescribeInternetGatewaysCommand(scan(r)));
      return { items: out.InternetGateways ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<InternetGateway>,
  natGateways: {
    operation: 'DescribeNatGateways',
    pageSize: 1000,
    filters: { vpc: 'vpc-id', id: 'nat-gateway-id' },
    readers: both,
    page: async (ec2, r) => {
      // The one Describe whose filter parameter is singular.
      const out = await ec2.send(
        new DescribeNatGatewaysCommand({ Filter: r.filters, NextToken: r.nextToken, MaxResults: r.pageSize }),
      );
      return { items: out.NatGateways ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<NatGateway>,
  vpcEndpoints: {
    operation: 'DescribeVpcEndpoints',
    pageSize: 1000,
    filters: { vpc: 'vpc-id', id: 'vpc-endpoint-id' },
    readers: both,
    page: async (ec2, r) => {
      const ids = idsOf(r, 'vpc-endpoint-id');
      if (ids) {
        const read = async (VpcEndpointIds: string[]) =>
          (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds }))).VpcEndpoints ?? [];
        return { items: await byIds(ids, read) };
      }
      const out = await ec2.send(new DescribeVpcEndpointsCommand(scan(r)));
      return { items: out.VpcEndpoints ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<VpcEndpoint>,
  networkInterfaces: {
    operation: 'DescribeNetworkInterfaces',
    pageSize: 1000,
    filters: {
      vpc: 'vpc-id',
      id: 'network-interface-id',
      group: 'group-id',
      instance: 'attachment.instance-id',
    },
    readers: both,
    page: async (ec2, r) => {
      const out = await ec2.send(new DescribeNetworkInterfacesCommand(scan(r)));
      return { items: out.NetworkInterfaces ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<NetworkInterface>,
  managedPrefixLists: {
    operation: 'DescribeManagedPrefixLists',
    pageSize: 100,
    filters: {},
    readers: regionOnly,
    page: async (ec2, r) => {
      const out = await ec2.send(
        new DescribeManagedPrefixListsCommand({ NextToken: r.nextToken, MaxResults: r.pageSize }),
      );
      return { items: out.PrefixLists ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<ManagedPrefixList>,
  prefixListEntries: {
    operation: 'GetManagedPrefixListEntries',
    pageSize: 100,
    filters: {},
    readers: both,
    page: async (ec2, r) => {
      const out = await ec2.send(
        new GetManagedPrefixListEntriesCommand({
          PrefixListId: r.prefixListId ?? '',
          TargetVersion: r.targetVersion,
          NextToken: r.nextToken,
          MaxResults: r.pageSize,
        }),
      );
      return { items: out.Entries ?? [], nextToken: out.NextToken };
    },
  } satisfies DescribeOperation<PrefixListEntry>,
} as const;

/** The IAM actions of a reader's calls, sorted (EC2 reads have no resource-level permissions). */
export function readActions(reader: Reader): string[] {
  return Object.values(DESCRIBE)
    .filter((row) => (row.readers as readonly Reader[]).includes(reader))
    .map((row) => `ec2:${row.operation}`)
    .sort();
}
