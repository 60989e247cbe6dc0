import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processEvent } from '../../functions/on-network-change/process';
import { triageEvent } from '../../shared/events/parse';
import { parseConfig } from '../../shared/load-config';
import {
  buildWorld,
  cloudTrailRecord,
  envelope,
  installFakeEc2,
  publishedNotices,
  SUBNET,
  type World,
} from '../helpers';

// The attacker's walk (scripts/emulator/redteam.py, /work/notes/spec-redteam.md): sequences of
// DESIGN §7's calls that reach a goal, each checked to be told by the call that completes it.

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

function deps(): EventDeps {
  return {
    config: parseConfig({ mode: 'notify' }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

/** The world's subnet (on the main table, routing 0.0.0.0/0 and ::/0 to igw-0a1) named `name`. */
function worldNamed(name: string): World {
  const world = buildWorld({ groupId: 'sg-0web', rules: [] });
  const subnet = world.Subnets[0];
  if (subnet) subnet.Tags = [{ Key: 'Name', Value: name }];
  installFakeEc2(ec2Mock, world);
  return world;
}

function renamed(resourceId: string, name: string, eventName = 'CreateTags') {
  return envelope(
    cloudTrailRecord(eventName, {
      resourcesSet: { items: [{ resourceId }] },
      tagSet: { items: [{ key: 'Name', value: name }] },
    }),
  );
}

function describeCalls(): number {
  return ec2Mock.calls().filter((c) => c.args[0].constructor.name.startsWith('Describe')).length;
}

describe('goal: a "private" subnet routed to an igw-, reached by renaming it (CreateTags Name)', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('tells subnet-private-has-igw-route when a subnet already routed to the igw- is renamed "private"', async () => {
    // Prepare: the route came first (the subnet was named `batch`: nothing to say then)
    worldNamed('batch-private');
    // Act
    const result = await processEvent(renamed(SUBNET, 'batch-private'), deps());
    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true });
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe(`[HIGH] Private subnet ${SUBNET} (batch-private) routes to igw-0a1`);
    expect(notices[0]?.MessageAttributes?.ruleIds?.StringValue).toBe('["subnet-private-has-igw-route"]');
    expect(notices[0]?.Message).toContain('CreateTags');
    // A subnet event's reads (DESIGN §12): the subnet, then its VPC's subnets and tables.
    expect(describeCalls()).toBeLessThanOrEqual(6);
  });

  it('tells subnet-public-no-igw-route when a subnet without an igw- route is renamed "public"', async () => {
    // Prepare
    const world = worldNamed('web-public');
    const main = world.RouteTables[0];
    if (main) main.Routes = [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }];
    // Act
    await processEvent(renamed(SUBNET, 'web-public'), deps());
    // Assess
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.MessageAttributes?.ruleIds?.StringValue)).toEqual([
      '["subnet-public-no-igw-route"]',
    ]);
  });

  it('stays silent when the new name says nothing the subnet rules read', async () => {
    // Prepare
    worldNamed('batch');
    // Act
    const result = await processEvent(renamed(SUBNET, 'batch'), deps());
    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: false });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('still ignores a Name tag on a resource no rule judges by its name (a group), reading nothing', async () => {
    // Prepare
    worldNamed('batch-private');
    // Act
    const result = await processEvent(renamed('sg-0web', 'private'), deps());
    // Assess
    expect(result).toMatchObject({ status: 'ignored' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('ignores a Name tag removed (DeleteTags): no subnet rule fires on a subnet with no name', async () => {
    // Prepare
    worldNamed('');
    // Act
    const result = await processEvent(renamed(SUBNET, 'batch-private', 'DeleteTags'), deps());
    // Assess
    expect(result).toMatchObject({ status: 'ignored' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe('goal: SSH of a running instance reachable, reached by starting a stopped one (StartInstances)', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  /** StartInstances as CloudTrail writes it: `instancesSet.items[].instanceId`, both sides. */
  function started(instanceId: string) {
    return envelope(
      cloudTrailRecord(
        'StartInstances',
        { instancesSet: { items: [{ instanceId }] } },
        {
          requestId: 'r-1',
          instancesSet: {
            items: [
              {
                instanceId,
                currentState: { code: 0, name: 'pending' },
                previousState: { code: 80, name: 'stopped' },
              },
            ],
          },
        },
      ),
    );
  }

  it("tells the interface's exposure: a stopped instance has no public IPv4 of its own, a started one gets a new one", async () => {
    // Prepare: the group was world-open on 22 while the instance was stopped (its interface had no
    // public address then: nothing exposed, the group's own finding told and left, as notify does).
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-ssh', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    // Act
    const result = await processEvent(started('i-0web'), deps());
    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true });
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toMatch(
      /^\[CRITICAL\] eni-0web \(i-0web\) is reachable from the internet on 22\/tcp/,
    );
    expect(notices[0]?.MessageAttributes?.ruleIds?.StringValue).toBe('["eni-internet-exposed"]');
    // An interface event by instance: the instance's interfaces, their groups and rules, the VPC's
    // tables and NACLs (DESIGN §12).
    expect(describeCalls()).toBeLessThanOrEqual(6);
  });
});

describe('the two rows read every shape a record carries', () => {
  const options = { exemptionTagKey: 'vpc-guardrail:exempt' };
  const scopeOf = (eventName: string, request: unknown, response: unknown = { _return: true }) => {
    const triage = triageEvent(envelope(cloudTrailRecord(eventName, request, response)), options);
    return triage.kind === 'handle' ? triage.scope : triage.ignored;
  };

  it("StartInstances: the ids of CloudTrail's instancesSet, or of the SDK's InstanceIds, once each", () => {
    expect(
      scopeOf('StartInstances', { instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] } }),
    ).toMatchObject({
      area: 'network-interface',
      instanceIds: ['i-1', 'i-2'],
    });
    expect(
      scopeOf('StartInstances', { InstanceIds: ['i-3'] }, { StartingInstances: [{ InstanceId: 'i-3' }] }),
    ).toMatchObject({ instanceIds: ['i-3'] });
    // A record naming no instance anywhere is said, not judged as nothing.
    expect(scopeOf('StartInstances', { instancesSet: {} }, { _return: true })).toMatchObject({
      code: 'no-resource',
    });
  });

  it("CreateTags Name: the SDK's Resources and Tags read alike; only the subnets among the resources", () => {
    expect(
      scopeOf('CreateTags', {
        Resources: ['subnet-1', 'sg-1', 'i-1'],
        Tags: [{ Key: 'Name', Value: 'db-private' }],
      }),
    ).toMatchObject({ area: 'exemption', subnetIds: ['subnet-1'], securityGroupIds: [], instanceIds: [] });
    // A key that is not exactly `Name` (EC2 tag keys are case-sensitive) is no subnet's name.
    expect(
      scopeOf('CreateTags', {
        resourcesSet: { items: [{ resourceId: 'subnet-1' }] },
        tagSet: { items: [{ key: 'name', value: 'private' }] },
      }),
    ).toMatchObject({ code: 'not-exemption-tag' });
  });
});
