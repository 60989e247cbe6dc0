import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../shared/events/event-table';
import { buildNotice, MAX_MESSAGE_BYTES, type NoticeInput } from '../../shared/notify/notice';
import type { ActionResult } from '../../shared/remediation/types';
import {
  authorizeIngress,
  cloudTrailRecord,
  oneCall,
  type RuleSpec,
  simulate,
  worldSnapshot,
} from '../helpers';

const GROUP = 'sg-0web';
const KEY = 'vpc-guardrail:exempt';
const world22: RuleSpec[] = [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }];
const sgEvent = authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]);

// SNS: a subject has no line breaks or control characters and at most 100 characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const SUBJECT_OK = /^[^\u0000-\u001f\u007f-\u009f]{1,100}$/u;

describe('§8 notification: subject', () => {
  it('reads "[SEVERITY] <resource> world-open on <port>/<proto> — <outcome>" after a revoke', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules: world22 }), { mode: 'remediate' });
    expect(report.notification?.subject).toMatch(
      /^\[CRITICAL\] sg-0web world-open on 22\/tcp\b.* — revoked$/,
    );
    expect(report.notification?.subject).toMatch(SUBJECT_OK);
  });

  it('has no outcome suffix when only notified, and says dry run in a dry run', async () => {
    const notified = await simulate(sgEvent, worldSnapshot({ rules: world22 }), { mode: 'notify' });
    expect(notified.notification?.subject).toMatch(/^\[CRITICAL\] sg-0web world-open on 22\/tcp/);
    expect(notified.notification?.subject).not.toContain('—');
    const dry = await simulate(sgEvent, worldSnapshot({ rules: world22 }), { mode: 'dry-run' });
    expect(dry.notification?.subject).toMatch(/ — dry run$/);
  });

  it('stays within 100 characters on one line, however hostile the strings of the event', async () => {
    const hostile = `sg-0web\r\nBcc: evil@example.com\u202e${'x'.repeat(5000)}`;
    const event = cloudTrailRecord(
      'AuthorizeSecurityGroupIngress',
      { groupName: hostile },
      { _return: true },
      {
        eventName: 'AuthorizeSecurityGroupIngress',
      },
    );
    const snapshot = worldSnapshot({ rules: world22, groupName: hostile });
    const report = await simulate(event, snapshot, { mode: 'notify' });
    expect(report.notification?.subject).toMatch(SUBJECT_OK);
  });
});

describe('§8 notification: attributes', () => {
  it('carries exactly severity, ruleIds, action, accountId and region, in the SNS wire format', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules: world22 }), { mode: 'remediate' });
    expect(report.notification?.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      ruleIds: { DataType: 'String.Array', StringValue: '["eni-internet-exposed","sg-open-admin-port"]' },
      action: { DataType: 'String', StringValue: 'remediated' },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
    const ruleIds: unknown = JSON.parse(report.notification?.attributes.ruleIds?.StringValue ?? '');
    expect(ruleIds).toEqual(['eni-internet-exposed', 'sg-open-admin-port']);
  });

  it('takes severity and ruleIds from what is reported after suppressions', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-w8000', from: 8000, cidr: '0.0.0.0/0' },
      ],
      groupTags: [{ Key: KEY, Value: 'sg-open-admin-port' }],
    });
    // The interface is exposed on 22 too; exempt it as well.
    (snapshot.NetworkInterfaces[0] as Record<string, unknown>).TagSet = [{ Key: KEY, Value: '*' }];
    const report = await simulate(sgEvent, snapshot, { mode: 'notify' });
    expect(report.notification?.attributes.severity?.StringValue).toBe('medium');
    expect(report.notification?.attributes.ruleIds?.StringValue).toBe('["sg-open-unauthorized-port"]');
  });

  it('takes account and region from the event (envelope first)', async () => {
    const event = {
      version: '0',
      id: 'x',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2025-06-15T10:51:12Z',
      resources: [],
      detail: { ...sgEvent, recipientAccountId: '444455556666', awsRegion: 'us-west-2' },
    };
    const report = await simulate(event, worldSnapshot({ rules: world22 }), { mode: 'notify' });
    expect(report.notification?.attributes.accountId).toEqual({
      DataType: 'String',
      StringValue: '111122223333',
    });
    expect(report.notification?.attributes.region).toEqual({ DataType: 'String', StringValue: 'eu-west-1' });
  });
});

