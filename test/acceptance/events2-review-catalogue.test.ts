// DESIGN §7 (the event catalogue) end to end: every event name of the EventBridge pattern, as a
// real-shaped CloudTrail record (the real samples of test/fixtures/cloudtrail with their ids
// pointed at the test world; the shapes the fixtures README describes for the others), through the
// event function's batch path with the EC2 fake behind aws-sdk-client-mock. Per name: which EC2
// reads the slice costs (§12: an SG event ≤ 6, concurrent where independent), what is written,
// and the notice. A name in the pattern without a case here fails the first test.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { networkChangePattern } from '../../infra/event-pattern';
import type { HandledEventName } from '../../shared/events/event-table';
import { parseConfig } from '../../shared/load-config';
import {
  ACL,
  buildWorld,
  cloudTrailRecord,
  ENI,
  envelope,
  eventDeps,
  INSTANCE,
  installFakeEc2,
  publishedNotices,
  SUBNET,
  VPC,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';
const KEY = 'vpc-guardrail:exempt';

/** A real CloudTrail sample with its ids replaced by the test world's (the shape is untouched). */
function real(name: string, ids: Record<string, string>): Record<string, unknown> {
  let text = readFileSync(fileURLToPath(new URL(`../fixtures/cloudtrail/${name}`, import.meta.url)), 'utf8');
  for (const [from, to] of Object.entries(ids)) text = text.replaceAll(from, to);
  const json = JSON.parse(text) as unknown;
  const record = (Array.isArray(json) ? json[0] : json) as Record<string, unknown>;
  // An EventBridge sample: its detail (the envelope is rebuilt for the test account and region).
  return (record.detail as Record<string, unknown> | undefined) ?? record;
}

/** The test world: sg-0web open to the world on 22 used by eni-0web (public), a NAT gateway, an endpoint. */
function world(): World {
  const w = buildWorld({
    groupId: GROUP,
    rules: [
      { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-vpc', from: 8080, cidr: '10.0.0.0/16' },
    ],
  });
  w.NatGateways = [
    {
      NatGatewayId: 'nat-0a1',
      SubnetId: SUBNET,
      VpcId: VPC,
      State: 'available',
      ConnectivityType: 'public',
      NatGatewayAddresses: [{ PublicIp: '54.0.0.20', NetworkInterfaceId: 'eni-0nat' }],
    },
  ];
  w.VpcEndpoints = [
    {
      VpcEndpointId: 'vpce-0a1',
      VpcEndpointType: 'Gateway',
      VpcId: VPC,
      ServiceName: 'com.amazonaws.us-east-1.s3',
      State: 'available',
      PolicyDocument: JSON.stringify({
        Version: '2008-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
      }),
      RouteTableIds: ['rtb-0main'],
    },
  ];
  return w;
}

/** The world with sg-0web also admitting 3389 from pl-0office, a list holding `entries`. */
function officeList(entries: string[]): (w: World) => void {
  return (w) => {
    const group = w.SecurityGroups.find((g) => g.GroupId === GROUP);
    const permissions = (group?.IpPermissions ?? []) as unknown[];
    permissions.push({
      IpProtocol: 'tcp',
      FromPort: 3389,
      ToPort: 3389,
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [{ PrefixListId: 'pl-0office' }],
      UserIdGroupPairs: [],
    });
    w.SecurityGroupRules.push({
      SecurityGroupRuleId: 'sgr-pl3389',
      GroupId: GROUP,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 3389,
      ToPort: 3389,
      PrefixListId: 'pl-0office',
    });
    w.ManagedPrefixLists = [{ PrefixListId: 'pl-0office', Entries: entries.map((Cidr) => ({ Cidr })) }];
  };
}

const SG_READS = [
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeSecurityGroupRules',
  'DescribeSecurityGroups',
];

/**
 * A NACL association event: its NACL (it lists the subnets it decides), the subnet it reports, and
 * what the exposure of its subnets needs.
 */
const NACL_READS = [
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeSecurityGroups',
  'DescribeSubnets',
  'DescribeVpcs',
];

/**
 * A NACL or NACL-entry event reports no subnet: no DescribeSubnets (the ids and VPCs its interfaces'
 * exposure needs come with the NACL's associations and the interfaces). 5 reads, so that a
 * replace-only fix's one read of the NACL before its replace keeps it at 6 (DESIGN §12, §14).
 */
const NACL_ENTRY_READS = NACL_READS.filter((call) => call !== 'DescribeSubnets');

/** A route-table event: its table, the main table, and what the exposure of its subnets needs. */
const ROUTE_READS = [
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeRouteTables',
  'DescribeSecurityGroups',
  'DescribeSubnets',
];

/**
 * A prefix-list event: the groups and route tables naming the list (EC2 filters) and its entries,
 * then a security-group event's reads for those groups, and the route tables of their VPC (8).
 */
const PREFIX_LIST_READS = [
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeRouteTables',
  'DescribeSecurityGroupRules',
  'DescribeSecurityGroups',
  'DescribeSecurityGroups',
  'GetManagedPrefixListEntries',
];

/** An interface event: the interface, its groups, NACL and route table. */
const INTERFACE_READS = [
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeSecurityGroups',
];

/** The subject of a notice about the world's exposed interface (open on 22 and more). */
const EXPOSED_SUBJECT = '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp (+1 more)';

interface Case {
  record: () => Record<string, unknown>;
  /** The world as the call left it, where the call changed what the slice reads. */
  after?: (w: World) => void;
  /** The EC2 calls made, sorted (reads and writes). */
  calls: string[];
  /** The notice's subject, or null for none. */
  subject: string | null;
}

/** Every event name of the table, with one real-shaped record and what it must cost and do. */
const CASES: Record<HandledEventName, Case> = {
  AuthorizeSecurityGroupIngress: {
    record: () =>
      real('AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json', {
        'sg-0632fa4ee8a8468a4': GROUP,
        'sgr-0a5eb4cea8d5c1ad1': 'sgr-w22',
      }),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
  AuthorizeSecurityGroupEgress: {
    record: () =>
      real('AuthorizeSecurityGroupEgress--protocol-all-anywhere-terraform-panther.json', {
        'sg-03eee825d6bb78f54': GROUP,
      }),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
  ModifySecurityGroupRules: {
    record: () =>
      cloudTrailRecord(
        'ModifySecurityGroupRules',
        {
          ModifySecurityGroupRulesRequest: {
            GroupId: GROUP,
            SecurityGroupRule: {
              SecurityGroupRuleId: 'sgr-w22',
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
              tag: 1,
            },
          },
        },
        {
          ModifySecurityGroupRulesResponse: {
            xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
            return: true,
          },
        },
      ),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
  RevokeSecurityGroupIngress: {
    record: () =>
      cloudTrailRecord(
        'RevokeSecurityGroupIngress',
        { groupId: GROUP, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-vpc' }] } },
        { requestId: 'r', _return: true },
      ),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
  RevokeSecurityGroupEgress: {
    record: () =>
      cloudTrailRecord('RevokeSecurityGroupEgress', {
        groupId: GROUP,
        ipPermissions: {
          items: [
            {
              ipProtocol: '-1',
              groups: {},
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              ipv6Ranges: {},
              prefixListIds: {},
            },
          ],
        },
      }),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
  CreateSecurityGroup: {
    record: () =>
      real('CreateSecurityGroup--terraform-panther.json', {
        'sg-04d018d184a18f647': GROUP,
        'vpc-a1a044c7': VPC,
      }),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
  ModifyNetworkInterfaceAttribute: {
    record: () =>
      cloudTrailRecord('ModifyNetworkInterfaceAttribute', {
        networkInterfaceId: ENI,
        groupSet: { items: [{ groupId: GROUP }, { groupId: 'sg-0base' }] },
      }),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  AssociateAddress: {
    record: () =>
      cloudTrailRecord(
        'AssociateAddress',
        { allocationId: 'eipalloc-1', networkInterfaceId: ENI, allowReassociation: false },
        { requestId: 'r', _return: true, associationId: 'eipassoc-1' },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  // Not in §7's list; added: an interface's IPv6 exposure (EC2 API reference: request
  // NetworkInterfaceId + Ipv6AddressCount | Ipv6Addresses, response assignedIpv6Addresses).
  AssignIpv6Addresses: {
    record: () =>
      cloudTrailRecord(
        'AssignIpv6Addresses',
        { networkInterfaceId: ENI, ipv6AddressCount: 1 },
        {
          requestId: 'r',
          networkInterfaceId: ENI,
          assignedIpv6Addresses: { items: [{ ipv6Address: '2600:1f18::10' }] },
        },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  AttachNetworkInterface: {
    record: () =>
      cloudTrailRecord(
        'AttachNetworkInterface',
        { networkInterfaceId: ENI, instanceId: INSTANCE, deviceIndex: 1 },
        { requestId: 'r', attachmentId: 'eni-attach-1', networkCardIndex: 0 },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  RunInstances: {
    record: () =>
      cloudTrailRecord(
        'RunInstances',
        { instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 1 }] } },
        {
          instancesSet: {
            items: [
              {
                instanceId: INSTANCE,
                networkInterfaceSet: { items: [{ networkInterfaceId: ENI, subnetId: SUBNET }] },
              },
            ],
          },
        },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  CreateNetworkInterface: {
    record: () =>
      cloudTrailRecord(
        'CreateNetworkInterface',
        { subnetId: SUBNET, groupSet: { items: [{ groupId: GROUP }] } },
        { requestId: 'r', networkInterface: { networkInterfaceId: ENI, subnetId: SUBNET, vpcId: VPC } },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  // Not in §7's list; added (a change of groups by instance). Shape: `groupSet.items[].groupId` as
  // ModifyNetworkInterfaceAttribute's, the response `{requestId, _return}` of the real record in
  // test/fixtures/cloudtrail (ModifyInstanceAttribute--attribute-value-form-lambda-log.json).
  ModifyInstanceAttribute: {
    record: () =>
      cloudTrailRecord(
        'ModifyInstanceAttribute',
        { instanceId: INSTANCE, groupSet: { items: [{ groupId: GROUP }] } },
        { requestId: 'r', _return: true },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  // Not in §7's list; added (the attacker's walk): a started instance gets a new public IPv4 (EC2
  // API reference: request InstanceIds, response StartingInstances with current/previous state).
  StartInstances: {
    record: () =>
      cloudTrailRecord(
        'StartInstances',
        { instancesSet: { items: [{ instanceId: INSTANCE }] } },
        {
          requestId: 'r',
          instancesSet: {
            items: [
              {
                instanceId: INSTANCE,
                currentState: { code: 0, name: 'pending' },
                previousState: { code: 80, name: 'stopped' },
              },
            ],
          },
        },
      ),
    calls: INTERFACE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  CreateNetworkAcl: {
    record: () =>
      cloudTrailRecord(
        'CreateNetworkAcl',
        { vpcId: VPC },
        { networkAcl: { networkAclId: ACL, vpcId: VPC, entrySet: {}, associationSet: {}, tagSet: {} } },
      ),
    calls: NACL_ENTRY_READS,
    subject: EXPOSED_SUBJECT,
  },
  CreateNetworkAclEntry: {
    record: () =>
      real('CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json', { 'acl-1111': ACL }),
    calls: NACL_ENTRY_READS,
    subject: EXPOSED_SUBJECT,
  },
  ReplaceNetworkAclEntry: {
    record: () =>
      cloudTrailRecord('ReplaceNetworkAclEntry', {
        networkAclId: ACL,
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        aclProtocol: '-1',
        cidrBlock: '0.0.0.0/0',
        icmpTypeCode: {},
        portRange: {},
      }),
    calls: NACL_ENTRY_READS,
    subject: EXPOSED_SUBJECT,
  },
  DeleteNetworkAclEntry: {
    record: () => real('DeleteNetworkAclEntry--ingress-rule-100-cli.json', { 'acl-0af9cb843511d66d4': ACL }),
    calls: NACL_ENTRY_READS,
    subject: EXPOSED_SUBJECT,
  },
  ReplaceNetworkAclAssociation: {
    record: () =>
      cloudTrailRecord(
        'ReplaceNetworkAclAssociation',
        { associationId: 'aclassoc-0old', networkAclId: ACL },
        { requestId: 'r', newAssociationId: 'aclassoc-0new' },
      ),
    calls: NACL_READS,
    subject: EXPOSED_SUBJECT,
  },
  CreateRoute: {
    record: () =>
      real('CreateRoute--igw-default-route-panther.json', { 'rtb-1': 'rtb-0main', 'igw-1': 'igw-0a1' }),
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  ReplaceRoute: {
    record: () =>
      cloudTrailRecord('ReplaceRoute', {
        routeTableId: 'rtb-0main',
        destinationCidrBlock: '0.0.0.0/0',
        gatewayId: 'igw-0a1',
      }),
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  DeleteRoute: {
    record: () =>
      cloudTrailRecord('DeleteRoute', { routeTableId: 'rtb-0main', destinationCidrBlock: '192.0.2.0/24' }),
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  CreateRouteTable: {
    record: () =>
      real('CreateRouteTable--sanitized.json', { 'rtb-bcbcbcbc': 'rtb-0main', 'vpc-abababab': VPC }),
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  AssociateRouteTable: {
    record: () =>
      cloudTrailRecord(
        'AssociateRouteTable',
        { routeTableId: 'rtb-0main', subnetId: SUBNET },
        { requestId: 'r', associationId: 'rtbassoc-1', associationState: { state: 'associated' } },
      ),
    // The subnet is in the table's VPC, whose subnets are read anyway: not read by id too.
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  // Not in §7's list; added. The record names only the association (EC2 API reference: request
  // AssociationId, response return): the region's main tables routing to an igw- are the scope.
  DisassociateRouteTable: {
    record: () =>
      cloudTrailRecord(
        'DisassociateRouteTable',
        { associationId: 'rtbassoc-9' },
        { requestId: 'r', _return: true },
      ),
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  ReplaceRouteTableAssociation: {
    record: () =>
      cloudTrailRecord(
        'ReplaceRouteTableAssociation',
        { associationId: 'rtbassoc-0main', routeTableId: 'rtb-0main' },
        { requestId: 'r', newAssociationId: 'rtbassoc-2', associationState: { state: 'associated' } },
      ),
    calls: ROUTE_READS,
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  AttachInternetGateway: {
    record: () =>
      real('AttachInternetGateway--sanitized.json', {
        'igw-01234567890123456': 'igw-0a1',
        'vpc-ababababab': VPC,
      }),
    calls: [
      'DescribeNetworkAcls',
      'DescribeNetworkInterfaces',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSubnets',
    ],
    subject: '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
  },
  DetachInternetGateway: {
    after: (w) => {
      for (const table of w.RouteTables) {
        table.Routes = ((table.Routes ?? []) as Record<string, unknown>[]).map((r) =>
          r.GatewayId === 'igw-0a1' ? { ...r, State: 'blackhole' } : r,
        );
      }
    },
    record: () => cloudTrailRecord('DetachInternetGateway', { internetGatewayId: 'igw-0a1', vpcId: VPC }),
    calls: [
      'DescribeNetworkAcls',
      'DescribeNetworkInterfaces',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSubnets',
    ],
    subject: '[LOW] Route table rtb-0main has 2 blackhole routes (+1 more)',
  },
  CreateVpc: {
    record: () =>
      cloudTrailRecord('CreateVpc', { cidrBlock: '10.0.0.0/16' }, { requestId: 'r', vpc: { vpcId: VPC } }),
    // The groups of the VPC (this world's has no group named default), then its context.
    calls: [
      'DescribeNetworkAcls',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSubnets',
      'DescribeVpcs',
    ],
    subject: '[HIGH] acl-0default world-open on 22/tcp, 3389/tcp, 3389/udp',
  },
  CreateDefaultVpc: {
    record: () =>
      cloudTrailRecord('CreateDefaultVpc', {}, { requestId: 'r', vpc: { vpcId: VPC, isDefault: true } }),
    calls: [
      'DescribeNetworkAcls',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSubnets',
      'DescribeVpcs',
    ],
    subject: '[HIGH] acl-0default world-open on 22/tcp, 3389/tcp, 3389/udp',
  },
  CreateSubnet: {
    record: () =>
      cloudTrailRecord(
        'CreateSubnet',
        { vpcId: VPC, cidrBlock: '10.0.1.0/24' },
        { subnet: { subnetId: SUBNET, vpcId: VPC, mapPublicIpOnLaunch: false } },
      ),
    calls: ['DescribeRouteTables', 'DescribeSubnets', 'DescribeSubnets'],
    subject: null,
  },
  CreateDefaultSubnet: {
    after: (w) => {
      const subnet = w.Subnets.find((x) => x.SubnetId === SUBNET);
      if (subnet) subnet.MapPublicIpOnLaunch = true;
    },
    record: () =>
      cloudTrailRecord(
        'CreateDefaultSubnet',
        { availabilityZone: 'us-east-1a' },
        { subnet: { subnetId: SUBNET, vpcId: VPC, mapPublicIpOnLaunch: true, defaultForAz: true } },
      ),
    calls: ['DescribeRouteTables', 'DescribeSubnets', 'DescribeSubnets'],
    subject: '[MEDIUM] Subnet subnet-0pub (public-a) assigns public IPv4 addresses on launch',
  },
  ModifySubnetAttribute: {
    after: (w) => {
      const subnet = w.Subnets.find((x) => x.SubnetId === SUBNET);
      if (subnet) subnet.MapPublicIpOnLaunch = true;
    },
    record: () =>
      cloudTrailRecord('ModifySubnetAttribute', { subnetId: SUBNET, mapPublicIpOnLaunch: { value: true } }),
    calls: ['DescribeRouteTables', 'DescribeSubnets', 'DescribeSubnets'],
    subject: '[MEDIUM] Subnet subnet-0pub (public-a) assigns public IPv4 addresses on launch',
  },
  CreateNatGateway: {
    record: () =>
      real('CreateNatGateway--wrapped-request-response-sanitized.json', {
        'nat-00000001111111111': 'nat-0a1',
        'subnet-ababab': SUBNET,
        'vpc-abababab': VPC,
      }),
    calls: ['DescribeNatGateways', 'DescribeRouteTables', 'DescribeSubnets', 'DescribeSubnets'],
    subject: null,
  },
  CreateVpcEndpoint: {
    record: () =>
      real('CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json', {
        'vpce-db0c0ffee984e07fa': 'vpce-0a1',
        'vpc-db0c0ffee56bc40db': VPC,
      }),
    calls: ['DescribeVpcEndpoints'],
    subject: '[LOW] VPC endpoint vpce-0a1 (com.amazonaws.us-east-1.s3) allows full access',
  },
  ModifyVpcEndpoint: {
    record: () =>
      cloudTrailRecord(
        'ModifyVpcEndpoint',
        { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0a1', ResetPolicy: true } },
        { ModifyVpcEndpointResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', return: true } },
      ),
    calls: ['DescribeVpcEndpoints'],
    subject: '[LOW] VPC endpoint vpce-0a1 (com.amazonaws.us-east-1.s3) allows full access',
  },
  CreateTags: {
    after: (w) => {
      const group = w.SecurityGroups.find((g) => g.GroupId === GROUP);
      if (group) group.Tags = [{ Key: KEY, Value: 'sg-open-admin-port@2030-01-01' }];
    },
    record: () =>
      cloudTrailRecord('CreateTags', {
        resourcesSet: { items: [{ resourceId: GROUP }] },
        tagSet: { items: [{ key: KEY, value: 'sg-open-admin-port@2030-01-01' }] },
      }),
    calls: [...SG_READS],
    subject: '[INFO] exemption set on sg-0web by Admin/alice',
  },
  ModifyManagedPrefixList: {
    record: () =>
      cloudTrailRecord(
        'ModifyManagedPrefixList',
        {
          ModifyManagedPrefixListRequest: {
            PrefixListId: 'pl-0office',
            CurrentVersion: 1,
            AddEntry: { Cidr: '0.0.0.0/0', tag: 1 },
          },
        },
        { ModifyManagedPrefixListResponse: { prefixList: { prefixListId: 'pl-0office' } } },
      ),
    after: officeList(['203.0.113.0/24', '0.0.0.0/0']),
    calls: [...PREFIX_LIST_READS, 'RevokeSecurityGroupIngress'],
    // 3389 opened by the list; 22 was open before (a list change reports every finding of the group).
    subject: '[CRITICAL] sg-0web world-open on 22/tcp, 3389/tcp (+1 more) \u2014 revoked',
  },
  RestoreManagedPrefixListVersion: {
    record: () =>
      cloudTrailRecord('RestoreManagedPrefixListVersion', {
        RestoreManagedPrefixListVersionRequest: {
          PrefixListId: 'pl-0office',
          PreviousVersion: 1,
          CurrentVersion: 2,
        },
      }),
    after: (w) => {
      officeList(['0.0.0.0/0'])(w);
      const list = w.ManagedPrefixLists[0];
      if (list) list.Versions = { 1: [{ Cidr: '0.0.0.0/0' }] };
    },
    // One more: the restored version's entries, to tell whether EC2 has applied the restore.
    calls: [...PREFIX_LIST_READS, 'GetManagedPrefixListEntries', 'RevokeSecurityGroupIngress'].sort(),
    // 3389 opened by the list; 22 was open before (a list change reports every finding of the group).
    subject: '[CRITICAL] sg-0web world-open on 22/tcp, 3389/tcp (+1 more) \u2014 revoked',
  },
  DeleteTags: {
    record: () =>
      cloudTrailRecord('DeleteTags', {
        resourcesSet: { item: { resourceId: GROUP } },
        tagSet: { item: { key: KEY } },
      }),
    calls: [...SG_READS, 'RevokeSecurityGroupIngress'],
    subject: '[CRITICAL] sg-0web world-open on 22/tcp (+1 more) \u2014 revoked',
  },
};

const deps = () => eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' });

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('§7 the event catalogue, end to end', () => {
  it('has one case for every event name of the EventBridge pattern', () => {
    const names = (networkChangePattern().detail as { eventName: string[] }).eventName;
    expect(Object.keys(CASES).sort()).toEqual([...names].sort());
  });

  it.each(Object.keys(CASES) as HandledEventName[])('%s', async (name) => {
    const c = CASES[name];
    const w = world();
    c.after?.(w);
    installFakeEc2(ec2Mock, w);
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(c.record())), receiveCount: 1 }],
      deps(),
    );
    const calls = ec2Mock
      .calls()
      .map((call) =>
        (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''),
      );
    const notices = publishedNotices(snsMock);
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(result.failedMessageIds).toEqual([]);
    expect(calls.sort()).toEqual(c.calls);
    expect(notices.map((n) => n.Subject)).toEqual(c.subject === null ? [] : [c.subject]);
  });
});

/** The EC2 client of the deps, counting how many of its calls are in flight at once. */
function countingEc2(): { ec2: EC2Client; maxInFlight: () => number } {
  const ec2 = new EC2Client({ region: 'us-east-1' });
  const send = ec2.send.bind(ec2) as (command: unknown) => Promise<unknown>;
  let inFlight = 0;
  let max = 0;
  Object.assign(ec2, {
    send: async (command: unknown) => {
      inFlight++;
      max = Math.max(max, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await send(command);
      } finally {
        inFlight--;
      }
    },
  });
  return { ec2, maxInFlight: () => max };
}

describe('§12 "An SG event costs ≤ 6 EC2 read calls, issued concurrently where independent"', () => {
  it('AuthorizeSecurityGroupIngress (real console record): 5 reads in two concurrent rounds, one revoke', async () => {
    installFakeEc2(ec2Mock, world());
    const { ec2, maxInFlight } = countingEc2();
    const record = CASES.AuthorizeSecurityGroupIngress.record();
    await processMessages([{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }], {
      ...deps(),
      ec2,
    });
    const names = ec2Mock.calls().map((call) => (call.args[0] as object).constructor.name);
    expect(names.filter((n) => n.startsWith('Describe')).length).toBeLessThanOrEqual(6);
    // Round 1: the group's interfaces; round 2: the groups (the event's and the interfaces' other
    // groups, for their exemption tags), their rules, route tables and NACLs.
    expect(names.slice(0, 1)).toEqual(['DescribeNetworkInterfacesCommand']);
    expect(names.slice(1, 5).sort()).toEqual([
      'DescribeNetworkAclsCommand',
      'DescribeRouteTablesCommand',
      'DescribeSecurityGroupRulesCommand',
      'DescribeSecurityGroupsCommand',
    ]);
    expect(maxInFlight()).toBe(4);
  });
});

describe('§7 / §13 records that must change nothing: a logged reason, no EC2 call, no notice, acknowledged', () => {
  const ownRole = 'arn:aws:iam::111122223333:role/vpc-guardrail';
  const bodies: [string, string, 'info' | 'error'][] = [
    [
      'a failed call (errorCode, the real EC2 error shape)',
      JSON.stringify(
        envelope({
          ...CASES.AuthorizeSecurityGroupIngress.record(),
          errorCode: 'Client.InvalidPermission.Duplicate',
          errorMessage:
            'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
          responseElements: null,
        }),
      ),
      'info',
    ],
    [
      "a call by the guardrail's own role (session issuer)",
      JSON.stringify(
        envelope({
          ...CASES.RevokeSecurityGroupIngress.record(),
          userIdentity: {
            type: 'AssumedRole',
            arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail/on-network-change',
            sessionContext: { sessionIssuer: { type: 'Role', arn: ownRole } },
          },
        }),
      ),
      'info',
    ],
    [
      'a read-only call outside the table (DescribeSecurityGroups)',
      JSON.stringify(
        envelope(
          cloudTrailRecord('DescribeSecurityGroups', { groupSet: { items: [{ groupId: GROUP }] } }, null, {
            readOnly: true,
          }),
        ),
      ),
      'error',
    ],
    [
      'an event of another service (s3.amazonaws.com)',
      JSON.stringify(
        envelope(
          cloudTrailRecord('PutBucketPolicy', { bucketName: 'b' }, null, { eventSource: 's3.amazonaws.com' }),
        ),
      ),
      'error',
    ],
    [
      'a real failed call outside the table (GetPasswordData)',
      JSON.stringify(
        envelope(real('GetPasswordData--failed-client-unauthorizedoperation-ec2-error-shape.json', {})),
      ),
      'info',
    ],
    [
      'a record cut short (truncated JSON)',
      JSON.stringify(envelope(CASES.AuthorizeSecurityGroupIngress.record())).slice(0, 300),
      'error',
    ],
    [
      'an AuthorizeSecurityGroupIngress that names no group',
      JSON.stringify(envelope(cloudTrailRecord('AuthorizeSecurityGroupIngress', {}, { _return: true }))),
      'error',
    ],
  ];

  it.each(bodies)('%s', async (_, body, level) => {
    installFakeEc2(ec2Mock, world());
    const logged: { level: string; message: string }[] = [];
    const logger = new Logger({ logLevel: 'SILENT' });
    Object.assign(logger, {
      info: (message: unknown) => void logged.push({ level: 'info', message: String(message) }),
      error: (message: unknown) => void logged.push({ level: 'error', message: String(message) }),
    });
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], {
      ...deps(),
      logger,
      config: parseConfig({ mode: 'remediate', ownRoleArn: ownRole }),
    });
    expect(result.groups).toEqual([]);
    expect(result.failedMessageIds).toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(logged.filter((l) => /ignored/.test(l.message)).map((l) => l.level)).toEqual([level]);
  });

  it('a trimmed console record whose errorCode is an explicit null is a successful call: judged and fixed', async () => {
    installFakeEc2(ec2Mock, world());
    const record = real(
      'AuthorizeSecurityGroupIngress--console-launch-wizard-anywhere-ssh-trimmed-record.json',
      {
        'sg-db0c0ffeec0e67ce0': GROUP,
        'sgr-db0c0ffee14167c6d': 'sgr-w22',
      },
    );
    expect(record.errorCode).toBeNull();
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
      deps(),
    );
    expect(result.groups[0]?.actions).toEqual([{ action: 'RevokeSecurityGroupIngress', status: 'done' }]);
  });
});
