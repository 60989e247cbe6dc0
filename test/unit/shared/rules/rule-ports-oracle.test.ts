import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../../shared/config';
import { evaluate } from '../../../../shared/engine';
import type { Finding } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { parseCidr4 } from '../../../../shared/net/cidr';
import {
  type Interval,
  type IntervalSet,
  normalize,
  subtract,
  union,
} from '../../../../shared/net/interval-set';
import { isWorldOpen4, publicCount4 } from '../../../../shared/net/public-space';

// DESIGN §13: the rules' port answers (which ports each sg-open-* rule reports, the NACL admin and
// return-path rules, an interface's exposed ports) against a brute-force walk, port by port, that
// shares no code with the rules: it reads the generated entries and rules as written, walks NACL
// entries in rule-number order, and asks only the (separately oracle-tested) public-space count.
// Ports stay within 0–30 so that every port can be visited; 31 and 65535 stand for the rest.

const CIDRS = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '10.0.0.0/8',
  '1.0.0.0/8',
  '2.0.0.0/8',
  '64.0.0.0/2',
  '8.8.8.8/32',
];
const PROTOCOLS = ['-1', '6', '17', '1', 'tcp', 'udp'] as const;
const TRANSPORTS = [
  ['tcp', '6'],
  ['udp', '17'],
] as const;
const PORTS = [...Array.from({ length: 32 }, (_, p) => p), 65535];

interface GenEntry {
  number: number;
  protocol: string;
  from: number;
  to: number;
  allow: boolean;
  egress: boolean;
  cidr: string;
}

interface GenRule {
  protocol: string;
  from: number;
  to: number;
  cidr: string;
  group: number;
}

const span = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.nat(9))
  .map(([a, b, wide]) => (wide === 0 ? [0, 65535] : [Math.min(a, b), Math.max(a, b)]) as [number, number]);

const genEntry: fc.Arbitrary<GenEntry> = fc
  .record({
    number: fc.integer({ min: 1, max: 60 }),
    protocol: fc.constantFrom(...PROTOCOLS),
    span,
    allow: fc.boolean(),
    egress: fc.boolean(),
    cidr: fc.constantFrom(...CIDRS),
  })
  .map(({ span: [from, to], ...e }) => ({ ...e, from, to }));
const genEntries = fc.uniqueArray(genEntry, { selector: (e) => `${e.number}|${e.egress}`, maxLength: 8 });

const genRule: fc.Arbitrary<GenRule> = fc
  .record({
    protocol: fc.constantFrom(...PROTOCOLS),
    span,
    cidr: fc.constantFrom(...CIDRS),
    group: fc.integer({ min: 0, max: 1 }),
  })
  .map(({ span: [from, to], ...r }) => ({ ...r, from, to }));

const transportOf = (protocol: string) =>
  protocol === '6' || protocol === 'tcp' ? 'tcp' : protocol === '17' || protocol === 'udp' ? 'udp' : protocol;
const hasPorts = (protocol: string) => transportOf(protocol) === 'tcp' || transportOf(protocol) === 'udp';

function block(cidr: string): Interval<number> {
  const range = parseCidr4(cidr);
  if (!range) throw new Error(`bad CIDR ${cidr}`);
  return [range.start, range.end];
}

/** Carries `transport` traffic on `port`: all-traffic, or the protocol with the port in range. */
function carries(x: { protocol: string; from: number; to: number }, transport: string, port: number) {
  if (x.protocol === '-1') return true;
  return transportOf(x.protocol) === transport && x.from <= port && port <= x.to;
}

/** NACL first match: the peers whose first matching entry (by rule number) on this port allows. */
function naclPermits(entries: readonly GenEntry[], egress: boolean, transport: string, port: number) {
  let decided: IntervalSet<number> = [];
  let permitted: IntervalSet<number> = [];
  const ordered = entries.filter((e) => e.egress === egress).sort((a, b) => a.number - b.number);
  for (const e of ordered) {
    if (!carries(e, transport, port)) continue;
    const own = [block(e.cidr)];
    if (e.allow) permitted = union(permitted, subtract(own, decided));
    decided = union(decided, own);
  }
  return permitted;
}

