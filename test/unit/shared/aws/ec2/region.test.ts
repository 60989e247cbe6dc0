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
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { allPages } from '../../../../../shared/aws/ec2/pages';
import {
  EC2_READ_ACTIONS,
  type LoadProgress,
  loadRegionSnapshot,
} from '../../../../../shared/aws/ec2/region';
import { RegionLoadError } from '../../../../../shared/aws/errors';
import { InputError } from '../../../../../shared/errors';
import { parseSnapshot } from '../../../../../shared/model/snapshot';

const ec2 = mockClient(EC2Client);
const client = new EC2Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

function emptyRegion(): void {
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
}

const sg = (id: string, vpc: string, prefixList?: string) => ({
  GroupId: id,
  GroupName: id,
  VpcId: vpc,
  OwnerId: '111122223333',
  IpPermissions: [
    {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      ...(prefixList ? { PrefixListIds: [{ PrefixListId: prefixList }] } : {}),
    },
  ],
  IpPermissionsEgress: [],
});

describe('loadRegionSnapshot', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('reads every page of every list of a whole region', async () => {
    // Prepare
    emptyRegion();
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', OwnerId: '111122223333' }] });
    ec2
      .on(DescribeSecurityGroupsCommand, { NextToken: undefined })
      .resolves({ SecurityGroups: [sg('sg-1', 'vpc-1')], NextToken: 'page-2' })
      .on(DescribeSecurityGroupsCommand, { NextToken: 'page-2' })
      .resolves({ SecurityGroups: [sg('sg-2', 'vpc-1')], NextToken: 'page-3' })
      .on(DescribeSecurityGroupsCommand, { NextToken: 'page-3' })
      .resolves({ SecurityGroups: [sg('sg-3', 'vpc-1')] });
    ec2
      .on(DescribeSecurityGroupRulesCommand, { NextToken: undefined })
      .resolves({
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-1',
            GroupId: 'sg-1',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
          },
        ],
        NextToken: 't',
      })
      .on(DescribeSecurityGroupRulesCommand, { NextToken: 't' })
      .resolves({
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-2',
            GroupId: 'sg-2',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
          },
        ],
      });
    ec2.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: [], Associations: [] }],
    });

    // Act
    const snapshot = await loadRegionSnapshot(client, { region: 'eu-west-1' });

    // Assess
    expect(snapshot.region).toBe('eu-west-1');
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.SecurityGroups.map((g) => g.GroupId)).toEqual(['sg-1', 'sg-2', 'sg-3']);
    expect(snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toEqual(['sgr-1', 'sgr-2']);
    expect(snapshot.NetworkAcls.map((n) => n.NetworkAclId)).toEqual(['acl-1']);
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupsCommand, 3);
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { MaxResults: 1000 });
    // A whole region is unfiltered.
    expect(ec2).not.toHaveReceivedCommandWith(DescribeSubnetsCommand, { Filters: expect.anything() });
    // And it is a valid snapshot.
    expect(parseSnapshot(JSON.parse(JSON.stringify(snapshot))).SecurityGroups).toHaveLength(3);
  });

  it('filters every list by the VPCs asked for and reads the rules of their groups', async () => {
    // Prepare
    emptyRegion();
    ec2.on(DescribeVpcsCommand).resolves({
      Vpcs: [
        { VpcId: 'vpc-1', OwnerId: '111122223333' },
        { VpcId: 'vpc-2', OwnerId: '111122223333' },
      ],
    });
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [sg('sg-1', 'vpc-1'), sg('sg-2', 'vpc-2')] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
        },
      ],
    });

    // Act
    const snapshot = await loadRegionSnapshot(client, {
      region: 'eu-west-1',
      vpcIds: ['vpc-1', 'vpc-2', 'vpc-1'],
    });

    // Assess
    const vpcFilter = [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }];
    for (const command of [
      DescribeVpcsCommand,
      DescribeSubnetsCommand,
      DescribeSecurityGroupsCommand,
      DescribeNetworkAclsCommand,
      DescribeRouteTablesCommand,
      DescribeVpcEndpointsCommand,
      DescribeNetworkInterfacesCommand,
    ]) {
      expect(ec2).toHaveReceivedCommandWith(command, { Filters: vpcFilter });
    }
    expect(ec2).toHaveReceivedCommandWith(DescribeNatGatewaysCommand, { Filter: vpcFilter });
    expect(ec2).toHaveReceivedCommandWith(DescribeInternetGatewaysCommand, {
      Filters: [{ Name: 'attachment.vpc-id', Values: ['vpc-1', 'vpc-2'] }],
    });
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, {
      Filters: [{ Name: 'group-id', Values: ['sg-1', 'sg-2'] }],
    });
    expect(snapshot.SecurityGroupRules).toHaveLength(1);
  });

  it('rejects a VPC the region does not have, naming it', async () => {
    // Prepare
    emptyRegion();
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1' }] });

    // Act
    const load = loadRegionSnapshot(client, { region: 'eu-west-1', vpcIds: ['vpc-1', 'vpc-404'] });

    // Assess
    await expect(load).rejects.toBeInstanceOf(InputError);
    await expect(load).rejects.toThrow(/vpc-404: not a VPC of region eu-west-1/);
  });

  it('loads the entries of the prefix lists the groups reference, and only those', async () => {
    // Prepare
    emptyRegion();
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1' }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [sg('sg-1', 'vpc-1', 'pl-used')] });
    ec2.on(DescribeManagedPrefixListsCommand).resolves({
      PrefixLists: [
        { PrefixListId: 'pl-unused', PrefixListName: 'other', AddressFamily: 'IPv4' },
        {
          PrefixListId: 'pl-used',
          PrefixListName: 'offices',
          AddressFamily: 'IPv4',
          OwnerId: '111122223333',
        },
      ],
    });
    ec2
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-used', NextToken: undefined })
      .resolves({ Entries: [{ Cidr: '0.0.0.0/1' }], NextToken: 'n' })
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-used', NextToken: 'n' })
      .resolves({ Entries: [{ Cidr: '128.0.0.0/1' }] });

    // Act
    const snapshot = await loadRegionSnapshot(client, { region: 'eu-west-1' });

    // Assess
    expect(snapshot.ManagedPrefixLists).toEqual([
      {
        PrefixListId: 'pl-used',
        PrefixListName: 'offices',
        AddressFamily: 'IPv4',
        OwnerId: '111122223333',
        Entries: [{ Cidr: '0.0.0.0/1' }, { Cidr: '128.0.0.0/1' }],
      },
    ]);
    expect(ec2).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 2);
  });

  it('fails the load when a describe fails, naming the operation, region and AWS error code', async () => {
    // Prepare
    emptyRegion();
    ec2.on(DescribeNetworkAclsCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: {},
        message: 'You are not authorized to perform this operation.',
      }),
    );

    // Act
    const load = loadRegionSnapshot(client, { region: 'eu-west-1' });

    // Assess
    await expect(load).rejects.toBeInstanceOf(RegionLoadError);
    await expect(load).rejects.toMatchObject({
      region: 'eu-west-1',
      operation: 'DescribeNetworkAcls',
      code: 'UnauthorizedOperation',
      message:
        'DescribeNetworkAcls failed in eu-west-1: UnauthorizedOperation: You are not authorized to perform this operation.',
    });
  });

  it('reports progress after every page', async () => {
    // Prepare
    emptyRegion();
    ec2
      .on(DescribeSecurityGroupsCommand, { NextToken: undefined })
      .resolves({ SecurityGroups: [sg('sg-1', 'vpc-1'), sg('sg-2', 'vpc-1')], NextToken: 'x' })
      .on(DescribeSecurityGroupsCommand, { NextToken: 'x' })
      .resolves({ SecurityGroups: [sg('sg-3', 'vpc-1')] });
    const progress: LoadProgress[] = [];

    // Act
    await loadRegionSnapshot(client, { region: 'eu-west-1', onProgress: (p) => progress.push(p) });

    // Assess
    expect(progress.filter((p) => p.list === 'SecurityGroups')).toEqual([
      { region: 'eu-west-1', list: 'SecurityGroups', items: 2, pages: 1 },
      { region: 'eu-west-1', list: 'SecurityGroups', items: 3, pages: 2 },
    ]);
  });
});

