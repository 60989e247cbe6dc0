import { describe, expect, it } from 'vitest';
import { parseEvent, sameRole, triageEvent } from '../../../../shared/events/parse';
import type { EventScope, Triage } from '../../../../shared/events/types';
import { envelope } from '../../../helpers';

// DESIGN §7, checked where mutants9's mutations of shared/events/ (parse.ts, event-table.ts,
// shapes.ts, interface-events.ts, tag-event.ts) survived the earlier tests: which events are
// handled or ignored and why, and the exact scope each one reads.

const KEY = 'vpc-guardrail:exempt';
const OPTIONS = { exemptionTagKey: KEY };

/** A minimal successful EC2 record (shapes of the kind the fixtures show). */
function record(
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = { _return: true },
) {
  return {
    eventVersion: '1.10',
    eventID: 'e-1',
    eventTime: '2025-06-15T10:51:12Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '444455556666' },
    requestParameters,
    responseElements,
  };
}

function handled(triage: Triage): EventScope {
  if (triage.kind !== 'handle') throw new Error(`not handled: ${JSON.stringify(triage)}`);
  return triage.scope;
}

/** The non-empty lists of a scope (what the event touches), plus its exemption if any. */
function lists(scope: EventScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scope)) {
    if (key === 'eventName' || key === 'area') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

const scope = (eventName: string, request: unknown, response?: unknown) =>
  lists(handled(triageEvent(record(eventName, request, response), OPTIONS)));

describe('DESIGN §7: the account and region of an event', () => {
  it("takes the envelope's account and region over the record's, never the caller's account", () => {
    // Prepare: every source disagrees (a record relayed from another region's bus).
    const event = envelope(record('CreateRoute', { routeTableId: 'rtb-1' }), '777788889999', 'eu-west-1');

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toMatchObject({ accountId: '777788889999', region: 'eu-west-1' });
    expect(parsed).toMatchObject({ originFields: { account: 'account', region: 'region' } });
  });

  it("falls back to the record's recipientAccountId and awsRegion, naming them", () => {
    const bare = parseEvent(record('CreateRoute', { routeTableId: 'rtb-1' }));
    expect(bare).toMatchObject({
      accountId: '111122223333',
      region: 'us-east-1',
      originFields: { account: 'recipientAccountId', region: 'awsRegion' },
    });
    const {
      account: _a,
      region: _r,
      ...noOrigin
    } = envelope(record('CreateRoute', { routeTableId: 'rtb-1' })) as Record<string, unknown>;
    expect(parseEvent(noOrigin)).toMatchObject({
      accountId: '111122223333',
      region: 'us-east-1',
      originFields: { account: 'detail.recipientAccountId', region: 'detail.awsRegion' },
    });
  });

  it('rejects an event of another region than the envelope says, not the record', () => {
    const event = envelope(record('CreateRoute', { routeTableId: 'rtb-1' }), '111122223333', 'eu-west-1');
    const triage = triageEvent(event, {
      ...OPTIONS,
      expectedAccountId: '111122223333',
      expectedRegion: 'us-east-1',
    });
    expect(triage).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'other-region', reason: "event of region eu-west-1, not this function's us-east-1" },
    });
  });
});

describe('DESIGN §8 notification "who": the caller as the record names it', () => {
  it("reads the source IP from the record, not from userIdentity, and the caller's ARN", () => {
    const event = record('CreateRoute', { routeTableId: 'rtb-1' });
    const parsed = parseEvent({
      ...event,
      userIdentity: { ...event.userIdentity, sourceIPAddress: '203.0.113.9' },
    });
    expect(parsed).toMatchObject({
      actor: {
        arn: 'arn:aws:iam::111122223333:user/alice',
        type: 'IAMUser',
        sourceIp: '198.51.100.7',
        userAgent: 'aws-cli/2',
      },
    });
  });
});

describe("DESIGN §7 no loops: the guardrail's own role", () => {
  it('is the same role only in the same partition, account and name', () => {
    const own = 'arn:aws:iam::111122223333:role/ops/vpc-guardrail-fn';
    expect(sameRole('arn:aws:sts::111122223333:assumed-role/vpc-guardrail-fn/session-1', own)).toBe(true);
    expect(sameRole('arn:aws-us-gov:sts::111122223333:assumed-role/vpc-guardrail-fn/session-1', own)).toBe(
      false,
    );
    expect(sameRole('arn:aws:sts::444455556666:assumed-role/vpc-guardrail-fn/session-1', own)).toBe(false);
    expect(sameRole('arn:aws:sts::111122223333:assumed-role/vpc-guardrail-other/session-1', own)).toBe(false);
  });
});

