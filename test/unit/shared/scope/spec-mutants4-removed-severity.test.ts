import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../shared/load-config';
import { judgeRemovedEntry, judgeRemovedRule } from '../../../../shared/scope/removed-severity';

// Mutation checks (notes/spec-mutants.md, mutants4) of the severity an "already removed" notice
// carries (DESIGN §8): the rule or entry judged on its own, in its own direction and family.

const config = parseConfig({});

describe('judgeRemovedRule', () => {
  it('judges an outbound rule as outbound: the world on every port outbound is no finding', () => {
    expect(
      judgeRemovedRule({ groupId: 'sg-1', egress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }, config),
    ).toEqual({ severity: 'info', ruleIds: [] });
  });
});

describe('judgeRemovedEntry', () => {
  it('judges an IPv6 world entry on 22 as nacl-open-admin-port', () => {
    expect(
      judgeRemovedEntry(
        {
          networkAclId: 'acl-1',
          ruleNumber: 90,
          egress: false,
          ruleAction: 'allow',
          protocol: '6',
          ipv6CidrBlock: '::/0',
          fromPort: 22,
          toPort: 22,
        },
        config,
      ),
    ).toEqual({ severity: 'high', ruleIds: ['nacl-open-admin-port'] });
  });
});
