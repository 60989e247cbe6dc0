// Corners of DESIGN §7/§8 found by the events7 review on the emulator (scripts/emulator/catalogue.py),
// pinned through the event function's batch path with the EC2 fake behind aws-sdk-client-mock.

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import {
  authorizeIngress,
  buildWorld,
  cloudTrailRecord,
  ENI,
  envelope,
  eventDeps,
  installFakeEc2,
  OTHER_GROUP,
  publishedNotices,
  VPC,
  type World,
} from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const KEY = 'vpc-guardrail:exempt';

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

async function run(w: World, record: Record<string, unknown>) {
  installFakeEc2(ec2Mock, w);
  const result = await processMessages(
    [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
    eventDeps({ ownRoleArn: 'arn:aws:iam::111122223333:role/vpc-guardrail' }),
  );
  return { result, notices: publishedNotices(snsMock) };
}

describe('CreateSecurityGroup naming its group only by name (no responseElements)', () => {
  const created = (tagged: boolean) =>
    cloudTrailRecord(
      'CreateSecurityGroup',
      {
        groupName: 'quiet',
        groupDescription: 'quiet',
        vpcId: VPC,
        ...(tagged
          ? {
              tagSpecificationSet: {
                items: [{ resourceType: 'security-group', tags: [{ key: KEY, value: '*' }] }],
              },
            }
          : {}),
      },
      null,
    );

  it('tells the exemption set at creation, naming the group the slice resolved', async () => {
    // Before: the by-name path dropped TagSpecifications, so a group created exempt was never told.
    const w = buildWorld({
      groupId: 'sg-0quiet',
      groupName: 'quiet',
      rules: [{ id: 'sgr-q22', from: 22, cidr: '0.0.0.0/0' }],
      groupTags: [{ Key: KEY, Value: '*' }],
    });
    const { result, notices } = await run(w, created(true));
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices.map((n) => n.Subject)).toEqual(['[INFO] exemption set on sg-0quiet by Admin/alice']);
    const text = notices[0]?.Message ?? '';
    expect(text).toContain('EXEMPTION TAG CHANGED');
    expect(text).toMatch(/set the tag vpc-guardrail:exempt = \*\n {2}on sg-0quiet/);
    expect(ec2Mock.calls().some((c) => c.args[0].constructor.name.startsWith('Revoke'))).toBe(false);
  });

  it('names the group by its name when it is gone since (no id to give)', async () => {
    const w = buildWorld({ groupId: 'sg-0other', groupName: 'other', rules: [] });
    const { notices } = await run(w, created(true));
    expect(notices.map((n) => n.Subject)).toEqual(['[INFO] exemption set on group quiet by Admin/alice']);
    expect(notices[0]?.Message).toContain(
      'on the group named quiet (the record gives no id, and the group was not read)',
    );
  });

  it('stays silent without the tag (a new empty group is no news)', async () => {
    const w = buildWorld({ groupId: 'sg-0quiet', groupName: 'quiet', rules: [] });
    const { notices } = await run(w, created(false));
    expect(notices).toEqual([]);
  });
});

describe('a batch whose every call is unreadable', () => {
  it('says once that what the calls created is not known, with the reason', async () => {
    // Before: "What these calls created is not known: RunInstances: …, so what the call created is
    // not known" — the reason repeated the line's own words.
    const w = buildWorld({ groupId: 'sg-0web', rules: [] });
    const record = cloudTrailRecord(
      'RunInstances',
      { instancesSet: { items: [{ imageId: 'ami-1', minCount: 3, maxCount: 3 }] } },
      null,
    );
    const { notices } = await run(w, record);
    expect(notices.map((n) => n.Subject)).toEqual(['[HIGH] could not evaluate RunInstances — failed']);
    const text = notices[0]?.Message ?? '';
    expect(text).toContain(
      '  What these calls created or changed is not known: RunInstances: the record has no responseElements (CloudTrail leaves out a field over its size limit, as a large RunInstances response)\n',
    );
    expect(text.match(/not known/g)).toHaveLength(1);
    expect(ec2Mock.calls()).toEqual([]);
  });
});

