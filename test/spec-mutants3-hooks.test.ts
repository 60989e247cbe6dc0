// Mutation checks of shared/rules/world-open-hooks.ts, round mutants3. The event pipeline asks the
// world-open rules, through these hooks, which rules a call added they would have removed: on a
// redelivery, exactly those are reported ALREADY REMOVED (DESIGN §8, shared/scope/assess.ts), and a
// notice's subject is the rule's headline. Each case kills a mutant the suite let live (H…).
import { describe, expect, it } from 'vitest';
import { isIgnored, scopeFromEvent } from '../shared/events/event-table';
import type { EventScope } from '../shared/events/types';
import { parseConfig } from '../shared/load-config';
import { parseSnapshot } from '../shared/model/snapshot';
import { naclOpenAdminPort } from '../shared/rules/nacl-open-admin-port';
import { sgOpenAdminPort } from '../shared/rules/sg-open-admin-port';
import { sgOpenUnauthorizedPort } from '../shared/rules/sg-open-unauthorized-port';
import type { SourceRule } from '../shared/rules/types';
import { assessSlice } from '../shared/scope/assess';
import { buildWorld, perm, run, sg } from './helpers';

const config = parseConfig({});

function offends(rule: SourceRule, ruleConfig = config): boolean | undefined {
  return sgOpenAdminPort.meta.hooks?.offendingSource?.(rule, ruleConfig);
}

function offendsNacl(rule: SourceRule): boolean | undefined {
  return naclOpenAdminPort.meta.hooks?.offendingSource?.(rule, config);
}

describe('the sg-open-* rules: which added source rules they would have revoked', () => {
  const world = { egress: false, ipProtocol: 'tcp', cidrIpv4: '0.0.0.0/0' };

  it.each([
    ['a world rule on 22/tcp', { ...world, fromPort: 22, toPort: 22 }, true],
    ['an outbound world rule (H1)', { ...world, egress: true, fromPort: 22, toPort: 22 }, false],
    [
      'every protocol (-1) from the world (H9)',
      { egress: false, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' },
      true,
    ],
    ['udp 53 from the world (H10)', { ...world, ipProtocol: 'udp', fromPort: 53, toPort: 53 }, true],
    [
      'udp 443 from the world: only 443/tcp is authorized (H13)',
      { ...world, ipProtocol: 'udp', fromPort: 443, toPort: 443 },
      true,
    ],
    ['tcp 443, authorized', { ...world, fromPort: 443, toPort: 443 }, false],
    ['tcp 80, authorized (H15, H16)', { ...world, fromPort: 80, toPort: 80 }, false],
    ['tcp 80-81: 81 is not authorized (H17)', { ...world, fromPort: 80, toPort: 81 }, true],
    ['icmp from the world', { ...world, ipProtocol: 'icmp', fromPort: -1, toPort: -1 }, false],
    [
      'tcp 22 from 10.0.0.0/8, not the world (H18)',
      { ...world, cidrIpv4: '10.0.0.0/8', fromPort: 22, toPort: 22 },
      false,
    ],
    [
      'tcp 22 from 2000::/3, not the world (H19)',
      { egress: false, ipProtocol: 'tcp', cidrIpv6: '2000::/3', fromPort: 22, toPort: 22 },
      false,
    ],
    [
      'tcp 22 from ::/0',
      { egress: false, ipProtocol: 'tcp', cidrIpv6: '::/0', fromPort: 22, toPort: 22 },
      true,
    ],
    [
      'a prefix list holding 10.0.0.0/8 and 0.0.0.0/0 (H20)',
      {
        egress: false,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        prefixListCidrs: ['10.0.0.0/8', '0.0.0.0/0'],
      },
      true,
    ],
    [
      'a prefix list holding only ::/0 (H21)',
      { egress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListCidrs: ['::/0'] },
      true,
    ],
  ] as [string, SourceRule, boolean][])('%s → %s', (_name, rule, expected) => {
    expect(offends(rule)).toBe(expected);
  });

  it('reads authorized ports in any configured order (H14)', () => {
    // Prepare: authorizedPorts written 443 first, then 80.
    const unordered = parseConfig({ authorizedPorts: ['443/tcp', '80/tcp'] });
    // Act / Assess: tcp 80 stays the website's port; 80-443 is not all authorized.
    expect(offends({ ...world, fromPort: 80, toPort: 80 }, unordered)).toBe(false);
    expect(offends({ ...world, fromPort: 80, toPort: 443 }, unordered)).toBe(true);
  });

  it('on a redelivery, reports an added outbound world rule that is gone as nothing (H1)', () => {
    // Prepare: the call added 0.0.0.0/0 outbound on 22; the group no longer holds it.
    const snapshot = parseSnapshot(buildWorld({ groupId: 'sg-0web', rules: [] }));
    const scope = scopeOf({
      eventName: 'AuthorizeSecurityGroupEgress',
      requestParameters: {
        groupId: 'sg-0web',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              ipv6Ranges: {},
              prefixListIds: {},
              groups: {},
            },
          ],
        },
      },
      responseElements: {
        _return: true,
        securityGroupRuleSet: {
          items: [
            {
              groupId: 'sg-0web',
              securityGroupRuleId: 'sgr-out',
              isEgress: true,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        },
      },
    });
    // Act
    const { alreadyRemoved } = assessSlice([scope], snapshot, config, {
      sliceComplete: true,
      retried: [true],
    });
    // Assess: an outbound rule opens nothing to the internet; no notice says it was removed.
    expect(alreadyRemoved).toEqual([]);
  });
});

