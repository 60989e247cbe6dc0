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
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { Ec2Mock } from './fake-ec2';

/** A group of `vpcId` admitting these IPv4 sources on 22/tcp (one permission, one rule each). */
export function sshGroup(
  groupId: string,
  vpcId: string,
  cidrs: readonly string[],
  owner = '111122223333',
): { group: SecurityGroup; rules: SecurityGroupRule[] } {
  return {
    group: {
      GroupId: groupId,
      GroupName: groupId,
      VpcId: vpcId,
      OwnerId: owner,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })) },
      ],
      IpPermissionsEgress: [],
    },
    rules: cidrs.map((cidr, i) => ({
      SecurityGroupRuleId: `sgr-${groupId.slice(3)}-${i}`,
      GroupId: groupId,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: cidr,
    })),
  };
}

/** Answers a whole-region load with one VPC holding these groups (every other list empty). */
export function mockRegion(
  mock: Ec2Mock,
  vpcId: string,
  groups: readonly { group: SecurityGroup; rules: SecurityGroupRule[] }[],
  owner = '111122223333',
): void {
  mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: vpcId, OwnerId: owner }] });
  mock.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: groups.map((g) => g.group) });
  mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: groups.flatMap((g) => g.rules) });
  mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  mock.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  mock.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  mock.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  mock.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
}
