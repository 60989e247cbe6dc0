import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport, summarize } from '../../shared/engine';
import type { Finding } from '../../shared/findings';
import { readSnapshot } from '../../shared/model/snapshot';
import { formatTable } from '../../shared/report/table';
import { audit, ec2Fixture, only, triples } from '../helpers';

// DESIGN §5/§6 statements pinned by the engine5 review, on real EC2 output varied as accounts vary it.

type Json = Record<string, unknown>;

// describe-security-groups, Cloud Custodian placebo recording: test-isolation-group (vpc-3d05f145)
// admits tcp 80 from 192.168.0.1/31 and prefix list pl-63a5400b.
const REAL_GROUP = (
  ec2Fixture('DescribeSecurityGroups--prefix-list-and-referenced-group-placebo').SecurityGroups as Json[]
).find((g) => g.GroupId === 'sg-01a19f602ecaf25f4') as Json;
const GROUP_ID = 'sg-01a19f602ecaf25f4';

/** A tcp/udp/-1 permission as describe-security-groups prints it. */
function permission(
  protocol: string,
  ports: [number, number] | undefined,
  v4: string[],
  v6: string[] = [],
): Json {
  return {
    IpProtocol: protocol,
    ...(ports ? { FromPort: ports[0], ToPort: ports[1] } : {}),
    IpRanges: v4.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
}

/** The real group with these ingress permissions, alone in a snapshot. */
function withIngress(...ingress: Json[]): Json {
  return { SecurityGroups: [{ ...REAL_GROUP, IpPermissions: ingress }] };
}

const SG_RULES = [
  'sg-open-all-traffic',
  'sg-open-admin-port',
  'sg-open-high-risk-port',
  'sg-open-unauthorized-port',
  'sg-broad-public-source',
];

function sgFindings(snapshot: Json): Finding[] {
  return audit(snapshot, { rules: SG_RULES });
}

describe('sg-open-all-traffic: every tcp port world-open, whichever family opens each (DESIGN §4/§5)', () => {
  it('tcp 0-32767 from 0.0.0.0/0 and 32768-65535 from ::/0 is all traffic, both rules revoked', () => {
    const findings = sgFindings(
      withIngress(
        permission('tcp', [0, 32767], ['0.0.0.0/0']),
        permission('tcp', [32768, 65535], [], ['::/0']),
      ),
    );
    expect(triples(findings)).toEqual([['sg-open-all-traffic', GROUP_ID, 'critical', ['0-65535/tcp']]]);
    const finding = only(findings, 'sg-open-all-traffic');
    expect(finding.evidence.ipv4).toEqual(['0-32767/tcp']);
    expect(finding.evidence.ipv6).toEqual(['32768-65535/tcp']);
    expect(finding.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: GROUP_ID,
      rules: [
        {
          direction: 'ingress',
          ipPermission: {
            IpProtocol: 'tcp',
            FromPort: 0,
            ToPort: 32767,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          },
        },
        {
          direction: 'ingress',
          ipPermission: {
            IpProtocol: 'tcp',
            FromPort: 32768,
            ToPort: 65535,
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          },
        },
      ],
    });
  });

  it('a tcp port open to the world in neither family (80 over IPv6 only from 2000::/4) is not all traffic', () => {
    const findings = sgFindings(
      withIngress(
        permission('tcp', [0, 79], ['0.0.0.0/0']),
        permission('tcp', [80, 80], [], ['2000::/4']),
        permission('tcp', [81, 65535], [], ['::/0']),
      ),
    );
    expect(findings.map((f) => f.ruleId)).toEqual([
      'sg-open-admin-port',
      'sg-open-high-risk-port',
      'sg-open-unauthorized-port',
      'sg-broad-public-source',
    ]);
  });
});

