import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main';
import type { ConfigInput } from '../../../shared/config';
import { evaluateReport } from '../../../shared/engine';
import { parseConfig } from '../../../shared/load-config';
import { parseSnapshot } from '../../../shared/model/snapshot';
import { entry, memoryIo, nacl, perm, sg } from '../../helpers';

/** A DescribeNetworkInterfaces item using `groupIds`. */
function eni(id: string, groupIds: string[], shape: { type?: string; requester?: string } = {}) {
  return {
    NetworkInterfaceId: id,
    SubnetId: 'subnet-1',
    VpcId: 'vpc-1',
    ...(shape.type ? { InterfaceType: shape.type } : {}),
    ...(shape.requester ? { RequesterId: shape.requester, RequesterManaged: true } : {}),
    Groups: groupIds.map((GroupId) => ({ GroupId })),
  };
}

const WEB = sg('sg-lb', [perm('tcp', [8443, 8443], '0.0.0.0/0')]);

function judge(snapshot: Record<string, unknown>, config: ConfigInput = {}) {
  const { findings, notJudged } = evaluateReport(parseSnapshot(snapshot), parseConfig(config));
  return {
    notJudged,
    rows: findings.map((f) => [f.ruleId, f.resourceId, f.suppressed?.reason ?? 'active']),
  };
}

describe('accepted by shape (allowInterfaceTypes, allowRequesterIds)', () => {
  it('suppresses the sg-open-* finding of a group attached only to network_load_balancer interfaces, naming the setting', () => {
    // Prepare
    const snapshot = {
      SecurityGroups: [WEB],
      NetworkInterfaces: [
        eni('eni-1', ['sg-lb'], { type: 'network_load_balancer' }),
        eni('eni-2', ['sg-lb'], { type: 'network_load_balancer' }),
      ],
    };

    // Act
    const { rows } = judge(snapshot, { allowInterfaceTypes: ['network_load_balancer'] });

    // Assess
    expect(rows).toEqual([
      [
        'sg-open-unauthorized-port',
        'sg-lb',
        'accepted by shape: all 2 attached interfaces match allowInterfaceTypes (network_load_balancer)',
      ],
    ]);
  });

  it('reports the same group once it is also attached to an instance interface', () => {
    // Prepare
    const snapshot = {
      SecurityGroups: [WEB],
      NetworkInterfaces: [
        eni('eni-1', ['sg-lb'], { type: 'network_load_balancer' }),
        eni('eni-2', ['sg-lb'], { type: 'interface' }),
      ],
    };

    // Act
    const { rows } = judge(snapshot, { allowInterfaceTypes: ['network_load_balancer'] });

    // Assess
    expect(rows).toEqual([['sg-open-unauthorized-port', 'sg-lb', 'active']]);
  });

  it('accepts by requester (amazon-elb) too, and by either setting per interface', () => {
    // Prepare
    const snapshot = {
      SecurityGroups: [WEB],
      NetworkInterfaces: [
        eni('eni-1', ['sg-lb'], { type: 'interface', requester: 'amazon-elb' }),
        eni('eni-2', ['sg-lb'], { type: 'vpc_endpoint' }),
      ],
    };

    // Act
    const { rows } = judge(snapshot, {
      allowInterfaceTypes: ['vpc_endpoint'],
      allowRequesterIds: ['amazon-elb'],
    });

    // Assess
    expect(rows).toEqual([
      [
        'sg-open-unauthorized-port',
        'sg-lb',
        'accepted by shape: all 2 attached interfaces match allowInterfaceTypes (vpc_endpoint) or allowRequesterIds (amazon-elb)',
      ],
    ]);
  });

  it('does not accept an unattached group: no interface vouches for it', () => {
    // Act
    const { rows } = judge({ SecurityGroups: [WEB] }, { allowInterfaceTypes: ['network_load_balancer'] });

    // Assess
    expect(rows).toEqual([['sg-open-unauthorized-port', 'sg-lb', 'active']]);
  });

  it('leaves the rules that are not sg-open-* alone (sg-broad-public-source stays reported)', () => {
    // Prepare
    const snapshot = {
      SecurityGroups: [sg('sg-lb', [perm('tcp', [8443, 8443], '0.0.0.0/0', '11.0.0.0/8')])],
      NetworkInterfaces: [eni('eni-1', ['sg-lb'], { type: 'network_load_balancer' })],
    };
    const broad = {
      SecurityGroups: [sg('sg-lb', [perm('tcp', [8443, 8443], '11.0.0.0/8')])],
      NetworkInterfaces: [eni('eni-1', ['sg-lb'], { type: 'network_load_balancer' })],
    };

    // Act
    const open = judge(snapshot, { allowInterfaceTypes: ['network_load_balancer'] });
    const wide = judge(broad, { allowInterfaceTypes: ['network_load_balancer'] });

    // Assess
    expect(open.rows).toEqual([
      [
        'sg-open-unauthorized-port',
        'sg-lb',
        'accepted by shape: its only attached interface matches allowInterfaceTypes (network_load_balancer)',
      ],
    ]);
    expect(wide.rows).toEqual([['sg-broad-public-source', 'sg-lb', 'active']]);
  });

  it('rejects an empty setting value with the key named', () => {
    // Assess
    expect(() => parseConfig({ allowInterfaceTypes: [''] })).toThrow(/invalid config/);
    expect(() => parseConfig({ judgeUnused: 'no' })).toThrow(/invalid config/);
  });
});

