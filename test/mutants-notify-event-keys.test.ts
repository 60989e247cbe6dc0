// Mutation checks of the dedupe keys in shared/events/types.ts (`addedRuleKey`, `addedNaclEntryKey`,
// `prefixListEntryKey`), as a merged batch uses them (DESIGN §14 "Coalescing", §8 "Order and
// retries"): two changes a batch made must stay two — a key that leaves out a field merges them, and
// the one dropped is never compared with the slice, so a redelivery's notice leaves out a world-open
// rule or NACL entry that is already gone (one "already removed" line instead of two). The same
// change seen by two events of the batch counts once.
import { describe, expect, it } from 'vitest';
import { mergeScopes } from '../shared/events/batch';
import { emptyScope } from '../shared/events/event-table';
import type { AddedNaclEntry, AddedPrefixListEntry, AddedRule, EventScope } from '../shared/events/types';

const RULE: AddedRule = {
  groupId: 'sg-0aaa1111',
  egress: false,
  ipProtocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  cidrIpv4: '0.0.0.0/0',
} as AddedRule;

const ENTRY: AddedNaclEntry = {
  networkAclId: 'acl-0aaa1111',
  ruleNumber: 100,
  egress: false,
  ruleAction: 'allow',
  protocol: '6',
  cidrBlock: '0.0.0.0/0',
  fromPort: 22,
  toPort: 22,
};

const PL_ENTRY: AddedPrefixListEntry = { prefixListId: 'pl-0aaa1111', cidr: '0.0.0.0/0', version: 2 };

function event(parts: {
  rules?: AddedRule[];
  entries?: AddedNaclEntry[];
  added?: AddedPrefixListEntry[];
  removed?: AddedPrefixListEntry[];
}): EventScope {
  const s = emptyScope('AuthorizeSecurityGroupIngress', 'security-group');
  return {
    ...s,
    addedRules: parts.rules ?? [],
    addedNaclEntries: parts.entries ?? [],
    addedPrefixListEntries: parts.added ?? [],
    removedPrefixListEntries: parts.removed ?? [],
  };
}

describe('addedRuleKey in a merged batch (records without rule ids)', () => {
  const variants: [string, Partial<AddedRule>][] = [
    ['the direction', { egress: true }],
    ['the protocol', { ipProtocol: 'udp' }],
    ['the first port', { fromPort: 21 }],
    ['the last port', { toPort: 23 }],
    ['the IPv4 source', { cidrIpv4: '10.0.0.0/8' }],
    ['the group', { groupId: 'sg-0bbb2222' }],
  ];
  for (const [what, change] of variants) {
    it(`keeps two rules that differ only in ${what}`, () => {
      // Prepare
      const other = { ...RULE, ...change } as AddedRule;
      // Act
      const merged = mergeScopes([event({ rules: [RULE] }), event({ rules: [other] })]);
      // Assess
      expect(merged.addedRules).toEqual([RULE, other]);
    });
  }

  it('keeps an IPv6, a prefix-list and a group-reference source apart from each other', () => {
    const { cidrIpv4: _drop, ...bare } = RULE;
    const v6 = { ...bare, cidrIpv6: '::/0' } as AddedRule;
    const pl = { ...bare, prefixListId: 'pl-0aaa1111' } as AddedRule;
    const ref = { ...bare, referencedGroupId: 'sg-0ccc3333' } as AddedRule;
    const merged = mergeScopes([event({ rules: [v6, pl] }), event({ rules: [ref, v6] })]);
    expect(merged.addedRules).toEqual([v6, pl, ref]);
  });

  it('keeps two IPv6 sources, two prefix lists and two referenced groups apart', () => {
    const { cidrIpv4: _drop, ...bare } = RULE;
    const rules = [
      { ...bare, cidrIpv6: '::/0' },
      { ...bare, cidrIpv6: '2001:db8::/32' },
      { ...bare, prefixListId: 'pl-0aaa1111' },
      { ...bare, prefixListId: 'pl-0bbb2222' },
      { ...bare, referencedGroupId: 'sg-0ccc3333' },
      { ...bare, referencedGroupId: 'sg-0ddd4444' },
    ] as AddedRule[];
    const merged = mergeScopes([event({ rules: rules.slice(0, 3) }), event({ rules: rules.slice(3) })]);
    expect(merged.addedRules).toEqual(rules);
  });

  it('counts the same rule written by two events once', () => {
    const merged = mergeScopes([event({ rules: [RULE] }), event({ rules: [{ ...RULE }] })]);
    expect(merged.addedRules).toEqual([RULE]);
  });

  it('tells rules apart by rule id when the record gives one, even with the same content', () => {
    const a = { ...RULE, ruleId: 'sgr-0aaa1111' } as AddedRule;
    const b = { ...RULE, ruleId: 'sgr-0bbb2222' } as AddedRule;
    const bAgain = { ...RULE, fromPort: 0, toPort: 65535, ruleId: 'sgr-0bbb2222' } as AddedRule;
    const merged = mergeScopes([event({ rules: [a, b] }), event({ rules: [bAgain] })]);
    expect(merged.addedRules).toEqual([a, b]);
  });
});

