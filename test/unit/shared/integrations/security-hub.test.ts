import { describe, expect, it } from 'vitest';
import {
  closedByRemediation,
  securityHubPlan,
  splitByRemediation,
} from '../../../../shared/integrations/security-hub';
import type { ActionResult, ActionStatus } from '../../../../shared/remediation/types';
import type { ResolvedScope } from '../../../../shared/scope/resolve';
import { makeFinding, revokePlan } from '../../../helpers';

const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T00:00:00.000Z') };
const EMPTY_SCOPE: ResolvedScope = {
  securityGroups: [],
  networkAcls: [],
  subnets: [],
  routeTables: [],
  natGateways: [],
  vpcEndpoints: [],
  networkInterfaces: [],
  missing: [],
};

const open = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-1',
  remediation: revokePlan('sg-1', ['sgr-1', 22]),
});

function revoke(findingIds: string[], status: ActionStatus): ActionResult {
  return {
    action: {
      action: 'RevokeSecurityGroupIngress',
      parameters: { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-1'] },
      findingIds,
    },
    status,
  };
}

describe('closedByRemediation', () => {
  it('holds when every call naming the finding succeeded or found its target gone', () => {
    expect(closedByRemediation(open, [revoke([open.id], 'done')])).toBe(true);
    expect(closedByRemediation(open, [revoke([open.id], 'already-done')])).toBe(true);
  });

  it('does not hold for a failed or dry-run call, no call, or ports no call can close', () => {
    expect(closedByRemediation(open, [revoke([open.id], 'done'), revoke([open.id], 'failed')])).toBe(false);
    expect(closedByRemediation(open, [revoke([open.id], 'dry-run')])).toBe(false);
    expect(closedByRemediation(open, [revoke(['other'], 'done')])).toBe(false);
    const stuck = { ...open, evidence: { notRemediable: { ipv4: ['3389/tcp'] } } };
    expect(closedByRemediation(stuck, [revoke([open.id], 'done')])).toBe(false);
    const partNacl = { ...open, evidence: { notPlanned: ['3389/tcp ipv4: no free rule number'] } };
    expect(closedByRemediation(partNacl, [revoke([open.id], 'done')])).toBe(false);
  });
});

describe('securityHubPlan', () => {
  it('imports firing findings as active, and the closed one as archived and resolved', () => {
    // Prepare
    const other = makeFinding({ ruleId: 'sg-broad-public-source', resourceId: 'sg-1', severity: 'medium' });

    // Act
    const plan = securityHubPlan({
      ...splitByRemediation([open, other], [revoke([open.id], 'done')]),
      asff: ASFF,
    });

    // Assess
    expect(plan.active.map((r) => [r.Id, r.RecordState, r.Workflow.Status])).toEqual([
      ['vpc-guardrail/111122223333/eu-west-1/sg-broad-public-source/sg-1', 'ACTIVE', 'NEW'],
    ]);
    expect(plan.closed.map((r) => [r.Id, r.RecordState, r.Workflow.Status, r.Severity.Label])).toEqual([
      ['vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-1', 'ARCHIVED', 'RESOLVED', 'CRITICAL'],
    ]);
    expect(plan.gone).toEqual([]);
  });

  it('lists every rule of a resource in scope that has no finding there as gone', () => {
    // Act
    const plan = securityHubPlan({
      open: [open],
      closed: [],
      scope: { ...EMPTY_SCOPE, securityGroups: ['sg-1'], networkInterfaces: ['eni-1'] },
      asff: ASFF,
    });

    // Assess
    expect(plan.gone.map((r) => r.Id)).toEqual([
      'vpc-guardrail/111122223333/eu-west-1/sg-open-all-traffic/sg-1',
      'vpc-guardrail/111122223333/eu-west-1/sg-open-high-risk-port/sg-1',
      'vpc-guardrail/111122223333/eu-west-1/sg-open-unauthorized-port/sg-1',
      'vpc-guardrail/111122223333/eu-west-1/sg-broad-public-source/sg-1',
      'vpc-guardrail/111122223333/eu-west-1/sg-default-not-restricted/sg-1',
      'vpc-guardrail/111122223333/eu-west-1/eni-internet-exposed/eni-1',
    ]);
    const [first] = plan.gone;
    expect(first).toMatchObject({
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
      Severity: { Label: 'INFORMATIONAL' },
      Title: 'Security group open to the internet on every port',
      Resources: [
        { Type: 'AwsEc2SecurityGroup', Id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1' },
      ],
    });
    expect(first?.Resources[0]?.Details).toBeUndefined();
    expect(first?.ProductFields).toEqual({
      'vpc-guardrail/RuleId': 'sg-open-all-traffic',
      'vpc-guardrail/ResourceId': 'sg-1',
    });
  });
});

describe("another account's findings (organization mode)", () => {
  const MEMBER = '222233334444';
  const memberOpen = {
    ...makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' }),
    accountId: MEMBER,
  };
  const memberClosed = {
    ...makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-3' }),
    accountId: MEMBER,
  };

  it("are not sent under the caller's default product, neither imported nor closed, and are counted per account", () => {
    // Act: as the event function builds it for a member's group (the group's account for records
    // of what no longer fires, the central account's product).
    const plan = securityHubPlan({
      open: [{ ...open, accountId: ASFF.accountId }, memberOpen],
      closed: [memberClosed],
      scope: { ...EMPTY_SCOPE, securityGroups: ['sg-2'] },
      asff: {
        ...ASFF,
        accountId: MEMBER,
        productArn: `arn:aws:securityhub:eu-west-1:${ASFF.accountId}:product/${ASFF.accountId}/default`,
      },
    });
    // Assess
    expect(plan.active.map((r) => r.Id)).toEqual([
      'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-1',
    ]);
    expect(plan.closed).toEqual([]);
    expect(plan.gone).toEqual([]);
    expect(plan.otherAccounts).toEqual([{ accountId: MEMBER, findings: 2 }]);
  });

  it('are sent under another product than a default one (a partner product may carry other accounts)', () => {
    const plan = securityHubPlan({
      open: [memberOpen],
      closed: [],
      asff: { ...ASFF, productArn: 'arn:aws:securityhub:eu-west-1:999988887777:product/example/guard' },
    });
    expect(plan.active.map((r) => r.AwsAccountId)).toEqual([MEMBER]);
    expect(plan.otherAccounts).toEqual([]);
  });
});

describe('gone findings and what was not judged', () => {
  it('never infers gone where the evaluation could not judge the resource', () => {
    // Act
    const plan = securityHubPlan({
      open: [],
      closed: [],
      scope: { ...EMPTY_SCOPE, securityGroups: ['sg-1', 'sg-2'], networkInterfaces: ['eni-1', 'eni-2'] },
      notJudged: [
        {
          resourceId: 'eni-1',
          ruleId: 'eni-internet-exposed',
          reason: 'its subnet subnet-9 is not in the snapshot',
        },
        {
          resourceId: 'sg-1',
          reason: "an ingress rule's source is prefix list pl-1, whose entries are not in the snapshot",
        },
      ],
      asff: ASFF,
    });

    // Assess
    const ids = plan.gone.map((r) => r.Id.split('/').slice(3).join('/'));
    expect(ids.filter((id) => id.endsWith('/sg-1') || id.endsWith('/eni-1'))).toEqual([]);
    expect(ids).toContain('eni-internet-exposed/eni-2');
    expect(ids).toContain('sg-open-admin-port/sg-2');
  });
});

describe('every record Security Hub gets', () => {
  // Required top-level ASFF attributes of BatchImportFindings (Security Hub user guide) and the
  // length limits of the fields filled.
  const REQUIRED = [
    'AwsAccountId',
    'CreatedAt',
    'Description',
    'GeneratorId',
    'Id',
    'ProductArn',
    'Resources',
    'SchemaVersion',
    'Severity',
    'Title',
    'Types',
    'UpdatedAt',
  ];

  it('carries the required attributes within their limits, active, closed and gone alike', () => {
    // Act
    const long = { ...open, title: 'T'.repeat(400), detail: 'D'.repeat(3000) };
    const plan = securityHubPlan({
      ...splitByRemediation(
        [long, makeFinding({ ruleId: 'sg-broad-public-source', resourceId: 'sg-1' })],
        [revoke([open.id], 'done')],
      ),
      scope: { ...EMPTY_SCOPE, securityGroups: ['sg-1'], networkAcls: ['acl-1'], subnets: ['subnet-1'] },
      asff: ASFF,
    });

    // Assess
    const records = [...plan.active, ...plan.closed, ...plan.gone];
    expect(plan.closed).toHaveLength(1);
    expect(plan.gone.length).toBeGreaterThan(5);
    for (const record of records) {
      for (const key of REQUIRED) expect(record).toHaveProperty(key);
      expect(record.Title.length).toBeLessThanOrEqual(256);
      expect(record.Description.length).toBeLessThanOrEqual(1024);
      expect(record.Id.length).toBeLessThanOrEqual(512);
      expect(record.Resources.every((r) => r.Id && r.Type)).toBe(true);
      expect(Object.values(record.ProductFields).every((v) => v.length > 0 && v.length <= 2048)).toBe(true);
      expect(record.ProductArn).toBe(
        'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      );
    }
    expect(new Set(records.map((r) => r.Id)).size).toBe(records.length);
  });
});
