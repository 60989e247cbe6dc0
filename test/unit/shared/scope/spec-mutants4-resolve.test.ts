import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../../../shared/events/event-table';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { notJudgedInScope, resolveScope } from '../../../../shared/scope/resolve';

// Mutation checks (notes/spec-mutants.md, mutants4) of DESIGN §7 "Scope": which resources an
// event reports — exactly these, no fewer (a silent false negative) and no more (another team's
// resource judged or remediated by a call that never touched it).

const ALL_OPEN = [
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
  { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
];

const model = buildModel(
  parseSnapshot({
    Vpcs: [
      { VpcId: 'vpc-1', IsDefault: false },
      { VpcId: 'vpc-2', IsDefault: false },
      { VpcId: 'vpc-new', IsDefault: false },
    ],
    Subnets: [
      { SubnetId: 'subnet-a', VpcId: 'vpc-1' },
      { SubnetId: 'subnet-b', VpcId: 'vpc-1' },
      { SubnetId: 'subnet-2', VpcId: 'vpc-2' },
      { SubnetId: 'subnet-new', VpcId: 'vpc-new' },
    ],
    SecurityGroups: [
      { GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1' },
      {
        GroupId: 'sg-pl',
        GroupName: 'pl',
        VpcId: 'vpc-1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-1' }] },
        ],
      },
      {
        GroupId: 'sg-other-pl',
        GroupName: 'other-pl',
        VpcId: 'vpc-1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-2' }] },
        ],
      },
      { GroupId: 'sg-new-default', GroupName: 'default', VpcId: 'vpc-new' },
      { GroupId: 'sg-new-app', GroupName: 'app', VpcId: 'vpc-new' },
      { GroupId: 'sg-2', GroupName: 'a', VpcId: 'vpc-2' },
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
        Associations: [{ Main: true, RouteTableId: 'rtb-main' }],
      },
      {
        RouteTableId: 'rtb-b',
        VpcId: 'vpc-1',
        Routes: [
          { DestinationPrefixListId: 'pl-1', GatewayId: 'igw-1', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'nat-1', State: 'active' },
        ],
        Associations: [{ RouteTableId: 'rtb-b', SubnetId: 'subnet-b' }],
      },
      {
        // Another VPC's table to another gateway of the same id space: not the attached VPC's.
        RouteTableId: 'rtb-2',
        VpcId: 'vpc-2',
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
        Associations: [{ RouteTableId: 'rtb-2', SubnetId: 'subnet-2' }],
      },
      {
        RouteTableId: 'rtb-2-main',
        VpcId: 'vpc-2',
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-2', State: 'active' }],
        Associations: [{ Main: true, RouteTableId: 'rtb-2-main' }],
      },
      {
        RouteTableId: 'rtb-new-main',
        VpcId: 'vpc-new',
        Routes: [{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'local', State: 'active' }],
        Associations: [{ Main: true, RouteTableId: 'rtb-new-main' }],
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-default',
        VpcId: 'vpc-1',
        IsDefault: true,
        Entries: ALL_OPEN,
        Associations: [{ NetworkAclAssociationId: 'aclassoc-a', SubnetId: 'subnet-a' }],
      },
      {
        NetworkAclId: 'acl-b',
        VpcId: 'vpc-1',
        Entries: ALL_OPEN,
        Associations: [{ NetworkAclAssociationId: 'aclassoc-b', SubnetId: 'subnet-b' }],
      },
      {
        NetworkAclId: 'acl-2',
        VpcId: 'vpc-2',
        IsDefault: true,
        Entries: ALL_OPEN,
        Associations: [{ NetworkAclAssociationId: 'aclassoc-2', SubnetId: 'subnet-2' }],
      },
      {
        NetworkAclId: 'acl-new',
        VpcId: 'vpc-new',
        IsDefault: true,
        Entries: ALL_OPEN,
        Associations: [{ NetworkAclAssociationId: 'aclassoc-new', SubnetId: 'subnet-new' }],
      },
    ],
    NatGateways: [{ NatGatewayId: 'nat-1', SubnetId: 'subnet-a', VpcId: 'vpc-1', State: 'available' }],
    VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-1', VpcEndpointType: 'Interface' }],
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-a', VpcId: 'vpc-1', Groups: [{ GroupId: 'sg-a' }] },
      {
        NetworkInterfaceId: 'eni-b',
        SubnetId: 'subnet-b',
        VpcId: 'vpc-1',
        Groups: [{ GroupId: 'sg-pl' }],
        Attachment: { InstanceId: 'i-b' },
      },
      // No group: in scope only through its subnet (route, prefix-list and NACL events).
      { NetworkInterfaceId: 'eni-b2', SubnetId: 'subnet-b', VpcId: 'vpc-1', Groups: [] },
      { NetworkInterfaceId: 'eni-2', SubnetId: 'subnet-2', VpcId: 'vpc-2', Groups: [{ GroupId: 'sg-2' }] },
      {
        NetworkInterfaceId: 'eni-new',
        SubnetId: 'subnet-new',
        VpcId: 'vpc-new',
        Groups: [{ GroupId: 'sg-new-app' }],
      },
    ],
  }),
);

