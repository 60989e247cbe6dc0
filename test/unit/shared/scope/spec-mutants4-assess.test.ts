import { describe, expect, it } from 'vitest';
import { emptyScope, isIgnored, scopeFromEvent } from '../../../../shared/events/event-table';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { assessSlice } from '../../../../shared/scope/assess';
import { ACL, authorizeIngress, buildWorld } from '../../../helpers';

// Mutation checks (notes/spec-mutants.md, mutants4) of assessSlice (DESIGN §8): a revoke's
// `revoked` is the rules as Authorize… takes them back, descriptions included, so the notice's
// "how to undo" restores exactly what was removed.

describe('assessSlice: what a revoke by rule id removes', () => {
  it('carries each revoked rule with its description, in the order of the (sorted) ids', () => {
    const snapshot = parseSnapshot(
      buildWorld({
        groupId: 'sg-0web',
        rules: [
          { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0', description: 'vendor ssh' },
          { id: 'sgr-world3389', from: 3389, cidr: '::/0' },
          { id: 'sgr-pl22', from: 22, prefixList: 'pl-world', description: 'partner list' },
        ],
      }),
    );
    snapshot.ManagedPrefixLists.push({ PrefixListId: 'pl-world', Entries: [{ Cidr: '0.0.0.0/0' }] });
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0web'],
    };
    const { plan } = assessSlice([scope], snapshot, parseConfig({ mode: 'remediate' }), {
      sliceComplete: true,
    });
    expect(plan.actions.map((a) => [a.action, a.parameters, 'revoked' in a ? a.revoked : undefined])).toEqual(
      [
        [
          'RevokeSecurityGroupIngress',
          { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-pl22', 'sgr-world22', 'sgr-world3389'] },
          [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              PrefixListIds: [{ PrefixListId: 'pl-world', Description: 'partner list' }],
            },
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'vendor ssh' }],
            },
            { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          ],
        ],
      ],
    );
  });
});

describe('assessSlice: a rule already removed that two redelivered messages name', () => {
  it('is reported once', () => {
    const snapshot = parseSnapshot(
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-vpc', from: 22, cidr: '10.0.0.0/16' }] }),
    );
    const record = authorizeIngress('sg-0web', 22, [['sgr-gone', '0.0.0.0/0']]);
    const scope = scopeFromEvent(
      String(record.eventName),
      record.requestParameters,
      record.responseElements,
      'vpc-guardrail:exempt',
    );
    if (isIgnored(scope)) throw new Error(scope.reason);
    const { alreadyRemoved } = assessSlice([scope, scope], snapshot, parseConfig({}), {
      sliceComplete: true,
      retried: [true, true],
    });
    expect(alreadyRemoved.map((r) => [r.ruleId, r.severity])).toEqual([['sgr-gone', 'critical']]);
  });
});

describe('assessSlice: revoking a default group (sg-default-not-restricted set to remediate)', () => {
  it("gives its self-reference back with the owner's account, as Authorize… takes it", () => {
    const snapshot = parseSnapshot(
      buildWorld({
        groupId: 'sg-0dflt',
        groupName: 'default',
        rules: [{ id: 'sgr-self', from: 443, group: 'sg-0dflt' }],
      }),
    );
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0dflt'],
    };
    const config = parseConfig({ mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } });
    const { plan } = assessSlice([scope], snapshot, config, { sliceComplete: true });
    const ingress = plan.actions.find((a) => a.action === 'RevokeSecurityGroupIngress');
    expect(ingress && 'revoked' in ingress ? ingress.revoked : undefined).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: 'sg-0dflt', UserId: '111122223333' }],
      },
    ]);
  });
});

describe('assessSlice: a redelivered prefix-list rule already removed', () => {
  const snapshot = () =>
    parseSnapshot(
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-vpc', from: 22, cidr: '10.0.0.0/16' }] }),
    );
  const scope = {
    ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
    securityGroupIds: ['sg-0web'],
    addedRules: [
      {
        ruleId: 'sgr-gone-pl',
        groupId: 'sg-0web',
        egress: false,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        prefixListId: 'pl-0six',
      },
    ],
  };
  const removed = (s: ReturnType<typeof snapshot>) =>
    assessSlice([scope], s, parseConfig({}), { sliceComplete: true, retried: [true] }).alreadyRemoved.map(
      (r) => [r.ruleId, r.severity, r.unverified === true],
    );

  it('is judged by the IPv6 entries of its list too (a list holding only ::/0 is the internet)', () => {
    const s = snapshot();
    s.ManagedPrefixLists.push({ PrefixListId: 'pl-0six', Entries: [{ Cidr: '::/0' }] });
    expect(removed(s)).toEqual([['sgr-gone-pl', 'critical', false]]);
  });

  it('whose list the slice could not read is judged as the whole internet, and said not verified', () => {
    expect(removed(snapshot())).toEqual([['sgr-gone-pl', 'critical', true]]);
  });
});

