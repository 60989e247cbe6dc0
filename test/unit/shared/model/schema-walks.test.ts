import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputError } from '../../../../shared/errors';
import { checkOwners, oneOwnerIssues, uniqueRuleNumbers } from '../../../../shared/model/cross-checks';
import { buildModel } from '../../../../shared/model/model';
import { type Explain, validate } from '../../../../shared/model/schema-kit';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { SnapshotSchema } from '../../../../shared/model/snapshot-schema';
import {
  isCidr4,
  isCidr6,
  isIpv4,
  isIpv6,
  parseCidr4,
  parseCidr6,
  parseIpv4,
  parseIpv6,
} from '../../../../shared/net/cidr';
import { type Json, jsonPaths } from '../../../helpers';

// The compiled fast walk (generated straight-line code) decides alone whether a snapshot is valid;
// the explaining walk only runs when it refuses. So the two must agree on every input: a fast walk
// that accepts what the explaining walk refuses would be a silent false negative.

const DEMO = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as Json;

/** A rich snapshot: both rule views, NACL entries of each protocol kind, ports at their limits. */
const RICH: Json = {
  ...(DEMO as Record<string, Json>),
  SecurityGroupRules: [
    {
      SecurityGroupRuleId: 'sgr-1',
      GroupId: 'sg-1',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 0,
      ToPort: 65535,
      CidrIpv4: '0.0.0.0/0',
    },
    { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-1', IsEgress: true, IpProtocol: '-1', CidrIpv6: '::/0' },
  ],
  NetworkAcls: [
    {
      NetworkAclId: 'acl-x',
      VpcId: 'vpc-x',
      Entries: [
        {
          RuleNumber: 100,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 22, To: 22 },
        },
        {
          RuleNumber: 110,
          Protocol: '1',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '10.0.0.0/8',
          IcmpTypeCode: { Type: -1, Code: -1 },
        },
        {
          RuleNumber: 120,
          Protocol: '-1',
          RuleAction: 'allow',
          Egress: true,
          Ipv6CidrBlock: '2001:db8::/32',
        },
        { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
      ],
      Associations: [{ SubnetId: 'subnet-x' }],
    },
  ],
};

const ODD = fc.oneof(
  fc.constantFrom<Json>(
    null,
    undefined,
    true,
    -1,
    0,
    1,
    255,
    256,
    65535,
    65536,
    32766,
    32767,
    32768,
    -2,
    1.5,
    '',
    'tcp',
    'TCP',
    'all',
    '-1',
    '6',
    '06',
    '256',
    'deny',
    'allow',
    '010.0.0.0/8',
    '0.0.0.0/33',
    '10.0.0.1/8',
    '::/0',
    '::/129',
    'fd00::1',
    'fd00::1/64',
    '1::2::3/64',
    'sg-1',
    // An id at and over its bound, and empty (an item's own id may not be).
    `sg-${'a'.repeat(125)}`,
    `sg-${'a'.repeat(126)}`,
    '',
    [],
    {},
    [{}],
    { From: 100, To: 20 },
    { Type: 300 },
  ),
  fc.integer({ min: -100, max: 70000 }),
  fc.string({ maxLength: 8 }),
);

const mutation = fc.record({ at: fc.nat(), value: ODD, kind: fc.nat({ max: 2 }) });

function mutate(root: Json, at: number, value: Json, kind: number): void {
  const all = jsonPaths(root);
  const path = all[at % all.length] ?? [];
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (kind === 0) parent[last] = structuredClone(value);
  else if (kind === 1) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[last as number]));
}

/** What the explaining walk alone finds (it fills the same defaults as the fast walk). */
function explained(value: Json): string[] {
  const explain: Explain = { path: [], issues: [] };
  SnapshotSchema.check(value, explain);
  return explain.issues;
}

