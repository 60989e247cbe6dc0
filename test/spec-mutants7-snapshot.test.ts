import { describe, expect, it } from 'vitest';
import { InputError } from '../shared/errors';
import { unreadablePolicyReason } from '../shared/model/policy-notes';
import { readSnapshot, readSnapshotText } from '../shared/model/snapshot';

// DESIGN §3 ("no audit may come out clean because its input was wrong"): what the mutation checks
// of the snapshot reader (helper mutants7, 2026-12-08) found without a test that would fail. Each
// test names what EC2 prints or refuses, and the exact error line a user reads.

type Json = Record<string, unknown>;

/** The issues of the InputError that reading `input` throws; `[]` when it is read. */
function issuesOf(input: unknown): string[] {
  try {
    readSnapshot(structuredClone(input));
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  return [];
}

/** A snapshot holding one item of each kind, every address field set to a valid value. */
function everyAddress(): Json {
  return {
    Vpcs: [
      {
        VpcId: 'vpc-1',
        CidrBlock: '10.0.0.0/16',
        CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16' }],
        Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18::/56' }],
      },
    ],
    Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' }],
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        VpcId: 'vpc-1',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '10.0.0.0/8' }],
            Ipv6Ranges: [{ CidrIpv6: '2600:1f18::/56' }],
          },
        ],
      },
    ],
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-4',
        GroupId: 'sg-2',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '10.0.0.0/8',
      },
      {
        SecurityGroupRuleId: 'sgr-6',
        GroupId: 'sg-2',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv6: '2600:1f18::/56',
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        Entries: [
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/8' },
          {
            RuleNumber: 101,
            Protocol: '-1',
            RuleAction: 'allow',
            Egress: false,
            Ipv6CidrBlock: '2600:1f18::/56',
          },
        ],
        Associations: [{ SubnetId: 'subnet-1' }],
      },
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        Routes: [
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' },
          { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1' },
        ],
      },
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        Association: { PublicIp: '3.3.3.3' },
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.5', Association: { PublicIp: '3.3.3.4' } }],
        Ipv6Address: '2600:1f18::5',
        Ipv6Addresses: [{ Ipv6Address: '2600:1f18::6' }],
        Ipv6Prefixes: [{ Ipv6Prefix: '2600:1f18::10/80' }],
        Groups: [{ GroupId: 'sg-1' }],
      },
    ],
    ManagedPrefixLists: [
      { PrefixListId: 'pl-1', Entries: [{ Cidr: '198.51.100.0/24' }, { Cidr: '2600:1f18::/56' }] },
    ],
  };
}

/** Sets the value at a dotted path with `[i]` indexes (`Vpcs[0].CidrBlock`). */
function setAt(root: Json, path: string, value: unknown): void {
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let at = root as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys[keys.length - 1] as string] = value;
}