describe('DESIGN §15 organization mode: the origin must read as an AWS account and region', () => {
  it('takes a region name with a two-digit number as a region, and refuses one that is no name', () => {
    const org = { ...OPTIONS, requireAwsOrigin: true };
    const event = (region: string) =>
      envelope(record('CreateRoute', { routeTableId: 'rtb-1' }), '111122223333', region);
    expect(triageEvent(event('ap-southeast-10'), org)).toMatchObject({ kind: 'handle' });
    expect(triageEvent(event('ap-southeast-1x'), org)).toMatchObject({
      kind: 'ignore',
      ignored: {
        code: 'malformed',
        reason: 'the event\'s region "ap-southeast-1x" (region) is not an AWS region name (like eu-west-1)',
      },
    });
  });

  it('refuses an account that is not exactly 12 digits', () => {
    const org = { ...OPTIONS, requireAwsOrigin: true };
    const event = envelope(record('CreateRoute', { routeTableId: 'rtb-1' }), '1111222233334', 'eu-west-1');
    expect(triageEvent(event, org)).toMatchObject({
      kind: 'ignore',
      ignored: {
        code: 'malformed',
        reason: 'the event\'s account "1111222233334" (account) is not a 12-digit AWS account id',
      },
    });
  });
});

describe('DESIGN §7 security-group events: the rules a record names', () => {
  const request = {
    groupId: 'sg-0a',
    ipPermissions: {
      items: [
        { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
      ],
    },
  };
  const fromRequest = [
    { groupId: 'sg-0a', egress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
  ];

  it('reads the added rules from the request when the rule set names no group for a rule', () => {
    const response = {
      _return: true,
      securityGroupRuleSet: {
        items: [{ securityGroupRuleId: 'sgr-0a', ipProtocol: 'tcp', fromPort: 22, toPort: 22 }],
      },
    };
    expect(scope('AuthorizeSecurityGroupIngress', request, response)).toEqual({
      securityGroupIds: ['sg-0a'],
      addedRules: fromRequest,
    });
  });

  it('reads the added rules from the request when the rule set names no rule id', () => {
    const response = {
      _return: true,
      securityGroupRuleSet: { items: [{ groupId: 'sg-0a', ipProtocol: 'tcp', fromPort: 22, toPort: 22 }] },
    };
    expect(scope('AuthorizeSecurityGroupIngress', request, response)).toEqual({
      securityGroupIds: ['sg-0a'],
      addedRules: fromRequest,
    });
  });
  it('reads each rule of the rule set: direction (also as text), protocol, ports and its one source', () => {
    const item = (id: string, extra: Record<string, unknown>) => ({
      securityGroupRuleId: id,
      groupId: 'sg-0a',
      isEgress: 'true',
      ...extra,
    });
    const response = {
      _return: true,
      securityGroupRuleSet: {
        items: [
          item('sgr-1', { ipProtocol: 'tcp', fromPort: '22', toPort: '22', cidrIpv4: '0.0.0.0/0' }),
          item('sgr-2', { ipProtocol: 'udp', fromPort: 53, toPort: 53, cidrIpv6: '::/0' }),
          item('sgr-3', { ipProtocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-0a' }),
          item('sgr-4', { ipProtocol: '-1', referencedGroupInfo: { groupId: 'sg-0b' } }),
          item('sgr-5', { cidrIpv4: '10.0.0.0/8' }),
        ],
      },
    };
    expect(scope('AuthorizeSecurityGroupEgress', { groupId: 'sg-0a' }, response)).toEqual({
      securityGroupIds: ['sg-0a'],
      securityGroupRuleIds: ['sgr-1', 'sgr-2', 'sgr-3', 'sgr-4', 'sgr-5'],
      addedRules: [
        {
          ruleId: 'sgr-1',
          groupId: 'sg-0a',
          egress: true,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
        {
          ruleId: 'sgr-2',
          groupId: 'sg-0a',
          egress: true,
          ipProtocol: 'udp',
          fromPort: 53,
          toPort: 53,
          cidrIpv6: '::/0',
        },
        {
          ruleId: 'sgr-3',
          groupId: 'sg-0a',
          egress: true,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          prefixListId: 'pl-0a',
        },
        { ruleId: 'sgr-4', groupId: 'sg-0a', egress: true, ipProtocol: '-1', referencedGroupId: 'sg-0b' },
        { ruleId: 'sgr-5', groupId: 'sg-0a', egress: true, ipProtocol: '-1', cidrIpv4: '10.0.0.0/8' },
      ],
    });
  });
});

describe('DESIGN §7 exemptions: CreateTags / DeleteTags on the exemption tag key', () => {
  const tags = (key: string) => ({
    resourcesSet: { items: [{ resourceId: 'sg-0a' }] },
    tagSet: { items: [{ key, value: '*' }] },
  });

  it('reads the tag key exactly as EC2 does (case-sensitive): another case is not the exemption', () => {
    const triage = triageEvent(record('CreateTags', tags('VPC-Guardrail:Exempt')), OPTIONS);
    expect(triage).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'not-exemption-tag', reason: `the tags changed are not ${KEY}` },
    });
    expect(scope('CreateTags', tags(KEY))).toEqual({
      securityGroupIds: ['sg-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: ['sg-0a'], value: '*' },
    });
  });

  it('ignores a CreateTags that names no tag (only DeleteTags without tags removes every tag)', () => {
    const request = { resourcesSet: { items: [{ resourceId: 'sg-0a' }] }, tagSet: {} };
    expect(triageEvent(record('CreateTags', request), OPTIONS)).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'not-exemption-tag' },
    });
    expect(scope('DeleteTags', request)).toEqual({
      securityGroupIds: ['sg-0a'],
      exemption: { change: 'removed', key: KEY, resourceIds: ['sg-0a'], everyTag: true },
    });
  });
});

