import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { NaclEntryInput } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { planRemediation } from '../../../../shared/remediation/plan';
import type { PlannedAction } from '../../../../shared/remediation/types';

// DESIGN §8 "NACL precision" on the most common bastion layout: a public subnet holding a bastion
// reachable on 22 from the internet, private subnets behind it, every subnet on the VPC's default
// NACL, which (as AWS creates it) allows everything in and out.

const VPC4 = '10.0.0.0/16';
const VPC6 = '2600:1f18:aa00::/56';
const ADMIN_NET = '172.16.50.0/24';
const ACL = 'acl-0bast';

type RawEntry = Omit<NaclEntryInput, 'NetworkAclId'>;

const allowAll = (n: number, cidr: string, Egress: boolean): RawEntry => ({
  RuleNumber: n,
  Protocol: '-1',
  RuleAction: 'allow',
  Egress,
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
});
const denyAll = (n: number, cidr: string, Egress: boolean): RawEntry => ({
  ...allowAll(n, cidr, Egress),
  RuleAction: 'deny',
});

const DEFAULT_ENTRIES: RawEntry[] = [
  allowAll(100, '0.0.0.0/0', false),
  allowAll(101, '::/0', false),
  allowAll(100, '0.0.0.0/0', true),
  allowAll(101, '::/0', true),
  denyAll(32767, '0.0.0.0/0', false),
  denyAll(32768, '::/0', false),
  denyAll(32767, '0.0.0.0/0', true),
  denyAll(32768, '::/0', true),
];

function bastionSnapshot() {
  const subnet = (id: string, cidr: string, name: string) => ({
    SubnetId: id,
    VpcId: 'vpc-0bast',
    CidrBlock: cidr,
    Tags: [{ Key: 'Name', Value: name }],
  });
  return {
    Vpcs: [
      {
        VpcId: 'vpc-0bast',
        CidrBlock: VPC4,
        CidrBlockAssociationSet: [{ CidrBlock: VPC4, CidrBlockState: { State: 'associated' } }],
        Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: VPC6, Ipv6CidrBlockState: { State: 'associated' } }],
      },
    ],
    Subnets: [
      subnet('subnet-0pub', '10.0.0.0/24', 'public-a'),
      subnet('subnet-0priv1', '10.0.1.0/24', 'private-a'),
      subnet('subnet-0priv2', '10.0.2.0/24', 'private-b'),
    ],
    // The default NACL: no explicit association, every subnet falls back on it.
    NetworkAcls: [
      { NetworkAclId: ACL, VpcId: 'vpc-0bast', IsDefault: true, Entries: DEFAULT_ENTRIES, Associations: [] },
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-0main',
        VpcId: 'vpc-0bast',
        Routes: [{ DestinationCidrBlock: VPC4, GatewayId: 'local', State: 'active' }],
        Associations: [{ Main: true, RouteTableId: 'rtb-0main' }],
      },
      {
        RouteTableId: 'rtb-0pub',
        VpcId: 'vpc-0bast',
        Routes: [
          { DestinationCidrBlock: VPC4, GatewayId: 'local', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0bast', State: 'active' },
        ],
        Associations: [{ Main: false, RouteTableId: 'rtb-0pub', SubnetId: 'subnet-0pub' }],
      },
    ],
    SecurityGroups: [
      {
        GroupId: 'sg-0bastion',
        GroupName: 'bastion',
        VpcId: 'vpc-0bast',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
      {
        GroupId: 'sg-0app',
        GroupName: 'app',
        VpcId: 'vpc-0bast',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-0bastion' }] },
        ],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-0bastion',
        SubnetId: 'subnet-0pub',
        VpcId: 'vpc-0bast',
        PrivateIpAddress: '10.0.0.10',
        Association: { PublicIp: '54.0.0.10' },
        Groups: [{ GroupId: 'sg-0bastion' }],
      },
      {
        NetworkInterfaceId: 'eni-0app',
        SubnetId: 'subnet-0priv1',
        VpcId: 'vpc-0bast',
        PrivateIpAddress: '10.0.1.20',
        Groups: [{ GroupId: 'sg-0app' }],
      },
    ],
  };
}

