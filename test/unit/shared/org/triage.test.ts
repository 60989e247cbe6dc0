import { describe, expect, it } from 'vitest';
import { isIgnored } from '../../../../shared/events/event-table';
import { parseEvent } from '../../../../shared/events/parse';
import type { ParsedEvent } from '../../../../shared/events/types';
import { accountNotGoverned, isMemberRoleCall } from '../../../../shared/org/triage';
import { authorizeIngress, envelope } from '../../../helpers';

const MEMBER = '222233334444';

/** A security-group call by a session of the role `issuer`, parsed as the event function does. */
function callBy(issuer: string): ParsedEvent {
  const record = {
    ...authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']]),
    recipientAccountId: MEMBER,
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${MEMBER}:assumed-role/x/session`,
      accountId: MEMBER,
      sessionContext: { sessionIssuer: { type: 'Role', arn: issuer } },
    },
  };
  const parsed = parseEvent(envelope(record, MEMBER));
  if (isIgnored(parsed)) throw new Error(`fixture not parsed: ${parsed.reason}`);
  return parsed;
}

describe('isMemberRoleCall (DESIGN §15: sessionIssuer.arn = arn:aws:iam::<any>:role/<memberRoleName>)', () => {
  it('holds for the member role in any account and partition', () => {
    expect(
      isMemberRoleCall(callBy(`arn:aws:iam::${MEMBER}:role/VpcGuardrailMember`), 'VpcGuardrailMember'),
    ).toBe(true);
    expect(
      isMemberRoleCall(
        callBy('arn:aws-us-gov:iam::999988887777:role/VpcGuardrailMember'),
        'VpcGuardrailMember',
      ),
    ).toBe(true);
  });

  it('does not hold for another role: a longer name, a role of that name under a path, a user', () => {
    // A change made by any of these is someone's change to judge, not the guardrail's own.
    for (const issuer of [
      `arn:aws:iam::${MEMBER}:role/VpcGuardrailMemberOld`,
      `arn:aws:iam::${MEMBER}:role/team/VpcGuardrailMember`,
      `arn:aws:iam::${MEMBER}:user/VpcGuardrailMember`,
    ]) {
      expect(isMemberRoleCall(callBy(issuer), 'VpcGuardrailMember'), issuer).toBe(false);
    }
  });
});

describe('accountNotGoverned (DESIGN §15: the central account "whether or not accounts lists it, unless excludeAccounts does")', () => {
  const scope = {
    homeAccountId: '111122223333',
    accounts: ['222233334444', '333344445555'],
    excludeAccounts: ['333344445555'],
  };

  it('governs the central account outside the allow-list, and an allow-listed member', () => {
    expect(accountNotGoverned('111122223333', scope)).toBeUndefined();
    expect(accountNotGoverned('222233334444', scope)).toBeUndefined();
  });

  it('excludes an account both lists name (exclusion wins), and the central account when excluded', () => {
    expect(accountNotGoverned('333344445555', scope)).toBe('account 333344445555 is in excludeAccounts');
    expect(accountNotGoverned('111122223333', { ...scope, excludeAccounts: ['111122223333'] })).toBe(
      'account 111122223333 is in excludeAccounts',
    );
  });

  it('rejects a member outside a non-empty allow-list, and governs every account without one', () => {
    expect(accountNotGoverned('444455556666', scope)).toBe(
      'account 444455556666 is not in the accounts allow-list',
    );
    expect(
      accountNotGoverned('444455556666', { ...scope, accounts: [], excludeAccounts: [] }),
    ).toBeUndefined();
  });
});