describe('the compiled fast walk and the explaining walk', () => {
  it('accept the same snapshots: 1,000 snapshots with a few mutations each', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const input = structuredClone(RICH);
        for (const m of mutations) mutate(input, m.at, m.value, m.kind);
        const fast = validate(SnapshotSchema, structuredClone(input));
        const slow = explained(structuredClone(input));
        if (fast === undefined) expect(slow).toEqual([]);
        else {
          refused++;
          expect(fast).toEqual(slow);
        }
      }),
      { numRuns: 1000 },
    );
    expect(refused).toBeGreaterThan(200);
  });

  it('accept the same snapshots: every value of the rich snapshot replaced by each odd value', () => {
    const odd: Json[] = [null, undefined, 1.5, -1, 65536, '', 'x', '0.0.0.0/33', [], {}];
    const all = jsonPaths(RICH);
    let refused = 0;
    for (let at = 0; at < all.length; at++) {
      for (const value of odd) {
        const input = structuredClone(RICH);
        mutate(input, at, value, 0);
        const fast = validate(SnapshotSchema, structuredClone(input));
        const slow = explained(structuredClone(input));
        if (fast === undefined) expect(slow, `${all[at]?.join('.')} = ${String(value)}`).toEqual([]);
        else {
          refused++;
          expect(fast).toEqual(slow);
        }
      }
    }
    expect(refused).toBeGreaterThan(all.length * 3);
  });

  it('accept the rich snapshot and the demo as they are', () => {
    expect(validate(SnapshotSchema, structuredClone(RICH))).toBeUndefined();
    expect(validate(SnapshotSchema, structuredClone(DEMO))).toBeUndefined();
  });

  it('fill a missing list in place, leave a missing optional list absent', () => {
    const input = { SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1' }] }] };
    expect(validate(SnapshotSchema, input)).toBeUndefined();
    const group = input.SecurityGroups[0] as Record<string, unknown>;
    expect(group.IpPermissionsEgress).toEqual([]);
    expect((group.IpPermissions as Record<string, unknown>[])[0]?.IpRanges).toEqual([]);
    expect((input as Record<string, unknown>).Vpcs).toEqual([]);
    const eni = { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1' }] };
    expect(validate(SnapshotSchema, eni)).toBeUndefined();
    expect('Tags' in (eni.NetworkInterfaces[0] as object)).toBe(false);
  });
});

describe('ports as EC2 checks them (the valid case returns before any message)', () => {
  const perm = (IpProtocol: string, FromPort?: number, ToPort?: number) => ({
    SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol, FromPort, ToPort }] }],
  });
  const issues = (input: Json): string[] => {
    try {
      parseSnapshot(input);
      return [];
    } catch (error) {
      return (error as InputError).issues;
    }
  };
  it('accepts 0–65535 with from ≤ to, and -1 on both', () => {
    for (const [from, to] of [
      [0, 0],
      [0, 65535],
      [65535, 65535],
      [22, 23],
      [-1, -1],
    ]) {
      expect(issues(perm('tcp', from, to))).toEqual([]);
      expect(issues(perm('17', from, to))).toEqual([]);
    }
  });
  it('refuses a missing end, -1 on one end, out of range, from > to', () => {
    const at = 'SecurityGroups[0].IpPermissions[0]';
    const all = ', or -1 on both FromPort and ToPort for all ports';
    expect(issues(perm('tcp', 22, undefined))).toEqual([
      `${at}.ToPort: is required for tcp (expected a port 0–65535${all})`,
    ]);
    expect(issues(perm('tcp', -1, 22))).toEqual([
      `${at}.FromPort: must be a port 0–65535 for tcp${all} (got -1)`,
    ]);
    expect(issues(perm('udp', 0, -1))).toEqual([
      `${at}.ToPort: must be a port 0–65535 for udp${all} (got -1)`,
    ]);
    expect(issues(perm('tcp', 0, 65536))).toEqual([
      `${at}.ToPort: must be a port 0–65535 for tcp${all} (got 65536)`,
    ]);
    expect(issues(perm('tcp', 70000, 65536))).toEqual([
      `${at}.FromPort: must be a port 0–65535 for tcp${all} (got 70000)`,
      `${at}.ToPort: must be a port 0–65535 for tcp${all} (got 65536)`,
    ]);
    expect(issues(perm('6', 23, 22))).toEqual([`${at}.FromPort: must not exceed ToPort (23 > 22)`]);
  });
  it('reads icmp ports as type and code, and ignores other protocols', () => {
    expect(issues(perm('icmp', -1, 255))).toEqual([]);
    expect(issues(perm('icmpv6', 256, -2))).toEqual([
      'SecurityGroups[0].IpPermissions[0].FromPort: must be an icmpv6 type -1–255 (got 256)',
      'SecurityGroups[0].IpPermissions[0].ToPort: must be an icmpv6 code -1–255 (got -2)',
    ]);
    expect(issues(perm('50', 70000, -5))).toEqual([]);
    expect(issues(perm('-1', 70000, -5))).toEqual([]);
  });
  it('accepts the protocols EC2 accepts, in any case, and nothing else', () => {
    for (const p of ['-1', 'tcp', 'TCP', 'Udp', 'icmp', 'ICMPv6', '0', '6', '17', '58', '255', '99']) {
      expect(issues(perm(p, 0, 0))).toEqual([]);
    }
    for (const p of ['all', 'ALL', '256', '06', ' tcp', 'tcp ', '', '-2', '1.0']) {
      expect(issues(perm(p, 0, 0))[0]).toMatch(/IpProtocol: not a protocol EC2 accepts/);
    }
  });
});

