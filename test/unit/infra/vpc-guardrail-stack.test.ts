import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpcGuardrailStack, type VpcGuardrailStackProps } from '../../../infra/vpc-guardrail-stack';
import { EC2_READ_ACTIONS } from '../../../shared/aws/ec2/region';
import { SLICE_READ_ACTIONS } from '../../../shared/aws/ec2/slice';
import { HANDLED_EVENT_NAMES } from '../../../shared/events/event-table';
import { RULES } from '../../../shared/rules/registry';

let bundlesDir = '';

beforeAll(() => {
  // Stand-in bundles: the template only needs the asset folders to exist.
  bundlesDir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-bundles-'));
  for (const name of ['on-network-change', 'audit']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
});

afterAll(() => {
  rmSync(bundlesDir, { recursive: true, force: true });
});

function synth(props: Omit<VpcGuardrailStackProps, 'bundlesDir'> = {}): Template {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new VpcGuardrailStack(app, 'VpcGuardrail', { ...props, bundlesDir });
  return Template.fromStack(stack);
}

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every IAM policy in the template. */
function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The EC2 write actions granted to any role, sorted and deduplicated. */
const ec2Writes = (template: Template) => [
  ...new Set(
    statements(template)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('ec2:') && !/^ec2:(Describe|Get)/.test(a))
      .sort(),
  ),
];

