import { describe, expect, it } from 'vitest';
import { cloudTrailRecord, findingKeys, simulate } from '../helpers';

// A VPC with three subnets: subnet-a uses the main table implicitly, subnet-b and subnet-c have
// their own tables. acl-ab serves a and b, acl-c serves c. Every subnet routes to igw-1; each has
// an interface with a public IP; the NACLs allow everything. subnet-a is named "private" (so a
// route to the igw- is a finding about it) and maps public IPs on launch.
const allowAll = [
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
];
const igwRoutes = [
  { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
  { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
];
const world22 = (id: string, port: number, ruleId: string) => ({
  GroupId: id,
  GroupName: id,
  VpcId: 'vpc-1',
  OwnerId: '111122223333',
  Description: 'test',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  IpPermissionsEgress: [],
  ruleId,
});
const groupsOf = [world22('sg-web', 22, 'sgr-web22'), world22('sg-other', 3389, 'sgr-other3389')];
const eni = (id: string, subnet: string, group: string) => ({
  NetworkInterfaceId: id,
  SubnetId: subnet,
  VpcId: 'vpc-1',
  InterfaceType: 'interface',
  Status: 'in-use',
  Association: { PublicIp: '54.0.0.1' },
  Groups: [{ GroupId: group, GroupName: group }],
  Attachment: { InstanceId: `i-${id.slice(4)}` },
});

const SNAPSHOT = {
  accountId: '111122223333',
  region: 'us-east-1',
  Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
  Subnets: [
    {
      SubnetId: 'subnet-a',
      VpcId: 'vpc-1',
      MapPublicIpOnLaunch: true,
      Tags: [{ Key: 'Name', Value: 'private-a' }],
    },
    {
      SubnetId: 'subnet-b',
      VpcId: 'vpc-1',
      MapPublicIpOnLaunch: true,
      Tags: [{ Key: 'Name', Value: 'private-b' }],
    },
    {
      SubnetId: 'subnet-c',
      VpcId: 'vpc-1',
      MapPublicIpOnLaunch: true,
      Tags: [{ Key: 'Name', Value: 'private-c' }],
    },
  ],
  SecurityGroups: groupsOf.map(({ ruleId: _, ...g }) => g),
  SecurityGroupRules: groupsOf.map((g) => ({
    SecurityGroupRuleId: g.ruleId,
    GroupId: g.GroupId,
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: g.IpPermissions[0]?.FromPort,
    ToPort: g.IpPermissions[0]?.ToPort,
    CidrIpv4: '0.0.0.0/0',
  })),
  NetworkAcls: [
    {
      NetworkAclId: 'acl-ab',
      VpcId: 'vpc-1',
      IsDefault: true,
      Entries: allowAll,
      Associations: [
        { NetworkAclAssociationId: 'aclassoc-a', NetworkAclId: 'acl-ab', SubnetId: 'subnet-a' },
        { NetworkAclAssociationId: 'aclassoc-b', NetworkAclId: 'acl-ab', SubnetId: 'subnet-b' },
      ],
    },
    {
      NetworkAclId: 'acl-c',
      VpcId: 'vpc-1',
      IsDefault: false,
      Entries: [
        {
          RuleNumber: 90,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 22, To: 22 },
        },
        ...allowAll,
      ],
      Associations: [{ NetworkAclAssociationId: 'aclassoc-c', NetworkAclId: 'acl-c', SubnetId: 'subnet-c' }],
    },
  ],
  RouteTables: [
    {
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Routes: [
        ...igwRoutes,
        { DestinationCidrBlock: '192.0.2.0/24', NatGatewayId: 'nat-gone', State: 'blackhole' },
      ],
      Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-main', RouteTableId: 'rtb-main' }],
    },
    {
      RouteTableId: 'rtb-b',
      VpcId: 'vpc-1',
      Routes: igwRoutes,
      Associations: [
        { Main: false, RouteTableAssociationId: 'rtbassoc-b', RouteTableId: 'rtb-b', SubnetId: 'subnet-b' },
      ],
    },
    {
      RouteTableId: 'rtb-c',
      VpcId: 'vpc-1',
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-2', State: 'active' },
      ],
      Associations: [
        { Main: false, RouteTableAssociationId: 'rtbassoc-c', RouteTableId: 'rtb-c', SubnetId: 'subnet-c' },
      ],
    },
  ],
  NetworkInterfaces: [
    eni('eni-a', 'subnet-a', 'sg-web'),
    eni('eni-b', 'subnet-b', 'sg-other'),
    eni('eni-c', 'subnet-c', 'sg-other'),
  ],
};

const rec = (name: string, request: unknown, response: unknown = { _return: true }) =>
  cloudTrailRecord(name, request, response);

