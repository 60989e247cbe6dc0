// Mutation checks of the engine's judgement and suppressions, round mutants8 (DESIGN §4, §5, §8
// exemptions and accepted by shape). Each test kills a mutant the suite let live (ids S…, W…, Y…,
// G…, J…, X…, K…, U…, F…, N… in /work/notes/spec-mutants8.md): it asserts what a user relies on —
// which findings, rule ids, resources, ports, suppressions and not-judged entries.
import { describe, expect, it } from 'vitest';
import { audit, perm, sg, summary } from './helpers';

const TAG = 'vpc-guardrail:exempt';

describe('§4 world-open share of IPv6 space at a small worldOpenCoverage (S13)', () => {
  it('reports a /33 of public IPv6 as world-open on 22 when the configured share is below a broad source', () => {
    // 2^95 public addresses: below the broad bound (2^96), above 1e-10 of 2000::/3 (~2^91.8).
    const snapshot = { SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '2600::/33')])] };
    const findings = audit(snapshot, {
      rules: ['sg-open-admin-port', 'sg-broad-public-source'],
      config: { worldOpenCoverage: 1e-10 },
    });
    expect(summary(findings)).toEqual([['sg-open-admin-port', 'sg-1', ['22/tcp']]]);
  });
});

describe('§8 exemption tag values as people type them (X1, X8)', () => {
  it('reads a comma list with spaces and a trailing comma: each rule id exempts, nothing is said unreadable', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0'), perm('tcp', [8080, 8080], '0.0.0.0/0')], {
          tags: [{ Key: TAG, Value: 'sg-open-admin-port, sg-open-high-risk-port,' }],
        }),
      ],
    };
    const findings = audit(snapshot, { rules: ['sg-open-admin-port', 'sg-open-high-risk-port'] });
    expect(findings.map((f) => [f.ruleId, f.suppressed, f.evidence.exemptionTagUnreadable])).toEqual([
      [
        'sg-open-admin-port',
        { by: 'tag', reason: `${TAG}=sg-open-admin-port, sg-open-high-risk-port,` },
        undefined,
      ],
      [
        'sg-open-high-risk-port',
        { by: 'tag', reason: `${TAG}=sg-open-admin-port, sg-open-high-risk-port,` },
        undefined,
      ],
    ]);
  });

  it('reads * as every rule: the finding is suppressed and * is not shown as an unknown rule id', () => {
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')], { tags: [{ Key: TAG, Value: '*' }] }),
      ],
    };
    const [finding, ...rest] = audit(snapshot, { rules: ['sg-open-admin-port'] });
    expect(rest).toEqual([]);
    expect(finding?.suppressed).toEqual({ by: 'tag', reason: `${TAG}=*` });
    expect(finding?.evidence).not.toHaveProperty('exemptionTagUnreadable');
  });
});