describe('every address field is checked as EC2 checks it (DESIGN §3 "CIDRs")', () => {
  it('reads the snapshot holding one valid address in each field', () => {
    expect(issuesOf(everyAddress())).toEqual([]);
  });

  // A value EC2 would never print in each field: read as written, a CIDR that does not parse was
  // dropped by the model (a SecurityGroupRules source vanished), an address not read hid the
  // interface's exposure.
  const CASES: [string, string, string][] = [
    ['Vpcs[0].CidrBlock', '010.0.0.0/16', 'a valid IPv4 CIDR'],
    ['Vpcs[0].CidrBlockAssociationSet[0].CidrBlock', '10.0.0.0/33', 'a valid IPv4 CIDR'],
    ['Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock', '2600:1f18::/129', 'a valid IPv6 CIDR'],
    ['Subnets[0].CidrBlock', '10.0.01.0/24', 'a valid IPv4 CIDR'],
    ['SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp', '010.0.0.0/8', 'a valid IPv4 CIDR'],
    ['SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6', '::/00', 'a valid IPv6 CIDR'],
    ['SecurityGroupRules[0].CidrIpv4', '0.0.0.0/00', 'a valid IPv4 CIDR'],
    ['SecurityGroupRules[1].CidrIpv6', '::0/129', 'a valid IPv6 CIDR'],
    ['NetworkAcls[0].Entries[0].CidrBlock', '00.0.0.0/0', 'a valid IPv4 CIDR'],
    ['NetworkAcls[0].Entries[1].Ipv6CidrBlock', '::/-1', 'a valid IPv6 CIDR'],
    ['RouteTables[0].Routes[0].DestinationCidrBlock', '0.0.0.0', 'a valid IPv4 CIDR'],
    ['RouteTables[0].Routes[1].DestinationIpv6CidrBlock', '::', 'a valid IPv6 CIDR'],
    ['NetworkInterfaces[0].Association.PublicIp', '03.3.3.3', 'a valid IPv4 address'],
    ['NetworkInterfaces[0].PrivateIpAddresses[0].Association.PublicIp', '3.3.3.256', 'a valid IPv4 address'],
    ['NetworkInterfaces[0].Ipv6Address', '2600:1f18::5/128', 'a valid IPv6 address'],
    ['NetworkInterfaces[0].Ipv6Addresses[0].Ipv6Address', '2600:1f18:::6', 'a valid IPv6 address'],
    ['NetworkInterfaces[0].Ipv6Prefixes[0].Ipv6Prefix', '2600:1f18::10', 'a valid IPv6 CIDR'],
    ['ManagedPrefixLists[0].Entries[0].Cidr', '198.51.100.0/024', 'a valid IPv4 or IPv6 CIDR'],
    ['ManagedPrefixLists[0].Entries[1].Cidr', '2600:1f18::/0056', 'a valid IPv4 or IPv6 CIDR'],
  ];
  it.each(CASES)('%s = %j is an error naming the path', (path, value, what) => {
    const snapshot = everyAddress();
    setAt(snapshot, path, value);
    expect(issuesOf(snapshot)).toEqual([`${path}: not ${what} (${JSON.stringify(value)})`]);
  });
});

describe('SecurityGroupRules items are checked as EC2 checks a rule (DESIGN §3 "Values")', () => {
  const rule = (changes: Json): Json => ({
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-1',
        GroupId: 'sg-1',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
        ...changes,
      },
    ],
  });
  const all = ', or -1 on both FromPort and ToPort for all ports';

  it('refuses reversed, out-of-range and missing ports, as in IpPermissions', () => {
    expect(issuesOf(rule({ FromPort: 3389, ToPort: 22 }))).toEqual([
      'SecurityGroupRules[0].FromPort: must not exceed ToPort (3389 > 22)',
    ]);
    expect(issuesOf(rule({ ToPort: 65536 }))).toEqual([
      `SecurityGroupRules[0].ToPort: must be a port 0–65535 for tcp${all} (got 65536)`,
    ]);
    expect(issuesOf(rule({ IpProtocol: 'udp', FromPort: undefined, ToPort: undefined }))).toEqual([
      `SecurityGroupRules[0].FromPort: is required for udp (expected a port 0–65535${all})`,
      `SecurityGroupRules[0].ToPort: is required for udp (expected a port 0–65535${all})`,
    ]);
    expect(issuesOf(rule({ IpProtocol: 'icmpv6', FromPort: 256, ToPort: -1 }))).toEqual([
      'SecurityGroupRules[0].FromPort: must be an icmpv6 type -1–255 (got 256)',
    ]);
  });

  it('a udp port under a near-miss key is named (not said to be missing), in either view', () => {
    expect(issuesOf(rule({ IpProtocol: 'udp', FromPort: undefined, fromPort: 53, ToPort: 53 }))).toEqual([
      'SecurityGroupRules[0].fromPort: unknown key; did you mean FromPort?',
    ]);
    expect(
      issuesOf({
        SecurityGroups: [
          { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '17', FromPort: 53, toport: 53 }] },
        ],
      }),
    ).toEqual(['SecurityGroups[0].IpPermissions[0].toport: unknown key; did you mean ToPort?']);
  });

  it('reads the ports EC2 prints: 0–65535, -1 on both, any icmp type and code', () => {
    expect(issuesOf(rule({ FromPort: 0, ToPort: 65535 }))).toEqual([]);
    expect(issuesOf(rule({ FromPort: -1, ToPort: -1 }))).toEqual([]);
    expect(issuesOf(rule({ IpProtocol: 'icmp', FromPort: -1, ToPort: 255 }))).toEqual([]);
  });
});

