import { EC2Client, GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { emptyScope } from '../../../../../shared/events/event-table';
import { parseConfig } from '../../../../../shared/load-config';
import { assessSlice } from '../../../../../shared/scope/assess';
import { buildWorld, installFakeEc2 } from '../../../../helpers';

// DESIGN §12 "An SG event costs ≤ 6 EC2 read calls": 5 base reads plus one GetManagedPrefixListEntries
// per ingress prefix list (EC2 reads one list per call). With two ingress lists the event costs 7,
// as the README's "Slice" says; both lists are read in the same round, once each.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const GROUP = 'sg-0web';

describe('the read budget of a security-group event with prefix lists', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('two ingress lists: 7 reads, each list once; both resolved and judged', async () => {
    // Prepare
    const world = buildWorld({
      groupId: GROUP,
      rules: [
        { id: 'sgr-pl22', from: 22, prefixList: 'pl-0world' },
        { id: 'sgr-pl443', from: 443, prefixList: 'pl-0office' },
      ],
    });
    world.ManagedPrefixLists = [
      { PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] },
      { PrefixListId: 'pl-0office', Entries: [{ Cidr: '198.51.100.0/24' }] },
    ];
    installFakeEc2(ec2Mock, world);
    const scope = {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: [GROUP],
    };

    // Act
    const slice = await loadSlice(ec2, scope);
    const assessment = assessSlice([scope], slice.snapshot, parseConfig({}), {
      sliceComplete: slice.complete,
    });

    // Assess
    expect(slice.calls).toBe(7);
    expect(
      ec2Mock
        .commandCalls(GetManagedPrefixListEntriesCommand)
        .map((c) => c.args[0].input.PrefixListId)
        .sort(),
    ).toEqual(['pl-0office', 'pl-0world']);
    expect(assessment.findings.filter((f) => f.resourceId === GROUP).map((f) => f.ruleId)).toEqual([
      'sg-open-admin-port',
    ]);
  });

  it('one ingress list and one egress list: 6 reads (the egress list decides nothing and is not read)', async () => {
    const world = buildWorld({
      groupId: GROUP,
      rules: [
        { id: 'sgr-pl22', from: 22, prefixList: 'pl-0world' },
        { id: 'sgr-s3', from: 443, prefixList: 'pl-6da54004', egress: true },
      ],
    });
    world.ManagedPrefixLists = [{ PrefixListId: 'pl-0world', Entries: [{ Cidr: '0.0.0.0/0' }] }];
    installFakeEc2(ec2Mock, world);
    const slice = await loadSlice(ec2, {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: [GROUP],
    });
    expect(slice.calls).toBe(6);
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(1);
  });
});
