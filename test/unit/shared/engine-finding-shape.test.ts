import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { evaluateReport } from '../../../shared/engine';
import { findingId } from '../../../shared/findings';
import { buildModel } from '../../../shared/model/model';
import { parseSnapshot } from '../../../shared/model/snapshot';
import { defineRule, reportOnly } from '../../../shared/rules/define-rule';
import { sg } from '../../helpers';

/** A caller's rule whose drafts list their fields in an order of their own. */
const oddOrder = defineRule({
  meta: reportOnly('odd-order', 'low', { title: 'odd', resourceType: 'AWS::EC2::SecurityGroup' }),
  evaluate: () => [
    {
      controls: ['c-1'],
      ruleId: 'odd-order',
      evidenceKey: 'k',
      severity: 'low',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-a',
      title: 'odd',
      evidence: { second: 2, ports: 'replaced in place', first: 1 },
      ports: [{ protocol: 'tcp', from: 22, to: 22 }],
      vpcId: 'vpc-1',
      detail: 'detail',
    },
    {
      ruleId: 'odd-order',
      severity: 'low',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-b',
      vpcId: 'vpc-1',
      title: 'portless',
      detail: 'detail',
      controls: [],
      evidence: { only: true },
    },
  ],
});

describe('findings from drafts', () => {
  it("keep the draft's key order after the id, then account and region; ports lead the evidence", () => {
    // Prepare
    const snapshot = parseSnapshot({
      accountId: '111122223333',
      region: 'eu-west-1',
      SecurityGroups: [sg('sg-a', []), sg('sg-b', [])],
    });

    // Act
    const { findings } = evaluateReport(snapshot, DEFAULT_CONFIG, { rules: [oddOrder] });

    // Assess
    expect(findings.map((f) => JSON.stringify(f))).toEqual([
      JSON.stringify({
        id: findingId('odd-order', 'sg-a', 'k'),
        controls: ['c-1'],
        ruleId: 'odd-order',
        severity: 'low',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-a',
        title: 'odd',
        evidence: { ports: 'replaced in place', second: 2, first: 1 },
        vpcId: 'vpc-1',
        detail: 'detail',
        accountId: '111122223333',
        region: 'eu-west-1',
        exposure: 0,
      }),
      JSON.stringify({
        id: findingId('odd-order', 'sg-b', ''),
        ruleId: 'odd-order',
        severity: 'low',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-b',
        vpcId: 'vpc-1',
        title: 'portless',
        detail: 'detail',
        controls: [],
        evidence: { only: true },
        accountId: '111122223333',
        region: 'eu-west-1',
        exposure: 0,
      }),
    ]);
  });
});

describe("a draft's resourceTags", () => {
  it('are the tags its exemption is read from, and no part of the finding', () => {
    // Prepare: the rule holds its resource and hands its tags over (the engine then looks nothing up).
    const tagged = defineRule({
      meta: reportOnly('tagged-rule', 'low', { title: 't', resourceType: 'AWS::EC2::SecurityGroup' }),
      evaluate: () =>
        ['sg-a', 'sg-b'].map((resourceId) => ({
          ruleId: 'tagged-rule',
          severity: 'low' as const,
          resourceType: 'AWS::EC2::SecurityGroup' as const,
          resourceId,
          vpcId: 'vpc-1',
          title: 't',
          detail: 'd',
          controls: [],
          evidence: {},
          resourceTags: resourceId === 'sg-a' ? [{ Key: 'vpc-guardrail:exempt', Value: 'tagged-rule' }] : [],
        })),
    });
    const snapshot = parseSnapshot({ SecurityGroups: [sg('sg-a', []), sg('sg-b', [])] });

    // Act
    const { findings } = evaluateReport(snapshot, DEFAULT_CONFIG, { rules: [tagged] });

    // Assess
    expect(findings.map((f) => [f.resourceId, f.suppressed ?? null])).toEqual([
      ['sg-a', { by: 'tag', reason: 'vpc-guardrail:exempt=tagged-rule' }],
      ['sg-b', null],
    ]);
    for (const f of findings) expect(Object.keys(f)).not.toContain('resourceTags');
  });
});

describe("the model's lazy indexes", () => {
  it('list interfaces per group and per subnet, and subnets per VPC (sorted), on first read', () => {
    // Prepare
    const model = buildModel(
      parseSnapshot({
        SecurityGroups: [sg('sg-a', []), sg('sg-b', [])],
        Subnets: ['subnet-2', 'subnet-1'].map((SubnetId) => ({
          SubnetId,
          VpcId: 'vpc-1',
          CidrBlock: '10.0.1.0/24',
          Tags: [],
        })),
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-1',
            SubnetId: 'subnet-1',
            VpcId: 'vpc-1',
            Groups: [{ GroupId: 'sg-b' }, { GroupId: 'sg-a' }],
          },
          { NetworkInterfaceId: 'eni-2', VpcId: 'vpc-1', Groups: [{ GroupId: 'sg-a' }] },
        ],
      }),
    );

    // Act and assess
    expect([...model.interfacesByGroup]).toEqual([
      ['sg-a', ['eni-1', 'eni-2']],
      ['sg-b', ['eni-1']],
    ]);
    expect([...model.interfacesBySubnet]).toEqual([['subnet-1', ['eni-1']]]);
    expect([...model.subnetsByVpc]).toEqual([['vpc-1', ['subnet-1', 'subnet-2']]]);
    expect(model.interfacesByGroup).toBe(model.interfacesByGroup);
  });
});