/** The NACL actions planned in `remediate` mode with the given config. */
function naclActions(config: ConfigInput): PlannedAction[] {
  const parsed = parseConfig({ mode: 'remediate', ...config });
  const findings = evaluate(parseSnapshot(bastionSnapshot()), parsed);
  return planRemediation(findings, parsed, { sliceComplete: true }).actions.filter((a) =>
    a.action.includes('NetworkAclEntry'),
  );
}

/** The entries once the calls are made, as EC2 would hold them. */
function applyCalls(entries: readonly RawEntry[], actions: readonly PlannedAction[]): RawEntry[] {
  let out = entries.slice();
  const key = (e: { RuleNumber: number; Egress: boolean }) => `${e.Egress}|${e.RuleNumber}`;
  for (const action of actions) {
    if (action.action === 'CreateNetworkAclEntry' || action.action === 'ReplaceNetworkAclEntry') {
      const { NetworkAclId: _id, ...entry } = action.parameters;
      out = [...out.filter((e) => key(e) !== key(entry)), entry];
    } else if (action.action === 'DeleteNetworkAclEntry') {
      out = out.filter((e) => key(e) !== key(action.parameters));
    }
  }
  return out;
}

// An independent oracle (no engine code): addresses as bigints, first match by rule number.
function address(text: string): { v6: boolean; value: bigint } {
  if (!text.includes(':')) {
    const value = text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { v6: false, value };
  }
  const [head = '', tail = ''] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = text.includes('::') ? groups(tail) : [];
  const all = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return { v6: true, value: all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n) };
}

function inCidr(source: string, cidr: string): boolean {
  const [net = '', bits = '0'] = cidr.split('/');
  const a = address(source);
  const n = address(net);
  if (a.v6 !== n.v6) return false;
  const width = a.v6 ? 128n : 32n;
  const shift = width - BigInt(Number(bits));
  return a.value >> shift === n.value >> shift;
}

/** The inbound entries that match one source, in rule order: what decides its packets. */
function forSource(entries: readonly RawEntry[], source: string) {
  return entries
    .filter((e) => !e.Egress && inCidr(source, e.CidrBlock ?? e.Ipv6CidrBlock ?? ''))
    .sort((a, b) => a.RuleNumber - b.RuleNumber)
    .map((e) => ({
      protocol: e.Protocol === 'tcp' ? 6 : e.Protocol === 'udp' ? 17 : Number(e.Protocol),
      from: e.PortRange?.From ?? 0,
      to: e.PortRange?.To ?? 65535,
      allow: e.RuleAction === 'allow',
    }));
}

/** First match: is one packet (protocol, port) of that source allowed in? */
function permits(matching: ReturnType<typeof forSource>, protocol: number, port: number): boolean {
  for (const e of matching) {
    if (e.protocol !== -1 && e.protocol !== protocol) continue;
    if ((protocol === 6 || protocol === 17) && (port < e.from || port > e.to)) continue;
    return e.allow;
  }
  return false;
}

