// DESIGN §7, §13, §14: the event function's input, black-box. Every §7 event name through every way
// it arrives (EventBridge directly, an SQS body, `detail` as JSON text, a bare record) and the ways
// CloudTrail really varies; then the wrong shapes. Each case states DESIGN's outcome first.
// Records: the real CloudTrail samples of test/fixtures/cloudtrail (PROVENANCE.md) where one exists
// for the event, else the shape the fixtures README gives for it.

import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processEvent, processMessages } from '../../functions/on-network-change/process';
import {
  buildWorld,
  cloudTrailFixture,
  DESIGN_EVENT_NAMES,
  envelope,
  eventDeps,
  installFakeEc2,
  lambdaContext,
  OWN_ROLE_ARN,
  publishedNotices,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const KEY = 'vpc-guardrail:exempt';
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
  installFakeEc2(
    ec2Mock,
    buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
  );
});

type Rec = Record<string, unknown>;

function fixture(name: string): Rec {
  return cloudTrailFixture(name) as Rec;
}

/** A record of the README's shape for an event with no real sample. */
function shaped(
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = { _return: true },
): Rec {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      accountId: ACCOUNT,
      userName: 'bob',
    },
    eventTime: '2025-06-15T10:51:12Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.17',
    requestParameters,
    responseElements,
    eventType: 'AwsApiCall',
    managementEvent: true,
    readOnly: false,
    eventCategory: 'Management',
    recipientAccountId: ACCOUNT,
  };
}

const PERMS = {
  items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }],
};

/** One record per §7 event name. */
const RECORDS: Record<string, () => Rec> = {
  AuthorizeSecurityGroupIngress: () =>
    fixture('AuthorizeSecurityGroupIngress--ipv4-cidr-ssh-with-ruleset-cli.json'),
  AuthorizeSecurityGroupEgress: () =>
    fixture('AuthorizeSecurityGroupEgress--ipv4-32-with-ruleset-cli-instance-role.json'),
  ModifySecurityGroupRules: () =>
    shaped('ModifySecurityGroupRules', {
      ModifySecurityGroupRulesRequest: {
        GroupId: 'sg-0web',
        SecurityGroupRule: {
          SecurityGroupRuleId: 'sgr-w22',
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
          tag: 1,
        },
      },
    }),
  RevokeSecurityGroupIngress: () =>
    shaped('RevokeSecurityGroupIngress', { groupId: 'sg-0web', ipPermissions: PERMS }),
  RevokeSecurityGroupEgress: () =>
    shaped('RevokeSecurityGroupEgress', { groupId: 'sg-0web', ipPermissions: PERMS }),
  CreateSecurityGroup: () => fixture('CreateSecurityGroup--terraform-panther.json'),
  ModifyNetworkInterfaceAttribute: () =>
    shaped('ModifyNetworkInterfaceAttribute', {
      networkInterfaceId: 'eni-0web',
      groupSet: { items: [{ groupId: 'sg-0web' }] },
    }),
  AssociateAddress: () =>
    shaped(
      'AssociateAddress',
      { allocationId: 'eipalloc-1', networkInterfaceId: 'eni-0web' },
      { associationId: 'a' },
    ),
  AttachNetworkInterface: () =>
    shaped('AttachNetworkInterface', {
      networkInterfaceId: 'eni-0web',
      instanceId: 'i-0web',
      deviceIndex: 1,
    }),
  RunInstances: () =>
    shaped(
      'RunInstances',
      { instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 1 }] } },
      {
        instancesSet: {
          items: [
            { instanceId: 'i-0web', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0web' }] } },
          ],
        },
      },
    ),
  CreateNetworkAcl: () =>
    shaped(
      'CreateNetworkAcl',
      { vpcId: 'vpc-0a1' },
      { networkAcl: { networkAclId: 'acl-0new', vpcId: 'vpc-0a1' } },
    ),
  CreateNetworkAclEntry: () => fixture('CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json'),
  ReplaceNetworkAclEntry: () =>
    shaped('ReplaceNetworkAclEntry', {
      networkAclId: 'acl-0default',
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      aclProtocol: '6',
      cidrBlock: '0.0.0.0/0',
      portRange: { from: 22, to: 22 },
    }),
  DeleteNetworkAclEntry: () => fixture('DeleteNetworkAclEntry--ingress-rule-100-cli.json'),
  ReplaceNetworkAclAssociation: () =>
    shaped(
      'ReplaceNetworkAclAssociation',
      { associationId: 'aclassoc-1', networkAclId: 'acl-0default' },
      { newAssociationId: 'aclassoc-2' },
    ),
  CreateRoute: () => fixture('CreateRoute--igw-default-route-panther.json'),
  ReplaceRoute: () =>
    shaped('ReplaceRoute', {
      routeTableId: 'rtb-0main',
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: 'igw-0a1',
    }),
  DeleteRoute: () => shaped('DeleteRoute', { routeTableId: 'rtb-0main', destinationCidrBlock: '0.0.0.0/0' }),
  CreateRouteTable: () => fixture('CreateRouteTable--sanitized.json'),
  AssociateRouteTable: () =>
    shaped(
      'AssociateRouteTable',
      { routeTableId: 'rtb-0main', subnetId: 'subnet-0pub' },
      { associationId: 'r-1' },
    ),
  ReplaceRouteTableAssociation: () =>
    shaped(
      'ReplaceRouteTableAssociation',
      { associationId: 'rtbassoc-1', routeTableId: 'rtb-0main' },
      { newAssociationId: 'rtbassoc-2' },
    ),
  AttachInternetGateway: () => fixture('AttachInternetGateway--sanitized.json'),
  CreateSubnet: () =>
    shaped(
      'CreateSubnet',
      { vpcId: 'vpc-0a1', cidrBlock: '10.0.9.0/24' },
      { subnet: { subnetId: 'subnet-0new', vpcId: 'vpc-0a1' } },
    ),
  ModifySubnetAttribute: () =>
    shaped('ModifySubnetAttribute', { subnetId: 'subnet-0pub', mapPublicIpOnLaunch: { value: true } }),
  CreateNatGateway: () => fixture('CreateNatGateway--wrapped-request-response-sanitized.json'),
  CreateVpcEndpoint: () =>
    fixture('CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json'),
  ModifyVpcEndpoint: () =>
    shaped('ModifyVpcEndpoint', {
      ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0a1', ResetPolicy: true },
    }),
  CreateTags: () =>
    shaped('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0web' }] },
      tagSet: { items: [{ key: KEY, value: '*' }] },
    }),
  DeleteTags: () =>
    shaped('DeleteTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0web' }] },
      tagSet: { items: [{ key: KEY }] },
    }),
};

