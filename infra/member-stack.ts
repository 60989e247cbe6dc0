import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnParameter,
  Fn,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Config } from '../shared/config';
import { parseConfig } from '../shared/load-config';
import { networkChangePattern } from './event-pattern';
import { READ_ACTIONS, writeActionsByResource } from './permissions';

export interface VpcGuardrailMemberStackProps extends StackProps {
  /** The central configuration: the member role may make exactly the writes it lets act. */
  config?: unknown;
  /** The role the central functions assume (same name in every account). */
  memberRoleName: string;
  /** Default of the OrganizationId parameter (the StackSet passes it anyway). */
  organizationId?: string;
}

/** The member template's parameters: what the central stack passes through the StackSet. */
export const MEMBER_PARAMETERS = {
  organizationId: 'OrganizationId',
  centralBusArn: 'CentralEventBusArn',
  centralRoleArns: 'CentralRoleArns',
  primaryRegion: 'PrimaryRegion',
} as const;

/**
 * The member template (DESIGN §15): plain CloudFormation a service-managed StackSet can deploy
 * (no assets, no nested stacks, no bootstrap). Per region: a rule on the default bus with the
 * event table's pattern, forwarding to the central bus through a role that may only PutEvents on
 * it. Once per account (only in the primary region: IAM is global): the member role, trusted only
 * by the central functions' roles within the organization, allowed the Describe reads and the
 * remediation writes the central configuration lets act.
 */
export class VpcGuardrailMemberStack extends Stack {
  readonly config: Config;

  constructor(scope: Construct, id: string, props: VpcGuardrailMemberStackProps) {
    super(scope, id, {
      description: 'VPC Guardrail member: forwards network changes to the central bus; the role it acts with',
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      ...props,
    });
    this.config = parseConfig(props.config ?? {}, 'stack configuration (context "config" / "mode")');

    const organizationId = new CfnParameter(this, MEMBER_PARAMETERS.organizationId, {
      type: 'String',
      description: 'The AWS Organization (o-…) whose central guardrail may act here',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
      ...(props.organizationId ? { default: props.organizationId } : {}),
    });
    const busArn = new CfnParameter(this, MEMBER_PARAMETERS.centralBusArn, {
      type: 'String',
      description: 'The central event bus (VpcGuardrailCentral output CentralEventBusArn)',
      allowedPattern: '^arn:aws[\\w-]*:events:[a-z0-9-]+:\\d{12}:event-bus/.+$',
    });
    const roleArns = new CfnParameter(this, MEMBER_PARAMETERS.centralRoleArns, {
      type: 'CommaDelimitedList',
      description: "The central functions' roles (VpcGuardrailCentral output CentralRoleArns)",
    });
    const primaryRegion = new CfnParameter(this, MEMBER_PARAMETERS.primaryRegion, {
      type: 'String',
      description: 'The one region where the account-wide member role is created',
      allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$',
    });

    // Per region: the same pattern as the single-account stack, to the central bus. EventBridge
    // assumes the target role with aws:SourceArn = the rule's ARN and aws:SourceAccount = this
    // account ("Cross-service confused deputy prevention in Amazon EventBridge": for event bus rule
    // targets aws:SourceArn is the rule ARN), so the trust names this rule only. The rule has a
    // fixed name: its ARN is then known without a reference to the rule, which already references
    // the role (a GetAtt would be a circular dependency). Rules are regional, so one name serves
    // every region of the StackSet.
    const bus = events.EventBus.fromEventBusArn(this, 'CentralBus', busArn.valueAsString);
    const forwardRole = new iam.Role(this, 'ForwardRole', {
      description: 'VPC Guardrail: lets the forwarding rule put events on the central bus, nothing else',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': forwardRuleArn(),
          },
        },
      }),
    });
    new events.Rule(this, 'NetworkChange', {
      ruleName: FORWARD_RULE_NAME,
      description: 'EC2 network changes recorded by CloudTrail, forwarded to the central VPC Guardrail',
      eventPattern: networkChangePattern(),
      targets: [new targets.EventBus(bus, { role: forwardRole })],
    });

    // Once per account: the member role, only in the primary region.
    const isPrimary = new CfnCondition(this, 'IsPrimaryRegion', {
      expression: Fn.conditionEquals(Aws.REGION, primaryRegion.valueAsString),
    });
    const writes = writeActionsByResource(this.config);
    const role = new iam.CfnRole(this, 'MemberRole', {
      roleName: props.memberRoleName,
      description: 'VPC Guardrail: what the central functions may read and fix in this account',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: roleArns.valueAsList },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId.valueAsString } },
          },
        ],
      },
      policies: [
        {
          policyName: 'vpc-guardrail',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'Ec2Reads', Effect: 'Allow', Action: memberReadActions(), Resource: '*' },
              ...writes.map(({ resourceType, actions }) => ({
                Sid: `Remediate${resourceType.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
                Effect: 'Allow',
                Action: actions,
                // Every region of this account: the role is global, the rule runs in each region.
                Resource: `arn:${Aws.PARTITION}:ec2:*:${Aws.ACCOUNT_ID}:${resourceType}/*`,
              })),
            ],
          },
        },
      ],
    });
    role.cfnOptions.condition = isPrimary;
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'EC2 Describe* and GetManagedPrefixListEntries reads support no resource-level permissions.',
      },
      ...writes.map(({ resourceType }) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${resourceType}/*]`,
        reason: `Remediation may have to fix any ${resourceType} of this account, in any region the rule forwards from; the statement is limited to that resource type and to the fix actions of the rules the central configuration lets act.`,
      })),
    );
  }
}

/** The forwarding rule's name in each member region (fixed: the target role's trust names its ARN). */
export const FORWARD_RULE_NAME = 'vpc-guardrail-forward-to-central';

/** The forwarding rule's ARN on the default bus of the stack's account and region. */
function forwardRuleArn(): string {
  return `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${FORWARD_RULE_NAME}`;
}

/** The member role's reads: what the event slice and the region audit call (both use the role). */
export function memberReadActions(): string[] {
  return [...new Set([...READ_ACTIONS['on-network-change'], ...READ_ACTIONS.audit])].sort();
}

/**
 * The member template as JSON (the StackSet's TemplateBody): synthesized in a private app, so the
 * StackSet carries exactly what `VpcGuardrailMember.template.json` holds.
 */
export function memberTemplateBody(props: VpcGuardrailMemberStackProps): string {
  const outdir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-member-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = new VpcGuardrailMemberStack(app, 'VpcGuardrailMember', props);
    return JSON.stringify(app.synth().getStackArtifact(stack.artifactId).template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