describe('nacl-open-admin-port: which added entries it would have fixed', () => {
  const world = { egress: false, cidrIpv4: '0.0.0.0/0' };

  it.each([
    ['allow 6 22 from the world', { ...world, ipProtocol: '6', fromPort: 22, toPort: 22 }, true],
    ['an outbound entry (H2)', { ...world, egress: true, ipProtocol: '6', fromPort: 22, toPort: 22 }, false],
    ['udp 3389 from the world (H3)', { ...world, ipProtocol: '17', fromPort: 3389, toPort: 3389 }, true],
    ['every protocol (-1), no port range (H6)', { ...world, ipProtocol: '-1' }, true],
    [
      'udp 22: 22 is an admin port over tcp only',
      { ...world, ipProtocol: '17', fromPort: 22, toPort: 22 },
      false,
    ],
  ] as [string, SourceRule, boolean][])('%s → %s', (_name, rule, expected) => {
    expect(offendsNacl(rule)).toBe(expected);
  });
});

describe('the world-open headline (a notice subject)', () => {
  it('shows three ports and marks the rest with an ellipsis (H0)', () => {
    // Prepare: four unclassed ports open to the world.
    const snapshot = {
      SecurityGroups: [
        sg('sg-1', [
          perm('tcp', [1000, 1000], '0.0.0.0/0'),
          perm('tcp', [2000, 2000], '0.0.0.0/0'),
          perm('tcp', [4000, 4000], '0.0.0.0/0'),
          perm('tcp', [6000, 6000], '0.0.0.0/0'),
        ]),
      ],
    };
    const [finding] = run(sgOpenUnauthorizedPort, snapshot);
    if (!finding) throw new Error('no finding');
    // Act
    const full = sgOpenUnauthorizedPort.meta.hooks?.headline?.(finding, {});
    const four = sgOpenUnauthorizedPort.meta.hooks?.headline?.(finding, { maxPorts: 4 });
    // Assess
    expect(full).toBe('sg-1 world-open on 1000/tcp, 2000/tcp, 4000/tcp, …');
    expect(four).toBe('sg-1 world-open on 1000/tcp, 2000/tcp, 4000/tcp, 6000/tcp');
  });
});

function scopeOf(record: Record<string, unknown>): EventScope {
  const scope = scopeFromEvent(
    String(record.eventName),
    record.requestParameters,
    record.responseElements,
    'vpc-guardrail:exempt',
  );
  if (isIgnored(scope)) throw new Error(scope.reason);
  return scope;
}