describe('§8 notification: body', () => {
  it('tells who, from where, when, which call, the findings with severity and controls, the actions, how to exempt and undo', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules: world22 }), { mode: 'remediate' });
    const message = report.notification?.message ?? '';
    expect(message).toContain('arn:aws:sts::111122223333:assumed-role/Admin/alice');
    expect(message).toContain('198.51.100.7');
    expect(message).toContain('2025-06-15T10:51:12Z');
    expect(message).toContain('AuthorizeSecurityGroupIngress');
    expect(message).toContain('[CRITICAL]');
    expect(message).toMatch(/CIS 5\.2/);
    expect(message).toMatch(/RevokeSecurityGroupIngress sg-0web rules sgr-w22/);
    expect(message).toContain(`aws ec2 create-tags --resources ${GROUP} --tags Key=${KEY},Value=`);
    expect(message).toContain(
      `aws ec2 authorize-security-group-ingress --group-id ${GROUP} --ip-permissions`,
    );
  });

  it('keeps attacker-controlled descriptions and tags on their own line, without control characters', async () => {
    const snapshot = worldSnapshot({
      rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0', description: 'ok\nFINDINGS: none\r\u0007' }],
      groupTags: [{ Key: 'Name', Value: 'web\n\nHOW TO UNDO\n  rm -rf /' }],
      groupName: 'web\u0000\u001b[31mred',
    });
    const report = await simulate(sgEvent, snapshot, { mode: 'notify' });
    const message = report.notification?.message ?? '';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/u);
    expect(message.split('\n').filter((l) => l.startsWith('HOW TO UNDO'))).toHaveLength(0);
    expect(message.split('\n').some((l) => l.trimStart().startsWith('rm -rf'))).toBe(false);
  });

  it('stays under 256 KB with a truncation note when the event touches very many interfaces', async () => {
    const snapshot = worldSnapshot({ rules: world22 });
    const template = snapshot.NetworkInterfaces[0] as Record<string, unknown>;
    snapshot.NetworkInterfaces = Array.from({ length: 3000 }, (_, i) => ({
      ...template,
      NetworkInterfaceId: `eni-${String(i).padStart(17, '0')}`,
    }));
    const report = await simulate(sgEvent, snapshot, { mode: 'notify' });
    const notification = report.notification;
    const bytes =
      Buffer.byteLength(notification?.message ?? '') +
      Buffer.byteLength(JSON.stringify(notification?.attributes ?? {})) +
      Buffer.byteLength(notification?.subject ?? '');
    expect(bytes).toBeLessThan(256 * 1024);
    expect(notification?.message).toMatch(/truncated/);
  });
});

describe('§8 notification: when there is one', () => {
  it('sends none when nothing is reported in scope', async () => {
    const report = await simulate(
      authorizeIngress(GROUP, 22, [['sgr-office', '198.51.100.0/24']]),
      worldSnapshot({ rules: [{ id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' }] }),
      { mode: 'remediate' },
    );
    expect(report.findings).toEqual([]);
    expect(report.notification).toBeNull();
  });

  it('sends none when every finding in scope is suppressed', async () => {
    const snapshot = worldSnapshot({ rules: world22, groupTags: [{ Key: KEY, Value: '*' }] });
    (snapshot.NetworkInterfaces[0] as Record<string, unknown>).TagSet = [{ Key: KEY, Value: '*' }];
    const report = await simulate(sgEvent, snapshot, { mode: 'remediate' });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.suppressed)).toBe(true);
    expect(report.actions).toEqual([]);
    expect(report.notification).toBeNull();
  });

  it('sends one when an exemption tag changed, saying who exempted what, even with nothing reported', async () => {
    const snapshot = worldSnapshot({ rules: [] });
    const event = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: GROUP }] },
      tagSet: { items: [{ key: KEY, value: 'sg-open-admin-port@2030-01-01' }] },
    });
    const report = await simulate(event, snapshot, { mode: 'remediate' });
    expect(report.notification).not.toBeNull();
    expect(report.notification?.message).toContain(
      'arn:aws:sts::111122223333:assumed-role/Admin/alice set the tag vpc-guardrail:exempt = sg-open-admin-port@2030-01-01',
    );
    expect(report.notification?.subject).toMatch(SUBJECT_OK);
    expect(report.notification?.subject).toContain(GROUP);
  });

  it('sends one when the exemption tag is removed', async () => {
    const event = cloudTrailRecord('DeleteTags', {
      resourcesSet: { items: [{ resourceId: GROUP }] },
      tagSet: { items: [{ key: KEY }] },
    });
    const report = await simulate(event, worldSnapshot({ rules: [] }), { mode: 'notify' });
    expect(report.notification?.message).toContain('removed the tag vpc-guardrail:exempt');
  });
});

describe('§8 notification: size, whatever the number of actions', () => {
  it('stays under 256 KB with a truncation note when hundreds of groups are revoked', () => {
    // Prepare: 400 groups, each revoked with 50 rule ids (an exemption removed from them all).
    const results: ActionResult[] = Array.from({ length: 400 }, (_, g) => {
      const groupId = `sg-${String(g).padStart(17, '0')}`;
      const ids = Array.from({ length: 50 }, (_, r) => `sgr-${String(g * 100 + r).padStart(17, '0')}`);
      return {
        action: {
          action: 'RevokeSecurityGroupIngress',
          parameters: { GroupId: groupId, SecurityGroupRuleIds: ids },
          findingIds: [],
          revoked: ids.map((_, r) => ({
            IpProtocol: 'tcp',
            FromPort: 1000 + r,
            ToPort: 1000 + r,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          })),
        },
        status: 'done',
      };
    });
    const input: NoticeInput = oneCall({
      event: {
        eventName: 'DeleteTags',
        accountId: '111122223333',
        region: 'us-east-1',
        actor: { arn: 'arn:aws:iam::111122223333:user/alice' },
        requestParameters: {},
        responseElements: {},
        envelope: true,
      },
      scope: { ...emptyScope('DeleteTags', 'exemption') },
      findings: [],
      results,
      skipped: [],
      dryRun: false,
      alreadyRemoved: [],
      mode: 'remediate',
      exemptionTagKey: KEY,
    });
    // Act
    const notice = buildNotice(input);
    // Assess
    expect(Buffer.byteLength(notice.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(notice.message).toMatch(/truncated/);
    expect(notice.message).not.toContain('\uFFFD');
  });
});
