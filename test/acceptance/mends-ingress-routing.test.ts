import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import { buildWorld, ENI, SUBNET, VPC } from '../helpers';

// README "Not judged" / DESIGN §3 "Not judged is said", §5 eni-internet-exposed: behind ingress
// routing (an edge route table associated with the igw-), an interface with a public address whose
// subnet's default route leads to an appliance is not judged. Only an exact `0.0.0.0/0` (`::/0`)
// to the appliance was recognised: `0.0.0.0/1` + `128.0.0.0/1` (read as a default route when they
// go to an igw-), a prefix list holding the internet, or the IPv6 halves passed the interface as
// unreachable — a silent pass of an instance that a world-open group exposes through the firewall.

type Item = Record<string, unknown>;

const report = (snapshot: object) => evaluateReport(parseSnapshot(snapshot), DEFAULT_CONFIG);

/** The internet gateway's edge table: the subnet's traffic goes to the GWLB endpoint. */
const EDGE: Item = {
  RouteTableId: 'rtb-0edge',
  VpcId: VPC,
  Routes: [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    { DestinationCidrBlock: '10.0.1.0/24', GatewayId: 'vpce-0gwlb', State: 'active' },
  ],
  Associations: [
    {
      Main: false,
      RouteTableAssociationId: 'rtbassoc-0edge',
      RouteTableId: 'rtb-0edge',
      GatewayId: 'igw-0a1',
      AssociationState: { State: 'associated' },
    },
  ],
  Tags: [],
};

/** The world of test/helpers (SSH open to 0.0.0.0/0 and ::/0; ENI with 54.0.0.10 and 2600:1f18::10), its main table's routes replaced. */
function world(
  routes: Item[],
  options: { edge?: boolean; lists?: Item[]; publicIpv6?: boolean; endpoints?: Item[] } = {},
): Item {
  const w = buildWorld({
    groupId: 'sg-0web',
    rules: [
      { id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' },
      { id: 'sgr-22v6', from: 22, cidr: '::/0' },
    ],
  }) as unknown as Item & { RouteTables: Item[]; NetworkInterfaces: Item[] };
  (w.RouteTables[0] as Item).Routes = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    ...routes,
  ];
  if (options.edge !== false) w.RouteTables.push(EDGE);
  if (options.publicIpv6 === false) (w.NetworkInterfaces[0] as Item).Ipv6Addresses = [];
  return { ...w, ManagedPrefixLists: options.lists ?? [], VpcEndpoints: options.endpoints ?? [] };
}

const gatewayPart =
  'and the internet gateway igw-0a1 sends what it receives through route table rtb-0edge (ingress routing)';
const reason = (routed: string) =>
  `its subnet ${SUBNET} routes ${routed}, ${gatewayPart}: whether the internet reaches it through that appliance is not in the snapshot`;

const v4 = (cidr: string, target: Item): Item => ({ DestinationCidrBlock: cidr, State: 'active', ...target });
const v6 = (cidr: string, target: Item): Item => ({
  DestinationIpv6CidrBlock: cidr,
  State: 'active',
  ...target,
});
const GWLB = { GatewayId: 'vpce-0gwlb' };
const FIREWALL_ENI = { NetworkInterfaceId: 'eni-0fw' };
const IGW = { GatewayId: 'igw-0a1' };

const list = (id: string, cidrs: string[]): Item => ({
  PrefixListId: id,
  PrefixListName: 'everything',
  AddressFamily: cidrs[0]?.includes(':') ? 'IPv6' : 'IPv4',
  OwnerId: '111122223333',
  Entries: cidrs.map((Cidr) => ({ Cidr })),
});

/** The interface's findings and the not-judged lines. */
function judged(snapshot: Item) {
  const r = report(snapshot);
  return {
    findings: r.findings.filter((f) => f.resourceId === ENI).map((f) => f.ruleId),
    notJudged: r.notJudged,
  };
}

const notJudged = (why: string) => [{ resourceId: ENI, ruleId: 'eni-internet-exposed', reason: why }];

