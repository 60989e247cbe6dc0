// DESIGN §8 "Precision" and "NACL precision" at their hostile corners, through `simulate` (the
// event pipeline on a snapshot): exactly which calls, nothing beyond the offending rule, and the
// NACL fix at both ends of the rule-number space (1 and 32766).

import { describe, expect, it } from 'vitest';
import {
  ACL,
  allowAllWorldEntryRecord,
  authorizeIngress,
  naclEntryAction,
  simulate,
  worldSnapshot,
} from '../helpers';

const GROUP = 'sg-0web';

describe('§8 "removes only what made the finding … the other CIDRs of the same API call stay"', () => {
  it('one call adding world v4, world v6, an office range, the VPC and a group on 22: only the two world rules go', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-w4', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-w6', from: 22, cidr: '::/0' },
        { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
        { id: 'sgr-vpc', from: 22, cidr: '10.0.0.0/16' },
        { id: 'sgr-ref', from: 22, group: 'sg-0base' },
        { id: 'sgr-w443', from: 443, cidr: '0.0.0.0/0' },
        // World-open on 3389 through a union of two halves: notify-only.
        { id: 'sgr-half1', from: 3389, cidr: '0.0.0.0/1' },
        { id: 'sgr-half2', from: 3389, cidr: '128.0.0.0/1' },
      ],
    });
    const event = authorizeIngress(GROUP, 22, [
      ['sgr-w4', '0.0.0.0/0'],
      ['sgr-w6', '::/0'],
      ['sgr-office', '198.51.100.0/24'],
      ['sgr-vpc', '10.0.0.0/16'],
    ]);
    const report = await simulate(event, snapshot, { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w4', 'sgr-w6'] },
      },
    ]);
    // What stays open (3389 through the union) leads: it is not fixed, and the notice says so.
    expect(report.notification?.subject).toBe(
      '[CRITICAL] sg-0web world-open on 3389/tcp (+1 more) — revoked',
    );
  });

  it('a prefix-list source holding 0.0.0.0/0 (beside the VPC block) is revoked; a list of private ranges stays', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-pl-world', from: 22, prefixList: 'pl-0world' },
        { id: 'sgr-pl-private', from: 22, prefixList: 'pl-0private' },
      ],
    });
    snapshot.ManagedPrefixLists = [
      { PrefixListId: 'pl-0world', Entries: [{ Cidr: '10.0.0.0/16' }, { Cidr: '0.0.0.0/0' }] },
      { PrefixListId: 'pl-0private', Entries: [{ Cidr: '10.0.0.0/8' }] },
    ];
    const report = await simulate(authorizeIngress(GROUP, 22, [['sgr-pl-world', '10.0.0.0/16']]), snapshot, {
      mode: 'remediate',
    });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-pl-world'] },
      },
    ]);
  });
});

describe('§8 "NACL precision" at the ends of the rule-number space', () => {
  const event = allowAllWorldEntryRecord(ACL);
  const optIn = { rules: { 'nacl-open-admin-port': 'remediate' } };
  const entry = (
    action: 'CreateNetworkAclEntry' | 'ReplaceNetworkAclEntry',
    n: number,
    ruleAction: 'allow' | 'deny',
    protocol: string,
    port: number,
    cidr: string,
  ) => naclEntryAction(ACL, action, n, ruleAction, protocol, port, cidr);

  it('narrows admin-only entries at 32766 and 32765, the further kept sources taking the largest free numbers below', async () => {
    const snapshot = worldSnapshot({
      rules: [],
      naclIngress: [
        { rule: 32766, protocol: '6', from: 22, to: 22, cidr: '0.0.0.0/0' },
        { rule: 32765, protocol: '6', from: 22, to: 22, cidr: '::/0' },
      ],
    });
    const report = await simulate(event, snapshot, {
      mode: 'remediate',
      config: { ...optIn, naclAdminSources: ['172.16.50.0/24', '2001:db8:50::/48'] },
    });
    expect(report.actions).toEqual([
      entry('CreateNetworkAclEntry', 32763, 'allow', '6', 22, '2001:db8:50::/48'),
      entry('CreateNetworkAclEntry', 32764, 'allow', '6', 22, '172.16.50.0/24'),
      entry('ReplaceNetworkAclEntry', 32765, 'allow', '6', 22, '2600:1f18::/56'),
      entry('ReplaceNetworkAclEntry', 32766, 'allow', '6', 22, '10.0.0.0/16'),
    ]);
  });

  it('an allow-all at 32766 (IPv4) and at 100 (IPv6): each deny just below its own anchor, after the VPC allow', async () => {
    const snapshot = worldSnapshot({
      rules: [],
      naclIngress: [
        { rule: 32766, cidr: '0.0.0.0/0' },
        { rule: 100, cidr: '::/0' },
      ],
    });
    const report = await simulate(event, snapshot, { mode: 'remediate', config: optIn });
    const v6 = '2600:1f18::/56';
    expect(report.actions).toEqual([
      entry('CreateNetworkAclEntry', 94, 'allow', '17', 3389, v6),
      entry('CreateNetworkAclEntry', 95, 'deny', '17', 3389, '::/0'),
      entry('CreateNetworkAclEntry', 96, 'allow', '6', 3389, v6),
      entry('CreateNetworkAclEntry', 97, 'deny', '6', 3389, '::/0'),
      entry('CreateNetworkAclEntry', 98, 'allow', '6', 22, v6),
      entry('CreateNetworkAclEntry', 99, 'deny', '6', 22, '::/0'),
      entry('CreateNetworkAclEntry', 32760, 'allow', '17', 3389, '10.0.0.0/16'),
      entry('CreateNetworkAclEntry', 32761, 'deny', '17', 3389, '0.0.0.0/0'),
      entry('CreateNetworkAclEntry', 32762, 'allow', '6', 3389, '10.0.0.0/16'),
      entry('CreateNetworkAclEntry', 32763, 'deny', '6', 3389, '0.0.0.0/0'),
      entry('CreateNetworkAclEntry', 32764, 'allow', '6', 22, '10.0.0.0/16'),
      entry('CreateNetworkAclEntry', 32765, 'deny', '6', 22, '0.0.0.0/0'),
    ]);
  });

  it('an admin-only entry at rule 1 with a further kept source: notify only, saying there is no free number below 1', async () => {
    const snapshot = worldSnapshot({
      rules: [],
      naclIngress: [{ rule: 1, protocol: '6', from: 22, to: 22, cidr: '0.0.0.0/0' }],
    });
    const report = await simulate(event, snapshot, {
      mode: 'remediate',
      config: { ...optIn, naclAdminSources: ['172.16.50.0/24'] },
    });
    expect(report.actions).toEqual([]);
    expect(report.notification?.message).toContain(
      'not fixable automatically: 22/tcp ipv4: no free rule number below 1 for the allow entries of 1 further kept source(s)',
    );
  });

  it('a mixed entry at rule 2: one free number (1) is not enough for the deny and the VPC allow: notify only', async () => {
    const snapshot = worldSnapshot({ rules: [], naclIngress: [{ rule: 2, cidr: '0.0.0.0/0' }] });
    const report = await simulate(event, snapshot, { mode: 'remediate', config: optIn });
    expect(report.actions).toEqual([]);
    expect(report.notification?.message).toContain('22/tcp ipv4: no 2 free rule numbers below 2');
  });
});
