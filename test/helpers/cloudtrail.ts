import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/cloudtrail/', import.meta.url));

/** A CloudTrail fixture, parsed; a file holding an array of one record yields that record. */
export function cloudTrailFixture(name: string): unknown {
  const json: unknown = JSON.parse(readFileSync(`${DIR}${name}`, 'utf8'));
  return Array.isArray(json) && json.length === 1 ? json[0] : json;
}

/** Wraps a bare record in the EventBridge envelope CloudTrail events arrive in. */
export function envelope(detail: unknown, account = '111122223333', region = 'us-east-1'): unknown {
  return {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account,
    time: '2025-01-01T00:00:00Z',
    region,
    resources: [],
    detail,
  };
}

/** The event names of DESIGN §7's table, in its order. */
export const DESIGN_EVENT_NAMES: readonly string[] = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'CreateSecurityGroup',
  'ModifyNetworkInterfaceAttribute',
  'AssociateAddress',
  'AttachNetworkInterface',
  'RunInstances',
  'CreateNetworkAcl',
  'CreateNetworkAclEntry',
  'ReplaceNetworkAclEntry',
  'DeleteNetworkAclEntry',
  'ReplaceNetworkAclAssociation',
  'CreateRoute',
  'ReplaceRoute',
  'DeleteRoute',
  'CreateRouteTable',
  'AssociateRouteTable',
  'ReplaceRouteTableAssociation',
  'AttachInternetGateway',
  'CreateSubnet',
  'ModifySubnetAttribute',
  'CreateNatGateway',
  'CreateVpcEndpoint',
  'ModifyVpcEndpoint',
  'CreateTags',
  'DeleteTags',
];

/**
 * Event names handled beyond §7's "at least" list, each because it changes internet exposure:
 * ModifyInstanceAttribute (an instance's groups replaced), DisassociateRouteTable (a subnet falls
 * back to its VPC's main table), AssignIpv6Addresses (an interface given an IPv6 address), and
 * ModifyManagedPrefixList / RestoreManagedPrefixListVersion (the entries of a list that group rules
 * and routes name), CreateDefaultSubnet (a subnet made with MapPublicIpOnLaunch true) and
 * CreateNetworkInterface (a service's interface, attached with no call in the account), and
 * DetachInternetGateway (the routes to the gateway turn blackhole), CreateVpc and CreateDefaultVpc
 * (a default group, a default NACL and, for a default VPC, subnets the rules judge), StartInstances
 * (a started instance gets a new public IPv4). Listed apart so that the pin on §7's names stays deliberate.
 */
export const ADDED_EVENT_NAMES: readonly string[] = [
  'ModifyInstanceAttribute',
  'DisassociateRouteTable',
  'AssignIpv6Addresses',
  'ModifyManagedPrefixList',
  'RestoreManagedPrefixListVersion',
  'CreateDefaultSubnet',
  'CreateNetworkInterface',
  'DetachInternetGateway',
  'CreateVpc',
  'CreateDefaultVpc',
  'StartInstances',
];