describe('NACL rule numbers: one entry per (direction, family, number)', () => {
  const entry = (RuleNumber: number, RuleAction: string, extra: Record<string, unknown> = {}) => ({
    RuleNumber,
    Protocol: '-1',
    RuleAction,
    Egress: false,
    CidrBlock: '10.0.0.0/8',
    ...extra,
  });
  for (const count of [5, 64, 65, 300]) {
    it(`names both entries of a duplicate among ${count} entries, accepts an exact repeat`, () => {
      const entries = Array.from({ length: count }, (_, i) => entry(i + 1, 'allow'));
      const messages: string[] = [];
      const issue = (key: string | undefined, message: string) => messages.push(`${key}: ${message}`);
      expect(uniqueRuleNumbers({ Entries: [...entries, entry(count, 'allow')] }, issue)).toBe(true);
      expect(uniqueRuleNumbers({ Entries: [...entries, entry(1, 'allow', { Egress: true })] }, issue)).toBe(
        true,
      );
      expect(
        uniqueRuleNumbers(
          { Entries: [...entries, entry(1, 'allow', { CidrBlock: undefined, Ipv6CidrBlock: '::/0' })] },
          issue,
        ),
      ).toBe(true);
      expect(messages).toEqual([]);
      expect(uniqueRuleNumbers({ Entries: [...entries, entry(3, 'deny')] }, issue)).toBe(false);
      expect(messages).toEqual([
        `Entries[${count}].RuleNumber: duplicate rule number 3 (ingress, IPv4): also at Entries[2]`,
      ]);
    });
  }
});

describe('one owner per subnet and VPC', () => {
  it('names each second owner and the first, in list order', () => {
    const acl = (id: string, vpc: string, subnets: string[], IsDefault?: boolean) => ({
      NetworkAclId: id,
      VpcId: vpc,
      IsDefault,
      Associations: subnets.map((SubnetId) => ({ SubnetId })),
    });
    const table = (id: string, vpc: string, associations: Record<string, unknown>[]) => ({
      RouteTableId: id,
      VpcId: vpc,
      Associations: associations,
    });
    expect(
      oneOwnerIssues({
        NetworkAcls: [
          acl('acl-a', 'vpc-1', ['subnet-1', 'subnet-2'], true),
          acl('acl-a', 'vpc-1', ['subnet-1']),
          acl('acl-b', 'vpc-1', ['subnet-3', 'subnet-2'], true),
        ],
        RouteTables: [
          table('rtb-a', 'vpc-1', [{ Main: true }, { SubnetId: 'subnet-1' }]),
          table('rtb-b', 'vpc-1', [
            { Main: true, AssociationState: { State: 'disassociated' } },
            { SubnetId: 'subnet-1', AssociationState: { State: 'associating' } },
            { Main: true },
          ]),
        ],
      }),
    ).toEqual([
      'NetworkAcls[2].IsDefault: vpc-1 already has a default network ACL (acl-a, at NetworkAcls[0].IsDefault)',
      'NetworkAcls[2].Associations[1].SubnetId: subnet-2 is already associated with another network ACL (acl-a, at NetworkAcls[0].Associations[1].SubnetId)',
      'RouteTables[1].Associations[1].SubnetId: subnet-1 is already associated with another route table (rtb-a, at RouteTables[0].Associations[1].SubnetId)',
      'RouteTables[1].Associations[2].Main: vpc-1 already has a main route table (rtb-a, at RouteTables[0].Associations[0].Main)',
    ]);
  });
});