describe('VpcGuardrail stack', () => {
  it('matches the event table in its one EventBridge rule', () => {
    // Act
    const template = synth();

    // Assess
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: [...HANDLED_EVENT_NAMES],
          errorCode: [{ exists: false }],
        },
      },
    });
  });

  it('buffers events in an encrypted SQS queue with its own DLQ, read in batches with partial failures (§14)', () => {
    // Act
    const template = synth();
    const queues = template.findResources('AWS::SQS::Queue');
    const idOf = (prefix: string) => Object.keys(queues).find((id) => id.startsWith(prefix)) ?? '';
    const buffer = idOf('Events');
    const bufferDlq = idOf('EventDeadLetters');
    const deadLetters = idOf('DeadLetters');

    // Assess
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    expect(queues[buffer]?.Properties).toMatchObject({
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [bufferDlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [buffer, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [buffer, 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // The function's timeout is below the queue's visibility timeout: a batch is never seen twice at once.
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      (f as { Properties: { Handler?: string; Description?: string } }).Properties.Description?.includes(
        'network change',
      ),
    ) as { Properties: { Timeout: number } } | undefined;
    expect(fn?.Properties.Timeout).toBe(60);
    expect(fn?.Properties.Timeout ?? Number.POSITIVE_INFINITY).toBeLessThan(360);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 2);
    template.allResourcesProperties('AWS::Lambda::EventInvokeConfig', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [deadLetters, 'Arn'] } } },
    });
    // Only TLS to the queues and the topic.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('takes the batching window from batchWindowSeconds: 0 is the lowest latency, batches of 10', () => {
    const mapping = Object.values(
      synth({ batchWindowSeconds: 0 }).findResources('AWS::Lambda::EventSourceMapping'),
    )[0] as { Properties: Record<string, unknown> };
    expect(mapping.Properties.BatchSize).toBe(10);
    expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBe(0);
    synth({ batchWindowSeconds: 60 }).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 60,
    });
    expect(() => synth({ batchWindowSeconds: 301 })).toThrow(
      'batchWindowSeconds must be an integer from 0 to 300',
    );
  });

  it('runs both functions on Node.js 22, arm64, from the bundles, with the DESIGN §9 environment', () => {
    // Act
    const template = synth({ config: { mode: 'dry-run', worldOpenCoverage: 0.95 } });

    // Assess
    template.resourceCountIs('AWS::Lambda::Function', 2);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0] ?? '';
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    const eventRole = roles.find((id) => id.startsWith('OnNetworkChange')) ?? '';
    const auditRole = roles.find((id) => id.startsWith('Audit')) ?? '';
    for (const prefix of ['vpc-guardrail-on-network-change', 'vpc-guardrail-audit']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON' },
        Environment: {
          Variables: {
            VPC_GUARDRAIL_MODE: 'dry-run',
            VPC_GUARDRAIL_TOPIC_ARN: { Ref: topic },
            VPC_GUARDRAIL_OWN_ROLE_ARN: {
              'Fn::Join': [',', [{ 'Fn::GetAtt': [eventRole, 'Arn'] }, { 'Fn::GetAtt': [auditRole, 'Arn'] }]],
            },
            VPC_GUARDRAIL_CONFIG: '{"worldOpenCoverage":0.95}',
            POWERTOOLS_SERVICE_NAME: prefix,
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    }
  });

  it("ignores the configuration's own principals (ownRoleArn) besides both function roles", () => {
    const template = synth({ config: { ownRoleArn: 'arn:aws:iam::111122223333:role/break-glass' } });
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    const eventRole = roles.find((id) => id.startsWith('OnNetworkChange')) ?? '';
    const auditRole = roles.find((id) => id.startsWith('Audit')) ?? '';
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          VPC_GUARDRAIL_OWN_ROLE_ARN: {
            'Fn::Join': [
              ',',
              [
                { 'Fn::GetAtt': [eventRole, 'Arn'] },
                { 'Fn::GetAtt': [auditRole, 'Arn'] },
                'arn:aws:iam::111122223333:role/break-glass',
              ],
            ],
          },
        }),
      },
    });
  });

  it('keeps logs in their own groups with a retention', () => {
    // Act
    const template = synth();

    // Assess
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('grants no wildcard action, and no write at all while remediation is off', () => {
    for (const mode of ['notify', 'dry-run'] as const) {
      // Act
      const template = synth({ config: { mode } });

      // Assess
      const actions = statements(template).flatMap(actionsOf);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      expect(ec2Writes(template)).toEqual([]);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'Ec2Reads',
              Action: Match.arrayWith(['ec2:DescribeSecurityGroups']),
              Resource: '*',
            }),
          ]),
        },
      });
    }
  });

  it("grants each function exactly the reads its loader makes, from the loaders' tables", () => {
    // Act
    const template = synth();

    // Assess
    const policies = template.findResources('AWS::IAM::Policy');
    const reads = (prefix: string) => {
      const entry = Object.entries(policies).find(([id]) => id.startsWith(prefix));
      const doc = (entry?.[1] as { Properties: { PolicyDocument: { Statement: Statement[] } } } | undefined)
        ?.Properties.PolicyDocument.Statement;
      return doc?.find((s) => s.Sid === 'Ec2Reads')?.Action;
    };
    expect(reads('OnNetworkChange')).toEqual([...SLICE_READ_ACTIONS].sort());
    expect(reads('Audit')).toEqual([...EC2_READ_ACTIONS].sort());
  });

  it('grants the fix actions of the rules that may remediate, scoped to the account and region', () => {
    // Act
    const template = synth({ config: { mode: 'remediate' } });

    // Assess
    const expected = [
      ...new Set(RULES.filter((r) => r.meta.autoFix === 'yes').flatMap((r) => r.meta.fixActions)),
    ].sort();
    expect(ec2Writes(template)).toEqual(expected);
    const arn = (type: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ec2:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${type}/*`,
        ],
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ec2:RevokeSecurityGroupIngress', Resource: arn('security-group') }),
        ]),
      },
    });
    for (const s of statements(template)) {
      if (actionsOf(s).some((a) => a.startsWith('ec2:') && !/^ec2:(Describe|Get)/.test(a))) {
        expect(s.Resource).not.toBe('*');
      }
    }
    // Opt-in fixes stay off unless enabled per rule: no NACL write at all in global remediate mode.
    expect(ec2Writes(template)).not.toContain('ec2:ModifySubnetAttribute');
    expect(ec2Writes(template).filter((a) => a.includes('NetworkAcl'))).toEqual([]);
  });

  it('grants the NACL entry writes, ReplaceNetworkAclEntry included, only when nacl-open-admin-port may act', () => {
    // Act
    const template = synth({ config: { rules: { 'nacl-open-admin-port': 'remediate' } } });

    // Assess
    expect(ec2Writes(template)).toEqual([
      'ec2:CreateNetworkAclEntry',
      'ec2:DeleteNetworkAclEntry',
      'ec2:ReplaceNetworkAclEntry',
    ]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry', 'ec2:ReplaceNetworkAclEntry'],
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':ec2:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':network-acl/*',
                ],
              ],
            },
          }),
        ]),
      },
    });
  });

  it('grants an opt-in fix only when its rule is set to remediate', () => {
    // Act
    const template = synth({ config: { rules: { 'subnet-auto-assign-public-ip': 'remediate' } } });

    // Assess
    expect(ec2Writes(template)).toEqual(['ec2:ModifySubnetAttribute']);
  });

  it('encrypts the topic with KMS and subscribes the e-mail address only when given', () => {
    // Act
    const without = synth();
    const withEmail = synth({ notificationEmail: 'ops@example.com' });

    // Assess
    const topic = Object.values(without.findResources('AWS::SNS::Topic'))[0] as {
      Properties: { KmsMasterKeyId: unknown };
    };
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain(':alias/aws/sns');
    without.resourceCountIs('AWS::SNS::Subscription', 0);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('creates a trail of write management events and an audit schedule only when asked', () => {
    // Act
    const plain = synth();
    const full = synth({ createTrail: true, auditSchedule: 'rate(1 day)' });

    // Assess
    plain.resourceCountIs('AWS::CloudTrail::Trail', 0);
    full.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      IsMultiRegionTrail: false,
      EventSelectors: [Match.objectLike({ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' })],
    });
    full.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Input: '{"notify":true}' })],
    });
  });

  it('refuses an invalid configuration or schedule at synth', () => {
    // Assess
    expect(() => synth({ config: { mode: 'loud' } })).toThrow(
      /mode: expected one of "notify", "remediate", "dry-run"/,
    );
    expect(() => synth({ auditSchedule: 'daily' })).toThrow(
      /auditSchedule must be rate\(\.\.\.\) or cron\(\.\.\.\)/,
    );
  });

  it('passes cdk-nag AwsSolutions with every option on', () => {
    // Prepare
    const app = new App({ builtinCloudFormationValidation: false });
    new VpcGuardrailStack(app, 'VpcGuardrail', {
      bundlesDir,
      config: { mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } },
      notificationEmail: 'ops@example.com',
      createTrail: true,
      auditSchedule: 'cron(0 6 ? * MON *)',
      securityHub: true,
      slackChannel: { workspaceId: 'T0123456789', channelId: 'C0123456789' },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // Act
    const synthesize = () => app.synth();

    // Assess
    expect(synthesize).not.toThrow();
  });

  it('grants Security Hub only BatchImportFindings on the default product and BatchUpdateFindings on the hub (and GetFindings to the audit, for its sweep), when enabled', () => {
    // Act
    const off = synth();
    const on = synth({ securityHub: true });

    // Assess
    const hub = (t: Template) =>
      statements(t).filter((s) => actionsOf(s).some((a) => a.startsWith('securityhub:')));
    expect(hub(off)).toEqual([]);
    const arn = (resource: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':securityhub:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${resource}`,
          ...(resource === 'product/' ? [{ Ref: 'AWS::AccountId' }, '/default'] : []),
        ],
      ],
    });
    // One import and one resolve statement per function, nothing broader; the audit (second) also
    // lists what the hub holds, to close what it no longer reports.
    expect(hub(on)).toEqual([
      {
        Sid: 'SecurityHubImport',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: arn('product/'),
      },
      {
        Sid: 'SecurityHubResolve',
        Effect: 'Allow',
        Action: 'securityhub:BatchUpdateFindings',
        Resource: arn('hub/default'),
      },
      {
        Sid: 'SecurityHubImport',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: arn('product/'),
      },
      {
        Sid: 'SecurityHubResolve',
        Effect: 'Allow',
        Action: ['securityhub:BatchUpdateFindings', 'securityhub:GetFindings'],
        Resource: arn('hub/default'),
      },
    ]);
    const environments = Object.values(on.findResources('AWS::Lambda::Function')).map(
      (fn) =>
        (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment
          .Variables,
    );
    expect(environments.map((env) => env.VPC_GUARDRAIL_SECURITY_HUB)).toEqual(['true', 'true']);
  });

  it('connects a Slack channel to the topic through Amazon Q Developer only when asked', () => {
    // Act
    const off = synth();
    const on = synth({ slackChannel: { workspaceId: 'T0123456789', channelId: 'C0123456789' } });

    // Assess
    off.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    on.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123456789',
      SlackChannelId: 'C0123456789',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^Notices') }],
      GuardrailPolicies: [
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/ReadOnlyAccess'])] }),
      ],
    });
  });
});