/** The record as the function's own account and region made it, with a fresh event id. */
function ours(name: string, id: string, overrides: Rec = {}): Rec {
  const make = RECORDS[name];
  if (!make) throw new Error(`no record for ${name}`);
  return { ...make(), recipientAccountId: ACCOUNT, awsRegion: REGION, eventID: `evt-${id}`, ...overrides };
}

const WRITES = /^(Revoke|Replace|Delete|Create|Authorize|Modify|Associate|Disassociate)/;
const writes = () => ec2Mock.calls().filter((c) => WRITES.test(c.args[0].constructor.name));

/** A logger that keeps what it logs, by level. */
function recordingLogger() {
  const logger = new Logger({ logLevel: 'SILENT' });
  const lines: { level: string; message: string; extra: Rec }[] = [];
  for (const level of ['error', 'warn', 'info'] as const) {
    logger[level] = (message: unknown, ...extra: unknown[]) => {
      lines.push({ level, message: String(message), extra: (extra[0] ?? {}) as Rec });
    };
  }
  return { logger, lines };
}

const deps = (logger?: Logger) => ({ ...eventDeps(), ...(logger ? { logger } : {}) });

describe('every §7 event name, every way it arrives: the same decision', () => {
  it('a record for each of the table names', () => {
    expect(Object.keys(RECORDS).sort()).toEqual([...DESIGN_EVENT_NAMES].sort());
  });

  for (const name of DESIGN_EVENT_NAMES) {
    it(`${name}: handled alike as EventBridge delivers it, in an SQS body, with detail as JSON text, bare`, async () => {
      // DESIGN §14: "The handler also accepts a bare EventBridge event or CloudTrail record … a batch of
      // one"; §7: the account is the envelope's, else recipientAccountId. Expected: handled, all four.
      const direct = await processEvent(envelope(ours(name, 'a')), deps());
      expect(direct.status, JSON.stringify(direct)).toBe('handled');
      const text = JSON.stringify(envelope(ours(name, 'b')));
      const asText = JSON.stringify({ ...(envelope({}) as Rec), detail: JSON.stringify(ours(name, 'c')) });
      const batch = await processMessages(
        [
          { id: 'sqs', body: text, receiveCount: 1 },
          { id: 'detail-text', body: asText, receiveCount: 1 },
          { id: 'bare', body: JSON.stringify(ours(name, 'd')), receiveCount: 1 },
        ],
        deps(),
      );
      expect(batch.messages.map((m) => [m.messageId, m.outcome])).toEqual([
        ['sqs', 'handled'],
        ['detail-text', 'handled'],
        ['bare', 'handled'],
      ]);
      expect(batch.failedMessageIds).toEqual([]);
    });

    it(`${name}: a failed call (errorCode, requestParameters null) changes nothing, reads nothing, tells nothing`, async () => {
      // DESIGN §7: "Events with detail.errorCode are ignored" — the real EC2 failure shape (fixtures
      // README: `Client.` prefix, responseElements null; a failed call's requestParameters may be null).
      const failed = ours(name, 'f', {
        errorCode: 'Client.UnauthorizedOperation',
        errorMessage: 'You are not authorized to perform this operation.',
        requestParameters: null,
        responseElements: null,
      });
      const result = await processMessages(
        [
          { id: 'failed', body: JSON.stringify(envelope(failed)), receiveCount: 1 },
          // The explicit empty code: the key is there, so the call failed (no other reading is safe).
          {
            id: 'empty-code',
            body: JSON.stringify(envelope({ ...ours(name, 'g'), errorCode: '' })),
            receiveCount: 1,
          },
        ],
        deps(),
      );
      expect(result.messages.map((m) => (m.outcome === 'ignored' ? m.ignored.code : m.outcome))).toEqual([
        'error-code',
        'error-code',
      ]);
      expect(ec2Mock.calls()).toEqual([]);
      expect(publishedNotices(snsMock)).toEqual([]);
      expect(result.failedMessageIds).toEqual([]);
    });

    it(`${name}: another account or region is rejected with a logged reason, nothing read`, async () => {
      // DESIGN §7: "Events from another account or region than the function's own … are rejected with a
      // logged reason." Envelope fields first, then recipientAccountId / awsRegion of a bare record.
      const { logger, lines } = recordingLogger();
      const result = await processMessages(
        [
          { id: 'acct', body: JSON.stringify(envelope(ours(name, 'h'), '444455556666')), receiveCount: 1 },
          {
            id: 'region',
            body: JSON.stringify(envelope(ours(name, 'i'), ACCOUNT, 'eu-west-1')),
            receiveCount: 1,
          },
          {
            id: 'bare-acct',
            body: JSON.stringify(ours(name, 'j', { recipientAccountId: '444455556666' })),
            receiveCount: 1,
          },
          {
            id: 'bare-region',
            body: JSON.stringify(ours(name, 'k', { awsRegion: 'eu-west-1' })),
            receiveCount: 1,
          },
        ],
        deps(logger),
      );
      expect(result.messages.map((m) => (m.outcome === 'ignored' ? m.ignored.code : m.outcome))).toEqual([
        'other-account',
        'other-region',
        'other-account',
        'other-region',
      ]);
      expect(ec2Mock.calls()).toEqual([]);
      expect(lines.filter((l) => l.message === 'event ignored').map((l) => l.extra.reason)).toEqual([
        "event of account 444455556666, not this function's 111122223333",
        "event of region eu-west-1, not this function's us-east-1",
        "event of account 444455556666, not this function's 111122223333",
        "event of region eu-west-1, not this function's us-east-1",
      ]);
    });
  }
});

