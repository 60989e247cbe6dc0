import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpcGuardrailStack } from '../../../infra/vpc-guardrail-stack';
import { HANDLED_EVENT_NAMES } from '../../../shared/events/event-table';

// Review of the new event rows (round 2 of the API model audit; DESIGN §7, §10): every row of the
// event table lengthens the generated EventBridge pattern, and EventBridge refuses a rule whose
// pattern is over its quota, 2,048 characters by default ("Event pattern size", Amazon EventBridge
// quotas; adjustable, but a deploy that fails on it fails in every member account of an
// organization at once). Seven rows came in this round; this keeps the sum in view.

const EVENT_PATTERN_QUOTA = 2048;
let bundlesDir = '';

beforeAll(() => {
  bundlesDir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-bundles-'));
  for (const name of ['on-network-change', 'audit']) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
});

afterAll(() => {
  rmSync(bundlesDir, { recursive: true, force: true });
});

describe('the EventBridge pattern generated from the event table', () => {
  it("stays within EventBridge's default pattern size quota as CloudFormation sends it", () => {
    // Prepare
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new VpcGuardrailStack(app, 'VpcGuardrail', { bundlesDir });

    // Act
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    const patterns = rules.map(
      (r) => (r as { Properties: { EventPattern: unknown } }).Properties.EventPattern,
    );

    // Assess
    expect(patterns).toHaveLength(1);
    const names = (patterns[0] as { detail: { eventName: string[] } }).detail.eventName;
    expect(names).toEqual([...HANDLED_EVENT_NAMES]);
    expect(names).toEqual(
      expect.arrayContaining([
        'ModifyManagedPrefixList',
        'RestoreManagedPrefixListVersion',
        'CreateNetworkInterface',
        'CreateDefaultSubnet',
        'DetachInternetGateway',
        'CreateVpc',
        'CreateDefaultVpc',
      ]),
    );
    expect(JSON.stringify(patterns[0]).length).toBeLessThanOrEqual(EVENT_PATTERN_QUOTA);
  });
});
