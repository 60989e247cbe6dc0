import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InputError } from '../shared/errors';
import { contextReader, stackPropsFromContext } from './context';
import { VpcGuardrailMemberStack } from './member-stack';
import { organizationConfig, organizationFromContext } from './org-context';
import { VpcGuardrailStack, type VpcGuardrailStackProps } from './vpc-guardrail-stack';

// `npx cdk synth|deploy [-c mode=remediate] [-c email=ops@example.com] [-c createTrail=true]
//   [-c auditSchedule='rate(1 day)'] [-c config='{"rules":{...}}'] [-c logRetentionDays=30]
//   [-c securityHub=true] [-c slackWorkspaceId=T0… -c slackChannelId=C0…]
//   [-c batchWindowSeconds=10]`
// Organization mode adds `-c organizationId=o-… -c targetOus=ou-…,ou-… -c regions=eu-west-1,…
//   [-c memberRoleName=…] [-c accounts=…] [-c excludeAccounts=…]` (stacks VpcGuardrailCentral and
//   VpcGuardrailMember).

/**
 * Organization mode (DESIGN §15, `-c organizationId=o-… -c targetOus=ou-… -c regions=…`): the
 * central stack and the member template, beside the default single-account stack.
 */
export function addOrganizationStacks(
  app: App,
  props: VpcGuardrailStackProps,
  context: NonNullable<ReturnType<typeof organizationFromContext>>,
): void {
  const config = organizationConfig(props.config, context);
  const { organization } = context;
  new VpcGuardrailStack(app, 'VpcGuardrailCentral', { ...props, config, organization });
  new VpcGuardrailMemberStack(app, 'VpcGuardrailMember', {
    config,
    memberRoleName: organization.memberRoleName,
    organizationId: organization.organizationId,
  });
}

const app = new App();
try {
  const context = contextReader(app);
  // Organization keys first: stackPropsFromContext reports every bad key of both at once.
  const organization = organizationFromContext(context);
  const props = stackPropsFromContext(context);
  new VpcGuardrailStack(app, 'VpcGuardrail', props);
  if (organization) addOrganizationStacks(app, props, organization);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
} catch (error) {
  // Bad context is the user's to fix: say which key, without a stack trace; anything else is a bug.
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`vpc-guardrail: ${error.message}\n`);
  process.exitCode = 1;
}
