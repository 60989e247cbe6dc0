import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Config } from '../shared/config';
import { parseConfig } from '../shared/load-config';
import { assertEnvironmentFits } from './environment-size';
import { networkChangePattern } from './event-pattern';
import { GuardrailFunction } from './guardrail-function';
import {
  centralBus,
  grantListAccounts,
  grantMemberRole,
  memberStackSet,
  type OrganizationProps,
} from './organization';
import { READ_ACTIONS, writeActionsByResource } from './permissions';

const DEFAULT_BUNDLES_DIR = fileURLToPath(new URL('../dist/functions', import.meta.url));

export interface VpcGuardrailStackProps extends StackProps {
  /**
   * The guardrail's configuration (DESIGN §9), validated at synth: `mode` (notify, remediate,
   * dry-run), per-rule modes, ports, allow-lists, … Remediation permissions follow from it.
   */
  config?: unknown;
  /** An e-mail address subscribed to the notices (it must confirm the subscription). */
  notificationEmail?: string;
  /** Create a single-region CloudTrail trail of write management events (EventBridge needs one). */
  createTrail?: boolean;
  /** Run the audit on a schedule, e.g. `rate(1 day)` or `cron(0 6 ? * MON *)`; it sends one notice. */
  auditSchedule?: string;
  logRetention?: logs.RetentionDays;
  /**
   * Send findings to AWS Security Hub (DESIGN §16): the audit imports its findings, the event
   * function imports those of its scope and closes the ones that stopped firing.
   */
  securityHub?: boolean;
  /**
   * Deliver the notices to a Slack channel through Amazon Q Developer in chat applications (the
   * workspace must have been authorized once in its console).
   */
  slackChannel?: { workspaceId: string; channelId: string };
  /** Where the bundles are (default: dist/functions, written by `npm run build`). */
  bundlesDir?: string;
  /** Organization mode (DESIGN §15): this becomes the central stack (`VpcGuardrailCentral`). */
  organization?: OrganizationProps;
  /**
   * How long the event source mapping gathers events into one batch (DESIGN §14), 0–300 seconds;
   * default 10. Longer coalesces more of a burst into one evaluation and one notice; 0 is the
   * lowest latency (batches then hold at most 10 messages, as SQS requires without a window).
   */
  batchWindowSeconds?: number;
}

/** The event function's timeout; the buffer's visibility timeout is six times it (AWS's advice). */
const EVENT_FUNCTION_TIMEOUT = Duration.seconds(60);
/** Receives before a message goes to the buffer's dead-letter queue. */
const EVENTS_MAX_RECEIVE_COUNT = 5;
/** The buffer's visibility timeout: six times the function's timeout (AWS's advice). */
const EVENTS_VISIBILITY_SECONDS = EVENT_FUNCTION_TIMEOUT.toSeconds() * 6;

/** The guardrail stack (DESIGN §10, §14): topic, the two functions, the event rule → SQS buffer, DLQs, least-privilege IAM. */
export class VpcGuardrailStack extends Stack {
  readonly config: Config;