describe('addedNaclEntryKey in a merged batch', () => {
  const variants: [string, Partial<AddedNaclEntry>][] = [
    ['the NACL', { networkAclId: 'acl-0bbb2222' }],
    ['the direction', { egress: true }],
    ['the rule number', { ruleNumber: 110 }],
    ['the action (a Replace from allow to deny)', { ruleAction: 'deny' }],
    ['the protocol', { protocol: '17' }],
    ['the first port', { fromPort: 21 }],
    ['the last port', { toPort: 23 }],
    ['the CIDR', { cidrBlock: '10.0.0.0/8' }],
  ];
  for (const [what, change] of variants) {
    it(`keeps two entries that differ only in ${what}`, () => {
      const other = { ...ENTRY, ...change };
      const merged = mergeScopes([event({ entries: [ENTRY] }), event({ entries: [other] })]);
      expect(merged.addedNaclEntries).toEqual([ENTRY, other]);
    });
  }

  it('keeps an IPv6 entry apart from an IPv4 one at another number', () => {
    const { cidrBlock: _drop, ...bare } = ENTRY;
    const v6 = { ...bare, ruleNumber: 101, ipv6CidrBlock: '::/0' };
    const merged = mergeScopes([event({ entries: [ENTRY, v6] }), event({ entries: [{ ...ENTRY }] })]);
    expect(merged.addedNaclEntries).toEqual([ENTRY, v6]);
  });

  it('keeps two IPv6 entries that differ only in the IPv6 CIDR', () => {
    const { cidrBlock: _drop, ...bare } = ENTRY;
    const all = { ...bare, ipv6CidrBlock: '::/0' };
    const doc = { ...bare, ipv6CidrBlock: '2001:db8::/32' };
    const merged = mergeScopes([event({ entries: [all] }), event({ entries: [doc] })]);
    expect(merged.addedNaclEntries).toEqual([all, doc]);
  });
});

describe('prefixListEntryKey in a merged batch', () => {
  it('keeps the same CIDR added on two versions of the list, and counts a repeat once', () => {
    const later = { ...PL_ENTRY, version: 3 };
    const merged = mergeScopes([
      event({ added: [PL_ENTRY], removed: [later] }),
      event({ added: [later, { ...PL_ENTRY }], removed: [later] }),
    ]);
    expect(merged.addedPrefixListEntries).toEqual([PL_ENTRY, later]);
    expect(merged.removedPrefixListEntries).toEqual([later]);
  });

  it('keeps two CIDRs, and the same CIDR in two lists', () => {
    const cidr = { ...PL_ENTRY, cidr: '::/0' };
    const list = { ...PL_ENTRY, prefixListId: 'pl-0bbb2222' };
    const merged = mergeScopes([event({ added: [PL_ENTRY, cidr] }), event({ added: [list] })]);
    expect(merged.addedPrefixListEntries).toEqual([PL_ENTRY, cidr, list]);
  });
});
