// API model audit: DetachInternetGateway (botocore `DetachInternetGatewayRequest`:
// `internetGatewayId`, `vpcId`, as AttachInternetGateway's) leaves every route to the gateway in
// state `blackhole`: `route-blackhole` on the tables that route there, and `subnet-public-no-igw-route`
// on the public subnets behind them (DESIGN §5). No handled event reported them before; the scope is
// AttachInternetGateway's (the VPC's tables that target the gateway, and their subnets).

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { triageEvent } from '../../shared/events/parse';
import {
  buildWorld,
  cloudTrailRecord,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
  VPC,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const record = () =>
  cloudTrailRecord('DetachInternetGateway', { internetGatewayId: 'igw-0a1', vpcId: VPC }, { _return: true });

describe('DetachInternetGateway: the routes to the gateway become blackholes', () => {
  it('is scoped as AttachInternetGateway: the gateway and its VPC', () => {
    const triage = triageEvent(envelope(record()), { exemptionTagKey: 'vpc-guardrail:exempt' });
    expect(
      triage.kind === 'handle' ? [triage.scope.internetGatewayIds, triage.scope.vpcIds] : triage,
    ).toEqual([['igw-0a1'], [VPC]]);
  });

  it('reports the blackholed routes and the public subnet left without an internet route', async () => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
    for (const table of w.RouteTables) {
      table.Routes = ((table.Routes ?? []) as Record<string, unknown>[]).map((r) =>
        r.GatewayId === 'igw-0a1' ? { ...r, State: 'blackhole' } : r,
      );
    }
    installFakeEc2(ec2Mock, w);
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(record())), receiveCount: 1 }],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    const body = notices[0]?.Message ?? '';
    expect(body).toContain('route-blackhole');
    expect(body).toContain('rtb-0main');
    expect(body).toContain('subnet-public-no-igw-route');
    // The interface lost its way in from the internet: no exposure finding is reported for it.
    expect(body).not.toContain('eni-internet-exposed');
  });
});
