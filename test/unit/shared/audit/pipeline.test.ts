import {
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandInput,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import { NOT_MADE_AFTER_THROTTLING, throttledResults } from '../../../../shared/audit/run-targets';
import { RemediationRetryableError } from '../../../../shared/aws/errors';
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

  it('does not count a call that found the rule already gone as its own remediation (DESIGN §8 verified outcome)', async () => {
    // Prepare: someone else revoked the rule between the audit's read and its call.
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'InvalidPermission.NotFound', $metadata: {} }));
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? [];
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .callsFake((input: DescribeSecurityGroupRulesCommandInput) =>
        // The re-read by rule id finds it gone; the region's own read still shows it.
        input.Filters?.some((f) => f.Name === 'security-group-rule-id')
          ? { SecurityGroupRules: [] }
          : { SecurityGroupRules: rules },
      );
    const published: Notice[] = [];
    // Act
    await runAudit(parseAuditPayload({ remediate: true, notify: true }), deps('remediate', published));
    // Assess
    expect(published.map((n) => n.subject)).toEqual([
      '[CRITICAL] VPC Guardrail audit: 1 finding, already remediated (1 call) in 111122223333 eu-west-1',
    ]);
  });
});

describe('audit pipeline: a remediation call throttled past the SDK retries', () => {
  const throttled = () =>
    Object.assign(new Error('Request limit exceeded.'), {
      name: 'RequestLimitExceeded',
      $metadata: { httpStatusCode: 503 },
      $retryable: { throttling: true },
    });

  beforeEach(() => {
    ec2Mock.reset();
    mockRegion(ec2Mock, VPC, [
      sshGroup('sg-0a', VPC, ['0.0.0.0/0']),
      sshGroup('sg-0b', VPC, ['0.0.0.0/0']),
      sshGroup('sg-0c', VPC, ['0.0.0.0/0']),
    ]);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2Mock.on(RevokeSecurityGroupIngressCommand, { GroupId: 'sg-0b' }).rejects(throttled());
  });

  it('is a failed action, the calls after it not made, and every region still reported', async () => {
    // Prepare
    const published: Notice[] = [];
    // Act
    const result = await runAudit(
      parseAuditPayload({ remediate: true, notify: true, regions: ['eu-west-1', 'us-east-1'] }),
      deps('remediate', published),
    );
    // Assess: no throw; both regions judged and each region's calls reported truthfully.
    expect(result.summary.total).toBe(6);
    expect(result.errors).toBeUndefined();
    const outcome = (result.remediation ?? []).map((r) => ({
      region: r.region,
      results: r.results.map((a) => [
        'GroupId' in a.action.parameters ? a.action.parameters.GroupId : '',
        a.status,
        a.error,
      ]),
    }));
    const perRegion = [
      ['sg-0a', 'done', undefined],
      [
        'sg-0b',
        'failed',
        "RevokeSecurityGroupIngress failed: RequestLimitExceeded: Request limit exceeded. (throttled past the SDK's retries; re-run the audit to retry)",
      ],
      ['sg-0c', 'failed', NOT_MADE_AFTER_THROTTLING],
    ];
    expect(outcome).toEqual([
      { region: 'eu-west-1', results: perRegion },
      { region: 'us-east-1', results: perRegion },
    ]);
    // sg-0c was never called: the audit stops writing in an account-region that EC2 throttles.
    // (The two regions run at once, so their calls interleave.)
    expect(
      ec2Mock
        .commandCalls(RevokeSecurityGroupIngressCommand)
        .map((c) => c.args[0].input.GroupId)
        .sort(),
    ).toEqual(['sg-0a', 'sg-0a', 'sg-0b', 'sg-0b']);
    expect(published.map((n) => n.attributes.action?.StringValue)).toEqual(['partially-remediated']);
  });
});

describe('throttledResults', () => {
  it('keeps the known outcomes of a call stopped half-way, fails the part throttled and the calls after it', () => {
    // A revoke of sgr-1 and sgr-2 answered NotFound: sgr-1 found gone, the second revoke of sgr-2
    // throttled past the SDK's retries; the NACL entry after it not made (the remediator says so).
    const revokeA = {
      action: 'RevokeSecurityGroupIngress' as const,
      parameters: { GroupId: 'sg-0a', SecurityGroupRuleIds: ['sgr-1', 'sgr-2'] },
      findingIds: ['f-a'],
    };
    const entry = {
      action: 'DeleteNetworkAclEntry' as const,
      parameters: { NetworkAclId: 'acl-0c', RuleNumber: 100, Egress: false },
      findingIds: ['f-c'],
    };
    const only = (id: string) => ({
      ...revokeA,
      parameters: { GroupId: 'sg-0a', SecurityGroupRuleIds: [id] },
    });
    const error = new RemediationRetryableError('RevokeSecurityGroupIngress failed: Throttling: slow down', {
      done: [{ action: only('sgr-1'), status: 'already-done' }],
      stopped: only('sgr-2'),
      notMade: [entry],
    });
    const results = throttledResults([revokeA, entry], error);
    expect(results.map((r) => [r.action.parameters, r.status])).toEqual([
      [{ GroupId: 'sg-0a', SecurityGroupRuleIds: ['sgr-1'] }, 'already-done'],
      [{ GroupId: 'sg-0a', SecurityGroupRuleIds: ['sgr-2'] }, 'failed'],
      [entry.parameters, 'failed'],
    ]);
    expect(results[1]?.error).toContain('re-run the audit to retry');
    expect(results[2]?.error).toBe(NOT_MADE_AFTER_THROTTLING);
  });

  it('counts a call split by outcome (a narrowed revoke) as made, and fails only the calls not made', () => {
    // Prepare
    const revokeA = {
      action: 'RevokeSecurityGroupIngress' as const,
      parameters: { GroupId: 'sg-0a', SecurityGroupRuleIds: ['sgr-1', 'sgr-2'] },
      findingIds: ['f-a'],
    };
    const revokeB = {
      ...revokeA,
      parameters: { GroupId: 'sg-0b', SecurityGroupRuleIds: ['sgr-3'] },
      findingIds: ['f-b'],
    };
    const entry = {
      action: 'DeleteNetworkAclEntry' as const,
      parameters: { NetworkAclId: 'acl-0c', RuleNumber: 100, Egress: false },
      findingIds: ['f-c'],
    };
    const narrowed = { ...revokeA, parameters: { GroupId: 'sg-0a', SecurityGroupRuleIds: ['sgr-1'] } };
    const error = new RemediationRetryableError('RevokeSecurityGroupIngress failed: Throttling: slow down', {
      done: [
        { action: narrowed, status: 'done' },
        {
          action: { ...narrowed, parameters: { GroupId: 'sg-0a', SecurityGroupRuleIds: ['sgr-2'] } },
          status: 'already-done',
        },
      ],
    });
    // Act
    const results = throttledResults([revokeA, revokeB, entry], error);
    // Assess
    expect(results.map((r) => [r.action.findingIds[0], r.status, r.error])).toEqual([
      ['f-a', 'done', undefined],
      ['f-a', 'already-done', undefined],
      [
        'f-b',
        'failed',
        "RevokeSecurityGroupIngress failed: Throttling: slow down (throttled past the SDK's retries; re-run the audit to retry)",
      ],
      ['f-c', 'failed', NOT_MADE_AFTER_THROTTLING],
    ]);
  });
});
