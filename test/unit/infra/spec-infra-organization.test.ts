import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpcGuardrailStack, type VpcGuardrailStackProps } from '../../../infra/vpc-guardrail-stack';
import { parseAuditPayload } from '../../../shared/audit/payload';

// Spec conformance (DESIGN §15, README "Audits across the organization" and "Organization →
// Architecture"): what the central stack does that the single-account stack does differently.
// A scheduled audit that read only the central account, or a central role whose fixes were
// limited to the stack's region, would leave members or regions unjudged or unfixed in silence.

const ORG = 'o-a1b2c3d4e5';
const REGIONS = ['eu-west-1', 'us-east-1'];
const organization = {
  organizationId: ORG,
  targetOus: ['ou-ab12-cd34ef56'],
  regions: REGIONS,
  memberRoleName: 'VpcGuardrailMember',
};
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

function synth(props: Omit<VpcGuardrailStackProps, 'bundlesDir'>, id = 'VpcGuardrailCentral'): Template {
  const app = new App({ builtinCloudFormationValidation: false });
  return Template.fromStack(new VpcGuardrailStack(app, id, { ...props, bundlesDir }));
}

interface Target {
  Input?: string;
  Arn?: unknown;
}

/** The constant inputs the schedule rule gives the audit function. */
function scheduleInputs(template: Template): unknown[] {
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
    Properties: { ScheduleExpression?: string; Targets?: Target[] };
  }[];
  return rules
    .filter((rule) => rule.Properties.ScheduleExpression !== undefined)
    .flatMap((rule) => (rule.Properties.Targets ?? []).map((t) => JSON.parse(t.Input ?? 'null') as unknown));
}

interface Statement {
  Sid?: string;
  Resource: unknown;
}

/** The remediation statements of every policy, with their resource rendered as text. */
function remediationResources(template: Template): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    )
    .filter((s) => s.Sid?.startsWith('Remediate'))
    .map((s) => JSON.stringify(s.Resource));
}

/** The rules' logical ids allowed to send to a queue (by a statement for events.amazonaws.com). */
function senders(template: Template, queuePrefix: string): string[] {
  const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as {
    Properties: {
      Queues: { Ref: string }[];
      PolicyDocument: {
        Statement: {
          Effect: string;
          Principal?: { Service?: string };
          Action: string | string[];
          Condition?: { ArnEquals?: { 'aws:SourceArn'?: { 'Fn::GetAtt'?: [string, string] } } };
        }[];
      };
    };
  }[];
  return policies
    .filter((p) => p.Properties.Queues.some((q) => q.Ref.startsWith(queuePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter(
      (s) =>
        s.Effect === 'Allow' &&
        s.Principal?.Service === 'events.amazonaws.com' &&
        [s.Action].flat().includes('sqs:SendMessage'),
    )
    .map((s) => s.Condition?.ArnEquals?.['aws:SourceArn']?.['Fn::GetAtt']?.[0] ?? '(any rule)')
    .sort();
}

describe('spec §10/§14: EventBridge can deliver to the buffer and to the dead-letter queue', () => {
  it.each([
    ['VpcGuardrail (default bus)', {}],
    ['VpcGuardrailCentral (central bus)', { organization }],
  ])(
    '%s: only the network-change rule may send to the buffer; it and the schedule to the DLQ',
    (_name, props) => {
      // Act: the SSE-SQS buffer takes EventBridge's messages only with this policy (a KMS key would
      // need a key policy); without it every event would end in the DLQ, judged by nobody.
      const template = synth({ ...props, auditSchedule: 'rate(1 day)' });

      // Assess
      const rules = Object.keys(template.findResources('AWS::Events::Rule'));
      const network = rules.find((id) => id.startsWith('NetworkChange'));
      const schedule = rules.find((id) => id.startsWith('AuditSchedule'));
      expect(network).toBeDefined();
      expect(schedule).toBeDefined();
      expect(senders(template, 'Events')).toEqual([network]);
      expect(senders(template, 'DeadLetters')).toEqual([network, schedule].sort());
      expect(senders(template, 'EventDeadLetters')).toEqual([]);
    },
  );
});

describe('README "Failures" (DESIGN §13 "Failed invocations land in the dead-letter queue")', () => {
  it('retries as the README says before the DLQ, and both DLQs keep messages 14 days', () => {
    // Act
    const template = synth({ auditSchedule: 'rate(1 day)' }, 'VpcGuardrail');

    // Assess: asynchronous invocations: the event function twice within an hour, the audit once.
    const configs = Object.entries(template.findResources('AWS::Lambda::EventInvokeConfig')).map(
      ([id, r]) => [id.replace(/EventInvokeConfig.*$/, ''), (r as { Properties: unknown }).Properties],
    );
    expect(Object.fromEntries(configs)).toMatchObject({
      OnNetworkChangeFunction: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      AuditFunction: { MaximumRetryAttempts: 1 },
    });
    // The schedule's two delivery retries into the DLQ; the network rule's four within 2 hours.
    const targets = Object.entries(template.findResources('AWS::Events::Rule')).map(([id, r]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      (r as { Properties: { Targets: { RetryPolicy?: unknown; DeadLetterConfig?: unknown }[] } }).Properties
        .Targets,
    ]);
    expect(Object.fromEntries(targets)).toMatchObject({
      AuditSchedule: [{ RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: expect.anything() }],
      NetworkChange: [
        {
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: expect.anything(),
        },
      ],
    });
    const queues = Object.entries(template.findResources('AWS::SQS::Queue')).map(([id, r]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      (r as { Properties: { MessageRetentionPeriod?: number } }).Properties.MessageRetentionPeriod,
    ]);
    expect(Object.fromEntries(queues)).toMatchObject({ DeadLetters: 1_209_600, EventDeadLetters: 1_209_600 });
  });
});

describe('spec §15: the central stack governs the whole organization', () => {
  it("schedules an audit of every account of the organization in the context's regions, a payload the audit function takes", () => {
    // Act
    const central = synth({ organization, auditSchedule: 'rate(1 day)' });
    const single = synth({ auditSchedule: 'rate(1 day)' }, 'VpcGuardrail');

    // Assess
    const [orgInput, ...others] = scheduleInputs(central);
    expect(others).toEqual([]);
    expect(orgInput).toEqual({ notify: true, organization: true, regions: REGIONS });
    expect(parseAuditPayload(orgInput)).toMatchObject({ notify: true, organization: true, regions: REGIONS });
    // The single-account stack audits its own region only: organization needs the member role.
    expect(scheduleInputs(single)).toEqual([{ notify: true }]);
  });

  it("lets both central roles fix the central account's resources in every region, not only the stack's", () => {
    // Act
    const central = synth({ organization, config: { mode: 'remediate' } });
    const single = synth({ config: { mode: 'remediate' } }, 'VpcGuardrail');

    // Assess: two roles × security-group (the rules on by default in remediate mode).
    const centralResources = remediationResources(central);
    expect(centralResources).toHaveLength(2);
    for (const resource of centralResources) {
      expect(resource).toContain('":ec2:*:"');
      expect(resource).toContain(':security-group/*');
    }
    const singleResources = remediationResources(single);
    expect(singleResources).toHaveLength(2);
    for (const resource of singleResources) expect(resource).toContain('{"Ref":"AWS::Region"}');
  });
});
