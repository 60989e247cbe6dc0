import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/engine';
import { exemptionActive, parseExemptionTag } from '../../../shared/exemptions';
import { parseConfig } from '../../../shared/load-config';
import { parseSnapshot } from '../../../shared/model/snapshot';
import { buildWorld } from '../../helpers';

describe('exemption tags', () => {
  it('reads *, rule ids and expiry dates', () => {
    expect(parseExemptionTag('*')).toEqual({ entries: [{ ruleId: '*' }], invalid: [] });
    expect(parseExemptionTag(' sg-open-admin-port@2026-12-31 , route-blackhole ')).toEqual({
      entries: [{ ruleId: 'sg-open-admin-port', until: '2026-12-31' }, { ruleId: 'route-blackhole' }],
      invalid: [],
    });
  });

  it('reports parts it cannot read instead of dropping them', () => {
    expect(parseExemptionTag('sg-open-admin-port@31/12/2026,<script>')).toEqual({
      entries: [],
      invalid: ['sg-open-admin-port@31/12/2026', '<script>'],
    });
  });

  it('holds through the end of the expiry day (UTC)', () => {
    const entry = { ruleId: 'x', until: '2026-12-31' };
    expect(exemptionActive(entry, new Date('2026-12-31T23:59:59Z'))).toBe(true);
    expect(exemptionActive(entry, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(exemptionActive({ ruleId: 'x' }, new Date('2099-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('exemption tags on a finding', () => {
  /** The group's sg-open-admin-port finding under an exemption tag value. */
  function adminFinding(value: string) {
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }],
      groupTags: [{ Key: 'vpc-guardrail:exempt', Value: value }],
    });
    return evaluate(parseSnapshot(world), parseConfig({}), { now: new Date('2026-12-06T12:00:00Z') }).find(
      (f) => f.ruleId === 'sg-open-admin-port',
    );
  }

  it('shows a rule id the catalogue does not know (a typo) as unreadable: it exempts nothing', () => {
    const finding = adminFinding('sg-open-admin,sg-open-high-risk-port,sg-open-admn@2026-12-31');
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.evidence.exemptionTagUnreadable).toEqual(['sg-open-admin', 'sg-open-admn@2026-12-31']);
  });

  it('suppresses by a known id, naming the tag and its expiry; an expired entry is said', () => {
    expect(adminFinding('sg-open-admin-port@2026-12-06')?.suppressed).toEqual({
      by: 'tag',
      reason: 'vpc-guardrail:exempt=sg-open-admin-port@2026-12-06 until 2026-12-06',
    });
    const expired = adminFinding('sg-open-admin-port@2026-12-05');
    expect(expired?.suppressed).toBeUndefined();
    expect(expired?.evidence.exemptionExpired).toBe('2026-12-05');
    expect(expired?.evidence.exemptionTagUnreadable).toBeUndefined();
  });

  it('shows a date no calendar has (2027-02-30, which Date.parse rolls over to March 2) as unreadable: it exempts nothing', () => {
    // DESIGN §8: each id "optionally @YYYY-MM-DD". A rolled-over day would exempt until a date no one wrote.
    const finding = adminFinding('sg-open-admin-port@2027-02-30');
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.evidence.exemptionTagUnreadable).toEqual(['sg-open-admin-port@2027-02-30']);
    expect(parseExemptionTag('*@2027-04-31')).toEqual({ entries: [], invalid: ['*@2027-04-31'] });
  });
});

describe('which findings a tag suppresses: only those of the resource it is on', () => {
  type Item = Record<string, unknown>;
  /** Every finding of the world as [ruleId, resourceId, suppressed by], with one resource tagged `*`. */
  function tagged(pick: (world: ReturnType<typeof buildWorld>) => Item) {
    const world = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
    (world.Subnets[0] as Item).MapPublicIpOnLaunch = true;
    const item = pick(world);
    const key = 'NetworkInterfaceId' in item ? 'TagSet' : 'Tags';
    item[key] = [
      ...((item[key] as unknown[] | undefined) ?? []),
      { Key: 'vpc-guardrail:exempt', Value: '*' },
    ];
    return evaluate(parseSnapshot(world), parseConfig({})).map((f) => [
      f.ruleId,
      f.resourceId,
      f.suppressed?.by ?? null,
    ]);
  }
  const ALL = [
    ['eni-internet-exposed', 'eni-0web'],
    ['sg-open-admin-port', 'sg-0web'],
    ['nacl-open-admin-port', 'acl-0default'],
    ['subnet-auto-assign-public-ip', 'subnet-0pub'],
  ];
  const expectOnly = (findings: unknown[][], suppressedId: string | undefined) =>
    expect(findings.map(([ruleId, id, by]) => [ruleId, id, by])).toEqual(
      ALL.map(([ruleId, id]) => [ruleId, id, id === suppressedId ? 'tag' : null]),
    );

  it('a VPC tag suppresses nothing (no rule judges a VPC)', () => {
    expectOnly(
      tagged((w) => w.Vpcs[0] as Item),
      undefined,
    );
  });
  it('a subnet tag: the subnet finding only, not the interface in it', () => {
    expectOnly(
      tagged((w) => w.Subnets[0] as Item),
      'subnet-0pub',
    );
  });
  it('a NACL tag: the NACL finding only', () => {
    expectOnly(
      tagged((w) => w.NetworkAcls[0] as Item),
      'acl-0default',
    );
  });
  it('an interface tag: its exposure finding only, not its group', () => {
    expectOnly(
      tagged((w) => w.NetworkInterfaces[0] as Item),
      'eni-0web',
    );
  });
});
