import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../../../shared/events/event-table';
import type { ParsedEvent } from '../../../../shared/events/types';
import {
  buildNotice,
  MAX_MESSAGE_BYTES,
  MAX_SUBJECT_LENGTH,
  type NoticeInput,
  shouldNotify,
  undoCommand,
} from '../../../../shared/notify/notice';
import { sanitize, utf8Length } from '../../../../shared/notify/sanitize';
import type { PlannedAction } from '../../../../shared/remediation/types';
import { makeFinding, type OneCall, oneCall, revokePlan } from '../../../helpers';

const event: ParsedEvent = {
  eventId: 'ev-1',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'us-east-1',
  actor: {
    arn: 'arn:aws:iam::111122223333:user/alice',
    type: 'IAMUser',
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.17',
  },
  requestParameters: {},
  responseElements: {},
  envelope: true,
};

const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-0abc',
  title: 'sg-0abc world-open on 22/tcp',
  controls: ['CIS 5.2', 'FSBP EC2.13'],
  remediation: revokePlan('sg-0abc', ['sgr-world', 22]),
});
const exposure = makeFinding({
  ruleId: 'eni-internet-exposed',
  resourceType: 'AWS::EC2::NetworkInterface',
  resourceId: 'eni-1',
  severity: 'high',
  title: 'eni-1 reachable from the internet on 22/tcp',
});

const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-0abc', SecurityGroupRuleIds: ['sgr-world'] },
  findingIds: [admin.id],
  revoked: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
};

function input(overrides: Partial<OneCall> = {}): NoticeInput {
  return oneCall({
    event,
    scope: {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0abc'],
    },
    findings: [admin, exposure],
    results: [],
    skipped: [],
    dryRun: false,
    alreadyRemoved: [],
    mode: 'remediate',
    exemptionTagKey: 'vpc-guardrail:exempt',
    ...overrides,
  });
}