  constructor(scope: Construct, id: string, props: VpcGuardrailStackProps = {}) {
    super(scope, id, {
      description: 'VPC Guardrail: catches, fixes and reports security-group and network-ACL mistakes',
      ...props,
    });
    this.config = parseConfig(props.config ?? {}, 'stack configuration (context "config" / "mode")');
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const bundlesDir = props.bundlesDir ?? DEFAULT_BUNDLES_DIR;

    // Notices. The AWS-managed SNS key: encrypted at rest at no key cost, usable by this account's
    // publishers and by e-mail subscriptions.
    const topic = new sns.Topic(this, 'Notices', {
      displayName: 'VPC Guardrail',
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    if (props.notificationEmail) {
      topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
    }

    // Failed deliveries (EventBridge → Lambda) and failed invocations (after Lambda's retries).
    const deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the rule targets and the functions; it needs none itself.',
    });

    // Both functions read the same environment (DESIGN §9); the rest of the config goes as JSON.
    // The stack sets mode, topic and own role through their own variables.
    const configJson = JSON.stringify(withoutKeys(props.config ?? {}, ['mode', 'topicArn', 'ownRoleArn']));
    const org = props.organization;
    const environment = {
      VPC_GUARDRAIL_MODE: this.config.mode,
      VPC_GUARDRAIL_TOPIC_ARN: topic.topicArn,
      ...(configJson === '{}' ? {} : { VPC_GUARDRAIL_CONFIG: configJson }),
      ...(props.securityHub ? { VPC_GUARDRAIL_SECURITY_HUB: 'true' } : {}),
      // Organization mode is on in both functions when the member role is named (DESIGN §15).
      ...(org ? { VPC_GUARDRAIL_MEMBER_ROLE_NAME: org.memberRoleName } : {}),
    };

    const onChange = new GuardrailFunction(this, 'OnNetworkChange', {
      name: 'on-network-change',
      description: 'VPC Guardrail: evaluates, fixes and reports one network change',
      bundlesDir,
      environment,
      timeout: EVENT_FUNCTION_TIMEOUT,
      memorySize: 512,
      logRetention,
    });
    // Direct invocations (a bare event, as in tests and runbooks) keep a retry and the DLQ.
    onChange.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(deadLetters),
    });

    // DESIGN §14: the rule feeds an encrypted SQS buffer; the function reads it in batches and
    // reports the messages of a failed account-region group only (ReportBatchItemFailures). A
    // message that keeps failing goes to the buffer's own dead-letter queue after a few receives.
    const batchWindow = props.batchWindowSeconds ?? 10;
    if (!Number.isInteger(batchWindow) || batchWindow < 0 || batchWindow > 300) {
      throw new Error(
        `batchWindowSeconds must be an integer from 0 to 300, got ${JSON.stringify(batchWindow)}`,
      );
    }
    const eventDeadLetters = new sqs.Queue(this, 'EventDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(eventDeadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the event buffer; it needs none itself.',
    });
    const buffer = new sqs.Queue(this, 'Events', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(EVENTS_VISIBILITY_SECONDS),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: eventDeadLetters, maxReceiveCount: EVENTS_MAX_RECEIVE_COUNT },
    });
    // The function words the last receive ("not retried again") and reads a message redriven from
    // the dead-letter queue (its receives counted from 1 again) from these (README "Redrive"): one
    // short variable, as every byte of the 4 KB environment is an account id less in organization mode.
    onChange.function.addEnvironment(
      'VPC_GUARDRAIL_QUEUE',
      `${EVENTS_MAX_RECEIVE_COUNT},${EVENTS_VISIBILITY_SECONDS}`,
    );
    onChange.function.addEventSource(
      new SqsEventSource(buffer, {
        // SQS allows more than 10 messages per batch only with a batching window.
        batchSize: batchWindow > 0 ? 100 : 10,
        // Stated even when 0 (CloudFormation's default): the template says the window it runs with.
        maxBatchingWindow: Duration.seconds(batchWindow),
        reportBatchItemFailures: true,
      }),
    );

    const audit = new GuardrailFunction(this, 'Audit', {
      name: 'audit',
      description: 'VPC Guardrail: audits whole VPCs or regions on demand',
      bundlesDir,
      environment,
      // A whole organization takes longer than one account: Lambda's maximum in organization mode.
      timeout: org ? Duration.minutes(15) : Duration.minutes(5),
      memorySize: 1024,
      logRetention,
    });
    // Both roles are the guardrail's own: the audit's fixes must not come back as events to judge.
    // Principals the configuration names as its own (`ownRoleArn`) stay ignored too.
    const ownRoles = Fn.join(',', [
      onChange.role.roleArn,
      audit.role.roleArn,
      ...(this.config.ownRoleArn ? [this.config.ownRoleArn] : []),
    ]);
    for (const fn of [onChange, audit]) fn.function.addEnvironment('VPC_GUARDRAIL_OWN_ROLE_ARN', ownRoles);
    audit.function.configureAsyncInvoke({
      retryAttempts: 1,
      onFailure: new destinations.SqsDestination(deadLetters),
    });

    // Least privilege: the Describe* reads the loaders make (no resource-level permissions exist
    // for them), publishing to the topic, and the remediation writes only when the config lets
    // rules act, scoped to this account's and region's resources of the right type.
    const writes = writeActionsByResource(this.config);
    for (const [fn, reads] of [
      [onChange, READ_ACTIONS['on-network-change']],
      [audit, READ_ACTIONS.audit],
    ] as const) {
      Validations.of(fn.function).acknowledge({
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'Node.js 22 is the runtime the bundles are built, measured and tested for.',
      });
      fn.role.addToPolicy(
        new iam.PolicyStatement({ sid: 'Ec2Reads', actions: [...reads], resources: ['*'] }),
      );
      topic.grantPublish(fn.role);
      if (props.securityHub) this.grantSecurityHub(fn.role, fn === audit);
      for (const { resourceType, actions } of writes) {
        fn.role.addToPolicy(
          new iam.PolicyStatement({
            sid: `Remediate${resourceType.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
            actions,
            // The central account is governed in every region of the organization's rollout.
            resources: [
              this.formatArn({
                service: 'ec2',
                resource: resourceType,
                resourceName: '*',
                ...(org ? { region: '*' } : {}),
              }),
            ],
          }),
        );
      }
      Validations.of(fn.role).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
          reason:
            'EC2 Describe* and GetManagedPrefixListEntries reads support no resource-level permissions.',
        },
        ...writes.map(({ resourceType }) => ({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${org ? '*' : '<AWS::Region>'}:<AWS::AccountId>:${resourceType}/*]`,
          reason: `Remediation may have to fix any ${resourceType} of this account and region; the statement is limited to that resource type and to the fix actions of the rules allowed to remediate.`,
        })),
      );
    }

    // One rule for every handled network change, its event names generated from the event table
    // (organization mode: on the central bus, which principals of the organization feed).
    const bus = org ? centralBus(this, org.organizationId) : undefined;
    new events.Rule(this, 'NetworkChange', {
      description: 'EC2 network changes recorded by CloudTrail (names from the guardrail event table)',
      ...(bus ? { eventBus: bus } : {}),
      eventPattern: networkChangePattern(),
      targets: [
        new targets.SqsQueue(buffer, {
          deadLetterQueue: deadLetters,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    if (org && bus) this.organization(org, props, onChange, audit, bus);

    if (props.auditSchedule) {
      if (!/^(rate|cron)\(.+\)$/.test(props.auditSchedule)) {
        throw new Error(
          `auditSchedule must be rate(...) or cron(...), got ${JSON.stringify(props.auditSchedule)}`,
        );
      }
      new events.Rule(this, 'AuditSchedule', {
        description: 'Scheduled VPC Guardrail audit of this region; sends one summary notice',
        schedule: events.Schedule.expression(props.auditSchedule),
        targets: [
          new targets.LambdaFunction(audit.function, {
            event: events.RuleTargetInput.fromObject(
              org ? { notify: true, organization: true, regions: org.regions } : { notify: true },
            ),
            deadLetterQueue: deadLetters,
            retryAttempts: 2,
          }),
        ],
      });
    }

    if (props.createTrail) this.createTrail();
    if (props.slackChannel) {
      new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
        slackChannelConfigurationName: `${this.stackName}-notices`,
        slackWorkspaceId: props.slackChannel.workspaceId,
        slackChannelId: props.slackChannel.channelId,
        notificationTopics: [topic],
        // The channel only shows notices; its role has no policy, and the guardrail caps what
        // anyone could ever run from the channel at read-only (the default would be admin).
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
    }

    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'AuditFunctionName', { value: audit.function.functionName });
    new CfnOutput(this, 'EventFunctionName', { value: onChange.function.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetters.queueUrl });
    new CfnOutput(this, 'EventQueueUrl', { value: buffer.queueUrl });
    new CfnOutput(this, 'EventDeadLetterQueueArn', { value: eventDeadLetters.queueArn });

    // Last, once every variable is set: Lambda refuses an environment over 4 KB only at deployment,
    // and long organization account lists are what reach it.
    assertEnvironmentFits(
      this,
      [onChange.function, audit.function],
      this.config.accounts.length + this.config.excludeAccounts.length,
    );
  }

  /**
   * Security Hub writes, nothing else: importing under the account's default product (the only
   * resource BatchImportFindings is authorized on) and setting the workflow of findings that
   * stopped firing (BatchUpdateFindings is authorized on the hub resource, not on a product). The
   * audit also lists what the hub holds (GetFindings, on the hub), to close what it no longer reports.
   */
  private grantSecurityHub(role: iam.IRole, sweep: boolean): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SecurityHubImport',
        actions: ['securityhub:BatchImportFindings'],
        resources: [
          this.formatArn({
            service: 'securityhub',
            resource: 'product',
            resourceName: `${this.account}/default`,
          }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SecurityHubResolve',
        actions: ['securityhub:BatchUpdateFindings', ...(sweep ? ['securityhub:GetFindings'] : [])],
        resources: [this.formatArn({ service: 'securityhub', resource: 'hub', resourceName: 'default' })],
      }),
    );
  }

  /**
   * Organization mode (DESIGN §15): the functions may assume the member role (the audit may also
   * list the accounts); the StackSet rolls the member template out. The rule on the central bus
   * feeds the same SQS buffer as the single-account stack's.
   */
  private organization(
    org: OrganizationProps,
    props: VpcGuardrailStackProps,
    onChange: GuardrailFunction,
    audit: GuardrailFunction,
    bus: events.EventBus,
  ): void {
    for (const fn of [onChange, audit]) grantMemberRole(fn.role, org);
    grantListAccounts(audit.role);
    memberStackSet(this, {
      ...org,
      config: props.config ?? {},
      parsed: this.config,
      busArn: bus.eventBusArn,
      roleArns: [onChange.role.roleArn, audit.role.roleArn],
    });
  }

  /** A trail of this region's write management events: what EventBridge needs to see API calls. */
  private createTrail(): void {
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'The bucket holds only CloudTrail log files, which are themselves the access record.',
    });
    new cloudtrail.Trail(this, 'Trail', {
      bucket,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
    });
  }
}

function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
