import { describe, expect, it } from 'vitest';
import { exemptionActive, parseExemptionTag } from '../../../shared/exemptions';

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
