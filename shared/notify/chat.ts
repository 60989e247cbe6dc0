import { sanitize, truncate, utf8Length } from './sanitize';

// The chat form of a notice (DESIGN §16): the custom-notification JSON of Amazon Q Developer in
// chat applications (formerly AWS Chatbot), which SNS delivers to it on the `https` protocol of a
// `MessageStructure: json` message. Schema: "Custom notifications using Amazon Q Developer in chat
// applications" (Amazon Q Developer in chat applications administrator guide): `version` "1.0",
// `source` "custom", `content` {textType "client-markdown", title, description, nextSteps,
// keywords}, optional `metadata`. Markdown is rendered in the channel's own dialect (Slack, Teams,
// Chime), so only what all of them share is used: bold labels, bullets, inline code.

/** The custom-notification event Amazon Q Developer in chat applications renders. */
export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/** What a chat message shows, gathered by the code that builds the notice. Plain, unescaped text. */
export interface ChatFacts {
  /** Highest severity reported (the `severity` attribute). */
  severity: string;
  /** The `action` attribute: remediated, notified, failed, … */
  outcome: string;
  accountId?: string;
  region?: string;
  /** Who did what: one entry per call. */
  who: { principal?: string; sourceIp?: string; time?: string; call: string }[];
  /** Open findings, most important first: severity, resource, one-line headline, rule. */
  findings: { severity: string; resourceId: string; headline: string; ruleId: string }[];
  /** Findings the actions closed, most important first. */
  fixed?: { severity: string; resourceId: string; headline: string; ruleId: string }[];
  /** What was done: status and one line per call. */
  actions: { status: string; text: string }[];
  /** Commands that undo what was done. */
  undo: string[];
  /** Other news, one sentence each: could not evaluate, exemption changes, rules already removed. */
  notes: string[];
  /** How to exempt, when findings are open. */
  exempt: string[];
  /** Resources the notice is about (ids). */
  resources: string[];
  /**
   * Items the builder left out of the lists above (it bounds its work): each section counts them
   * with what it could not show, and `Findings (N)` / `Fixed (N)` give every finding.
   */
  notListed?: Partial<Record<'notes' | 'findings' | 'fixed' | 'actions' | 'undo', number>>;
}

/**
 * Bounds chosen for chat. Amazon Q Developer's custom-notification schema gives field types and no
 * length limits (administrator guide, "Custom notifications", and its OpenAPI schema); the limits
 * that bite are the clients': Slack renders a message section of at most 3,000 characters, and
 * Microsoft Teams refuses a message over about 28 KB. So the description is cut at 3,000
 * characters, with a pointer to the e-mail and log, and the whole custom notification at `bytes`
 * of UTF-8 (the description is cut further when multi-byte text would pass it).
 */
export const CHAT_LIMITS = {
  title: 250,
  description: 3000,
  nextSteps: 5,
  nextStep: 500,
  keywords: 10,
  keyword: 50,
  relatedResources: 10,
  bytes: 24_000,
} as const;

/**
 * The notification within `CHAT_LIMITS.bytes` of UTF-8 JSON: the description (the only field
 * whose bound allows that many bytes) is cut until it fits. Every other field together stays far
 * below it (at most ~19 KB of 4-byte characters).
 */
function withinBytes(notification: ChatNotification): ChatNotification {
  let description = notification.content.description;
  for (;;) {
    const candidate = { ...notification, content: { ...notification.content, description } };
    const size = utf8Length(JSON.stringify(candidate));
    if (size <= CHAT_LIMITS.bytes || description.length <= 1) return candidate;
    // Each character is at most 4 bytes (2 UTF-16 units): cut at least what is over.
    const over = size - CHAT_LIMITS.bytes;
    description = truncate(description, Math.max(1, [...description].length - Math.ceil(over / 4) - 1));
  }
}

const EVENT_TYPE = 'VpcGuardrailNotice';

