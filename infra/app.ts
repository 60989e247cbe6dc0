import { App, Validations } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VpcGuardrailMemberStack } from './member-stack';
import { ContextError, organizationFromContext } from './org-context';
import { VpcGuardrailStack, type VpcGuardrailStackProps } from './vpc-guardrail-stack';

// `npx cdk synth|deploy [-c mode=remediate] [-c email=ops@example.com] [-c createTrail=true]
//   [-c auditSchedule='rate(1 day)'] [-c config='{"rules":{...}}'] [-c logRetentionDays=30]`
// Organization mode adds `-c organizationId=o-… -c targetOus=ou-…,ou-… -c regions=eu-west-1,…
//   [-c memberRoleName=…] [-c accounts=…] [-c excludeAccounts=…]` (stacks VpcGuardrailCentral and
//   VpcGuardrailMember).

/** Reads the stack's settings from CDK context (`-c key=value` or cdk.json). */
export function propsFromContext(app: App): VpcGuardrailStackProps {
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const raw: unknown = app.node.tryGetContext('config');
  let config: Record<string, unknown> = {};
  if (typeof raw === 'string' && raw.trim() !== '') {
    try {
      config = JSON.parse(raw) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`context "config" is not JSON: ${(error as Error).message}`, { cause: error });
    }
  } else if (raw !== null && typeof raw === 'object') {
    config = raw as Record<string, unknown>;
  }
  const mode = text('mode');
  if (mode) config = { ...config, mode };
  const retention = text('logRetentionDays');
  const email = text('email');
  const schedule = text('auditSchedule');
  return {
    config,
    ...(email ? { notificationEmail: email } : {}),
    createTrail: text('createTrail') === 'true',
    ...(schedule ? { auditSchedule: schedule } : {}),
    ...(retention ? { logRetention: Number(retention) as logs.RetentionDays } : {}),
  };
}

/**
 * Organization mode (DESIGN §15, `-c organizationId=o-… -c targetOus=ou-… -c regions=…`): the
 * central stack and the member template, beside the default single-account stack. A bad context
 * value is a message naming the key, without a stack trace.
 */
export function addOrganizationStacks(app: App, props: VpcGuardrailStackProps): void {
  let context: ReturnType<typeof organizationFromContext>;
  try {
    context = organizationFromContext((key) => app.node.tryGetContext(key));
  } catch (error) {
    if (!(error instanceof ContextError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  if (!context) return;
  const base = props.config !== null && typeof props.config === 'object' ? props.config : {};
  const config = {
    ...base,
    ...(context.accounts.length > 0 ? { accounts: context.accounts } : {}),
    ...(context.excludeAccounts.length > 0 ? { excludeAccounts: context.excludeAccounts } : {}),
  };
  const { organization } = context;
  new VpcGuardrailStack(app, 'VpcGuardrailCentral', { ...props, config, organization });
  new VpcGuardrailMemberStack(app, 'VpcGuardrailMember', {
    config,
    memberRoleName: organization.memberRoleName,
    organizationId: organization.organizationId,
  });
}

const app = new App();
const props = propsFromContext(app);
new VpcGuardrailStack(app, 'VpcGuardrail', props);
addOrganizationStacks(app, props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
