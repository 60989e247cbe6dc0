// Mutation checks of shared/notify/chat.ts (DESIGN §16 "Chat"; README "Chat (Slack, Microsoft
// Teams) through Amazon Q Developer"): the custom-notification payload of Amazon Q Developer in
// chat applications — `version` "1.0", `source` "custom", `content` (textType client-markdown,
// title, description, nextSteps, keywords), `metadata` — within the bounds the README states:
// description 3,000 characters with the rest counted and a pointer to the e-mail, title 250, at
// most 5 next steps of 500, 10 keywords of 50, 10 related resources of 128, the whole notification
// 24,000 bytes of UTF-8; text from events set as inline code, markup and mentions made inert.
import { describe, expect, it } from 'vitest';
import { type ChatFacts, chatCode, chatFromText, chatNotification } from '../../../../shared/notify/chat';
import { utf8Length } from '../../../../shared/notify/sanitize';

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const POINTER = '… more in the e-mail notice and the function log';
const more = (n: number) => `• … ${n} more (see the e-mail notice or the function log)`;

function facts(extra: Partial<ChatFacts> = {}): ChatFacts {
  return {
    severity: 'critical',
    outcome: 'remediated',
    accountId: '111122223333',
    region: 'us-east-1',
    who: [],
    findings: [],
    actions: [],
    undo: [],
    notes: [],
    exempt: [],
    resources: [],
    ...extra,
  };
}

/** A finding line of `length` characters of headline, numbered so that order shows. */
const finding = (i: number, length = 150) => ({
  severity: 'high',
  resourceId: `sg-${i}`,
  headline: `sg-${String(i).padStart(4, '0')} ${'h'.repeat(length - 8)}`,
  ruleId: 'sg-open-high-risk-port',
});

/** Facts whose findings fill the description; `p` lengthens the caller's ARN one character at a time. */
function crowded(n: number, p: number, extra: Partial<ChatFacts> = {}): ChatFacts {
  return facts({
    severity: 'high',
    outcome: 'notified',
    who: [
      { principal: `arn:aws:iam::111122223333:user/${'p'.repeat(p)}`, call: 'AuthorizeSecurityGroupIngress' },
    ],
    findings: Array.from({ length: n }, (_, i) => finding(i)),
    ...extra,
  });
}

const lines = (chat: ReturnType<typeof chatNotification>) => chat.content.description.split('\n');