describe('judgeUnused', () => {
  const snapshot = {
    SecurityGroups: [sg('sg-idle', [perm('tcp', [22, 22], '0.0.0.0/0')])],
    NetworkAcls: [
      nacl(
        'acl-idle',
        [entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), entry(100, 'out', 'allow', '-1', '0.0.0.0/0')],
        {
          subnetIds: [],
        },
      ),
    ],
  };

  it('when false, lists the unattached group and the unassociated NACL as not judged, with no finding', () => {
    // Act
    const { rows, notJudged } = judge(snapshot, { judgeUnused: false });

    // Assess
    expect(rows).toEqual([]);
    expect(notJudged).toEqual([
      { resourceId: 'acl-idle', reason: 'unused' },
      { resourceId: 'sg-idle', reason: 'unused' },
    ]);
  });

  it('by default judges both', () => {
    // Act
    const { rows, notJudged } = judge(snapshot);

    // Assess
    expect(rows).toEqual([
      ['sg-open-admin-port', 'sg-idle', 'active'],
      ['nacl-open-admin-port', 'acl-idle', 'active'],
    ]);
    expect(notJudged).toEqual([]);
  });

  it('judges a NACL that some subnet uses as its VPC default, and a group that an interface uses', () => {
    // Prepare
    const used = {
      Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' }],
      SecurityGroups: snapshot.SecurityGroups,
      NetworkAcls: [
        nacl(
          'acl-idle',
          [entry(100, 'in', 'allow', '-1', '0.0.0.0/0'), entry(100, 'out', 'allow', '-1', '0.0.0.0/0')],
          { subnetIds: [], isDefault: true },
        ),
      ],
      // A main route table, so the interface's path is complete and only "unused" is in question.
      RouteTables: [{ RouteTableId: 'rtb-main', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [] }],
      NetworkInterfaces: [eni('eni-1', ['sg-idle'])],
    };

    // Act
    const { rows, notJudged } = judge(used, { judgeUnused: false });

    // Assess
    expect(notJudged).toEqual([]);
    expect(rows.map((r) => r[0])).toEqual(['sg-open-admin-port', 'nacl-open-admin-port']);
  });

  it('puts them at summary.notJudged in the audit JSON', async () => {
    // Prepare
    const { io, stdout } = memoryIo({
      'snap.json': JSON.stringify(snapshot),
      'config.json': JSON.stringify({ judgeUnused: false }),
    });

    // Act
    const code = await runCli(
      [
        'audit',
        '--snapshot',
        'snap.json',
        '--config',
        'config.json',
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      io,
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(stdout());
    expect(report.findings).toEqual([]);
    expect(report.summary.notJudged).toEqual([
      { resourceId: 'acl-idle', reason: 'unused' },
      { resourceId: 'sg-idle', reason: 'unused' },
    ]);
  });
});
