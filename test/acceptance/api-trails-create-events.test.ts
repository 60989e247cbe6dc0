// API model audit (CloudTrail request/response shapes): two Create calls whose result the rules judge
// and that no handled event covered.
// - CreateDefaultSubnet (botocore `CreateDefaultSubnetRequest`: `AvailabilityZone`,
//   `AvailabilityZoneId`, `Ipv6Native`; result `subnet`) makes a default subnet, which EC2 creates
//   with `MapPublicIpOnLaunch: true`: `subnet-auto-assign-public-ip` (FSBP EC2.15) fires at once,
//   as after ModifySubnetAttribute, and nothing told it.
// - CreateNetworkInterface (request `subnetId`, `SecurityGroupId` → `groupSet`, `ipv6AddressCount`,
//   …; result `networkInterface.networkInterfaceId`) is how AWS services (ECS/Fargate, Lambda, ELB,
//   EKS) put their interfaces into a subnet, attached without an AttachNetworkInterface call in the
//   account: RunInstances' twin for them. An interface behind a world-open group is judged when it
//   appears, not at the next audit.

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { triageEvent } from '../../shared/events/parse';
import { buildWorld, cloudTrailRecord, ENI, envelope, runRecord, SUBNET, VPC, type World } from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const run = (w: World, record: Record<string, unknown>) =>
  runRecord({ ec2: ec2Mock, sns: snsMock }, w, record);

describe('CreateDefaultSubnet: a subnet EC2 makes with MapPublicIpOnLaunch true', () => {
  const record = () =>
    cloudTrailRecord(
      'CreateDefaultSubnet',
      { availabilityZone: 'us-east-1a' },
      { subnet: { subnetId: SUBNET, vpcId: VPC, mapPublicIpOnLaunch: true, defaultForAz: true } },
    );

  it('is scoped to the subnet the response names', () => {
    const triage = triageEvent(envelope(record()), OPTIONS);
    expect(triage.kind === 'handle' ? [triage.scope.subnetIds, triage.scope.vpcIds] : triage).toEqual([
      [SUBNET],
      [VPC],
    ]);
  });

  it('reports subnet-auto-assign-public-ip for it', async () => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [] });
    const subnet = w.Subnets[0];
    if (subnet) subnet.MapPublicIpOnLaunch = true;
    const { result, notices } = await run(w, record());
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices.map((n) => n.Subject)).toEqual([
      '[MEDIUM] Subnet subnet-0pub (public-a) assigns public IPv4 addresses on launch',
    ]);
  });

  it('is told, not dropped, when the record names no subnet (responseElements left out)', () => {
    const triage = triageEvent(
      envelope(cloudTrailRecord('CreateDefaultSubnet', { availabilityZone: 'us-east-1a' }, null)),
      OPTIONS,
    );
    expect(triage.kind === 'handle' ? triage.scope.unreadable : triage).toMatch(/no responseElements/);
  });
});

describe('CreateNetworkInterface: a service-managed interface behind a world-open group', () => {
  const record = () =>
    cloudTrailRecord(
      'CreateNetworkInterface',
      {
        subnetId: SUBNET,
        description: 'arn:aws:ecs:us-east-1:111122223333:attachment/0f1',
        groupSet: { items: [{ groupId: 'sg-0web' }] },
        ipv6AddressCount: 1,
      },
      {
        requestId: 'r',
        networkInterface: {
          networkInterfaceId: ENI,
          subnetId: SUBNET,
          vpcId: VPC,
          interfaceType: 'interface',
          groupSet: { items: [{ groupId: 'sg-0web', groupName: 'web' }] },
          status: 'pending',
        },
      },
      {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForECS/ecs-service-scheduler',
          invokedBy: 'ecs.amazonaws.com',
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              arn: 'arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
            },
          },
        },
      },
    );

  it('is scoped to the interface the response names', () => {
    const triage = triageEvent(envelope(record()), OPTIONS);
    expect(triage.kind === 'handle' ? triage.scope.networkInterfaceIds : triage).toEqual([ENI]);
  });

  it('reports the interface exposed through its group as soon as it is created', async () => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
    const { result, notices } = await run(w, record());
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    ]);
  });

  it('is told, not dropped, when the record names no interface (responseElements left out)', () => {
    const triage = triageEvent(
      envelope(cloudTrailRecord('CreateNetworkInterface', { subnetId: SUBNET }, null)),
      OPTIONS,
    );
    expect(triage.kind === 'handle' ? triage.scope.unreadable : triage).toMatch(/no responseElements/);
  });
});
