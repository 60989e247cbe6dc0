import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processEvent } from '../../functions/on-network-change/process';
import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/load-config';
import { authorizeIngress, buildWorld, envelope, installFakeEc2, type World } from '../helpers';

// QA, issue #15 "The event path honours all three": judgeUnused, allowInterfaceTypes and
// allowRequesterIds decide on the event function's slice exactly as on a full audit.

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const GROUP = 'sg-0web';

function deps(config: ConfigInput): EventDeps {
  return {
    config: parseConfig({ mode: 'remediate', ownRoleArn: 'arn:aws:iam::111122223333:role/gr', ...config }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:vpc-guardrail',
    ec2: new EC2Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: '111122223333',
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
  };
}

function world(shape: (w: World) => void = () => undefined): World {
  const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] });
  shape(w);
  installFakeEc2(ec2Mock, w);
  return w;
}

const event = () => envelope(authorizeIngress(GROUP, 22, [['sgr-w22', '0.0.0.0/0']]));
const revokes = () => ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
const notices = () => snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
const setInterface = (w: World, fields: Record<string, unknown>) => {
  Object.assign(w.NetworkInterfaces[0] as Record<string, unknown>, fields);
};

describe('QA #15: the event path honours judgeUnused and acceptance by shape', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('judgeUnused: false still judges (and fixes) a group an interface uses', async () => {
    world();
    const result = await processEvent(event(), deps({ judgeUnused: false }));
    expect(result).toMatchObject({ status: 'handled', notified: true });
    expect(revokes()).toEqual([{ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] }]);
  });

  it('judgeUnused: false leaves an unattached group alone: no revoke, no finding', async () => {
    world((w) => {
      w.NetworkInterfaces = [];
    });
    const result = await processEvent(event(), deps({ judgeUnused: false }));
    expect(revokes()).toEqual([]);
    expect(result).toMatchObject({ status: 'handled', actions: [] });
    for (const n of notices()) expect(n.Message).not.toContain('sg-open-admin-port');
  });

  it('default judgeUnused: a world-open rule on an unattached group is still news and is revoked', async () => {
    world((w) => {
      w.NetworkInterfaces = [];
    });
    const result = await processEvent(event(), deps({}));
    expect(result).toMatchObject({ status: 'handled', notified: true });
    expect(revokes()).toEqual([{ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] }]);
    expect(notices()[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
  });

  it('a group used only by a network load balancer interface is accepted: suppressed, not revoked', async () => {
    world((w) => {
      setInterface(w, { InterfaceType: 'network_load_balancer', Attachment: undefined });
    });
    const result = await processEvent(event(), deps({ allowInterfaceTypes: ['network_load_balancer'] }));
    expect(result).toMatchObject({ status: 'handled', actions: [] });
    expect(revokes()).toEqual([]);
  });

  it('a group used by an interface of amazon-elb is accepted by allowRequesterIds', async () => {
    world((w) => {
      setInterface(w, { RequesterId: 'amazon-elb', RequesterManaged: true, Attachment: undefined });
    });
    await processEvent(event(), deps({ allowRequesterIds: ['amazon-elb'] }));
    expect(revokes()).toEqual([]);
  });

  it('the same settings do not accept a group an instance interface uses', async () => {
    world();
    await processEvent(
      event(),
      deps({ allowInterfaceTypes: ['network_load_balancer'], allowRequesterIds: ['amazon-elb'] }),
    );
    expect(revokes()).toEqual([{ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] }]);
  });
});
