// Two calls that change internet exposure beyond DESIGN §7's "at least" list, handled as an
// on-call engineer expects: ModifyInstanceAttribute replacing an instance's groups (its interface is
// judged, as for ModifyNetworkInterfaceAttribute; every other attribute is ignored, named), and
// DisassociateRouteTable (the record names only the association, so the scope is the region's main
// tables that route to an igw- and the subnets using them). Through the event function's batch path
// with the EC2 fake behind aws-sdk-client-mock.

import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import { triageEvent } from '../../shared/events/parse';
import {
  buildWorld,
  cloudTrailFixture,
  cloudTrailRecord,
  envelope,
  eventDeps,
  INSTANCE,
  installFakeEc2,
  publishedNotices,
  SUBNET,
  VPC,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const world = (): World =>
  buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });

/** The chat form of a published notice (the `https` protocol message). */
function chatOf(index = 0): { metadata?: { relatedResources?: string[] }; content: { description: string } } {
  const input = snsMock.commandCalls(PublishCommand)[index]?.args[0].input;
  const message = JSON.parse(input?.Message ?? '{}') as { https?: string };
  return JSON.parse(message.https ?? '{}');
}

async function run(w: World, record: Record<string, unknown>, fault?: () => void) {
  installFakeEc2(ec2Mock, w);
  fault?.();
  const result = await processMessages(
    [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
    eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
  );
  const calls = ec2Mock
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
  return { result, calls: calls.sort(), notices: publishedNotices(snsMock) };
}

describe('ModifyInstanceAttribute: a change of the instance’s security groups', () => {
  it('judges the instance’s interface when its groups are replaced (groupSet)', async () => {
    const { result, calls, notices } = await run(
      world(),
      cloudTrailRecord(
        'ModifyInstanceAttribute',
        { instanceId: INSTANCE, groupSet: { items: [{ groupId: 'sg-0web' }] } },
        { requestId: 'r', _return: true },
      ),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(calls).toEqual([
      'DescribeNetworkAcls',
      'DescribeNetworkInterfaces',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
    ]);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    ]);
  });

  it('reads the attribute + value form of a change of groups too', () => {
    const triage = triageEvent(
      cloudTrailRecord('ModifyInstanceAttribute', {
        instanceId: INSTANCE,
        attribute: 'groupSet',
        value: 'sg-0web',
      }),
      OPTIONS,
    );
    expect(triage.kind === 'handle' ? triage.scope.instanceIds : triage.ignored).toEqual([INSTANCE]);
  });

  it('logs an instance type change at INFO, not ERROR (the guardrail working, not a record unread)', async () => {
    const deps = eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' });
    const info = vi.spyOn(deps.logger, 'info');
    const error = vi.spyOn(deps.logger, 'error');
    const body = JSON.stringify(
      envelope(
        cloudTrailRecord('ModifyInstanceAttribute', {
          instanceId: INSTANCE,
          instanceType: { value: 't3.micro' },
        }),
      ),
    );
    await processMessages([{ id: 'm', body, receiveCount: 1 }], deps);
    expect(info).toHaveBeenCalledWith(
      'event ignored',
      expect.objectContaining({ code: 'not-exposure-change' }),
    );
    expect(error).not.toHaveBeenCalled();
    expect(ec2Mock.calls()).toEqual([]);
  });

  it('ignores every other attribute, naming it (real record: termination protection)', () => {
    const triage = triageEvent(
      cloudTrailFixture('ModifyInstanceAttribute--attribute-value-form-lambda-log.json'),
      OPTIONS,
    );
    expect(triage.kind === 'ignore' ? triage.ignored : triage.kind).toEqual({
      code: 'not-exposure-change',
      reason: 'ModifyInstanceAttribute changes no security group (disableApiTermination)',
    });
    const type = triageEvent(
      cloudTrailRecord('ModifyInstanceAttribute', {
        instanceId: INSTANCE,
        instanceType: { value: 't3.micro' },
      }),
      OPTIONS,
    );
    expect(type.kind === 'ignore' ? type.ignored.reason : type.kind).toBe(
      'ModifyInstanceAttribute changes no security group (instanceType)',
    );
  });
});

