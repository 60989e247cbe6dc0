import { describe, expect, it } from 'vitest';
import { subjectWithAccount } from '../../../../shared/notify/account-subject';
import { MAX_SUBJECT_LENGTH } from '../../../../shared/notify/notice';

// Organization mode: a member account's notice names the account after the severity tag.

describe('subjectWithAccount', () => {
  it('names the account after the tag and keeps the rest as it was when it fits', () => {
    expect(subjectWithAccount('[CRITICAL] sg-0ab world-open on 22/tcp — revoked', '222233334444')).toBe(
      '[CRITICAL] 222233334444: sg-0ab world-open on 22/tcp — revoked',
    );
  });

  it('cuts the headline, never the (+N more) count or the outcome (the count used to be cut first)', () => {
    // A long digest subject (the digest shortens its own to 99 characters, before the account).
    const subject =
      '[CRITICAL] sg-0123456789abcdef0 world-open on 22/tcp, 3389/tcp, 5432/tcp (+4 more on 2 groups) — revoked';
    const out = subjectWithAccount(subject, '222233334444');
    expect(out.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(out).toMatch(
      /^\[CRITICAL\] 222233334444: sg-0123456789abcdef0 world-open on .*… \(\+4 more on 2 groups\) — revoked$/,
    );
  });

  it('cuts a subject without a count or outcome at its end', () => {
    const out = subjectWithAccount(`[HIGH] could not evaluate ${'x'.repeat(120)}`, '222233334444');
    expect(out.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(out).toMatch(/^\[HIGH\] 222233334444: could not evaluate x+…$/);
  });
});
