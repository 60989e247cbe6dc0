import { describe, expect, it } from 'vitest';
import { sameRole, triageEvent } from '../../../../shared/events/parse';
import { members } from '../../../../shared/events/shapes';
import { cloudTrailFixture, envelope } from '../../../helpers';

const KEY = 'vpc-guardrail:exempt';
const OWN_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-on-network-change';

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
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    requestParameters,
    responseElements,
  };
}

describe('triageEvent: shapes without a genuine sample', () => {
  it('reads ModifySecurityGroupRules from its PascalCase wrapper, one rule as an object', () => {
    // Prepare
    const event = record('ModifySecurityGroupRules', {
      ModifySecurityGroupRulesRequest: {
        GroupId: 'sg-0aaa',
        SecurityGroupRule: {
          SecurityGroupRuleId: 'sgr-0111',
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
          tag: 1,
        },
      },
    });
    // Act
    const triage = triageEvent(event, { exemptionTagKey: KEY });
    // Assess
    expect(triage).toMatchObject({
      kind: 'handle',
      scope: { area: 'security-group', securityGroupIds: ['sg-0aaa'], securityGroupRuleIds: ['sgr-0111'] },
    });
  });

  it('reads ModifySecurityGroupRules with several rules as an array', () => {
    const event = record('ModifySecurityGroupRules', {
      ModifySecurityGroupRulesRequest: {
        GroupId: 'sg-0aaa',
        SecurityGroupRule: [
          { SecurityGroupRuleId: 'sgr-0111', tag: 1 },
          { SecurityGroupRuleId: 'sgr-0222', tag: 2 },
        ],
      },
    });
    const triage = triageEvent(event, { exemptionTagKey: KEY });
    expect(triage).toMatchObject({ scope: { securityGroupRuleIds: ['sgr-0111', 'sgr-0222'] } });
  });

  it('scopes a call by group name (default VPC, CloudFormation) to the name, for a describe by name', () => {
    const event = record('AuthorizeSecurityGroupIngress', {
      groupName: 'web',
      ipPermissions: {
        items: [
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
        ],
      },
    });
    const triage = triageEvent(event, { exemptionTagKey: KEY });
    expect(triage).toMatchObject({ scope: { securityGroupIds: [], securityGroupNames: ['web'] } });
  });

  it('prefers the rule set group id over the name when a by-name call has a rule set', () => {
    const event = record(
      'AuthorizeSecurityGroupIngress',
      { groupName: 'web', ipPermissions: {} },
      {
        _return: true,
        securityGroupRuleSet: {
          items: [
            {
              groupId: 'sg-0web',
              securityGroupRuleId: 'sgr-1',
              isEgress: false,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        },
      },
    );
    const triage = triageEvent(event, { exemptionTagKey: KEY });
    expect(triage).toMatchObject({ scope: { securityGroupIds: ['sg-0web'], securityGroupNames: [] } });
  });

  it('reads ReplaceNetworkAclAssociation as the NACL plus the association that names the subnet', () => {
    const event = record(
      'ReplaceNetworkAclAssociation',
      { associationId: 'aclassoc-old', networkAclId: 'acl-0new' },
      { requestId: 'r', newAssociationId: 'aclassoc-new' },
    );
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      scope: { networkAclIds: ['acl-0new'], networkAclAssociationIds: ['aclassoc-new', 'aclassoc-old'] },
    });
  });

  it('reads RunInstances instances and interfaces from the response sets', () => {
    const event = record(
      'RunInstances',
      { instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 1 }] } },
      {
        instancesSet: {
          items: [{ instanceId: 'i-1', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-1' }] } }],
        },
      },
    );
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      scope: { area: 'network-interface', instanceIds: ['i-1'], networkInterfaceIds: ['eni-1'] },
    });
  });

  it('reads AssociateAddress on an instance as the instance (its interfaces are looked up)', () => {
    const event = record('AssociateAddress', { instanceId: 'i-1', allocationId: 'eipalloc-1' });
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      scope: { instanceIds: ['i-1'], networkInterfaceIds: [] },
    });
  });

  it('reads ModifyVpcEndpoint from its PascalCase wrapper', () => {
    const event = record('ModifyVpcEndpoint', {
      ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-1', PolicyDocument: '{}' },
    });
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      scope: { vpcEndpointIds: ['vpce-1'] },
    });
  });

  it('reads the string ports of a normalized log row without failing', () => {
    const triage = triageEvent(
      cloudTrailFixture('AuthorizeSecurityGroupIngress--panther-normalized-string-ports-not-raw.json'),
      { exemptionTagKey: KEY },
    );
    expect(triage.kind).toBe('handle');
  });
});

