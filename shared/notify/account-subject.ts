import type { Notice } from './notice';
import { MAX_SUBJECT_LENGTH } from './notice-types';
import { truncateUnits } from './sanitize';

/** A subject's count of the other findings, `(+4 more)` or `(+4 more on 2 groups)`, at its end. */
const MORE = / \(\+\d+ more(?: on \d+ [a-zA-Z ]+)?\)$/;

/**
 * The subject with the account named after its `[SEVERITY]` tag (organization mode, a member
 * account's notice): `[CRITICAL] 222233334444: sg-0ab world-open on 22/tcp — revoked`. The headline
 * is shortened, never the tag, the `(+N more)` count (how a person learns the lead is not all, as
 * in a subject without the account) or the ` — outcome`, so the subject stays under SNS's 100
 * characters.
 */
export function subjectWithAccount(subject: string, accountId: string): string {
  const tag = /^\[[A-Z]+\] /.exec(subject)?.[0] ?? '';
  const rest = subject.slice(tag.length);
  const dash = rest.lastIndexOf(' — ');
  const suffix = dash >= 0 ? rest.slice(dash) : '';
  const body = dash >= 0 ? rest.slice(0, dash) : rest;
  const more = MORE.exec(body)?.[0] ?? '';
  const lead = body.slice(0, body.length - more.length);
  const head = `${tag}${accountId}: `;
  const room = MAX_SUBJECT_LENGTH - head.length - suffix.length - more.length;
  // In UTF-16 units, as SNS counts the subject (a Name tag's emoji is two).
  return `${head}${truncateUnits(lead, Math.max(1, room))}${more}${suffix}`;
}

/** A member account's notice: the account after the severity tag of its subject and chat title. */
export function noticeWithAccount(notice: Notice, accountId: string): Notice {
  const { chat } = notice;
  return {
    ...notice,
    subject: subjectWithAccount(notice.subject, accountId),
    ...(chat
      ? {
          chat: {
            ...chat,
            content: { ...chat.content, title: subjectWithAccount(chat.content.title, accountId) },
            ...(chat.metadata?.summary !== undefined
              ? {
                  metadata: {
                    ...chat.metadata,
                    summary: subjectWithAccount(chat.metadata.summary, accountId),
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}