describe('the owners the one-owner checks find', () => {
  /** The three maps as the model derives them from its nodes (last one wins). */
  function modelOwners(input: Json): Record<string, [string, string][]> {
    const model = buildModel(parseSnapshot(input));
    const nacl = new Map<string, string>();
    const defaults = new Map<string, string>();
    const tables = new Map<string, string>();
    for (const acl of model.networkAcls.values()) {
      for (const subnetId of acl.subnetIds) nacl.set(subnetId, acl.id);
      if (acl.isDefault) defaults.set(acl.vpcId, acl.id);
    }
    for (const table of model.routeTables.values()) {
      for (const subnetId of table.subnetIds) tables.set(subnetId, table.id);
    }
    return {
      naclBySubnet: sorted(nacl),
      defaultNaclByVpc: sorted(defaults),
      routeTableBySubnet: sorted(tables),
    };
  }
  const sorted = (map: Map<string, string>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const handed = (input: Json) => {
    const { owners } = checkOwners(parseSnapshot(structuredClone(input)));
    return {
      naclBySubnet: sorted(owners.naclBySubnet),
      defaultNaclByVpc: sorted(owners.defaultNaclByVpc),
      routeTableBySubnet: sorted(owners.routeTableBySubnet),
    };
  };

  it('are the maps the model derives: the demo, and associations in and out of force', () => {
    const input: Json = {
      NetworkAcls: [
        { NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: true, Associations: [{ SubnetId: 'subnet-1' }] },
        {
          NetworkAclId: 'acl-2',
          VpcId: 'vpc-1',
          Associations: [{ SubnetId: 'subnet-2' }, { SubnetId: 'subnet-2' }],
        },
      ],
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Associations: [
            { Main: true },
            { SubnetId: 'subnet-1', AssociationState: { State: 'disassociated' } },
            { SubnetId: 'subnet-3', AssociationState: { State: 'associating' } },
          ],
        },
        { RouteTableId: 'rtb-2', VpcId: 'vpc-1', Associations: [{ SubnetId: 'subnet-1' }, { SubnetId: '' }] },
      ],
    };
    for (const snapshot of [DEMO, RICH, input]) expect(handed(snapshot)).toEqual(modelOwners(snapshot));
    expect(handed(input).routeTableBySubnet).toEqual([
      ['subnet-1', 'rtb-2'],
      ['subnet-3', 'rtb-1'],
    ]);
  });

  it('name the first claimant where it claimed, also when an earlier item shares its id', () => {
    const acl = (id: string, subnets: string[], IsDefault?: boolean) => ({
      NetworkAclId: id,
      VpcId: 'vpc-1',
      IsDefault,
      Associations: subnets.map((SubnetId) => ({ SubnetId })),
    });
    expect(
      oneOwnerIssues({
        NetworkAcls: [acl('acl-a', ['s-1']), acl('acl-a', ['s-9'], true), acl('acl-b', ['s-9'], true)],
        RouteTables: [],
      }),
    ).toEqual([
      'NetworkAcls[2].IsDefault: vpc-1 already has a default network ACL (acl-a, at NetworkAcls[1].IsDefault)',
      'NetworkAcls[2].Associations[0].SubnetId: s-9 is already associated with another network ACL (acl-a, at NetworkAcls[1].Associations[0].SubnetId)',
    ]);
  });

  it('are found by the same walk that finds the issues', () => {
    const { issues, owners } = checkOwners({
      NetworkAcls: [
        { NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: true, Associations: [{ SubnetId: 's-1' }] },
      ],
      RouteTables: [],
    });
    expect(issues).toEqual([]);
    expect([...owners.naclBySubnet]).toEqual([['s-1', 'acl-1']]);
    expect([...owners.defaultNaclByVpc]).toEqual([['vpc-1', 'acl-1']]);
  });
});

