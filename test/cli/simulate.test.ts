import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { buildWorld } from '../aws/world';
import { memoryIo } from './helpers';

const EVENT = 'examples/events/authorize-bastion-ssh-world-and-office.json';
const SNAPSHOT = 'examples/demo-snapshot.json';
const BASTION = 'sg-0d3m00000000000b1';

async function simulateJson(args: string[], files: Record<string, string> = {}) {
  const { io, stdout, stderr } = memoryIo(files);
  const code = await runCli(['simulate', ...args, '--format', 'json'], io);
  return { code, report: code === 0 ? JSON.parse(stdout()) : undefined, stderr: stderr() };
}

describe('vpc-guardrail simulate', () => {
  it('lists exactly the EC2 call the Lambda would make in remediate mode: the world rule only', async () => {
    // Act
    const { code, report } = await simulateJson([
      '--event',
      EVENT,
      '--snapshot',
      SNAPSHOT,
      '--mode',
      'remediate',
    ]);
    // Assess
    expect(code).toBe(0);
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: BASTION, SecurityGroupRuleIds: ['sgr-0d3m0000000b10001'] },
      },
    ]);
    expect(
      report.findings.map((f: { ruleId: string; resourceId: string }) => `${f.ruleId} ${f.resourceId}`),
    ).toEqual(['eni-internet-exposed eni-0d3m0000000000b51', `sg-open-admin-port ${BASTION}`]);
    expect(report.scope).toMatchObject({
      area: 'security-group',
      securityGroups: [BASTION],
      networkInterfaces: ['eni-0d3m0000000000b51'],
    });
    expect(report.event).toMatchObject({
      eventName: 'AuthorizeSecurityGroupIngress',
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    expect(report.notification.subject).toBe(
      `[CRITICAL] ${BASTION} world-open on 22/tcp (+1 more) — revoked`,
    );
    expect(report.notification.attributes.action).toEqual({ DataType: 'String', StringValue: 'remediated' });
    expect(report.ignored).toBeUndefined();
  });

  it('lists no action in notify mode', async () => {
    const { report } = await simulateJson(['--event', EVENT, '--snapshot', SNAPSHOT, '--mode', 'notify']);
    expect(report.actions).toEqual([]);
    expect(report.notification.attributes.action.StringValue).toBe('notified');
  });

  it('lists the planned actions of a dry run, marked dry-run', async () => {
    const { report } = await simulateJson(['--event', EVENT, '--snapshot', SNAPSHOT, '--mode', 'dry-run']);
    expect(report.actions).toHaveLength(1);
    expect(report.notification.attributes.action.StringValue).toBe('dry-run');
  });

  it('follows the per-rule modes of --config', async () => {
    const config = JSON.stringify({ mode: 'remediate', rules: { 'sg-open-admin-port': 'notify' } });
    const { report } = await simulateJson(['--event', EVENT, '--snapshot', SNAPSHOT, '--config', 'c.json'], {
      'c.json': config,
    });
    expect(report.actions).toEqual([]);
  });

  it('reports an ignored event with its reason and nothing else', async () => {
    const { code, report } = await simulateJson([
      '--event',
      'test/fixtures/cloudtrail/GetPasswordData--failed-client-unauthorizedoperation-ec2-error-shape.json',
      '--snapshot',
      SNAPSHOT,
      '--mode',
      'remediate',
    ]);
    expect(code).toBe(0);
    expect(report.ignored).toBe('the call failed (errorCode Client.UnauthorizedOperation): nothing changed');
    expect(report.actions).toEqual([]);
    expect(report.notification).toBeNull();
  });

  it('reads a file holding an array of one record (legacy flat parameters) and names what the snapshot lacks', async () => {
    const { report } = await simulateJson([
      '--event',
      'test/fixtures/cloudtrail/AuthorizeSecurityGroupIngress--legacy-flat-params-cidrIp-with-ruleset.json',
      '--snapshot',
      SNAPSHOT,
    ]);
    expect(report.scope).toMatchObject({ securityGroups: [], missing: ['sg-003dc7f1f1c686164'] });
    expect(report.findings).toEqual([]);
    expect(report.notification).toBeNull();
  });

  it('simulates a NACL event on a snapshot: with the rule opted in, an allow from the VPC and a deny before the broad allow', async () => {
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-w', from: 22, cidr: '0.0.0.0/0' }],
      naclIngress: [{ rule: 100, protocol: '6', from: 0, to: 1023 }],
    });
    const event = {
      eventName: 'CreateNetworkAclEntry',
      eventSource: 'ec2.amazonaws.com',
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
      requestParameters: {
        networkAclId: 'acl-0default',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        aclProtocol: '6',
        cidrBlock: '0.0.0.0/0',
        portRange: { from: 0, to: 1023 },
      },
      responseElements: { _return: true },
    };
    const files = {
      'e.json': JSON.stringify(event),
      's.json': JSON.stringify(world),
      'c.json': JSON.stringify({ rules: { 'nacl-open-admin-port': 'remediate' } }),
    };
    // The global remediate mode alone never changes a NACL.
    const global = await simulateJson(
      ['--event', 'e.json', '--snapshot', 's.json', '--mode', 'remediate'],
      files,
    );
    expect(global.report.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('nacl-open-admin-port');
    expect(global.report.actions).toEqual([]);

    const { report } = await simulateJson(
      ['--event', 'e.json', '--snapshot', 's.json', '--mode', 'remediate', '--config', 'c.json'],
      files,
    );
    expect(report.actions).toEqual([
      {
        action: 'CreateNetworkAclEntry',
        parameters: {
          NetworkAclId: 'acl-0default',
          RuleNumber: 98,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '10.0.0.0/16',
          PortRange: { From: 22, To: 22 },
        },
      },
      {
        action: 'CreateNetworkAclEntry',
        parameters: {
          NetworkAclId: 'acl-0default',
          RuleNumber: 99,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 22, To: 22 },
        },
      },
    ]);
  });

  it('prints a readable text report by default', async () => {
    const { io, stdout } = memoryIo();
    const code = await runCli(
      ['simulate', '--event', EVENT, '--snapshot', SNAPSHOT, '--mode', 'remediate'],
      io,
    );
    expect(code).toBe(0);
    expect(stdout()).toContain('actions (1):');
    expect(stdout()).toContain(`RevokeSecurityGroupIngress ${BASTION} rules sgr-0d3m0000000b10001`);
    expect(stdout()).toContain('HOW TO UNDO');
  });

  it('exits 2 naming the problem for an event that is not JSON, or several records', async () => {
    const notJson = await simulateJson(['--event', 'e.json', '--snapshot', SNAPSHOT], { 'e.json': '{oops' });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('invalid event e.json');
    const many = await simulateJson(['--event', 'e.json', '--snapshot', SNAPSHOT], { 'e.json': '[{}, {}]' });
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('an array of 2 records');
  });

  it('exits 2 without --event', async () => {
    const { io } = memoryIo();
    expect(await runCli(['simulate', '--snapshot', SNAPSHOT], io)).toBe(2);
  });
});
