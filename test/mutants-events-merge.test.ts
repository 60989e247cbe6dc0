// Mutation checks of shared/events/batch.ts `mergeScopes` (DESIGN §14 "Coalescing"): the slice of a
// group is loaded from the merged scope, so every list must be the union of every event's list —
// a list taken from the first event alone leaves the other events' resources unread (a silent miss).
import { describe, expect, it } from 'vitest';
import { mergeScopes } from '../shared/events/batch';
import { emptyScope } from '../shared/events/event-table';
import type { AddedNaclEntry, AddedRule, EventScope } from '../shared/events/types';

const LISTS = [
  'securityGroupIds',
  'securityGroupNames',
  'securityGroupRuleIds',
  'networkAclIds',
  'networkAclAssociationIds',
  'subnetIds',
  'routeTableIds',
  'internetGatewayIds',
  'vpcIds',
  'natGatewayIds',
  'vpcEndpointIds',
  'networkInterfaceIds',
  'instanceIds',
  'prefixListIds',
  'newVpcIds',
] as const;

const rule = (ruleId: string): AddedRule =>
  ({
    ruleId,
    groupId: 'sg-1',
    egress: false,
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4: '0.0.0.0/0',
  }) as AddedRule;
const entry = (ruleNumber: number): AddedNaclEntry => ({
  networkAclId: 'acl-1',
  ruleNumber,
  egress: false,
  ruleAction: 'allow',
  protocol: '6',
  cidrBlock: '0.0.0.0/0',
  fromPort: 22,
  toPort: 22,
});

function scope(
  tag: string,
  extra: { rule: string; entry: number; cidr: string; version: number },
): EventScope {
  const s = emptyScope('AuthorizeSecurityGroupIngress', 'security-group');
  const out: EventScope = { ...s };
  for (const key of LISTS) (out[key] as string[]) = [`${key}-${tag}`, `${key}-shared`];
  out.addedRules = [rule(extra.rule), rule('sgr-shared')];
  out.addedNaclEntries = [entry(extra.entry), entry(100)];
  out.addedPrefixListEntries = [{ prefixListId: 'pl-1', cidr: extra.cidr, version: 2 }];
  out.removedPrefixListEntries = [{ prefixListId: 'pl-1', cidr: extra.cidr, version: 3 }];
  out.restoredPrefixListVersions = [{ prefixListId: 'pl-1', version: extra.version }];
  return out;
}

describe('mergeScopes', () => {
  it('takes every list as the union of every event, first seen first, each value once', () => {
    // Prepare
    const a = scope('a', { rule: 'sgr-a', entry: 10, cidr: '0.0.0.0/0', version: 1 });
    const b = {
      ...scope('b', { rule: 'sgr-b', entry: 20, cidr: '::/0', version: 4 }),
      mainRouteTables: true as const,
    };
    // Act
    const merged = mergeScopes([a, b]);
    // Assess
    for (const key of LISTS) expect(merged[key], key).toEqual([`${key}-a`, `${key}-shared`, `${key}-b`]);
    expect(merged.addedRules.map((r) => r.ruleId)).toEqual(['sgr-a', 'sgr-shared', 'sgr-b']);
    expect(merged.addedNaclEntries.map((e) => e.ruleNumber)).toEqual([10, 100, 20]);
    expect(merged.addedPrefixListEntries.map((e) => e.cidr)).toEqual(['0.0.0.0/0', '::/0']);
    expect(merged.removedPrefixListEntries.map((e) => e.cidr)).toEqual(['0.0.0.0/0', '::/0']);
    expect(merged.restoredPrefixListVersions.map((v) => v.version)).toEqual([1, 4]);
    expect(merged.mainRouteTables).toBe(true);
  });
});
