import { describe, expect, it } from 'vitest';
import {
  allowAllWorldEntryRecord,
  authorizeIngress,
  cloudTrailRecord,
  naclEntryAction,
  type RuleSpec,
  simulate,
  worldSnapshot,
} from '../helpers';

const GROUP = 'sg-0web';
const ACL = 'acl-0default';
const sgEvent = authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]);

describe('§8 precision of security-group remediation (simulate --format json)', () => {
  it('revokes, in one call per group and direction, every world-source rule of the group on offending ports', async () => {
    // Prepare
    const rules: RuleSpec[] = [
      { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-office22', from: 22, cidr: '198.51.100.0/24' },
      { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
      { id: 'sgr-w6-22', from: 22, cidr: '::/0' },
      { id: 'sgr-w5432', from: 5432, cidr: '0.0.0.0/0' },
      { id: 'sgr-w8000', from: 8000, cidr: '0.0.0.0/0' },
      { id: 'sgr-w443', from: 443, cidr: '0.0.0.0/0' },
      { id: 'sgr-ref', from: 22, group: 'sg-0base' },
    ];
    // Act
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'remediate' });
    // Assess
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: {
          GroupId: GROUP,
          SecurityGroupRuleIds: ['sgr-w22', 'sgr-w3389', 'sgr-w5432', 'sgr-w6-22', 'sgr-w8000'],
        },
      },
    ]);
  });

  it('revokes an older offending rule of the group the event did not add', async () => {
    const rules: RuleSpec[] = [
      { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-old3389', from: 3389, cidr: '0.0.0.0/0' },
    ];
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-old3389', 'sgr-w22'] },
      },
    ]);
  });

  it('revokes both the all-traffic rule and a world rule on an admin port of the same group', async () => {
    const rules: RuleSpec[] = [
      { id: 'sgr-all', protocol: '-1', cidr: '0.0.0.0/0' },
      { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
    ];
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-all', 'sgr-w22'] },
      },
    ]);
  });

  it('only notifies when the world is reached through a union of narrower ranges', async () => {
    const rules: RuleSpec[] = [
      { id: 'sgr-half1', from: 22, cidr: '0.0.0.0/1' },
      { id: 'sgr-half2', from: 22, cidr: '128.0.0.0/1' },
    ];
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'remediate' });
    expect(report.findings.map((f) => f.ruleId)).toContain('sg-open-admin-port');
    expect(report.actions).toEqual([]);
    expect(report.notification?.attributes.action?.StringValue).toBe('notified');
  });

  it('revokes a rule whose source is a prefix list holding 0.0.0.0/0, by its id', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-pl', from: 22, prefixList: 'pl-0world' },
        { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
      ],
    });
    snapshot.ManagedPrefixLists = [{ PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] }];
    const report = await simulate(sgEvent, snapshot, { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-pl'] },
      },
    ]);
  });

  it('revokes by a one-source permission when the slice has no rule ids', async () => {
    const snapshot = worldSnapshot({
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-office', from: 22, cidr: '198.51.100.0/24' },
      ],
    });
    // Same rules, as DescribeSecurityGroups prints one permission holding both CIDRs.
    const group = snapshot.SecurityGroups[0] as Record<string, unknown>;
    group.IpPermissions = [
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'anyone' }, { CidrIp: '198.51.100.0/24' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ];
    snapshot.SecurityGroupRules = [];
    const report = await simulate(sgEvent, snapshot, { mode: 'remediate' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: {
          GroupId: GROUP,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
      },
    ]);
  });

  it('never revokes egress for the sg-open-* rules (they read ingress only)', async () => {
    const rules: RuleSpec[] = [
      { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-out', egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
    ];
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'remediate' });
    expect(report.actions.map((a) => a.action)).toEqual(['RevokeSecurityGroupIngress']);
  });
});