describe('AssignIpv6Addresses (beyond §7’s list): an interface’s IPv6 exposure', () => {
  /** The interface has no public IPv4; its group opens 22 to ::/0; its subnet routes ::/0 to the igw. */
  const v6Only = (): World => {
    const w = buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-w22v6', from: 22, cidr: '::/0' }] });
    for (const eni of w.NetworkInterfaces) delete eni.Association;
    return w;
  };

  it.each([
    [
      'CloudTrail form',
      { networkInterfaceId: ENI, ipv6AddressCount: 1 },
      {
        requestId: 'r',
        networkInterfaceId: ENI,
        assignedIpv6Addresses: { items: [{ ipv6Address: '2600:1f18::10' }] },
      },
    ],
    [
      'PascalCase request wrapper',
      { AssignIpv6AddressesRequest: { NetworkInterfaceId: ENI, Ipv6AddressCount: 1 } },
      { requestId: 'r', _return: true },
    ],
  ])('tells the interface newly reachable over IPv6 (%s)', async (_shape, request, response) => {
    // Before: the name was not in the event table, so the event was ignored (a silent false negative).
    const { result, notices } = await run(
      v6Only(),
      cloudTrailRecord('AssignIpv6Addresses', request, response),
    );
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp',
    ]);
    expect(notices[0]?.Message).toContain('AssignIpv6Addresses');
    expect(notices[0]?.Message).not.toContain('sg-open-admin-port');
  });
});

describe('a revoke after which a finding stays only through an accepted path', () => {
  const deps = eventDeps;

  it('says under the fixed interface what stays reachable through the exempted group', async () => {
    // The interface uses sg-0web (22 and 3389 from the world, the event's group) and sg-0base (22
    // from the world, tagged exempt from sg-open-admin-port). The revoke closes 3389; 22 stays
    // reachable through sg-0base, an accepted path. Before: "FIXED … reachable on 22/tcp, 3389/tcp"
    // and nothing under it said that 22 was not closed.
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
      ],
    });
    const base = w.SecurityGroups.find((g) => g.GroupId === OTHER_GROUP);
    if (!base) throw new Error('world without sg-0base');
    base.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [] },
    ];
    base.Tags = [{ Key: KEY, Value: 'sg-open-admin-port' }];
    w.SecurityGroupRules.push({
      SecurityGroupRuleId: 'sgr-b22',
      GroupId: OTHER_GROUP,
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
      Tags: [],
    });
    installFakeEc2(ec2Mock, w);
    const record = authorizeIngress('sg-0web', 3389, [['sgr-w3389', '0.0.0.0/0']]);
    await processMessages([{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }], deps());
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] sg-0web world-open on 22/tcp, 3389/tcp (+1 more) — revoked',
    ]);
    const text = notices[0]?.Message ?? '';
    expect(text).toContain(
      '    - FIXED [CRITICAL] eni-0web (i-0web) is reachable from the internet on 22/tcp, 3389/tcp\n' +
        '      fixed by: RevokeSecurityGroupIngress sg-0web rules sgr-w22, sgr-w3389 (tcp 22 from 0.0.0.0/0; tcp 3389 from 0.0.0.0/0)\n' +
        '      still reachable through an accepted path (listed under SUPPRESSED): eni-0web (i-0web) is reachable from the internet on 22/tcp\n',
    );
    expect(text).toMatch(
      /SUPPRESSED \(1\)[^\n]*\n {2}- \[CRITICAL\] eni-0web \(i-0web\) is reachable from the internet on 22\/tcp/,
    );
  });

  it('keeps a revoke of a world-open port told at its severity when the group’s other port is allow-listed', async () => {
    // sg-open-admin-port on 22 and 3389; 3389 allow-listed: 22's rule is revoked, 3389's stays. The
    // finding is FIXED (critical: a filter on critical hears of the revoke), 3389 named as accepted.
    const w = buildWorld({
      groupId: 'sg-0web',
      rules: [
        { id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-w3389', from: 3389, cidr: '0.0.0.0/0' },
      ],
    });
    installFakeEc2(ec2Mock, w);
    const record = authorizeIngress('sg-0web', 22, [['sgr-w22', '0.0.0.0/0']]);
    await processMessages(
      [{ id: 'm', body: JSON.stringify(envelope(record)), receiveCount: 1 }],
      deps({ allowLists: [{ resourceId: 'sg-0web', ports: ['3389/tcp'] }] }),
    );
    const notices = publishedNotices(snsMock);
    expect(notices.map((n) => n.Subject)).toEqual([
      '[CRITICAL] sg-0web world-open on 22/tcp, 3389/tcp (+1 more) — revoked',
    ]);
    expect(notices[0]?.MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(notices[0]?.Message).toContain(
      '      still reachable through an accepted path (listed under SUPPRESSED): sg-0web world-open on 3389/tcp\n',
    );
  });
});