/** The security groups' sources on this port (allow-only: their union). */
function groupSources(rules: readonly GenRule[], transport: string, port: number) {
  return normalize(rules.filter((r) => carries(r, transport, port)).map((r) => block(r.cidr)));
}

function naclSnapshotEntry(e: GenEntry) {
  return {
    RuleNumber: e.number,
    Protocol: e.protocol,
    RuleAction: e.allow ? 'allow' : 'deny',
    Egress: e.egress,
    CidrBlock: e.cidr,
    ...(hasPorts(e.protocol) ? { PortRange: { From: e.from, To: e.to } } : {}),
  };
}

function permission(r: GenRule) {
  return {
    IpProtocol: r.protocol,
    ...(hasPorts(r.protocol) ? { FromPort: r.from, ToPort: r.to } : {}),
    IpRanges: [{ CidrIp: r.cidr }],
  };
}

/** `["3/tcp", "5-7/udp"]` as single `port/protocol` texts, up to port `max` (31: the visited ones). */
function portTexts(list: unknown, max = 31): string[] {
  const out: string[] = [];
  for (const text of Array.isArray(list) ? (list as string[]) : []) {
    const [ports = '', protocol] = text.split('/');
    const [from = 0, to = from] = ports.split('-').map(Number);
    for (let p = from; p <= to && p <= max; p++) out.push(`${p}/${protocol}`);
  }
  return out.sort();
}

function run(snapshot: Record<string, unknown>, config: ConfigInput): Finding[] {
  return evaluate(parseSnapshot(snapshot), parseConfig(config));
}

const of = (findings: readonly Finding[], ruleId: string) => findings.find((f) => f.ruleId === ruleId);