describe('NACL entries are checked as EC2 checks them (DESIGN §3 "Values")', () => {
  const entry = (changes: Json): Json => ({
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        Entries: [
          {
            RuleNumber: 100,
            Protocol: '6',
            RuleAction: 'allow',
            Egress: true,
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 22, To: 22 },
            ...changes,
          },
        ],
      },
    ],
  });

  it('an entry without Egress is an error: read as absent, an egress entry was judged as ingress', () => {
    expect(issuesOf(entry({ Egress: undefined }))).toEqual([
      'NetworkAcls[0].Entries[0].Egress: is required (expected a boolean)',
    ]);
    expect(issuesOf(entry({ Egress: undefined, egress: true }))).toEqual([
      'NetworkAcls[0].Entries[0].egress: unknown key; did you mean Egress?',
    ]);
  });

  it('an entry without RuleNumber is an error: unnumbered, its place in the first-match order is unknown', () => {
    expect(issuesOf(entry({ RuleNumber: undefined }))).toEqual([
      'NetworkAcls[0].Entries[0].RuleNumber: is required (expected an integer)',
    ]);
  });
});

describe('ICMP type and code are -1–255 at both ends (DESIGN §3 "Values")', () => {
  const sg = (IpProtocol: string, FromPort: number, ToPort: number): Json => ({
    SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol, FromPort, ToPort }] }],
  });
  const acl = (Protocol: string, Type: number, Code: number): Json => ({
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        Entries: [
          {
            RuleNumber: 100,
            Protocol,
            RuleAction: 'allow',
            Egress: false,
            ...(Protocol === '58' ? { Ipv6CidrBlock: '::/0' } : { CidrBlock: '0.0.0.0/0' }),
            IcmpTypeCode: { Type, Code },
          },
        ],
      },
    ],
  });
  const at = 'SecurityGroups[0].IpPermissions[0]';

  it('accepts -1 and 255 for the type and the code', () => {
    for (const [t, c] of [
      [-1, -1],
      [255, 255],
      [-1, 255],
      [255, -1],
    ] as const) {
      expect(issuesOf(sg('icmp', t, c))).toEqual([]);
      expect(issuesOf(acl('1', t, c))).toEqual([]);
      expect(issuesOf(acl('58', t, c))).toEqual([]);
    }
  });

  it('refuses a type of -2 and a code of 256 (the bound below the type, above the code)', () => {
    expect(issuesOf(sg('icmp', -2, 0))).toEqual([`${at}.FromPort: must be an icmp type -1–255 (got -2)`]);
    expect(issuesOf(sg('icmp', 0, 256))).toEqual([`${at}.ToPort: must be an icmp code -1–255 (got 256)`]);
    expect(issuesOf(acl('1', -2, 0))).toEqual([
      'NetworkAcls[0].Entries[0].IcmpTypeCode.Type: must be an icmp type -1–255 (got -2)',
    ]);
    expect(issuesOf(acl('1', 0, 256))).toEqual([
      'NetworkAcls[0].Entries[0].IcmpTypeCode.Code: must be an icmp code -1–255 (got 256)',
    ]);
    expect(issuesOf(acl('58', 256, 0))).toEqual([
      'NetworkAcls[0].Entries[0].IcmpTypeCode.Type: must be an icmpv6 type -1–255 (got 256)',
    ]);
  });
});

