import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { buildWorld, memoryIo } from '../../../helpers';

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

  it('says on stderr and in the JSON what looked odd in the snapshot file (DESIGN §3 warnings), and nothing when all is well', async () => {
    // Act
    const odd = await simulateJson(['--event', EVENT, '--snapshot', 'odd.json'], {
      'odd.json': '{"Instances": []}',
    });
    const clean = await simulateJson(['--event', EVENT, '--snapshot', SNAPSHOT]);
    // Assess: an empty snapshot explains "nothing found in the snapshot"
    const warnings = [
      'Instances: unknown top-level key, ignored',
      '(root): the snapshot holds no resources (every Describe* list is empty or absent)',
    ];
    expect(odd.code).toBe(0);
    expect(odd.report.warnings).toEqual(warnings);
    expect(odd.stderr.split('\n').filter(Boolean)).toEqual(
      odd.report.warnings.map((w: string) => `warning: ${w}`),
    );
    expect(odd.report.scope.missing).toEqual([BASTION]);
    expect(clean.report.warnings).toBeUndefined();
    expect(clean.stderr).toBe('');
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

  it('exits 2 naming the problem for an event that is not JSON, or JSON that is not a CloudTrail event', async () => {
    const notJson = await simulateJson(['--event', 'e.json', '--snapshot', SNAPSHOT], { 'e.json': '{oops' });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('invalid event e.json');
    const notEvents = await simulateJson(['--event', 'e.json', '--snapshot', SNAPSHOT], {
      'e.json': '[{}, {}]',
    });
    expect(notEvents.code).toBe(2);
    expect(notEvents.stderr).toContain('[0]: not a CloudTrail event (an empty object)');
    const other = await simulateJson(['--event', 'e.json', '--snapshot', SNAPSHOT], {
      'e.json': '{"foo": 1}',
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('(root): not a CloudTrail event (an object with keys "foo")');
    expect(other.stderr).toContain('CloudTrail log file');
  });

  it('exits 2 without --event', async () => {
    const { io } = memoryIo();
    expect(await runCli(['simulate', '--snapshot', SNAPSHOT], io)).toBe(2);
  });

  describe('several events: one batch', () => {
    const WORLD = JSON.stringify(
      buildWorld({
        groupId: 'sg-0web',
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
        ],
      }),
    );
    const authorize = (id: string, port: number, eventID: string, extra: Record<string, unknown> = {}) => ({
      eventVersion: '1.10',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${eventID}` },
      eventTime: '2025-06-15T10:51:12Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AuthorizeSecurityGroupIngress',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      requestParameters: { groupId: 'sg-0web' },
      responseElements: {
        _return: true,
        securityGroupRuleSet: {
          items: [
            {
              groupId: 'sg-0web',
              securityGroupRuleId: id,
              isEgress: false,
              ipProtocol: 'tcp',
              fromPort: port,
              toPort: port,
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        },
      },
      eventID,
      recipientAccountId: '111122223333',
      ...extra,
    });

    it('reads a CloudTrail log file: one triage outcome per record in order, one merged plan and one digest', async () => {
      // Prepare
      const log = {
        Records: [
          authorize('sgr-w22', 22, 'ev-1'),
          authorize('sgr-w9', 9, 'ev-2', { errorCode: 'Client.InvalidPermission.Duplicate' }),
          authorize('sgr-w3389', 3389, 'ev-3'),
          authorize('sgr-w22', 22, 'ev-1'),
        ],
      };
      // Act
      const { code, report } = await simulateJson(
        ['--event', 'trail.json', '--snapshot', 'w.json', '--mode', 'remediate'],
        { 'trail.json': JSON.stringify(log), 'w.json': WORLD },
      );
      // Assess
      expect(code).toBe(0);
      expect(report.records.map((r: { outcome: string }) => r.outcome)).toEqual([
        'handled',
        'ignored',
        'handled',
        'duplicate',
      ]);
      expect(report.records[1].reason).toContain('errorCode Client.InvalidPermission.Duplicate');
      expect(report.actions).toEqual([
        {
          action: 'RevokeSecurityGroupIngress',
          parameters: { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-w22', 'sgr-w3389'] },
        },
      ]);
      expect(report.notification.message).toContain('arn:aws:iam::111122223333:user/ev-1');
      expect(report.notification.message).toContain('arn:aws:iam::111122223333:user/ev-3');
      expect(report.notification.message).toContain('VPC Guardrail: 2 calls in account 111122223333');
    });

    it('takes --event repeated and an array file as one batch', async () => {
      const { code, report } = await simulateJson(
        ['--event', 'a.json', '--event', 'b.json', '--snapshot', 'w.json', '--mode', 'remediate'],
        {
          'a.json': JSON.stringify(authorize('sgr-w22', 22, 'ev-1')),
          'b.json': JSON.stringify([authorize('sgr-w3389', 3389, 'ev-3')]),
          'w.json': WORLD,
        },
      );
      expect(code).toBe(0);
      expect(report.records).toHaveLength(2);
      expect(report.actions).toHaveLength(1);
      expect(report.actions[0].parameters.SecurityGroupRuleIds).toEqual(['sgr-w22', 'sgr-w3389']);
    });

    it('names in text mode the ids it could not find in the snapshot', async () => {
      const event = JSON.parse(JSON.stringify(authorize('sgr-x', 22, 'ev-9')));
      event.requestParameters = { groupId: 'sg-0gone' };
      event.responseElements.securityGroupRuleSet.items[0].groupId = 'sg-0gone';
      const files = memoryIo({ 'e.json': JSON.stringify(event), 'w.json': WORLD });
      expect(await runCli(['simulate', '--event', 'e.json', '--snapshot', 'w.json'], files.io)).toBe(0);
      expect(files.stdout()).toContain('not found in the snapshot: sg-0gone');
    });
  });
});
