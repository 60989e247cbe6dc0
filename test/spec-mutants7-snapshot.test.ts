import { describe, expect, it } from 'vitest';
import { InputError } from '../shared/errors';
import { readSnapshot } from '../shared/model/snapshot';

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
});
