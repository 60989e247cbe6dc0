import { CfnOutput, CfnStackSet, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Config } from '../shared/config';
import { MEMBER_PARAMETERS, memberTemplateBody } from './member-stack';

/** Organization mode settings of the central stack (DESIGN §15; CDK context of the same names). */
export interface OrganizationProps {
  /** `o-…`: only its principals may put events on the central bus and assume member roles. */
  organizationId: string;
  /** The OUs the StackSet deploys the member template to (auto-deployment follows new accounts). */
  targetOus: string[];
  /** The regions of the member template; the first is where the account-wide member role is made. */
  regions: string[];
  /** The member role's name (default `VpcGuardrailMember`). */
  memberRoleName: string;
}

/** The central bus: principals of the organization may put events on it, nobody else. */
export function centralBus(scope: Construct, organizationId: string): events.EventBus {
  const bus = new events.EventBus(scope, 'CentralBus', { eventBusName: 'vpc-guardrail-central' });
  bus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OrganizationPutEvents',
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    }),
  );
  return bus;
}

/** Lets a central function assume the member role in the organization's accounts (and only there). */
export function grantMemberRole(role: iam.Role, props: OrganizationProps): void {
  const stack = Stack.of(role);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeMemberRole',
      actions: ['sts:AssumeRole'],
      resources: [`arn:${stack.partition}:iam::*:role/${props.memberRoleName}`],
      conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } },
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.memberRoleName}]`,
    reason:
      'The member role has one name in every account of the organization; aws:ResourceOrgID limits it to the organization.',
  });
}

/** Lets the audit function list the organization's accounts (`organization: true`). */
export function grantListAccounts(role: iam.Role): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ListAccounts',
      actions: ['organizations:ListAccounts'],
      resources: ['*'],
    }),
  );
  // The Ec2Reads acknowledgment already covers Resource::* on this role.
}

/**
 * The service-managed StackSet that deploys the member template to the target OUs and regions,
 * and follows accounts as they join or leave (auto-deployment).
 */
export function memberStackSet(
  scope: Construct,
  props: OrganizationProps & { config: unknown; parsed: Config; busArn: string; roleArns: string[] },
): CfnStackSet {
  const { parsed } = props;
  // The allow-list and exclusions also decide where the member template goes.
  const accounts = parsed.accounts.filter((a) => !parsed.excludeAccounts.includes(a));
  const filter =
    parsed.accounts.length > 0
      ? { accountFilterType: 'INTERSECTION', accounts }
      : parsed.excludeAccounts.length > 0
        ? { accountFilterType: 'DIFFERENCE', accounts: parsed.excludeAccounts }
        : {};
  const stackSet = new CfnStackSet(scope, 'MemberStackSet', {
    stackSetName: 'VpcGuardrailMember',
    description: 'VPC Guardrail member: event forwarding and the member role, in every target account',
    permissionModel: 'SERVICE_MANAGED',
    callAs: 'DELEGATED_ADMIN',
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    capabilities: ['CAPABILITY_NAMED_IAM'],
    managedExecution: { Active: true },
    operationPreferences: {
      regionConcurrencyType: 'PARALLEL',
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
    },
    templateBody: memberTemplateBody({
      config: props.config,
      memberRoleName: props.memberRoleName,
      organizationId: props.organizationId,
    }),
    parameters: [
      { parameterKey: MEMBER_PARAMETERS.organizationId, parameterValue: props.organizationId },
      { parameterKey: MEMBER_PARAMETERS.centralBusArn, parameterValue: props.busArn },
      { parameterKey: MEMBER_PARAMETERS.centralRoleArns, parameterValue: props.roleArns.join(',') },
      { parameterKey: MEMBER_PARAMETERS.primaryRegion, parameterValue: props.regions[0] ?? '' },
    ],
    stackInstancesGroup: [
      {
        deploymentTargets: { organizationalUnitIds: props.targetOus, ...filter },
        regions: props.regions,
      },
    ],
  });
  new CfnOutput(scope, 'CentralEventBusArn', { value: props.busArn });
  new CfnOutput(scope, 'CentralRoleArns', { value: props.roleArns.join(',') });
  return stackSet;
}
