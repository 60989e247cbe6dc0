import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluate } from '../../shared/engine';
import { InputError } from '../../shared/errors';
import { parseSnapshot, parseSnapshotText } from '../../shared/model/snapshot';
import { audit, perm, sg } from '../helpers';

const FIXTURES = new URL('../fixtures/ec2/', import.meta.url);

/** A fixture's response body (Placebo recordings are unwrapped from `{status_code, data}`). */
function fixture(name: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
  return 'status_code' in json ? (json.data as Record<string, unknown>) : json;
}

function issuesOf(input: unknown): string[] {
  try {
    parseSnapshot(input);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('snapshot format (DESIGN §3)', () => {
  it('missing keys are empty lists: {} parses and gives no finding', () => {
    const snapshot = parseSnapshot({});
    expect(snapshot.SecurityGroups).toEqual([]);
    expect(snapshot.NetworkAcls).toEqual([]);
    expect(snapshot.ManagedPrefixLists).toEqual([]);
    expect(evaluate(snapshot, DEFAULT_CONFIG)).toEqual([]);
  });

  it('unknown keys are ignored, at the top and inside items', () => {
    const findings = audit({
      NextToken: 'abc',
      ResponseMetadata: { RequestId: 'r' },
      SomethingNew: [{ x: 1 }],
      SecurityGroups: [
        {
          ...sg('sg-1', []),
          IpPermissions: [{ ...perm('tcp', [22, 22], '0.0.0.0/0'), SomeFutureField: true }],
          SecurityGroupArn: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1',
        },
      ],
    });
    expect(findings.map((f) => f.ruleId)).toEqual(['sg-open-admin-port']);
  });

  it('names the path of a port that is a string', () => {
    const bad = {
      ...sg('sg-3', []),
      IpPermissions: [{ ...perm('tcp', undefined, '0.0.0.0/0'), FromPort: '22', ToPort: 22 }],
    };
    const issues = issuesOf({ SecurityGroups: [sg('sg-0', []), sg('sg-1', []), sg('sg-2', []), bad] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^SecurityGroups\[3\]\.IpPermissions\[0\]\.FromPort: expected a number/);
  });

  it('names a missing id, a list that is not a list, a bad CIDR and a bad RuleAction', () => {
    const issues = issuesOf({
      Subnets: [{ VpcId: 'vpc-1' }],
      RouteTables: {},
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/33')])],
      NetworkAcls: [
        {
          NetworkAclId: 'acl-1',
          VpcId: 'vpc-1',
          Entries: [
            { RuleNumber: 100, Protocol: '-1', RuleAction: 'permit', Egress: false, CidrBlock: '0.0.0.0/0' },
          ],
        },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Subnets\[0\]\.SubnetId: /),
        expect.stringMatching(/^RouteTables: expected an array/),
        expect.stringMatching(/^SecurityGroups\[0\]\.IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp: /),
        expect.stringMatching(/^NetworkAcls\[0\]\.Entries\[0\]\.RuleAction: /),
      ]),
    );
  });

  it('a root that is not an object, empty text and non-JSON text are input errors, never crashes', () => {
    expect(() => parseSnapshot([])).toThrow(InputError);
    expect(() => parseSnapshot(null)).toThrow(InputError);
    expect(() => parseSnapshotText('')).toThrow(InputError);
    expect(() => parseSnapshotText('{"SecurityGroups": [')).toThrow(InputError);
  });

  it('AWS CLI output with extra fields parses (OwnerId, empty tag values, CIDR association sets, states)', () => {
    const snapshot = parseSnapshot({
      Vpcs: [
        {
          CidrBlock: '10.0.0.0/16',
          DhcpOptionsId: 'dopt-1',
          State: 'available',
          VpcId: 'vpc-1',
          OwnerId: '111122223333',
          InstanceTenancy: 'default',
          Ipv6CidrBlockAssociationSet: [
            {
              AssociationId: 'vpc-cidr-assoc-1',
              Ipv6CidrBlock: '2001:db8:1234:1a00::/56',
              Ipv6CidrBlockState: { State: 'associated' },
              NetworkBorderGroup: 'eu-west-1',
              Ipv6Pool: 'Amazon',
            },
          ],
          CidrBlockAssociationSet: [
            {
              AssociationId: 'vpc-cidr-assoc-2',
              CidrBlock: '10.0.0.0/16',
              CidrBlockState: { State: 'associated' },
            },
          ],
          IsDefault: false,
          Tags: [{ Key: 'Name', Value: '' }],
        },
      ],
      NetworkAcls: [
        {
          Associations: [],
          Entries: [
            { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
            {
              Egress: false,
              Ipv6CidrBlock: '::/0',
              Protocol: '1',
              RuleAction: 'allow',
              RuleNumber: 101,
              IcmpTypeCode: { Code: -1, Type: -1 },
            },
          ],
          IsDefault: true,
          NetworkAclId: 'acl-1',
          Tags: [],
          VpcId: 'vpc-1',
          OwnerId: '111122223333',
        },
      ],
    });
    expect(snapshot.Vpcs[0]?.Tags).toEqual([{ Key: 'Name', Value: '' }]);
    expect(snapshot.NetworkAcls[0]?.Entries).toHaveLength(2);
  });

  const ID_KEYS: Record<string, string> = {
    Vpcs: 'VpcId',
    Subnets: 'SubnetId',
    SecurityGroups: 'GroupId',
    SecurityGroupRules: 'SecurityGroupRuleId',
    NetworkAcls: 'NetworkAclId',
    RouteTables: 'RouteTableId',
    InternetGateways: 'InternetGatewayId',
    NatGateways: 'NatGatewayId',
    VpcEndpoints: 'VpcEndpointId',
    NetworkInterfaces: 'NetworkInterfaceId',
    ManagedPrefixLists: 'PrefixListId',
  };

  it('every real EC2 sample in test/fixtures/ec2 parses, alone and merged into one snapshot', () => {
    const merged: Record<string, unknown[]> = {};
    const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.json'));
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const body = fixture(name);
      expect(() => parseSnapshot(body), name).not.toThrow();
      for (const [key, value] of Object.entries(body)) {
        // Two samples may describe the same resource (before and after a change): the first one
        // is kept, since ids are unique within a list.
        if (!Array.isArray(value)) continue;
        const idOf = (item: unknown) => {
          const fields = Object.entries(item as Record<string, unknown>);
          return JSON.stringify(fields.find(([k]) => k === ID_KEYS[key])?.[1] ?? item);
        };
        const known = new Set((merged[key] ?? []).map(idOf));
        merged[key] = [...(merged[key] ?? []), ...value.filter((item) => !known.has(idOf(item)))];
      }
    }
    const snapshot = parseSnapshot(merged);
    expect(snapshot.SecurityGroups.length).toBeGreaterThan(0);
    expect(snapshot.NetworkAcls.length).toBeGreaterThan(0);
    expect(snapshot.RouteTables.length).toBeGreaterThan(0);
    expect(snapshot.NetworkInterfaces.length).toBeGreaterThan(0);
    expect(snapshot.VpcEndpoints.length).toBeGreaterThan(0);
    const first = evaluate(snapshot, DEFAULT_CONFIG);
    expect(first.length).toBeGreaterThan(0);
    expect(evaluate(parseSnapshot(merged), DEFAULT_CONFIG)).toEqual(first);
  });

  it('SecurityGroupRules given: the rules come from them (rule ids); only IpPermissions: by permission', () => {
    const rules = [
      {
        SecurityGroupRuleId: 'sgr-1',
        GroupId: 'sg-1',
        GroupOwnerId: '111122223333',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
        Description: '',
        Tags: [],
        SecurityGroupRuleArn: 'arn:aws:ec2:eu-west-1:111122223333:security-group-rule/sgr-1',
      },
    ];
    const withIds = audit({
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], '0.0.0.0/0')])],
      SecurityGroupRules: rules,
    });
    const plan = withIds[0]?.remediation;
    expect(
      plan?.action === 'revoke-security-group-rules' ? plan.rules[0]?.securityGroupRuleId : undefined,
    ).toBe('sgr-1');
    // DescribeSecurityGroupRules alone (no groups) still evaluates.
    const rulesOnly = audit({ SecurityGroupRules: rules });
    expect(rulesOnly.map((f) => [f.ruleId, f.resourceId])).toEqual([['sg-open-admin-port', 'sg-1']]);
  });
});

describe('prefix lists (DESIGN §3)', () => {
  it('a prefix-list entry that is not a CIDR is an error naming its path, not a silent skip', () => {
    const issues = issuesOf({
      ManagedPrefixLists: [{ PrefixListId: 'pl-1', Entries: [{ Cidr: '10.0.0.0/8' }, { Cidr: 'everyone' }] }],
    });
    expect(issues).toEqual([
      expect.stringMatching(/^ManagedPrefixLists\[0\]\.Entries\[1\]\.Cidr: not a valid/),
    ]);
  });

  it('a prefix list may mix IPv4 and IPv6 entries', () => {
    const findings = audit({
      SecurityGroups: [sg('sg-1', [perm('tcp', [22, 22], 'pl-1')])],
      ManagedPrefixLists: [{ PrefixListId: 'pl-1', Entries: [{ Cidr: '10.0.0.0/8' }, { Cidr: '::/0' }] }],
    });
    expect(findings.map((f) => [f.ruleId, f.evidence.ipv6])).toEqual([['sg-open-admin-port', ['22/tcp']]]);
  });
});