describe('NACL values: rule numbers, the listed final denies, udp ports', () => {
  const entries = (...list: Json[]): Json => ({
    NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: list }],
  });
  const e = (changes: Json): Json => ({
    RuleNumber: 100,
    Protocol: '-1',
    RuleAction: 'allow',
    Egress: false,
    CidrBlock: '0.0.0.0/0',
    ...changes,
  });
  const v6 = { CidrBlock: undefined, Ipv6CidrBlock: '::/0' };
  const RANGE = 'must be 1–32766, or 32767/32768 for the listed IPv4/IPv6 final deny';

  it('accepts 1 and 32766, and the final denies as EC2 lists them (32767 IPv4, 32768 IPv6)', () => {
    // As describe-network-acls prints a default NACL with IPv6 (shared/fixtures, awscli example).
    expect(
      issuesOf(
        entries(
          e({ RuleNumber: 1 }),
          e({ RuleNumber: 32766 }),
          e({ RuleNumber: 32767, RuleAction: 'deny' }),
          e({ RuleNumber: 32768, RuleAction: 'deny', ...v6 }),
        ),
      ),
    ).toEqual([]);
  });

  it('refuses 32769, and each final deny in the other family', () => {
    expect(issuesOf(entries(e({ RuleNumber: 32769 })))).toEqual([
      `NetworkAcls[0].Entries[0].RuleNumber: ${RANGE} (got 32769)`,
    ]);
    expect(issuesOf(entries(e({ RuleNumber: 32767, RuleAction: 'deny', ...v6 })))).toEqual([
      'NetworkAcls[0].Entries[0].RuleNumber: 32767 is the IPv4 final deny: expected RuleAction "deny" and an IPv4 block',
    ]);
    expect(issuesOf(entries(e({ RuleNumber: 32768, RuleAction: 'deny' })))).toEqual([
      'NetworkAcls[0].Entries[0].RuleNumber: 32768 is the IPv6 final deny: expected RuleAction "deny" and an IPv6 block',
    ]);
    expect(issuesOf(entries(e({ RuleNumber: 32768, ...v6 })))).toEqual([
      'NetworkAcls[0].Entries[0].RuleNumber: 32768 is the IPv6 final deny: expected RuleAction "deny" and an IPv6 block',
    ]);
  });

  it('an entry with no block is an error, one with both too', () => {
    expect(issuesOf(entries(e({ CidrBlock: undefined })))).toEqual([
      'NetworkAcls[0].Entries[0]: needs a CidrBlock or an Ipv6CidrBlock',
    ]);
    expect(issuesOf(entries(e({ Ipv6CidrBlock: '::/0' })))).toEqual([
      'NetworkAcls[0].Entries[0]: has both a CidrBlock and an Ipv6CidrBlock (expected one)',
    ]);
  });

  it('udp ports are checked as tcp ports are', () => {
    expect(issuesOf(entries(e({ Protocol: '17', PortRange: { From: 3389, To: 22 } })))).toEqual([
      'NetworkAcls[0].Entries[0].PortRange.From: must not exceed PortRange.To (3389 > 22)',
    ]);
    expect(issuesOf(entries(e({ Protocol: 'UDP', PortRange: { From: 0, To: 65536 } })))).toEqual([
      'NetworkAcls[0].Entries[0].PortRange.To: must be a port 0–65535 for udp, or -1 on both PortRange.From and PortRange.To for all ports (got 65536)',
    ]);
  });
});

describe('NACL rule numbers: two entries sharing one are refused when they differ in meaning', () => {
  const entries = (...list: Json[]): Json => ({
    NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: list }],
  });
  const e = (changes: Json): Json => ({
    RuleNumber: 100,
    Protocol: '6',
    RuleAction: 'allow',
    Egress: false,
    CidrBlock: '0.0.0.0/0',
    PortRange: { From: 22, To: 22 },
    ...changes,
  });
  const dup = (family: string) =>
    `NetworkAcls[0].Entries[1].RuleNumber: duplicate rule number 100 (ingress, ${family}): also at Entries[0]`;

  it('accepts an exact repeat, also when its protocol is spelled the other way (tcp and 6)', () => {
    expect(issuesOf(entries(e({}), e({ Protocol: 'tcp' })))).toEqual([]);
    expect(issuesOf(entries(e({}), e({ Protocol: 'TCP' })))).toEqual([]);
  });

  it('refuses two entries that differ only in the end port, the ICMP code or the IPv6 block', () => {
    expect(issuesOf(entries(e({}), e({ PortRange: { From: 22, To: 3389 } })))).toEqual([dup('IPv4')]);
    const icmp = (Code: number) =>
      e({ Protocol: '1', PortRange: undefined, IcmpTypeCode: { Type: 3, Code } });
    expect(issuesOf(entries(icmp(1), icmp(4)))).toEqual([dup('IPv4')]);
    const block = (Ipv6CidrBlock: string) =>
      e({ Protocol: '-1', PortRange: undefined, CidrBlock: undefined, Ipv6CidrBlock });
    expect(issuesOf(entries(block('2001:db8::/32'), block('::/0')))).toEqual([dup('IPv6')]);
  });
});

