import { describe, expect, it } from 'vitest';
import {
  ACL,
  authorizeIngress,
  cloudTrailRecord,
  ENI,
  INSTANCE,
  OTHER_GROUP,
  simulate,
  worldSnapshot,
} from '../helpers';

// DESIGN §8 "Notices tell the state after the actions", "No noise", and a tag on a resource no
// rule judges; §14's subject with the port kept inside 100 characters.

const GROUP = 'sg-0web';
const KEY = 'vpc-guardrail:exempt';

describe('§8 notices after the actions', () => {
  it('reports what the revoke closed as fixed, by which call, and leads the subject with it and the outcome', async () => {
    const report = await simulate(
      authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]),
      worldSnapshot({ rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
      { mode: 'remediate' },
    );
    const message = report.notification?.message ?? '';
    expect(report.notification?.subject).toBe(`[CRITICAL] ${GROUP} world-open on 22/tcp (+1 more) — revoked`);
    expect(message).toContain(`FIXED [CRITICAL] ${GROUP} world-open on 22/tcp`);
    expect(message).toContain(`fixed by: RevokeSecurityGroupIngress ${GROUP} rules sgr-w22`);
    // The interface's exposure closed with it (a knock-on of the same call).
    expect(message).toMatch(/FIXED \[CRITICAL\] eni-0web/);
    expect(message).toContain('FINDINGS BY RESOURCE (2 resources, 2 fixed, 0 open)');
    expect(message).not.toContain('OPEN [');
  });

  it('gives the exact inverse call in "how to undo": the revoked rule with its description', async () => {
    const report = await simulate(
      authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]),
      worldSnapshot({
        rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0', description: 'temporary debug' }],
      }),
      { mode: 'remediate' },
    );
    expect(report.notification?.message).toContain(
      `aws ec2 authorize-security-group-ingress --group-id ${GROUP} --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"temporary debug"}]}]'`,
    );
  });

  it('leads with the worst finding still open when the fix closed only part of it', async () => {
    // 22 is revoked; 8000 (unauthorized, notify only per rule) stays open.
    const report = await simulate(
      authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]),
      worldSnapshot({
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w8000', from: 8000, cidr: '0.0.0.0/0' },
        ],
      }),
      { mode: 'remediate', config: { rules: { 'sg-open-unauthorized-port': 'notify' } } },
    );
    const message = report.notification?.message ?? '';
    expect(report.notification?.subject).toMatch(
      /^\[HIGH\] eni-0web.*8000\/tcp.* — revoked$|^\[MEDIUM\] sg-0web world-open on 8000\/tcp/,
    );
    expect(message).toContain(`FIXED [CRITICAL] ${GROUP} world-open on 22/tcp`);
    expect(message).toContain(`OPEN [MEDIUM] ${GROUP} world-open on 8000/tcp`);
  });

  it('keeps the port inside the 100-character subject with a long resource id and many findings', async () => {
    const long = 'sg-0123456789abcdef0123456789abcdef01';
    const report = await simulate(
      authorizeIngress(long, 22, [['sgr-w22', '0.0.0.0/0']]),
      worldSnapshot({
        groupId: long,
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
          { id: 'sgr-w3306', from: 3306, cidr: '0.0.0.0/0' },
        ],
      }),
      {
        mode: 'remediate',
        config: { rules: { 'sg-open-high-risk-port': 'notify', 'sg-open-admin-port': 'notify' } },
      },
    );
    const subject = report.notification?.subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/world-open on 22\/tcp/);
  });
});

