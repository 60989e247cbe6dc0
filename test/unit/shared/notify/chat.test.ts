import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { publishInput, SNS_MAX_MESSAGE_BYTES } from '../../../../shared/aws/notifier';
import { emptyScope } from '../../../../shared/events/event-table';
import type { ParsedEvent } from '../../../../shared/events/types';
import { CHAT_LIMITS, chatFromText } from '../../../../shared/notify/chat';
import { withChat } from '../../../../shared/notify/event-chat';
import { buildNotice, MAX_MESSAGE_BYTES, type NoticeInput } from '../../../../shared/notify/notice';
import { utf8Length } from '../../../../shared/notify/sanitize';
import type { PlannedAction } from '../../../../shared/remediation/types';
import { makeFinding, type OneCall, oneCall, revokePlan } from '../../../helpers';

// The custom-notification event of Amazon Q Developer in chat applications ("Custom notifications
// using Amazon Q Developer in chat applications", event schema and parameter details): version
// "1.0", source "custom", content (textType client-markdown, title, description, nextSteps,
// keywords), optional metadata. Unknown keys are an error here, so a typo cannot pass.
const ChatSchema = z
  .object({
    version: z.literal('1.0'),
    source: z.literal('custom'),
    id: z.string().optional(),
    content: z
      .object({
        textType: z.literal('client-markdown'),
        title: z.string().min(1).max(CHAT_LIMITS.title),
        description: z.string().min(1).max(CHAT_LIMITS.description),
        nextSteps: z.array(z.string().max(CHAT_LIMITS.nextStep)).max(CHAT_LIMITS.nextSteps).optional(),
        keywords: z.array(z.string().min(1).max(CHAT_LIMITS.keyword)).max(CHAT_LIMITS.keywords).optional(),
      })
      .strict(),
    metadata: z
      .object({
        threadId: z.string().optional(),
        summary: z.string().optional(),
        eventType: z.string().optional(),
        relatedResources: z.array(z.string()).optional(),
        additionalContext: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail';
const event: ParsedEvent = {
  eventId: 'ev-1',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'us-east-1',
  actor: { arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser', sourceIp: '198.51.100.7' },
  requestParameters: {},
  responseElements: {},
  envelope: true,
};
const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-0abc',
  title: 'sg-0abc world-open on 22/tcp',
  evidence: { ports: ['22/tcp'] },
  remediation: revokePlan('sg-0abc', ['sgr-world', 22]),
});
const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-0abc', SecurityGroupRuleIds: ['sgr-world'] },
  findingIds: [admin.id],
  revoked: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
};

/** One call that opened 22/tcp to the world; the revoke closed it. */
function input(overrides: Partial<OneCall> = {}): NoticeInput {
  return oneCall({
    event,
    scope: {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0abc'],
    },
    findings: [admin],
    fixed: [{ finding: admin, by: [revoke] }],
    results: [{ action: revoke, status: 'done' }],
    skipped: [],
    dryRun: false,
    alreadyRemoved: [],
    mode: 'remediate',
    exemptionTagKey: 'vpc-guardrail:exempt',
    ...overrides,
  });
}

/** The three protocol messages of a Publish input. */
function protocols(notice: ReturnType<typeof buildNotice>) {
  const publish = publishInput(TOPIC, notice);
  const message = JSON.parse(publish.Message ?? '') as Record<string, string>;
  return { publish, message, chat: JSON.parse(message.https ?? '') as unknown };
}

describe('the chat form of a notice', () => {
  it('is a custom notification that parses and matches the schema, with severity, resource, who, what and undo', () => {
    // Act
    const notice = withChat(buildNotice(input()), input());
    const { chat } = protocols(notice);

    // Assess
    const parsed = ChatSchema.parse(chat);
    expect(parsed.content.title).toBe('[CRITICAL] sg-0abc world-open on 22/tcp — revoked');
    expect(parsed.content.description.split('\n')).toEqual([
      '*Severity:* CRITICAL · *Outcome:* remediated · `111122223333` / `us-east-1`',
      '*Who:*',
      '• `arn:aws:iam::111122223333:user/alice` from `198.51.100.7` at `2025-06-15T10:51:12Z`: `AuthorizeSecurityGroupIngress`',
      '*Fixed (1):*',
      '• CRITICAL `sg-0abc world-open on 22/tcp` (sg-open-admin-port)',
      '*What was done:*',
      '• done: `RevokeSecurityGroupIngress sg-0abc rules sgr-world (tcp 22 from 0.0.0.0/0)`',
      '*How to undo:*',
      `• \`aws ec2 authorize-security-group-ingress --group-id sg-0abc --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'\``,
    ]);
    expect(parsed.content.keywords).toEqual(['critical', 'remediated', 'sg-open-admin-port', '111122223333']);
    expect(parsed.metadata?.relatedResources).toEqual(['sg-0abc']);
    expect(parsed.id).toBe('ev-1');
  });

  it('leaves the plain text of default and email exactly as the notice has it', () => {
    // Act
    const notice = withChat(buildNotice(input()), input());
    const { publish, message } = protocols(notice);

    // Assess
    expect(publish.MessageStructure).toBe('json');
    expect(publish.Subject).toBe(notice.subject);
    expect(publish.MessageAttributes).toEqual(notice.attributes);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https']);
    expect(message.default).toBe(notice.message);
    expect(message.email).toBe(notice.message);
    expect(notice.message).toBe(buildNotice(input()).message);
  });

  it('keeps attacker-controlled text inert: no mention, link or code-span break reaches the channel', () => {
    // Prepare
    const hostile = {
      ...event,
      actor: {
        arn: 'arn:aws:iam::111122223333:user/`<!channel>` [x](https://evil.example)',
        sourceIp: '<@U1>&',
      },
    };

    // Act
    const notice = withChat(buildNotice(input({ event: hostile })), input({ event: hostile }));
    const { chat } = protocols(notice);

    // Assess
    const { content } = ChatSchema.parse(chat);
    expect(content.description).not.toMatch(/[<>&]/);
    expect(content.description).toContain(
      '`arn:aws:iam::111122223333:user/ˋ‹!channel›ˋ [x](https://evil.example)`',
    );
    expect(content.description).toContain('from `‹@U1›＆`');
  });

  it('stays within the description limit with many findings, counting what it leaves out', () => {
    // Prepare
    const many = Array.from({ length: 300 }, (_, i) =>
      makeFinding({
        ruleId: 'sg-open-admin-port',
        resourceId: `sg-${String(i).padStart(17, '0')}`,
        evidence: { ports: ['22/tcp'] },
      }),
    );

    // Act
    const notice = withChat(
      buildNotice(input({ findings: many, fixed: [], results: [] })),
      input({ findings: many, fixed: [], results: [] }),
    );
    const { chat } = protocols(notice);

    // Assess
    const { content } = ChatSchema.parse(chat);
    expect(content.description.length).toBeLessThanOrEqual(CHAT_LIMITS.description);
    const shown = content.description.split('\n').filter((l) => l.startsWith('• CRITICAL')).length;
    expect(shown).toBeGreaterThan(10);
    // Every finding is counted, not only the 40 the facts list (the label said "Findings (40)").
    expect(content.description).toContain('*Findings (300):*');
    expect(content.description).toContain(
      `• … ${300 - shown} more (see the e-mail notice or the function log)`,
    );
  });

  it('keeps a notice near the size limit under 256 KiB with both payloads, cutting the text with a note', () => {
    // Prepare: a body at the notice's own cap, full of characters JSON escapes.
    const line = `${'"quoted" \\ back'.repeat(20)}\n`;
    const body = line.repeat(Math.floor(MAX_MESSAGE_BYTES / utf8Length(line)));
    const notice = { ...withChat(buildNotice(input()), input()), message: body };

    // Act
    const { publish, message, chat } = protocols(notice);

    // Assess
    const attributeBytes = Object.entries(notice.attributes).reduce(
      (sum, [name, a]) => sum + utf8Length(name) + utf8Length(a.DataType) + utf8Length(a.StringValue),
      0,
    );
    expect(
      utf8Length(publish.Message ?? '') + attributeBytes + utf8Length(notice.subject),
    ).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    expect(message.default).toBe(message.email);
    expect(
      message.default?.endsWith(
        '… truncated: the message exceeded the SNS size limit; see the function log.\n',
      ),
    ).toBe(true);
    expect(body.startsWith((message.default ?? '').split('\n… truncated')[0] ?? '')).toBe(true);
    expect(utf8Length(message.default ?? '')).toBeGreaterThan(70_000);
    expect(ChatSchema.parse(chat).content.title).toBe(notice.subject);
  });

  it('derives a chat form from the text for a notice built without one', () => {
    // Act
    const chat = chatFromText({
      subject: '[HIGH] something happened',
      message: 'line one\nline `two` <!here>\n',
      attributes: { severity: { StringValue: 'high' }, action: { StringValue: 'failed' } },
    });

    // Assess
    const { content } = ChatSchema.parse(chat);
    expect(content.description).toBe(
      '*Severity:* HIGH · *Outcome:* failed\n```\nline one\nline ˋtwoˋ ‹!here›\n\n```',
    );
  });
});

describe('the chat form of an audit notice', () => {
  it('counts the findings, names the account and regions, and lists what was not evaluated', async () => {
    // Prepare
    const { auditNotice } = await import('../../../../shared/audit/audit-notice');
    const { summarize } = await import('../../../../shared/engine');

    // Act
    const notice = auditNotice({
      findings: [admin],
      summary: summarize([admin]),
      failures: [{ region: 'us-west-2', operation: 'DescribeVpcs', code: 'AccessDenied', message: 'denied' }],
      accountId: '111122223333',
      regions: ['us-east-1', 'us-west-2'],
    });
    const { chat } = protocols(notice);

    // Assess
    const { content } = ChatSchema.parse(chat);
    expect(content.title).toBe(notice.subject);
    expect(content.description.split('\n')).toEqual([
      '*Severity:* CRITICAL · *Outcome:* failed · `111122223333` / `us-east-1,us-west-2`',
      '*Who:*',
      '• `audit of us-east-1, us-west-2`',
      '*Notes:*',
      '• `Not evaluated: us-west-2: denied`',
      '*Findings (1):*',
      '• CRITICAL `sg-0abc world-open on 22/tcp` (sg-open-admin-port)',
    ]);
  });

  it('on a redelivery, says a finding closed before the retry may have been closed by the earlier attempt, not only by someone else', () => {
    // DESIGN §8 "Order and retries": on a retry, the earlier attempt may have made the removal.
    const gone: NoticeInput = {
      ...input({ findings: [], fixed: [], results: [], redelivery: true }),
      goneFindings: [admin],
    };
    const notice = withChat(buildNotice(gone), gone);
    const { chat } = protocols(notice);
    const { description } = ChatSchema.parse(chat).content;
    expect(description).toContain(
      'Closed before this retry (by an earlier attempt or someone else): sg-0abc world-open on 22/tcp.',
    );
    expect(description).not.toContain('someone else:');
  });
});
