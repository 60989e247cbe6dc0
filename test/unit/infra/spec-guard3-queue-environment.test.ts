import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSettingsFromEnv } from '../../../functions/on-network-change/queue-settings';
import { VpcGuardrailStack } from '../../../infra/vpc-guardrail-stack';

// guard3 (d), (c): the stack tells the event function its buffer's maxReceiveCount and visibility
// timeout (VPC_GUARDRAIL_QUEUE), so that the last receive says "not retried again" and a message
// redriven from the dead-letter queue reads as a redelivery. The variable must say what the queue is.

let bundlesDir = '';
beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-bundles-'));
  for (const name of ['on-network-change', 'audit']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
});
afterAll(() => rmSync(bundlesDir, { recursive: true, force: true }));

type Resource = { Properties: Record<string, unknown> };

describe('VPC_GUARDRAIL_QUEUE', () => {
  it("is the buffer's own maxReceiveCount and visibility timeout, on the event function only", () => {
    // Prepare
    const template = Template.fromStack(
      new VpcGuardrailStack(new App({ builtinCloudFormationValidation: false }), 'VpcGuardrail', {
        bundlesDir,
      }),
    );
    const queues = Object.values(template.findResources('AWS::SQS::Queue')) as Resource[];
    const buffer = queues.find((q) => q.Properties.RedrivePolicy !== undefined);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    // Each function by its service name (POWERTOOLS_SERVICE_NAME, set by GuardrailFunction).
    const variables = (name: string) =>
      functions.find((f) =>
        JSON.stringify(f.Properties.Environment).includes(
          `"POWERTOOLS_SERVICE_NAME":"vpc-guardrail-${name}"`,
        ),
      )?.Properties.Environment as { Variables: Record<string, unknown> } | undefined;

    // Act
    const value = variables('on-network-change')?.Variables.VPC_GUARDRAIL_QUEUE;
    const parsed = queueSettingsFromEnv({ VPC_GUARDRAIL_QUEUE: String(value) });

    // Assess
    const redrive = buffer?.Properties.RedrivePolicy as { maxReceiveCount: number };
    expect(value).toBe('5,360');
    expect(parsed).toEqual({
      settings: {
        maxReceives: redrive.maxReceiveCount,
        visibilitySeconds: buffer?.Properties.VisibilityTimeout,
      },
      issues: [],
    });
    expect(variables('audit')?.Variables).toBeDefined();
    expect(variables('audit')?.Variables.VPC_GUARDRAIL_QUEUE).toBeUndefined();
  });
});

describe('queueSettingsFromEnv', () => {
  it('reads nothing when unset, and refuses a value it cannot read, naming the variable', () => {
    expect(queueSettingsFromEnv({})).toEqual({ issues: [] });
    expect(queueSettingsFromEnv({ VPC_GUARDRAIL_QUEUE: '1000,0' })).toEqual({
      settings: { maxReceives: 1000, visibilitySeconds: 0 },
      issues: [],
    });
    for (const bad of [
      '',
      '5',
      '5,',
      ',360',
      '0,360',
      '1001,360',
      '5,43201',
      '5,360,1',
      '-5,360',
      '5.0,360',
      ' 5,360',
    ]) {
      expect(queueSettingsFromEnv({ VPC_GUARDRAIL_QUEUE: bad }).issues).toEqual([
        `VPC_GUARDRAIL_QUEUE: must be "<maxReceiveCount 1-1000>,<visibility timeout seconds 0-43200>" (the stack sets it), got ${JSON.stringify(bad)}`,
      ]);
    }
  });
});
