import { describe, expect, it } from 'vitest';
import { HANDLED_EVENT_NAMES } from '../../shared/events/event-table';
import { triageEvent } from '../../shared/events/parse';
import type { EventScope } from '../../shared/events/types';
import { cloudTrailFixture, cloudTrailRecord, DESIGN_EVENT_NAMES, envelope } from '../helpers';

const KEY = 'vpc-guardrail:exempt';

function scopeOf(event: unknown): EventScope {
  const triage = triageEvent(event, { exemptionTagKey: KEY });
  if (triage.kind !== 'handle') throw new Error(`ignored: ${triage.ignored.reason}`);
  return triage.scope;
}

describe('§7 the event table', () => {
  it('handles every event name of the DESIGN table', () => {
    expect([...HANDLED_EVENT_NAMES].sort()).toEqual(expect.arrayContaining([...DESIGN_EVENT_NAMES].sort()));
  });

  // One record per event name, in the shapes CloudTrail gives them; the scope each must yield.
  const cases: [string, unknown, Partial<EventScope>][] = [
    [
      'AuthorizeSecurityGroupIngress (structured, rule set)',
      cloudTrailFixture('AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json'),
      { area: 'security-group' },
    ],
    [
      'AuthorizeSecurityGroupEgress (protocol -1, no ports, no rule set)',
      cloudTrailFixture('AuthorizeSecurityGroupEgress--protocol-all-anywhere-terraform-panther.json'),
      { area: 'security-group' },
    ],
    [
      'RevokeSecurityGroupIngress',
      cloudTrailRecord('RevokeSecurityGroupIngress', {
        groupId: 'sg-0aaa',
        ipPermissions: {
          items: [
            { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
          ],
        },
      }),
      { securityGroupIds: ['sg-0aaa'] },
    ],
    [
      'RevokeSecurityGroupEgress by rule ids',
      cloudTrailRecord('RevokeSecurityGroupEgress', {
        groupId: 'sg-0aaa',
        securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-1' }] },
      }),
      { securityGroupIds: ['sg-0aaa'] },
    ],
    [
      'ModifySecurityGroupRules (one rule as an object)',
      cloudTrailRecord('ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-0aaa',
          SecurityGroupRule: {
            SecurityGroupRuleId: 'sgr-1',
            SecurityGroupRule: { IpProtocol: 'tcp' },
            tag: 1,
          },
        },
      }),
      { securityGroupIds: ['sg-0aaa'], securityGroupRuleIds: ['sgr-1'] },
    ],
    [
      'ModifySecurityGroupRules (rules as an array)',
      cloudTrailRecord('ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-0aaa',
          SecurityGroupRule: [
            { SecurityGroupRuleId: 'sgr-1', tag: 1 },
            { SecurityGroupRuleId: 'sgr-2', tag: 2 },
          ],
        },
      }),
      { securityGroupIds: ['sg-0aaa'], securityGroupRuleIds: ['sgr-1', 'sgr-2'] },
    ],
    [
      'CreateSecurityGroup (id only in the response)',
      cloudTrailFixture('CreateSecurityGroup--terraform-panther.json'),
      { area: 'security-group' },
    ],
    [
      'ModifyNetworkInterfaceAttribute (groups change)',
      cloudTrailRecord('ModifyNetworkInterfaceAttribute', {
        networkInterfaceId: 'eni-0aaa',
        groupSet: { items: [{ groupId: 'sg-0aaa' }, { groupId: 'sg-0bbb' }] },
      }),
      { area: 'network-interface', networkInterfaceIds: ['eni-0aaa'] },
    ],
    [
      'AssociateAddress on an interface',
      cloudTrailRecord(
        'AssociateAddress',
        { allocationId: 'eipalloc-1', networkInterfaceId: 'eni-0aaa', allowReassociation: false },
        { requestId: 'r', _return: true, associationId: 'eipassoc-1' },
      ),
      { networkInterfaceIds: ['eni-0aaa'] },
    ],
    [
      'AssociateAddress on an instance',
      cloudTrailRecord('AssociateAddress', { allocationId: 'eipalloc-1', instanceId: 'i-0aaa' }),
      { instanceIds: ['i-0aaa'] },
    ],
    [
      'AttachNetworkInterface',
      cloudTrailRecord(
        'AttachNetworkInterface',
        { networkInterfaceId: 'eni-0aaa', instanceId: 'i-0aaa', deviceIndex: 1 },
        { requestId: 'r', attachmentId: 'eni-attach-1', networkCardIndex: 0 },
      ),
      { networkInterfaceIds: ['eni-0aaa'] },
    ],
    [
      'RunInstances',
      cloudTrailRecord(
        'RunInstances',
        { instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 1 }] } },
        {
          instancesSet: {
            items: [
              {
                instanceId: 'i-0aaa',
                networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0aaa', subnetId: 'subnet-1' }] },
              },
            ],
          },
        },
      ),
      { instanceIds: ['i-0aaa'], networkInterfaceIds: ['eni-0aaa'] },
    ],
    [
      'CreateNetworkAcl',
      cloudTrailRecord(
        'CreateNetworkAcl',
        { vpcId: 'vpc-1' },
        {
          networkAcl: {
            networkAclId: 'acl-0new',
            vpcId: 'vpc-1',
            entrySet: {},
            associationSet: {},
            tagSet: {},
          },
        },
      ),
      { area: 'network-acl', networkAclIds: ['acl-0new'] },
    ],
    [
      'CreateNetworkAclEntry',
      cloudTrailFixture('CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json'),
      { area: 'network-acl' },
    ],
    [
      'ReplaceNetworkAclEntry',
      cloudTrailRecord('ReplaceNetworkAclEntry', {
        networkAclId: 'acl-0aaa',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        aclProtocol: '6',
        cidrBlock: '0.0.0.0/0',
        portRange: { from: 22, to: 22 },
      }),
      { networkAclIds: ['acl-0aaa'] },
    ],
    [
      'DeleteNetworkAclEntry',
      cloudTrailFixture('DeleteNetworkAclEntry--ingress-rule-100-cli.json'),
      { area: 'network-acl' },
    ],
    [
      'ReplaceNetworkAclAssociation',
      cloudTrailRecord(
        'ReplaceNetworkAclAssociation',
        { associationId: 'aclassoc-old', networkAclId: 'acl-0aaa' },
        { requestId: 'r', newAssociationId: 'aclassoc-new' },
      ),
      { networkAclIds: ['acl-0aaa'], networkAclAssociationIds: ['aclassoc-new', 'aclassoc-old'] },
    ],
    ['CreateRoute', cloudTrailFixture('CreateRoute--igw-default-route-panther.json'), { area: 'route' }],
    [
      'ReplaceRoute',
      cloudTrailRecord('ReplaceRoute', {
        routeTableId: 'rtb-0aaa',
        destinationCidrBlock: '0.0.0.0/0',
        gatewayId: 'igw-1',
      }),
      { routeTableIds: ['rtb-0aaa'] },
    ],
    [
      'DeleteRoute',
      cloudTrailRecord('DeleteRoute', { routeTableId: 'rtb-0aaa', destinationCidrBlock: '0.0.0.0/0' }),
      { routeTableIds: ['rtb-0aaa'] },
    ],
    ['CreateRouteTable', cloudTrailFixture('CreateRouteTable--sanitized.json'), { area: 'route' }],
    [
      'AssociateRouteTable',
      cloudTrailRecord(
        'AssociateRouteTable',
        { routeTableId: 'rtb-0aaa', subnetId: 'subnet-0aaa' },
        { requestId: 'r', associationId: 'rtbassoc-1', associationState: { state: 'associated' } },
      ),
      { routeTableIds: ['rtb-0aaa'], subnetIds: ['subnet-0aaa'] },
    ],
    [
      'ReplaceRouteTableAssociation',
      cloudTrailRecord(
        'ReplaceRouteTableAssociation',
        { associationId: 'rtbassoc-1', routeTableId: 'rtb-0bbb' },
        { requestId: 'r', newAssociationId: 'rtbassoc-2', associationState: { state: 'associated' } },
      ),
      { routeTableIds: ['rtb-0bbb'] },
    ],
    ['AttachInternetGateway', cloudTrailFixture('AttachInternetGateway--sanitized.json'), { area: 'route' }],
    [
      'CreateSubnet',
      cloudTrailRecord(
        'CreateSubnet',
        { vpcId: 'vpc-1', cidrBlock: '10.0.9.0/24' },
        { subnet: { subnetId: 'subnet-0new', vpcId: 'vpc-1', mapPublicIpOnLaunch: false } },
      ),
      { area: 'subnet', subnetIds: ['subnet-0new'] },
    ],
    [
      'ModifySubnetAttribute',
      cloudTrailRecord('ModifySubnetAttribute', {
        subnetId: 'subnet-0aaa',
        mapPublicIpOnLaunch: { value: true },
      }),
      { area: 'subnet', subnetIds: ['subnet-0aaa'] },
    ],
    [
      'CreateNatGateway (wrapped request and response)',
      cloudTrailFixture('CreateNatGateway--wrapped-request-response-sanitized.json'),
      { area: 'nat-gateway' },
    ],
    [
      'CreateVpcEndpoint (wrapped, XML-shaped sets)',
      cloudTrailFixture('CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json'),
      { area: 'vpc-endpoint' },
    ],
    [
      'ModifyVpcEndpoint (wrapped)',
      cloudTrailRecord(
        'ModifyVpcEndpoint',
        { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0aaa', ResetPolicy: true } },
        { ModifyVpcEndpointResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', return: true } },
      ),
      { area: 'vpc-endpoint', vpcEndpointIds: ['vpce-0aaa'] },
    ],
    [
      'ModifyVpcEndpoint (classic camelCase)',
      cloudTrailRecord('ModifyVpcEndpoint', { vpcEndpointId: 'vpce-0aaa', resetPolicy: true }),
      { vpcEndpointIds: ['vpce-0aaa'] },
    ],
    [
      'CreateTags on the exemption key',
      cloudTrailRecord('CreateTags', {
        resourcesSet: { items: [{ resourceId: 'sg-0aaa' }, { resourceId: 'acl-0aaa' }] },
        tagSet: { items: [{ key: KEY, value: 'sg-open-admin-port@2030-01-01' }] },
      }),
      {
        area: 'exemption',
        securityGroupIds: ['sg-0aaa'],
        networkAclIds: ['acl-0aaa'],
        exemption: {
          change: 'set',
          key: KEY,
          value: 'sg-open-admin-port@2030-01-01',
          resourceIds: ['sg-0aaa', 'acl-0aaa'],
        },
      },
    ],
    [
      'DeleteTags on the exemption key (single tag as {item})',
      cloudTrailRecord('DeleteTags', {
        resourcesSet: { item: { resourceId: 'sg-0aaa' } },
        tagSet: { item: { key: KEY } },
      }),
      { securityGroupIds: ['sg-0aaa'], exemption: { change: 'removed', key: KEY, resourceIds: ['sg-0aaa'] } },
    ],
  ];

  it.each(cases)('reads the scope of %s', (_, record, expected) => {
    expect(scopeOf(envelope(record))).toMatchObject(expected);
    // A bare record and its envelope give the same scope.
    expect(scopeOf(record)).toEqual(scopeOf(envelope(record)));
  });

  it('reads the fixtures to the ids they name', () => {
    expect(
      scopeOf(
        cloudTrailFixture('AuthorizeSecurityGroupIngress--legacy-flat-params-cidrIp-with-ruleset.json'),
      ),
    ).toMatchObject({
      securityGroupIds: ['sg-003dc7f1f1c686164'],
      securityGroupRuleIds: ['sgr-09b3e3d2ca1edf2a2'],
    });
    const nat = scopeOf(cloudTrailFixture('CreateNatGateway--wrapped-request-response-sanitized.json'));
    expect(nat.natGatewayIds).toHaveLength(1);
    expect(nat.subnetIds).toEqual(['subnet-ababab']);
    const endpoint = scopeOf(
      cloudTrailFixture('CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json'),
    );
    expect(endpoint.vpcEndpointIds).toHaveLength(1);
    expect(endpoint.vpcEndpointIds[0]).toMatch(/^vpce-/);
    const igw = scopeOf(cloudTrailFixture('AttachInternetGateway--sanitized.json'));
    expect(igw.internetGatewayIds).toHaveLength(1);
    expect(igw.vpcIds).toHaveLength(1);
  });

  it('takes group ids from the rule set when the call named the group by name', () => {
    const record = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      { groupName: 'default', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }] } },
      {
        _return: true,
        securityGroupRuleSet: {
          items: [{ groupId: 'sg-0dft', securityGroupRuleId: 'sgr-1', isEgress: false, ipProtocol: 'tcp' }],
        },
      },
    );
    expect(scopeOf(record)).toMatchObject({ securityGroupIds: ['sg-0dft'], securityGroupNames: [] });
  });

  it('falls back to a describe by name when only groupName is known', () => {
    const record = cloudTrailRecord('AuthorizeSecurityGroupIngress', {
      groupName: 'default',
      ipProtocol: 'tcp',
      fromPort: '22',
      toPort: '22',
      cidrIp: '0.0.0.0/0',
      ipPermissions: {},
    });
    expect(scopeOf(record)).toMatchObject({ securityGroupIds: [], securityGroupNames: ['default'] });
  });

  it('reads a single rule-set member written as {item:{…}} and string ports', () => {
    const record = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      { groupId: 'sg-0aaa' },
      {
        _return: true,
        securityGroupRuleSet: {
          item: {
            groupId: 'sg-0aaa',
            securityGroupRuleId: 'sgr-1',
            isEgress: 'false',
            ipProtocol: 'tcp',
            fromPort: '22',
            toPort: '22',
            cidrIpv4: '0.0.0.0/0',
          },
        },
      },
    );
    expect(scopeOf(record).addedRules).toEqual([
      {
        ruleId: 'sgr-1',
        groupId: 'sg-0aaa',
        egress: false,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '0.0.0.0/0',
      },
    ]);
  });

  it('reads "" and {} as empty sets', () => {
    const record = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      { groupId: 'sg-0aaa', ipPermissions: {} },
      {
        _return: true,
        securityGroupRuleSet: '',
      },
    );
    expect(scopeOf(record)).toMatchObject({ securityGroupIds: ['sg-0aaa'], addedRules: [] });
  });

  it('ignores tag changes on other keys, also when several tags change at once', () => {
    const other = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0aaa' }] },
      tagSet: { items: [{ key: 'Name', value: 'x' }] },
    });
    expect(triageEvent(other, { exemptionTagKey: KEY })).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'not-exemption-tag' },
    });
    const mixed = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0aaa' }] },
      tagSet: {
        items: [
          { key: 'Name', value: 'x' },
          { key: KEY, value: '*' },
        ],
      },
    });
    expect(scopeOf(mixed).exemption).toEqual({
      change: 'set',
      key: KEY,
      value: '*',
      resourceIds: ['sg-0aaa'],
    });
  });
});
