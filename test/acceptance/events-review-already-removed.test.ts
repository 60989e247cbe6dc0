import {
  CreateNetworkAclEntryCommand,
  type CreateNetworkAclEntryCommandInput,
  DeleteNetworkAclEntryCommand,
  type DeleteNetworkAclEntryCommandInput,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ReplaceNetworkAclEntryCommand,
  type ReplaceNetworkAclEntryCommandInput,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processMessages } from '../../functions/on-network-change/process';
import type { ConfigInput } from '../../shared/config';
import {
  ACL,
  buildWorld,
  cloudTrailFixture,
  cloudTrailRecord,
  type Ec2Mock,
  envelope,
  eventDeps,
  installFakeEc2,
  publishedNotices,
  type World,
} from '../helpers';

// DESIGN §8 "Order and retries": on a redelivery, a world-open NACL entry the call wrote that an
// earlier attempt removed or narrowed (then the publish failed) is reported "already removed",
// with the severity of the finding it made; on a first delivery it is not news.

const ec2Mock: Ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);

function deps(
  config: ConfigInput = {},
  where = { accountId: '111122223333', region: 'us-east-1' },
): EventDeps {
  return eventDeps({ rules: { 'nacl-open-admin-port': 'remediate' }, ...config }, where);
}

/** CreateNetworkAclEntry in the shape of the real record (CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json). */
function createEntry(ruleNumber: number, from: number, to: number, cidrBlock = '0.0.0.0/0') {
  return cloudTrailRecord('CreateNetworkAclEntry', {
    aclProtocol: '6',
    cidrBlock,
    egress: false,
    icmpTypeCode: {},
    networkAclId: ACL,
    portRange: { from, to },
    ruleAction: 'allow',
    ruleNumber,
  });
}

type Entry = Record<string, unknown>;

/** NACL writes applied to the world as EC2 would: the next read sees them. */
function installNaclWrites(world: World): void {
  const entries = () => (world.NetworkAcls[0]?.Entries ?? []) as Entry[];
  const at = (n: number | undefined, egress: boolean | undefined) =>
    entries().findIndex((e) => e.RuleNumber === n && e.Egress === (egress === true));
  const written = (input: CreateNetworkAclEntryCommandInput | ReplaceNetworkAclEntryCommandInput): Entry => ({
    RuleNumber: input.RuleNumber,
    Egress: input.Egress === true,
    RuleAction: input.RuleAction,
    Protocol: input.Protocol,
    ...(input.CidrBlock ? { CidrBlock: input.CidrBlock } : { Ipv6CidrBlock: input.Ipv6CidrBlock }),
    ...(input.PortRange ? { PortRange: input.PortRange } : {}),
  });
  ec2Mock.on(ReplaceNetworkAclEntryCommand).callsFake((input: ReplaceNetworkAclEntryCommandInput) => {
    entries().splice(at(input.RuleNumber, input.Egress), 1, written(input));
    return {};
  });
  ec2Mock.on(CreateNetworkAclEntryCommand).callsFake((input: CreateNetworkAclEntryCommandInput) => {
    entries().push(written(input));
    return {};
  });
  ec2Mock.on(DeleteNetworkAclEntryCommand).callsFake((input: DeleteNetworkAclEntryCommandInput) => {
    entries().splice(at(input.RuleNumber, input.Egress), 1);
    return {};
  });
}

function naclWrites(): unknown[] {
  return [
    ...ec2Mock.commandCalls(ReplaceNetworkAclEntryCommand),
    ...ec2Mock.commandCalls(CreateNetworkAclEntryCommand),
    ...ec2Mock.commandCalls(DeleteNetworkAclEntryCommand),
  ].map((c) => c.args[0].input);
}

/** A world whose NACL allows tcp 22 from the world at 100 and its return traffic, nothing else. */
function sshWorld(): World {
  const world = buildWorld({
    groupId: 'sg-0web',
    rules: [{ id: 'sgr-vpc22', from: 22, cidr: '10.0.0.0/16' }],
    naclIngress: [{ rule: 100, protocol: '6', from: 22, to: 22, cidr: '0.0.0.0/0' }],
    naclEgress: [{ rule: 100, protocol: '6', from: 1024, to: 65535, cidr: '0.0.0.0/0' }],
  });
  installFakeEc2(ec2Mock, world);
  installNaclWrites(world);
  return world;
}

