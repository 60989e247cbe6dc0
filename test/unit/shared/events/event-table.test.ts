import { describe, expect, it } from 'vitest';
import { HANDLED_EVENT_NAMES } from '../../../../shared/events/event-table';
import { triageEvent } from '../../../../shared/events/parse';
import type { EventScope, Triage } from '../../../../shared/events/types';
import { ADDED_EVENT_NAMES, cloudTrailFixture, DESIGN_EVENT_NAMES, envelope } from '../../../helpers';

const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };

function handled(triage: Triage): EventScope {
  if (triage.kind !== 'handle') throw new Error(`ignored: ${triage.ignored.reason}`);
  return triage.scope;
}

function scopeOf(fixture: string): EventScope {
  return handled(triageEvent(cloudTrailFixture(fixture), OPTIONS));
}

/** The non-empty lists of a scope, for compact expectations. */
function lists(scope: EventScope): Record<string, unknown> {
  const out: Record<string, unknown> = { area: scope.area };
  for (const [key, value] of Object.entries(scope)) {
    if (Array.isArray(value) && value.length > 0 && key !== 'addedRules') out[key] = value;
  }
  if (scope.exemption) out.exemption = scope.exemption;
  return out;
}

describe('event table: every CloudTrail fixture resolves to its scope', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'AttachInternetGateway--sanitized.json',
      { area: 'route', internetGatewayIds: ['igw-01234567890123456'], vpcIds: ['vpc-ababababab'] },
    ],
    [
      'AuthorizeSecurityGroupEgress--ipv4-32-with-ruleset-cli-instance-role.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-038ccc3a1f7b05f42'],
        securityGroupRuleIds: ['sgr-02bdc373eac599585'],
      },
    ],
    [
      'AuthorizeSecurityGroupEgress--protocol-all-anywhere-terraform-panther.json',
      { area: 'security-group', securityGroupIds: ['sg-03eee825d6bb78f54'] },
    ],
    [
      'AuthorizeSecurityGroupIngress--console-launch-wizard-anywhere-ssh-trimmed-record.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-db0c0ffeec0e67ce0'],
        securityGroupRuleIds: ['sgr-db0c0ffee14167c6d'],
      },
    ],
    [
      'AuthorizeSecurityGroupIngress--console-myip-32-ssh-trimmed-record.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-db0c0ffee1fa9c4e4'],
        securityGroupRuleIds: ['sgr-db0c0ffee5683fba9'],
      },
    ],
    [
      'AuthorizeSecurityGroupIngress--go-sdk-anywhere-ssh-panther.json',
      { area: 'security-group', securityGroupIds: ['sg-0d921df5d84f7270a'] },
    ],
    [
      'AuthorizeSecurityGroupIngress--ipv4-and-ipv6-anywhere-eventbridge-no-ruleset.json',
      { area: 'security-group', securityGroupIds: ['sg-0db7d4784c4db8612'] },
    ],
    [
      'AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-0632fa4ee8a8468a4'],
        securityGroupRuleIds: ['sgr-09be5c962afdc06ed'],
      },
    ],
    [
      'AuthorizeSecurityGroupIngress--ipv4-cidr-ssh-with-ruleset-cli.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-0f63fecfa17ef4fee'],
        securityGroupRuleIds: ['sgr-027eb7c59241731e0'],
      },
    ],
    [
      'AuthorizeSecurityGroupIngress--legacy-flat-params-cidrIp-with-ruleset.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-003dc7f1f1c686164'],
        securityGroupRuleIds: ['sgr-09b3e3d2ca1edf2a2'],
      },
    ],
    [
      'AuthorizeSecurityGroupIngress--panther-normalized-string-ports-not-raw.json',
      { area: 'security-group', securityGroupIds: ['sg-04f0b44316f7d2471'] },
    ],
    [
      'AuthorizeSecurityGroupIngress--referenced-group-tcp-0-65535-eventbridge-no-ruleset.json',
      { area: 'security-group', securityGroupIds: ['sg-4e386e31'] },
    ],
    [
      'AuthorizeSecurityGroupIngress--referenced-group-with-ruleset-eventbridge.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-01f414f5313452cd1'],
        securityGroupRuleIds: ['sgr-02e2ca7d55820dc26'],
      },
    ],
    [
      'CreateNatGateway--wrapped-request-response-sanitized.json',
      { area: 'nat-gateway', natGatewayIds: ['nat-00000001111111111'], subnetIds: ['subnet-ababab'] },
    ],
    [
      'CreateNetworkAclEntry--egress-all-protocols-anywhere-panther.json',
      {
        area: 'network-acl',
        networkAclIds: ['acl-1'],
        // The entry written, for "already removed" on a redelivery (DESIGN §8).
        addedNaclEntries: [
          {
            networkAclId: 'acl-1',
            ruleNumber: 500,
            egress: true,
            ruleAction: 'allow',
            protocol: '-1',
            cidrBlock: '0.0.0.0/0',
          },
        ],
      },
    ],
    [
      'CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json',
      {
        area: 'network-acl',
        networkAclIds: ['acl-1111'],
        addedNaclEntries: [
          {
            networkAclId: 'acl-1111',
            ruleNumber: 12,
            egress: false,
            ruleAction: 'allow',
            protocol: '6',
            cidrBlock: '0.0.0.0/0',
            fromPort: 700,
            toPort: 702,
          },
        ],
      },
    ],
    ['CreateRoute--igw-default-route-panther.json', { area: 'route', routeTableIds: ['rtb-1'] }],
    ['CreateRoute--igw-eventbridge-aws-sample-sanitized.json', { area: 'route', routeTableIds: ['rtb-xxx'] }],
    [
      'CreateRouteTable--sanitized.json',
      { area: 'route', routeTableIds: ['rtb-bcbcbcbc'], vpcIds: ['vpc-abababab'] },
    ],
    [
      'CreateSecurityGroup--console-launch-wizard-trimmed-record.json',
      {
        area: 'security-group',
        securityGroupIds: ['sg-db0c0ffeec0e67ce0'],
        vpcIds: ['vpc-db0c0ffee56bc40db'],
      },
    ],
    [
      'CreateSecurityGroup--terraform-panther.json',
      { area: 'security-group', securityGroupIds: ['sg-04d018d184a18f647'], vpcIds: ['vpc-a1a044c7'] },
    ],
    [
      'CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json',
      { area: 'vpc-endpoint', vpcEndpointIds: ['vpce-db0c0ffee984e07fa'] },
    ],
    [
      'DeleteNetworkAclEntry--ingress-rule-100-cli.json',
      { area: 'network-acl', networkAclIds: ['acl-0af9cb843511d66d4'] },
    ],
  ];

  it.each(cases)('%s', (fixture, expected) => {
    expect(lists(scopeOf(fixture))).toEqual(expected);
  });

  it('covers every fixture but the failed call (which is ignored)', () => {
    expect(cases).toHaveLength(23);
  });

  it('ignores the failed call because it carries an errorCode', () => {
    const triage = triageEvent(
      cloudTrailFixture('GetPasswordData--failed-client-unauthorizedoperation-ec2-error-shape.json'),
      OPTIONS,
    );
    expect(triage).toMatchObject({ kind: 'ignore', ignored: { code: 'error-code' } });
  });

  it('reads the added rules of a rule set, with their single source', () => {
    const scope = scopeOf('AuthorizeSecurityGroupIngress--referenced-group-with-ruleset-eventbridge.json');
    expect(scope.addedRules).toEqual([
      {
        ruleId: 'sgr-02e2ca7d55820dc26',
        groupId: 'sg-01f414f5313452cd1',
        egress: false,
        ipProtocol: 'tcp',
        fromPort: 1521,
        toPort: 1521,
        referencedGroupId: 'sg-000537769a1c2d858',
      },
    ]);
  });

  it('takes account and region from the envelope, never from userIdentity.accountId', () => {
    const triage = triageEvent(
      cloudTrailFixture(
        'AuthorizeSecurityGroupIngress--referenced-group-tcp-0-65535-eventbridge-no-ruleset.json',
      ),
      OPTIONS,
    );
    expect(triage.kind === 'handle' && triage.event).toMatchObject({
      accountId: '123456789010',
      region: 'us-east-1',
      envelope: true,
      eventId: 'a3c1efab-1658-43ea-af24-7fbdf4363ef2',
    });
  });

  it('takes account and region from recipientAccountId and awsRegion for a bare record', () => {
    const triage = triageEvent(
      cloudTrailFixture('DeleteNetworkAclEntry--ingress-rule-100-cli.json'),
      OPTIONS,
    );
    expect(triage.kind === 'handle' && triage.event).toMatchObject({
      accountId: '000000000',
      region: 'us-east-1',
      envelope: false,
    });
  });

  it('reads the same scope from a bare record and from its EventBridge envelope', () => {
    const record = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json',
    );
    expect(handled(triageEvent(envelope(record), OPTIONS))).toEqual(handled(triageEvent(record, OPTIONS)));
  });

  it("reads ModifySecurityGroupRules written with the SDK's parameter names (SecurityGroupRules, unwrapped)", () => {
    // Arrange: a record built from boto3 / SDK parameters rather than CloudTrail's Query names
    const record = {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ModifySecurityGroupRules',
      recipientAccountId: '111122223333',
      awsRegion: 'us-east-1',
      requestParameters: {
        GroupId: 'sg-0aaa',
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-1',
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
          },
        ],
      },
      responseElements: { Return: true },
    };
    // Act
    const scope = handled(triageEvent(record, OPTIONS));
    // Assess: the rule is named (a redelivery can report it gone), not only the group
    expect(scope.securityGroupIds).toEqual(['sg-0aaa']);
    expect(scope.securityGroupRuleIds).toEqual(['sgr-1']);
    expect(scope.addedRules.map((r) => [r.ruleId, r.cidrIpv4, r.fromPort])).toEqual([
      ['sgr-1', '0.0.0.0/0', 22],
    ]);
  });

  it.each([
    [
      'AuthorizeSecurityGroupIngress with the SDK answer (SecurityGroupRules)',
      'AuthorizeSecurityGroupIngress',
      {
        GroupId: 'sg-0aaa',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
      {
        Return: true,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-1',
            GroupId: 'sg-0aaa',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          },
        ],
      },
      { securityGroupIds: ['sg-0aaa'], securityGroupRuleIds: ['sgr-1'] },
    ],
    [
      'RunInstances with the SDK answer (Instances, NetworkInterfaces)',
      'RunInstances',
      { ImageId: 'ami-1', MinCount: 1, MaxCount: 1 },
      { Instances: [{ InstanceId: 'i-0aaa', NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0aaa' }] }] },
      { instanceIds: ['i-0aaa'], networkInterfaceIds: ['eni-0aaa'] },
    ],
    [
      'CreateTags with the SDK parameters (Resources, Tags)',
      'CreateTags',
      { Resources: ['sg-0aaa'], Tags: [{ Key: 'vpc-guardrail:exempt', Value: '*' }] },
      { Return: true },
      { securityGroupIds: ['sg-0aaa'] },
    ],
  ])('reads %s', (_, eventName, requestParameters, responseElements, expected) => {
    // Arrange: a record built from SDK parameters and answers, not CloudTrail's Query-style names
    const record = {
      eventSource: 'ec2.amazonaws.com',
      eventName,
      recipientAccountId: '111122223333',
      awsRegion: 'us-east-1',
      requestParameters,
      responseElements,
    };
    // Act / Assess: the resources are named, not "no resource" (a call that would go unjudged)
    expect(handled(triageEvent(record, OPTIONS))).toMatchObject(expected);
  });

  it('reads a ModifySecurityGroupRules rule moved to a prefix list as added from that list', () => {
    // The SDK's SecurityGroupRuleRequest: CidrIpv4 | CidrIpv6 | PrefixListId | ReferencedGroupId.
    const record = {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ModifySecurityGroupRules',
      recipientAccountId: '111122223333',
      awsRegion: 'us-east-1',
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-0aaa',
          SecurityGroupRule: {
            SecurityGroupRuleId: 'sgr-1',
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListId: 'pl-0world' },
            tag: 1,
          },
        },
      },
      responseElements: { ModifySecurityGroupRulesResponse: { return: true } },
    };
    expect(handled(triageEvent(record, OPTIONS)).addedRules).toEqual([
      {
        ruleId: 'sgr-1',
        groupId: 'sg-0aaa',
        egress: false,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        prefixListId: 'pl-0world',
        // Read as ingress, but the record names no direction (a notice says so).
        directionUnknown: true,
      },
    ]);
  });

  it('reads the prefix-list sources of a record from before rule ids ({"_return": true})', () => {
    const record = {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AuthorizeSecurityGroupIngress',
      recipientAccountId: '111122223333',
      awsRegion: 'us-east-1',
      requestParameters: {
        groupId: 'sg-0aaa',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              groups: {},
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              ipv6Ranges: {},
              prefixListIds: { items: [{ prefixListId: 'pl-0world' }] },
            },
          ],
        },
      },
      responseElements: { _return: true },
    };
    const base = { groupId: 'sg-0aaa', egress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22 };
    expect(handled(triageEvent(record, OPTIONS)).addedRules).toEqual([
      { ...base, cidrIpv4: '0.0.0.0/0' },
      { ...base, prefixListId: 'pl-0world' },
    ]);
  });

  it('reads the entry a ReplaceNetworkAclEntry writes (IPv6, string number) and none for a delete', () => {
    const record = (eventName: string, requestParameters: unknown) => ({
      eventSource: 'ec2.amazonaws.com',
      eventName,
      recipientAccountId: '111122223333',
      awsRegion: 'us-east-1',
      requestParameters,
      responseElements: { _return: true },
    });
    const replace = record('ReplaceNetworkAclEntry', {
      networkAclId: 'acl-0aaa',
      ruleNumber: '101',
      egress: 'false',
      ruleAction: 'ALLOW',
      aclProtocol: '6',
      ipv6CidrBlock: '::/0',
      portRange: { from: 3389, to: 3389 },
      icmpTypeCode: {},
    });
    expect(handled(triageEvent(replace, OPTIONS)).addedNaclEntries).toEqual([
      {
        networkAclId: 'acl-0aaa',
        ruleNumber: 101,
        egress: false,
        ruleAction: 'allow',
        protocol: '6',
        ipv6CidrBlock: '::/0',
        fromPort: 3389,
        toPort: 3389,
      },
    ]);
    const remove = cloudTrailFixture('DeleteNetworkAclEntry--ingress-rule-100-cli.json');
    expect(handled(triageEvent(remove, OPTIONS)).addedNaclEntries).toEqual([]);
  });

  it('lists every event of DESIGN §7 in the table, and those added beyond its list', () => {
    expect(HANDLED_EVENT_NAMES).toEqual([...DESIGN_EVENT_NAMES, ...ADDED_EVENT_NAMES].sort());
  });
});

