import type { Cidr4, Cidr6 } from '../net/cidr';
import type { Protocol } from '../net/protocol';
import type {
  InternetGatewayItem,
  NatGatewayItem,
  NetworkAclEntryItem,
  NetworkAclItem,
  NetworkInterfaceItem,
  RouteTableItem,
  SecurityGroupItem,
  SubnetItem,
  Tag,
  VpcEndpointItem,
  VpcItem,
} from './snapshot-schema';

/** Where a security-group rule lets traffic come from (ingress) or go to (egress). */
export type RuleSource =
  | {
      kind: 'ipv4';
      cidr: string;
      range: Cidr4;
      /** Holds at least one public address. */
      public: boolean;
      /** How many public addresses it holds. */
      publicCount: number;
    }
  | {
      kind: 'ipv6';
      cidr: string;
      range: Cidr6;
      /** Holds at least one public address. */
      public: boolean;
      /** How many public addresses it holds: a power of two (or 0), so exact as a double. */
      publicCount: number;
    }
  | { kind: 'prefix-list'; prefixListId: string }
  | { kind: 'group'; groupId?: string; userId?: string; peering?: string };

/** One security-group rule with exactly one source, as DescribeSecurityGroupRules reports it. */
export interface SgRule {
  groupId: string;
  /** `sgr-…`, when the snapshot carried SecurityGroupRules. */
  ruleId?: string;
  egress: boolean;
  /** The protocol as written (`tcp`, `6`, `-1`, …) — what a revoke call must repeat. */
  ipProtocol: string;
  protocol: Protocol;
  /** Inclusive port range; 0–65535 for all-protocol or portless rules. */
  fromPort: number;
  toPort: number;
  /** Ports as written (for revoke calls by permission). */
  rawFromPort?: number;
  rawToPort?: number;
  source: RuleSource;
  description?: string;
}

export interface SecurityGroupNode {
  item: SecurityGroupItem;
  id: string;
  vpcId: string;
  name: string;
  /** A VPC's default group (GroupName `default`). */
  isDefault: boolean;
  /** Ingress rules, one per source; expanded on first read (most groups are never read rule by rule). */
  readonly ingress: SgRule[];
  /** Egress rules, one per source; expanded on first read. */
  readonly egress: SgRule[];
  /**
   * The ingress rules whose source may be public (a public IPv4/IPv6 range, or a prefix list), in
   * `ingress` order: all that can open a port to the internet. Expanded on first read, without the
   * VPC ranges and referenced groups that make up most rules.
   */
  readonly publicIngress: SgRule[];
  /**
   * Visits each ingress rule's protocol, port range and source as `ingress` would list them,
   * without expanding them; referenced-group sources (never internet sources) are skipped.
   */
  forEachIngressSource(
    visit: (protocol: Protocol, fromPort: number, toPort: number, source: RuleSource) => void,
  ): void;
  /** True when the rules came from SecurityGroupRules (and so carry rule ids). */
  hasRuleIds: boolean;
  tags: Tag[];
}

export interface NaclEntry {
  ruleNumber: number;
  egress: boolean;
  allow: boolean;
  protocol: Protocol;
  rawProtocol: string;
  /** Inclusive port range; 0–65535 when the entry applies to all ports. */
  fromPort: number;
  toPort: number;
  family: 'ipv4' | 'ipv6';
  cidr: string;
  range4?: Cidr4;
  range6?: Cidr6;
  item: NetworkAclEntryItem;
}

export interface NetworkAclNode {
  item: NetworkAclItem;
  id: string;
  vpcId: string;
  isDefault: boolean;
  /** Entries of each direction, ascending by rule number. */
  ingress: NaclEntry[];
  egress: NaclEntry[];
  /** Subnets associated explicitly (a VPC's default NACL also serves subnets with no association). */
  subnetIds: string[];
  tags: Tag[];
}

export interface SubnetNode {
  item: SubnetItem;
  id: string;
  vpcId: string;
  name?: string;
  tags: Tag[];
  /** The route table it uses: explicit association, else the VPC's main table. */
  routeTableId?: string;
  routeTableExplicit: boolean;
  /** The NACL it uses: explicit association, else the VPC's default NACL. */
  networkAclId?: string;
}

export interface RouteTableNode {
  item: RouteTableItem;
  id: string;
  vpcId: string;
  isMain: boolean;
  /** Explicitly associated subnets. */
  subnetIds: string[];
  tags: Tag[];
}

export interface NetworkInterfaceNode {
  item: NetworkInterfaceItem;
  id: string;
  vpcId?: string;
  subnetId?: string;
  /** Security group ids, sorted, without duplicates. */
  readonly groupIds: string[];
  /** Public IPv4 addresses: the primary association's first, then the secondaries' in numeric order. */
  readonly publicIps: string[];
  readonly ipv6Addresses: string[];
  /**
   * The IPv6 addresses in public space (2000::/3), then its delegated prefixes holding public
   * addresses (as CIDRs): only these make it reachable over IPv6.
   */
  readonly publicIpv6Addresses: string[];
  tags: Tag[];
}

export interface PrefixListNode {
  id: string;
  name?: string;
  cidrs4: { cidr: string; range: Cidr4 }[];
  cidrs6: { cidr: string; range: Cidr6 }[];
}

/** The snapshot, indexed and normalized once; rules read it and never change it. */
export interface Model {
  accountId?: string;
  region?: string;
  vpcs: Map<string, VpcItem>;
  subnets: Map<string, SubnetNode>;
  securityGroups: Map<string, SecurityGroupNode>;
  networkAcls: Map<string, NetworkAclNode>;
  routeTables: Map<string, RouteTableNode>;
  internetGateways: Map<string, InternetGatewayItem>;
  natGateways: Map<string, NatGatewayItem>;
  vpcEndpoints: Map<string, VpcEndpointItem>;
  networkInterfaces: Map<string, NetworkInterfaceNode>;
  prefixLists: Map<string, PrefixListNode>;
  mainRouteTableByVpc: Map<string, string>;
  defaultNetworkAclByVpc: Map<string, string>;
  /** Interfaces per security group. */
  interfacesByGroup: Map<string, string[]>;
  /** Interfaces per subnet. */
  interfacesBySubnet: Map<string, string[]>;
  /** Subnets per VPC (all of them, sorted). */
  subnetsByVpc: Map<string, string[]>;
  /** What the model found odd without being wrong (two views of a group that disagree). */
  warnings: string[];
}