const NONE = {
  securityGroups: [],
  networkAcls: [],
  subnets: [],
  routeTables: [],
  natGateways: [],
  vpcEndpoints: [],
  networkInterfaces: [],
  missing: [],
};

describe('resolveScope: exactly the resources an event reports', () => {
  it('names every id the event gives that the slice does not hold as missing, and reports none of them', () => {
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-a', 'sg-gone'],
      networkAclIds: ['acl-gone'],
      routeTableIds: ['rtb-gone'],
      subnetIds: ['subnet-gone'],
      natGatewayIds: ['nat-1', 'nat-gone'],
      vpcEndpointIds: ['vpce-1', 'vpce-gone'],
      networkInterfaceIds: ['eni-gone'],
    };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      securityGroups: ['sg-a'],
      natGateways: ['nat-1'],
      vpcEndpoints: ['vpce-1'],
      networkInterfaces: ['eni-a'],
      missing: ['acl-gone', 'eni-gone', 'nat-gone', 'rtb-gone', 'sg-gone', 'subnet-gone', 'vpce-gone'],
    });
  });

  it('CreateVpc: the new VPC default group and default NACL, its subnets and their interfaces; not its other groups', () => {
    const scope = { ...emptyScope('CreateVpc', 'vpc'), newVpcIds: ['vpc-new'] };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      securityGroups: ['sg-new-default'],
      networkAcls: ['acl-new'],
      subnets: ['subnet-new'],
    });
  });

  it('ModifyManagedPrefixList: the groups whose ingress and the tables whose routes name the list, and the interfaces they decide', () => {
    const scope = { ...emptyScope('ModifyManagedPrefixList', 'prefix-list'), prefixListIds: ['pl-1'] };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      securityGroups: ['sg-pl'],
      routeTables: ['rtb-b'],
      subnets: ['subnet-b'],
      networkInterfaces: ['eni-b', 'eni-b2'],
    });
  });

  it('AttachInternetGateway: only the attached VPC tables that route to that gateway', () => {
    const scope = {
      ...emptyScope('AttachInternetGateway', 'route'),
      internetGatewayIds: ['igw-2'],
      vpcIds: ['vpc-2'],
    };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      routeTables: ['rtb-2-main'],
      networkInterfaces: [],
    });
    const one = { ...scope, internetGatewayIds: ['igw-1'], vpcIds: ['vpc-1'] };
    expect(resolveScope(one, model)).toEqual({
      ...NONE,
      routeTables: ['rtb-b', 'rtb-main'],
      subnets: ['subnet-a', 'subnet-b'],
      networkInterfaces: ['eni-a', 'eni-b', 'eni-b2'],
    });
  });

  it('DisassociateRouteTable: only the main tables that route to the internet, with the subnets and interfaces using them', () => {
    const scope = { ...emptyScope('DisassociateRouteTable', 'route'), mainRouteTables: true as const };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      routeTables: ['rtb-2-main', 'rtb-main'],
      subnets: ['subnet-a'],
      networkInterfaces: ['eni-a'],
    });
  });

  it('a NACL entry event: the interfaces of every subnet behind the NACL, not the subnets as resources', () => {
    const scope = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: ['acl-default'] };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      networkAcls: ['acl-default'],
      networkInterfaces: ['eni-a'],
    });
  });

  it('ReplaceNetworkAclAssociation: the re-associated subnet only, not every subnet behind the NACL', () => {
    const wide = buildModel(
      parseSnapshot({
        Subnets: [
          { SubnetId: 'subnet-x', VpcId: 'vpc-1' },
          { SubnetId: 'subnet-y', VpcId: 'vpc-1' },
        ],
        NetworkAcls: [
          {
            NetworkAclId: 'acl-x',
            VpcId: 'vpc-1',
            Associations: [
              { NetworkAclAssociationId: 'aclassoc-x', SubnetId: 'subnet-x' },
              { NetworkAclAssociationId: 'aclassoc-y', SubnetId: 'subnet-y' },
              { NetworkAclAssociationId: 'aclassoc-z', SubnetId: 'subnet-z' },
            ],
          },
        ],
        NetworkInterfaces: [
          { NetworkInterfaceId: 'eni-x', SubnetId: 'subnet-x', VpcId: 'vpc-1', Groups: [] },
          { NetworkInterfaceId: 'eni-y', SubnetId: 'subnet-y', VpcId: 'vpc-1', Groups: [] },
        ],
      }),
    );
    const scope = {
      ...emptyScope('ReplaceNetworkAclAssociation', 'network-acl'),
      networkAclIds: ['acl-x'],
      networkAclAssociationIds: ['aclassoc-x'],
    };
    expect(resolveScope(scope, wide)).toEqual({
      ...NONE,
      networkAcls: ['acl-x'],
      subnets: ['subnet-x'],
      networkInterfaces: ['eni-x'],
    });
    // An association the slice does not show: every subnet behind the NACL, so none is left out.
    const unknown = { ...scope, networkAclAssociationIds: ['aclassoc-unseen'] };
    expect(resolveScope(unknown, wide).networkInterfaces).toEqual(['eni-x', 'eni-y']);
    // An association to a subnet the slice does not hold: not reported, and the NACL's other
    // subnets' interfaces stay in scope.
    const gone = { ...scope, networkAclAssociationIds: ['aclassoc-z'] };
    expect(resolveScope(gone, wide)).toEqual({
      ...NONE,
      networkAcls: ['acl-x'],
      networkInterfaces: ['eni-x', 'eni-y'],
    });
  });

  it('a route and a prefix-list event decide the exposure of their subnets interfaces; a subnet event does not', () => {
    const table = { ...emptyScope('CreateRoute', 'route'), routeTableIds: ['rtb-b'] };
    expect(resolveScope(table, model)).toEqual({
      ...NONE,
      routeTables: ['rtb-b'],
      subnets: ['subnet-b'],
      networkInterfaces: ['eni-b', 'eni-b2'],
    });
    const subnet = { ...emptyScope('ModifySubnetAttribute', 'subnet'), subnetIds: ['subnet-b'] };
    expect(resolveScope(subnet, model)).toEqual({ ...NONE, subnets: ['subnet-b'] });
  });

  it('an instance event: the interfaces of that instance only', () => {
    const scope = { ...emptyScope('AssociateAddress', 'network-interface'), instanceIds: ['i-b'] };
    expect(resolveScope(scope, model)).toEqual({ ...NONE, networkInterfaces: ['eni-b'] });
  });
});

