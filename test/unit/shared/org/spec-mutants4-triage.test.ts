import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { ConfigError } from '../../../../shared/errors';
import type { EventGroup, GroupMember, TriagedBatch } from '../../../../shared/events/batch';
import { emptyScope, isIgnored } from '../../../../shared/events/event-table';
import { parseEvent } from '../../../../shared/events/parse';
import type { ParsedEvent } from '../../../../shared/events/types';
import { memberRoleNameFromEnv, orgScope } from '../../../../shared/org/settings';
import { excludedOwnAccount, orgTriage, orgTriageBatch } from '../../../../shared/org/triage';
import { authorizeIngress, envelope } from '../../../helpers';

// Mutation checks (notes/spec-mutants.md, mutants4) of DESIGN §15 organization triage: which
// accounts are governed, which calls are the guardrail's own, what each ignored message says.

const HOME = '111122223333';
const MEMBER = '222233334444';
const OUTSIDE = '555566667777';
const ROLE = 'VpcGuardrailMember';

/** A security-group call in `account`, by a session of `issuer` when given. */
function callIn(account: string, issuer?: string): ParsedEvent {
  const record = {
    ...authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']]),
    recipientAccountId: account,
    ...(issuer
      ? {
          userIdentity: {
            type: 'AssumedRole',
            arn: `arn:aws:sts::${account}:assumed-role/x/session`,
            accountId: account,
            sessionContext: { sessionIssuer: { type: 'Role', arn: issuer } },
          },
        }
      : {}),
  };
  const parsed = parseEvent(envelope(record, account, 'eu-west-1'));
  if (isIgnored(parsed)) throw new Error(`fixture not parsed: ${parsed.reason}`);
  return parsed;
}

function member(messageId: string, event: ParsedEvent): GroupMember {
  return {
    messageId,
    event,
    scope: {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0web'],
    },
    redelivered: false,
  };
}

const scope = { homeAccountId: HOME, memberRoleName: ROLE, accounts: [MEMBER], excludeAccounts: [] };

describe('orgTriage: an event without its account or region is malformed, never judged elsewhere', () => {
  it('names what is missing', () => {
    const event = callIn(MEMBER);
    expect(orgTriage({ ...event, accountId: undefined }, scope)).toEqual({
      code: 'malformed',
      reason: 'the event names no account',
    });
    expect(orgTriage({ ...event, region: undefined }, scope)).toEqual({
      code: 'malformed',
      reason: 'the event names no region',
    });
    expect(orgTriage(event, scope)).toBeUndefined();
  });
});

describe('orgTriageBatch: per account-region group', () => {
  const allowed = callIn(MEMBER);
  const own = callIn(MEMBER, `arn:aws:iam::${MEMBER}:role/${ROLE}`);
  const outside = callIn(OUTSIDE);
  const groupMember: EventGroup = {
    key: `${MEMBER}|eu-west-1`,
    accountId: MEMBER,
    region: 'eu-west-1',
    members: [member('m1', allowed), member('m3', own)],
  };
  const groupOutside: EventGroup = {
    key: `${OUTSIDE}|eu-west-1`,
    accountId: OUTSIDE,
    region: 'eu-west-1',
    members: [member('m2', outside)],
  };
  const batch: TriagedBatch = {
    messages: [
      { messageId: 'm1', outcome: 'handled', event: allowed, group: groupMember.key },
      { messageId: 'm2', outcome: 'handled', event: outside, group: groupOutside.key },
      { messageId: 'm3', outcome: 'handled', event: own, group: groupMember.key },
      { messageId: 'm4', outcome: 'unreadable', reason: 'not JSON' },
    ],
    groups: [groupMember, groupOutside],
  };

  it("ignores, with the reason, an account outside the allow-list and the member role's own call; drops the emptied group", () => {
    const out = orgTriageBatch(batch, scope);
    expect(out.messages).toEqual([
      batch.messages[0],
      {
        messageId: 'm2',
        outcome: 'ignored',
        event: outside,
        ignored: { code: 'other-account', reason: `account ${OUTSIDE} is not in the accounts allow-list` },
      },
      {
        messageId: 'm3',
        outcome: 'ignored',
        event: own,
        ignored: { code: 'own-role', reason: `made by the guardrail's member role ${ROLE}` },
      },
      batch.messages[3],
    ]);
    expect(out.groups).toEqual([{ ...groupMember, members: [member('m1', allowed)] }]);
  });
});

describe('excludedOwnAccount (single-account mode)', () => {
  const event = callIn(HOME);
  const group: EventGroup = {
    key: `${HOME}|eu-west-1`,
    accountId: HOME,
    region: 'eu-west-1',
    members: [member('m1', event)],
  };
  const batch: TriagedBatch = {
    messages: [
      { messageId: 'm1', outcome: 'handled', event, group: group.key },
      { messageId: 'm2', outcome: 'unreadable', reason: 'not JSON' },
      { messageId: 'm3', outcome: 'duplicate', event, duplicateOf: 'm1' },
    ],
    groups: [group],
  };

  it('ignores every handled message, with the reason, and evaluates no group, when the own account is excluded', () => {
    const out = excludedOwnAccount(batch, HOME, [HOME]);
    expect(out).toEqual({
      messages: [
        {
          messageId: 'm1',
          outcome: 'ignored',
          event,
          ignored: { code: 'other-account', reason: `account ${HOME} is in excludeAccounts` },
        },
        batch.messages[1],
        batch.messages[2],
      ],
      groups: [],
    });
  });

  it('leaves the batch as it is otherwise', () => {
    expect(excludedOwnAccount(batch, HOME, [MEMBER])).toBe(batch);
  });
});

describe('memberRoleNameFromEnv and orgScope', () => {
  it('reads the role name trimmed, unset or blank as off, and refuses what IAM would (over 64 characters, a path)', () => {
    expect(memberRoleNameFromEnv({ VPC_GUARDRAIL_MEMBER_ROLE_NAME: ` ${ROLE} ` })).toBe(ROLE);
    expect(memberRoleNameFromEnv({ VPC_GUARDRAIL_MEMBER_ROLE_NAME: '  ' })).toBeUndefined();
    expect(memberRoleNameFromEnv({})).toBeUndefined();
    expect(memberRoleNameFromEnv({ VPC_GUARDRAIL_MEMBER_ROLE_NAME: 'r'.repeat(64) })).toBe('r'.repeat(64));
    for (const bad of ['r'.repeat(65), 'path/Role']) {
      expect(() => memberRoleNameFromEnv({ VPC_GUARDRAIL_MEMBER_ROLE_NAME: bad })).toThrow(ConfigError);
      try {
        memberRoleNameFromEnv({ VPC_GUARDRAIL_MEMBER_ROLE_NAME: bad });
      } catch (error) {
        expect((error as ConfigError).issues).toEqual([
          `VPC_GUARDRAIL_MEMBER_ROLE_NAME: not an IAM role name (${JSON.stringify(bad)})`,
        ]);
      }
    }
  });

  it('carries the allow-list and the exclusions of the configuration', () => {
    const config = { ...DEFAULT_CONFIG, accounts: [MEMBER], excludeAccounts: [OUTSIDE] };
    expect(orgScope(config, HOME, ROLE)).toEqual({
      homeAccountId: HOME,
      memberRoleName: ROLE,
      accounts: [MEMBER],
      excludeAccounts: [OUTSIDE],
    });
  });
});