describe('assessSlice: a redelivered record from before rule ids (no rule id)', () => {
  it('finds its rule still there by content, in a group read with rule ids: nothing reported removed', () => {
    const snapshot = parseSnapshot(
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0web'],
      addedRules: [
        {
          groupId: 'sg-0web',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    };
    const { alreadyRemoved } = assessSlice([scope], snapshot, parseConfig({}), {
      sliceComplete: true,
      retried: [true],
    });
    expect(alreadyRemoved).toEqual([]);
  });
});

describe('assessSlice: what a redelivered rule is matched against', () => {
  const redelivered = (
    snapshot: ReturnType<typeof parseSnapshot>,
    ruleId?: string,
    rule: { ipProtocol?: string; toPort?: number } = {},
  ) =>
    assessSlice(
      [
        {
          ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
          securityGroupIds: ['sg-0web'],
          addedRules: [
            {
              ...(ruleId ? { ruleId } : {}),
              groupId: 'sg-0web',
              egress: false,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
              ...rule,
            },
          ],
        },
      ],
      snapshot,
      parseConfig({}),
      { sliceComplete: true, retried: [true] },
    ).alreadyRemoved.map((r) => r.severity);

  it('by content: a VPC range on the same port is not the world rule, which is reported gone', () => {
    const snapshot = parseSnapshot(
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-vpc22', from: 22, cidr: '10.0.0.0/16' }] }),
    );
    expect(redelivered(snapshot)).toEqual(['critical']);
  });

  it('by id, with the rule listed only in IpPermissions (no id there): found still present', () => {
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [
        { id: 'sgr-vpc22', from: 22, cidr: '10.0.0.0/16' },
        { id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' },
      ],
    });
    world.SecurityGroupRules = world.SecurityGroupRules.filter(
      (r) => r.SecurityGroupRuleId !== 'sgr-world22',
    );
    expect(redelivered(parseSnapshot(world), 'sgr-world22')).toEqual([]);
  });

  it('by content: an IPv6 ::/0 rule on the same port is not the IPv4 world rule, which is reported gone', () => {
    const snapshot = parseSnapshot(
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world6', from: 22, cidr: '::/0' }] }),
    );
    expect(redelivered(snapshot)).toEqual(['critical']);
  });

  it('by content: the world rule on 22 only is not the one on 22-25, which is reported gone', () => {
    const snapshot = parseSnapshot(
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    expect(redelivered(snapshot, undefined, { toPort: 25 })).toEqual(['critical']);
  });

  it.each(['6', 'TCP'])(
    'by content: protocol %s is tcp, so the world rule on 22/tcp still there is that rule',
    (ipProtocol) => {
      const snapshot = parseSnapshot(
        buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
      );
      expect(redelivered(snapshot, undefined, { ipProtocol })).toEqual([]);
    },
  );
});

describe('assessSlice: NACL entries a redelivered call wrote, no longer there', () => {
  const removedEntries = (ruleAction: string) =>
    assessSlice(
      [
        {
          ...emptyScope('CreateNetworkAclEntry', 'network-acl'),
          networkAclIds: [ACL],
          addedNaclEntries: [
            {
              networkAclId: ACL,
              ruleNumber: 90,
              egress: false,
              ruleAction,
              protocol: '6',
              cidrBlock: '0.0.0.0/0',
              fromPort: 22,
              toPort: 22,
            },
          ],
        },
      ],
      parseSnapshot(buildWorld({ groupId: 'sg-0web', rules: [] })),
      parseConfig({}),
      { sliceComplete: true, retried: [true] },
    ).removedEntries.map((e) => [e.ruleNumber, e.ruleAction, e.severity]);

  it('reports a world-open allow on 22 gone, and never a deny (closing nothing, it opened nothing)', () => {
    expect(removedEntries('allow')).toEqual([[90, 'allow', 'high']]);
    expect(removedEntries('deny')).toEqual([]);
  });
});

describe('assessSlice: a redelivered NACL entry still there as written', () => {
  const removed = (rules: Record<string, string>) => {
    const world = buildWorld({ groupId: 'sg-0web', rules: [] });
    const acl = world.NetworkAcls.find((a) => a.NetworkAclId === ACL);
    if (!acl) throw new Error('no NACL');
    (acl.Entries as Record<string, unknown>[]).unshift({
      RuleNumber: 90,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    });
    return assessSlice(
      [
        {
          ...emptyScope('CreateNetworkAclEntry', 'network-acl'),
          networkAclIds: [ACL],
          addedNaclEntries: [
            {
              networkAclId: ACL,
              ruleNumber: 90,
              egress: false,
              ruleAction: 'allow',
              protocol: '6',
              cidrBlock: '0.0.0.0/0',
              fromPort: 22,
              toPort: 22,
            },
          ],
        },
      ],
      parseSnapshot(world),
      parseConfig({ rules }),
      { sliceComplete: true, retried: [true] },
    ).removedEntries;
  };

  it('is not reported blocked while it is open, nor when the judging rule is off (nothing judged it closed)', () => {
    expect(removed({})).toEqual([]);
    expect(removed({ 'nacl-open-admin-port': 'off' })).toEqual([]);
  });
});