describe('a SecurityGroupRules item has exactly one source', () => {
  const rule = (sources: Json): Json => ({
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-1',
        GroupId: 'sg-1',
        IsEgress: false,
        IpProtocol: '-1',
        ...sources,
      },
    ],
  });
  it.each([
    [{ CidrIpv4: '10.0.0.0/8', PrefixListId: 'pl-1' }, 'CidrIpv4, PrefixListId'],
    [{ CidrIpv6: '::/0', ReferencedGroupInfo: { GroupId: 'sg-2' } }, 'CidrIpv6, ReferencedGroupInfo'],
    [{ PrefixListId: 'pl-1', ReferencedGroupInfo: { GroupId: 'sg-2' } }, 'PrefixListId, ReferencedGroupInfo'],
    [{ CidrIpv6: '::/0', PrefixListId: 'pl-1' }, 'CidrIpv6, PrefixListId'],
  ])('two sources %j: an error naming both (one would hide the other)', (sources, named) => {
    expect(issuesOf(rule(sources))).toEqual([
      `SecurityGroupRules[0]: has more than one source (${named}): expected one`,
    ]);
  });
});

describe('ids: at most 128 characters, an item’s own id not empty', () => {
  it('accepts a 128-character id and refuses a 129-character one, naming the path', () => {
    const id = (n: number) => `sg-${'a'.repeat(n - 3)}`;
    expect(issuesOf({ SecurityGroups: [{ GroupId: id(128) }] })).toEqual([]);
    expect(issuesOf({ SecurityGroups: [{ GroupId: id(129) }] })).toEqual([
      'SecurityGroups[0].GroupId: an id of 129 characters ("sg-aaaaaaaaaaaaaaaaaaaaa"…), longer than any EC2 id (at most 128)',
    ]);
    expect(issuesOf({ Vpcs: [{ VpcId: '' }] })).toEqual([
      'Vpcs[0].VpcId: is empty (expected the resource id EC2 prints)',
    ]);
  });
});

describe('how a refused snapshot is told', () => {
  const ports = (n: number): Json => ({
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        IpPermissions: Array.from({ length: n }, () => ({
          IpProtocol: 'tcp',
          FromPort: 70000,
          ToPort: 70000,
        })),
      },
    ],
  });
  const line = (i: number, end: string) =>
    `SecurityGroups[0].IpPermissions[${i}].${end}: must be a port 0–65535 for tcp, or -1 on both FromPort and ToPort for all ports (got 70000)`;

  it('up to 20 issues, every one; past 20, the first 20 and how many more', () => {
    // Two issues per permission: 10 permissions are 20 issues, 11 are 22.
    const twenty = Array.from({ length: 10 }, (_, i) => [line(i, 'FromPort'), line(i, 'ToPort')]).flat();
    expect(issuesOf(ports(10))).toEqual(twenty);
    expect(issuesOf(ports(11))).toEqual([...twenty, '… and 2 more']);
  });
});

