import { App, Validations } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VpcGuardrailStack, type VpcGuardrailStackProps } from './vpc-guardrail-stack';

// `npx cdk synth|deploy [-c mode=remediate] [-c email=ops@example.com] [-c createTrail=true]
//   [-c auditSchedule='rate(1 day)'] [-c config='{"rules":{...}}'] [-c logRetentionDays=30]
//   [-c securityHub=true] [-c slackWorkspaceId=T0… -c slackChannelId=C0…]`

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
  const securityHub = text('securityHub');
  if (securityHub !== undefined && securityHub !== 'true' && securityHub !== 'false') {
    throw new Error(`context "securityHub" must be true or false, got ${JSON.stringify(securityHub)}`);
  }
  const slackWorkspaceId = text('slackWorkspaceId');
  const slackChannelId = text('slackChannelId');
  if ((slackWorkspaceId === undefined) !== (slackChannelId === undefined)) {
    throw new Error('context "slackWorkspaceId" and "slackChannelId" go together: give both or neither');
  }
  return {
    config,
    ...(email ? { notificationEmail: email } : {}),
    createTrail: text('createTrail') === 'true',
    ...(schedule ? { auditSchedule: schedule } : {}),
    ...(retention ? { logRetention: Number(retention) as logs.RetentionDays } : {}),
    ...(securityHub === 'true' ? { securityHub: true } : {}),
    ...(slackWorkspaceId && slackChannelId
      ? { slackChannel: { workspaceId: slackWorkspaceId, channelId: slackChannelId } }
      : {}),
  };
}

const app = new App();
new VpcGuardrailStack(app, 'VpcGuardrail', propsFromContext(app));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
