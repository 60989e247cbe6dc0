import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InputError } from '../shared/errors';

export interface GuardrailFunctionProps {
  /** The folder under functions/ and dist/functions/. */
  name: string;
  description: string;
  /** Where `npm run build` wrote the bundles (a folder holding `<name>/index.mjs`). */
  bundlesDir: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize: number;
  logRetention: logs.RetentionDays;
}

/**
 * One of the guardrail's Lambda functions: the pre-built bundle (the bundle measured is the bundle
 * deployed), Node.js 22 on arm64, JSON logs in its own log group with retention, and its own role
 * that may write only to that log group until the stack grants it more.
 */
export class GuardrailFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GuardrailFunctionProps) {
    super(scope, id);
    // `cdk synth` and `cdk deploy` build first (cdk.json); the app run any other way (`cdk --app
    // …`, `node infra/app.ts`) before a build would stop in aws-cdk-lib with a stack trace.
    const bundle = join(props.bundlesDir, props.name, 'index.mjs');
    if (!existsSync(bundle)) {
      throw new InputError('the function bundles are not built', [
        `${bundle}: not found; run npm run build first (cdk synth and cdk deploy run it through cdk.json)`,
      ]);
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: logs go to this function's group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `VPC Guardrail ${props.name} function`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(join(props.bundlesDir, props.name)),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: `vpc-guardrail-${props.name}`,
        // Stack traces point into the TypeScript sources (the bundles ship linked source maps).
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }
}
