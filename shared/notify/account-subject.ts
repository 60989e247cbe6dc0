import { MAX_SUBJECT_LENGTH } from './notice-types';
import { truncate } from './sanitize';

/**
 * The subject with the account named after its `[SEVERITY]` tag (organization mode, a member
 * account's notice): `[CRITICAL] 222233334444: sg-0ab world-open on 22/tcp — revoked`. The middle is
 * shortened, never the tag or the ` — outcome`, so the subject stays under SNS's 100 characters.
 */
export function subjectWithAccount(subject: string, accountId: string): string {
  const tag = /^\[[A-Z]+\] /.exec(subject)?.[0] ?? '';
  const rest = subject.slice(tag.length);
  const dash = rest.lastIndexOf(' — ');
  const suffix = dash >= 0 ? rest.slice(dash) : '';
  const body = dash >= 0 ? rest.slice(0, dash) : rest;
  const head = `${tag}${accountId}: `;
  return `${head}${truncate(body, MAX_SUBJECT_LENGTH - head.length - suffix.length)}${suffix}`;
}
