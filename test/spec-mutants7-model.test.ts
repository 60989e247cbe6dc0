import { describe, expect, it } from 'vitest';
import { buildModel } from '../shared/model/model';
import { parseSnapshot } from '../shared/model/snapshot';
import { audit } from './helpers/evaluate';
import { buildWorld, ENI } from './helpers/world';

// DESIGN §3/§4 as the model reads a validated snapshot: what the mutation checks of the model
// builders (helper mutants7, 2026-12-08) found without a test that would fail.

type Json = Record<string, unknown>;

const entry = (changes: Json): Json => ({
  RuleNumber: 100,
  Protocol: '6',
  RuleAction: 'allow',
  Egress: false,
  CidrBlock: '0.0.0.0/0',
  PortRange: { From: 22, To: 22 },
  ...changes,
});

/** The NACLs `acl-1`, `acl-2`, … of a model, each with the one ingress entry given. */
function naclsWith(...entries: Json[]) {
  const model = buildModel(
    parseSnapshot({
      NetworkAcls: entries.map((e, i) => ({ NetworkAclId: `acl-${i + 1}`, VpcId: 'vpc-1', Entries: [e] })),
    }),
  );
  return entries.map((_, i) => {
    const node = model.networkAcls.get(`acl-${i + 1}`);
    if (!node) throw new Error(`acl-${i + 1} not built`);
    return node;
  });
}

describe('NACLs of equal entries share them; NACLs that differ in any field never do', () => {
  // The entry lists are shared between NACLs whose raw entries are equal (nacls.ts): a field left
  // out of the comparison let a NACL read another's entry — its ports, block or protocol.
  it('ports differing only in PortRange.To (22–22 and 22–3389): each NACL keeps its own range', () => {
    const [a, b] = naclsWith(entry({}), entry({ PortRange: { From: 22, To: 3389 } }));
    expect(a?.ingress.map((e) => [e.fromPort, e.toPort])).toEqual([[22, 22]]);
    expect(b?.ingress.map((e) => [e.fromPort, e.toPort])).toEqual([[22, 3389]]);
  });

  it('blocks of the same length and last digit (10.0.0.0/8 and 11.0.0.0/8), IPv6 blocks alike', () => {
    const [a, b, c, d] = naclsWith(
      entry({ CidrBlock: '10.0.0.0/8' }),
      entry({ CidrBlock: '11.0.0.0/8' }),
      entry({ CidrBlock: undefined, Ipv6CidrBlock: '2001:db8::/32' }),
      entry({ CidrBlock: undefined, Ipv6CidrBlock: '2001:db9::/32' }),
    );
    expect([a, b, c, d].map((n) => n?.ingress.map((e) => e.cidr))).toEqual([
      ['10.0.0.0/8'],
      ['11.0.0.0/8'],
      ['2001:db8::/32'],
      ['2001:db9::/32'],
    ]);
  });

  it('protocols of the same length and first digit (50 and 51), ICMP codes (3/1 and 3/4)', () => {
    const [a, b, c, d] = naclsWith(
      entry({ Protocol: '50', PortRange: undefined }),
      entry({ Protocol: '51', PortRange: undefined }),
      entry({ Protocol: '1', PortRange: undefined, IcmpTypeCode: { Type: 3, Code: 1 } }),
      entry({ Protocol: '1', PortRange: undefined, IcmpTypeCode: { Type: 3, Code: 4 } }),
    );
    expect([a, b].map((n) => n?.ingress.map((e) => e.rawProtocol))).toEqual([['50'], ['51']]);
    expect([c, d].map((n) => n?.ingress.map((e) => e.item.IcmpTypeCode))).toEqual([
      [{ Type: 3, Code: 1 }],
      [{ Type: 3, Code: 4 }],
    ]);
  });

  it('entries in ascending rule number in each direction, whatever order EC2 lists them in; IsDefault kept', () => {
    const model = buildModel(
      parseSnapshot({
        NetworkAcls: [
          {
            NetworkAclId: 'acl-1',
            VpcId: 'vpc-1',
            IsDefault: true,
            Entries: [
              entry({ RuleNumber: 200, RuleAction: 'deny' }),
              entry({ RuleNumber: 100 }),
              entry({ RuleNumber: 300, Egress: true, RuleAction: 'deny' }),
              entry({ RuleNumber: 110, Egress: true }),
            ],
          },
        ],
      }),
    );
    const node = model.networkAcls.get('acl-1');
    expect(node?.isDefault).toBe(true);
    expect(node?.ingress.map((e) => [e.ruleNumber, e.allow])).toEqual([
      [100, true],
      [200, false],
    ]);
    expect(node?.egress.map((e) => [e.ruleNumber, e.allow])).toEqual([
      [110, true],
      [300, false],
    ]);
  });

  it('NACLs of equal entries share one list (the cache is used)', () => {
    const [a, b] = naclsWith(entry({}), entry({}));
    expect(a?.ingress).toBe(b?.ingress);
  });
});

