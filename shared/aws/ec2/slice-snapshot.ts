import type {
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
import { parseSnapshot } from '../../model/snapshot';
import type { Snapshot } from '../../model/snapshot-schema';

// What the slice loader (./slice.ts) has read, and the snapshot made of it.

/** The resources the slice loader has read, by id. */
export interface Loaded {
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
  /** VPCs whose every NACL was read (by VPC); in the others only the NACLs an event named. */
  aclsOfVpc: Set<string>;
}

/**
 * Subnets behind a NACL the slice did not read: in a VPC whose NACLs were read only by id (a NACL
 * event) and whose default NACL is among them, a subnet no loaded NACL lists. EC2 lists every
 * subnet using the default NACL among its associations, so such a subnet is behind another NACL;
 * left in the slice, the model would put it behind the default NACL (DESIGN §5 "Route resolution"
 * for a subnet without an association), which then reported its interfaces as exposed through
 * the default NACL's entries and named the subnet in the default NACL's evidence — what the audit,
 * reading every NACL, does not say. They and their interfaces are context the event does not need.
 */
function behindUnreadAcl(loaded: Loaded): Set<string> {
  const partial = new Set<string>();
  const listed = new Set<string>();
  for (const acl of loaded.acls.values()) {
    if (acl.IsDefault === true && acl.VpcId && !loaded.aclsOfVpc.has(acl.VpcId)) partial.add(acl.VpcId);
    for (const a of acl.Associations ?? []) if (a.SubnetId) listed.add(a.SubnetId);
  }
  const out = new Set<string>();
  if (partial.size === 0) return out;
  const consider = (id: string | undefined, vpcId: string | undefined) => {
    if (id && vpcId && partial.has(vpcId) && !listed.has(id)) out.add(id);
  };
  for (const subnet of loaded.subnets.values()) consider(subnet.SubnetId, subnet.VpcId);
  for (const eni of loaded.interfaces.values()) consider(eni.SubnetId, eni.VpcId);
  return out;
}

/**
 * The snapshot of what was loaded. Subnets not described (security-group and interface events)
 * are written from the NACL associations and interfaces that name them: id and VPC are all the
 * exposure analysis needs, and subnet findings are out of those events' scope.
 */
export function toSnapshot(
  loaded: Loaded,
  where: { accountId?: string; region?: string },
  errors: string[],
): { snapshot: Snapshot; complete: boolean } {
  const subnets: { SubnetId: string; VpcId: string }[] = [];
  const seen = new Set<string>();
  const elsewhere = behindUnreadAcl(loaded);
  const addSubnet = (subnet: { SubnetId?: string; VpcId?: string }) => {
    if (!subnet.SubnetId || !subnet.VpcId || seen.has(subnet.SubnetId) || elsewhere.has(subnet.SubnetId))
      return;
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
    NetworkInterfaces: [...loaded.interfaces.values()].filter((e) => !elsewhere.has(e.SubnetId ?? '')),
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
