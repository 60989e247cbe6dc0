import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextError, ContextReader } from '../../../infra/context';
import { memberReadActions, VpcGuardrailMemberStack } from '../../../infra/member-stack';
import { organizationConfig, organizationFromContext } from '../../../infra/org-context';
import { writeActionsByResource } from '../../../infra/permissions';
import { VpcGuardrailStack } from '../../../infra/vpc-guardrail-stack';
import { HANDLED_EVENT_NAMES } from '../../../shared/events/event-table';
import { parseConfig } from '../../../shared/load-config';

const ORG = 'o-a1b2c3d4e5';
const OUS = ['ou-ab12-cd34ef56', 'ou-ab12-99887766'];
const REGIONS = ['eu-west-1', 'us-east-1'];
const organization = {
  organizationId: ORG,
  targetOus: OUS,
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

function stacks(config: unknown = { mode: 'remediate' }, nag = false) {
  const app = new App({ builtinCloudFormationValidation: false });
  const central = new VpcGuardrailStack(app, 'VpcGuardrailCentral', { bundlesDir, config, organization });
  const member = new VpcGuardrailMemberStack(app, 'VpcGuardrailMember', {
    config,
    memberRoleName: 'VpcGuardrailMember',
    organizationId: ORG,
  });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, central, member };
}

describe('VpcGuardrailCentral', () => {
  it('lets only principals of the organization put events on its bus', () => {
    const template = Template.fromStack(stacks().central);
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
      },
    });
  });

  it('routes the bus rule (pattern from the event table) to an encrypted SQS buffer read in batches by the event function', () => {
    const template = Template.fromStack(stacks().central);
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventBusName: Match.anyValue() },
    });
    const [rule] = Object.values(rules) as {
      Properties: { EventPattern: { detail: { eventName: string[] } }; Targets: { Arn: unknown }[] };
    }[];
    expect(Object.keys(rules)).toHaveLength(1);
    expect(rule?.Properties.EventPattern.detail.eventName).toEqual([...HANDLED_EVENT_NAMES]);
    expect(JSON.stringify(rule?.Properties.Targets[0]?.Arn)).toMatch(/"Events[0-9A-F]{8}"/);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // No rule on the default bus: the central account forwards through its member template too.
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(1);
  });

  it('names the member role to both functions and lets them assume it only inside the organization', () => {
    const template = Template.fromStack(stacks().central);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }[];
    expect(functions.map((f) => f.Properties.Environment.Variables.VPC_GUARDRAIL_MEMBER_ROLE_NAME)).toEqual([
      'VpcGuardrailMember',
      'VpcGuardrailMember',
    ]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Sid?: string }[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const assume = statements.filter((s) => s.Sid === 'AssumeMemberRole');
    expect(assume).toHaveLength(2);
    expect(assume[0]).toMatchObject({
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
    });
    // The audit of a whole organization gets Lambda's maximum timeout.
    expect(
      Object.values(template.findResources('AWS::Lambda::Function')).map(
        (f) => (f as { Properties: { Timeout: number } }).Properties.Timeout,
      ),
    ).toEqual([60, 900]);
    expect(statements.filter((s) => s.Sid === 'ListAccounts')).toEqual([
      { Sid: 'ListAccounts', Action: 'organizations:ListAccounts', Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('carries the member template in a service-managed StackSet with auto-deployment, the OUs and the regions', () => {
    const { central, member } = stacks();
    const template = Template.fromStack(central);
    const sets = Object.values(template.findResources('AWS::CloudFormation::StackSet')) as {
      Properties: Record<string, unknown> & { TemplateBody: string };
    }[];
    expect(sets).toHaveLength(1);
    const set = sets[0]?.Properties;
    expect(set).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: REGIONS }],
    });
    expect(JSON.parse(set?.TemplateBody ?? '{}')).toEqual(Template.fromStack(member).toJSON());
    const parameters = set?.Parameters as { ParameterKey: string; ParameterValue: unknown }[];
    expect(parameters.map((p) => p.ParameterKey)).toEqual([
      'OrganizationId',
      'CentralEventBusArn',
      'CentralRoleArns',
      'PrimaryRegion',
    ]);
    expect(parameters.find((p) => p.ParameterKey === 'PrimaryRegion')?.ParameterValue).toBe('eu-west-1');
  });

  it('keeps the StackSet to the allow-list, or away from excluded accounts', () => {
    const allow = Template.fromStack(
      stacks({ accounts: ['222233334444', '555566667777'], excludeAccounts: ['555566667777'] }).central,
    );
    allow.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [
        {
          DeploymentTargets: {
            OrganizationalUnitIds: OUS,
            AccountFilterType: 'INTERSECTION',
            Accounts: ['222233334444'],
          },
        },
      ],
    });
    const exclude = Template.fromStack(stacks({ excludeAccounts: ['555566667777'] }).central);
    exclude.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [
        {
          DeploymentTargets: {
            OrganizationalUnitIds: OUS,
            AccountFilterType: 'DIFFERENCE',
            Accounts: ['555566667777'],
          },
        },
      ],
    });
  });
});

