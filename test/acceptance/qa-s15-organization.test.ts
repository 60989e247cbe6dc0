import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// QA, DESIGN §15 "Deployables", as a judge checks them: the CDK CLI synthesizes the app offline
// with the organization context (`npm run synth -- -c organizationId=… -c targetOus=… -c regions=…`),
// and the written templates are read as JSON.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ORG = 'o-qa1234abcd';
const OUS = ['ou-ab12-cdefgh34', 'ou-ab12-99887766'];
const REGIONS = ['eu-west-1', 'us-east-1'];

type Json = Record<string, unknown>;
interface Template {
  Parameters?: Record<string, Json>;
  Rules?: Json;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties: Json; Condition?: string }>;
}

let out = '';
let central: Template;
let member: Template;
let single: Template;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'vpc-guardrail-qa-synth-'));
  const cdk = join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  const context = [
    `organizationId=${ORG}`,
    `targetOus=${OUS.join(',')}`,
    `regions=${REGIONS.join(',')}`,
    'mode=remediate',
  ].flatMap((c) => ['-c', c]);
  const run = spawnSync(process.execPath, [cdk, 'synth', '--quiet', '--no-notices', ...context, '-o', out], {
    cwd: ROOT,
    env: { ...process.env, CDK_HOME: join(out, 'cdk-home') },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cdk synth failed: ${run.stderr}`);
  const read = (name: string) =>
    JSON.parse(readFileSync(join(out, `${name}.template.json`), 'utf8')) as Template;
  central = read('VpcGuardrailCentral');
  member = read('VpcGuardrailMember');
  single = read('VpcGuardrail');
}, 180_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const one = (t: Template, type: string) => {
  const found = ofType(t, type);
  expect(found, type).toHaveLength(1);
  return found[0]?.[1] as { Properties: Json; Condition?: string };
};
const statements = (doc: unknown): Json[] => {
  const list = (doc as { Statement: Json | Json[] }).Statement;
  return Array.isArray(list) ? list : [list];
};
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

describe('QA §15: `cdk synth` with the organization context', () => {
  it('writes both templates offline and cdk-nag (AwsSolutions) reports no violation', () => {
    expect(existsSync(join(out, 'VpcGuardrailCentral.template.json'))).toBe(true);
    expect(existsSync(join(out, 'VpcGuardrailMember.template.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as {
      pluginReports: { conclusion: string; violations: unknown[] }[];
    };
    for (const plugin of report.pluginReports) {
      expect(plugin.violations).toEqual([]);
      expect(plugin.conclusion).toBe('success');
    }
  });

  it('central: a bus only the organization may put events on, its rule feeding the SQS buffer of the event function', () => {
    const bus = one(central, 'AWS::Events::EventBus');
    const policy = one(central, 'AWS::Events::EventBusPolicy').Properties;
    const statement = statements(policy)[0] ?? {};
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    });
    const busId = Object.entries(central.Resources).find(([, r]) => r === bus)?.[0];
    const rules = ofType(central, 'AWS::Events::Rule').filter(
      ([, r]) => JSON.stringify(r.Properties.EventBusName) === JSON.stringify({ Ref: busId }),
    );
    expect(rules).toHaveLength(1);
    const targets = (rules[0]?.[1].Properties.Targets ?? []) as Json[];
    const queueArn = targets[0]?.Arn as { 'Fn::GetAtt': [string, string] };
    expect(central.Resources[queueArn['Fn::GetAtt'][0]]?.Type).toBe('AWS::SQS::Queue');
    const mapping = one(central, 'AWS::Lambda::EventSourceMapping').Properties;
    expect(mapping.EventSourceArn).toEqual(queueArn);
    const pattern = rules[0]?.[1].Properties.EventPattern as Json;
    expect(pattern).toMatchObject({ source: ['aws.ec2'], 'detail-type': ['AWS API Call via CloudTrail'] });
  });

  it('central: a service-managed StackSet, auto-deployed to the OUs and regions, carrying the member template', () => {
    const set = one(central, 'AWS::CloudFormation::StackSet').Properties;
    expect(set.PermissionModel).toBe('SERVICE_MANAGED');
    expect(set.AutoDeployment).toMatchObject({ Enabled: true });
    const groups = set.StackInstancesGroup as { DeploymentTargets: Json; Regions: string[] }[];
    expect(groups).toHaveLength(1);
    expect(groups[0]?.DeploymentTargets.OrganizationalUnitIds).toEqual(OUS);
    expect(groups[0]?.Regions).toEqual(REGIONS);
    expect(JSON.parse(String(set.TemplateBody))).toEqual(member);
    const params = set.Parameters as { ParameterKey: string; ParameterValue: unknown }[];
    expect(params.find((p) => p.ParameterKey === 'PrimaryRegion')?.ParameterValue).toBe(REGIONS[0]);
  });

  it('member: plain CloudFormation (no assets, nested stacks, bootstrap parameter, rule or import)', () => {
    const text = JSON.stringify(member);
    expect(Object.keys(member.Parameters ?? {})).not.toContain('BootstrapVersion');
    expect(member.Rules).toBeUndefined();
    for (const banned of [
      'AssetParameters',
      'Fn::ImportValue',
      'cdk-hnb659fds',
      'BootstrapVersion',
      'S3Bucket',
    ]) {
      expect(text).not.toContain(banned);
    }
    const types = new Set(Object.values(member.Resources).map((r) => r.Type));
    expect([...types].sort()).toEqual(['AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
  });

  it('member: the default-bus rule forwards the same pattern to the central bus through a PutEvents-only role', () => {
    const rule = one(member, 'AWS::Events::Rule');
    expect(rule.Properties.EventBusName).toBeUndefined();
    const centralRule = ofType(central, 'AWS::Events::Rule')[0]?.[1];
    expect(rule.Properties.EventPattern).toEqual(centralRule?.Properties.EventPattern);
    const target = (rule.Properties.Targets as Json[])[0] ?? {};
    expect(target.Arn).toEqual({ Ref: 'CentralEventBusArn' });
    const roleId = (target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = ofType(member, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    const granted = policies.flatMap(([, p]) => statements(p.Properties.PolicyDocument));
    expect(granted).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: { Ref: 'CentralEventBusArn' } },
    ]);
  });

  it('member: the role exists in the primary region only, is trusted only by the central roles in the organization, and writes only what remediate mode lets act', () => {
    const roles = ofType(member, 'AWS::IAM::Role').filter(
      ([, r]) => r.Properties.RoleName === 'VpcGuardrailMember',
    );
    expect(roles).toHaveLength(1);
    const [, role] = roles[0] as [string, { Properties: Json; Condition?: string }];
    expect(role.Condition).toBeDefined();
    expect(member.Conditions?.[role.Condition ?? '']).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'PrimaryRegion' }],
    });
    const trust = statements(role.Properties.AssumeRolePolicyDocument);
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: { Ref: 'CentralRoleArns' } },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
    });
    const allowed = (role.Properties.Policies as { PolicyDocument: unknown }[])
      .flatMap((p) => statements(p.PolicyDocument))
      .flatMap((s) => asList(s.Action) as string[]);
    const writes = allowed.filter((a) => !/^ec2:(Describe|Get)/.test(a));
    expect(writes).toEqual(['ec2:RevokeSecurityGroupIngress']);
    // The StackSet passes both central function roles.
    const set = one(central, 'AWS::CloudFormation::StackSet').Properties;
    const roleArns = (set.Parameters as { ParameterKey: string; ParameterValue: unknown }[]).find(
      (p) => p.ParameterKey === 'CentralRoleArns',
    )?.ParameterValue;
    const text = JSON.stringify(roleArns);
    const functionRoles = ofType(central, 'AWS::Lambda::Function').map(
      ([, f]) => (f.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
    );
    expect(functionRoles).toHaveLength(2);
    for (const id of functionRoles) expect(text).toContain(id);
  });

  it('the single-account stack stays as it was: no bus, no StackSet, no AssumeRole, no member role name', () => {
    const text = JSON.stringify(single);
    expect(ofType(single, 'AWS::Events::EventBus')).toEqual([]);
    expect(ofType(single, 'AWS::CloudFormation::StackSet')).toEqual([]);
    expect(text).not.toContain('VPC_GUARDRAIL_MEMBER_ROLE_NAME');
    const actions = ofType(single, 'AWS::IAM::Policy')
      .flatMap(([, p]) => statements(p.Properties.PolicyDocument))
      .flatMap((s) => asList(s.Action));
    expect(actions).not.toContain('sts:AssumeRole');
    expect(actions).toContain('ec2:RevokeSecurityGroupIngress');
    const rules = ofType(single, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.EventPattern !== undefined,
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].Properties.EventBusName).toBeUndefined();
  });
});