describe('the next steps, keywords and metadata of a chat message', () => {
  it('offers the undo, every exemption command and the pointer to the e-mail, in that order', () => {
    const exempt = [
      'aws ec2 create-tags --resources sg-0aaa',
      'aws ec2 create-tags --resources sg-0bbb',
      'aws ec2 create-tags --resources sg-0ccc',
    ];
    const chat = chatNotification(
      '[CRITICAL] sg-0aaa world-open on 22/tcp',
      facts({ undo: ['aws ec2 authorize-security-group-ingress'], exempt }),
    );
    expect(chat.content.nextSteps).toEqual([
      'If the change was intended, undo the guardrail’s action with the command above.',
      '`aws ec2 create-tags --resources sg-0aaa`',
      '`aws ec2 create-tags --resources sg-0bbb`',
      '`aws ec2 create-tags --resources sg-0ccc`',
      'The e-mail notice and the function log hold the full evaluation.',
    ]);
  });

  it('offers no undo when nothing was done, and keeps at most 5 steps of at most 500 characters', () => {
    const chat = chatNotification(
      's',
      facts({ exempt: Array.from({ length: 6 }, (_, i) => `aws ${i} ${'x'.repeat(600)}`) }),
    );
    const steps = chat.content.nextSteps ?? [];
    expect(steps).toHaveLength(5);
    expect(steps[0]?.startsWith('`aws 0 xxx')).toBe(true);
    for (const step of steps) expect(step.length).toBeLessThanOrEqual(500);
    expect(steps[0]).toBe(`\`aws 0 ${'x'.repeat(491)}…\``);
  });

  it('keys the message by severity, outcome, each rule once and the account; never an empty keyword; at most 10', () => {
    const chat = chatNotification(
      's',
      facts({
        findings: [finding(1), finding(2), { ...finding(3), ruleId: '*sg-open-admin-port*' }],
        fixed: [{ ...finding(4), ruleId: 'sg-open-all-traffic' }],
        accountId: '\u200b',
      }),
    );
    expect(chat.content.keywords).toEqual([
      'critical',
      'remediated',
      'sg-open-high-risk-port',
      'sg-open-admin-port',
      'sg-open-all-traffic',
    ]);
    const many = chatNotification(
      's',
      facts({ findings: Array.from({ length: 12 }, (_, i) => ({ ...finding(i), ruleId: `rule-${i}` })) }),
    );
    expect(many.content.keywords).toEqual([
      'critical',
      'remediated',
      ...Array.from({ length: 8 }, (_, i) => `rule-${i}`),
    ]);
  });

  it('carries the summary, event type, the first 10 resources and the context a channel filters on', () => {
    const resources = Array.from({ length: 12 }, (_, i) => `sg-${i}`);
    const chat = chatNotification(
      '[HIGH] sg-0 world-open on 5432/tcp',
      facts({ severity: 'high', resources }),
    );
    expect(chat.metadata).toEqual({
      summary: '[HIGH] sg-0 world-open on 5432/tcp',
      eventType: 'VpcGuardrailNotice',
      relatedResources: resources.slice(0, 10),
      additionalContext: {
        severity: 'high',
        action: 'remediated',
        accountId: '111122223333',
        region: 'us-east-1',
      },
    });
  });

  it('sanitizes the event id it carries', () => {
    const chat = chatNotification('s', facts(), `ev\u0000${'1'.repeat(200)}`);
    expect(chat.id).toBe(`ev ${'1'.repeat(124)}…`);
  });

  it('makes markup in the title inert: no bold, italics, strike or link survives, nor a space left by one', () => {
    const chat = chatNotification('*[HIGH]* _sg-1_ ~x~  [click](https://evil.example)*', facts());
    expect(chat.content.title).toBe('[HIGH] sg-1 x [click] (https://evil.example)');
    expect(chat.metadata?.summary).toBe(chat.content.title);
  });
});

