import { describe, expect, it } from 'vitest';
import { writeActionsByResource } from '../../../../infra/permissions';
import { parseConfigFor } from '../../../../shared/config';
import { evaluate, summarize } from '../../../../shared/engine';
import { emptyScope } from '../../../../shared/events/event-table';
import type { ParsedEvent } from '../../../../shared/events/types';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { intersect } from '../../../../shared/net/interval-set';
import { buildNotice } from '../../../../shared/notify/notice';
import { planRemediation } from '../../../../shared/remediation/plan';
import { formatReport } from '../../../../shared/report/format';
import { defineRule } from '../../../../shared/rules/define-rule';
import { createRegistry } from '../../../../shared/rules/registry';
import { sgOpenAdminPort } from '../../../../shared/rules/sg-open-admin-port';
import { sgOpenAllTraffic } from '../../../../shared/rules/sg-open-all-traffic';
import { mapPorts } from '../../../../shared/rules/sg-open-common';
import { sgOpenHighRiskPort } from '../../../../shared/rules/sg-open-high-risk-port';
import { sgOpenUnauthorizedPort } from '../../../../shared/rules/sg-open-unauthorized-port';
import { sgOpenRule } from '../../../../shared/rules/sg-world-open';
import { oneCall, perm, sg } from '../../../helpers';

// A rule defined here only, registered in a registry built here: no file of the project is
// touched, yet it reaches config validation, findings, precedence, the remediation plan, the IAM
// policy, the notice and the table report.
const sgOpenTelnet = sgOpenRule(
  {
    id: 'sg-open-telnet',
    severity: 'high',
    title: 'Security group open to the internet on telnet',
    controls: ['TEST 1'],
    parameters: ['worldOpenCoverage'],
    why: 'Telnet carries passwords in clear text.',
  },
  ({ world }) => mapPorts((t, f) => (t === 'tcp' ? intersect(world[t][f], [[23, 24]]) : [])),
);

// Ranked above high-risk in the world-open group: tcp 23 (a high-risk port) is reported here.
const registry = createRegistry([
  sgOpenAllTraffic,
  sgOpenAdminPort,
  sgOpenTelnet,
  sgOpenHighRiskPort,
  sgOpenUnauthorizedPort,
]);

const event: ParsedEvent = {
  eventId: 'ev-1',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'eu-west-1',
  actor: { arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser' },
  requestParameters: {},
  responseElements: {},
  envelope: true,
};

describe('a rule defined and registered outside the catalogue', () => {
  const snapshot = parseSnapshot({
    SecurityGroups: [
      sg('sg-1', [perm('tcp', [23, 23], '0.0.0.0/0'), perm('tcp', [3306, 3306], '0.0.0.0/0')]),
    ],
  });

  it('is a known rule id for that registry, and unknown to the catalogue', () => {
    // Assess
    expect(parseConfigFor(registry.ids, { rules: { 'sg-open-telnet': 'remediate' } }).rules).toEqual({
      'sg-open-telnet': 'remediate',
    });
    expect(() => parseConfigFor([], { rules: { 'sg-open-telnet': 'remediate' } })).toThrow(/invalid config/);
  });

  it('flows to findings, takes its ports by precedence, plans its fix, and reaches IAM, the notice and the table', () => {
    // Prepare
    const config = parseConfigFor(registry.ids, { mode: 'remediate' });

    // Act
    const findings = evaluate(snapshot, config, { registry, rules: registry.rules });
    const plan = planRemediation(findings, config, {
      sliceComplete: true,
      autoFixOf: (id) => registry.byId(id)?.meta.autoFix ?? 'no',
    });
    const iam = writeActionsByResource(config, registry.rules);
    const notice = buildNotice({
      ...oneCall({
        event,
        scope: {
          ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
          securityGroupIds: ['sg-1'],
        },
        findings,
        results: [],
        skipped: [],
        dryRun: false,
        alreadyRemoved: [],
        mode: 'remediate',
        exemptionTagKey: 'vpc-guardrail:exempt',
      }),
      registry,
    });
    const table = formatReport('table', findings, summarize(findings));

    // Assess: findings (23 here, not under high-risk; 3306 stays high-risk)
    expect(findings.map((f) => [f.ruleId, f.evidence.ports, f.controls])).toEqual([
      ['sg-open-high-risk-port', ['3306/tcp'], ['FSBP EC2.19']],
      ['sg-open-telnet', ['23/tcp'], ['TEST 1']],
    ]);
    // the remediation plan: one revoke for the group, both world rules
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]?.action).toBe('RevokeSecurityGroupIngress');
    expect(plan.actions[0]?.findingIds).toHaveLength(2);
    // IAM: the fix action its meta declares
    expect(iam).toEqual([{ resourceType: 'security-group', actions: ['ec2:RevokeSecurityGroupIngress'] }]);
    // notice: its findings listed with its headline hook
    expect(notice.message).toContain('[HIGH] sg-1 world-open on 23/tcp');
    expect(notice.message).toContain('rule sg-open-telnet;');
    // table: its finding with its title
    expect(table).toContain('  sg-open-telnet sg-1 (vpc-1)');
    expect(table).toContain('fix: revoke ingress rule (tcp 23 0.0.0.0/0)');
    expect(table).toContain('Security group open to the internet on telnet');
  });

  it('rejects a malformed definition when the module loads', () => {
    // Assess
    const base = sgOpenTelnet.meta;
    expect(() => defineRule({ meta: { ...base, id: 'Not_Kebab' }, evaluate: () => [] })).toThrow(
      /kebab-case/,
    );
    expect(() => defineRule({ meta: { ...base, autoFix: 'no' }, evaluate: () => [] })).toThrow(/cannot fix/);
    expect(() => defineRule({ meta: { ...base, fixActions: [] }, evaluate: () => [] })).toThrow(
      /no IAM action/,
    );
    expect(() => createRegistry([sgOpenTelnet, sgOpenTelnet])).toThrow(/registered twice/);
  });
});