describe('sg-broad-public-source: broad but not world-open on that same port, either family (DESIGN §5)', () => {
  it('22 world-open over IPv4 and 2000::/4 over IPv6: admin only, as nacl-broad-public-source reads it', () => {
    const findings = sgFindings(withIngress(permission('tcp', [22, 22], ['0.0.0.0/0'], ['2000::/4'])));
    expect(triples(findings)).toEqual([['sg-open-admin-port', GROUP_ID, 'critical', ['22/tcp']]]);
    // The broad part is not lost: the world-open finding names it, and its fix leaves it.
    const finding = only(findings, 'sg-open-admin-port');
    expect(finding.evidence).toEqual({
      ports: ['22/tcp'],
      ipv4: ['22/tcp'],
      ipv6: [],
      rules: [
        { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
        { protocol: 'tcp', ports: '22', source: '2000::/4' },
      ],
      alsoBroad: { ipv6: ['22/tcp'] },
    });
    expect(finding.detail).toContain(
      '22/tcp also admits a very broad public range of the other address family',
    );
    expect(finding.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: GROUP_ID,
      rules: [
        {
          direction: 'ingress',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
  });

  it('22 world-open over IPv6 and 0.0.0.0/1 over IPv4: admin only', () => {
    const findings = sgFindings(withIngress(permission('tcp', [22, 22], ['0.0.0.0/1'], ['::/0'])));
    expect(triples(findings)).toEqual([['sg-open-admin-port', GROUP_ID, 'critical', ['22/tcp']]]);
  });

  it('the other ports of the broad source stay broad (20-25 from 2000::/4, only 22 world-open)', () => {
    const findings = sgFindings(
      withIngress(permission('tcp', [22, 22], ['0.0.0.0/0']), permission('tcp', [20, 25], [], ['2000::/4'])),
    );
    expect(triples(findings)).toEqual([
      ['sg-open-admin-port', GROUP_ID, 'critical', ['22/tcp']],
      ['sg-broad-public-source', GROUP_ID, 'low', ['20-21/tcp', '23-25/tcp']],
    ]);
    expect(only(findings, 'sg-broad-public-source').evidence).toMatchObject({
      ipv4: [],
      ipv6: ['20-21/tcp', '23-25/tcp'],
    });
  });
});

describe('a suppressed finding carries no remediation plan: exempted findings are never remediated (DESIGN §8)', () => {
  const tagged = (value: string) => ({
    SecurityGroups: [
      {
        ...REAL_GROUP,
        IpPermissions: [
          permission('tcp', [22, 22], ['0.0.0.0/0']),
          permission('tcp', [3389, 3389], ['0.0.0.0/1', '128.0.0.0/1']),
          permission('tcp', [3306, 3306], ['0.0.0.0/0']),
        ],
        Tags: [{ Key: 'vpc-guardrail:exempt', Value: value }],
      },
    ],
  });

  it('the tagged rule has no plan (JSON) nor "fix:" / "not fixable" line (table); the other keeps its plan', () => {
    const findings = sgFindings(tagged('sg-open-admin-port'));
    const admin = only(findings, 'sg-open-admin-port');
    expect(admin.suppressed).toEqual({ by: 'tag', reason: 'vpc-guardrail:exempt=sg-open-admin-port' });
    expect('remediation' in admin).toBe(false);
    const highRisk = only(findings, 'sg-open-high-risk-port');
    expect(highRisk.suppressed).toBeUndefined();
    expect(highRisk.remediation).toMatchObject({ action: 'revoke-security-group-rules', groupId: GROUP_ID });

    const table = formatTable(findings, summarize(findings));
    const suppressedPart = table.slice(table.indexOf('SUPPRESSED (1)'));
    expect(suppressedPart).toContain('sg-open-admin-port');
    expect(suppressedPart).not.toContain('fix:');
    expect(suppressedPart).not.toContain('not fixable automatically');
    expect(table.slice(0, table.indexOf('SUPPRESSED (1)'))).toContain(
      'fix: revoke ingress rule (tcp 3306 0.0.0.0/0)',
    );
  });

  it('a config allow-list entry drops the plan too', () => {
    const snapshot = tagged('');
    const allowListed = sgFindings({
      ...snapshot,
      SecurityGroups: [{ ...(snapshot.SecurityGroups[0] as Json), Tags: [] }],
    });
    expect(allowListed.every((f) => 'remediation' in f)).toBe(true);
    const byConfig = audit(
      { SecurityGroups: [{ ...(snapshot.SecurityGroups[0] as Json), Tags: [] }] },
      { rules: SG_RULES, config: { allowLists: [{ resourceId: GROUP_ID }] } },
    );
    expect(byConfig.map((f) => [f.ruleId, f.suppressed?.by, 'remediation' in f])).toEqual([
      ['sg-open-admin-port', 'config', false],
      ['sg-open-high-risk-port', 'config', false],
    ]);
  });
});

describe('vpce-policy-full-access: an endpoint listed without VpcId is filed under its VPC (DESIGN §6 vpcId)', () => {
  // describe-vpc-endpoints, Cloud Custodian placebo recording: a Gateway endpoint (two route tables)
  // and an Interface endpoint (two subnets, interfaces, the default group), both full access.
  const endpoints = ec2Fixture('DescribeVpcEndpoints--gateway-and-interface-placebo').VpcEndpoints as Json[];
  const endpoint = (id: string) => {
    const { VpcId: _vpc, ...rest } = endpoints.find((e) => e.VpcEndpointId === id) as Json;
    return rest;
  };
  const VPC = 'vpc-072f438c953672ace';

  it('takes the VPC of a route table (Gateway) or a subnet (Interface) it names', () => {
    const findings = audit({
      VpcEndpoints: [endpoint('vpce-0bc8bcfcc74fa2db9'), endpoint('vpce-08ff0494faf0210d3')],
      RouteTables: [{ RouteTableId: 'rtb-09e9ec4e3854addd7', VpcId: VPC, Routes: [], Associations: [] }],
      Subnets: [{ SubnetId: 'subnet-03ec1a55eadb55221', VpcId: VPC, CidrBlock: '172.31.0.0/20' }],
    });
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.vpcId])).toEqual([
      ['vpce-policy-full-access', 'vpce-08ff0494faf0210d3', VPC],
      ['vpce-policy-full-access', 'vpce-0bc8bcfcc74fa2db9', VPC],
    ]);
  });

  it('takes the VPC of its security group when its subnets are not in the snapshot', () => {
    const findings = audit({
      VpcEndpoints: [endpoint('vpce-08ff0494faf0210d3')],
      SecurityGroups: [{ ...REAL_GROUP, GroupId: 'sg-0d30141b566cfa039', VpcId: VPC, IpPermissions: [] }],
    });
    expect(findings.map((f) => [f.ruleId, f.vpcId])).toEqual([['vpce-policy-full-access', VPC]]);
  });

  it('keeps vpcId empty when nothing it names is in the snapshot', () => {
    const findings = audit({ VpcEndpoints: [endpoint('vpce-0bc8bcfcc74fa2db9')] });
    expect(findings.map((f) => [f.ruleId, f.vpcId])).toEqual([['vpce-policy-full-access', '']]);
  });
});

describe('an interface exposure is accepted only through a world-open rule exemption (DESIGN §8)', () => {
  // describe-network-interfaces, placebo: eni-0605e38e04785b878 (public 107.20.239.31) in
  // subnet-0897a33a30b9945ed with launch-wizard-7; the AWS CLI example's dual-stack default NACL
  // (allow all, both families) moved into its VPC; a main route table to an internet gateway.
  const VPC = 'vpc-08bbc74c36b8a08dd';
  const eni = (
    ec2Fixture('DescribeNetworkInterfaces--mixed-types-public-ip-placebo').NetworkInterfaces as Json[]
  ).find((e) => e.NetworkInterfaceId === 'eni-0605e38e04785b878') as Json;
  const acl = (
    ec2Fixture('DescribeNetworkAcls--awscli-example-default-nacls-ipv6').NetworkAcls as Json[]
  ).find((a) => a.NetworkAclId === 'acl-0e2a78e4e2EXAMPLE') as Json;
  const region = (group: Json): Json => ({
    Subnets: [{ SubnetId: 'subnet-0897a33a30b9945ed', VpcId: VPC, CidrBlock: '172.31.32.0/20' }],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: VPC,
        Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-main' }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
      },
    ],
    NetworkAcls: [{ ...acl, VpcId: VPC }],
    SecurityGroups: [{ ...group, GroupId: 'sg-0ad159022dbc679a4', VpcId: VPC }],
    NetworkInterfaces: [eni],
  });

  /** The findings when the group, world-open on 22 over IPv4 and broad over IPv6, carries this tag. */
  const taggedGroup = (exempt: string) =>
    audit(
      region({
        ...REAL_GROUP,
        IpPermissions: [permission('tcp', [22, 22], ['0.0.0.0/0'], ['2000::/4'])],
        Tags: [{ Key: 'vpc-guardrail:exempt', Value: exempt }],
      }),
      { rules: [...SG_RULES, 'eni-internet-exposed'] },
    );

  it('a group tagged for sg-broad-public-source does not accept its world-open 22 (was suppressed)', () => {
    const findings = taggedGroup('sg-broad-public-source');
    expect(findings.map((f) => [f.ruleId, f.resourceId, f.evidence.ports, f.suppressed?.by])).toEqual([
      ['eni-internet-exposed', 'eni-0605e38e04785b878', ['22/tcp'], undefined],
      ['sg-open-admin-port', 'sg-0ad159022dbc679a4', ['22/tcp'], undefined],
    ]);
    expect(only(findings, 'eni-internet-exposed').evidence.acceptedPorts).toBeUndefined();
  });

  it('tagged for sg-open-admin-port, the same path is accepted', () => {
    const findings = taggedGroup('sg-open-admin-port');
    expect(findings.map((f) => [f.ruleId, f.suppressed?.by])).toEqual([
      ['eni-internet-exposed', 'tag'],
      ['sg-open-admin-port', 'tag'],
    ]);
  });
});