describe('the description of a chat message', () => {
  it('names a caller without an address, and says an address without a caller is of an unknown principal', () => {
    const chat = chatNotification(
      's',
      facts({
        region: undefined,
        who: [
          { principal: ALICE, call: 'CreateTags' },
          { sourceIp: '198.51.100.7', call: 'AuthorizeSecurityGroupIngress' },
          { call: 'RunInstances' },
        ],
      }),
    );
    expect(lines(chat)).toEqual([
      '*Severity:* CRITICAL · *Outcome:* remediated · `111122223333`',
      '*Who:*',
      `• \`${ALICE}\`: \`CreateTags\``,
      '• `(unknown principal)` from `198.51.100.7`: `AuthorizeSecurityGroupIngress`',
      '• `RunInstances`',
    ]);
  });

  it('gives each action its own status and the undo command whole', () => {
    const undo = `aws ec2 authorize-security-group-ingress --group-id sg-0aaa --ip-permissions '${'x'.repeat(400)}'`;
    const chat = chatNotification(
      's',
      facts({
        actions: [
          { status: 'done', text: 'RevokeSecurityGroupIngress sg-0aaa' },
          { status: 'failed', text: 'RevokeSecurityGroupIngress sg-0bbb — UnauthorizedOperation' },
          { status: 'would call', text: 'DeleteNetworkAclEntry acl-0aaa' },
        ],
        undo: [undo],
      }),
    );
    expect(lines(chat).slice(1)).toEqual([
      '*What was done:*',
      '• done: `RevokeSecurityGroupIngress sg-0aaa`',
      '• failed: `RevokeSecurityGroupIngress sg-0bbb — UnauthorizedOperation`',
      '• would call: `DeleteNetworkAclEntry acl-0aaa`',
      '*How to undo:*',
      `• \`${undo}\``,
    ]);
  });

  it('counts the one finding left out', () => {
    // 14 finding lines fit beside this head; the 15th is counted.
    const chat = chatNotification('s', crowded(15, 10));
    const shown = lines(chat).filter((l) => l.startsWith('• HIGH '));
    expect(shown).toHaveLength(14);
    expect(lines(chat).at(-1)).toBe(more(1));
  });

  it('shows a finding whose line ends exactly 110 characters (the room of the "more" line and the pointer) short of 3,000', () => {
    // With a caller's ARN of 138 p's the 14th finding line ends at character 2,890; one more and it does not fit.
    const fits = chatNotification('s', crowded(15, 138));
    expect(fits.content.description.length - more(1).length - 1).toBe(2890);
    expect(lines(fits).filter((l) => l.startsWith('• HIGH '))).toHaveLength(14);
    const over = chatNotification('s', crowded(15, 139));
    expect(lines(over).filter((l) => l.startsWith('• HIGH '))).toHaveLength(13);
    expect(lines(over).at(-1)).toBe(more(2));
  });

  it('shows the findings in their order, a shorter one never jumping over one that did not fit', () => {
    // 20 long lines, then 5 short ones: a short one would still fit where the 15th long one does not.
    const mixed = [
      ...Array.from({ length: 20 }, (_, i) => finding(i)),
      ...Array.from({ length: 5 }, (_, i) => finding(20 + i, 12)),
    ];
    const chat = chatNotification('s', crowded(0, 10, { findings: mixed }));
    const shown = lines(chat).filter((l) => l.startsWith('• HIGH '));
    expect(shown).toEqual(mixed.slice(0, 14).map((f) => `• HIGH \`${f.headline}\` (${f.ruleId})`));
    expect(lines(chat).at(-1)).toBe(more(11));
  });

  it('leaves out a section whose heading no longer fits, and says so last', () => {
    const chat = chatNotification(
      's',
      crowded(40, 41, { fixed: [finding(99)], actions: [{ status: 'done', text: 'x' }], undo: ['aws y'] }),
    );
    expect(chat.content.description.length).toBeLessThanOrEqual(3000);
    expect(lines(chat).slice(-3)).toEqual(['*Fixed (1):*', more(1), POINTER]);
    expect(chat.content.description).not.toContain('*What was done:*');
  });

  it('stays within 3,000 characters with the count and the whole pointer, however crowded (the room holds both)', () => {
    // Every caller ARN length moves where the cut falls; none may cut the pointer or the count.
    for (let arn = 10; arn <= 200; arn++) {
      const chat = chatNotification(
        's',
        crowded(40, arn, { fixed: [finding(99)], actions: [{ status: 'done', text: 'x' }], undo: ['aws y'] }),
      );
      expect(chat.content.description.length).toBeLessThanOrEqual(3000);
      expect(chat.content.description.startsWith('*Severity:* HIGH · *Outcome:* notified')).toBe(true);
      // Never cut at the end (the final cut would end the text with '…'); what is left is counted.
      expect(chat.content.description.endsWith('…')).toBe(false);
      const shown = lines(chat).filter((l) => l.startsWith('• HIGH ')).length;
      if (shown < 40) expect(lines(chat)).toContain(more(40 - shown));
      if (!chat.content.description.includes('*How to undo:*')) expect(lines(chat).at(-1)).toBe(POINTER);
    }
  });

  it('keeps a notification of multi-byte text within 24,000 bytes (the README’s bound), cutting the description', () => {
    // 3-byte characters fill the 3,000-character description (9 KB), 4-byte ones every other field
    // to its bound: about 28 KB uncut.
    const emoji = '🔥'.repeat(600);
    const kanji = '漢'.repeat(600);
    const chat = chatNotification(
      emoji,
      facts({
        who: [{ principal: kanji, call: 'AuthorizeSecurityGroupIngress' }],
        findings: Array.from({ length: 8 }, (_, i) => ({
          ...finding(i),
          headline: kanji,
          ruleId: `${i}${emoji}`,
        })),
        notes: Array.from({ length: 10 }, () => kanji),
        exempt: Array.from({ length: 5 }, () => emoji),
        resources: Array.from({ length: 10 }, () => emoji),
      }),
    );
    expect(utf8Length(JSON.stringify(chat))).toBeLessThanOrEqual(24_000);
    expect(chat.content.description.startsWith('*Severity:* CRITICAL · *Outcome:* remediated')).toBe(true);
    expect(chat.content.description.endsWith('…')).toBe(true);
  });
});

