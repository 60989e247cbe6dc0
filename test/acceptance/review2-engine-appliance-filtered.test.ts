import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import { buildWorld, ENI, SUBNET, VPC } from '../helpers';

// Review of 8465af5 and 6952eb7 together (DESIGN §3 "Not judged is said", §5): behind ingress
// routing, a default route to an appliance makes an interface with a public address not judged;
// a route in the undescribed state `filtered` is read as "may carry" everywhere else. The
// appliance check read only active routes, so the same route in state filtered passed the
// interface as unreachable, in silence. A blackhole route carries nothing and stays judged.

type Item = Record<string, unknown>;

const report = (snapshot: object) => evaluateReport(parseSnapshot(snapshot), DEFAULT_CONFIG);

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
};

const world = (State: string) => {
  const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-22', from: 22, cidr: '0.0.0.0/0' }] });
  (w.RouteTables[0] as { Routes: Item[] }).Routes = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vpce-0gwlb', State },
  ];
  w.RouteTables.push(EDGE);
  return w;
};

describe('a default route to an appliance in state filtered, behind ingress routing', () => {
  it('leaves the interface with a public IPv4 not judged, as the active route does', () => {
    for (const state of ['active', 'filtered']) {
      const r = report(world(state));
      expect(r.findings.filter((f) => f.resourceId === ENI)).toEqual([]);
      expect(r.notJudged.map((n) => [n.resourceId, n.ruleId])).toEqual([[ENI, 'eni-internet-exposed']]);
      expect(r.notJudged[0]?.reason).toContain(`its subnet ${SUBNET} routes 0.0.0.0/0 to vpce-0gwlb`);
    }
  });

  it('a blackhole one carries nothing: the interface is judged (unreachable), nothing unjudged', () => {
    const r = report(world('blackhole'));
    expect(r.findings.filter((f) => f.resourceId === ENI)).toEqual([]);
    expect(r.notJudged).toEqual([]);
  });
});
