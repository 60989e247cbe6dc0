import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings';
import { findingId } from '../../shared/findings';
import { audit, buildWorld, ENI, entry, groups, nacl, perm, sg } from '../helpers';

const TAG = 'vpc-guardrail:exempt';
const NOW = new Date('2025-06-15T12:00:00Z');

function tagged(value: string) {
  return groups(
    sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [8443, 8443], '0.0.0.0/0')], {
      tags: [{ Key: TAG, Value: value }],
    }),
  );
}

function suppression(value: string) {
  return audit(tagged(value), { now: NOW }).map((f) => [f.ruleId, f.suppressed?.by ?? null]);
}

describe('findings (DESIGN §6)', () => {
  it('carry the §6 fields; accountId and region come from the snapshot', () => {
    const findings = audit({
      accountId: '111122223333',
      region: 'eu-west-1',
      ...groups(sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])),
    });
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f).toMatchObject({
      ruleId: 'sg-open-admin-port',
      severity: 'critical',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-1',
      vpcId: 'vpc-1',
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    expect(typeof f?.id).toBe('string');
    expect(typeof f?.title).toBe('string');
    expect(typeof f?.detail).toBe('string');
    expect(f?.suppressed).toBeUndefined();
  });

  it('without accountId/region in the snapshot the keys are absent', () => {
    const [f] = audit(groups(sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])));
    expect(f && 'accountId' in f).toBe(false);
    expect(f && 'region' in f).toBe(false);
  });

  it('are deterministic: same input, same output and order (ids included), input order aside', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-b', [perm('tcp', [22, 22], '0.0.0.0/0')]),
        sg('sg-a', [perm('-1', undefined, '0.0.0.0/0')]),
        sg('sg-c', [perm('tcp', [3306, 3306], '::/0'), perm('tcp', [9000, 9000], '11.0.0.0/8')]),
      ],
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '-1', '0.0.0.0/0')])],
    };
    const first = audit(snapshot);
    expect(audit(snapshot)).toEqual(first);
    const reversed = audit({ ...snapshot, SecurityGroups: [...snapshot.SecurityGroups].reverse() });
    expect(reversed.map((f) => f.id)).toEqual(first.map((f) => f.id));
    // Severity first, then rule id.
    expect(first.map((f) => [f.severity, f.ruleId, f.resourceId])).toEqual([
      ['critical', 'sg-open-admin-port', 'sg-b'],
      ['critical', 'sg-open-all-traffic', 'sg-a'],
      ['high', 'nacl-open-admin-port', 'acl-1'],
      ['high', 'sg-open-high-risk-port', 'sg-c'],
      ['medium', 'nacl-ephemeral-return-blocked', 'acl-1'],
      ['low', 'sg-broad-public-source', 'sg-c'],
    ]);
  });

  it('ids are a stable hash of rule, resource and evidence key: different per resource and per rule', () => {
    const findings = audit(
      groups(
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')]),
        sg('sg-2', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [21, 21], '0.0.0.0/0')]),
      ),
    );
    const ids = findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(findings[0]?.id).toBe(findingId('sg-open-admin-port', 'sg-1', '22/tcp'));
    // The id changes when the exposed ports change (a new port is news), not when unrelated input does.
    const more = audit(
      groups(sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [3389, 3389], '0.0.0.0/0')])),
    );
    expect(more[0]?.id).not.toBe(findings[0]?.id);
    const renamed = audit(groups(sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')], { name: 'other' })));
    expect(renamed[0]?.id).toBe(findings[0]?.id);
  });

  it("an interface's eni-internet-exposed id follows its exposed ports, as a group's sg-open-* id does", () => {
    // Prepare: the same interface, exposed on 443 alone, then on 443 and 22.
    const exposedOn = (...ports: number[]) =>
      audit({
        ...buildWorld({
          groupId: 'sg-0web',
          rules: ports.map((p, i) => ({ id: `sgr-${i}`, from: p, cidr: '0.0.0.0/0' })),
        }),
      });
    const eniOf = (findings: readonly Finding[]) => findings.find((f) => f.ruleId === 'eni-internet-exposed');
    // Act
    const web = eniOf(exposedOn(443));
    const again = eniOf(exposedOn(443));
    const ssh = eniOf(exposedOn(443, 22));
    // Assess: a port newly reachable is news to a consumer deduplicating by id; the same exposure is not.
    expect(web?.id).toBe(findingId('eni-internet-exposed', ENI, '443/tcp'));
    expect(again?.id).toBe(web?.id);
    expect(ssh?.id).toBe(findingId('eni-internet-exposed', ENI, '22/tcp,443/tcp'));
  });
});

