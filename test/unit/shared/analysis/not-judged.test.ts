import { describe, expect, it } from 'vitest';
import { Analysis } from '../../../../shared/analysis/analysis';
import { notJudgedOf } from '../../../../shared/analysis/not-judged';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { LOCAL_ROUTES, nacl, OPEN_ENTRIES, sg } from '../../../helpers';

function subnetItem(id: string, vpcId: string) {
  return { SubnetId: id, VpcId: vpcId, CidrBlock: '10.0.1.0/24', MapPublicIpOnLaunch: false, Tags: [] };
}

function mainTable(id: string, vpcId: string) {
  return {
    RouteTableId: id,
    VpcId: vpcId,
    Routes: LOCAL_ROUTES,
    Associations: [{ Main: true, RouteTableId: id, RouteTableAssociationId: `rtbassoc-${id}` }],
  };
}

function eni(id: string, subnetId: string | undefined, groupIds: string[]) {
  return {
    NetworkInterfaceId: id,
    ...(subnetId ? { SubnetId: subnetId } : {}),
    VpcId: 'vpc-1',
    Groups: groupIds.map((GroupId) => ({ GroupId })),
  };
}

/**
 * Subnets with a complete path (subnet-ok), without a NACL (subnet-noacl, in vpc-2), without a
 * route table (subnet-nortb, in vpc-3); subnet-gone is not in the snapshot. Groups sg-a and sg-b.
 */
function snapshotWith(interfaces: ReturnType<typeof eni>[]) {
  return parseSnapshot({
    SecurityGroups: [sg('sg-a', []), sg('sg-b', [])],
    Subnets: [
      subnetItem('subnet-ok', 'vpc-1'),
      subnetItem('subnet-noacl', 'vpc-2'),
      subnetItem('subnet-nortb', 'vpc-3'),
    ],
    NetworkAcls: [
      nacl('acl-1', OPEN_ENTRIES, { subnetIds: ['subnet-ok'] }),
      nacl('acl-3', OPEN_ENTRIES, { vpcId: 'vpc-3', isDefault: true, subnetIds: [] }),
    ],
    RouteTables: [mainTable('rtb-1', 'vpc-1'), mainTable('rtb-2', 'vpc-2')],
    NetworkInterfaces: interfaces,
  });
}

function reasons(interfaces: ReturnType<typeof eni>[], interfaceRuleIds = ['eni-internet-exposed']) {
  const analysis = new Analysis(buildModel(snapshotWith(interfaces)), DEFAULT_CONFIG);
  return notJudgedOf(analysis, { interfaceRuleIds, judgesGroups: false }).map((n) => [
    n.resourceId,
    n.reason,
    n.ruleId,
  ]);
}

describe('notJudgedOf: interfaces', () => {
  it('names the missing part of the path for every interface of a subnet (judged once per subnet), the path before the groups', () => {
    // Act
    const rows = reasons([
      eni('eni-1', undefined, ['sg-a']),
      eni('eni-2', 'subnet-gone', ['sg-a']),
      eni('eni-3', 'subnet-gone', ['sg-gone']),
      eni('eni-4', 'subnet-noacl', ['sg-a']),
      eni('eni-5', 'subnet-nortb', ['sg-a']),
      eni('eni-6', 'subnet-nortb', ['sg-b']),
      eni('eni-7', 'subnet-ok', ['sg-a', 'sg-b']),
    ]);

    // Assess
    expect(rows).toEqual([
      ['eni-1', 'the interface has no SubnetId', 'eni-internet-exposed'],
      ['eni-2', 'its subnet subnet-gone is not in the snapshot', 'eni-internet-exposed'],
      ['eni-3', 'its subnet subnet-gone is not in the snapshot', 'eni-internet-exposed'],
      ['eni-4', 'no network ACL of its subnet subnet-noacl is in the snapshot', 'eni-internet-exposed'],
      ['eni-5', 'no route table of its subnet subnet-nortb is in the snapshot', 'eni-internet-exposed'],
      ['eni-6', 'no route table of its subnet subnet-nortb is in the snapshot', 'eni-internet-exposed'],
    ]);
  });

  it('names the missing groups of an interface once each, sorted, whatever their order and repeats', () => {
    // Act
    const rows = reasons(
      [
        eni('eni-1', 'subnet-ok', ['sg-z', 'sg-a', 'sg-y', 'sg-z']),
        eni('eni-2', 'subnet-ok', ['sg-b', 'sg-x']),
        eni('eni-3', 'subnet-ok', ['sg-b', 'sg-a', 'sg-b']),
      ],
      ['eni-internet-exposed', 'other-rule'],
    );

    // Assess
    expect(rows).toEqual([
      ['eni-1', 'its security groups sg-y, sg-z are not in the snapshot', 'eni-internet-exposed'],
      ['eni-1', 'its security groups sg-y, sg-z are not in the snapshot', 'other-rule'],
      ['eni-2', 'its security group sg-x is not in the snapshot', 'eni-internet-exposed'],
      ['eni-2', 'its security group sg-x is not in the snapshot', 'other-rule'],
    ]);
  });

  it('says nothing of interfaces when no interface rule runs', () => {
    expect(reasons([eni('eni-1', undefined, ['sg-gone'])], [])).toEqual([]);
  });
});