describe('§7 Scope: what an event reports', () => {
  it('an SG event reports the group and the interfaces using it, nothing else', async () => {
    const report = await simulate(rec('AuthorizeSecurityGroupIngress', { groupId: 'sg-web' }), SNAPSHOT);
    expect(findingKeys(report)).toEqual(['eni-internet-exposed eni-a', 'sg-open-admin-port sg-web']);
    expect(report.scope).toMatchObject({
      securityGroups: ['sg-web'],
      networkInterfaces: ['eni-a'],
      subnets: [],
    });
  });

  it('a NACL entry event reports the NACL and the interfaces in its subnets, not the subnets', async () => {
    const report = await simulate(
      rec('CreateNetworkAclEntry', { networkAclId: 'acl-c', ruleNumber: 90, egress: false }),
      SNAPSHOT,
    );
    expect(findingKeys(report)).toEqual(['eni-internet-exposed eni-c', 'nacl-open-admin-port acl-c']);
  });

  it('a NACL entry event on a NACL serving two subnets reports the interfaces of both', async () => {
    const report = await simulate(
      rec('ReplaceNetworkAclEntry', { networkAclId: 'acl-ab', ruleNumber: 100, egress: false }),
      SNAPSHOT,
    );
    expect(findingKeys(report)).toEqual([
      'eni-internet-exposed eni-a',
      'eni-internet-exposed eni-b',
      'nacl-open-admin-port acl-ab',
    ]);
  });

  it('ReplaceNetworkAclAssociation reports the NACL, the subnet it now serves and its interfaces only', async () => {
    const report = await simulate(
      rec(
        'ReplaceNetworkAclAssociation',
        { associationId: 'aclassoc-old', networkAclId: 'acl-ab' },
        { requestId: 'r', newAssociationId: 'aclassoc-b' },
      ),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({
      networkAcls: ['acl-ab'],
      subnets: ['subnet-b'],
      networkInterfaces: ['eni-b'],
    });
    expect(findingKeys(report)).toEqual([
      'eni-internet-exposed eni-b',
      'nacl-open-admin-port acl-ab',
      'subnet-auto-assign-public-ip subnet-b',
      'subnet-private-has-igw-route subnet-b',
    ]);
  });

  it('a route event on the main table reports it and the subnets using it implicitly, and their interfaces', async () => {
    const report = await simulate(
      rec('CreateRoute', { routeTableId: 'rtb-main', destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-1' }),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({
      routeTables: ['rtb-main'],
      subnets: ['subnet-a'],
      networkInterfaces: ['eni-a'],
    });
    expect(findingKeys(report)).toEqual([
      'eni-internet-exposed eni-a',
      'route-blackhole rtb-main',
      'subnet-auto-assign-public-ip subnet-a',
      'subnet-private-has-igw-route subnet-a',
    ]);
  });

  it('a route event on an explicitly associated table reports its subnet only', async () => {
    const report = await simulate(
      rec('ReplaceRoute', { routeTableId: 'rtb-b', destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-1' }),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({
      routeTables: ['rtb-b'],
      subnets: ['subnet-b'],
      networkInterfaces: ['eni-b'],
    });
  });

  it('AssociateRouteTable reports the table, its subnets and their interfaces', async () => {
    const report = await simulate(
      rec(
        'AssociateRouteTable',
        { routeTableId: 'rtb-c', subnetId: 'subnet-c' },
        { associationId: 'rtbassoc-c' },
      ),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({
      routeTables: ['rtb-c'],
      subnets: ['subnet-c'],
      networkInterfaces: ['eni-c'],
    });
  });

  it('ReplaceRouteTableAssociation reports the new table and the subnets using it', async () => {
    const report = await simulate(
      rec(
        'ReplaceRouteTableAssociation',
        { associationId: 'rtbassoc-x', routeTableId: 'rtb-main' },
        { newAssociationId: 'rtbassoc-main' },
      ),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({ routeTables: ['rtb-main'], subnets: ['subnet-a'] });
  });

  it("AttachInternetGateway reports the VPC's tables that target the gateway and their subnets", async () => {
    const report = await simulate(
      rec('AttachInternetGateway', { internetGatewayId: 'igw-1', vpcId: 'vpc-1' }),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({
      routeTables: ['rtb-b', 'rtb-main'],
      subnets: ['subnet-a', 'subnet-b'],
      networkInterfaces: ['eni-a', 'eni-b'],
    });
  });

  it('a subnet event reports the subnet only', async () => {
    const report = await simulate(
      rec('ModifySubnetAttribute', { subnetId: 'subnet-c', mapPublicIpOnLaunch: { value: true } }),
      SNAPSHOT,
    );
    expect(findingKeys(report)).toEqual([
      'subnet-auto-assign-public-ip subnet-c',
      'subnet-private-has-igw-route subnet-c',
    ]);
  });

  it('an interface event reports the interface only', async () => {
    const report = await simulate(
      rec('ModifyNetworkInterfaceAttribute', {
        networkInterfaceId: 'eni-b',
        groupSet: { items: [{ groupId: 'sg-other' }] },
      }),
      SNAPSHOT,
    );
    expect(findingKeys(report)).toEqual(['eni-internet-exposed eni-b']);
  });

  it('an instance event (AssociateAddress by instance) reports the interfaces of the instance', async () => {
    const report = await simulate(
      rec('AssociateAddress', { instanceId: 'i-c', allocationId: 'eipalloc-1' }),
      SNAPSHOT,
    );
    expect(findingKeys(report)).toEqual(['eni-internet-exposed eni-c']);
  });

  it('stays silent for a change that leaves nothing to report in scope', async () => {
    const report = await simulate(rec('CreateRoute', { routeTableId: 'rtb-c' }), {
      ...SNAPSHOT,
      Subnets: SNAPSHOT.Subnets.map((s) => ({ ...s, MapPublicIpOnLaunch: false, Tags: [] })),
      NetworkInterfaces: [],
    });
    expect(report.findings).toEqual([]);
    expect(report.notification).toBeNull();
  });
});

describe('§7 Scope: ReplaceNetworkAclAssociation without the new association id', () => {
  it('reports the interfaces of every subnet behind the NACL when the subnet cannot be picked out', async () => {
    const report = await simulate(
      rec(
        'ReplaceNetworkAclAssociation',
        { associationId: 'aclassoc-gone', networkAclId: 'acl-ab' },
        { _return: true },
      ),
      SNAPSHOT,
    );
    expect(report.scope).toMatchObject({
      networkAcls: ['acl-ab'],
      subnets: [],
      networkInterfaces: ['eni-a', 'eni-b'],
    });
  });
});