describe('buildNotice', () => {
  it('names the most severe finding and the outcome in the subject', () => {
    const notice = buildNotice(input({ results: [{ action: revoke, status: 'done' }] }));
    expect(notice.subject).toBe('[CRITICAL] sg-0abc world-open on 22/tcp (+1 more) — revoked');
  });

  it('sets the filter attributes: lower-case severity, rule ids as a String.Array, action, account, region', () => {
    const notice = buildNotice(input({ results: [{ action: revoke, status: 'done' }] }));
    expect(notice.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      ruleIds: { DataType: 'String.Array', StringValue: '["eni-internet-exposed","sg-open-admin-port"]' },
      action: { DataType: 'String', StringValue: 'remediated' },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
  });

  it.each([
    ['notified', [], false],
    ['dry-run', [{ action: revoke, status: 'dry-run' as const }], true],
    ['failed', [{ action: revoke, status: 'failed' as const, error: 'UnauthorizedOperation' }], false],
    [
      'partially-remediated',
      [
        { action: revoke, status: 'done' as const },
        {
          action: { ...revoke, parameters: { GroupId: 'sg-2', SecurityGroupRuleIds: ['sgr-2'] } },
          status: 'failed' as const,
        },
      ],
      false,
    ],
    ['remediated', [{ action: revoke, status: 'already-done' as const }], false],
  ])('reports action %s', (expected, results, dryRun) => {
    expect(buildNotice(input({ results, dryRun })).attributes.action?.StringValue).toBe(expected);
  });

  it('tells a person who, when, which call, what was found, what was done, how to exempt and how to undo', () => {
    const { message } = buildNotice(input({ results: [{ action: revoke, status: 'done' }] }));
    expect(message).toContain('Who:     arn:aws:iam::111122223333:user/alice (IAMUser)');
    expect(message).toContain('From:    198.51.100.7, aws-cli/2.17');
    expect(message).toContain('When:    2025-06-15T10:51:12Z');
    expect(message).toContain('Call:    AuthorizeSecurityGroupIngress (CloudTrail event ev-1)');
    expect(message).toContain('    - OPEN [CRITICAL] sg-0abc world-open on 22/tcp');
    expect(message).toContain('controls: CIS 5.2, FSBP EC2.13');
    expect(message).toContain(
      'done:           RevokeSecurityGroupIngress sg-0abc rules sgr-world (tcp 22 from 0.0.0.0/0)',
    );
    expect(message).toContain(
      'aws ec2 create-tags --resources sg-0abc --tags Key=vpc-guardrail:exempt,Value=sg-open-admin-port@YYYY-MM-DD',
    );
    expect(message).toContain(
      `aws ec2 authorize-security-group-ingress --group-id sg-0abc --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
    );
  });

  it('keeps attacker-controlled strings on one line and the subject within 100 characters', () => {
    const hostile = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-0abc',
      title: `sg-0abc "x\r\nBcc: victim@example.com\u202e${'A'.repeat(500)}`,
      detail: 'desc\n\nFAKE: all clear\u0000',
    });
    const notice = buildNotice(
      input({
        findings: [hostile],
        event: { ...event, actor: { ...event.actor, userAgent: 'evil\r\nSubject: hi' } },
      }),
    );
    expect(notice.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    // SNS Publish: "less than 100 characters".
    expect(notice.subject.length).toBeLessThan(100);
    expect(MAX_SUBJECT_LENGTH).toBe(99);
    expect(notice.subject).not.toMatch(/[\r\n\u202e]/);
    expect(notice.message).not.toContain('\r');
    expect(notice.message).not.toContain('\u202e');
    expect(notice.message).not.toContain('\u0000');
    expect(notice.message).not.toMatch(/^Bcc:/m);
    expect(notice.message).not.toMatch(/^FAKE:/m);
    expect(notice.message).not.toMatch(/^Subject:/m);
  });

  it('stays under the SNS size limit with a note when there are too many findings', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      makeFinding({
        ruleId: 'eni-internet-exposed',
        resourceType: 'AWS::EC2::NetworkInterface',
        resourceId: `eni-${i}`,
        severity: 'high',
        detail: 'x'.repeat(1000),
        evidence: { ports: ['22/tcp'], i },
      }),
    );
    const { message } = buildNotice(input({ findings: many }));
    expect(utf8Length(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(message).toMatch(/… truncated: \d+ more entries not shown/);
    expect(message).toContain('HOW TO EXEMPT');
  });

  it('says "could not evaluate" with the reason, and reports action failed', () => {
    const notice = buildNotice(
      input({ findings: [], couldNotEvaluate: 'DescribeNetworkInterfaces: UnauthorizedOperation' }),
    );
    expect(notice.subject).toBe(
      '[HIGH] could not evaluate AuthorizeSecurityGroupIngress on sg-0abc — failed',
    );
    expect(notice.message).toContain('COULD NOT EVALUATE');
    expect(notice.message).toContain('DescribeNetworkInterfaces: UnauthorizedOperation');
    expect(notice.attributes.action?.StringValue).toBe('failed');
  });

  it('says who exempted what when an exemption tag is set', () => {
    const scope = {
      ...emptyScope('CreateTags', 'exemption'),
      securityGroupIds: ['sg-0abc'],
      exemption: {
        change: 'set' as const,
        key: 'vpc-guardrail:exempt',
        value: '*@2030-01-01',
        resourceIds: ['sg-0abc'],
      },
    };
    const notice = buildNotice(input({ scope, findings: [], event: { ...event, eventName: 'CreateTags' } }));
    expect(notice.subject).toBe('[INFO] exemption set on sg-0abc by alice');
    expect(notice.message).toContain(
      'arn:aws:iam::111122223333:user/alice set the tag vpc-guardrail:exempt = *@2030-01-01',
    );
    expect(notice.attributes.severity?.StringValue).toBe('info');
    expect(notice.attributes.ruleIds).toBeUndefined();
  });

  it('reports world-open rules the event added that are already gone', () => {
    const notice = buildNotice(
      input({
        findings: [],
        alreadyRemoved: [
          {
            ruleId: 'sgr-world',
            groupId: 'sg-0abc',
            egress: false,
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            cidrIpv4: '0.0.0.0/0',
          },
        ],
      }),
    );
    expect(notice.subject).toBe('[INFO] world-open rule on sg-0abc already removed');
    expect(notice.message).toContain('  sgr-world on sg-0abc: tcp 22-22 from 0.0.0.0/0');
  });

  it('says "already removed" once when the calls made also all found their rules gone', () => {
    // A redelivery whose revoke found its rule gone and closed no finding entirely (what stays
    // open is below notifyMinSeverity), while a rule the retried call added is gone too.
    const notice = buildNotice(
      input({
        findings: [],
        results: [{ action: revoke, status: 'already-done' }],
        alreadyRemoved: [
          {
            ruleId: 'sgr-added',
            groupId: 'sg-0abc',
            egress: false,
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            cidrIpv4: '0.0.0.0/0',
            severity: 'critical',
          },
        ],
      }),
    );
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0abc already removed');
  });

  it('leads an "already removed" subject with the worst of them, and counts the others', () => {
    const rule = (ruleId: string, groupId: string, port: number, severity: 'medium' | 'critical') => ({
      ruleId,
      groupId,
      egress: false,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrIpv4: '0.0.0.0/0',
      severity,
    });
    const notice = buildNotice(
      input({
        findings: [],
        alreadyRemoved: [rule('sgr-a', 'sg-0aaa', 8081, 'medium'), rule('sgr-b', 'sg-0bbb', 22, 'critical')],
        removedEntries: [
          {
            networkAclId: 'acl-0abc',
            ruleNumber: 100,
            egress: false,
            ruleAction: 'allow',
            protocol: '6',
            cidrBlock: '0.0.0.0/0',
            fromPort: 22,
            toPort: 22,
            severity: 'high',
          },
        ],
      }),
    );
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0bbb already removed (+2 more)');
    expect(notice.attributes.severity?.StringValue).toBe('critical');
  });

  it('reports world-open NACL entries the event wrote that are already gone', () => {
    const notice = buildNotice(
      input({
        findings: [],
        removedEntries: [
          {
            networkAclId: 'acl-0abc',
            ruleNumber: 100,
            egress: false,
            ruleAction: 'allow',
            protocol: '6',
            cidrBlock: '0.0.0.0/0',
            fromPort: 22,
            toPort: 22,
            severity: 'high',
          },
        ],
      }),
    );
    expect(notice.subject).toBe('[HIGH] world-open entry 100 of acl-0abc already removed');
    expect(notice.attributes.severity?.StringValue).toBe('high');
    expect(notice.message).toContain(
      '  entry 100 (inbound) of acl-0abc: allow protocol 6 22-22 from 0.0.0.0/0 (gone, or no longer this entry)',
    );
  });
});

describe('shouldNotify', () => {
  it('stays silent when every finding in scope is suppressed', () => {
    const suppressed = { ...admin, suppressed: { by: 'config' as const, reason: 'allowed' } };
    expect(shouldNotify(input({ findings: [suppressed] }))).toBe(false);
    expect(shouldNotify(input({ findings: [] }))).toBe(false);
  });

  it('speaks for an active finding, a failed action, an evaluation failure, an exemption change, a removed rule', () => {
    expect(shouldNotify(input())).toBe(true);
    expect(shouldNotify(input({ findings: [], results: [{ action: revoke, status: 'failed' }] }))).toBe(true);
    expect(shouldNotify(input({ findings: [], couldNotEvaluate: 'x' }))).toBe(true);
    const exemption = { change: 'removed' as const, key: 'k', resourceIds: ['sg-1'] };
    expect(
      shouldNotify(input({ findings: [], scope: { ...emptyScope('DeleteTags', 'exemption'), exemption } })),
    ).toBe(true);
    const gone = {
      ruleId: 'sgr-1',
      groupId: 'sg-1',
      egress: false,
      ipProtocol: 'tcp',
      cidrIpv4: '0.0.0.0/0',
    };
    expect(shouldNotify(input({ findings: [], alreadyRemoved: [gone] }))).toBe(true);
    const entry = {
      networkAclId: 'acl-1',
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      protocol: '6',
      cidrBlock: '0.0.0.0/0',
    };
    expect(shouldNotify(input({ findings: [], removedEntries: [entry] }))).toBe(true);
  });
});

describe('undoCommand', () => {
  it('re-creates a deleted NACL entry from the slice', () => {
    expect(
      undoCommand({
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: 'acl-1', RuleNumber: 90, Egress: false },
        findingIds: [],
        deletedEntry: {
          NetworkAclId: 'acl-1',
          RuleNumber: 90,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 22, To: 22 },
        },
      }),
    ).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-1 --rule-number 90 --ingress --protocol 6 --rule-action allow --cidr-block 0.0.0.0/0 --port-range From=22,To=22',
    );
  });

  it('quotes a hostile id so it stays one shell word', () => {
    const command = undoCommand({
      action: 'ModifySubnetAttribute',
      parameters: { SubnetId: "subnet-1'; rm -rf / #", MapPublicIpOnLaunch: { Value: false } },
      findingIds: [],
    });
    expect(command).toBe(
      `aws ec2 modify-subnet-attribute --subnet-id 'subnet-1'\\''; rm -rf / #' --map-public-ip-on-launch`,
    );
  });
});

describe('sanitize', () => {
  it('caps length and removes control and bidi characters', () => {
    expect(sanitize('a\u0007b\nc\u202ed', 100)).toBe('a b c d');
    expect(sanitize('x'.repeat(10), 5)).toBe('xxxx…');
    expect(sanitize(undefined)).toBe('');
  });
});