describe('DisassociateRouteTable: the subnet falls back to its VPC’s main table', () => {
  const record = () =>
    cloudTrailRecord(
      'DisassociateRouteTable',
      { associationId: 'rtbassoc-0pub' },
      { requestId: 'r', _return: true },
    );

  it('reports the interfaces of the subnets now on a main table that routes to an igw-', async () => {
    // The subnet was on its own table; after the call it uses the main table (igw-0a1).
    const { calls, notices } = await run(world(), record());
    expect(calls).toEqual([
      'DescribeNetworkAcls',
      'DescribeNetworkInterfaces',
      'DescribeRouteTables',
      'DescribeRouteTables',
      'DescribeSecurityGroups',
      'DescribeSubnets',
    ]);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    ]);
    expect(notices[0]?.Message).toContain('DisassociateRouteTable');
  });

  it('reads one call and says nothing when no main table routes to the internet', async () => {
    const w = world();
    // The main table is private; the public table is explicitly associated with the subnet.
    const main = w.RouteTables[0];
    if (!main) throw new Error('no main table');
    main.Routes = [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }];
    w.RouteTables.push({
      RouteTableId: 'rtb-0pub',
      VpcId: VPC,
      Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0a1', State: 'active' }],
      Associations: [
        {
          Main: false,
          SubnetId: SUBNET,
          RouteTableAssociationId: 'rtbassoc-0pub2',
          RouteTableId: 'rtb-0pub',
        },
      ],
      Tags: [],
    });
    const { result, calls, notices } = await run(w, record());
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(calls).toEqual(['DescribeRouteTables']);
    expect(notices).toEqual([]);
  });

  it('ignores a record without an association id', () => {
    const triage = triageEvent(cloudTrailRecord('DisassociateRouteTable', {}), OPTIONS);
    expect(triage.kind === 'ignore' ? triage.ignored.reason : triage.kind).toBe(
      'no associationId in the request',
    );
  });
});

describe('DeleteTags naming a value that is not the tag’s: EC2 deletes nothing', () => {
  const KEY = 'vpc-guardrail:exempt';
  const deleteTags = (value: string) =>
    cloudTrailRecord('DeleteTags', {
      resourcesSet: { items: [{ resourceId: 'sg-0web' }] },
      tagSet: { items: [{ key: KEY, value }] },
    });

  it('says the tag and its exemption stay, instead of "reported again", and revokes nothing', async () => {
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }],
      groupTags: [{ Key: KEY, Value: '*' }],
    });
    // EC2 answered success and left `*` in place: the slice read after the call still has it.
    const { calls, notices } = await run(w, deleteTags('sg-open-admin-port'));
    expect(calls).not.toContain('RevokeSecurityGroupIngress');
    expect(notices.map((n) => n.Subject)).toEqual([
      '[INFO] exemption not removed from sg-0web by Admin/alice',
    ]);
    const message = notices[0]?.Message ?? '';
    expect(message).toContain(
      'sg-0web still carries the tag (= *): EC2 deleted nothing there: it deletes the tag only when the value named is the tag’s value. Its exemption stays.',
    );
    expect(message).not.toContain('reported (and remediated where configured) again');
  });

  it('still says "reported again" where the tag is gone', async () => {
    const { notices } = await run(world(), deleteTags('*'));
    expect(notices[0]?.Message).toContain(
      'Findings on sg-0web are reported (and remediated where configured) again.',
    );
    expect(notices[0]?.Message).not.toContain('still carries the tag');
  });
});

describe('the chat message names the resources even without findings', () => {
  it('a "could not evaluate" chat message lists the resources the call named', async () => {
    const { notices } = await run(
      world(),
      cloudTrailRecord('ModifyNetworkInterfaceAttribute', {
        networkInterfaceId: 'eni-0web',
        groupSet: { items: [{ groupId: 'sg-0web' }] },
      }),
      () =>
        ec2Mock.on(DescribeSecurityGroupsCommand).rejects(
          Object.assign(new Error('not authorized'), {
            name: 'UnauthorizedOperation',
            $metadata: { httpStatusCode: 403 },
          }),
        ),
    );
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    expect(chatOf().metadata?.relatedResources).toEqual(['eni-0web']);
  });
});

