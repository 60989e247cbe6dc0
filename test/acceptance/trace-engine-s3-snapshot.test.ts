import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/errors';
import { readSnapshot } from '../../shared/model/snapshot';
import { SNAPSHOT_KEYS } from '../../shared/model/snapshot-schema';

// DESIGN §3, statements the traceability audit found without a test that would fail if they broke.

function issuesOf(snapshot: unknown): string[] {
  try {
    readSnapshot(snapshot);
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  return [];
}

/** A minimal valid item of each list, and the id field DESIGN §3 names for it. */
const ITEMS: [string, string, Record<string, unknown>][] = [
  ['Vpcs', 'VpcId', { CidrBlock: '10.0.0.0/16' }],
  ['Subnets', 'SubnetId', { VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' }],
  ['SecurityGroups', 'GroupId', { VpcId: 'vpc-1', GroupName: 'g' }],
  [
    'SecurityGroupRules',
    'SecurityGroupRuleId',
    {
      GroupId: 'sg-1',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      CidrIpv4: '10.0.0.0/8',
    },
  ],
  ['NetworkAcls', 'NetworkAclId', { VpcId: 'vpc-1', IsDefault: false }],
  ['RouteTables', 'RouteTableId', { VpcId: 'vpc-1' }],
  ['InternetGateways', 'InternetGatewayId', {}],
  [
    'NatGateways',
    'NatGatewayId',
    { SubnetId: 'subnet-1', VpcId: 'vpc-1', State: 'available', ConnectivityType: 'public' },
  ],
  ['VpcEndpoints', 'VpcEndpointId', { VpcId: 'vpc-1' }],
  ['NetworkInterfaces', 'NetworkInterfaceId', { VpcId: 'vpc-1', SubnetId: 'subnet-1' }],
  ['ManagedPrefixLists', 'PrefixListId', { Entries: [{ Cidr: '10.0.0.0/8' }] }],
];

describe('DESIGN §3: ids are unique within each list', () => {
  it('the eleven lists DESIGN names are the ones checked', () => {
    expect(ITEMS.map(([list]) => list).sort()).toEqual(
      SNAPSHOT_KEYS.filter((k) => k !== 'accountId' && k !== 'region').sort(),
    );
  });

  it.each(ITEMS)('%s: a duplicate %s is an error naming both indexes', (list, idField, item) => {
    // Prepare: the second and the fourth item share an id.
    const items = ['x-a', 'x-dup', 'x-b', 'x-dup'].map((id) => ({ ...item, [idField]: id }));
    // Act / Assess
    expect(issuesOf({ [list]: items })).toEqual([
      `${list}[3].${idField}: duplicate id "x-dup": also at ${list}[1].${idField}`,
    ]);
    expect(issuesOf({ [list]: items.slice(0, 3) })).toEqual([]);
  });
});

describe('DESIGN §3: missing keys are empty lists', () => {
  it('an object with one list reads every other list as empty, with no error', () => {
    const { snapshot } = readSnapshot({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] });
    for (const key of SNAPSHOT_KEYS) {
      if (key === 'accountId' || key === 'region' || key === 'Vpcs') continue;
      expect(snapshot[key], key).toEqual([]);
    }
  });
});
