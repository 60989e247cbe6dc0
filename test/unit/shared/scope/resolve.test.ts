import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../../../shared/events/event-table';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { resolveScope } from '../../../../shared/scope/resolve';

// Two subnets: one on the main table, one with its own table and NACL; an interface in each.
const model = buildModel(
  parseSnapshot({
    Subnets: [
      { SubnetId: 'subnet-a', VpcId: 'vpc-1' },
      { SubnetId: 'subnet-b', VpcId: 'vpc-1' },
    ],
    SecurityGroups: [
      { GroupId: 'sg-a', GroupName: 'a', VpcId: 'vpc-1' },
      { GroupId: 'sg-b', GroupName: 'b', VpcId: 'vpc-1' },
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
        Routes: [],
        Associations: [{ RouteTableId: 'rtb-b', SubnetId: 'subnet-b' }],
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-default',
        VpcId: 'vpc-1',
        IsDefault: true,
        Associations: [{ NetworkAclAssociationId: 'aclassoc-a', SubnetId: 'subnet-a' }],
      },
      {
        NetworkAclId: 'acl-b',
        VpcId: 'vpc-1',
        Associations: [{ NetworkAclAssociationId: 'aclassoc-b', SubnetId: 'subnet-b' }],
      },
    ],
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-a', VpcId: 'vpc-1', Groups: [{ GroupId: 'sg-a' }] },
      {
        NetworkInterfaceId: 'eni-b',
        SubnetId: 'subnet-b',
        VpcId: 'vpc-1',
        Groups: [{ GroupId: 'sg-b' }],
        Attachment: { InstanceId: 'i-b' },
      },
    ],
  }),
);

describe('resolveScope', () => {
  it('reports a group and the interfaces using it, not their subnets', () => {
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-a'],
    };
    expect(resolveScope(scope, model)).toMatchObject({
      securityGroups: ['sg-a'],
      subnets: [],
      networkInterfaces: ['eni-a'],
      missing: [],
    });
  });

  it('resolves a group named by name within the event VPC', () => {
    const scope = {
      ...emptyScope('CreateSecurityGroup', 'security-group'),
      securityGroupNames: ['b', 'gone'],
      vpcIds: ['vpc-1'],
    };
    expect(resolveScope(scope, model)).toMatchObject({
      securityGroups: ['sg-b'],
      missing: ['group named gone'],
    });
  });

  it('widens a route event on the main table to the subnets using it implicitly, and their interfaces', () => {
    const scope = { ...emptyScope('CreateRoute', 'route'), routeTableIds: ['rtb-main'] };
    expect(resolveScope(scope, model)).toMatchObject({
      routeTables: ['rtb-main'],
      subnets: ['subnet-a'],
      networkInterfaces: ['eni-a'],
    });
  });

  it('finds the tables of a VPC that target an attached internet gateway', () => {
    const scope = {
      ...emptyScope('AttachInternetGateway', 'route'),
      internetGatewayIds: ['igw-1'],
      vpcIds: ['vpc-1'],
    };
    expect(resolveScope(scope, model)).toMatchObject({ routeTables: ['rtb-main'], subnets: ['subnet-a'] });
  });

  it('reports the interfaces behind a NACL for an entry event, but not its subnets as resources', () => {
    const scope = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: ['acl-b'] };
    expect(resolveScope(scope, model)).toMatchObject({
      networkAcls: ['acl-b'],
      subnets: [],
      networkInterfaces: ['eni-b'],
    });
  });

  it('picks the re-associated subnet out of a NACL by the new association id', () => {
    const scope = {
      ...emptyScope('ReplaceNetworkAclAssociation', 'network-acl'),
      networkAclIds: ['acl-default'],
      networkAclAssociationIds: ['aclassoc-a'],
    };
    expect(resolveScope(scope, model)).toMatchObject({ subnets: ['subnet-a'], networkInterfaces: ['eni-a'] });
  });

  it('finds the interfaces of an instance; a subnet event reports no interface exposure', () => {
    const byInstance = { ...emptyScope('AssociateAddress', 'network-interface'), instanceIds: ['i-b'] };
    expect(resolveScope(byInstance, model).networkInterfaces).toEqual(['eni-b']);
    const subnet = { ...emptyScope('ModifySubnetAttribute', 'subnet'), subnetIds: ['subnet-a'] };
    expect(resolveScope(subnet, model)).toMatchObject({ subnets: ['subnet-a'], networkInterfaces: [] });
  });
});