describe('a protocol written as a JSON number in an egress permission', () => {
  it('is read as its text (-1: all traffic), as in an ingress permission', () => {
    const { snapshot } = readSnapshot({
      SecurityGroups: [
        { GroupId: 'sg-1', IpPermissionsEgress: [{ IpProtocol: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
      ],
    });
    expect(snapshot.SecurityGroups[0]?.IpPermissionsEgress[0]?.IpProtocol).toBe('-1');
  });
});

describe('snapshot text: a repeated key refuses the snapshot, but only makes a policy unreadable', () => {
  it('a key repeated inside an endpoint policy object: the snapshot is read, that policy noted unreadable', () => {
    const text =
      '{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcId": "vpc-1", "PolicyDocument": ' +
      '{"Statement": [{"Effect": "Deny", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}}]}';
    const { snapshot } = readSnapshotText(text);
    const policy = snapshot.VpcEndpoints[0]?.PolicyDocument;
    expect(typeof policy).toBe('object');
    expect(unreadablePolicyReason(policy as object)).toBe(
      'the key Statement[0].Effect is given twice (JSON keeps the last value; which one IAM reads is not documented)',
    );
  });

  it('a key repeated anywhere else refuses the snapshot, naming its path', () => {
    const text =
      '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [], "IpPermissions": [{"IpProtocol": "-1"}]}]}';
    expect(() => readSnapshotText(text)).toThrow(InputError);
    try {
      readSnapshotText(text);
    } catch (error) {
      expect((error as InputError).issues).toEqual([
        'SecurityGroups[0].IpPermissions: duplicate key (JSON keeps only the last of its values; give each key once, with the items of both in one list)',
      ]);
    }
  });
});

describe('a field whose absence reads as safe, misspelt: an error naming the field it resembles', () => {
  // Each of these fields, read as absent, turns a check off or drops an item from view (a subnet
  // not public, a route table not main, an interface without its public address or subnet...).
  const CASES: [string, string, string, Json][] = [
    ['Subnets', 'mapPublicIpOnLaunch', 'MapPublicIpOnLaunch', { SubnetId: 'subnet-1', VpcId: 'vpc-1' }],
    ['SecurityGroups', 'groupName', 'GroupName', { GroupId: 'sg-1' }],
    ['SecurityGroups', 'vpcid', 'VpcId', { GroupId: 'sg-1' }],
    ['NetworkAcls', 'isDefault', 'IsDefault', { NetworkAclId: 'acl-1', VpcId: 'vpc-1' }],
    ['NatGateways', 'subnetId', 'SubnetId', { NatGatewayId: 'nat-1' }],
    ['NatGateways', 'state', 'State', { NatGatewayId: 'nat-1' }],
    ['NatGateways', 'connectivityType', 'ConnectivityType', { NatGatewayId: 'nat-1' }],
    ['VpcEndpoints', 'vpcId', 'VpcId', { VpcEndpointId: 'vpce-1' }],
    ['VpcEndpoints', 'policyDocument', 'PolicyDocument', { VpcEndpointId: 'vpce-1' }],
    ['NetworkInterfaces', 'subnetId', 'SubnetId', { NetworkInterfaceId: 'eni-1' }],
    ['NetworkInterfaces', 'VPCId', 'VpcId', { NetworkInterfaceId: 'eni-1' }],
    ['NetworkInterfaces', 'association', 'Association', { NetworkInterfaceId: 'eni-1' }],
    ['ManagedPrefixLists', 'entries', 'Entries', { PrefixListId: 'pl-1', OwnerId: 'AWS' }],
  ];
  it.each(CASES)('%s[0].%s (for %s)', (list, key, meant, item) => {
    expect(issuesOf({ [list]: [{ ...item, [key]: 'x' }] })).toEqual([
      `${list}[0].${key}: unknown key; did you mean ${meant}?`,
    ]);
  });

  it('inside an item: a route table association’s Main and SubnetId, an interface address’s PublicIp', () => {
    const table = (association: Json) => ({
      RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [association] }],
    });
    expect(issuesOf(table({ main: true }))).toEqual([
      'RouteTables[0].Associations[0].main: unknown key; did you mean Main?',
    ]);
    expect(issuesOf(table({ Main: false, subnetId: 'subnet-1' }))).toEqual([
      'RouteTables[0].Associations[0].subnetId: unknown key; did you mean SubnetId?',
    ]);
    expect(
      issuesOf({
        NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Association: { publicIp: '3.3.3.3' } }],
      }),
    ).toEqual(['NetworkInterfaces[0].Association.publicIp: unknown key; did you mean PublicIp?']);
  });
});

