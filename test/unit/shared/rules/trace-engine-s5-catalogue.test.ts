import { describe, expect, it } from 'vitest';
import { RULES } from '../../../../shared/rules/registry';

// DESIGN §5's table, as the spec writes it: id, severity, controls, auto-fix ("revoke",
// "revoke (opt-in)", "narrow or deny entry (opt-in)", "modify (opt-in)", "no"). The README test
// compares the README's table with the rules' meta; this one holds the meta to the spec.
const DESIGN_TABLE: [string, string, string[], 'yes' | 'opt-in' | 'no'][] = [
  ['sg-open-all-traffic', 'critical', ['FSBP EC2.18', 'FSBP EC2.19'], 'yes'],
  [
    'sg-open-admin-port',
    'critical',
    ['CIS 5.2', 'CIS 5.3', 'FSBP EC2.13', 'FSBP EC2.14', 'FSBP EC2.53', 'FSBP EC2.54'],
    'yes',
  ],
  ['sg-open-high-risk-port', 'high', ['FSBP EC2.19'], 'yes'],
  ['sg-open-unauthorized-port', 'medium', ['FSBP EC2.18'], 'yes'],
  ['sg-broad-public-source', 'low', [], 'no'],
  ['sg-default-not-restricted', 'medium', ['CIS 5.4', 'FSBP EC2.2'], 'opt-in'],
  ['nacl-open-admin-port', 'high', ['CIS 5.1', 'FSBP EC2.21'], 'opt-in'],
  ['nacl-broad-public-source', 'medium', [], 'no'],
  ['nacl-ephemeral-return-blocked', 'medium', [], 'no'],
  ['subnet-private-has-igw-route', 'high', [], 'no'],
  ['subnet-public-no-igw-route', 'low', [], 'no'],
  ['subnet-auto-assign-public-ip', 'medium', ['FSBP EC2.15'], 'opt-in'],
  ['nat-gateway-in-private-subnet', 'medium', [], 'no'],
  ['route-blackhole', 'low', [], 'no'],
  ['vpce-policy-full-access', 'low', [], 'no'],
  ['eni-internet-exposed', 'by-ports', [], 'no'],
];

describe('DESIGN §5 rule catalogue', () => {
  it('the registry holds exactly the sixteen rules, in the table order (the sg-open-* precedence first)', () => {
    expect(RULES.map((r) => r.meta.id)).toEqual(DESIGN_TABLE.map(([id]) => id));
  });

  it.each(DESIGN_TABLE)('%s: severity %s, controls %j, auto-fix %s', (id, severity, controls, autoFix) => {
    const rule = RULES.find((r) => r.meta.id === id);
    expect(rule?.meta.severity).toBe(severity);
    expect([...(rule?.meta.controls ?? [])]).toEqual(controls);
    expect(rule?.meta.autoFix).toBe(autoFix);
  });
});
