import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import { parseConfig } from '../../../../shared/load-config';
import type { Notice } from '../../../../shared/notify/notice';
import { mockRegion, sshGroup } from '../../../helpers';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const VPC = 'vpc-0000000a';

function deps(mode: 'notify' | 'remediate' | 'dry-run', published: Notice[] = []) {
  return {
    config: parseConfig({ mode }),
    accountId: '111122223333',
    homeRegion: 'eu-west-1',
    ec2For: () => ec2,
    publish: async (notice: Notice) => {
      published.push(notice);
    },
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
}

describe('audit pipeline: remediation answer', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
  });

  it('lists a group world-open only through a split 0.0.0.0/1 + 128.0.0.0/1 pair as skipped, with the reason', async () => {
    // Prepare
    mockRegion(ec2Mock, VPC, [
      sshGroup('sg-0split', VPC, ['0.0.0.0/1', '128.0.0.0/1']),
      sshGroup('sg-0world', VPC, ['0.0.0.0/0']),
    ]);

    // Act
    const result = await runAudit(parseAuditPayload({ remediate: true }), deps('remediate'));

    // Assess
    const remediation = result.remediation?.[0];
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-0world', SecurityGroupRuleIds: ['sgr-0world-0'] },
    ]);
    expect(remediation?.results.map((r) => r.status)).toEqual(['done']);
    const split = remediation?.skipped.filter((s) => s.resourceId === 'sg-0split') ?? [];
    expect(split.map((s) => s.ruleId)).toEqual(['sg-open-admin-port']);
    expect(split[0]?.reason).toBe(
      'not fixable automatically: world-open through a union of narrower ranges on 22/tcp (ipv4)',
    );
    expect(remediation?.skipped.some((s) => s.resourceId === 'sg-0world')).toBe(false);
  });
});

describe('audit pipeline: the summary notice says when it remediated', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    mockRegion(ec2Mock, VPC, [sshGroup('sg-0world', VPC, ['0.0.0.0/0'])]);
  });

  it('names the remediation and its calls in the subject', async () => {
    // Prepare
    const published: Notice[] = [];
    // Act
    await runAudit(parseAuditPayload({ remediate: true, notify: true }), deps('remediate', published));
    // Assess
    expect(published.map((n) => n.subject)).toEqual([
      '[CRITICAL] VPC Guardrail audit: 1 finding, remediated (1 call) in 111122223333 eu-west-1',
    ]);
    expect(published[0]?.attributes.action).toEqual({ DataType: 'String', StringValue: 'remediated' });
  });

  it('says dry run with the planned calls, and nothing when the audit did not remediate', async () => {
    // Prepare
    const dry: Notice[] = [];
    const plain: Notice[] = [];
    // Act
    await runAudit(parseAuditPayload({ remediate: true, notify: true }), deps('dry-run', dry));
    await runAudit(parseAuditPayload({ notify: true }), deps('remediate', plain));
    // Assess
    expect(dry.map((n) => n.subject)).toEqual([
      '[CRITICAL] VPC Guardrail audit: 1 finding, dry run (1 call planned) in 111122223333 eu-west-1',
    ]);
    expect(plain.map((n) => n.subject)).toEqual([
      '[CRITICAL] VPC Guardrail audit: 1 finding in 111122223333 eu-west-1',
    ]);
    expect(ec2Mock).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  });

  it('says when remediation failed', async () => {
    // Prepare
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: {} }));
    const published: Notice[] = [];
    // Act
    await runAudit(parseAuditPayload({ remediate: true, notify: true }), deps('remediate', published));
    // Assess
    expect(published.map((n) => n.subject)).toEqual([
      '[CRITICAL] VPC Guardrail audit: 1 finding, remediation failed (1 call) in 111122223333 eu-west-1',
    ]);
  });
});