/**
 * An untrusted value as inline code: one sanitized line; the backtick that would close the span
 * and the `<`, `>`, `&` a chat client reads as mentions and links (`<!channel>`, `<url|text>`)
 * become look-alikes, so nothing in it is markup.
 */
export function chatCode(value: unknown, max = 200): string {
  const clean = neutral(sanitize(value, max));
  return clean === '' ? '`(unknown)`' : `\`${clean}\``;
}

/** Text with the characters that end a code span or make mentions and links replaced by look-alikes. */
function neutral(text: string): string {
  return text.replace(/`/g, 'ˋ').replace(/</g, '‹').replace(/>/g, '›').replace(/&/g, '＆');
}

/** Plain text outside code (titles, labels, keywords): no markup character survives. */
function chatText(value: unknown, max: number): string {
  return neutral(sanitize(value, max))
    .replace(/[*_~]/g, ' ')
    .replace(/\]\(/g, '] (')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** `alice` from `203.0.113.7` at `2026-…`: `AuthorizeSecurityGroupIngress` (or just the call). */
function whoLine(who: ChatFacts['who'][number]): string {
  if (who.principal === undefined && who.sourceIp === undefined) return chatCode(who.call, 200);
  const from = who.sourceIp ? ` from ${chatCode(who.sourceIp, 64)}` : '';
  const at = who.time ? ` at ${chatCode(who.time, 64)}` : '';
  return `${chatCode(who.principal ?? '(unknown principal)', 200)}${from}${at}: ${chatCode(who.call, 64)}`;
}

/** Sections of the description, in order; each is cut to what fits, the rest counted. */
function description(facts: ChatFacts): string {
  const where = [facts.accountId, facts.region].filter((v): v is string => !!v).map((v) => chatCode(v, 64));
  const head = [
    `*Severity:* ${chatText(facts.severity.toUpperCase(), 16)} · *Outcome:* ${chatText(facts.outcome, 32)}${
      where.length > 0 ? ` · ${where.join(' / ')}` : ''
    }`,
  ];
  const left = facts.notListed ?? {};
  const fixed = facts.fixed ?? [];
  // Each section: its label, its lines, and how many more items it stands for.
  const sections: [string, string[], number][] = [
    ['Who', facts.who.map(whoLine), 0],
    ['Notes', facts.notes.map((n) => chatCode(n, 400)), left.notes ?? 0],
    [
      `Findings (${facts.findings.length + (left.findings ?? 0)})`,
      facts.findings.map(
        // The headline names the resource (`sg-0ab… world-open on 22/tcp`).
        (f) =>
          `${chatText(f.severity.toUpperCase(), 16)} ${chatCode(f.headline, 160)} (${chatText(f.ruleId, 64)})`,
      ),
      left.findings ?? 0,
    ],
    [
      `Fixed (${fixed.length + (left.fixed ?? 0)})`,
      fixed.map(
        (f) =>
          `${chatText(f.severity.toUpperCase(), 16)} ${chatCode(f.headline, 160)} (${chatText(f.ruleId, 64)})`,
      ),
      left.fixed ?? 0,
    ],
    [
      'What was done',
      facts.actions.map((a) => `${chatText(a.status, 24)}: ${chatCode(a.text, 300)}`),
      left.actions ?? 0,
    ],
    ['How to undo', facts.undo.map((u) => chatCode(u, 600)), left.undo ?? 0],
  ];
  // Each line goes in only if the "more" line after it still fits; what does not fit is counted.
  // The room holds a "more" line (≤ 60 characters with its line break) and the closing pointer
  // (50): the final cut never shortens either.
  const room = 110;
  const lines = [...head];
  const size = () => lines.join('\n').length;
  let omitted = false;
  for (const [label, items, notListed] of sections) {
    if (items.length === 0) continue;
    if (size() + label.length + 5 + room > CHAT_LIMITS.description) {
      omitted = true;
      continue;
    }
    lines.push(`*${label}:*`);
    let shown = 0;
    for (const item of items) {
      if (size() + item.length + 3 + room > CHAT_LIMITS.description) break;
      lines.push(`• ${item}`);
      shown++;
    }
    const total = items.length + notListed;
    if (shown < total) lines.push(`• … ${total - shown} more (see the e-mail notice or the function log)`);
  }
  if (omitted) lines.push('… more in the e-mail notice and the function log');
  return truncate(lines.join('\n'), CHAT_LIMITS.description);
}

/** The chat message of a notice: its subject as title, the facts as markdown. */
export function chatNotification(subject: string, facts: ChatFacts, id?: string): ChatNotification {
  const ruleIds = [...new Set([...facts.findings, ...(facts.fixed ?? [])].map((f) => f.ruleId))];
  const keywords = [facts.severity, facts.outcome, ...ruleIds, ...(facts.accountId ? [facts.accountId] : [])]
    .map((k) => chatText(k, CHAT_LIMITS.keyword))
    .filter((k) => k !== '')
    .slice(0, CHAT_LIMITS.keywords);
  const nextSteps = [
    ...(facts.undo.length > 0
      ? ['If the change was intended, undo the guardrail’s action with the command above.']
      : []),
    ...facts.exempt.map((line) => chatCode(line, CHAT_LIMITS.nextStep - 2)),
    'The e-mail notice and the function log hold the full evaluation.',
  ].slice(0, CHAT_LIMITS.nextSteps);
  const additionalContext: Record<string, string> = { severity: facts.severity, action: facts.outcome };
  if (facts.accountId) additionalContext.accountId = sanitize(facts.accountId, 64);
  if (facts.region) additionalContext.region = sanitize(facts.region, 64);
  // No metadata.threadId: Amazon Q posts every later message of a thread as a reply under its first
  // one, so a resource opened again weeks later would be news buried in an old thread, out of the
  // channel's view; and a notice covers an account-region batch, not one resource (README, Chat).
  return withinBytes({
    version: '1.0',
    source: 'custom',
    ...(id ? { id: sanitize(id, 128) } : {}),
    content: {
      textType: 'client-markdown',
      title: chatText(subject, CHAT_LIMITS.title),
      description: description(facts),
      nextSteps,
      keywords,
    },
    metadata: {
      summary: chatText(subject, CHAT_LIMITS.title),
      eventType: EVENT_TYPE,
      relatedResources: facts.resources.slice(0, CHAT_LIMITS.relatedResources).map((r) => sanitize(r, 128)),
      additionalContext,
    },
  });
}

/**
 * The chat message of a notice built without facts (any notice the publisher receives): the
 * subject as title and the first lines of the plain text as a code block.
 */
export function chatFromText(notice: {
  subject: string;
  message: string;
  attributes: Record<string, { StringValue: string }>;
}): ChatNotification {
  const severity = notice.attributes.severity?.StringValue ?? 'info';
  const outcome = notice.attributes.action?.StringValue ?? 'notified';
  const budget = CHAT_LIMITS.description - 200;
  const kept: string[] = [];
  let length = 0;
  const lines = notice.message.split('\n');
  for (const line of lines) {
    const clean = neutral(sanitize(line, 300));
    if (length + clean.length + 1 > budget) break;
    kept.push(clean);
    length += clean.length + 1;
  }
  const cut =
    kept.length < lines.length ? `\n… ${lines.length - kept.length} more lines in the e-mail notice` : '';
  return withinBytes({
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: chatText(notice.subject, CHAT_LIMITS.title),
      description: `*Severity:* ${chatText(severity.toUpperCase(), 16)} · *Outcome:* ${chatText(outcome, 32)}\n\`\`\`\n${kept.join('\n')}\n\`\`\`${cut}`,
      keywords: [severity, outcome].map((k) => chatText(k, CHAT_LIMITS.keyword)),
    },
    metadata: { summary: chatText(notice.subject, CHAT_LIMITS.title), eventType: EVENT_TYPE },
  });
}