describe('DESIGN §7 records from before rule ids ({"_return": true}): the rules the request asked for', () => {
  it('reads the legacy flat form (cidrIp, ipProtocol, fromPort at the top)', () => {
    const request = { groupId: 'sg-0a', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' };
    expect(scope('AuthorizeSecurityGroupIngress', request)).toEqual({
      securityGroupIds: ['sg-0a'],
      addedRules: [
        {
          groupId: 'sg-0a',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    });
  });

  it('reads IPv6 ranges and prefix lists of an egress request, each source its own rule', () => {
    const request = {
      groupId: 'sg-0a',
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 3389,
            toPort: 3389,
            ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
            prefixListIds: { items: [{ prefixListId: 'pl-0a' }] },
          },
        ],
      },
    };
    const base = { groupId: 'sg-0a', egress: true, ipProtocol: 'tcp', fromPort: 3389, toPort: 3389 };
    expect(scope('AuthorizeSecurityGroupEgress', request)).toEqual({
      securityGroupIds: ['sg-0a'],
      addedRules: [
        { ...base, cidrIpv6: '::/0' },
        { ...base, prefixListId: 'pl-0a' },
      ],
    });
  });

  it('names the group by name when the request has no id (default VPC), and the rules with it', () => {
    const request = {
      groupName: 'default',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIp: '0.0.0.0/0',
    };
    expect(scope('AuthorizeSecurityGroupIngress', request)).toEqual({
      securityGroupNames: ['default'],
      addedRules: [
        {
          groupId: '',
          groupName: 'default',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    });
  });

  it('adds no rule for a revoke, whatever its request names', () => {
    const request = { groupId: 'sg-0a', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' };
    expect(scope('RevokeSecurityGroupIngress', request)).toEqual({ securityGroupIds: ['sg-0a'] });
  });
});

describe('DESIGN §7 exemptions: what a tag change puts in scope', () => {
  const resources = (...ids: string[]) => ({ items: ids.map((resourceId) => ({ resourceId })) });

  it("ignores a subnet's Name removed; a Name set puts only the subnets in scope (exact key `Name`)", () => {
    expect(
      triageEvent(
        record('DeleteTags', { resourcesSet: resources('subnet-0a'), tagSet: { items: [{ key: 'Name' }] } }),
        OPTIONS,
      ),
    ).toMatchObject({ kind: 'ignore', ignored: { code: 'not-exemption-tag' } });
    expect(
      scope('CreateTags', {
        resourcesSet: resources('subnet-0a', 'sg-0a'),
        tagSet: { items: [{ key: 'Name', value: 'x' }] },
      }),
    ).toEqual({ subnetIds: ['subnet-0a'] });
    expect(
      triageEvent(
        record('CreateTags', {
          resourcesSet: resources('subnet-0a'),
          tagSet: { items: [{ key: 'name', value: 'x' }] },
        }),
        OPTIONS,
      ),
    ).toMatchObject({ kind: 'ignore', ignored: { code: 'not-exemption-tag' } });
  });

  it('every tag removed: only the judged resources count, and none judged is ignored with the reason', () => {
    expect(scope('DeleteTags', { resourcesSet: resources('sg-0a', 'i-0a', 'ami-0a', 'eni-0a') })).toEqual({
      securityGroupIds: ['sg-0a'],
      networkInterfaceIds: ['eni-0a'],
      exemption: { change: 'removed', key: KEY, resourceIds: ['sg-0a', 'eni-0a'], everyTag: true },
    });
    expect(
      triageEvent(record('DeleteTags', { resourcesSet: resources('ami-0a', 'i-0a') }), OPTIONS),
    ).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'not-exemption-tag', reason: 'every tag removed from resources no rule judges' },
    });
  });

  it('puts each tagged resource in its own list (an instance to name its interfaces), and names every one', () => {
    const request = {
      resourcesSet: resources('eni-0a', 'i-0a', 'vpc-0a', 'sg-0a'),
      tagSet: { items: [{ key: KEY }] },
    };
    expect(scope('CreateTags', request)).toEqual({
      securityGroupIds: ['sg-0a'],
      networkInterfaceIds: ['eni-0a'],
      instanceIds: ['i-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: ['eni-0a', 'i-0a', 'vpc-0a', 'sg-0a'] },
    });
  });

  it("reads the SDK's Resources (a list of ids) and Tags", () => {
    expect(scope('CreateTags', { Resources: ['sg-0a'], Tags: [{ Key: KEY, Value: 'x' }] })).toEqual({
      securityGroupIds: ['sg-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: ['sg-0a'], value: 'x' },
    });
  });
});

describe('DESIGN §7/§8 an exemption given at creation (tag specifications)', () => {
  const launched = {
    instancesSet: {
      items: [{ instanceId: 'i-0a', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0a' }] } }],
    },
  };

  it("reads a PascalCase wrapper's TagSpecification with its Tag members", () => {
    const request = {
      CreateNetworkInterfaceRequest: {
        SubnetId: 'subnet-0a',
        TagSpecification: { ResourceType: 'network-interface', Tag: { Key: KEY, Value: 'a' }, tag: 1 },
      },
    };
    const response = {
      CreateNetworkInterfaceResponse: { networkInterface: { networkInterfaceId: 'eni-0a' } },
    };
    expect(scope('CreateNetworkInterface', request, response)).toEqual({
      networkInterfaceIds: ['eni-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: ['eni-0a'], value: 'a' },
    });
  });

  it('tags what each specification types (tagSet or tags), each value with its resources, a hostile type naming nothing', () => {
    const request = {
      tagSpecificationSet: {
        items: [
          { resourceType: 'instance', tagSet: { items: [{ key: KEY, value: 'first' }] } },
          { resourceType: 'network-interface', tags: [{ key: KEY, value: 'second' }] },
          { resourceType: 'constructor', tags: [{ key: KEY, value: 'third' }] },
        ],
      },
    };
    expect(scope('RunInstances', request, launched)).toEqual({
      networkInterfaceIds: ['eni-0a'],
      instanceIds: ['i-0a'],
      exemption: {
        change: 'set',
        key: KEY,
        resourceIds: ['i-0a', 'eni-0a'],
        value: 'first',
        // guard3: every value is told with what it was given to (the hostile type's names nothing).
        values: [
          { value: 'first', resourceIds: ['i-0a'] },
          { value: 'second', resourceIds: ['eni-0a'] },
        ],
      },
    });
    const hostile = {
      tagSpecificationSet: { items: [{ resourceType: 'constructor', tags: [{ key: KEY, value: 'x' }] }] },
    };
    expect(scope('RunInstances', hostile, launched)).toEqual({
      networkInterfaceIds: ['eni-0a'],
      instanceIds: ['i-0a'],
    });
  });

  it('a specification without a type tags everything the call created, each once', () => {
    const request = {
      tagSpecificationSet: {
        items: [{ tags: [{ key: KEY, value: 'all' }] }, { resourceType: 'instance', tags: [{ key: KEY }] }],
      },
    };
    expect(scope('RunInstances', request, launched)).toEqual({
      networkInterfaceIds: ['eni-0a'],
      instanceIds: ['i-0a'],
      exemption: {
        change: 'set',
        key: KEY,
        resourceIds: ['i-0a', 'eni-0a'],
        value: 'all',
        // guard3: the instance is also given the tag without a value: both are told.
        values: [{ value: 'all', resourceIds: ['i-0a', 'eni-0a'] }, { resourceIds: ['i-0a'] }],
      },
    });
  });

  it('one value over several specifications is one change (no values list)', () => {
    const request = {
      tagSpecificationSet: {
        items: [
          { resourceType: 'instance', tags: [{ key: KEY, value: '*' }] },
          { resourceType: 'network-interface', tags: [{ key: KEY, value: '*' }] },
        ],
      },
    };
    expect(scope('RunInstances', request, launched)).toEqual({
      networkInterfaceIds: ['eni-0a'],
      instanceIds: ['i-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: ['i-0a', 'eni-0a'], value: '*' },
    });
  });
});

describe('DESIGN §7 interface events: the interface, else the instance', () => {
  it('takes an interface named directly as the scope, the instance only when no interface is named', () => {
    expect(
      scope('AttachNetworkInterface', { networkInterfaceId: 'eni-0a', instanceId: 'i-0a', deviceIndex: 1 }),
    ).toEqual({
      networkInterfaceIds: ['eni-0a'],
    });
    expect(scope('AssociateAddress', { instanceId: 'i-0a', allocationId: 'eipalloc-0a' })).toEqual({
      instanceIds: ['i-0a'],
    });
  });

  it('RunInstances: reads the SDK shapes (Instances, NetworkInterfaces) and interfaces without an instance id', () => {
    const sdk = {
      Instances: [{ InstanceId: 'i-0a', NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0a' }] }],
    };
    expect(scope('RunInstances', {}, sdk)).toEqual({
      instanceIds: ['i-0a'],
      networkInterfaceIds: ['eni-0a'],
    });
    const noInstanceId = {
      instancesSet: { items: [{ networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0b' }] } }] },
    };
    expect(scope('RunInstances', {}, noInstanceId)).toEqual({ networkInterfaceIds: ['eni-0b'] });
  });

  it('StartInstances: the instances of the request and of the response, in any shape', () => {
    expect(scope('StartInstances', {}, { instancesSet: { items: [{ instanceId: 'i-0a' }] } })).toEqual({
      instanceIds: ['i-0a'],
    });
    expect(
      scope('StartInstances', { InstanceIds: ['i-0b'] }, { StartingInstances: [{ InstanceId: 'i-0c' }] }),
    ).toEqual({
      instanceIds: ['i-0b', 'i-0c'],
    });
  });
});

describe('ModifyInstanceAttribute: judged unless it names only attributes that are not the groups', () => {
  const ignoredAs = (request: Record<string, unknown>, named: string) =>
    expect(triageEvent(record('ModifyInstanceAttribute', request), OPTIONS)).toMatchObject({
      kind: 'ignore',
      ignored: {
        code: 'not-exposure-change',
        reason: `ModifyInstanceAttribute changes no security group (${named})`,
      },
    });

  it('ignores other attributes in any spelling, naming them (request keys other than the instance and dry run)', () => {
    ignoredAs({ instanceId: 'i-0a', attribute: 'instanceType', value: 't3.micro' }, 'instanceType');
    ignoredAs({ instanceId: 'i-0a', sourceDestCheck: { value: false } }, 'sourceDestCheck');
    ignoredAs({ instanceId: 'i-0a', dryRun: false, instanceType: { value: 't3.micro' } }, 'instanceType');
  });

  it('judges the instance when the groups change, when any attribute is the groups, or when none is named', () => {
    expect(
      scope('ModifyInstanceAttribute', { instanceId: 'i-0a', attribute: 'groupSet', value: 'sg-0a' }),
    ).toEqual({
      instanceIds: ['i-0a'],
    });
    expect(
      scope('ModifyInstanceAttribute', {
        instanceId: 'i-0a',
        instanceType: { value: 't3.micro' },
        groupSet: { items: [{ groupId: 'sg-0a' }] },
      }),
    ).toEqual({ instanceIds: ['i-0a'] });
    expect(scope('ModifyInstanceAttribute', { instanceId: 'i-0a' })).toEqual({ instanceIds: ['i-0a'] });
  });
});

describe('DESIGN §7 the scope of each area, exactly', () => {
  it('security groups: ids from the rule set when the request names the group only by name', () => {
    const response = {
      securityGroupRuleSet: {
        items: [
          {
            securityGroupRuleId: 'sgr-1',
            groupId: 'sg-0a',
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            cidrIpv4: '0.0.0.0/0',
          },
        ],
      },
    };
    expect(scope('AuthorizeSecurityGroupIngress', { groupName: 'default' }, response)).toEqual({
      securityGroupIds: ['sg-0a'],
      securityGroupRuleIds: ['sgr-1'],
      addedRules: [
        {
          ruleId: 'sgr-1',
          groupId: 'sg-0a',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    expect(
      triageEvent(record('AuthorizeSecurityGroupIngress', { ipPermissions: {} }), OPTIONS),
    ).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'no-resource', reason: 'no groupId or groupName in the request' },
    });
  });

  it("ModifySecurityGroupRules: the SDK's SecurityGroupRules, each rule with its id as modified", () => {
    const request = {
      GroupId: 'sg-0a',
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
        },
        { SecurityGroupRule: { IpProtocol: 'tcp', CidrIpv6: '::/0' } },
      ],
    };
    expect(scope('ModifySecurityGroupRules', request)).toEqual({
      securityGroupIds: ['sg-0a'],
      securityGroupRuleIds: ['sgr-1'],
      addedRules: [
        {
          ruleId: 'sgr-1',
          groupId: 'sg-0a',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          directionUnknown: true,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    });
  });

  it('CreateSecurityGroup: the id from the response and the VPC; by name when the response is cut short', () => {
    expect(
      scope(
        'CreateSecurityGroup',
        { groupName: 'web', vpcId: 'vpc-0a' },
        { _return: true, groupId: 'sg-0n' },
      ),
    ).toEqual({
      securityGroupIds: ['sg-0n'],
      vpcIds: ['vpc-0a'],
    });
    const tagged = {
      groupName: 'web',
      vpcId: 'vpc-0a',
      tagSpecificationSet: { items: [{ resourceType: 'security-group', tags: [{ key: KEY, value: '*' }] }] },
    };
    expect(scope('CreateSecurityGroup', tagged, { _return: true })).toEqual({
      securityGroupNames: ['web'],
      vpcIds: ['vpc-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: [], value: '*', groupName: 'web' },
    });
    expect(scope('CreateSecurityGroup', tagged, { _return: true, groupId: 'sg-0n' })).toEqual({
      securityGroupIds: ['sg-0n'],
      vpcIds: ['vpc-0a'],
      exemption: { change: 'set', key: KEY, resourceIds: ['sg-0n'], value: '*' },
    });
  });

  it('NACLs: the created NACL and both VPC ids; the entry a call wrote (none for a delete); both associations', () => {
    expect(
      scope(
        'CreateNetworkAcl',
        { vpcId: 'vpc-0a' },
        { networkAcl: { networkAclId: 'acl-0n', vpcId: 'vpc-0b' } },
      ),
    ).toEqual({
      networkAclIds: ['acl-0n'],
      vpcIds: ['vpc-0a', 'vpc-0b'],
    });
    const written = {
      networkAclId: 'acl-0a',
      ruleNumber: 90,
      egress: false,
      ruleAction: 'allow',
      aclProtocol: '6',
      cidrBlock: '0.0.0.0/0',
      portRange: { from: 22, to: 22 },
    };
    expect(scope('CreateNetworkAclEntry', written)).toEqual({
      networkAclIds: ['acl-0a'],
      addedNaclEntries: [
        {
          networkAclId: 'acl-0a',
          ruleNumber: 90,
          egress: false,
          ruleAction: 'allow',
          protocol: '6',
          cidrBlock: '0.0.0.0/0',
          fromPort: 22,
          toPort: 22,
        },
      ],
    });
    expect(scope('DeleteNetworkAclEntry', written)).toEqual({ networkAclIds: ['acl-0a'] });
    expect(
      scope(
        'ReplaceNetworkAclAssociation',
        { associationId: 'aclassoc-0old', networkAclId: 'acl-0a' },
        { newAssociationId: 'aclassoc-0new' },
      ),
    ).toEqual({ networkAclIds: ['acl-0a'], networkAclAssociationIds: ['aclassoc-0new', 'aclassoc-0old'] });
  });

  it('routes: the table and the subnet it is associated with; a created table and both VPC ids; a gateway needs its VPC', () => {
    expect(scope('AssociateRouteTable', { routeTableId: 'rtb-0a', subnetId: 'subnet-0a' })).toEqual({
      routeTableIds: ['rtb-0a'],
      subnetIds: ['subnet-0a'],
    });
    expect(
      scope(
        'CreateRouteTable',
        { vpcId: 'vpc-0a' },
        { routeTable: { routeTableId: 'rtb-0n', vpcId: 'vpc-0b' } },
      ),
    ).toEqual({
      routeTableIds: ['rtb-0n'],
      vpcIds: ['vpc-0a', 'vpc-0b'],
    });
    expect(
      triageEvent(record('AttachInternetGateway', { internetGatewayId: 'igw-0a' }), OPTIONS),
    ).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'no-resource', reason: 'no internetGatewayId and vpcId in the request' },
    });
    expect(
      scope('AttachInternetGateway', {
        AttachInternetGatewayRequest: { InternetGatewayId: 'igw-0a', VpcId: 'vpc-0a' },
      }),
    ).toEqual({ internetGatewayIds: ['igw-0a'], vpcIds: ['vpc-0a'] });
  });

  it("an event name of Object's own (constructor) is no row of the table", () => {
    expect(triageEvent(record('constructor', {}), OPTIONS)).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'unknown-event', reason: 'event constructor is not in the event table' },
    });
  });
});

describe('DESIGN §8 Safety: a call that succeeded but whose record names nothing is told, not dropped', () => {
  const unreadable = (eventName: string, request: unknown, response?: unknown) =>
    handled(triageEvent(record(eventName, request, response), OPTIONS)).unreadable;

  it('says why: parameters left out (null too), cut (omitted, also as text), or not an object at all', () => {
    expect(unreadable('CreateRoute', null)).toBe(
      'the record has no requestParameters (CloudTrail leaves out a field over its size limit, 100 KB) and does not name what the call changed (no routeTableId in the request)',
    );
    const cut =
      "the record's requestParameters are cut (CloudTrail truncates a field over its size limit, 100 KB) and do not name what the call changed (no routeTableId in the request)";
    expect(unreadable('CreateRoute', { omitted: 'true' })).toBe(cut);
    expect(unreadable('CreateRoute', 'text')).toBe(cut);
  });

  it('ignores a whole request that names nothing, but tells a create whose response is missing or names nothing', () => {
    expect(triageEvent(record('CreateRoute', { destinationCidrBlock: '0.0.0.0/0' }), OPTIONS)).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'no-resource', reason: 'no routeTableId in the request' },
    });
    expect(unreadable('CreateSubnet', { vpcId: 'vpc-0a' }, null)).toBe(
      'the record has no responseElements (CloudTrail leaves out a field over its size limit, as a large RunInstances response)',
    );
    expect(unreadable('CreateSubnet', { vpcId: 'vpc-0a' }, { subnet: {} })).toBe(
      'the record does not name what the call created (no subnet.subnetId in the response)',
    );
  });

  it('refuses an id longer than any EC2 id as malformed', () => {
    expect(
      triageEvent(record('CreateRoute', { routeTableId: `rtb-${'a'.repeat(300)}` }), OPTIONS),
    ).toMatchObject({
      kind: 'ignore',
      ignored: {
        code: 'malformed',
        reason:
          'routeTableIds: a value of 304 characters (rtb-aaaaaaaaaaaaaaaaaaaa…), longer than any EC2 one (128)',
      },
    });
  });
});

describe('DESIGN §8 exemption changes always notify: a CreateTags record that does not say which tags', () => {
  it('is told as unreadable (it may have set the exemption tag), not ignored as "not the exemption tag"', () => {
    // Prepare: requestParameters left out, or cut (CloudTrail's 100 KB field limit).
    const absent = handled(triageEvent(record('CreateTags', null), OPTIONS));
    const cut = handled(triageEvent(record('CreateTags', { omitted: true }), OPTIONS));

    // Assess
    expect(absent.unreadable).toBe(
      'the record has no requestParameters (CloudTrail leaves out a field over its size limit, 100 KB) and does not name what the call changed (no tagSet in the request)',
    );
    expect(cut.unreadable).toBe(
      "the record's requestParameters are cut (CloudTrail truncates a field over its size limit, 100 KB) and do not name what the call changed (no tagSet in the request)",
    );
  });
});