describe('resolveScope: a group named by name', () => {
  it('in the event VPC only, when the record names one', () => {
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['a'],
      vpcIds: ['vpc-2'],
    };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      securityGroups: ['sg-2'],
      networkInterfaces: ['eni-2'],
    });
  });

  it('without a VPC, the name in several VPCs none of which is the default: nothing, and why', () => {
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['a'],
    };
    expect(resolveScope(scope, model)).toEqual({
      ...NONE,
      missing: ['group named a (not in the default VPC)'],
    });
  });

  it('without a VPC, the one group of that name in a VPC the slice does not describe', () => {
    const bare = buildModel(
      parseSnapshot({
        SecurityGroups: [
          { GroupId: 'sg-x', GroupName: 'web', VpcId: 'vpc-x' },
          { GroupId: 'sg-y', GroupName: 'web', VpcId: 'vpc-x' },
        ],
      }),
    );
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['web'],
    };
    expect(resolveScope(scope, bare).securityGroups).toEqual(['sg-x', 'sg-y']);
  });
});

describe('resolveScope: a name without a VPC, in the default VPC and in a VPC the slice does not describe', () => {
  it('means the default VPC group', () => {
    const mixed = buildModel(
      parseSnapshot({
        Vpcs: [{ VpcId: 'vpc-d', IsDefault: true }],
        SecurityGroups: [
          { GroupId: 'sg-d', GroupName: 'web', VpcId: 'vpc-d' },
          { GroupId: 'sg-u', GroupName: 'web', VpcId: 'vpc-u' },
        ],
      }),
    );
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupNames: ['web'],
    };
    expect(resolveScope(scope, mixed)).toEqual({ ...NONE, securityGroups: ['sg-d'] });
  });
});

describe('resolveScope: DisassociateRouteTable onto a main table whose igw- route names a list the slice did not resolve', () => {
  it('keeps the table and its subnets (their interfaces are then not judged), never drops it as having no way out', () => {
    const unresolved = buildModel(
      parseSnapshot({
        Subnets: [{ SubnetId: 'subnet-a', VpcId: 'vpc-1' }],
        RouteTables: [
          {
            RouteTableId: 'rtb-main',
            VpcId: 'vpc-1',
            Routes: [{ DestinationPrefixListId: 'pl-unread', GatewayId: 'igw-1', State: 'active' }],
            Associations: [{ Main: true, RouteTableId: 'rtb-main' }],
          },
        ],
      }),
    );
    const scope = { ...emptyScope('DisassociateRouteTable', 'route'), mainRouteTables: true as const };
    expect(resolveScope(scope, unresolved)).toEqual({
      ...NONE,
      routeTables: ['rtb-main'],
      subnets: ['subnet-a'],
    });
  });
});

describe('notJudgedInScope: the event share of what the evaluation could not judge', () => {
  it('keeps what is about a resource of each kind in scope, and nothing else', () => {
    const scope = {
      ...NONE,
      securityGroups: ['sg-a'],
      networkAcls: ['acl-b'],
      subnets: ['subnet-a'],
      routeTables: ['rtb-main'],
      natGateways: ['nat-1'],
      vpcEndpoints: ['vpce-1'],
      networkInterfaces: ['eni-a'],
    };
    const ids = ['sg-a', 'acl-b', 'subnet-a', 'rtb-main', 'nat-1', 'vpce-1', 'eni-a', 'eni-2', 'sg-2'];
    const notJudged = ids.map((resourceId) => ({ resourceId, reason: 'r' }));
    expect(notJudgedInScope(notJudged, scope).map((n) => n.resourceId)).toEqual(ids.slice(0, 7));
  });
});