describe('§8 modes', () => {
  const rules: RuleSpec[] = [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }];

  it('lists no action in notify mode', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'notify' });
    expect(report.actions).toEqual([]);
    expect(report.notification?.attributes.action?.StringValue).toBe('notified');
  });

  it('plans the actions in dry-run, and the notice says dry-run', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules }), { mode: 'dry-run' });
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] },
      },
    ]);
    expect(report.notification?.attributes.action?.StringValue).toBe('dry-run');
    expect(report.notification?.message).toMatch(/dry run/i);
  });

  it('lets a per-rule remediate act under the global notify, and a per-rule notify hold under remediate', async () => {
    const on = await simulate(sgEvent, worldSnapshot({ rules }), {
      config: { mode: 'notify', rules: { 'sg-open-admin-port': 'remediate' } },
    });
    expect(on.actions).toHaveLength(1);
    const off = await simulate(sgEvent, worldSnapshot({ rules }), {
      config: { mode: 'remediate', rules: { 'sg-open-admin-port': 'notify' } },
    });
    expect(off.actions).toEqual([]);
  });

  it('reports nothing for a rule set to off', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules }), {
      config: { mode: 'remediate', rules: { 'sg-open-admin-port': 'off' } },
    });
    expect(report.actions).toEqual([]);
    expect(report.findings.map((f) => f.ruleId)).not.toContain('sg-open-admin-port');
  });

  it('leaves the opt-in sg-default-not-restricted alone under a global remediate', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules, groupName: 'default' }), {
      mode: 'remediate',
    });
    expect(report.findings.map((f) => f.ruleId)).toContain('sg-default-not-restricted');
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] },
      },
    ]);
  });

  it('revokes every rule of a default group, ingress and egress, when sg-default-not-restricted is set to remediate', async () => {
    const report = await simulate(
      sgEvent,
      worldSnapshot({
        rules: [
          { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
          { id: 'sgr-self', protocol: '-1', group: GROUP },
          { id: 'sgr-out', egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
        ],
        groupName: 'default',
      }),
      { config: { mode: 'remediate', rules: { 'sg-default-not-restricted': 'remediate' } } },
    );
    expect(report.actions).toEqual([
      {
        action: 'RevokeSecurityGroupEgress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-out'] },
      },
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-self', 'sgr-w22'] },
      },
    ]);
  });

  it('turns off auto-assign of public IPs only when subnet-auto-assign-public-ip is set to remediate', async () => {
    const snapshot = worldSnapshot({ rules: [] });
    (snapshot.Subnets[0] as Record<string, unknown>).MapPublicIpOnLaunch = true;
    const event = cloudTrailRecord('ModifySubnetAttribute', {
      subnetId: 'subnet-0pub',
      mapPublicIpOnLaunch: { value: true },
    });
    const global = await simulate(event, snapshot, { mode: 'remediate' });
    expect(global.findings.map((f) => f.ruleId)).toEqual(['subnet-auto-assign-public-ip']);
    expect(global.actions).toEqual([]);
    const optedIn = await simulate(event, snapshot, {
      config: { mode: 'notify', rules: { 'subnet-auto-assign-public-ip': 'remediate' } },
    });
    expect(optedIn.actions).toEqual([
      {
        action: 'ModifySubnetAttribute',
        parameters: { SubnetId: 'subnet-0pub', MapPublicIpOnLaunch: { Value: false } },
      },
    ]);
  });
});

describe('§8 exemptions are never remediated', () => {
  const rules: RuleSpec[] = [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }];

  it.each([
    ['*', 'tag'],
    ['sg-open-admin-port', 'tag'],
    ['sg-open-high-risk-port, sg-open-admin-port@2099-12-31', 'tag'],
  ])('suppresses the finding for the tag value %s and acts on nothing', async (value) => {
    const snapshot = worldSnapshot({ rules, groupTags: [{ Key: 'vpc-guardrail:exempt', Value: value }] });
    const report = await simulate(sgEvent, snapshot, { mode: 'remediate' });
    const admin = report.findings.find((f) => f.ruleId === 'sg-open-admin-port');
    expect(admin?.suppressed).toMatchObject({ by: 'tag' });
    expect(report.actions).toEqual([]);
  });

  it('remediates when the exemption tag has expired', async () => {
    const snapshot = worldSnapshot({
      rules,
      groupTags: [{ Key: 'vpc-guardrail:exempt', Value: 'sg-open-admin-port@2020-01-01' }],
    });
    const report = await simulate(sgEvent, snapshot, { mode: 'remediate' });
    expect(report.actions).toHaveLength(1);
  });

  it('never remediates what a config allow-list permits', async () => {
    const report = await simulate(sgEvent, worldSnapshot({ rules }), {
      config: { mode: 'remediate', allowLists: [{ resourceId: GROUP, ports: ['22/tcp'] }] },
    });
    expect(report.findings.find((f) => f.ruleId === 'sg-open-admin-port')?.suppressed).toMatchObject({
      by: 'config',
    });
    expect(report.actions).toEqual([]);
  });
});

