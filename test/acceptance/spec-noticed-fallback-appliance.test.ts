import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import {
  buildWorld,
  cloudTrailRecord,
  ENI,
  envelope,
  eventDeps,
  installFakeEc2,
  SUBNET,
  VPC,
  type World,
} from '../helpers';

// DESIGN §7 (route events: the route table and the subnets using it, plus the interfaces in them),
// §3 "Not judged is said", README "Not judged": DisassociateRouteTable sends a subnet back to its
// VPC's main table. When that main table sends the internet to an appliance (a GWLB endpoint) and
// the internet gateway routes what it receives through an edge table (ingress routing), the
// interfaces of the subnet are not judged in an audit. The event kept only main tables routing to
// an igw-, so it said nothing of them: event and audit disagreed (scripts/emulator/parity.py).

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** The internet gateway's edge table: what it receives for the subnet goes to the GWLB endpoint. */
const edge = () => ({
  RouteTableId: 'rtb-0edge',
  VpcId: VPC,
  Routes: [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
    { DestinationCidrBlock: '10.0.1.0/24', GatewayId: 'vpce-0gwlb', State: 'active', Origin: 'CreateRoute' },
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
});

/** SSH open to the world; the main table's way out is the appliance, behind ingress routing or not. */
function world(options: { edge: boolean; routes?: Record<string, string>[] }): World {
  const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
  const main = w.RouteTables[0];
  if (!main) throw new Error('no main table');
  main.Routes = [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    ...(options.routes ?? [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vpce-0gwlb', State: 'active' }]),
  ];
  if (options.edge) w.RouteTables.push(edge() as (typeof w.RouteTables)[number]);
  return w;
}

const record = () =>
  cloudTrailRecord(
    'DisassociateRouteTable',
    { associationId: 'rtbassoc-0own' },
    { requestId: 'r', _return: true },
  );

/** The event function's log line for the batch's group (what parity.py reads), and the calls made. */
async function disassociate(w: World) {
  installFakeEc2(ec2Mock, w);
  const deps = eventDeps({ mode: 'notify' });
  const info = vi.spyOn(deps.logger, 'info');
  await processMessages([{ id: 'm', body: JSON.stringify(envelope(record())), receiveCount: 1 }], deps);
  const evaluated = info.mock.calls.find(([message]) => message === 'group evaluated')?.[1] as
    | {
        scope: { routeTables: string[]; subnets: string[]; networkInterfaces: string[] };
        notJudged?: unknown[];
      }
    | undefined;
  return { evaluated, calls: ec2Mock.calls().length };
}

describe('DisassociateRouteTable onto a main table that routes the internet through an appliance', () => {
  it('reports the interfaces the audit lists as not judged, with the audit’s reason (ingress routing)', async () => {
    // Prepare
    const w = world({ edge: true });
    const audit = evaluateReport(parseSnapshot(w), DEFAULT_CONFIG).notJudged;
    expect(audit).toEqual([
      {
        resourceId: ENI,
        ruleId: 'eni-internet-exposed',
        reason: expect.stringContaining(`its subnet ${SUBNET} routes 0.0.0.0/0 to vpce-0gwlb`),
      },
    ]);
    // Act
    const { evaluated, calls } = await disassociate(w);
    // Assess: the event's scope is the main table, its subnet and interface; its not-judged is the audit's.
    expect(evaluated?.scope).toMatchObject({
      routeTables: [w.RouteTables[0]?.RouteTableId],
      subnets: [SUBNET],
      networkInterfaces: [ENI],
    });
    expect(evaluated?.notJudged).toEqual(audit);
    expect(calls).toBe(6);
  });

  it('the halves 0.0.0.0/1 + 128.0.0.0/1 to the appliance too', async () => {
    const w = world({
      edge: true,
      routes: [
        { DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'vpce-0gwlb', State: 'active' },
        { DestinationCidrBlock: '128.0.0.0/1', GatewayId: 'vpce-0gwlb', State: 'active' },
      ],
    });
    const audit = evaluateReport(parseSnapshot(w), DEFAULT_CONFIG).notJudged;
    expect(audit.map((n) => n.resourceId)).toEqual([ENI]);
    const { evaluated } = await disassociate(w);
    expect(evaluated?.notJudged).toEqual(audit);
  });

  it('without ingress routing (a NAT instance’s main table) nothing is in scope, as nothing is exposed or unjudged', async () => {
    const w = world({ edge: false });
    expect(evaluateReport(parseSnapshot(w), DEFAULT_CONFIG).notJudged).toEqual([]);
    const { evaluated } = await disassociate(w);
    expect(evaluated?.scope).toMatchObject({ routeTables: [], subnets: [], networkInterfaces: [] });
    expect(evaluated?.notJudged).toEqual([]);
  });
});