describe('the 24,000-byte bound, exactly', () => {
  // The description depends only on the facts it shows; the big fields (title, next steps,
  // resources) only on the others. So the uncut notification's size is known, and a note of ASCII
  // `a`s tunes it one byte at a time.
  const emoji = '🔥'.repeat(600);
  const kanji = '漢'.repeat(398);
  const shown = (k: number): ChatFacts =>
    facts({
      severity: 'high',
      outcome: 'notified',
      notes: [kanji, kanji, kanji, kanji, kanji, '漢'.repeat(50), 'a'.repeat(k)],
    });
  const whole = (k: number): ChatFacts => ({
    ...shown(k),
    exempt: Array.from({ length: 5 }, () => emoji),
    resources: Array.from({ length: 10 }, () => emoji),
  });
  const uncutSize = (k: number) => {
    const chat = chatNotification(emoji, whole(k));
    const description = chatNotification('s', shown(k)).content.description;
    return utf8Length(JSON.stringify({ ...chat, content: { ...chat.content, description } }));
  };

  it('sends a notification of exactly 24,000 bytes whole, and cuts the description of one a byte longer', () => {
    // Each `a` is one byte of the uncut notification.
    const at = 24_000 - uncutSize(1) + 1;
    expect(at).toBeGreaterThan(1);
    expect(uncutSize(at)).toBe(24_000);
    expect(chatNotification(emoji, whole(at)).content.description).toBe(
      chatNotification('s', shown(at)).content.description,
    );
    const over = chatNotification(emoji, whole(at + 1));
    expect(over.content.description).not.toBe(chatNotification('s', shown(at + 1)).content.description);
    expect(utf8Length(JSON.stringify(over))).toBeLessThanOrEqual(24_000);
  });
});

describe('chatCode', () => {
  it('says (unknown) for a value with nothing printable, never an empty code span', () => {
    expect(chatCode('\u0000\u200b')).toBe('`(unknown)`');
    expect(chatCode(undefined)).toBe('`(unknown)`');
  });
});

describe('the chat form derived from the text of a notice', () => {
  const attributes = { severity: { StringValue: 'high' }, action: { StringValue: 'failed' } };

  it('reads severity info and outcome notified when the notice carries neither; keys and sums it up', () => {
    const chat = chatFromText({ subject: '*x* [a](b)', message: 'one', attributes: {} });
    expect(chat.content.title).toBe('x [a] (b)');
    expect(chat.content.description).toBe('*Severity:* INFO · *Outcome:* notified\n```\none\n```');
    expect(chat.content.keywords).toEqual(['info', 'notified']);
    expect(chat.metadata).toEqual({ summary: 'x [a] (b)', eventType: 'VpcGuardrailNotice' });
  });

  it('cuts a long line at 300 characters and counts the lines left out, in order', () => {
    const message = [
      'a'.repeat(1000),
      ...Array.from({ length: 20 }, (_, i) => `${i} ${'b'.repeat(290)}`),
      'short',
    ].join('\n');
    const chat = chatFromText({ subject: 's', message, attributes });
    const [head, fence, first, ...rest] = chat.content.description.split('\n');
    expect(head).toBe('*Severity:* HIGH · *Outcome:* failed');
    expect(fence).toBe('```');
    expect(first).toBe(`${'a'.repeat(299)}…`);
    const kept = rest.slice(0, rest.indexOf('```'));
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `${i} ${'b'.repeat(290)}`));
    expect(rest.at(-1)).toBe(`… ${22 - 1 - kept.length} more lines in the e-mail notice`);
    expect(chat.content.description.length).toBeLessThanOrEqual(3000);
  });

  it('keeps a line only when it fits the 2,800-character budget with its line break', () => {
    // 27 lines of 99 characters and their breaks take 2,700; the next, of 100, would need 2,801.
    const message = [...Array.from({ length: 27 }, () => 'x'.repeat(99)), 'y'.repeat(100), 'z'].join('\n');
    const chat = chatFromText({ subject: 's', message, attributes });
    const description = chat.content.description.split('\n');
    expect(description.filter((l) => l === 'x'.repeat(99))).toHaveLength(27);
    expect(description).not.toContain('y'.repeat(100));
    expect(description.at(-1)).toBe('… 2 more lines in the e-mail notice');
  });

  it('stays within 3,000 characters with a message of many short lines', () => {
    const chat = chatFromText({ subject: 's', message: 'a\n'.repeat(3000), attributes });
    expect(chat.content.description.length).toBeLessThanOrEqual(3000);
    expect(chat.content.description.endsWith('more lines in the e-mail notice')).toBe(true);
  });
});