describe('§8 notices after a NACL fix', () => {
  it('reports the interface exposure the NACL fix closed as fixed, and leads with what is still open', async () => {
    // Prepare: the group is world-open on 22 (notify only); the NACL fix is opted in.
    const naclEvent = cloudTrailRecord('CreateNetworkAclEntry', {
      networkAclId: ACL,
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      aclProtocol: '-1',
      cidrBlock: '0.0.0.0/0',
      portRange: {},
      icmpTypeCode: {},
    });
    const snapshot = worldSnapshot({ rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
    // Act
    const report = await simulate(naclEvent, snapshot, {
      mode: 'notify',
      config: { rules: { 'nacl-open-admin-port': 'remediate' } },
    });
    // Assess
    expect(report.actions.length).toBeGreaterThan(0);
    expect(report.actions.every((a) => a.action.includes('NetworkAclEntry'))).toBe(true);
    const message = report.notification?.message ?? '';
    expect(message).toMatch(
      /FIXED \[CRITICAL\] eni-0web \(i-0web\) is reachable from the internet on 22\/tcp/,
    );
    expect(message).toMatch(/FIXED \[\w+\] acl-0default/);
    expect(message).not.toMatch(/OPEN \[\w+\] eni-0web/);
    expect(report.notification?.subject).toMatch(/^\[\w+\] .* — remediated$/);
    expect(report.notification?.subject.length).toBeLessThanOrEqual(100);
  });
});

describe('§8 no noise: notifyMinSeverity', () => {
  it('sends nothing for an interface exposed only on 443 (info), and lists it when a 22 exposure sends the notice', async () => {
    const event = authorizeIngress(GROUP, 443, [['sgr-w443', '0.0.0.0/0']]);
    const quiet = await simulate(
      event,
      worldSnapshot({ rules: [{ id: 'sgr-w443', from: 443, cidr: '0.0.0.0/0' }] }),
      {
        mode: 'notify',
      },
    );
    expect(quiet.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['eni-internet-exposed info']);
    expect(quiet.notification).toBeNull();

    const loud = await simulate(
      event,
      worldSnapshot({
        rules: [
          { id: 'sgr-w443', from: 443, cidr: '0.0.0.0/0' },
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        ],
      }),
      { mode: 'notify' },
    );
    expect(loud.notification?.message).toContain('443/tcp');
    expect(loud.notification?.message).toContain('22/tcp');
  });

  it('honours a higher threshold: a medium finding alone sends nothing at notifyMinSeverity high', async () => {
    const event = authorizeIngress(GROUP, 8000, [['sgr-w8000', '0.0.0.0/0']]);
    const snapshot = worldSnapshot({ rules: [{ id: 'sgr-w8000', from: 8000, cidr: '0.0.0.0/0' }] });
    (snapshot.NetworkInterfaces[0] as Record<string, unknown>).TagSet = [{ Key: KEY, Value: '*' }];
    const low = await simulate(event, snapshot, { mode: 'notify' });
    expect(low.notification?.attributes.severity?.StringValue).toBe('medium');
    const high = await simulate(event, snapshot, { mode: 'notify', config: { notifyMinSeverity: 'high' } });
    expect(high.notification).toBeNull();
  });

  it('always notifies an exemption change, whatever the threshold', async () => {
    const tag = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: GROUP }] },
      tagSet: { items: [{ key: KEY, value: '*' }] },
    });
    const report = await simulate(tag, worldSnapshot({ rules: [] }), {
      mode: 'notify',
      config: { notifyMinSeverity: 'critical' },
    });
    expect(report.notification?.message).toContain('EXEMPTION TAG CHANGED');
  });
});

describe('§8 a tag on a resource no rule judges', () => {
  it('says an instance tag has no effect and names its interfaces and groups to tag instead', async () => {
    const tag = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: INSTANCE }] },
      tagSet: { items: [{ key: KEY, value: '*' }] },
    });
    const report = await simulate(tag, worldSnapshot({ rules: [] }), { mode: 'notify' });
    const message = report.notification?.message ?? '';
    expect(message).toContain(`The tag on ${INSTANCE} has no effect: no rule judges this kind of resource.`);
    expect(message).toContain(`tag what they are about instead: ${ENI}, ${GROUP}, ${OTHER_GROUP}.`);
    expect(message).not.toContain('are now reported as suppressed');
  });

  it('says a VPC tag has no effect and what kinds of resource to tag', async () => {
    const tag = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: 'vpc-0a1' }] },
      tagSet: { items: [{ key: KEY, value: '*' }] },
    });
    const report = await simulate(tag, worldSnapshot({ rules: [] }), { mode: 'notify' });
    expect(report.notification?.message).toContain('The tag on vpc-0a1 has no effect');
    expect(report.notification?.message).toContain('tag the security groups, network ACLs');
  });
});

