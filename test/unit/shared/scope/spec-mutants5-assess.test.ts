import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../../../shared/events/event-table';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { assessSlice } from '../../../../shared/scope/assess';
import { ACL, buildWorld } from '../../../helpers';

// Mutation checks (notes/spec-mutants.md, mutants4 section, run by mutants5) of assessSlice
// (DESIGN §8 already removed): a redelivered record without a rule id is matched by content, and
// EC2 takes a protocol by number or name; a rule still there must never be told "already removed".

function alreadyRemoved(
  described: { protocol: string; from?: number; to?: number },
  added: { ipProtocol: string; fromPort?: number; toPort?: number },
): string[] {
  const snapshot = parseSnapshot(
    buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world', cidr: '0.0.0.0/0', ...described }] }),
  );
  const scope = {
    ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
    securityGroupIds: ['sg-0web'],
    addedRules: [{ groupId: 'sg-0web', egress: false, cidrIpv4: '0.0.0.0/0', ...added }],
  };
  return assessSlice([scope], snapshot, parseConfig({}), {
    sliceComplete: true,
    retried: [true],
  }).alreadyRemoved.map((r) => `${r.ruleId ?? ''} ${r.severity}`);
}

describe('assessSlice: a redelivered rule without a rule id, matched by content', () => {
  it('all traffic written with ports 0-65535 (EC2 ignores them) is the all-traffic rule still there (D19)', () => {
    expect(alreadyRemoved({ protocol: '-1' }, { ipProtocol: '-1', fromPort: 0, toPort: 65535 })).toEqual([]);
  });

  it('protocol "all" is all traffic, still there (D23)', () => {
    expect(alreadyRemoved({ protocol: '-1' }, { ipProtocol: 'all' })).toEqual([]);
  });

  it('protocol 17 is udp: the world rule on 3389/udp still there is that rule (D22)', () => {
    expect(
      alreadyRemoved({ protocol: 'udp', from: 3389 }, { ipProtocol: '17', fromPort: 3389, toPort: 3389 }),
    ).toEqual([]);
  });

  it('and each is reported already removed when the group no longer holds it', () => {
    // The control: the same records against a group whose world rule is on another port.
    const other = { protocol: 'tcp', from: 443 };
    expect(alreadyRemoved(other, { ipProtocol: '-1', fromPort: 0, toPort: 65535 })).toHaveLength(1);
    expect(alreadyRemoved(other, { ipProtocol: 'all' })).toHaveLength(1);
    expect(alreadyRemoved(other, { ipProtocol: '17', fromPort: 3389, toPort: 3389 })).toHaveLength(1);
  });
});

describe('assessSlice: a redelivered NACL entry still there as written, on a NACL not judged', () => {
  it('is never told blocked: nothing judged it closed (D28)', () => {
    // Prepare: a NACL of no subnet (unused: not judged while judgeUnused is off) holding the
    // entry, behind a deny that would close it were it judged.
    const SPARE = 'acl-0spare';
    const world = buildWorld({ groupId: 'sg-0web', rules: [] });
    const entry = { Protocol: '6', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } };
    world.NetworkAcls.push({
      NetworkAclId: SPARE,
      VpcId: world.Vpcs[0]?.VpcId ?? '',
      IsDefault: false,
      Associations: [],
      Entries: [
        { ...entry, RuleNumber: 80, RuleAction: 'deny' },
        { ...entry, RuleNumber: 90, RuleAction: 'allow' },
      ],
      Tags: [],
    } as (typeof world.NetworkAcls)[number]);
    const scope = {
      ...emptyScope('CreateNetworkAclEntry', 'network-acl'),
      networkAclIds: [SPARE],
      addedNaclEntries: [
        {
          networkAclId: SPARE,
          ruleNumber: 90,
          egress: false,
          ruleAction: 'allow',
          protocol: '6',
          cidrBlock: '0.0.0.0/0',
          fromPort: 22,
          toPort: 22,
        },
      ],
    };
    const assess = (judgeUnused: boolean) =>
      assessSlice([scope], parseSnapshot(world), parseConfig({ judgeUnused }), {
        sliceComplete: true,
        retried: [true],
      });

    // Act
    const unjudged = assess(false);
    const judged = assess(true);

    // Assess
    expect(unjudged.notJudged.map((n) => n.resourceId)).toContain(SPARE);
    expect(unjudged.removedEntries).toEqual([]);
    // The control: judged, the deny before it is seen to close it.
    expect(judged.removedEntries.map((e) => [e.networkAclId, e.ruleNumber, e.blocked])).toEqual([
      [SPARE, 90, true],
    ]);
  });
});

describe('assessSlice: a redelivered world-open NACL allow, against the entry now at its number (sameEntry)', () => {
  // The event wrote entry 90: allow 0.0.0.0/0 (protocol `protocol`, ports 22 for tcp).
  const removed = (now: Record<string, unknown>, protocol = '6', ports = protocol === '6') => {
    const world = buildWorld({ groupId: 'sg-0web', rules: [] });
    const acl = world.NetworkAcls.find((a) => a.NetworkAclId === ACL);
    if (!acl) throw new Error('no NACL');
    (acl.Entries as Record<string, unknown>[]).unshift({ RuleNumber: 90, Egress: false, ...now });
    const scope = {
      ...emptyScope('CreateNetworkAclEntry', 'network-acl'),
      networkAclIds: [ACL],
      addedNaclEntries: [
        {
          networkAclId: ACL,
          ruleNumber: 90,
          egress: false,
          ruleAction: 'allow',
          protocol,
          cidrBlock: '0.0.0.0/0',
          ...(ports ? { fromPort: 22, toPort: 22 } : {}),
        },
      ],
    };
    return assessSlice([scope], parseSnapshot(world), parseConfig({}), {
      sliceComplete: true,
      retried: [true],
    }).removedEntries.map((e) => [e.ruleNumber, e.blocked ?? false]);
  };
  const ssh = { Protocol: '6', PortRange: { From: 22, To: 22 } };

  it('a deny with the same content at that number replaced it: the allow is gone, not blocked (D30)', () => {
    expect(removed({ ...ssh, RuleAction: 'deny', CidrBlock: '0.0.0.0/0' })).toEqual([[90, false]]);
  });

  it('an IPv6 ::/0 allow at that number is another entry: the IPv4 allow is gone (D31)', () => {
    expect(removed({ ...ssh, RuleAction: 'allow', Ipv6CidrBlock: '::/0' })).toEqual([[90, false]]);
  });

  it('an all-traffic allow still there as written is that entry, whatever its ports: not gone (D34)', () => {
    const all = { Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' };
    expect(removed(all, '-1')).toEqual([]);
    // EC2 takes a port range with protocol -1 and ignores it (the call's record keeps it).
    expect(removed(all, '-1', true)).toEqual([]);
  });
});