describe('exemptions (DESIGN §8): suppressed findings are still reported', () => {
  it('tag value "*" suppresses every rule of the resource', () => {
    expect(suppression('*')).toEqual([
      ['sg-open-admin-port', 'tag'],
      ['sg-open-unauthorized-port', 'tag'],
    ]);
    const [f] = audit(tagged('*'), { now: NOW });
    expect(f?.suppressed).toEqual({ by: 'tag', reason: expect.stringContaining(TAG) });
  });

  it('a comma list suppresses only the rules it names (spaces tolerated)', () => {
    expect(suppression(' sg-open-unauthorized-port , sg-broad-public-source')).toEqual([
      ['sg-open-admin-port', null],
      ['sg-open-unauthorized-port', 'tag'],
    ]);
  });

  it('an expired date suppresses nothing and says so; a future date, or today, suppresses', () => {
    expect(suppression('sg-open-admin-port@2025-06-14')).toEqual([
      ['sg-open-admin-port', null],
      ['sg-open-unauthorized-port', null],
    ]);
    const [expired] = audit(tagged('sg-open-admin-port@2025-06-14'), { now: NOW });
    expect(expired?.evidence.exemptionExpired).toBe('2025-06-14');
    expect(suppression('sg-open-admin-port@2025-06-15')[0]).toEqual(['sg-open-admin-port', 'tag']);
    expect(suppression('sg-open-admin-port@2026-01-01')[0]).toEqual(['sg-open-admin-port', 'tag']);
  });

  it('an expired "*" does not hide a later undated entry for the rule', () => {
    expect(suppression('*@2024-01-01,sg-open-admin-port')).toEqual([
      ['sg-open-admin-port', 'tag'],
      ['sg-open-unauthorized-port', null],
    ]);
    expect(suppression('sg-open-admin-port@2024-01-01,sg-open-admin-port@2026-01-01')[0]).toEqual([
      'sg-open-admin-port',
      'tag',
    ]);
  });

  it('an impossible date (2025-02-30) is unreadable, not rolled over to March', () => {
    const [f] = audit(tagged('sg-open-admin-port@2025-02-30'), { now: new Date('2025-03-01T12:00:00Z') });
    expect(f?.suppressed).toBeUndefined();
    expect(f?.evidence.exemptionTagUnreadable).toEqual(['sg-open-admin-port@2025-02-30']);
  });

  it('an unreadable tag value suppresses nothing and is shown in the evidence', () => {
    const [f] = audit(tagged('sg-open-admin-port@tomorrow'), { now: NOW });
    expect(f?.suppressed).toBeUndefined();
    expect(f?.evidence.exemptionTagUnreadable).toEqual(['sg-open-admin-port@tomorrow']);
  });

  it('config allow-list: resource + rule + ports within the listed ports', () => {
    const snapshot = groups(
      sg('sg-1', [perm('tcp', [8443, 8443], '0.0.0.0/0'), perm('tcp', [22, 22], '0.0.0.0/0')]),
    );
    const findings = audit(snapshot, {
      config: { allowLists: [{ resourceId: 'sg-1', ports: ['8443/tcp'], reason: 'public API' }] },
    });
    expect(findings.map((f) => [f.ruleId, f.suppressed ?? null])).toEqual([
      ['sg-open-admin-port', null],
      ['sg-open-unauthorized-port', { by: 'config', reason: 'public API' }],
    ]);
    const byRule = audit(snapshot, {
      config: { allowLists: [{ resourceId: 'sg-1', ruleIds: ['sg-open-admin-port'] }] },
    });
    expect(byRule.map((f) => [f.ruleId, f.suppressed?.by ?? null])).toEqual([
      ['sg-open-admin-port', 'config'],
      ['sg-open-unauthorized-port', null],
    ]);
  });

  it('a config allow-list on 443 does not cover a finding on 8443 and 9000', () => {
    const findings = audit(
      groups(sg('sg-1', [perm('tcp', [8443, 8443], '0.0.0.0/0'), perm('tcp', [9000, 9000], '0.0.0.0/0')])),
      {
        config: { allowLists: [{ resourceId: 'sg-1', ports: ['8443/tcp'] }] },
      },
    );
    expect(findings.map((f) => f.suppressed ?? null)).toEqual([null]);
  });

  it('a custom exemption tag key is honoured', () => {
    const findings = audit(
      groups(
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')], { tags: [{ Key: 'acme:exempt', Value: '*' }] }),
      ),
      {
        config: { exemptionTagKey: 'acme:exempt' },
      },
    );
    expect(findings[0]?.suppressed?.by).toBe('tag');
  });
});
