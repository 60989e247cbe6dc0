import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toAsffPerAccount } from '../../../../shared/integrations/security-hub';
import { asffFindingId, asffTargetIssues, partitionOf, toAsffFinding } from '../../../../shared/report/asff';
import { makeFinding } from '../../../helpers';

// Mutation checks (notes/spec-mutants.md, mutants4): what an ASFF record says that a Security Hub
// user relies on — the partition of every ARN, why a target account or region is refused.

const NOW = new Date('2026-01-02T03:04:05.000Z');

describe('partitionOf: every partition a region name says, as the ARNs need it', () => {
  it.each([
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['eu-west-1', 'aws'],
  ])('%s is in %s, and the record names it in the resource ARN and the product ARN', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    const record = toAsffFinding(makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' }), {
      accountId: '111122223333',
      region,
      now: NOW,
    });
    expect(record.Resources[0]?.Id).toBe(`arn:${partition}:ec2:${region}:111122223333:security-group/sg-1`);
    expect(record.Resources[0]?.Partition).toBe(partition);
    expect(record.ProductArn).toBe(
      `arn:${partition}:securityhub:${region}:111122223333:product/111122223333/default`,
    );
  });
});

describe('asffTargetIssues: an empty account or region is said missing, naming where it came from', () => {
  it('says missing, not "must be 12 digits", for an empty account id and an empty region', () => {
    expect(
      asffTargetIssues({ accountId: '', region: '' }, { accountId: '--account-id', region: '--region' }),
    ).toEqual(['accountId: missing (--account-id)', 'region: missing (--region)']);
  });
});

describe('fitting text into a field', () => {
  const asff = { accountId: '111122223333', region: 'eu-west-1', now: NOW };

  it('shortens an over-long word first, so what the title says after it is kept', () => {
    const name = 'x'.repeat(300);
    const record = toAsffFinding(
      makeFinding({
        ruleId: 'sg-open-admin-port',
        resourceId: 'sg-1',
        title: `Group ${name} is world-open on 22/tcp`,
      }),
      asff,
    );
    expect(record.Title).toBe(`Group ${'x'.repeat(63)}… is world-open on 22/tcp`);
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    const title = `${'a'.repeat(254)}😀${'b'.repeat(10)}`;
    const record = toAsffFinding(
      makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1', title }),
      asff,
    );
    expect(record.Title).toBe(`${'a'.repeat(254)}…`);
    expect(record.Title).toHaveLength(255);
  });
});

describe('asffFindingId of a resource id too long for the 512 characters of Id', () => {
  it('never keeps half a surrogate pair before the digest', () => {
    const prefix = 'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/';
    const keep = 512 - prefix.length - 16 - 1;
    const resourceId = `${'a'.repeat(keep - 1)}😀${'b'.repeat(100)}`;
    const digest = createHash('sha256').update(resourceId).digest('hex').slice(0, 16);
    const id = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', resourceId);
    expect(id).toBe(`${prefix}${'a'.repeat(keep - 1)}~${digest}`);
  });
});

describe('toAsffPerAccount: an output file of several accounts', () => {
  it("puts each record under its own account's default product, a finding without an account under the given one", () => {
    const records = toAsffPerAccount(
      [
        { ...makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' }), accountId: '222233334444' },
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' }),
      ],
      { accountId: '111122223333', region: 'eu-west-1', now: NOW },
    );
    expect(records.map((r) => [r.AwsAccountId, r.ProductArn])).toEqual([
      ['222233334444', 'arn:aws:securityhub:eu-west-1:222233334444:product/222233334444/default'],
      ['111122223333', 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'],
    ]);
  });
});
