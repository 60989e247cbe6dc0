import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../shared/config';
import { evaluate } from '../../../shared/engine';
import { type Finding, findingId } from '../../../shared/findings';
import { parseConfig } from '../../../shared/load-config';
import { parseSnapshot } from '../../../shared/model/snapshot';
import { buildWorld, ENI, type RuleSpec } from '../../helpers';

// DESIGN §8 "Exemptions": an interface's exposure is accepted on the ports on which every security
// group that opens them to the world is exempted for them.

const TAG = 'vpc-guardrail:exempt';
const WEB: RuleSpec[] = [
  { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
  { id: 'sgr-w8443', from: 8443, cidr: '0.0.0.0/0' },
];

/** An ingress rule of the interface's second group, sg-0base, on 8443 (DescribeSecurityGroupRules shape). */
function baseRule(id: string, cidr: string) {
  return {
    SecurityGroupRuleId: id,
    GroupId: 'sg-0base',
    GroupOwnerId: '111122223333',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 8443,
    ToPort: 8443,
    CidrIpv4: cidr,
  };
}

function interfaceFinding(
  rules: RuleSpec[],
  options: { tags?: { Key: string; Value: string }[]; config?: ConfigInput; now?: Date } = {},
): Finding | undefined {
  const world = buildWorld({
    groupId: 'sg-0web',
    rules,
    ...(options.tags ? { groupTags: options.tags } : {}),
  });
  const findings = evaluate(parseSnapshot(world), parseConfig(options.config ?? {}), {
    ...(options.now ? { now: options.now } : {}),
  });
  return findings.find((f) => f.ruleId === 'eni-internet-exposed' && f.resourceId === ENI);
}

describe('eni-internet-exposed accepted through exempted groups (DESIGN §8)', () => {
  it('group exempted for 8443 (tag naming its rule): the exposure on 8443 is suppressed, 22 still reported', () => {
    // Act
    const finding = interfaceFinding(WEB, { tags: [{ Key: TAG, Value: 'sg-open-unauthorized-port' }] });
    // Assess
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.severity).toBe('critical');
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(finding?.evidence.acceptedPorts).toEqual(['8443/tcp']);
    expect(finding?.evidence.acceptedThrough).toEqual([
      {
        groupId: 'sg-0web',
        ports: ['8443/tcp'],
        exemptions: [{ by: 'tag', reason: `${TAG}=sg-open-unauthorized-port` }],
      },
    ]);
    expect(finding?.title).toBe('eni-0web (i-0web) is reachable from the internet on 22/tcp');
    expect(finding?.detail).toContain(
      'Accepted, as every security group opening them is exempted for them: 8443/tcp',
    );
  });

  it('a partly accepted finding has the id of what it reports: the same as with 8443 closed (DESIGN §6, README "Finding ids")', () => {
    // Prepare: 8443 accepted through the group's tag, and the same group without the 8443 rule.
    const accepted = interfaceFinding(WEB, { tags: [{ Key: TAG, Value: 'sg-open-unauthorized-port' }] });
    const closed = interfaceFinding(WEB.filter((r) => r.from === 22));
    // Assess: both report 22/tcp only, so both are the same finding for a consumer deduplicating
    // by id (the id used to hash the accepted 8443 as well: a new id whenever an accepted port
    // opened or closed, though nothing reported changed).
    expect(accepted?.evidence.ports).toEqual(['22/tcp']);
    expect(closed?.evidence.ports).toEqual(['22/tcp']);
    expect(accepted?.id).toBe(closed?.id);
    expect(accepted?.id).toBe(findingId('eni-internet-exposed', ENI, '22/tcp'));
  });

  it('group exempted for 8443 by a config allow-list entry: the same, named by its reason', () => {
    const finding = interfaceFinding(WEB, {
      config: { allowLists: [{ resourceId: 'sg-0web', ports: ['8443/tcp'], reason: 'partner API' }] },
    });
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(finding?.evidence.acceptedThrough).toEqual([
      { groupId: 'sg-0web', ports: ['8443/tcp'], exemptions: [{ by: 'config', reason: 'partner API' }] },
    ]);
  });

  it('an allow-list for 8443 of a group whose finding also reports 9000 accepts 8443 only', () => {
    const finding = interfaceFinding([...WEB, { id: 'sgr-w9000', from: 9000, cidr: '0.0.0.0/0' }], {
      config: {
        allowLists: [
          {
            resourceId: 'sg-0web',
            ruleIds: ['sg-open-unauthorized-port'],
            ports: ['8443/tcp'],
            reason: 'ok',
          },
        ],
      },
    });
    expect(finding?.evidence.ports).toEqual(['22/tcp', '9000/tcp']);
    expect(finding?.evidence.acceptedPorts).toEqual(['8443/tcp']);
  });

  it('every exposed port accepted: the interface finding is suppressed, saying through which exemptions', () => {
    const finding = interfaceFinding(WEB, { tags: [{ Key: TAG, Value: '*' }] });
    expect(finding?.suppressed).toEqual({
      by: 'tag',
      reason: `every security group that opens 22/tcp, 8443/tcp to the internet is exempted for them: sg-0web (tag: ${TAG}=*)`,
    });
    expect(finding?.evidence.acceptedPorts).toEqual(['22/tcp', '8443/tcp']);
  });

  it('a tag on the group naming eni-internet-exposed accepts every port it opens', () => {
    const finding = interfaceFinding(WEB, { tags: [{ Key: TAG, Value: 'eni-internet-exposed' }] });
    expect(finding?.suppressed?.by).toBe('tag');
  });

  it('an expired exemption accepts nothing', () => {
    const finding = interfaceFinding(WEB, {
      tags: [{ Key: TAG, Value: 'sg-open-unauthorized-port@2025-01-31' }],
      now: new Date('2025-06-16T00:00:00Z'),
    });
    expect(finding?.evidence.ports).toEqual(['22/tcp', '8443/tcp']);
    expect(finding?.evidence.acceptedPorts).toBeUndefined();
  });

  it('a port another, unexempted group also opens to the world stays reported', () => {
    // sg-0base (the interface's second group) opens 8443 too, without an exemption.
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: WEB,
      groupTags: [{ Key: TAG, Value: 'sg-open-unauthorized-port' }],
    });
    world.SecurityGroupRules.push(baseRule('sgr-0base-8443', '0.0.0.0/0'));
    const finding = evaluate(parseSnapshot(world), parseConfig({})).find(
      (f) => f.ruleId === 'eni-internet-exposed',
    );
    expect(finding?.evidence.ports).toEqual(['22/tcp', '8443/tcp']);
    expect(finding?.evidence.acceptedPorts).toBeUndefined();
  });

  it('a port world-open only through the union of two groups, each exempted, has no opener of its own: still reported', () => {
    // sg-0web lets in 0.0.0.0/1 and sg-0base 128.0.0.0/1 on 8443: neither is world-open alone.
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-half1', from: 8443, cidr: '0.0.0.0/1' }],
      groupTags: [{ Key: TAG, Value: '*' }],
    });
    world.SecurityGroupRules.push(baseRule('sgr-half2', '128.0.0.0/1'));
    (world.SecurityGroups[1] as Record<string, unknown>).Tags = [{ Key: TAG, Value: '*' }];
    const finding = evaluate(parseSnapshot(world), parseConfig({})).find(
      (f) => f.ruleId === 'eni-internet-exposed',
    );
    expect(finding?.evidence.ports).toEqual(['8443/tcp']);
    expect(finding?.suppressed).toBeUndefined();
  });

  it("the interface's own allow-list for what is left suppresses it once the group's port is accepted", () => {
    const finding = interfaceFinding(WEB, {
      tags: [{ Key: TAG, Value: 'sg-open-unauthorized-port' }],
      config: { allowLists: [{ resourceId: ENI, ports: ['22/tcp'], reason: 'bastion' }] },
    });
    expect(finding?.evidence.ports).toEqual(['22/tcp']);
    expect(finding?.suppressed).toEqual({ by: 'config', reason: 'bastion' });
  });

  it('severity follows the ports still reported: only 8443 left is medium', () => {
    const finding = interfaceFinding(WEB, { tags: [{ Key: TAG, Value: 'sg-open-admin-port' }] });
    expect(finding?.evidence.ports).toEqual(['8443/tcp']);
    expect(finding?.evidence.acceptedPorts).toEqual(['22/tcp']);
    expect(finding?.severity).toBe('medium');
  });

  it('a group accepted only by shape exempts no port, whether or not another group of the interface has a tag', () => {
    // DESIGN §8: exposure is accepted through groups exempted "by tag or allow-list"; the shape
    // settings suppress the group's sg-open-* findings only. Before, a tag on the interface's
    // other group (sg-0base) made the shape-suppressed findings of sg-0web count as exemptions.
    const config = { allowInterfaceTypes: ['network_load_balancer'] };
    for (const baseTags of [[], [{ Key: TAG, Value: '*' }]]) {
      const world = buildWorld({ groupId: 'sg-0web', rules: WEB });
      (world.NetworkInterfaces[0] as Record<string, unknown>).InterfaceType = 'network_load_balancer';
      (world.SecurityGroups[1] as Record<string, unknown>).Tags = baseTags;
      const findings = evaluate(parseSnapshot(world), parseConfig(config));
      const admin = findings.find((f) => f.ruleId === 'sg-open-admin-port');
      expect(admin?.suppressed?.reason).toMatch(/^accepted by shape/);
      const finding = findings.find((f) => f.ruleId === 'eni-internet-exposed');
      expect(finding?.suppressed).toBeUndefined();
      expect(finding?.evidence.ports).toEqual(['22/tcp', '8443/tcp']);
      expect(finding?.evidence.acceptedPorts).toBeUndefined();
    }
  });

  it('a dated tag is named once, as the group findings name it', () => {
    const finding = interfaceFinding(WEB, {
      tags: [{ Key: TAG, Value: '*@2026-12-31' }],
      now: new Date('2026-12-06T00:00:00Z'),
    });
    expect(finding?.evidence.acceptedThrough).toEqual([
      {
        groupId: 'sg-0web',
        ports: ['22/tcp', '8443/tcp'],
        exemptions: [{ by: 'tag', reason: `${TAG}=*@2026-12-31 until 2026-12-31` }],
      },
    ]);
  });
});