describe('CIDR validity by character scan', () => {
  // Texts of the CIDR alphabets, biased to the edges: `::` next to the slash, leading zeros, prefixes.
  const v4 = fc
    .tuple(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '', 'x')), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.oneof(fc.integer({ min: -1, max: 40 }).map(String), fc.constantFrom('', '08', '00', '/1', '1 ')),
      fc.boolean(),
    )
    .map(([octets, prefix, slash]) => `${octets.join('.')}${slash ? '/' : ''}${prefix}`);
  const v6 = fc
    .tuple(
      fc.array(fc.constantFrom('', '0', 'f', 'FFFF', '12345', 'db8', 'g', '1.2.3.4', ' 1', '%e'), {
        minLength: 0,
        maxLength: 10,
      }),
      fc.oneof(fc.integer({ min: -1, max: 200 }).map(String), fc.constantFrom('', '064', '0', '/1')),
      fc.boolean(),
    )
    .map(([groups, prefix, slash]) => `${groups.join(':')}${slash ? '/' : ''}${prefix}`);
  it('isCidr4 accepts exactly what parseCidr4 reads', () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6, fc.string({ maxLength: 20 })), (text) => {
        expect(isCidr4(text)).toBe(parseCidr4(text) !== undefined);
      }),
      { numRuns: 5000 },
    );
  });
  it('isIpv4 accepts exactly what parseIpv4 reads', () => {
    fc.assert(
      fc.property(fc.oneof(v4, fc.string({ maxLength: 16 })), (cidr) => {
        const text = cidr.replace(/\/.*$/, '');
        expect(isIpv4(text)).toBe(parseIpv4(text) !== undefined);
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      '0.0.0.0',
      '255.255.255.255',
      '128.0.0.1',
      '256.0.0.0',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.',
      '',
    ]) {
      expect(isIpv4(text)).toBe(parseIpv4(text) !== undefined);
    }
  });
  it('isIpv6 accepts exactly what parseIpv6 reads', () => {
    // The hex-and-colon alphabet, biased to colons: `::`, `:::`, empty and long groups, 7–9 groups.
    const colons = fc
      .array(fc.constantFrom('', '', '0', 'f', 'ab', 'FFFF', '12345', ':', 'g'), {
        minLength: 1,
        maxLength: 11,
      })
      .map((parts) => parts.join(':'));
    fc.assert(
      fc.property(fc.oneof(colons, v6, fc.string({ maxLength: 12 })), (text) => {
        expect(isIpv6(text)).toBe(parseIpv6(text) !== undefined);
      }),
      { numRuns: 10000 },
    );
    for (const text of [
      '::',
      ':',
      ':::',
      '1::',
      '::1',
      '1:',
      ':1',
      '1::2::3',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7::8',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6::7:8',
      '::1:2:3:4:5:6:7',
      '12345::',
      '1:::2',
      '::ffff:1.2.3.4',
      '',
    ]) {
      expect(isIpv6(text)).toBe(parseIpv6(text) !== undefined);
    }
  });
  it('isCidr6 accepts exactly what parseCidr6 reads', () => {
    fc.assert(
      fc.property(fc.oneof(v6, v4, fc.string({ maxLength: 20 })), (text) => {
        expect(isCidr6(text)).toBe(parseCidr6(text) !== undefined);
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      '::/0',
      '::/128',
      '::/129',
      '1::/64',
      '1:::/64',
      '::1::/64',
      '1::2/0',
      ':/1',
      '1:2:3:4:5:6:7:8/64',
      '1:2:3:4:5:6:7::8/64',
      '::ffff:1.2.3.4/96',
      'fd00::1%eth0/64',
      ' ::1/128',
    ]) {
      expect(isCidr6(text)).toBe(parseCidr6(text) !== undefined);
    }
  });
});
