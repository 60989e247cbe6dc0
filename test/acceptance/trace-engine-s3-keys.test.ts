import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/errors';
import { readSnapshotText } from '../../shared/model/snapshot';
import { parseJsonText } from '../../shared/validation';

// DESIGN §3 "Keys": a key spelled like a known one (near-miss-key) is an error naming the key it
// resembles, inside items as at the top level, and "a security tool must not come out clean
// because its input was wrong". A misspelling *beside* the correct key (`"IpPermissions "` next
// to `"IpPermissions": []`) was read as an unknown key, ignored: the rules under it never judged.

const OPEN_SSH = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
const group = (extra: Record<string, unknown>) => ({
  GroupId: 'sg-1',
  GroupName: 'web',
  VpcId: 'vpc-1',
  IpPermissions: [],
  IpPermissionsEgress: [],
  ...extra,
});

/** The issues `readSnapshotText` refuses `text` with (the CLI's and the audit's path). */
function issuesOf(snapshot: unknown): string[] {
  try {
    readSnapshotText(JSON.stringify(snapshot, null, 2), 'snapshot s.json');
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  return [];
}

const tail = '(JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)';

describe('a misspelt key beside the key EC2 prints (DESIGN §3 "Keys")', () => {
  it.each([
    ['a trailing space', 'IpPermissions ', '["IpPermissions "]', 'a space, _ or -'],
    ['an underscore', 'Ip_Permissions', 'Ip_Permissions', 'a space, _ or -'],
    ['a hyphen and case', 'ip-permissions', 'ip-permissions', 'case and a space, _ or -'],
    ['a space and a missing s', 'Ip Permission', '["Ip Permission"]', 'a trailing s and a space, _ or -'],
  ])('a security group with IpPermissions and %s is an error naming the path', (_label, key, shown, how) => {
    expect(issuesOf({ SecurityGroups: [group({ [key]: OPEN_SSH })] })).toEqual([
      `SecurityGroups[0]${shown.startsWith('[') ? '' : '.'}${shown}: the same key as "IpPermissions" but for ${how} ${tail}`,
    ]);
  });

  it('a key written with escapes is read as JSON.parse reads it ("IpPermissions\\u0020")', () => {
    const text =
      '{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1", "IpPermissions": [],' +
      ' "IpPermissionsEgress": [], "Ip\\u0050ermissions\\u0020": []}]}';
    expect(() => readSnapshotText(text, 'snapshot s.json')).toThrow(
      `SecurityGroups[0]["IpPermissions "]: the same key as "IpPermissions" but for a space, _ or - ${tail}`,
    );
  });

  it('a network ACL with Entries and entries_, and a rule with IpRanges and Ip-Ranges', () => {
    const acl = {
      NetworkAclId: 'acl-1',
      VpcId: 'vpc-1',
      IsDefault: false,
      Associations: [],
      Entries: [],
      entries_: [
        { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      ],
    };
    expect(issuesOf({ NetworkAcls: [acl] })).toEqual([
      `NetworkAcls[0].entries_: the same key as "Entries" but for case and a space, _ or - ${tail}`,
    ]);
    const rule = { ...OPEN_SSH[0], IpRanges: [], 'Ip-Ranges': [{ CidrIp: '0.0.0.0/0' }] };
    expect(issuesOf({ SecurityGroups: [group({ IpPermissions: [rule] })] })).toEqual([
      `SecurityGroups[0].IpPermissions[0].Ip-Ranges: the same key as "IpRanges" but for a space, _ or - ${tail}`,
    ]);
  });

  it('in an object of many keys (searched through a set) too', () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) many[`Field${i}`] = i;
    expect(issuesOf({ SecurityGroups: [group({ ...many, 'Ip Permissions': OPEN_SSH })] })).toEqual([
      `SecurityGroups[0]["Ip Permissions"]: the same key as "IpPermissions" but for a space, _ or - ${tail}`,
    ]);
    // Beside a key the engine does not guard, left alone there too.
    expect(issuesOf({ SecurityGroups: [group({ ...many, Field_1: 0 })] })).toEqual([]);
  });

  it("a route target beside its misspelling (which one is the route's target is unknown)", () => {
    const table = {
      RouteTableId: 'rtb-1',
      VpcId: 'vpc-1',
      Routes: [
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'local', 'Gateway Id': 'igw-1', State: 'active' },
      ],
    };
    expect(issuesOf({ RouteTables: [table] })).toEqual([
      `RouteTables[0].Routes[0]["Gateway Id"]: the same key as "GatewayId" but for a space, _ or - ${tail}`,
    ]);
  });

  it('beside a key whose lone misspelling is no error either (OwnerId: nothing hides), it is left alone', () => {
    expect(
      issuesOf({ SecurityGroups: [group({ OwnerId: '1', Owner_Id: '2', 'Description ': 'x' })] }),
    ).toEqual([]);
  });

  it('keys that differ by more than separators, case and a trailing s pass; events are not checked', () => {
    // Prepare: EC2's own neighbours (IpPermissions / IpPermissionsEgress, GroupId / GroupName).
    const ok = { SecurityGroups: [group({ IpPermissions: OPEN_SSH, Description: 'x', OwnerId: '1' })] };
    // Act / Assess
    expect(issuesOf(ok)).toEqual([]);
    expect(parseJsonText('{"a": {"x-y": 1, "x_y": 2, "xy": 3}}', 'event e.json', InputError)).toEqual({
      a: { 'x-y': 1, x_y: 2, xy: 3 },
    });
  });

  it('inside an endpoint policy object the pair is left to the rule (a Condition may hold such keys)', () => {
    const policy = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/cost-center': 'a', 'aws:PrincipalTag/costcenter': 'b' },
          },
        },
      ],
    };
    const snapshot = { VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-1', PolicyDocument: policy }] };
    expect(issuesOf(snapshot)).toEqual([]);
  });
});
