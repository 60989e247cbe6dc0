import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Analysis } from '../../../../shared/analysis/analysis';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { naclEphemeralReturnBlocked } from '../../../../shared/rules/nacl-ephemeral-return-blocked';
import { naclOpenAdminPort } from '../../../../shared/rules/nacl-open-admin-port';
import { sgBroadPublicSource } from '../../../../shared/rules/sg-broad-public-source';
import { sgDefaultNotRestricted } from '../../../../shared/rules/sg-default-not-restricted';
import { sgOpenAdminPort } from '../../../../shared/rules/sg-open-admin-port';
import { sgOpenAllTraffic } from '../../../../shared/rules/sg-open-all-traffic';
import { sgOpenHighRiskPort } from '../../../../shared/rules/sg-open-high-risk-port';
import { sgOpenUnauthorizedPort } from '../../../../shared/rules/sg-open-unauthorized-port';
import { revokeRules, run, vpc } from '../../../helpers';

// Real EC2 Describe* responses (see test/fixtures/ec2/PROVENANCE.md), evaluated with this
// engineer's rules; findings are asserted exactly as (rule, resource, ports).
const RULES = [
  sgOpenAllTraffic,
  sgOpenAdminPort,
  sgOpenHighRiskPort,
  sgOpenUnauthorizedPort,
  sgBroadPublicSource,
  sgDefaultNotRestricted,
  naclOpenAdminPort,
  naclEphemeralReturnBlocked,
];