describe('the exemption tag set by a Create call (tag on create: no CreateTags in CloudTrail)', () => {
  // DESIGN §8: exemption changes always notify (who exempted what). A group created with the tag
  // and opened to the world right after was never told: its findings were suppressed in silence.
  const KEY = OPTIONS.exemptionTagKey;
  const withRequest = (fixture: string, extra: Record<string, unknown>) => {
    const record = cloudTrailFixture(fixture) as { requestParameters: Record<string, unknown> };
    return { ...record, requestParameters: { ...record.requestParameters, ...extra } };
  };

  it('reads tagSpecificationSet of CreateSecurityGroup (CloudTrail: items with resourceType and tags)', () => {
    const record = withRequest('CreateSecurityGroup--terraform-panther.json', {
      tagSpecificationSet: {
        items: [
          {
            resourceType: 'security-group',
            tags: [
              { key: 'Name', value: 'web' },
              { key: KEY, value: 'sg-open-admin-port@2027-01-31' },
            ],
          },
        ],
      },
    });
    expect(handled(triageEvent(record, OPTIONS)).exemption).toEqual({
      change: 'set',
      key: KEY,
      value: 'sg-open-admin-port@2027-01-31',
      resourceIds: ['sg-04d018d184a18f647'],
    });
  });

  it("reads a PascalCase wrapper's TagSpecification (the real CreateVpcEndpoint record, its tag renamed)", () => {
    const record = cloudTrailFixture(
      'CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json',
    ) as { requestParameters: { CreateVpcEndpointRequest: { TagSpecification: { Tag: { Key: string } } } } };
    record.requestParameters.CreateVpcEndpointRequest.TagSpecification.Tag.Key = KEY;
    expect(handled(triageEvent(record, OPTIONS)).exemption).toEqual({
      change: 'set',
      key: KEY,
      value: 'myVPCEndpoint1',
      resourceIds: ['vpce-db0c0ffee984e07fa'],
    });
  });

  it('gives a RunInstances tag the resources of its resourceType (the instance: no rule judges it)', () => {
    const record = {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      requestParameters: {
        tagSpecificationSet: {
          items: [
            { resourceType: 'volume', tagSet: { items: [{ key: KEY, value: '*' }] } },
            { resourceType: 'instance', tagSet: { items: [{ key: KEY, value: '*' }] } },
          ],
        },
      },
      responseElements: {
        instancesSet: {
          items: [{ instanceId: 'i-0a', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0a' }] } }],
        },
      },
    };
    expect(handled(triageEvent(record, OPTIONS)).exemption).toEqual({
      change: 'set',
      key: KEY,
      value: '*',
      resourceIds: ['i-0a'],
    });
  });

  it('sets no exemption for other tags (the fixtures above carry Name tags only)', () => {
    const record = withRequest('CreateSecurityGroup--terraform-panther.json', {
      tagSpecificationSet: {
        items: [{ resourceType: 'security-group', tags: [{ key: 'Owner', value: KEY }] }],
      },
    });
    expect(handled(triageEvent(record, OPTIONS)).exemption).toBeUndefined();
  });
});

describe('a hostile tag specification on a Create call', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'resourceType %s names no created resource, and triage does not throw',
    (resourceType) => {
      const record = {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'CreateSecurityGroup',
        requestParameters: {
          groupName: 'x',
          vpcId: 'vpc-1',
          tagSpecificationSet: {
            items: [{ resourceType, tags: [{ key: OPTIONS.exemptionTagKey, value: '*' }] }],
          },
        },
        responseElements: { groupId: 'sg-1' },
      };
      expect(handled(triageEvent(record, OPTIONS)).exemption).toBeUndefined();
    },
  );
});