describe('the two views of a group: each rule takes the id of the rule it equals (DESIGN §3)', () => {
  // Remediation revokes by rule id: a permission matched to the wrong SecurityGroupRules item would
  // revoke another rule. The rule list is given in another order than the permissions, so that a
  // rule matched by anything less than its whole content takes its neighbour's id.
  const world = { IpProtocol: 'tcp', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
  const permissions = [
    { ...world, FromPort: 22, ToPort: 22 },
    { ...world, FromPort: 80, ToPort: 80 },
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
    { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: 'icmp', FromPort: 0, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: '50', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: '51', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-2' }] },
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-3' }] },
  ];
  const rule = (id: string, fields: Json, egress = false): Json => ({
    SecurityGroupRuleId: id,
    GroupId: 'sg-1',
    IsEgress: egress,
    ...fields,
  });
  const rules = [
    // The same content as sgr-22, but egress, listed first: never the twin of an ingress permission.
    rule('sgr-out-22', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }, true),
    rule('sgr-80', { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0' }),
    rule('sgr-22', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }),
    rule('sgr-443-16', { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/16' }),
    rule('sgr-443-8', { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8' }),
    rule('sgr-icmp-0', { IpProtocol: 'icmp', FromPort: 0, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
    rule('sgr-icmp-8', { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
    rule('sgr-51', { IpProtocol: '51', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
    rule('sgr-50', { IpProtocol: '50', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
    rule('sgr-pg-3', {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      ReferencedGroupInfo: { GroupId: 'sg-3' },
    }),
    rule('sgr-pg-2', {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      ReferencedGroupInfo: { GroupId: 'sg-2' },
    }),
  ];
  const egressPermissions = [{ ...world, FromPort: 22, ToPort: 22 }];

  it('matches by direction, protocol, ports, ICMP type and code, block and prefix length, group', () => {
    const model = buildModel(
      parseSnapshot({
        SecurityGroups: [
          { GroupId: 'sg-1', IpPermissions: permissions, IpPermissionsEgress: egressPermissions },
        ],
        SecurityGroupRules: rules,
      }),
    );
    const group = model.securityGroups.get('sg-1');
    const ids = (list: readonly { ruleId?: string }[] | undefined) => list?.map((r) => r.ruleId);
    expect(ids(group?.ingress)).toEqual([
      'sgr-22',
      'sgr-80',
      'sgr-443-8',
      'sgr-443-16',
      'sgr-icmp-8',
      'sgr-icmp-0',
      'sgr-50',
      'sgr-51',
      'sgr-pg-2',
      'sgr-pg-3',
    ]);
    expect(ids(group?.egress)).toEqual(['sgr-out-22']);
    // The views agree: no warning.
    expect(model.warnings).toEqual([]);
  });

  it('a rule listed twice in both views (a hand-merged snapshot): each copy takes one id, no warning', () => {
    const ssh = { ...world, FromPort: 22, ToPort: 22 };
    const content = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' };
    const model = buildModel(
      parseSnapshot({
        SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [ssh, ssh] }],
        SecurityGroupRules: [rule('sgr-a', content), rule('sgr-b', content)],
      }),
    );
    expect(model.securityGroups.get('sg-1')?.ingress.map((r) => r.ruleId)).toEqual(['sgr-a', 'sgr-b']);
    expect(model.warnings).toEqual([]);
  });
});

describe('an interface is exposed through any source of its groups (DESIGN §4 "Security groups")', () => {
  const exposed = (snapshot: Json) =>
    audit(snapshot, { rules: ['eni-internet-exposed'] }).map((f) => [f.ruleId, f.resourceId]);
  const PL_WORLD = { PrefixListId: 'pl-world', Entries: [{ Cidr: '0.0.0.0/0' }] };

  /** The world of helpers/world.ts with `sg-1` described by its SecurityGroupRules only. */
  function rulesOnly(rules: Parameters<typeof buildWorld>[0]['rules']): Json {
    const world = buildWorld({ groupId: 'sg-1', rules }) as unknown as Json;
    world.SecurityGroups = (world.SecurityGroups as Json[]).filter((g) => g.GroupId !== 'sg-1');
    world.ManagedPrefixLists = [PL_WORLD];
    return world;
  }

  /** The same world with `sg-1` described by its IpPermissions only, its one ingress permission `p`. */
  function permissionsOnly(p: Json): Json {
    const world = buildWorld({ groupId: 'sg-1', rules: [] }) as unknown as Json;
    world.SecurityGroupRules = [];
    world.SecurityGroups = (world.SecurityGroups as Json[]).map((g) =>
      g.GroupId === 'sg-1'
        ? { ...g, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, ...p }] }
        : g,
    );
    world.ManagedPrefixLists = [PL_WORLD];
    return world;
  }

  it('a group known only from its rules: an IPv6 world source, a prefix list of the world', () => {
    expect(exposed(rulesOnly([{ id: 'sgr-6', from: 22, cidr: '::/0' }]))).toEqual([
      ['eni-internet-exposed', ENI],
    ]);
    expect(exposed(rulesOnly([{ id: 'sgr-pl', from: 22, prefixList: 'pl-world' }]))).toEqual([
      ['eni-internet-exposed', ENI],
    ]);
  });

  it('a group known only from its rules: an egress rule to the world exposes nothing', () => {
    const world = rulesOnly([{ id: 'sgr-out', egress: true, from: 22, cidr: '0.0.0.0/0' }]);
    expect(exposed(world)).toEqual([]);
    expect(audit(world, { rules: ['sg-open-admin-port'] })).toEqual([]);
  });

  it('a group known only from its rules: the fix revokes the world-open ingress rule, never the egress twin', () => {
    const world = rulesOnly([
      { id: 'sgr-out', egress: true, from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-in', from: 22, cidr: '0.0.0.0/0' },
    ]);
    const [finding, ...rest] = audit(world, { rules: ['sg-open-admin-port'] });
    expect(rest).toEqual([]);
    expect(finding?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-1',
      rules: [
        {
          direction: 'ingress',
          securityGroupRuleId: 'sgr-in',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
  });

  it('a permission whose world source follows a VPC range, in any of its three lists', () => {
    const vpc = [{ CidrIp: '10.0.0.0/8' }];
    expect(exposed(permissionsOnly({ IpRanges: [...vpc, { CidrIp: '0.0.0.0/0' }] }))).toEqual([
      ['eni-internet-exposed', ENI],
    ]);
    expect(exposed(permissionsOnly({ IpRanges: vpc, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }))).toEqual([
      ['eni-internet-exposed', ENI],
    ]);
    expect(
      exposed(permissionsOnly({ IpRanges: vpc, PrefixListIds: [{ PrefixListId: 'pl-world' }] })),
    ).toEqual([['eni-internet-exposed', ENI]]);
    expect(exposed(permissionsOnly({ IpRanges: vpc }))).toEqual([]);
  });
});

describe('an interface’s addresses and groups as EC2 lists them (DESIGN §5 eni-internet-exposed)', () => {
  /** The model's node of one interface item. */
  function eni(item: Json) {
    const model = buildModel(
      parseSnapshot({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', SubnetId: 'subnet-1', ...item }] }),
    );
    const node = model.networkInterfaces.get('eni-1');
    if (!node) throw new Error('eni-1 not built');
    return node;
  }

  it('public IPv4: the primary first (also when PrivateIpAddresses omits it), then the others in numeric order, once each', () => {
    expect(eni({ Association: { PublicIp: '54.0.0.10' } }).publicIps).toEqual(['54.0.0.10']);
    expect(
      eni({ PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.6', Association: { PublicIp: '3.3.3.3' } }] })
        .publicIps,
    ).toEqual(['3.3.3.3']);
    expect(
      eni({
        Association: { PublicIp: '100.20.0.1' },
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.1.5', Association: { PublicIp: '20.0.0.1' } },
          { PrivateIpAddress: '10.0.1.4', Association: { PublicIp: '100.20.0.1' } },
          { PrivateIpAddress: '10.0.1.6', Association: { PublicIp: '3.3.3.3' } },
          { PrivateIpAddress: '10.0.1.7', Association: { PublicIp: '20.0.0.1' } },
        ],
      }).publicIps,
    ).toEqual(['100.20.0.1', '3.3.3.3', '20.0.0.1']);
  });

  it('public IPv6: the single field and the list, global unicast only, and delegated prefixes that hold public addresses', () => {
    expect(eni({ Ipv6Address: '2600:1f18::5' }).publicIpv6Addresses).toEqual(['2600:1f18::5']);
    expect(
      eni({
        Ipv6Address: '2600:1f18::10',
        Ipv6Addresses: [
          { Ipv6Address: '2600:1f18::9' },
          { Ipv6Address: 'fd00::1' },
          { Ipv6Address: '2600:1f18::10' },
        ],
      }).publicIpv6Addresses,
    ).toEqual(['2600:1f18::9', '2600:1f18::10']);
    expect(
      eni({
        Ipv6Prefixes: [
          { Ipv6Prefix: '2600:1f18::20/80' },
          { Ipv6Prefix: '1000::/16' },
          { Ipv6Prefix: '4000::/16' },
          { Ipv6Prefix: 'fd00::/80' },
          { Ipv6Prefix: '2600:1f18::10/80' },
          // The same start: the shorter prefix first (text order would put /100 before /64).
          { Ipv6Prefix: '2600:1f18:1::/100' },
          { Ipv6Prefix: '2600:1f18:1::/64' },
        ],
      }).publicIpv6Addresses,
    ).toEqual(['2600:1f18::10/80', '2600:1f18::20/80', '2600:1f18:1::/64', '2600:1f18:1::/100']);
  });

  it('its groups once each, sorted; its tags from TagSet, or from Tags in a hand-made snapshot', () => {
    expect(eni({ Groups: [{ GroupId: 'sg-2' }, { GroupId: 'sg-1' }, { GroupId: 'sg-2' }] }).groupIds).toEqual(
      ['sg-1', 'sg-2'],
    );
    const tag = [{ Key: 'vpc-guardrail:exempt', Value: '*' }];
    expect(eni({ Tags: tag }).tags).toEqual(tag);
    expect(eni({ TagSet: tag, Tags: [{ Key: 'Name', Value: 'x' }] }).tags).toEqual(tag);
  });
});
