import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailRecord,
  ENI,
  findingKeys,
  SUBNET,
  simulate,
  type World,
} from '../helpers';

// Review of routes whose destination is a prefix list (DESIGN §5 "Route resolution", §5
// eni-internet-exposed "judged per address family", §3 "Not judged is said"): the world of
// test/helpers/world.ts (one subnet on the main table rtb-0main, an interface with a public IPv4
// 54.0.0.10 and an IPv6 address, a group world-open on tcp 22 over IPv4 and IPv6).

const LIST = 'pl-0routes';
type Route = Record<string, string>;

/** The world with the main table's igw- routes replaced by `routes` (plus the local one). */
function world(
  routes: Route[],
  lists?: { id: string; entries: string[] }[],
  options: { name?: string; ipv4?: boolean; ipv6?: boolean } = {},
): World {
  const w = buildWorld({
    groupId: 'sg-0web',
    rules: [
      { id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-22-6', from: 22, cidr: '::/0' },
    ],
  });
  (w.Subnets[0] as Record<string, unknown>).Tags = [{ Key: 'Name', Value: options.name ?? 'private-a' }];
  (w.RouteTables[0] as { Routes: Route[] }).Routes = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    ...routes,
  ];
  const eni = w.NetworkInterfaces[0] as Record<string, unknown>;
  if (options.ipv4 === false) delete eni.Association;
  if (options.ipv6 === false) delete eni.Ipv6Addresses;
  if (lists)
    w.ManagedPrefixLists = lists.map((l) => ({
      PrefixListId: l.id,
      Entries: l.entries.map((Cidr) => ({ Cidr })),
    }));
  return w;
}

const report = (w: World) => evaluateReport(parseSnapshot(w), DEFAULT_CONFIG);
const findingsOf = (r: ReturnType<typeof report>, id: string) =>
  r.findings.filter((f) => f.resourceId === id).map((f) => f.ruleId);
const toIgw = (extra: Route): Route => ({ GatewayId: 'igw-0a1', State: 'active', ...extra });
const listRoute = toIgw({ DestinationPrefixListId: LIST });
const reasonFor = (lists: string) =>
  `the route table rtb-0main of subnet ${SUBNET} sends prefix list ${lists} to an internet gateway, whose entries are not in the snapshot (add it to ManagedPrefixLists)`;

describe('a list holding part of the internet follows the split-route rule (coverage)', () => {
  it('0.0.0.0/1 alone is not a way to the internet: nothing reported, nothing left unjudged', () => {
    const r = report(world([listRoute], [{ id: LIST, entries: ['0.0.0.0/1'] }], { ipv6: false }));
    expect(findingsOf(r, SUBNET)).toEqual([]);
    expect(findingsOf(r, ENI)).toEqual([]);
    expect(r.notJudged).toEqual([]);
  });

  it('0.0.0.0/1 in the list plus a written 128.0.0.0/1 route cover it together', () => {
    const r = report(
      world(
        [listRoute, toIgw({ DestinationCidrBlock: '128.0.0.0/1' })],
        [{ id: LIST, entries: ['0.0.0.0/1'] }],
        {
          ipv6: false,
        },
      ),
    );
    expect(findingsOf(r, SUBNET)).toEqual(['subnet-private-has-igw-route']);
    const subnet = r.findings.find((f) => f.ruleId === 'subnet-private-has-igw-route');
    expect(subnet?.evidence.igwRoutes).toEqual([
      { destination: LIST, gatewayId: 'igw-0a1' },
      { destination: '128.0.0.0/1', gatewayId: 'igw-0a1' },
    ]);
    expect(findingsOf(r, ENI)).toEqual(['eni-internet-exposed']);
  });

  it('the public space less the private ranges (≥ 99%) counts; the list is named once', () => {
    const r = report(
      world(
        [listRoute],
        [
          {
            id: LIST,
            entries: [
              '1.0.0.0/8',
              '2.0.0.0/7',
              '4.0.0.0/6',
              '8.0.0.0/7',
              '11.0.0.0/8',
              '12.0.0.0/6',
              '16.0.0.0/4',
              '32.0.0.0/3',
              '64.0.0.0/2',
              '128.0.0.0/2',
              '192.0.0.0/3',
            ],
          },
        ],
        { ipv6: false },
      ),
    );
    expect(findingsOf(r, SUBNET)).toEqual(['subnet-private-has-igw-route']);
    const subnet = r.findings.find((f) => f.ruleId === 'subnet-private-has-igw-route');
    expect(subnet?.evidence.igwRoutes).toEqual([{ destination: LIST, gatewayId: 'igw-0a1' }]);
  });
});

describe('an IPv6-only list', () => {
  it('::/0 in a list to the igw- exposes the interface over IPv6 only', () => {
    const r = report(world([listRoute], [{ id: LIST, entries: ['::/0'] }]));
    expect(findingsOf(r, SUBNET)).toEqual(['subnet-private-has-igw-route']);
    const exposed = r.findings.find((f) => f.ruleId === 'eni-internet-exposed');
    expect(Object.keys(exposed?.evidence.families as object)).toEqual(['ipv6']);
    expect(r.notJudged).toEqual([]);
  });

  it('2000::/3 (all of the IPv6 public space) counts the same', () => {
    const r = report(world([listRoute], [{ id: LIST, entries: ['2000::/3'] }], { ipv4: false }));
    expect(findingsOf(r, ENI)).toEqual(['eni-internet-exposed']);
  });
});

