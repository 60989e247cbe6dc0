import { describe, expect, it } from 'vitest';
import { CHAT_LIMITS, type ChatFacts, chatFromText, chatNotification } from '../../../../shared/notify/chat';
import { utf8Length } from '../../../../shared/notify/sanitize';

// Amazon Q Developer's custom-notification schema sets no per-field length; Microsoft Teams refuses
// a message over about 28 KB. Every field was bounded in characters only: a resource named and
// described in 4-byte characters (emoji, which sanitize keeps) made a notification of ~31 KB that
// Teams would drop. The whole notification now stays within CHAT_LIMITS.bytes of UTF-8.

const EMOJI = '🔥'.repeat(600);

function hostileFacts(): ChatFacts {
  const finding = {
    severity: 'critical',
    resourceId: `sg-${EMOJI}`,
    headline: EMOJI,
    ruleId: 'sg-open-admin-port',
  };
  return {
    severity: 'critical',
    outcome: 'notified',
    accountId: '111122223333',
    region: 'eu-west-1',
    who: [
      {
        principal: EMOJI,
        sourceIp: '203.0.113.7',
        time: '2026-11-25T12:00:00Z',
        call: 'AuthorizeSecurityGroupIngress',
      },
    ],
    findings: Array.from({ length: 40 }, () => finding),
    actions: [],
    undo: [],
    notes: Array.from({ length: 10 }, () => EMOJI),
    exempt: Array.from({ length: 5 }, () => EMOJI),
    resources: Array.from({ length: 10 }, () => `sg-${EMOJI}`),
  };
}

describe('chat notification size', () => {
  it('keeps a notification of multi-byte text within CHAT_LIMITS.bytes of UTF-8 JSON', () => {
    const chat = chatNotification(`[CRITICAL] ${EMOJI}`, hostileFacts(), 'e-1');
    expect(utf8Length(JSON.stringify(chat))).toBeLessThanOrEqual(CHAT_LIMITS.bytes);
    // Still a message a person can read: the head line survives the cut.
    expect(chat.content.description.startsWith('*Severity:* CRITICAL')).toBe(true);
    expect(chat.content.description.length).toBeLessThan(CHAT_LIMITS.description);
  });

  it('leaves a notification that fits as it was', () => {
    const facts = { ...hostileFacts(), who: [], findings: [], notes: ['a note'], exempt: [], resources: [] };
    const chat = chatNotification('[HIGH] sg-1 world-open on 22/tcp', facts);
    expect(chat.content.description).toBe(
      '*Severity:* CRITICAL · *Outcome:* notified · `111122223333` / `eu-west-1`\n*Notes:*\n• `a note`',
    );
  });

  it('bounds the text-only form the same way', () => {
    const chat = chatFromText({
      subject: EMOJI,
      message: Array.from({ length: 200 }, () => EMOJI.slice(0, 200)).join('\n'),
      attributes: { severity: { StringValue: 'high' }, action: { StringValue: 'notified' } },
    });
    expect(utf8Length(JSON.stringify(chat))).toBeLessThanOrEqual(CHAT_LIMITS.bytes);
  });

  it('sets no threadId: a notice about a resource opened again is a new message, not a reply in an old thread', () => {
    expect(chatNotification('s', hostileFacts()).metadata).not.toHaveProperty('threadId');
  });
});