describe('VpcGuardrailMember', () => {
  it('is plain CloudFormation: no assets, no nested stacks, no bootstrap parameter or rule', () => {
    const { app, member } = stacks();
    const artifact = app.synth().getStackArtifact(member.artifactId);
    const json = artifact.template as Record<string, Record<string, { Type: string }>>;
    expect(Object.keys(json.Parameters ?? {})).toEqual([
      'OrganizationId',
      'CentralEventBusArn',
      'CentralRoleArns',
      'PrimaryRegion',
    ]);
    expect(json.Rules).toBeUndefined();
    expect(artifact.assets).toEqual([]);
    expect(
      Object.values(json.Resources ?? {})
        .map((r) => r.Type)
        .sort(),
    ).toEqual(['AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role']);
  });

  it('forwards the event table pattern to the central bus through a role that may only PutEvents on it', () => {
    const template = Template.fromStack(stacks().member);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: [...HANDLED_EVENT_NAMES],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [{ Arn: { Ref: 'CentralEventBusArn' }, RoleArn: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { Ref: 'CentralEventBusArn' } }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'events.amazonaws.com' } }] },
    });
  });

  it("lets EventBridge assume the forwarding role only for this account's forwarding rule (confused deputy)", () => {
    const template = Template.fromStack(stacks().member);
    // The rule's ARN on the default bus, as EventBridge sets aws:SourceArn for a rule target.
    const ruleArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':events:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':rule/vpc-guardrail-forward-to-central',
        ],
      ],
    };
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'vpc-guardrail-forward-to-central' });
    const forwarders = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'events.amazonaws.com' } }] },
      },
    });
    expect(Object.values(forwarders).map((r) => r.Properties.AssumeRolePolicyDocument.Statement)).toEqual([
      [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': ruleArn },
          },
        },
      ],
    ]);
    // The rule's target is that role: the trust and the target cannot drift apart.
    const [roleId] = Object.keys(forwarders);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [{ RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }],
    });
  });

  it('creates the member role once per account (primary region only), trusted only by the central roles within the organization', () => {
    const template = Template.fromStack(stacks().member);
    template.hasCondition('IsPrimaryRegion', {
      'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'PrimaryRegion' }],
    });
    template.hasResource('AWS::IAM::Role', {
      Condition: 'IsPrimaryRegion',
      Properties: {
        RoleName: 'VpcGuardrailMember',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: { Ref: 'CentralRoleArns' } },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
            },
          ],
        },
      },
    });
  });

  it('allows exactly the reads of both readers and the writes the configuration lets act', () => {
    for (const config of [
      { mode: 'notify' },
      { mode: 'remediate' },
      { mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } },
    ]) {
      const template = Template.fromStack(stacks(config).member);
      const role = Object.values(
        template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'VpcGuardrailMember' } }),
      )[0] as {
        Properties: { Policies: { PolicyDocument: { Statement: { Sid: string; Action: string[] }[] } }[] };
      };
      const statements = role.Properties.Policies[0]?.PolicyDocument.Statement ?? [];
      expect(statements[0]).toMatchObject({ Sid: 'Ec2Reads', Action: memberReadActions(), Resource: '*' });
      const writes = statements
        .slice(1)
        .flatMap((s) => s.Action)
        .sort();
      const expected = writeActionsByResource(parseConfig(config))
        .flatMap((w) => w.actions)
        .sort();
      expect(writes).toEqual(expected);
      if (config.mode === 'notify') expect(writes).toEqual([]);
    }
  });
});