describe("a gateway endpoint's pl- route (to a vpce-) is never read as internet", () => {
  it('resolved (even to 0.0.0.0/0) or not, it decides nothing and leaves nothing unjudged', () => {
    const vpce = { DestinationPrefixListId: LIST, GatewayId: 'vpce-0s3', State: 'active' };
    for (const lists of [undefined, [{ id: LIST, entries: ['0.0.0.0/0', '::/0'] }]]) {
      const r = report(world([vpce], lists, { name: 'public-a' }));
      expect(findingsOf(r, SUBNET)).toEqual(['subnet-public-no-igw-route']);
      expect(findingsOf(r, ENI)).toEqual([]);
      expect(r.notJudged).toEqual([]);
    }
  });
});

describe('a list the snapshot lacks is judged per family (never a clean pass, never an unsupported finding)', () => {
  it('with ::/0 to the igw-, an interface with a public IPv4 is not judged (its IPv4 way out is unknown)', () => {
    const r = report(
      world([toIgw({ DestinationIpv6CidrBlock: '::/0' }), listRoute], undefined, { ipv6: false }),
    );
    expect(findingsOf(r, ENI)).toEqual([]);
    expect(r.notJudged).toEqual([
      { resourceId: ENI, reason: reasonFor(LIST), ruleId: 'eni-internet-exposed' },
    ]);
    // The IPv6 default route settles both naming rules: the private subnet is reported.
    expect(findingsOf(r, SUBNET)).toEqual(['subnet-private-has-igw-route']);
  });

  it('with 0.0.0.0/0 to the igw-, an interface with a public IPv6 address is not judged for it', () => {
    const r = report(
      world([toIgw({ DestinationCidrBlock: '0.0.0.0/0' }), listRoute], undefined, { ipv4: false }),
    );
    expect(findingsOf(r, ENI)).toEqual([]);
    expect(r.notJudged).toEqual([
      { resourceId: ENI, reason: reasonFor(LIST), ruleId: 'eni-internet-exposed' },
    ]);
  });

  it('an interface exposed over the family whose route is known is reported, and not judged for the other', () => {
    const r = report(world([toIgw({ DestinationCidrBlock: '0.0.0.0/0' }), listRoute]));
    expect(findingsOf(r, ENI)).toEqual(['eni-internet-exposed']);
    expect(r.notJudged).toEqual([
      { resourceId: ENI, reason: reasonFor(LIST), ruleId: 'eni-internet-exposed' },
    ]);
  });

  it('an interface without a public address of the unknown family is judged: nothing to list', () => {
    const r = report(
      world([toIgw({ DestinationCidrBlock: '0.0.0.0/0' }), listRoute], undefined, { ipv6: false }),
    );
    expect(findingsOf(r, ENI)).toEqual(['eni-internet-exposed']);
    expect(r.notJudged).toEqual([]);
  });

  it('a NAT gateway (IPv4 only) beside ::/0 to the igw- is not judged, not reported as stranded', () => {
    const w = world([toIgw({ DestinationIpv6CidrBlock: '::/0' }), listRoute], undefined, { name: 'nat-a' });
    w.NatGateways = [
      {
        NatGatewayId: 'nat-0a1',
        SubnetId: SUBNET,
        VpcId: 'vpc-0a1',
        State: 'available',
        ConnectivityType: 'public',
      },
    ];
    const r = report(w);
    expect(findingsOf(r, 'nat-0a1')).toEqual([]);
    expect(r.notJudged.filter((n) => n.resourceId === 'nat-0a1')).toEqual([
      { resourceId: 'nat-0a1', reason: reasonFor(LIST), ruleId: 'nat-gateway-in-private-subnet' },
    ]);
  });

  it('a NAT gateway beside 0.0.0.0/0 to the igw- is judged (not stranded): nothing listed', () => {
    const w = world([toIgw({ DestinationCidrBlock: '0.0.0.0/0' }), listRoute], undefined, { name: 'nat-a' });
    w.NatGateways = [
      {
        NatGatewayId: 'nat-0a1',
        SubnetId: SUBNET,
        VpcId: 'vpc-0a1',
        State: 'available',
        ConnectivityType: 'public',
      },
    ];
    const r = report(w);
    expect(findingsOf(r, 'nat-0a1')).toEqual([]);
    expect(r.notJudged.filter((n) => n.resourceId === 'nat-0a1')).toEqual([]);
  });
});

describe('remediation is unchanged by a route through a prefix list (DESIGN §8 precision)', () => {
  const resolved = [{ id: LIST, entries: ['0.0.0.0/0'] }];

  it('an SG event revokes the same world-open rules whether the list is resolved, unresolved or absent', async () => {
    const sgEvent = authorizeIngress('sg-0web', 22, [['sgr-22', '0.0.0.0/0']]);
    const plain = await simulate(sgEvent, world([toIgw({ DestinationCidrBlock: '0.0.0.0/0' })]), {
      mode: 'remediate',
    });
    const revoke = [
      {
        action: 'RevokeSecurityGroupIngress',
        parameters: { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-22', 'sgr-22-6'] },
      },
    ];
    expect(plain.actions).toEqual(revoke);
    for (const lists of [resolved, undefined]) {
      const r = await simulate(sgEvent, world([listRoute], lists), { mode: 'remediate' });
      expect(r.actions).toEqual(revoke);
    }
  });

  it('a CreateRoute to the igw- through a list reports the subnet and the interface and acts on nothing', async () => {
    const event = cloudTrailRecord('CreateRoute', {
      routeTableId: 'rtb-0main',
      destinationPrefixListId: LIST,
      gatewayId: 'igw-0a1',
    });
    const r = await simulate(event, world([listRoute], resolved), { mode: 'remediate' });
    expect(findingKeys(r)).toEqual([`eni-internet-exposed ${ENI}`, `subnet-private-has-igw-route ${SUBNET}`]);
    expect(r.actions).toEqual([]);
  });
});
