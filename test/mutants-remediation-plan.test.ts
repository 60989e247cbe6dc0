// Mutation checks of shared/remediation/plan.ts: each test here kills a mutant the suite let live
// (see the mutants round in CONTRIBUTING / the helper's notes): per-rule modes under a global
// dry run, and the merge of several findings into one call per group and direction.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../shared/load-config';
import { planRemediation, ruleMode } from '../shared/remediation/plan';
import type { AutoFix } from '../shared/rules/types';
import { makeFinding, revokePlan } from './helpers';

const autoFixOf = (ruleId: string): AutoFix => (ruleId === 'sg-open-admin-port' ? 'yes' : 'no');
const complete = { sliceComplete: true, autoFixOf };
const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-1',
  remediation: revokePlan('sg-1', ['sgr-world22', 22]),
});

describe('per-rule modes under a global dry run', () => {
  it('keeps a rule set to notify at notify: nothing planned, the finding skipped as "mode notify"', () => {
    // Prepare
    const config = parseConfig({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'notify' } });
    // Act
    const plan = planRemediation([admin], config, complete);
    // Assess
    expect(ruleMode(config, 'sg-open-admin-port')).toBe('notify');
    expect(plan.dryRun).toBe(true);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped).toEqual([
      { findingId: admin.id, ruleId: 'sg-open-admin-port', resourceId: 'sg-1', reason: 'mode notify' },
    ]);
  });

  it('keeps a rule set to off at off: nothing planned, skipped as "mode off"', () => {
    const config = parseConfig({ mode: 'dry-run', rules: { 'sg-open-admin-port': 'off' } });
    const plan = planRemediation([admin], config, complete);
    expect(ruleMode(config, 'sg-open-admin-port')).toBe('off');
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['mode off']);
  });
});
