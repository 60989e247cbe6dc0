// Mutation checks of shared/rules/sg-open-common.ts `publicFamilies`: an IPv6 rule that opens the
// port must be listed in the finding's evidence (the rule a person deletes by hand), as an IPv4 one is.
import { describe, expect, it } from 'vitest';
import { sgBroadPublicSource } from '../shared/rules/sg-broad-public-source';
import { sgOpenAdminPort } from '../shared/rules/sg-open-admin-port';
import { perm, run, sg } from './helpers';

describe('IPv6 rules are named in the evidence of the findings they make', () => {
  it('sg-open-admin-port lists the ::/0 rule on 22/tcp', () => {
    // Prepare
    const snapshot = { SecurityGroups: [sg('sg-6', [perm('tcp', [22, 22], '::/0')])] };
    // Act
    const findings = run(sgOpenAdminPort, snapshot);
    // Assess
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-6']]);
    expect(findings[0]?.evidence).toMatchObject({
      ipv4: [],
      ipv6: ['22/tcp'],
      rules: [{ protocol: 'tcp', ports: '22', source: '::/0' }],
    });
  });

  it('sg-broad-public-source lists the broad public IPv6 rule (2000::/4)', () => {
    const snapshot = { SecurityGroups: [sg('sg-7', [perm('tcp', [5432, 5432], '2000::/4')])] };
    const findings = run(sgBroadPublicSource, snapshot);
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-broad-public-source', 'sg-7']]);
    expect(findings[0]?.evidence).toMatchObject({
      ipv4: [],
      ipv6: ['5432/tcp'],
      rules: [{ protocol: 'tcp', ports: '5432', source: '2000::/4' }],
    });
    expect(findings[0]?.detail).toContain('(IPv6)');
  });

  it('sg-open-admin-port lists a rule from a prefix list holding only ::/0', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-8', [perm('tcp', [22, 22], 'pl-v6')])],
      ManagedPrefixLists: [{ PrefixListId: 'pl-v6', Entries: [{ Cidr: '::/0' }] }],
    };
    const findings = run(sgOpenAdminPort, snapshot);
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-8']]);
    expect(findings[0]?.evidence).toMatchObject({
      ipv4: [],
      ipv6: ['22/tcp'],
      rules: [{ protocol: 'tcp', ports: '22', source: 'pl-v6' }],
    });
  });
});

describe('a rule is named only for the ports it opens', () => {
  it('leaves the world-open rule on 21/tcp, next to 22, out of the 22/tcp admin finding', () => {
    const snapshot = {
      SecurityGroups: [sg('sg-9', [perm('tcp', [21, 21], '0.0.0.0/0'), perm('tcp', [22, 22], '0.0.0.0/0')])],
    };
    const findings = run(sgOpenAdminPort, snapshot);
    expect(findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-9']]);
    expect(findings[0]?.evidence.rules).toEqual([{ protocol: 'tcp', ports: '22', source: '0.0.0.0/0' }]);
  });
});

describe('how many rules the evidence lists', () => {
  const rules = (n: number) =>
    Array.from({ length: n }, (_, i) => perm('tcp', [22, 22], `${i + 31}.0.0.0/8`));
  it('lists exactly 20 rules with no rulesNotShown, and says 1 not shown of 21', () => {
    // 20 /8s of public space on 22 (2^24 each: broad, not world-open).
    const twenty = run(sgBroadPublicSource, { SecurityGroups: [sg('sg-20', rules(20))] });
    const twentyOne = run(sgBroadPublicSource, {
      SecurityGroups: [sg('sg-21', [...rules(20), perm('tcp', [22, 22], '60.0.0.0/8')])],
    });
    expect(twenty[0]?.evidence.rules).toHaveLength(20);
    expect(twenty[0]?.evidence).not.toHaveProperty('rulesNotShown');
    expect(twentyOne[0]?.evidence.rules).toHaveLength(20);
    expect(twentyOne[0]?.evidence.rulesNotShown).toBe(1);
  });
});