describe('rule ports against a brute-force walk (DESIGN §13)', () => {
  it('sg-open-* precedence and sg-broad-public-source: each world-open port under the first rule that applies', () => {
    const config: ConfigInput = {
      adminPorts: ['22/tcp', '3/udp'],
      highRiskPorts: ['22/tcp', '23/tcp', '5/udp'],
      authorizedPorts: ['80/tcp', '10-12/tcp', '7/udp'],
    };
    const admin = new Set(['22/tcp', '3/udp']);
    const highRisk = new Set(['23/tcp', '5/udp']);
    const authorized = new Set(['10/tcp', '11/tcp', '12/tcp', '7/udp']);
    fc.assert(
      fc.property(fc.array(genRule, { maxLength: 6 }), (rules) => {
        const findings = run(
          { SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: rules.map(permission) }] },
          config,
        );
        const world: string[] = [];
        const broad: string[] = [];
        let everyTcpPort = true;
        for (const [transport] of TRANSPORTS) {
          for (const port of PORTS) {
            const sources = groupSources(rules, transport, port);
            const open = isWorldOpen4(sources, 0.99);
            if (transport === 'tcp' && !open) everyTcpPort = false;
            if (port > 31) continue;
            if (open) world.push(`${port}/${transport}`);
            else if (publicCount4(sources) >= 2 ** 24) broad.push(`${port}/${transport}`);
          }
        }
        const expected = {
          all: [] as string[],
          admin: [] as string[],
          high: [] as string[],
          other: [] as string[],
        };
        if (everyTcpPort) expected.all = world;
        else
          for (const p of world) {
            if (admin.has(p)) expected.admin.push(p);
            else if (highRisk.has(p)) expected.high.push(p);
            else if (!authorized.has(p)) expected.other.push(p);
          }
        const reported = (ruleId: string) => portTexts(of(findings, ruleId)?.evidence.ports);
        expect({
          all: reported('sg-open-all-traffic'),
          admin: reported('sg-open-admin-port'),
          high: reported('sg-open-high-risk-port'),
          other: reported('sg-open-unauthorized-port'),
          broad: reported('sg-broad-public-source'),
        }).toEqual({
          all: expected.all.sort(),
          admin: expected.admin.sort(),
          high: expected.high.sort(),
          other: expected.other.sort(),
          broad: broad.sort(),
        });
      }),
      { numRuns: 400 },
    );
  });

  it('nacl-open-admin-port, nacl-broad-public-source and nacl-ephemeral-return-blocked', () => {
    const config: ConfigInput = { adminPorts: ['22/tcp', '25/udp'], ephemeralPorts: { from: 10, to: 40 } };
    const adminOf = { tcp: 22, udp: 25 } as const;
    fc.assert(
      fc.property(genEntries, (entries) => {
        const findings = run(
          {
            NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: entries.map(naclSnapshotEntry) }],
          },
          config,
        );
        // Admin ports inbound: world-open, else broad (≥ 2^24 public peers).
        const expectedOpen: string[] = [];
        const expectedBroad: string[] = [];
        for (const [transport] of TRANSPORTS) {
          const port = adminOf[transport];
          const peers = naclPermits(entries, false, transport, port);
          if (isWorldOpen4(peers, 0.99)) expectedOpen.push(`${port}/${transport}`);
          else if (publicCount4(peers) >= 2 ** 24) expectedBroad.push(`${port}/${transport}`);
        }
        expect(portTexts(of(findings, 'nacl-open-admin-port')?.evidence.ports)).toEqual(expectedOpen);
        expect(portTexts(of(findings, 'nacl-broad-public-source')?.evidence.ports)).toEqual(expectedBroad);
        // Return paths: the peers served below the ephemeral range need every ephemeral port but
        // the admin ones in the other direction.
        const directions = of(findings, 'nacl-ephemeral-return-blocked')?.evidence.directions as
          | { direction: string; blockedPorts: string[] }[]
          | undefined;
        for (const egress of [false, true]) {
          const expected: string[] = [];
          for (const [transport] of TRANSPORTS) {
            let served: IntervalSet<number> = [];
            for (let p = 0; p < 10; p++) served = union(served, naclPermits(entries, egress, transport, p));
            if (served.length === 0) continue;
            for (let q = 10; q <= 40; q++) {
              if (q === adminOf[transport]) continue;
              if (subtract(served, naclPermits(entries, !egress, transport, q)).length > 0)
                expected.push(`${q}/${transport}`);
            }
          }
          const got = directions?.find((d) => d.direction === (egress ? 'egress' : 'ingress'))?.blockedPorts;
          // The ephemeral range here runs to 40.
          expect(portTexts(got, 40)).toEqual(expected.sort());
        }
      }),
      { numRuns: 400 },
    );
  });

  it('eni-internet-exposed: ports the groups, the NACL inbound and some NACL outbound port all open to the world', () => {
    const config: ConfigInput = { adminPorts: ['22/tcp'], highRiskPorts: [], authorizedPorts: [] };
    fc.assert(
      fc.property(genEntries, fc.array(genRule, { maxLength: 6 }), (entries, rules) => {
        const snapshot = {
          Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1' }],
          RouteTables: [
            {
              RouteTableId: 'rtb-1',
              VpcId: 'vpc-1',
              Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
              Associations: [{ Main: true }],
            },
          ],
          NetworkAcls: [
            {
              NetworkAclId: 'acl-1',
              VpcId: 'vpc-1',
              IsDefault: true,
              Entries: entries.map(naclSnapshotEntry),
            },
          ],
          SecurityGroups: [0, 1].map((g) => ({
            GroupId: `sg-${g}`,
            VpcId: 'vpc-1',
            IpPermissions: rules.filter((r) => r.group === g).map(permission),
          })),
          NetworkInterfaces: [
            {
              NetworkInterfaceId: 'eni-1',
              SubnetId: 'subnet-1',
              Groups: [{ GroupId: 'sg-0' }, { GroupId: 'sg-1' }],
              Association: { PublicIp: '198.51.100.7' },
            },
          ],
        };
        const exposure = of(run(snapshot, config), 'eni-internet-exposed');
        const expected: string[] = [];
        for (const [transport] of TRANSPORTS) {
          const wayBack = PORTS.some((p) => isWorldOpen4(naclPermits(entries, true, transport, p), 0.99));
          if (!wayBack) continue;
          for (let port = 0; port <= 31; port++) {
            if (!isWorldOpen4(groupSources(rules, transport, port), 0.99)) continue;
            if (!isWorldOpen4(naclPermits(entries, false, transport, port), 0.99)) continue;
            expected.push(`${port}/${transport}`);
          }
        }
        expect(portTexts(exposure?.evidence.ports)).toEqual(expected.sort());
      }),
      { numRuns: 400 },
    );
  });
});
