// API model audit: the route-table association calls read as their API models write them.
// - ReplaceRouteTableAssociation (`associationId`, `routeTableId`; result `newAssociationId`) of a
//   VPC's *main* association makes another table the main one: every subnet without an explicit
//   association moves to it, though the record names none of them (DESIGN §5 route resolution).
// - AssociateRouteTable with `gatewayId` (a gateway edge association, ingress routing) instead of
//   `subnetId`: the table is the scope, no subnet is invented.

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { triageEvent } from '../../shared/events/parse';
import { buildWorld, cloudTrailRecord, envelope, runRecord, SUBNET, VPC, type World } from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** A private subnet on its VPC's main table, which (after the call) is rtb-0pub, routing to the igw-. */
function world(): World {
  const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
  const subnet = w.Subnets[0];
  if (subnet) subnet.Tags = [{ Key: 'Name', Value: 'private-a' }];
  const main = w.RouteTables[0];
  if (!main) throw new Error('world without a route table');
  w.RouteTables = [
    {
      ...main,
      RouteTableId: 'rtb-0pub',
      Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0new', RouteTableId: 'rtb-0pub' }],
    },
    {
      RouteTableId: 'rtb-0old',
      VpcId: VPC,
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
      Associations: [],
      Tags: [],
    },
  ];
  return w;
}

const run = (w: World, record: Record<string, unknown>) =>
  runRecord({ ec2: ec2Mock, sns: snsMock }, w, record);

describe('ReplaceRouteTableAssociation of the main association', () => {
  it('reports the subnets that fall on the new main table, though the record names none', async () => {
    const { result, notices } = await run(
      world(),
      cloudTrailRecord(
        'ReplaceRouteTableAssociation',
        { associationId: 'rtbassoc-0main', routeTableId: 'rtb-0pub' },
        { requestId: 'r', newAssociationId: 'rtbassoc-0new', associationState: { state: 'associated' } },
      ),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    const body = notices[0]?.Message ?? '';
    expect(body).toContain('subnet-private-has-igw-route');
    expect(body).toContain(SUBNET);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp (+1 more)',
    ]);
  });
});

describe('AssociateRouteTable with a gateway (edge association)', () => {
  it('scopes the table only', () => {
    const triage = triageEvent(
      envelope(
        cloudTrailRecord(
          'AssociateRouteTable',
          { routeTableId: 'rtb-0pub', gatewayId: 'igw-0a1' },
          { associationId: 'rtbassoc-9', associationState: { state: 'associated' } },
        ),
      ),
      { exemptionTagKey: 'vpc-guardrail:exempt' },
    );
    expect(triage.kind === 'handle' ? [triage.scope.routeTableIds, triage.scope.subnetIds] : triage).toEqual([
      ['rtb-0pub'],
      [],
    ]);
  });
});