describe('who made the call: every CloudTrail identity form is read, only the own role is ignored', () => {
  const identities: [string, Rec, Rec, string][] = [
    // [label, userIdentity, record overrides, expected outcome]
    ['IAMUser', { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/bob`, userName: 'bob' }, {}, 'handled'],
    [
      'Root',
      { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, sessionContext: { sessionIssuer: {} } },
      {},
      'handled',
    ],
    [
      'AWSService (no arn, a service name as the source address)',
      { type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' },
      { sourceIPAddress: 'autoscaling.amazonaws.com', userAgent: 'autoscaling.amazonaws.com' },
      'handled',
    ],
    [
      'FederatedUser',
      { type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol` },
      {},
      'handled',
    ],
    [
      'WebIdentityUser',
      { type: 'WebIdentityUser', userName: 'dave', identityProvider: 'accounts.google.com' },
      {},
      'handled',
    ],
    [
      'AssumedRole without sessionContext',
      { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice` },
      {},
      'handled',
    ],
    ['no userIdentity at all', {}, { userIdentity: undefined }, 'handled'],
    [
      "the guardrail's own role, by the session's arn only (no sessionContext)",
      { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/guardrail/fn` },
      {},
      'own-role',
    ],
    [
      "the guardrail's own role, by the session issuer",
      {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/guardrail/fn',
        sessionContext: { sessionIssuer: { type: 'Role', arn: OWN_ROLE_ARN } },
      },
      {},
      'own-role',
    ],
  ];
  for (const [label, userIdentity, overrides, expected] of identities) {
    it(label, async () => {
      const record = ours('AuthorizeSecurityGroupIngress', 'u', { userIdentity, ...overrides });
      const result = await processMessages(
        [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
        deps(),
      );
      const m = result.messages[0];
      expect(m?.outcome === 'ignored' ? m.ignored.code : m?.outcome).toBe(expected);
      expect(result.failedMessageIds).toEqual([]);
    });
  }
});

describe('fields CloudTrail varies that decide nothing', () => {
  it('readOnly, eventCategory, managementEvent, explicit null error fields, empty and absent lists, a huge resourcesSet', async () => {
    // Expected: each handled; the CreateTags one names all 2,000 resources and is not cut short.
    const many = Array.from({ length: 2000 }, (_, i) => ({
      resourceId: `sg-${(i + 1).toString(16).padStart(8, '0')}`,
    }));
    const cases: [string, Rec][] = [
      [
        'readOnly',
        ours('AuthorizeSecurityGroupIngress', '1', { readOnly: false, eventCategory: 'Management' }),
      ],
      [
        'no-readOnly',
        ours('AuthorizeSecurityGroupIngress', '2', { readOnly: undefined, managementEvent: undefined }),
      ],
      ['null-errors', ours('AuthorizeSecurityGroupIngress', '3', { errorCode: null, errorMessage: null })],
      [
        'huge-resourcesSet',
        ours('CreateTags', '4', {
          requestParameters: {
            resourcesSet: { items: [...many, { resourceId: 'sg-0web' }] },
            tagSet: { items: [{ key: KEY, value: '22' }] },
          },
        }),
      ],
    ];
    const result = await processMessages(
      cases.map(([id, r]) => ({ id, body: JSON.stringify(envelope(r)), receiveCount: 1 })),
      deps(),
    );
    expect(result.messages.map((m) => [m.messageId, m.outcome])).toEqual(
      cases.map(([id]) => [id, 'handled']),
    );
    expect(result.failedMessageIds).toEqual([]);
  });
});

describe('wrong shapes: a clear logged reason, acknowledged, nothing read or changed', () => {
  const good = () => envelope(ours('AuthorizeSecurityGroupIngress', 'ok')) as Rec;
  // [id, body, expected code, expected reason (a part of it), logged at]
  const cases: [string, unknown, string, string, 'error' | 'info'][] = [
    ['not-json', '{"detail": {"eventName": "Authori', 'not-json', 'the message body is not JSON', 'error'],
    ['empty-body', '', 'not-json', 'the message body is not JSON', 'error'],
    ['json-array', '[]', 'malformed', '(root): expected an object', 'error'],
    ['json-number', '42', 'malformed', '(root): expected an object', 'error'],
    ['json-null', 'null', 'malformed', '(root): expected an object', 'error'],
    ['json-no-event', '{"hello":"world"}', 'malformed', 'eventName: is required', 'error'],
    [
      'state-change',
      JSON.stringify({
        ...good(),
        'detail-type': 'EC2 Instance State-change Notification',
        detail: { 'instance-id': 'i-0web', state: 'running' },
      }),
      'unknown-event',
      `detail-type "EC2 Instance State-change Notification" is not "AWS API Call via CloudTrail"`,
      'error',
    ],
    [
      'service-event',
      JSON.stringify({ ...good(), 'detail-type': 'AWS Service Event via CloudTrail' }),
      'unknown-event',
      `detail-type "AWS Service Event via CloudTrail" is not "AWS API Call via CloudTrail"`,
      'error',
    ],
    [
      'custom-source',
      JSON.stringify({ ...good(), source: 'my.app' }),
      'not-ec2',
      `source "my.app" is not aws.ec2`,
      'error',
    ],
    [
      's3-source',
      JSON.stringify({
        ...good(),
        source: 'aws.s3',
        detail: { ...ours('AuthorizeSecurityGroupIngress', 's3'), eventSource: 's3.amazonaws.com' },
      }),
      'not-ec2',
      `source "aws.s3" is not aws.ec2`,
      'error',
    ],
    [
      'other-event-source',
      JSON.stringify(
        envelope({ ...ours('AuthorizeSecurityGroupIngress', 'src'), eventSource: 'iam.amazonaws.com' }),
      ),
      'not-ec2',
      'event source iam.amazonaws.com is not ec2.amazonaws.com',
      'error',
    ],
    [
      'detail-text-not-json',
      JSON.stringify({ ...good(), detail: '{"eventName": ' }),
      'malformed',
      'detail: expected record, got a string',
      'error',
    ],
    [
      'detail-text-array',
      JSON.stringify({ ...good(), detail: '[1]' }),
      'malformed',
      'detail: expected record, got a string',
      'error',
    ],
    [
      'real-failed-call',
      JSON.stringify(
        envelope(fixture('GetPasswordData--failed-client-unauthorizedoperation-ec2-error-shape.json')),
      ),
      'error-code',
      'the call failed (errorCode Client.UnauthorizedOperation): nothing changed',
      'info',
    ],
  ];

  it('each alone, then all in one batch with one good message: only the good one is acted on', async () => {
    const { logger, lines } = recordingLogger();
    const messages = [
      ...cases.map(([id, body]) => ({ id, body, receiveCount: 1 })),
      { id: 'good', body: JSON.stringify(good()), receiveCount: 1 },
    ];
    const result = await processMessages(messages, deps(logger));
    const outcome = (m: (typeof result.messages)[number]) =>
      m.outcome === 'unreadable' ? 'not-json' : m.outcome === 'ignored' ? m.ignored.code : m.outcome;
    expect(result.messages.map((m) => [m.messageId, outcome(m)])).toEqual([
      ...cases.map(([id, , code]) => [id, code]),
      ['good', 'handled'],
    ]);
    for (const [id, , , reason, level] of cases) {
      const line = lines.find((l) => l.extra.messageId === id);
      expect(line?.level, id).toBe(level);
      expect(String(line?.extra.reason), id).toContain(reason);
    }
    expect(result.failedMessageIds).toEqual([]);
    // The good message alone was read and its world-open rule (the fixture's group is not in the world) not touched.
    expect(writes()).toEqual([]);
  });
});

describe('the deployed path: the handler answers an SQS batch with exactly the messages to retry', () => {
  const context = lambdaContext({
    name: 'vpc-guardrail-on-network-change',
    region: REGION,
    accountId: ACCOUNT,
    awsRequestId: 'req-s9',
  });
  const sqs = (messageId: string, body: string) => ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:vpc-guardrail-events`,
    awsRegion: REGION,
  });

  beforeEach(() => {
    vi.stubEnv('AWS_REGION', REGION);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', `arn:aws:sns:${REGION}:${ACCOUNT}:vpc-guardrail`);
    vi.stubEnv('VPC_GUARDRAIL_OWN_ROLE_ARN', OWN_ROLE_ARN);
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'remediate');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('bad input acknowledged, a throttled evaluation retried: batchItemFailures names only it', async () => {
    // Expected (DESIGN §14): not-JSON, not-an-event, another source, a failed call and another account
    // are logged and acknowledged; the one evaluated message hits throttling past the retries and
    // alone is listed in batchItemFailures.
    vi.resetModules();
    const { handler } = await import('../../functions/on-network-change/handler');
    ec2Mock.rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const good = ours('AuthorizeSecurityGroupIngress', 'h1');
    const event = {
      Records: [
        sqs('a', '{"version":"0","detail":'),
        sqs('b', '{"hello":"world"}'),
        sqs('c', JSON.stringify({ ...(envelope(good) as Rec), source: 'aws.s3' })),
        sqs(
          'd',
          JSON.stringify(envelope({ ...ours('AuthorizeSecurityGroupIngress', 'h2'), errorCode: 'Client.X' })),
        ),
        sqs('e', JSON.stringify(envelope(ours('AuthorizeSecurityGroupIngress', 'h3'), '444455556666'))),
        sqs('f', JSON.stringify(envelope(good))),
      ],
    };
    const response = await handler(event, context);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'f' }] });
    expect(writes()).toEqual([]);
  });
});