/** A fixture's API response; Placebo recordings wrap it as `{status_code, data}`. */
function load(name: string): Record<string, unknown> {
  const json = JSON.parse(
    readFileSync(new URL(`../../../fixtures/ec2/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const data = 'status_code' in json ? (json.data as Record<string, unknown>) : json;
  const { ResponseMetadata: _metadata, ...rest } = data;
  return rest;
}

function findings(snapshot: Record<string, unknown>) {
  return run(RULES, snapshot)
    .map((f) => [f.ruleId, f.resourceId, f.evidence.ports ?? null])
    .sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
}

describe('real DescribeSecurityGroups responses', () => {
  it('19 groups: admin, high-risk and unauthorized ports of the wide group, SSH of another, four default groups', () => {
    // Prepare
    const snapshot = load('DescribeSecurityGroups--19-groups-ports-cidrs-placebo');
    // Act
    const result = findings(snapshot);
    // Assess
    expect(result).toEqual([
      ['sg-default-not-restricted', 'sg-0828f69f583e2cd6b', null],
      ['sg-default-not-restricted', 'sg-0bd115efd42dd9782', null],
      ['sg-default-not-restricted', 'sg-0c459350495a9bdb5', null],
      ['sg-default-not-restricted', 'sg-1952d160', null],
      ['sg-open-admin-port', 'sg-02a60363e2b087ff8', ['3389/tcp']],
      ['sg-open-admin-port', 'sg-0d40e803b8b644e79', ['22/tcp']],
      [
        'sg-open-high-risk-port',
        'sg-02a60363e2b087ff8',
        ['1433-1434/tcp', '3000/tcp', '3306/tcp', '8080/tcp'],
      ],
      [
        'sg-open-unauthorized-port',
        'sg-02a60363e2b087ff8',
        ['1234-1432/tcp', '1435-2999/tcp', '3001-3305/tcp', '3307-3388/tcp', '3390-4321/tcp'],
      ],
    ]);
  });

  it('19 groups: revokes only the 0.0.0.0/0 rules that carry the offending ports', () => {
    const all = run(RULES, load('DescribeSecurityGroups--19-groups-ports-cidrs-placebo'));
    const wide = all.filter((f) => f.resourceId === 'sg-02a60363e2b087ff8');
    const tcp = (from: number, to: number) => ({
      direction: 'ingress',
      ipPermission: { IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    });
    expect(wide.map((f) => [f.ruleId, revokeRules(f)])).toEqual([
      ['sg-open-admin-port', [tcp(1234, 4321)]],
      // In the plans' own order (protocol, ports, source), not the recording's (8080 first).
      ['sg-open-high-risk-port', [tcp(1234, 4321), tcp(8080, 8080)]],
      ['sg-open-unauthorized-port', [tcp(1234, 4321)]],
    ]);
    const ssh = all.find((f) => f.resourceId === 'sg-0d40e803b8b644e79');
    expect(revokeRules(ssh)).toEqual([tcp(22, 22)]);
  });

  it('default VPC: both default groups fire (one inbound from a /32 and itself), app-tier does not', () => {
    const snapshot = load('DescribeSecurityGroups--default-vpc-groups-placebo');
    expect(findings(snapshot)).toEqual([
      ['sg-default-not-restricted', 'sg-6c7fa917', null],
      ['sg-default-not-restricted', 'sg-a5636cde', null],
    ]);
    const first = run(sgDefaultNotRestricted, snapshot).find((f) => f.resourceId === 'sg-6c7fa917');
    expect(revokeRules(first)).toEqual([
      {
        direction: 'ingress',
        ipPermission: { IpProtocol: '-1', IpRanges: [{ CidrIp: '108.56.181.242/32' }] },
      },
      {
        direction: 'ingress',
        ipPermission: {
          IpProtocol: '-1',
          UserIdGroupPairs: [{ GroupId: 'sg-6c7fa917', UserId: '644160558196' }],
        },
      },
      { direction: 'egress', ipPermission: { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] } },
    ]);
  });

  it('prefix list and referenced groups: nothing is world-open; the unknown customer list is reported as unresolved', () => {
    // The managed-prefix-list recordings come from another test and do not hold pl-63a5400b.
    const lists = load('DescribeManagedPrefixLists--aws-and-customer-lists-placebo').PrefixLists as {
      PrefixListId: string;
      PrefixListName: string;
    }[];
    const snapshot = {
      ...load('DescribeSecurityGroups--prefix-list-and-referenced-group-placebo'),
      ManagedPrefixLists: lists.map(({ PrefixListId, PrefixListName }) => ({
        PrefixListId,
        PrefixListName,
        Entries: [],
      })),
    };
    expect(findings(snapshot)).toEqual([]);
    const analysis = new Analysis(buildModel(parseSnapshot(snapshot)), DEFAULT_CONFIG);
    expect(analysis.groupReach('sg-01a19f602ecaf25f4').unresolvedPrefixLists).toEqual(['pl-63a5400b']);
  });

  it('resolves a prefix list from its GetManagedPrefixListEntries entries (a private /16: not internet)', () => {
    const entries = load('GetManagedPrefixListEntries--single-entry-placebo').Entries;
    const snapshot = {
      ...load('DescribeSecurityGroups--prefix-list-and-referenced-group-placebo'),
      ManagedPrefixLists: [{ PrefixListId: 'pl-63a5400b', Entries: entries }],
    };
    const analysis = new Analysis(buildModel(parseSnapshot(snapshot)), DEFAULT_CONFIG);
    expect(analysis.groupReach('sg-01a19f602ecaf25f4')).toMatchObject({
      unresolvedPrefixLists: [],
      tcp: { worldOpen: { ipv4: [], ipv6: [] }, broad: { ipv4: [], ipv6: [] } },
    });
    expect(findings(snapshot)).toEqual([]);
  });

  it('a group in a peered VPC as the only source is never internet', () => {
    expect(findings(load('DescribeSecurityGroups--stale-peered-reference-placebo'))).toEqual([]);
  });

  it('DescribeSecurityGroupRules alone (no group names): egress to the world and a self-reference raise no sg-open-*', () => {
    const rules = load('DescribeSecurityGroupRules--awscli-example-referenced-ipv6-ipv4');
    const single = load('DescribeSecurityGroupRules--awscli-example-single-rule');
    expect(findings(rules)).toEqual([]);
    expect(findings(single)).toEqual([]);
  });
});

describe('determinism', () => {
  it('gives the same findings, ids and order for the same input', () => {
    const snapshot = {
      ...load('DescribeSecurityGroups--19-groups-ports-cidrs-placebo'),
      ...load('DescribeNetworkAcls--awscli-example-default-nacls-ipv6'),
    };
    expect(run(RULES, snapshot)).toEqual(run(RULES, snapshot));
  });
});

describe('real DescribeNetworkAcls responses', () => {
  it('AWS CLI example: both default NACLs are open on admin ports, the IPv6 one in both families', () => {
    // Prepare
    const snapshot = load('DescribeNetworkAcls--awscli-example-default-nacls-ipv6');
    // Act
    const all = run(RULES, snapshot);
    // Assess
    const admin = ['22/tcp', '3389/tcp', '3389/udp'];
    expect(
      all.map((f) => [f.ruleId, f.resourceId, f.evidence.ipv4, f.evidence.ipv6, f.evidence.associated]),
    ).toEqual([
      ['nacl-open-admin-port', 'acl-0e2a78e4e2EXAMPLE', admin, admin, false],
      ['nacl-open-admin-port', 'acl-0ea1f54ca7EXAMPLE', admin, [], true],
    ]);
    // DescribeNetworkAcls alone does not say the VPCs' CIDR blocks: nothing can be kept, so no fix.
    expect(all[0]?.remediation).toBeUndefined();
    const notPlanned = (all[0]?.evidence.notPlanned ?? []) as string[];
    expect(notPlanned).toHaveLength(6);
    expect(notPlanned[0]).toBe(
      '22/tcp ipv4: the CIDR blocks of VPC vpc-03914afb3eEXAMPLE are not known (it is not in the snapshot or could not be read), so no fix can keep its own admin traffic',
    );
  });

  it('AWS CLI example with its VPC described (hand-added blocks): deny and VPC allow per admin port and family', () => {
    // Prepare: the VPC as DescribeVpcs shows one with an Amazon-provided IPv6 block.
    const snapshot = {
      ...load('DescribeNetworkAcls--awscli-example-default-nacls-ipv6'),
      Vpcs: [vpc('vpc-03914afb3eEXAMPLE', '10.0.0.0/16', '2600:1f13:8e4:100::/56')],
    };
    // Act
    const [finding] = run(RULES, snapshot);
    // Assess
    const planned = (n: number, action: string, protocol: string, port: number, cidr: string) => ({
      NetworkAclId: 'acl-0e2a78e4e2EXAMPLE',
      RuleNumber: n,
      Protocol: protocol,
      RuleAction: action,
      Egress: false,
      ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
      PortRange: { From: port, To: port },
    });
    const v6 = '2600:1f13:8e4:100::/56';
    expect(finding?.remediation).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-0e2a78e4e2EXAMPLE',
      deleteEntries: [],
      replaceEntries: [],
      previousEntries: [],
      createEntries: [
        planned(99, 'deny', '6', 22, '0.0.0.0/0'),
        planned(98, 'allow', '6', 22, '10.0.0.0/16'),
        planned(97, 'deny', '6', 22, '::/0'),
        planned(96, 'allow', '6', 22, v6),
        planned(95, 'deny', '6', 3389, '0.0.0.0/0'),
        planned(94, 'allow', '6', 3389, '10.0.0.0/16'),
        planned(93, 'deny', '6', 3389, '::/0'),
        planned(92, 'allow', '6', 3389, v6),
        planned(91, 'deny', '17', 3389, '0.0.0.0/0'),
        planned(90, 'allow', '17', 3389, '10.0.0.0/16'),
        planned(89, 'deny', '17', 3389, '::/0'),
        planned(88, 'allow', '17', 3389, v6),
      ],
    });
  });

  it('Placebo default NACL: open on admin ports, return path fine', () => {
    expect(findings(load('DescribeNetworkAcls--default-nacl-placebo'))).toEqual([
      ['nacl-open-admin-port', 'acl-6c9db915', ['22/tcp', '3389/tcp', '3389/udp']],
    ]);
  });

  it('Placebo default NACL after its outbound allow was deleted: every reply is dropped', () => {
    const all = run(RULES, load('DescribeNetworkAcls--default-nacl-after-entry-delete-placebo'));
    expect(all.map((f) => [f.ruleId, f.resourceId, f.evidence.ports])).toEqual([
      ['nacl-open-admin-port', 'acl-6c9db915', ['22/tcp', '3389/tcp', '3389/udp']],
      [
        'nacl-ephemeral-return-blocked',
        'acl-6c9db915',
        ['1024-3388/tcp', '3390-65535/tcp', '1024-3388/udp', '3390-65535/udp'],
      ],
    ]);
    expect(all[1]?.evidence.directions).toEqual([
      {
        direction: 'ingress',
        returnDirection: 'egress',
        serviceEntries: [
          { ruleNumber: 100, action: 'allow', protocol: '-1', ports: 'all', cidr: '0.0.0.0/0' },
        ],
        blockedPorts: ['1024-3388/tcp', '3390-65535/tcp', '1024-3388/udp', '3390-65535/udp'],
        blockedPeers: { ipv4: ['0.0.0.0/0'] },
      },
    ]);
  });
});