describe('triageEvent: exemption tag changes', () => {
  it('reports who set the exemption tag on which resources, and scopes them by id prefix', () => {
    const event = record('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0aaa' }, { resourceId: 'i-0bbb' }] },
      tagSet: { items: [{ key: KEY, value: 'sg-open-admin-port@2030-01-01' }] },
    });
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      kind: 'handle',
      scope: {
        area: 'exemption',
        securityGroupIds: ['sg-0aaa'],
        exemption: {
          change: 'set',
          key: KEY,
          value: 'sg-open-admin-port@2030-01-01',
          resourceIds: ['sg-0aaa', 'i-0bbb'],
        },
      },
    });
  });

  it('reports the removal of the exemption tag', () => {
    const event = record('DeleteTags', {
      resourcesSet: { items: [{ resourceId: 'acl-1' }] },
      tagSet: { items: [{ key: KEY }] },
    });
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      scope: { networkAclIds: ['acl-1'], exemption: { change: 'removed', resourceIds: ['acl-1'] } },
    });
  });

  it('ignores tag changes that do not touch the exemption key', () => {
    const event = record('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0aaa' }] },
      tagSet: { items: [{ key: 'Name', value: 'web' }] },
    });
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'not-exemption-tag' },
    });
  });

  it('honours a configured exemption tag key', () => {
    const event = record('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0aaa' }] },
      tagSet: { items: [{ key: 'acme:exempt', value: '*' }] },
    });
    expect(triageEvent(event, { exemptionTagKey: 'acme:exempt' }).kind).toBe('handle');
    expect(triageEvent(event, { exemptionTagKey: KEY }).kind).toBe('ignore');
  });
});

describe('triageEvent: ignored events', () => {
  it('ignores events made by the guardrail role through an assumed-role session (no loops)', () => {
    const event = {
      ...record('RevokeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail-on-network-change/fn-session',
        sessionContext: { sessionIssuer: { type: 'Role', arn: OWN_ROLE } },
      },
    };
    expect(triageEvent(event, { exemptionTagKey: KEY, ownRoleArn: OWN_ROLE })).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'own-role' },
    });
  });

  it('recognizes its own session from userIdentity.arn alone when there is no session issuer', () => {
    const event = {
      ...record('RevokeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail-on-network-change/s',
      },
    };
    expect(triageEvent(event, { exemptionTagKey: KEY, ownRoleArn: OWN_ROLE }).kind).toBe('ignore');
  });

  it('does not mistake another role with the same name prefix for its own', () => {
    const event = {
      ...record('RevokeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail-on-network-change-2/s',
        sessionContext: { sessionIssuer: { arn: `${OWN_ROLE}-2` } },
      },
    };
    expect(triageEvent(event, { exemptionTagKey: KEY, ownRoleArn: OWN_ROLE }).kind).toBe('handle');
  });

  it('ignores calls by any of its own roles when given a comma-separated list (event and audit function)', () => {
    // Prepare
    const AUDIT_ROLE = 'arn:aws:iam::111122223333:role/vpc-guardrail-audit';
    const byAudit = {
      ...record('RevokeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/vpc-guardrail-audit/audit-session',
        sessionContext: { sessionIssuer: { type: 'Role', arn: AUDIT_ROLE } },
      },
    };
    const ownRoleArn = `${OWN_ROLE}, ${AUDIT_ROLE}`;

    // Act
    const triage = triageEvent(byAudit, { exemptionTagKey: KEY, ownRoleArn });

    // Assess
    expect(triage).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'own-role', reason: `made by the guardrail's own role ${AUDIT_ROLE}` },
    });
    expect(triageEvent(byAudit, { exemptionTagKey: KEY, ownRoleArn: OWN_ROLE }).kind).toBe('handle');
  });

  it('ignores an event with an errorCode before reading its (null) response', () => {
    const event = {
      ...record('AuthorizeSecurityGroupIngress', { groupId: 'sg-0aaa' }, null),
      errorCode: 'Client.InvalidPermission.Duplicate',
    };
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({
      kind: 'ignore',
      ignored: { code: 'error-code', reason: expect.stringContaining('Client.InvalidPermission.Duplicate') },
    });
  });

  it('treats an explicit null errorCode (trimmed records) as success', () => {
    const event = { ...record('AuthorizeSecurityGroupIngress', { groupId: 'sg-0aaa' }), errorCode: null };
    expect(triageEvent(event, { exemptionTagKey: KEY }).kind).toBe('handle');
  });

  it('ignores an event name outside the table', () => {
    expect(triageEvent(record('DescribeInstances', {}), { exemptionTagKey: KEY })).toMatchObject({
      ignored: { code: 'unknown-event' },
    });
  });

  it('ignores events of other services', () => {
    const event = {
      ...record('AuthorizeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      eventSource: 'rds.amazonaws.com',
    };
    expect(triageEvent(event, { exemptionTagKey: KEY })).toMatchObject({ ignored: { code: 'not-ec2' } });
  });

  it('rejects an event of another account or region than the function', () => {
    const event = envelope(
      record('AuthorizeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      '999999999999',
      'us-east-1',
    );
    expect(
      triageEvent(event, {
        exemptionTagKey: KEY,
        expectedAccountId: '111122223333',
        expectedRegion: 'us-east-1',
      }),
    ).toMatchObject({ ignored: { code: 'other-account' } });
    const elsewhere = envelope(
      record('AuthorizeSecurityGroupIngress', { groupId: 'sg-0aaa' }),
      '111122223333',
      'eu-west-1',
    );
    expect(
      triageEvent(elsewhere, {
        exemptionTagKey: KEY,
        expectedAccountId: '111122223333',
        expectedRegion: 'us-east-1',
      }),
    ).toMatchObject({ ignored: { code: 'other-region' } });
  });

  it('rejects a record naming no account when the account is checked (trimmed records)', () => {
    const trimmed = cloudTrailFixture(
      'AuthorizeSecurityGroupIngress--console-launch-wizard-anywhere-ssh-trimmed-record.json',
    );
    expect(triageEvent(trimmed, { exemptionTagKey: KEY, expectedAccountId: '111122223333' })).toMatchObject({
      ignored: { code: 'other-account' },
    });
  });

  it('ignores a security-group event naming no group', () => {
    expect(
      triageEvent(record('AuthorizeSecurityGroupIngress', { ipPermissions: {} }), { exemptionTagKey: KEY }),
    ).toMatchObject({
      ignored: { code: 'no-resource' },
    });
  });

  it.each([
    ['null', null],
    ['a string', 'AuthorizeSecurityGroupIngress'],
    ['an array', []],
    ['a record without eventName', { eventSource: 'ec2.amazonaws.com' }],
    [
      'an envelope whose detail is not an object',
      { 'detail-type': 'AWS API Call via CloudTrail', detail: 'x' },
    ],
    ['an eventName that is a number', { eventName: 42 }],
  ])('ignores %s as malformed, naming what is wrong', (_label, input) => {
    const triage = triageEvent(input, { exemptionTagKey: KEY });
    expect(triage).toMatchObject({ kind: 'ignore', ignored: { code: 'malformed' } });
  });

  it('names the path of what is wrong in an envelope', () => {
    const triage = triageEvent({ detail: { eventName: 7 } }, { exemptionTagKey: KEY });
    expect(triage.kind === 'ignore' && triage.ignored.reason).toContain('detail.eventName');
  });
});