describe('states and types EC2 prints in lower case: another case is an error, never another state', () => {
  it.each([
    ['RouteTables[0].Routes[0].State', 'Active', 'one of "active", "blackhole", "filtered"'],
    [
      'RouteTables[0].Associations[0].AssociationState.State',
      'Associated',
      'one of "associating", "associated", "disassociating", "disassociated", "failed"',
    ],
    ['NatGateways[0].State', 'Available', 'one of "pending", "failed", "available", "deleting", "deleted"'],
    ['NatGateways[0].ConnectivityType', 'Public', 'one of "public", "private"'],
    ['NetworkAcls[0].Entries[0].RuleAction', 'Allow', 'one of "allow", "deny"'],
  ])('%s = %j', (path, value, expected) => {
    const snapshot: Json = {
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
          Associations: [{ Main: true, AssociationState: { State: 'associated' } }],
        },
      ],
      NatGateways: [
        { NatGatewayId: 'nat-1', SubnetId: 'subnet-1', State: 'available', ConnectivityType: 'public' },
      ],
      NetworkAcls: [
        {
          NetworkAclId: 'acl-1',
          VpcId: 'vpc-1',
          Entries: [
            { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
          ],
        },
      ],
    };
    expect(issuesOf(snapshot)).toEqual([]);
    setAt(snapshot, path, value);
    expect(issuesOf(snapshot)).toEqual([`${path}: expected ${expected}, got a string ("${value}")`]);
  });
});

describe('ManagedPrefixLists: Entries required of a customer list, not of an AWS-managed one', () => {
  const REQUIRED = 'ManagedPrefixLists[0].Entries: is required (expected an array)';
  it('refuses a customer list without Entries; reads an AWS-managed one (owner AWS, or a com.amazonaws. name)', () => {
    expect(issuesOf({ ManagedPrefixLists: [{ PrefixListId: 'pl-1', OwnerId: '111122223333' }] })).toEqual([
      REQUIRED,
    ]);
    expect(
      issuesOf({ ManagedPrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'office.amazonaws.com' }] }),
    ).toEqual([REQUIRED]);
    expect(issuesOf({ ManagedPrefixLists: [{ PrefixListId: 'pl-1', OwnerId: 'AWS' }] })).toEqual([]);
    expect(
      issuesOf({
        ManagedPrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'com.amazonaws.us-east-1.s3' }],
      }),
    ).toEqual([]);
    expect(issuesOf({ ManagedPrefixLists: [{ PrefixListId: 'pl-1', Entries: [] }] })).toEqual([]);
  });
});

describe('optional fields whose misspelling hid an address or a block: an error naming the field (defect)', () => {
  // Found by the mutation checks (N7): these four fields were read as absent under any other
  // spelling, without a word. An interface whose only public IPv6 addresses are a delegated prefix
  // (or its single Ipv6Address) was then never exposed; a VPC\u2019s blocks read as none left the NACL
  // fix without the VPC\u2019s own admin sources (DESIGN §8).
  it.each([
    ['NetworkInterfaces', 'ipv6Prefixes', 'Ipv6Prefixes', [{ Ipv6Prefix: '2600:1f18::10/80' }]],
    ['NetworkInterfaces', 'IPv6Address', 'Ipv6Address', '2600:1f18::5'],
    [
      'Vpcs',
      'ipv6CidrBlockAssociationSet',
      'Ipv6CidrBlockAssociationSet',
      [{ Ipv6CidrBlock: '2600:1f18::/56' }],
    ],
    ['Vpcs', 'CidrBlockAssociationSets', 'CidrBlockAssociationSet', [{ CidrBlock: '10.0.0.0/16' }]],
  ])('%s[0].%s', (list, key, meant, value) => {
    const id = list === 'Vpcs' ? { VpcId: 'vpc-1' } : { NetworkInterfaceId: 'eni-1', SubnetId: 'subnet-1' };
    expect(issuesOf({ [list]: [{ ...id, [key]: value }] })).toEqual([
      `${list}[0].${key}: unknown key; did you mean ${meant}?`,
    ]);
  });

  it('the same key with the Kelvin sign (U+212A, lower-cased into ASCII) is the field it folds to', () => {
    const key = 'CidrBloc\u212aAssociationSet';
    expect(issuesOf({ Vpcs: [{ VpcId: 'vpc-1', [key]: [{ CidrBlock: '10.0.0.0/16' }] }] })).toEqual([
      `Vpcs[0].${key}: unknown key "${key}"; did you mean CidrBlockAssociationSet?`,
    ]);
  });
});
