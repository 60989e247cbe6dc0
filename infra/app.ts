import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InputError } from '../shared/errors';
import { contextReader, stackPropsFromContext } from './context';
import { VpcGuardrailStack } from './vpc-guardrail-stack';

// `npx cdk synth|deploy [-c mode=remediate] [-c email=ops@example.com] [-c createTrail=true]
//   [-c auditSchedule='rate(1 day)'] [-c config='{"rules":{...}}'] [-c logRetentionDays=30]
//   [-c securityHub=true] [-c slackWorkspaceId=T0… -c slackChannelId=C0…]
//   [-c batchWindowSeconds=10]`

const app = new App();
try {
  new VpcGuardrailStack(app, 'VpcGuardrail', stackPropsFromContext(contextReader(app)));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
} catch (error) {
  // Bad context is the user's to fix: say which key, without a stack trace; anything else is a bug.
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`vpc-guardrail: ${error.message}\n`);
  process.exitCode = 1;
}