const SSH_ENTRY = 'entry 100 (inbound) of acl-0default: allow protocol 6 22 from 0.0.0.0/0';

describe('§8 "already removed" for NACL entries a redelivered call wrote', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
  });

  it('narrows the entry, fails to publish, and on the redelivery reports the entry already removed (high)', async () => {
    // Prepare: the first attempt's publish fails after the fix.
    sshWorld();
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('down'), { name: 'InternalError' }));
    const body = JSON.stringify(envelope(createEntry(100, 22, 22)));
    // Act: first delivery.
    const first = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    // Assess: the entry narrowed to the VPC's block, the message handed back for a retry.
    expect(first.failedMessageIds).toEqual(['m']);
    expect(naclWrites()).toEqual([
      {
        NetworkAclId: ACL,
        RuleNumber: 100,
        Protocol: '6',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '10.0.0.0/16',
        PortRange: { From: 22, To: 22 },
      },
    ]);

    // Act: the redelivery, SNS back.
    ec2Mock.resetHistory();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const retry = await processMessages([{ id: 'm', body, receiveCount: 2 }], deps());
    // Assess: nothing more to do, and the person hears what the first attempt did.
    expect(retry.failedMessageIds).toEqual([]);
    expect(naclWrites()).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[HIGH] world-open entry 100 of acl-0default already removed');
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    // The rule whose finding the entry made: a filter on ruleIds hears it as one on severity does.
    expect(notices[0]?.MessageAttributes?.ruleIds?.StringValue).toBe('["nacl-open-admin-port"]');
    expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('notified');
    expect(notices[0]?.Message).toContain('ALREADY REMOVED');
    expect(notices[0]?.Message).toContain(SSH_ENTRY);
  });

  it('reports a mixed entry the first attempt closed with a deny before it as "already blocked"', async () => {
    // Prepare: entry 100 allows tcp 0-1023 from the world (22 and other ports): the fix inserts
    // an allow for the VPC's block and a deny for 22 before it, and leaves the entry.
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [],
      naclIngress: [{ rule: 100, protocol: '6', from: 0, to: 1023, cidr: '0.0.0.0/0' }],
      naclEgress: [{ rule: 100, protocol: '6', from: 1024, to: 65535, cidr: '0.0.0.0/0' }],
    });
    installFakeEc2(ec2Mock, world);
    installNaclWrites(world);
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('down'), { name: 'InternalError' }));
    const body = JSON.stringify(envelope(createEntry(100, 0, 1023)));
    const first = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    expect(first.failedMessageIds).toEqual(['m']);
    expect(naclWrites()).toMatchObject([
      { RuleNumber: 98, RuleAction: 'allow', CidrBlock: '10.0.0.0/16' },
      { RuleNumber: 99, RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
    ]);
    // Act: the redelivery.
    ec2Mock.resetHistory();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    await processMessages([{ id: 'm', body, receiveCount: 2 }], deps());
    // Assess
    expect(naclWrites()).toEqual([]);
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.Subject).toBe('[HIGH] world-open entry 100 of acl-0default already blocked');
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(notices[0]?.Message).toContain(
      'entry 100 (inbound) of acl-0default: allow protocol 6 0-1023 from 0.0.0.0/0 (still there, but an entry before it now denies the internet on its admin ports)',
    );
  });

  it('claims nothing of an entry still there when the rule that judges it is off', async () => {
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [],
      naclIngress: [
        { rule: 99, protocol: '6', from: 22, to: 22, cidr: '0.0.0.0/0', action: 'deny' },
        { rule: 100, protocol: '6', from: 0, to: 1023, cidr: '0.0.0.0/0' },
      ],
      naclEgress: [{ rule: 100, protocol: '6', from: 1024, to: 65535, cidr: '0.0.0.0/0' }],
    });
    installFakeEc2(ec2Mock, world);
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const body = JSON.stringify(envelope(createEntry(100, 0, 1023)));
    await processMessages(
      [{ id: 'm', body, receiveCount: 2 }],
      deps({ rules: { 'nacl-open-admin-port': 'off' } }),
    );
    expect(
      publishedNotices(snsMock)
        .map((n) => n.Message)
        .join('\n'),
    ).not.toContain('ALREADY REMOVED');
  });

  it('reports an entry deleted since (no entry at that number) on a redelivery', async () => {
    const world = sshWorld();
    const entries = world.NetworkAcls[0]?.Entries as Entry[];
    entries.splice(
      entries.findIndex((e) => e.RuleNumber === 100 && e.Egress === false),
      1,
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const body = JSON.stringify(envelope(createEntry(100, 22, 22)));
    await processMessages([{ id: 'm', body, receiveCount: 3 }], deps());
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[HIGH] world-open entry 100 of acl-0default already removed',
    ]);
    expect(notices[0]?.Message).toContain(SSH_ENTRY);
  });

  it('says nothing on a first delivery: the entry already gone was a concurrent batch’s news', async () => {
    const world = sshWorld();
    (world.NetworkAcls[0]?.Entries as Entry[])[0] = {
      RuleNumber: 100,
      Egress: false,
      RuleAction: 'allow',
      Protocol: '6',
      CidrBlock: '10.0.0.0/16',
      PortRange: { From: 22, To: 22 },
    };
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const body = JSON.stringify(envelope(createEntry(100, 22, 22)));
    const result = await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    expect(result.failedMessageIds).toEqual([]);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it('does not report an entry still there as written (a redelivery of a call whose fix is off)', async () => {
    sshWorld();
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const body = JSON.stringify(envelope(createEntry(100, 22, 22)));
    await processMessages([{ id: 'm', body, receiveCount: 2 }], deps({ rules: {} }));
    const notices = publishedNotices(snsMock);
    expect(notices).toHaveLength(1);
    // The finding itself is the news; nothing is claimed removed.
    expect(notices[0]?.Subject).toBe('[HIGH] acl-0default world-open on 22/tcp');
    expect(notices[0]?.Message).not.toContain('ALREADY REMOVED');
  });

  it('does not report a gone entry that opened no admin port (the real tcp 700-702 record)', async () => {
    // The real record: account 123456789012, us-west-2, acl-1111, rule 12 gone from the NACL.
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [],
      accountId: '123456789012',
      region: 'us-west-2',
    });
    const acl = world.NetworkAcls[0] as Entry;
    acl.NetworkAclId = 'acl-1111';
    installFakeEc2(ec2Mock, world);
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const record = cloudTrailFixture('CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json');
    const result = await processMessages(
      [{ id: 'm', body: JSON.stringify(record), receiveCount: 2 }],
      deps(
        { ownRoleArn: 'arn:aws:iam::123456789012:role/guardrail' },
        {
          accountId: '123456789012',
          region: 'us-west-2',
        },
      ),
    );
    expect(result.failedMessageIds).toEqual([]);
    const messages = publishedNotices(snsMock).map((n) => n.Message);
    expect(messages.join('\n')).not.toContain('ALREADY REMOVED');
  });
});