describe('a default route is any /0 to an igw-, however the CIDR is written (DESIGN §5 route resolution)', () => {
  // describe-route-tables, AWS CLI example: rtb-07a98f76e5EXAMPLE sends 0.0.0.0/0 to
  // igw-06cf664d80EXAMPLE for subnet-0d3d002af8EXAMPLE (vpc-0065acced4EXAMPLE).
  const table = (
    ec2Fixture('DescribeRouteTables--awscli-example-nat-blackhole-igw').RouteTables as Json[]
  ).find((t) => t.RouteTableId === 'rtb-07a98f76e5EXAMPLE') as Json;
  const local = (table.Routes as Json[])[0] as Json;
  const withDefault = (name: string, route: Json): Json => ({
    Subnets: [
      {
        SubnetId: 'subnet-0d3d002af8EXAMPLE',
        VpcId: 'vpc-0065acced4EXAMPLE',
        CidrBlock: '10.0.1.0/24',
        Tags: [{ Key: 'Name', Value: name }],
      },
    ],
    RouteTables: [
      { ...table, Routes: [local, { ...route, GatewayId: 'igw-06cf664d80EXAMPLE', State: 'active' }] },
    ],
  });
  const rules = ['subnet-private-has-igw-route', 'subnet-public-no-igw-route'];

  it.each([
    ['IPv6 "0::/0"', { DestinationIpv6CidrBlock: '0::/0' }],
    ['IPv6 "::0/0"', { DestinationIpv6CidrBlock: '::0/0' }],
    ['IPv4 with host bits "1.2.3.4/0" (EC2 clears them)', { DestinationCidrBlock: '1.2.3.4/0' }],
  ])(
    '%s is a default route: a "private" subnet on it is reported, a "public" one is not',
    (_label, route) => {
      const privateOne = audit(withDefault('app-private-a', route), { rules });
      expect(privateOne.map((f) => [f.ruleId, f.resourceId])).toEqual([
        ['subnet-private-has-igw-route', 'subnet-0d3d002af8EXAMPLE'],
      ]);
      expect(audit(withDefault('app-public-a', route), { rules })).toEqual([]);
    },
  );

  it('a /1 to the igw is not a default route (the spec defines it as 0.0.0.0/0 or ::/0)', () => {
    const findings = audit(withDefault('app-public-a', { DestinationCidrBlock: '0.0.0.0/1' }), { rules });
    expect(findings.map((f) => f.ruleId)).toEqual(['subnet-public-no-igw-route']);
  });
});