describe('§8 an exemption tag set with a date that has passed, or a value not understood', () => {
  /** CreateTags of `value` on the group, and the snapshot as the call left it (the tag on the group). */
  async function tagged(value: string) {
    const tag = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: GROUP }] },
      tagSet: { items: [{ key: KEY, value }] },
    });
    const world = worldSnapshot({
      rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }],
      groupTags: [{ Key: KEY, Value: value }],
    });
    return (await simulate(tag, world, { mode: 'remediate' })).notification?.message ?? '';
  }

  it('says an expired exemption exempts nothing, never that findings are now suppressed (the rule is revoked)', async () => {
    // Act
    const message = await tagged('sg-open-admin-port@2020-01-31');
    // Assess
    expect(message).toContain(
      'Already expired, no effect: sg-open-admin-port@2020-01-31 (the date has passed).',
    );
    expect(message).toContain(`Nothing is exempted: findings on ${GROUP} are reported`);
    expect(message).not.toContain('are now reported as suppressed');
    expect(message).toMatch(/FIXED \[CRITICAL\] sg-0web world-open on 22\/tcp/);
  });

  it('tells the entries in force from those expired and the parts not understood', async () => {
    // Act
    const message = await tagged(
      'sg-open-admin-port@2099-12-31, eni-internet-exposed@2020-01-31, bogus rule, sg-open-admin-prot',
    );
    // Assess
    expect(message).toContain(
      `Findings of the rules sg-open-admin-port on ${GROUP} are now reported as suppressed and never remediated.`,
    );
    expect(message).toContain('Already expired, no effect: eni-internet-exposed@2020-01-31');
    expect(message).toContain('Not understood, no effect: bogus rule, sg-open-admin-prot (no such rule)');
    expect(message).not.toContain('Nothing is exempted');
  });

  it('says a rule id that judges another kind of resource exempts nothing there (an interface tagged sg-open-admin-port)', async () => {
    // Arrange: the tag goes on the interface; sg-open-admin-port judges its groups.
    const tag = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: ENI }] },
      tagSet: { items: [{ key: KEY, value: 'sg-open-admin-port, eni-internet-exposed@2020-01-31' }] },
    });
    // Act
    const report = await simulate(tag, worldSnapshot({ rules: [] }), { mode: 'notify' });
    const message = report.notification?.message ?? '';
    // Assess
    expect(message).toContain(
      '  No effect here: sg-open-admin-port judges security groups (sg-…), not what was tagged; tag those instead.',
    );
    expect(message).toContain('Already expired, no effect: eni-internet-exposed@2020-01-31');
    expect(message).toContain(`Nothing is exempted: findings on ${ENI} are reported`);
    expect(message).not.toContain('are now reported as suppressed');
  });

  it('keeps a rule id in force when it judges one of the tagged resources', async () => {
    // Act: the group and its interface tagged together; the rule judges the group.
    const tag = cloudTrailRecord('CreateTags', {
      resourcesSet: { items: [{ resourceId: GROUP }, { resourceId: ENI }] },
      tagSet: { items: [{ key: KEY, value: 'sg-open-admin-port' }] },
    });
    const report = await simulate(tag, worldSnapshot({ rules: [] }), { mode: 'notify' });
    const message = report.notification?.message ?? '';
    // Assess
    expect(message).toContain('Findings of the rules sg-open-admin-port on');
    expect(message).not.toContain('No effect here');
  });

  it('shows an empty tag value (a key set alone in the console) as "" and exempts nothing', async () => {
    // Act
    const message = await tagged('');
    // Assess
    expect(message).toContain('Not understood, no effect: "" (the value is * or rule ids');
    expect(message).toContain(`Nothing is exempted: findings on ${GROUP} are reported`);
    expect(message).toMatch(/FIXED \[CRITICAL\] sg-0web world-open on 22\/tcp/);
  });
});