/** AuthorizeSecurityGroupIngress of tcp 22 from a prefix list, with its rule set (EC2's camelCase). */
function authorizeFromList(groupId: string, ruleId: string, prefixListId: string) {
  return cloudTrailRecord(
    'AuthorizeSecurityGroupIngress',
    {
      groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            groups: {},
            ipRanges: {},
            ipv6Ranges: {},
            prefixListIds: { items: [{ prefixListId }] },
          },
        ],
      },
    },
    {
      requestId: 'req-1',
      _return: true,
      securityGroupRuleSet: {
        items: [
          {
            groupOwnerId: '111122223333',
            groupId,
            securityGroupRuleId: ruleId,
            isEgress: false,
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            prefixListId,
          },
        ],
      },
    },
  );
}

describe('§8 "already removed" for a world rule whose source was a prefix list', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
  });

  /** The group no longer holds sgr-pl22 (an earlier attempt revoked it); the list still exists. */
  function listWorld(cidrs: string[]): void {
    const world = buildWorld({
      groupId: 'sg-0web',
      rules: [{ id: 'sgr-vpc22', from: 22, cidr: '10.0.0.0/16' }],
    });
    world.ManagedPrefixLists = [{ PrefixListId: 'pl-0admins', Entries: cidrs.map((Cidr) => ({ Cidr })) }];
    installFakeEc2(ec2Mock, world);
  }
  const body = JSON.stringify(envelope(authorizeFromList('sg-0web', 'sgr-pl22', 'pl-0admins')));
  const listReads = () =>
    ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input);

  it('reads the gone rule’s list on a redelivery and reports the rule when the list holds 0.0.0.0/0', async () => {
    listWorld(['198.51.100.0/24', '0.0.0.0/0']);
    await processMessages([{ id: 'm', body, receiveCount: 2 }], deps());
    expect(listReads()).toEqual([{ PrefixListId: 'pl-0admins' }]);
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual(['[CRITICAL] world-open rule on sg-0web already removed']);
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(notices[0]?.MessageAttributes?.ruleIds?.StringValue).toBe('["sg-open-admin-port"]');
    expect(notices[0]?.Message).toContain(
      'sgr-pl22 on sg-0web: tcp 22 from prefix list pl-0admins (it holds the whole internet)',
    );
  });

  it('does not report it when the list holds no world range', async () => {
    listWorld(['198.51.100.0/24']);
    await processMessages([{ id: 'm', body, receiveCount: 2 }], deps());
    expect(listReads()).toEqual([{ PrefixListId: 'pl-0admins' }]);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it.each([
    ['deleted since', 'InvalidPrefixListID.NotFound', 400],
    ['whose read is refused', 'UnauthorizedOperation', 403],
  ])(
    'reports the gone rule as not verified, and still evaluates, when the list was %s',
    async (_, name, status) => {
      // Arrange
      listWorld(['0.0.0.0/0']);
      ec2Mock
        .on(GetManagedPrefixListEntriesCommand)
        .rejects(Object.assign(new Error('no list'), { name, $metadata: { httpStatusCode: status } }));
      // Act
      const result = await processMessages([{ id: 'm', body, receiveCount: 2 }], deps());
      // Assess: never silent (the rule may have opened 22 to the world), never a claim it was world-open;
      // not a "could not evaluate" either (the list judges nothing left in the slice).
      expect(result.failedMessageIds).toEqual([]);
      const notices = publishedNotices(snsMock);
      expect(notices.map((n) => n.Subject)).toEqual([
        '[CRITICAL] prefix-list rule on sg-0web gone, not verified',
      ]);
      expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
      expect(notices[0]?.MessageAttributes?.ruleIds?.StringValue).toBe('["sg-open-admin-port"]');
      expect(notices[0]?.MessageAttributes?.action?.StringValue).toBe('notified');
      expect(notices[0]?.Message).toContain(
        'sgr-pl22 on sg-0web: tcp 22 from prefix list pl-0admins (NOT VERIFIED: the rule is gone and the list could not be read, so whether it held the whole internet is not known)',
      );
      expect(notices[0]?.Message).not.toContain('could not evaluate');
    },
  );

  it('leaves out a gone rule on authorized ports whose list cannot be read (not news even from the world)', async () => {
    // Arrange
    listWorld(['0.0.0.0/0']);
    ec2Mock.on(GetManagedPrefixListEntriesCommand).rejects(
      Object.assign(new Error('gone'), {
        name: 'InvalidPrefixListID.NotFound',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const on443 = JSON.parse(
      JSON.stringify(authorizeFromList('sg-0web', 'sgr-pl22', 'pl-0admins'))
        .replaceAll('"fromPort":22', '"fromPort":443')
        .replaceAll('"toPort":22', '"toPort":443'),
    );
    // Act
    await processMessages([{ id: 'm', body: JSON.stringify(envelope(on443)), receiveCount: 2 }], deps());
    // Assess
    expect(listReads()).toEqual([{ PrefixListId: 'pl-0admins' }]);
    expect(publishedNotices(snsMock)).toEqual([]);
  });

  it('matches by content a record from before rule ids ({"_return": true}) whose list rule is gone', async () => {
    listWorld(['0.0.0.0/0']);
    const record = authorizeFromList('sg-0web', 'sgr-pl22', 'pl-0admins');
    const bare = JSON.stringify(envelope({ ...record, responseElements: { _return: true } }));
    await processMessages([{ id: 'm', body: bare, receiveCount: 2 }], deps());
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual(['[CRITICAL] world-open rule on sg-0web already removed']);
    expect(notices[0]?.Message).toContain(
      'rule (no id in the record) on sg-0web: tcp 22 from prefix list pl-0admins (it holds the whole internet)',
    );
  });

  it('neither reads the list nor reports on a first delivery (not news)', async () => {
    listWorld(['0.0.0.0/0']);
    await processMessages([{ id: 'm', body, receiveCount: 1 }], deps());
    expect(listReads()).toEqual([]);
    expect(publishedNotices(snsMock)).toEqual([]);
  });
});
