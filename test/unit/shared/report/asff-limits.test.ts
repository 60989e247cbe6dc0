import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/findings';
import { observedSince } from '../../../../shared/integrations/security-hub';
import { asffFindingId, asffTargetIssues, toAsffFinding } from '../../../../shared/report/asff';
import { SAMPLE_FINDINGS } from '../../../helpers';

// AwsSecurityFinding (Security Hub API reference): Id 1-512, Title 1-256, Description 1-1024,
// Remediation.Recommendation.Text 1-512, ProductFields up to 50 pairs (key 128, value 2048),
// Compliance.RelatedRequirements up to 32, Region 1-16. User guide, UpdatedAt: "Upon creation of a
// finding record, the CreatedAt and UpdatedAt timestamps must be the same."

const NOW = new Date('2025-06-01T12:00:00.000Z');
const base = SAMPLE_FINDINGS[0] as Finding;
const options = { accountId: '111122223333', region: 'eu-west-1', now: NOW };
const PREFIX = 'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/';

describe('ASFF timestamps', () => {
  it('writes CreatedAt = UpdatedAt = LastObservedAt = now, and FirstObservedAt = the change time', () => {
    const record = toAsffFinding(base, { ...options, firstObservedAt: new Date('2025-06-01T11:58:30Z') });
    expect({
      CreatedAt: record.CreatedAt,
      UpdatedAt: record.UpdatedAt,
      FirstObservedAt: record.FirstObservedAt,
      LastObservedAt: record.LastObservedAt,
    }).toEqual({
      CreatedAt: '2025-06-01T12:00:00.000Z',
      UpdatedAt: '2025-06-01T12:00:00.000Z',
      FirstObservedAt: '2025-06-01T11:58:30.000Z',
      LastObservedAt: '2025-06-01T12:00:00.000Z',
    });
  });

  it.each([
    ['unset (an audit)', undefined],
    ['later than now', new Date('2025-06-01T12:00:01Z')],
    ['invalid', new Date('not a time')],
  ])('uses now as FirstObservedAt when the change time is %s', (_label, firstObservedAt) => {
    const record = toAsffFinding(base, { ...options, firstObservedAt });
    expect(record.FirstObservedAt).toBe('2025-06-01T12:00:00.000Z');
  });

  it("takes the latest CloudTrail eventTime of a group's calls that is not after now", () => {
    expect(
      observedSince(
        ['2025-06-01T11:58:30Z', undefined, '2025-06-01T11:59:00Z', 'garbage', '2025-06-01T12:05:00Z'],
        NOW,
      )?.toISOString(),
    ).toBe('2025-06-01T11:59:00.000Z');
    expect(observedSince([undefined, 'garbage'], NOW)).toBeUndefined();
    expect(observedSince([], NOW)).toBeUndefined();
  });
});

describe('ASFF Id at 512 characters', () => {
  it('keeps an Id of exactly 512 as written', () => {
    const resourceId = `sg-${'a'.repeat(512 - PREFIX.length - 3)}`;
    const id = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', resourceId);
    expect(id).toBe(`${PREFIX}${resourceId}`);
    expect(id).toHaveLength(512);
  });

  it('shortens a longer one to 512 with a hash of the whole resource id: stable, and distinct per id', () => {
    const long = `sg-${'a'.repeat(600)}`;
    const other = `sg-${'a'.repeat(599)}b`;
    const id = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', long);
    expect(id).toHaveLength(512);
    expect(id).toMatch(/^vpc-guardrail\/111122223333\/eu-west-1\/sg-open-admin-port\/sg-a+~[0-9a-f]{16}$/);
    expect(asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', long)).toBe(id);
    expect(asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', other)).not.toBe(id);
    // The record uses it, and a 600-character id still names the resource in ProductFields.
    const record = toAsffFinding({ ...base, resourceId: long }, options);
    expect(record.Id).toBe(id);
    expect(record.ProductFields['vpc-guardrail/ResourceId']).toBe(long);
  });

  it('never cuts a surrogate pair in half', () => {
    const emoji = `sg-${'😀'.repeat(300)}`;
    const id = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', emoji);
    expect(id.length).toBeLessThanOrEqual(512);
    expect(id).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('ASFF text fields at their limits', () => {
  it.each([
    ['Title', 'title', 256],
    ['Description', 'detail', 1024],
  ] as const)('keeps a %s of exactly its limit and cuts one more with …', (field, key, limit) => {
    const exact = toAsffFinding({ ...base, [key]: 'x'.repeat(limit) }, options);
    expect(exact[field]).toBe('x'.repeat(limit));
    const over = toAsffFinding({ ...base, [key]: 'x'.repeat(limit + 1) }, options);
    expect(over[field]).toBe(`${'x'.repeat(limit - 1)}…`);
  });

  it('keeps Remediation.Recommendation.Text within 512 for a plan revoking many rules', () => {
    const rules = Array.from({ length: 60 }, (_, i) => ({
      securityGroupRuleId: `sgr-${String(i).padStart(17, '0')}`,
      direction: 'ingress',
      ipPermission: { IpProtocol: 'tcp' },
    }));
    const record = toAsffFinding(
      {
        ...base,
        remediation: { action: 'revoke-security-group-rules', groupId: 'sg-1', rules },
      } as unknown as Finding,
      options,
    );
    expect(record.Remediation?.Recommendation.Text).toHaveLength(512);
    expect(record.Remediation?.Recommendation.Text.endsWith('…')).toBe(true);
  });

  it('cuts every ProductFields value to 2,048 characters (a snapshot id is not length-checked)', () => {
    const vpcId = `vpc-${'b'.repeat(3000)}`;
    const record = toAsffFinding({ ...base, vpcId }, options);
    expect(record.ProductFields['vpc-guardrail/VpcId']).toBe(`${vpcId.slice(0, 2047)}…`);
    for (const [key, value] of Object.entries(record.ProductFields)) {
      expect(key.length).toBeLessThanOrEqual(128);
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(2048);
    }
    expect(Object.keys(record.ProductFields).length).toBeLessThanOrEqual(50);
  });

  it('sends at most 32 RelatedRequirements', () => {
    const controls = Array.from({ length: 40 }, (_, i) => `FSBP EC2.${i}`);
    const record = toAsffFinding({ ...base, controls }, options);
    expect(record.Compliance?.RelatedRequirements).toEqual(controls.slice(0, 32));
  });

  it('refuses a region name longer than the 16 characters of ASFF Region', () => {
    expect(
      asffTargetIssues(
        { accountId: '111122223333', region: 'ap-southeast-7' },
        { accountId: 'a', region: 'r' },
      ),
    ).toEqual([]);
    expect(
      asffTargetIssues(
        { accountId: '111122223333', region: 'eu-centralnorth-1' },
        { accountId: 'a', region: 'r' },
      ),
    ).toEqual(['region: not a region name like "eu-west-1", got "eu-centralnorth-1" (r)']);
  });
});