describe('EC2_READ_ACTIONS', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('names every call a region load makes, and nothing else', async () => {
    // Prepare
    emptyRegion();
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1' }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [sg('sg-1', 'vpc-1', 'pl-1')] });
    ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [{ PrefixListId: 'pl-1' }] });
    ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });

    // Act
    await loadRegionSnapshot(client, { region: 'eu-west-1' });
    await loadRegionSnapshot(client, { region: 'eu-west-1', vpcIds: ['vpc-1'] });

    // Assess
    const actions = new Set(
      ec2.calls().map((call) => `ec2:${call.args[0].constructor.name.replace(/Command$/, '')}`),
    );
    expect([...actions].sort()).toEqual([...EC2_READ_ACTIONS]);
  });
});

describe('allPages', () => {
  it('stops with an error when a token repeats instead of looping forever', async () => {
    // Prepare
    const fetchPage = async (token: string | undefined) => ({ items: [token ?? 'first'], nextToken: 'same' });

    // Act
    const read = allPages(fetchPage);

    // Assess
    await expect(read).rejects.toThrow(/returned the token same/);
  });

  it('treats an empty next token as the last page', async () => {
    // Act
    const items = await allPages(async () => ({ items: [1, 2], nextToken: '' }));

    // Assess
    expect(items).toEqual([1, 2]);
  });
});
