import { DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { triageEvent } from '../../shared/events/parse';
import type { EventScope } from '../../shared/events/types';
import { parseSnapshot } from '../../shared/model/snapshot';
import { assessSlice } from '../../shared/scope/assess';
import {
  cloudTrailRecord,
  envelope,
  eventDeps,
  installFakeEc2,
  LOCAL_ROUTES,
  publishedNotices,
  subnet,
  type World,
} from '../helpers';

// DESIGN §7 "Scope": route events → the route table and the subnets using it (plus
// eni-internet-exposed of the interfaces in those subnets); CreateNatGateway → the gateway and its
// subnet; "everything else loaded is context and is not reported". Reading chosen (README "Event
// Lambda and simulate"): a route event does not report a NAT gateway, neither one sitting in a
// subnet that uses the table nor a regional one whose own table it is. Its
// `nat-gateway-in-private-subnet` (medium: the gateway's traffic cannot leave, an outage, not an
// exposure) is the audit's; a route event reads no NAT gateway (DescribeNatGateways would be a 7th
// read). These tests pin that reading: a change to it must be a decision, not an accident.

type Item = Record<string, unknown>;

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** `subnet-1` ("public-a") on its own table `rtb-0pub`, which a DeleteRoute just left without its igw- route. */
function world(nat: Item): Item {
  return {
    Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', IsDefault: false }],
    Subnets: [subnet({ subnetName: 'public-a' })],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: [
          ...LOCAL_ROUTES,
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0a', State: 'active' },
        ],
        Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-main' }],
        Tags: [],
      },
      {
        RouteTableId: 'rtb-0pub',
        VpcId: 'vpc-1',
        Routes: [...LOCAL_ROUTES],
        Associations: [
          {
            Main: false,
            RouteTableId: 'rtb-0pub',
            SubnetId: 'subnet-1',
            RouteTableAssociationId: 'rtbassoc-pub',
          },
        ],
        Tags: [],
      },
      // The regional gateway's own table (AWS made it; no subnet uses it).
      { RouteTableId: 'rtb-0nat', VpcId: 'vpc-1', Routes: [...LOCAL_ROUTES], Associations: [], Tags: [] },
    ],
    NetworkAcls: [],
    NetworkInterfaces: [],
    SecurityGroups: [],
    NatGateways: [nat],
  };
}

const ZONAL: Item = { NatGatewayId: 'nat-0a', SubnetId: 'subnet-1', VpcId: 'vpc-1', State: 'available' };
const REGIONAL: Item = {
  NatGatewayId: 'nat-0a',
  VpcId: 'vpc-1',
  State: 'available',
  ConnectivityType: 'public',
  AvailabilityMode: 'regional',
  RouteTableId: 'rtb-0nat',
};

const deleteRoute = (routeTableId: string) =>
  cloudTrailRecord(
    'DeleteRoute',
    { routeTableId, destinationCidrBlock: '0.0.0.0/0' },
    { requestId: 'r', _return: true },
  );

function scopeOf(record: Record<string, unknown>): EventScope {
  const triage = triageEvent(record, { exemptionTagKey: 'vpc-guardrail:exempt' });
  if (triage.kind !== 'handle') throw new Error('not handled');
  return triage.scope;
}

/** What the event reports from a whole snapshot (as simulate does), beside what an audit reports. */
function judge(snapshot: Item, routeTableId: string) {
  const parsed = parseSnapshot(snapshot);
  const assessed = assessSlice([scopeOf(deleteRoute(routeTableId))], parsed, DEFAULT_CONFIG, {
    sliceComplete: true,
  });
  return {
    event: assessed.findings.map((f) => `${f.ruleId} ${f.resourceId}`),
    natGateways: assessed.resolved.natGateways,
    audit: evaluateReport(parsed, DEFAULT_CONFIG).findings.map((f) => `${f.ruleId} ${f.resourceId}`),
  };
}

describe('a route event and the NAT gateways behind the table it changed (DESIGN §7 scope)', () => {
  it('reports the subnet that lost its internet route, not the zonal NAT gateway in it (the audit does)', () => {
    expect(judge(world(ZONAL), 'rtb-0pub')).toEqual({
      event: ['subnet-public-no-igw-route subnet-1'],
      natGateways: [],
      audit: ['nat-gateway-in-private-subnet nat-0a', 'subnet-public-no-igw-route subnet-1'],
    });
  });

  it('reports nothing for the regional NAT gateway’s own table (no subnet uses it); the audit has the gateway', () => {
    const out = judge(world(REGIONAL), 'rtb-0nat');
    expect(out).toEqual({
      event: [],
      natGateways: [],
      audit: ['nat-gateway-in-private-subnet nat-0a', 'subnet-public-no-igw-route subnet-1'],
    });
  });

  it('reads no NAT gateway for a route event: the notice names the subnet only', async () => {
    installFakeEc2(ec2Mock, world(ZONAL) as unknown as World);
    await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(deleteRoute('rtb-0pub'))), receiveCount: 1 }],
      eventDeps({ mode: 'notify' }),
    );
    expect(ec2Mock.commandCalls(DescribeNatGatewaysCommand)).toHaveLength(0);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Message).toContain('subnet-public-no-igw-route');
    expect(notices[0]?.Message).not.toContain('nat-0a');
  });

  it('CreateNatGateway reports the gateway itself', () => {
    const record = cloudTrailRecord(
      'CreateNatGateway',
      { CreateNatGatewayRequest: { SubnetId: 'subnet-1' } },
      {
        CreateNatGatewayResponse: {
          natGateway: { natGatewayId: 'nat-0a', subnetId: 'subnet-1', vpcId: 'vpc-1' },
        },
      },
    );
    const parsed = parseSnapshot(world(ZONAL));
    const assessed = assessSlice([scopeOf(record)], parsed, DEFAULT_CONFIG, { sliceComplete: true });
    expect(assessed.resolved.natGateways).toEqual(['nat-0a']);
    expect(assessed.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toContain(
      'nat-gateway-in-private-subnet nat-0a',
    );
  });
});