describe('an exemption tag on a security-group rule (sgr-…)', () => {
  it('says to tag the rule’s security group instead, in the text and in chat', async () => {
    const { notices } = await run(
      world(),
      cloudTrailRecord('CreateTags', {
        resourcesSet: { items: [{ resourceId: 'sgr-w22' }] },
        tagSet: { items: [{ key: 'vpc-guardrail:exempt', value: '*' }] },
      }),
    );
    expect(notices[0]?.Message).toContain(
      'A security-group rule has no exemption of its own: tag its security group (sg-…) instead',
    );
    expect(notices[0]?.Message).not.toContain('To exempt findings, tag the security groups, network ACLs');
    expect(chatOf().content.description).toContain(
      'The exemption tag on sgr-w22 has no effect; tag its security group (a rule has no exemption of its own) instead.',
    );
  });
});

describe('a Create record whose responseElements was left out (CloudTrail’s size limit)', () => {
  // A big RunInstances: CloudTrail drops the response, and with it every instance id.
  const bigRun = () => {
    const record = cloudTrailRecord('RunInstances', {
      instancesSet: { items: [{ imageId: 'ami-1', minCount: 500, maxCount: 500 }] },
      subnetId: SUBNET,
    });
    delete record.responseElements;
    return record;
  };

  it('is a "could not evaluate" notice naming the call (high, failed), with no EC2 read', async () => {
    const { result, calls, notices } = await run(world(), bigRun());
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(calls).toEqual([]);
    expect(notices.map((n) => n.Subject)).toEqual(['[HIGH] could not evaluate RunInstances — failed']);
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('failed');
    const message = notices[0]?.Message ?? '';
    expect(message).toContain(
      'What these calls created or changed is not known: RunInstances: the record has no responseElements (CloudTrail leaves out a field over its size limit',
    );
    expect(message).toContain('run `vpc-guardrail audit --region <region>`');
    expect(message).not.toContain('ec2:Describe* permissions');
  });

  it('beside a readable call in the same batch: that call is judged and acted on, the other told', async () => {
    installFakeEc2(ec2Mock, world());
    await processMessages(
      [
        { id: 'a', body: JSON.stringify(envelope(bigRun())), receiveCount: 1 },
        {
          id: 'b',
          body: JSON.stringify(
            envelope(
              cloudTrailRecord(
                'ModifyNetworkInterfaceAttribute',
                { networkInterfaceId: 'eni-0web', groupSet: { items: [{ groupId: 'sg-0web' }] } },
                { _return: true },
                { eventID: 'evt-2' },
              ),
            ),
          ),
          receiveCount: 1,
        },
      ],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    const notices = publishedNotices(snsMock);
    // The subject says a call was not evaluated (it read as if the batch were all judged).
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp — 1 call not evaluated',
    ]);
    expect(notices[0]?.Message).toContain('COULD NOT EVALUATE (some calls)');
    expect(notices[0]?.Message).toContain('  RunInstances: the record has no responseElements');
  });

  it('two such calls beside a readable one: the subject counts them ("2 calls not evaluated")', async () => {
    installFakeEc2(ec2Mock, world());
    const readable = cloudTrailRecord(
      'ModifyNetworkInterfaceAttribute',
      { networkInterfaceId: 'eni-0web', groupSet: { items: [{ groupId: 'sg-0web' }] } },
      { _return: true },
      { eventID: 'evt-3' },
    );
    await processMessages(
      [
        { id: 'a', body: JSON.stringify(envelope({ ...bigRun(), eventID: 'evt-1' })), receiveCount: 1 },
        { id: 'b', body: JSON.stringify(envelope({ ...bigRun(), eventID: 'evt-2' })), receiveCount: 1 },
        { id: 'c', body: JSON.stringify(envelope(readable)), receiveCount: 1 },
      ],
      eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
    );
    expect(publishedNotices(snsMock).map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp — 2 calls not evaluated',
    ]);
  });

  it('a readable response without ids is told too; a failed call stays ignored', () => {
    const noIds = triageEvent(cloudTrailRecord('CreateSubnet', { vpcId: VPC }, { requestId: 'r' }), OPTIONS);
    expect(noIds.kind === 'handle' ? noIds.scope.unreadable : noIds.kind).toBe(
      'the record does not name what the call created (no subnet.subnetId in the response)',
    );
    const failed = triageEvent(
      cloudTrailRecord('RunInstances', {}, null, { errorCode: 'Client.UnauthorizedOperation' }),
      OPTIONS,
    );
    expect(failed.kind).toBe('ignore');
  });
});
