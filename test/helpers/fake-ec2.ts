import {
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2ClientResolvedConfig,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { World } from './world';

type Item = Record<string, unknown>;
/** The stub `mockClient(EC2Client)` returns. */
export type Ec2Mock = AwsStub<ServiceInputTypes, ServiceOutputTypes, EC2ClientResolvedConfig>;
type Matchers = Record<string, (item: Item) => unknown[]>;

const str = (value: unknown): unknown[] => [value];
const groupsOf = (item: Item): unknown[] =>
  ((item.Groups as { GroupId?: string }[] | undefined) ?? []).map((g) => g.GroupId);

/** Applies EC2 filter semantics: values of one filter are OR-ed, filters are AND-ed. */
function filtered(items: readonly Item[], filters: Filter[] | undefined, matchers: Matchers): Item[] {
  return items.filter((item) =>
    (filters ?? []).every((filter) => {
      const name = filter.Name ?? '';
      const match = matchers[name];
      if (!match) throw new Error(`fake EC2: unsupported filter ${name}`);
      const values = match(item);
      return (filter.Values ?? []).some((v) => values.includes(v));
    }),
  );
}

/** One page of `items` starting at the token (an offset). */
function page(items: Item[], token: string | undefined, pageSize: number) {
  const start = token ? Number(token) : 0;
  const slice = items.slice(start, start + pageSize);
  const next = start + pageSize < items.length ? String(start + pageSize) : undefined;
  return { slice, next };
}

/**
 * Answers the Describe* calls of the slice loader from a world, with EC2's filter and pagination
 * semantics (a small page size exercises NextToken). Every call is recorded by the mock.
 */
export function installFakeEc2(mock: Ec2Mock, world: World, pageSize = 1000): void {
  const describe =
    <K extends string>(key: K, items: () => readonly Item[], matchers: Matchers) =>
    (input: { Filters?: Filter[]; Filter?: Filter[]; NextToken?: string }) => {
      const { slice, next } = page(
        filtered(items(), input.Filters ?? input.Filter, matchers),
        input.NextToken,
        pageSize,
      );
      return { [key]: slice, ...(next ? { NextToken: next } : {}) };
    };
  const describeGroups = describe('SecurityGroups', () => world.SecurityGroups, {
    'group-id': (g) => str(g.GroupId),
    'group-name': (g) => str(g.GroupName),
    'vpc-id': (g) => str(g.VpcId),
    'ip-permission.prefix-list-id': (g) =>
      ((g.IpPermissions ?? []) as { PrefixListIds?: { PrefixListId?: string }[] }[]).flatMap((p) =>
        (p.PrefixListIds ?? []).map((l) => l.PrefixListId),
      ),
  });
  mock.on(DescribeSecurityGroupsCommand).callsFake((input: { GroupNames?: string[]; Filters?: Filter[] }) => {
    const names = input.GroupNames;
    if (!names || names.length === 0) return describeGroups(input);
    // `GroupNames`, as EC2 reads it: in the default VPC only; a name not there fails the whole call.
    const defaults = new Set(world.Vpcs.filter((v) => v.IsDefault === true).map((v) => v.VpcId));
    const found = world.SecurityGroups.filter(
      (g) => names.includes(String(g.GroupName)) && defaults.has(g.VpcId),
    );
    if (new Set(found.map((g) => g.GroupName)).size !== new Set(names).size) {
      throw Object.assign(
        new Error(`The security group '${names.join(',')}' does not exist in default VPC`),
        {
          name: 'InvalidGroup.NotFound',
          $metadata: { httpStatusCode: 400 },
        },
      );
    }
    return { SecurityGroups: found };
  });
  mock.on(DescribeSecurityGroupRulesCommand).callsFake(
    describe('SecurityGroupRules', () => world.SecurityGroupRules, {
      'group-id': (r) => str(r.GroupId),
      'security-group-rule-id': (r) => str(r.SecurityGroupRuleId),
    }),
  );
  mock.on(DescribeNetworkInterfacesCommand).callsFake(
    describe('NetworkInterfaces', () => world.NetworkInterfaces, {
      'group-id': groupsOf,
      'network-interface-id': (e) => str(e.NetworkInterfaceId),
      'attachment.instance-id': (e) => str((e.Attachment as { InstanceId?: string } | undefined)?.InstanceId),
      'vpc-id': (e) => str(e.VpcId),
      'subnet-id': (e) => str(e.SubnetId),
    }),
  );
  const describeAcls = describe('NetworkAcls', () => world.NetworkAcls, {
    'network-acl-id': (a) => str(a.NetworkAclId),
    'vpc-id': (a) => str(a.VpcId),
  });
  mock.on(DescribeNetworkAclsCommand).callsFake((input: { NetworkAclIds?: string[]; Filters?: Filter[] }) => {
    const ids = input.NetworkAclIds;
    if (!ids || ids.length === 0) return describeAcls(input);
    // By ids, as EC2 answers them: every id must exist, else the whole call is NotFound.
    const found = world.NetworkAcls.filter((a) => ids.includes(String(a.NetworkAclId)));
    if (found.length !== new Set(ids).size) {
      throw Object.assign(new Error(`The network ACL ID '${ids.join(',')}' does not exist`), {
        name: 'InvalidNetworkAclID.NotFound',
        $metadata: { httpStatusCode: 400 },
      });
    }
    return { NetworkAcls: filtered(found, input.Filters, { 'vpc-id': (a) => str(a.VpcId) }) };
  });
  mock.on(DescribeRouteTablesCommand).callsFake(
    describe('RouteTables', () => world.RouteTables, {
      'route-table-id': (t) => str(t.RouteTableId),
      'vpc-id': (t) => str(t.VpcId),
      // EC2's `association.main`: "true" for a VPC's main table, else "false".
      'association.main': (t) =>
        str(String(((t.Associations ?? []) as { Main?: boolean }[]).some((a) => a.Main === true))),
      'route.destination-prefix-list-id': (t) =>
        ((t.Routes ?? []) as { DestinationPrefixListId?: string }[]).map((r) => r.DestinationPrefixListId),
    }),
  );
  mock.on(DescribeSubnetsCommand).callsFake(
    describe('Subnets', () => world.Subnets, {
      'subnet-id': (s) => str(s.SubnetId),
      'vpc-id': (s) => str(s.VpcId),
    }),
  );
  mock
    .on(DescribeNatGatewaysCommand)
    .callsFake(
      describe('NatGateways', () => world.NatGateways, { 'nat-gateway-id': (n) => str(n.NatGatewayId) }),
    );
  const describeEndpoints = describe('VpcEndpoints', () => world.VpcEndpoints, {
    'vpc-endpoint-id': (e) => str(e.VpcEndpointId),
  });
  mock
    .on(DescribeVpcEndpointsCommand)
    .callsFake((input: { VpcEndpointIds?: string[]; Filters?: Filter[] }) => {
      const ids = input.VpcEndpointIds;
      if (!ids || ids.length === 0) return describeEndpoints(input);
      const found = world.VpcEndpoints.filter((e) => ids.includes(String(e.VpcEndpointId)));
      if (found.length !== new Set(ids).size) {
        throw Object.assign(new Error(`The VPC endpoint ID '${ids.join(',')}' does not exist`), {
          name: 'InvalidVpcEndpointId.NotFound',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { VpcEndpoints: found };
    });
  mock
    .on(DescribeVpcsCommand)
    .callsFake(describe('Vpcs', () => world.Vpcs, { 'vpc-id': (v) => str(v.VpcId) }));
  mock.on(RevokeSecurityGroupIngressCommand).callsFake((input) => revoke(world, input, false));
  mock.on(RevokeSecurityGroupEgressCommand).callsFake((input) => revoke(world, input, true));
  mock
    .on(GetManagedPrefixListEntriesCommand)
    .callsFake((input: { PrefixListId?: string; TargetVersion?: number }) => {
      const list = world.ManagedPrefixLists.find((l) => l.PrefixListId === input.PrefixListId);
      if (input.TargetVersion === undefined) return { Entries: list?.Entries ?? [] };
      const entries = list?.Versions?.[input.TargetVersion];
      if (!entries) {
        throw Object.assign(new Error(`The version ${input.TargetVersion} does not exist`), {
          name: 'InvalidParameterValue',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { Entries: entries };
    });
}

/**
 * Revokes rules by id as EC2 does: all named rules must exist in the group and direction, else
 * `InvalidSecurityGroupRuleId.NotFound` and nothing changes. Both views change together, as in
 * EC2: the rule leaves SecurityGroupRules and its source leaves the group's IpPermissions.
 */
function revoke(world: World, input: RevokeSecurityGroupIngressCommandInput, egress: boolean) {
  const ids = input.SecurityGroupRuleIds ?? [];
  const rules = world.SecurityGroupRules;
  const matches = rules.filter(
    (r) =>
      r.GroupId === input.GroupId && r.IsEgress === egress && ids.includes(String(r.SecurityGroupRuleId)),
  );
  if (ids.length === 0 || matches.length !== ids.length) {
    throw Object.assign(new Error(`The security group rule IDs '${ids.join(',')}' do not exist`), {
      name: 'InvalidSecurityGroupRuleId.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
  }
  world.SecurityGroupRules = rules.filter((r) => !matches.includes(r));
  for (const rule of matches) dropFromPermissions(world, rule, egress);
  return { Return: true };
}

/** Removes a revoked rule's source from the permission of the same protocol and ports. */
function dropFromPermissions(world: World, rule: Item, egress: boolean): void {
  const group = world.SecurityGroups.find((g) => g.GroupId === rule.GroupId);
  if (!group) return;
  const key = egress ? 'IpPermissionsEgress' : 'IpPermissions';
  const permissions = (group[key] as Item[] | undefined) ?? [];
  const kept: Item[] = [];
  for (const p of permissions) {
    const same = p.IpProtocol === rule.IpProtocol && p.FromPort === rule.FromPort && p.ToPort === rule.ToPort;
    const copy: Item = { ...p };
    if (same) {
      const drop = <T extends Item>(list: unknown, field: string, value: unknown): T[] =>
        ((list as T[] | undefined) ?? []).filter((entry) => entry[field] !== value);
      copy.IpRanges = drop(p.IpRanges, 'CidrIp', rule.CidrIpv4);
      copy.Ipv6Ranges = drop(p.Ipv6Ranges, 'CidrIpv6', rule.CidrIpv6);
      copy.PrefixListIds = drop(p.PrefixListIds, 'PrefixListId', rule.PrefixListId);
      copy.UserIdGroupPairs = drop(
        p.UserIdGroupPairs,
        'GroupId',
        (rule.ReferencedGroupInfo as Item | undefined)?.GroupId,
      );
    }
    const sources = ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'];
    if (sources.some((f) => ((copy[f] as unknown[] | undefined) ?? []).length > 0)) kept.push(copy);
  }
  group[key] = kept;
}