describe('sameRole', () => {
  it('matches a role with a path against its assumed-role session', () => {
    expect(
      sameRole(
        'arn:aws:sts::111122223333:assumed-role/guard/s1',
        'arn:aws:iam::111122223333:role/service-role/guard',
      ),
    ).toBe(true);
  });

  it('does not match the same role name in another account', () => {
    expect(
      sameRole('arn:aws:sts::999999999999:assumed-role/guard/s1', 'arn:aws:iam::111122223333:role/guard'),
    ).toBe(false);
  });
});

describe('members', () => {
  it.each([
    ['{items:[…]}', { items: [1, 2] }, [1, 2]],
    ['{} as an empty list', {}, []],
    ['"" as an empty XML set', '', []],
    ['{item:{…}} as one member', { item: { a: 1 } }, [{ a: 1 }]],
    ['{item:[…]}', { item: [{ a: 1 }, { a: 2 }] }, [{ a: 1 }, { a: 2 }]],
    ['a single tagged member object', { Key: 'k', tag: 1 }, [{ Key: 'k', tag: 1 }]],
    ['null', null, []],
    ['a number', 5, []],
  ])('reads %s', (_label, input, expected) => {
    expect(members(input)).toEqual(expected);
  });
});

describe('triageEvent: deliveries that wrap events are named for what they are', () => {
  const record = cloudTrailFixture('AuthorizeSecurityGroupIngress--go-sdk-anywhere-ssh-panther.json');

  it('an SNS notification (a subscription without raw message delivery) is malformed, naming the wrapper', () => {
    const sns = {
      Type: 'Notification',
      MessageId: '5b1c3d0e-0000-4000-8000-000000000001',
      TopicArn: 'arn:aws:sns:eu-west-1:111122223333:relay',
      Message: JSON.stringify(envelope(record)),
    };
    expect(triageEvent(sns, { exemptionTagKey: KEY })).toEqual({
      kind: 'ignore',
      ignored: {
        code: 'malformed',
        reason:
          'not a CloudTrail record: (root): an SNS notification wrapping the event (deliver the EventBridge event to the queue directly, or enable raw message delivery on the SNS subscription)',
      },
    });
  });

  it("a CloudTrail log file's Records is malformed, naming the file shape and its count", () => {
    expect(triageEvent({ Records: [record, record] }, { exemptionTagKey: KEY })).toEqual({
      kind: 'ignore',
      ignored: {
        code: 'malformed',
        reason:
          'not a CloudTrail record: (root): a CloudTrail log file\'s Records (2), not one event (the function reads the EventBridge "AWS API Call via CloudTrail" events, one per message)',
      },
    });
  });

  it('the record itself and its EventBridge envelope are still read', () => {
    expect(triageEvent(record, { exemptionTagKey: KEY }).kind).toBe('handle');
    expect(triageEvent(envelope(record), { exemptionTagKey: KEY }).kind).toBe('handle');
  });
});