describe('DESIGN §8 NACL precision: the bastion layout on the default NACL', () => {
  it('with the fix opted in, keeps tcp 22 from the VPC CIDR and denies it from 0.0.0.0/0', () => {
    // Act
    const actions = naclActions({ rules: { 'nacl-open-admin-port': 'remediate' } });
    // Assess: allows for the kept sources numbered just below each deny, IPv4 then IPv6 per port.
    const calls = actions.map((a) =>
      a.action === 'CreateNetworkAclEntry' || a.action === 'ReplaceNetworkAclEntry'
        ? [
            a.action,
            a.parameters.RuleNumber,
            a.parameters.RuleAction,
            a.parameters.Protocol,
            a.parameters.PortRange?.From,
            a.parameters.CidrBlock ?? a.parameters.Ipv6CidrBlock,
          ]
        : [a.action],
    );
    expect(calls).toEqual([
      ['CreateNetworkAclEntry', 88, 'allow', '17', 3389, VPC6],
      ['CreateNetworkAclEntry', 89, 'deny', '17', 3389, '::/0'],
      ['CreateNetworkAclEntry', 90, 'allow', '17', 3389, VPC4],
      ['CreateNetworkAclEntry', 91, 'deny', '17', 3389, '0.0.0.0/0'],
      ['CreateNetworkAclEntry', 92, 'allow', '6', 3389, VPC6],
      ['CreateNetworkAclEntry', 93, 'deny', '6', 3389, '::/0'],
      ['CreateNetworkAclEntry', 94, 'allow', '6', 3389, VPC4],
      ['CreateNetworkAclEntry', 95, 'deny', '6', 3389, '0.0.0.0/0'],
      ['CreateNetworkAclEntry', 96, 'allow', '6', 22, VPC6],
      ['CreateNetworkAclEntry', 97, 'deny', '6', 22, '::/0'],
      ['CreateNetworkAclEntry', 98, 'allow', '6', 22, VPC4],
      ['CreateNetworkAclEntry', 99, 'deny', '6', 22, '0.0.0.0/0'],
    ]);
  });

  it('brute force over sources: exactly the sources outside the VPC and naclAdminSources lose the admin ports, no other port changes', () => {
    // Prepare
    const actions = naclActions({
      rules: { 'nacl-open-admin-port': 'remediate' },
      naclAdminSources: [ADMIN_NET],
    });
    const after = applyCalls(DEFAULT_ENTRIES, actions);
    // One address per range class: VPC, naclAdminSources, other private (DESIGN §8 keeps only the
    // listed sources, so it is cut as the public ones are), public; both families.
    const sources = [
      { address: '10.0.7.7', kept: true },
      { address: '172.16.50.20', kept: true },
      { address: '192.168.3.3', kept: false },
      { address: '52.95.110.1', kept: false },
      { address: '2600:1f18:aa00:1::10', kept: true },
      { address: 'fd00::1', kept: false },
      { address: '2a00:1450:4001::1', kept: false },
    ];
    const admin = (protocol: number, port: number) =>
      (protocol === 6 && (port === 22 || port === 3389)) || (protocol === 17 && port === 3389);

    // Act + Assess: every protocol that matters, every port.
    const wrong: string[] = [];
    for (const { address: source, kept } of sources) {
      const was = forSource(DEFAULT_ENTRIES, source);
      const now = forSource(after, source);
      for (const protocol of [6, 17]) {
        for (let port = 0; port <= 65535; port++) {
          const before = permits(was, protocol, port);
          const expected = admin(protocol, port) && !kept ? false : before;
          if (permits(now, protocol, port) !== expected) wrong.push(`${source} ${protocol}/${port}`);
        }
      }
      // ICMP (no ports) is untouched.
      if (permits(now, 1, 0) !== permits(was, 1, 0)) wrong.push(`${source} icmp`);
    }
    expect(wrong).toEqual([]);
    // The egress side is untouched.
    expect(after.filter((e) => e.Egress)).toEqual(DEFAULT_ENTRIES.filter((e) => e.Egress));
  });

  it('without the opt-in, global remediate mode plans no NACL call', () => {
    expect(naclActions({})).toEqual([]);
  });

  it('the bastion group itself is still revoked in global remediate mode (the SG fix is not opt-in)', () => {
    const parsed = parseConfig({ mode: 'remediate' });
    const findings = evaluate(parseSnapshot(bastionSnapshot()), parsed);
    const plan = planRemediation(findings, parsed, { sliceComplete: true });
    expect(plan.actions.map((a) => a.action)).toEqual(['RevokeSecurityGroupIngress']);
    expect(plan.skipped.filter((s) => s.ruleId === 'nacl-open-admin-port').map((s) => s.resourceId)).toEqual([
      ACL,
    ]);
  });
});