describe('an exemption tag naming a rule of another kind of resource is said, not ignored (DESIGN §8)', () => {
  // The placebo interface eni-0605e38e04785b878 (launch-wizard-7) with a public IP, tagged as
  // an operator would who meant to exempt its SSH: the rule judges the group, not the interface.
  const eni = (
    ec2Fixture('DescribeNetworkInterfaces--mixed-types-public-ip-placebo').NetworkInterfaces as Json[]
  ).find((e) => e.NetworkInterfaceId === 'eni-0605e38e04785b878') as Json;
  const group = {
    ...REAL_GROUP,
    GroupId: 'sg-0ad159022dbc679a4',
    IpPermissions: [permission('tcp', [22, 22], ['0.0.0.0/0'])],
    Tags: [{ Key: 'vpc-guardrail:exempt', Value: 'eni-internet-exposed,nacl-open-admin-port' }],
  };
  const report = () =>
    evaluateReport(
      readSnapshot({
        SecurityGroups: [group],
        NetworkInterfaces: [
          { ...eni, TagSet: [{ Key: 'vpc-guardrail:exempt', Value: 'sg-open-admin-port,*@2020-01-01' }] },
        ],
      }).snapshot,
      DEFAULT_CONFIG,
    );

  it('warns for each such rule id, naming what to tag instead; a group may name eni-internet-exposed', () => {
    const { findings, warnings } = report();
    expect(warnings).toEqual([
      'the vpc-guardrail:exempt tag on sg-0ad159022dbc679a4 names nacl-open-admin-port, which judges network ACLs (acl-…), not security groups: it has no effect there; tag the network ACL instead',
      'the vpc-guardrail:exempt tag on eni-0605e38e04785b878 names sg-open-admin-port, which judges security groups (sg-…), not network interfaces: it has no effect there; tag the security group (sg-0ad159022dbc679a4) instead',
    ]);
    // Nothing it names is suppressed: the group's SSH finding stays open.
    expect(only(findings, 'sg-open-admin-port').suppressed).toBeUndefined();
  });
});