describe('ingress routing: routes that together send the internet to an appliance are its default route', () => {
  it('0.0.0.0/1 + 128.0.0.0/1 to a GWLB endpoint: not judged (it passed as unreachable)', () => {
    // Act
    const out = judged(world([v4('0.0.0.0/1', GWLB), v4('128.0.0.0/1', GWLB)]));
    // Assess
    expect(out).toEqual({
      findings: [],
      notJudged: notJudged(reason('0.0.0.0/1 and 128.0.0.0/1 to vpce-0gwlb')),
    });
  });

  it('the halves to a firewall interface, listed high half first, are named in address order', () => {
    const out = judged(world([v4('128.0.0.0/1', FIREWALL_ENI), v4('0.0.0.0/1', FIREWALL_ENI)]));
    expect(out.notJudged).toEqual(notJudged(reason('0.0.0.0/1 and 128.0.0.0/1 to eni-0fw')));
  });

  it('half to the igw- and half to the appliance: not judged, both routes named', () => {
    const out = judged(world([v4('0.0.0.0/1', IGW), v4('128.0.0.0/1', { InstanceId: 'i-0fw' })]));
    expect(out).toEqual({
      findings: [],
      notJudged: notJudged(reason('0.0.0.0/1 to igw-0a1 and 128.0.0.0/1 to i-0fw')),
    });
  });

  it('a half in state filtered counts as for the exact default route; a blackhole one does not', () => {
    const filtered = judged(
      world([v4('0.0.0.0/1', GWLB), { ...v4('128.0.0.0/1', GWLB), State: 'filtered' }]),
    );
    expect(filtered.notJudged).toEqual(notJudged(reason('0.0.0.0/1 and 128.0.0.0/1 to vpce-0gwlb')));
    const dropped = judged(
      world([v4('0.0.0.0/1', GWLB), { ...v4('128.0.0.0/1', GWLB), State: 'blackhole' }]),
    );
    expect(dropped).toEqual({ findings: [], notJudged: [] });
  });

  it('a prefix list holding 0.0.0.0/0 routed to the appliance: not judged, named by its list', () => {
    const out = judged(
      world([{ DestinationPrefixListId: 'pl-0world', GatewayId: 'vpce-0gwlb', State: 'active' }], {
        lists: [list('pl-0world', ['0.0.0.0/0'])],
      }),
    );
    expect(out).toEqual({ findings: [], notJudged: notJudged(reason('pl-0world to vpce-0gwlb')) });
  });

  it('a prefix list holding the two halves routed to the appliance: not judged', () => {
    const out = judged(
      world([{ DestinationPrefixListId: 'pl-0halves', NetworkInterfaceId: 'eni-0fw', State: 'active' }], {
        lists: [list('pl-0halves', ['128.0.0.0/1', '0.0.0.0/1'])],
      }),
    );
    expect(out.notJudged).toEqual(notJudged(reason('pl-0halves to eni-0fw')));
  });

  it('a prefix list the snapshot does not resolve, routed to the appliance: not judged, told to add it', () => {
    const out = judged(
      world([{ DestinationPrefixListId: 'pl-0unknown', GatewayId: 'vpce-0gwlb', State: 'active' }]),
    );
    expect(out).toEqual({
      findings: [],
      notJudged: notJudged(
        `its subnet ${SUBNET} routes prefix list pl-0unknown to vpce-0gwlb, whose entries are not in the snapshot ` +
          `(add it to ManagedPrefixLists), ${gatewayPart}: whether the internet reaches it through that appliance is not known`,
      ),
    });
  });

  it('IPv6: ::/1 + 8000::/1 to the appliance leave the public IPv6 address not judged', () => {
    const out = judged(world([v6('::/1', GWLB), v6('8000::/1', GWLB)]));
    expect(out).toEqual({ findings: [], notJudged: notJudged(reason('::/1 and 8000::/1 to vpce-0gwlb')) });
  });

  it('IPv6: 2000::/3 (all of public IPv6) to the appliance is a default route too', () => {
    const out = judged(world([v6('2000::/3', FIREWALL_ENI)]));
    expect(out.notJudged).toEqual(notJudged(reason('2000::/3 to eni-0fw')));
  });

  it('the exact default route keeps its reason (one route named)', () => {
    const out = judged(world([v4('0.0.0.0/0', GWLB)]));
    expect(out.notJudged).toEqual(notJudged(reason('0.0.0.0/0 to vpce-0gwlb')));
  });
});