describe('both templates', () => {
  it('pass cdk-nag AwsSolutions', () => {
    const { app } = stacks({ mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } }, true);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('organization context', () => {
  const reader = (values: Record<string, unknown>) => new ContextReader((key) => values[key]);

  it('is off without organizationId, and reads comma lists with defaults', () => {
    const empty = reader({});
    expect(organizationFromContext(empty)).toBeUndefined();
    expect(empty.issues).toEqual([]);
    const context = reader({
      organizationId: ORG,
      targetOus: OUS.join(','),
      regions: 'eu-west-1, us-east-1',
      excludeAccounts: '555566667777',
    });
    expect(organizationFromContext(context)).toEqual({
      organization: {
        organizationId: ORG,
        targetOus: OUS,
        regions: REGIONS,
        memberRoleName: 'VpcGuardrailMember',
      },
      accounts: [],
      excludeAccounts: ['555566667777'],
    });
    expect(context.issues).toEqual([]);
  });

  it('names every bad key, and the app reports them with the stack keys', () => {
    const context = reader({
      organizationId: 'org-1',
      targetOus: 'ou-x',
      accounts: '12345',
      memberRoleName: 'bad role',
    });
    expect(organizationFromContext(context)).toBeUndefined();
    expect(context.issues).toEqual([
      '-c organizationId: expected an organization id like o-a1b2c3d4e5, got "org-1"',
      '-c targetOus: expected OU ids like ou-ab12-cd34ef56 (or a root id like r-ab12) in the list, got "ou-x"',
      '-c regions: is required (the regions the member template goes to)',
      '-c memberRoleName: expected an IAM role name, got "bad role"',
      '-c accounts: expected 12-digit account ids in the list, got "12345"',
    ]);
    expect(() => context.done()).toThrow(ContextError);
    const stray = reader({ regions: 'eu-west-1' });
    organizationFromContext(stray);
    expect(stray.issues).toEqual(['-c regions: needs organizationId (organization mode)']);
  });
});

describe('organizationConfig (-c accounts / -c excludeAccounts with -c config)', () => {
  const context = (accounts: string[], excludeAccounts: string[] = []) => ({
    organization,
    accounts,
    excludeAccounts,
  });

  it('adds the context lists to the config, and accepts the same list given in both places', () => {
    // Act
    const merged = organizationConfig({ mode: 'remediate' }, context(['222233334444'], ['555566667777']));
    const same = organizationConfig({ accounts: ['222233334444'] }, context(['222233334444']));
    // Assess
    expect(merged).toEqual({
      mode: 'remediate',
      accounts: ['222233334444'],
      excludeAccounts: ['555566667777'],
    });
    expect(same).toEqual({ accounts: ['222233334444'] });
  });

  it('refuses two different lists for one key, naming the key (one would silently win)', () => {
    // Act / Assess
    expect(() => organizationConfig({ accounts: ['111122223333'] }, context(['222233334444']))).toThrow(
      /accounts: -c accounts and the accounts of -c config name different accounts/,
    );
    expect(() =>
      organizationConfig({ excludeAccounts: ['111122223333'] }, context([], ['222233334444'])),
    ).toThrow(ContextError);
  });

  it('refuses an allow-list whose every account is excluded (the member template would go nowhere)', () => {
    // Act / Assess
    expect(() =>
      organizationConfig({ excludeAccounts: ['222233334444'] }, context(['222233334444'])),
    ).toThrow(/every account it names is in excludeAccounts too/);
    expect(organizationConfig({}, context(['222233334444', '333344445555'], ['222233334444']))).toMatchObject(
      {
        accounts: ['222233334444', '333344445555'],
      },
    );
  });
});