describe('resolveScope: a group named only by name', () => {
  const twoDefaults = (vpcs: { VpcId: string; IsDefault: boolean }[]) =>
    buildModel(
      parseSnapshot({
        Vpcs: vpcs,
        SecurityGroups: [
          { GroupId: 'sg-dflt-1', GroupName: 'default', VpcId: 'vpc-1' },
          { GroupId: 'sg-dflt-2', GroupName: 'default', VpcId: 'vpc-2' },
        ],
      }),
    );
  const byName = {
    ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
    securityGroupNames: ['default'],
  };

  it('means the default VPC group when the name exists in several VPCs', () => {
    const model = twoDefaults([
      { VpcId: 'vpc-1', IsDefault: false },
      { VpcId: 'vpc-2', IsDefault: true },
    ]);
    expect(resolveScope(byName, model).securityGroups).toEqual(['sg-dflt-2']);
  });

  it('takes no group when it cannot tell which VPC is the default, and says why', () => {
    const resolved = resolveScope(byName, twoDefaults([]));
    expect(resolved.securityGroups).toEqual([]);
    expect(resolved.missing).toEqual([
      'group named default (ambiguous: found in 2 VPCs, none known as the default VPC)',
    ]);
  });

  it('takes no group of a VPC the slice shows is not the default, even as the only match (a whole snapshot under simulate)', () => {
    // The default VPC's group of that name is gone; only another VPC's twin is left.
    const model = buildModel(
      parseSnapshot({
        Vpcs: [
          { VpcId: 'vpc-1', IsDefault: false },
          { VpcId: 'vpc-2', IsDefault: true },
        ],
        SecurityGroups: [{ GroupId: 'sg-dflt-1', GroupName: 'default', VpcId: 'vpc-1' }],
      }),
    );
    const resolved = resolveScope(byName, model);
    // Before: the one match was taken, whatever its VPC.
    expect(resolved.securityGroups).toEqual([]);
    expect(resolved.missing).toEqual(['group named default (not in the default VPC)']);
  });

  it('takes the group of the VPC the call named', () => {
    const resolved = resolveScope({ ...byName, vpcIds: ['vpc-1'] }, twoDefaults([]));
    expect(resolved.securityGroups).toEqual(['sg-dflt-1']);
  });
});

describe('resolveScope: DisassociateRouteTable and a main table routing the internet through split routes', () => {
  const withMain = (routes: Record<string, string>[]) =>
    buildModel(
      parseSnapshot({
        Subnets: [{ SubnetId: 'subnet-a', VpcId: 'vpc-1' }],
        RouteTables: [
          {
            RouteTableId: 'rtb-main',
            VpcId: 'vpc-1',
            Routes: routes,
            Associations: [{ Main: true, RouteTableId: 'rtb-main' }],
          },
        ],
        NetworkInterfaces: [
          { NetworkInterfaceId: 'eni-a', SubnetId: 'subnet-a', VpcId: 'vpc-1', Groups: [] },
        ],
      }),
    );
  const scope = { ...emptyScope('DisassociateRouteTable', 'route'), mainRouteTables: true as const };

  it('0.0.0.0/1 + 128.0.0.0/1 to an igw- is the internet, as the rules read it: its subnets are reported', () => {
    const model = withMain([
      { DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'igw-1', State: 'active' },
      { DestinationCidrBlock: '128.0.0.0/1', GatewayId: 'igw-1', State: 'active' },
    ]);
    expect(resolveScope(scope, model)).toMatchObject({ routeTables: ['rtb-main'], subnets: ['subnet-a'] });
  });

  it('::/1 + 8000::/1 likewise', () => {
    const model = withMain([
      { DestinationIpv6CidrBlock: '::/1', GatewayId: 'igw-1', State: 'active' },
      { DestinationIpv6CidrBlock: '8000::/1', GatewayId: 'igw-1', State: 'active' },
    ]);
    expect(resolveScope(scope, model)).toMatchObject({ routeTables: ['rtb-main'], subnets: ['subnet-a'] });
  });

  it('one half only, or below the configured coverage, is not', () => {
    const half = withMain([{ DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'igw-1', State: 'active' }]);
    expect(resolveScope(scope, half)).toMatchObject({ routeTables: [], subnets: [] });
    const split = withMain([
      { DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'igw-1', State: 'active' },
      { DestinationCidrBlock: '128.0.0.0/2', GatewayId: 'igw-1', State: 'active' },
    ]);
    expect(resolveScope(scope, split, 0.99)).toMatchObject({ routeTables: [], subnets: [] });
    expect(resolveScope(scope, split, 0.7)).toMatchObject({
      routeTables: ['rtb-main'],
      subnets: ['subnet-a'],
    });
  });
});