describe('ingress routing: what stays judged, as before', () => {
  it('a half alone to the appliance: judged (the rest of the internet has no way back), nothing listed', () => {
    expect(judged(world([v4('0.0.0.0/1', GWLB)]))).toEqual({ findings: [], notJudged: [] });
    expect(judged(world([v4('128.0.0.0/1', FIREWALL_ENI)]))).toEqual({ findings: [], notJudged: [] });
  });

  it('IPv6 halves to the appliance for an interface without a public IPv6 address: judged', () => {
    expect(judged(world([v6('::/1', GWLB), v6('8000::/1', GWLB)], { publicIpv6: false }))).toEqual({
      findings: [],
      notJudged: [],
    });
  });

  it('the IPv4 halves say nothing of IPv6 (and the reverse): one family routed, only it is named', () => {
    const out = judged(world([v4('0.0.0.0/1', GWLB), v4('128.0.0.0/1', GWLB), v6('::/1', GWLB)]));
    expect(out.notJudged).toEqual(notJudged(reason('0.0.0.0/1 and 128.0.0.0/1 to vpce-0gwlb')));
  });

  it('without an edge table, the halves to an appliance (a NAT instance) leave no way in: judged', () => {
    expect(
      judged(world([v4('0.0.0.0/1', FIREWALL_ENI), v4('128.0.0.0/1', FIREWALL_ENI)], { edge: false })),
    ).toEqual({ findings: [], notJudged: [] });
    // Nor does a list the snapshot does not resolve, without an edge table.
    expect(
      judged(
        world([{ DestinationPrefixListId: 'pl-0unknown', GatewayId: 'vpce-0gwlb', State: 'active' }], {
          edge: false,
        }),
      ),
    ).toEqual({ findings: [], notJudged: [] });
  });

  it('an S3 gateway endpoint route (its AWS-managed list, not in the snapshot) is no appliance: judged', () => {
    // Prepare: the route every gateway endpoint adds, the endpoint listed as DescribeVpcEndpoints prints it
    const s3Route = { DestinationPrefixListId: 'pl-6da54004', GatewayId: 'vpce-0s3', State: 'active' };
    const s3 = {
      VpcEndpointId: 'vpce-0s3',
      VpcEndpointType: 'Gateway',
      VpcId: VPC,
      ServiceName: 'com.amazonaws.us-east-1.s3',
      State: 'available',
      RouteTableIds: ['rtb-0main'],
    };
    // Act / Assess
    expect(judged(world([s3Route], { endpoints: [s3] }))).toEqual({ findings: [], notJudged: [] });
    // Beside the halves to the GWLB endpoint, only those are named.
    expect(
      judged(world([s3Route, v4('0.0.0.0/1', GWLB), v4('128.0.0.0/1', GWLB)], { endpoints: [s3] })).notJudged,
    ).toEqual(notJudged(reason('0.0.0.0/1 and 128.0.0.0/1 to vpce-0gwlb')));
    // An endpoint the snapshot does not list may be a GWLB endpoint: its unresolved list is not judged.
    expect(judged(world([s3Route])).notJudged).toEqual(
      notJudged(
        `its subnet ${SUBNET} routes prefix list pl-6da54004 to vpce-0s3, whose entries are not in the snapshot ` +
          `(add it to ManagedPrefixLists), ${gatewayPart}: whether the internet reaches it through that appliance is not known`,
      ),
    );
  });

  it('a prefix list of private ranges routed to the appliance: judged', () => {
    const out = judged(
      world([{ DestinationPrefixListId: 'pl-0corp', GatewayId: 'vpce-0gwlb', State: 'active' }], {
        lists: [list('pl-0corp', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])],
      }),
    );
    expect(out).toEqual({ findings: [], notJudged: [] });
  });

  it('halves to the igw- itself: exposed (reported), edge table or not, never listed', () => {
    for (const edge of [true, false]) {
      const out = judged(world([v4('0.0.0.0/1', IGW), v4('128.0.0.0/1', IGW)], { edge }));
      expect(out).toEqual({ findings: ['eni-internet-exposed'], notJudged: [] });
    }
  });

  it('a default route to the igw- settles it, whatever else goes to the appliance', () => {
    const out = judged(world([v4('0.0.0.0/0', IGW), v4('0.0.0.0/1', GWLB), v4('128.0.0.0/1', GWLB)]));
    expect(out).toEqual({ findings: ['eni-internet-exposed'], notJudged: [] });
  });
});