describe('§8 NACL precision', () => {
  const naclEvent = allowAllWorldEntryRecord(ACL);

  const optIn = { rules: { 'nacl-open-admin-port': 'remediate' } };
  const entryCall = (
    action: 'CreateNetworkAclEntry' | 'ReplaceNetworkAclEntry',
    n: number,
    ruleAction: 'allow' | 'deny',
    protocol: string,
    port: number,
    cidr: string,
  ) => naclEntryAction(ACL, action, n, ruleAction, protocol, port, cidr);
  const create = (n: number, ruleAction: 'allow' | 'deny', protocol: string, port: number, cidr: string) =>
    entryCall('CreateNetworkAclEntry', n, ruleAction, protocol, port, cidr);

  it('the global remediate mode alone never changes a NACL: the rule is opt-in', async () => {
    const report = await simulate(naclEvent, worldSnapshot({ rules: [] }), { mode: 'remediate' });
    expect(report.findings.map((f) => f.ruleId)).toContain('nacl-open-admin-port');
    expect(report.actions).toEqual([]);
  });

  it('narrows an entry that allows nothing but an admin port from the world to the VPC block', async () => {
    const snapshot = worldSnapshot({
      rules: [],
      naclIngress: [
        { rule: 90, protocol: '6', from: 22, to: 22, cidr: '0.0.0.0/0' },
        { rule: 100, protocol: '6', from: 443, to: 443, cidr: '0.0.0.0/0' },
        { rule: 110, protocol: '6', from: 1024, to: 65535, cidr: '0.0.0.0/0' },
      ],
    });
    // The return range 1024-65535 leaves 3389 open too: a deny goes before entry 110, after an allow from the VPC.
    const report = await simulate(naclEvent, snapshot, { mode: 'remediate', config: optIn });
    expect(report.actions).toEqual([
      create(108, 'allow', '6', 3389, '10.0.0.0/16'),
      create(109, 'deny', '6', 3389, '0.0.0.0/0'),
      entryCall('ReplaceNetworkAclEntry', 90, 'allow', '6', 22, '10.0.0.0/16'),
    ]);
  });

  it('inserts deny entries before a broad allow, each after an allow from the VPC block of its family', async () => {
    const snapshot = worldSnapshot({ rules: [] });
    const report = await simulate(naclEvent, snapshot, { mode: 'remediate', config: optIn });
    // Entries: 100 allow all IPv4, 101 allow all IPv6; the VPC has 10.0.0.0/16 and 2600:1f18::/56.
    const v6 = '2600:1f18::/56';
    expect(report.actions).toEqual(
      [
        create(99, 'deny', '6', 22, '0.0.0.0/0'),
        create(98, 'allow', '6', 22, '10.0.0.0/16'),
        create(97, 'deny', '6', 22, '::/0'),
        create(96, 'allow', '6', 22, v6),
        create(95, 'deny', '6', 3389, '0.0.0.0/0'),
        create(94, 'allow', '6', 3389, '10.0.0.0/16'),
        create(93, 'deny', '6', 3389, '::/0'),
        create(92, 'allow', '6', 3389, v6),
        create(91, 'deny', '17', 3389, '0.0.0.0/0'),
        create(90, 'allow', '17', 3389, '10.0.0.0/16'),
        create(89, 'deny', '17', 3389, '::/0'),
        create(88, 'allow', '17', 3389, v6),
      ].sort((a, b) => a.parameters.RuleNumber - b.parameters.RuleNumber),
    );
  });

  it('only notifies when no rule number is free below the contributing entry', async () => {
    const snapshot = worldSnapshot({
      rules: [],
      naclIngress: [{ rule: 1, protocol: '-1', cidr: '0.0.0.0/0' }],
    });
    const report = await simulate(naclEvent, snapshot, { mode: 'remediate', config: optIn });
    expect(report.findings.map((f) => f.ruleId)).toContain('nacl-open-admin-port');
    expect(report.actions).toEqual([]);
    // The notice says why: the free numbers below entry 1, for the deny and the VPC's allow.
    expect(report.notification?.message).toContain(
      'not fixable automatically: 22/tcp ipv4: no 2 free rule numbers below 1 for the deny entry and the allow entries of 1 kept source(s)',
    );
  });

  it('only notifies, saying why, when the fix would exceed naclEntryLimit', async () => {
    const snapshot = worldSnapshot({
      rules: [],
      naclIngress: [{ rule: 100, protocol: '-1', cidr: '0.0.0.0/0' }],
    });
    const report = await simulate(naclEvent, snapshot, {
      mode: 'remediate',
      config: { ...optIn, naclEntryLimit: 1 },
    });
    expect(report.actions).toEqual([]);
    expect(report.notification?.message).toContain(
      'not fixable automatically: 22/tcp ipv4: the NACL would hold 3 inbound IPv4 entries, more than naclEntryLimit (1)',
    );
  });
});
