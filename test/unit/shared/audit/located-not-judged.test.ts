import { describe, expect, it } from 'vitest';
import { accountLine, auditNotice } from '../../../../shared/audit/audit-notice';
import { auditTargets } from '../../../../shared/audit/run-targets';
import type { AuditTarget } from '../../../../shared/audit/types';
import { DEFAULT_CONFIG } from '../../../../shared/config';

// DESIGN §3 "Not judged is said" in an audit of several account-regions (§15 "the summary counts
// per account"): an account whose interface could not be followed must not read as clean, and an
// entry of summary.notJudged must say in which account-region the resource is.

const A = '111111111111';
const B = '222222222222';

/** An interface with a public address and no SubnetId: its exposure cannot be judged. */
const unfollowable = {
  NetworkInterfaces: [
    {
      NetworkInterfaceId: 'eni-0aaa',
      VpcId: 'vpc-0a',
      Groups: [{ GroupId: 'sg-0a' }],
      Association: { PublicIp: '54.1.1.1' },
    },
  ],
  SecurityGroups: [
    { GroupId: 'sg-0a', GroupName: 'a', VpcId: 'vpc-0a', IpPermissions: [], IpPermissionsEgress: [] },
  ],
};
/** What the audit lists for `unfollowable`'s interface (DESIGN §3's shape). */
const entry = {
  resourceId: 'eni-0aaa',
  reason: 'the interface has no SubnetId',
  ruleId: 'eni-internet-exposed',
};

const sshOpen = {
  SecurityGroups: [
    {
      GroupId: 'sg-0b',
      GroupName: 'b',
      VpcId: 'vpc-0b',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      IpPermissionsEgress: [],
    },
  ],
};

async function run(targets: AuditTarget[], snapshots: Record<string, unknown>, multiAccount: boolean) {
  return auditTargets(
    targets,
    { remediate: false, multiAccount },
    {
      config: DEFAULT_CONFIG,
      recorded: (t) => ({
        accountId: t.accountId,
        region: t.region,
        ...(snapshots[`${t.accountId} ${t.region}`] as object),
      }),
      now: new Date('2026-12-07T00:00:00Z'),
    },
  );
}

describe('not judged in an audit of several account-regions', () => {
  it("counts an account's not-judged resources in its own summary and names the account-region of each entry in text", async () => {
    // Act
    const result = await run(
      [
        { accountId: A, region: 'eu-west-1' },
        { accountId: B, region: 'eu-west-1' },
      ],
      { [`${A} eu-west-1`]: unfollowable, [`${B} eu-west-1`]: sshOpen },
      true,
    );

    // Assert: the JSON entries keep DESIGN §3's shape; text leads them with the account-region.
    expect(result.summary.notJudged).toEqual([entry]);
    expect(result.notJudgedText).toEqual([{ ...entry, resourceId: `${A} eu-west-1 eni-0aaa` }]);
    const [first, second] = result.accounts ?? [];
    expect(first?.summary.total).toBe(0);
    expect(first?.summary.notJudged).toEqual([entry]);
    expect(second?.summary.notJudged).toEqual([]);
    expect(second?.summary.total).toBe(1);
    expect(first && accountLine(first)).toBe(`${A}: 1 region(s), 0 finding(s), 1 not judged`);
    expect(second && accountLine(second)).toBe(`${B}: 1 region(s), 1 finding(s) (critical 1)`);
  });

  it('names the account-region in the notice body of such an audit (the table footer and the per-account line)', async () => {
    // Act
    const result = await run(
      [
        { accountId: A, region: 'eu-west-1' },
        { accountId: B, region: 'eu-west-1' },
      ],
      { [`${A} eu-west-1`]: unfollowable, [`${B} eu-west-1`]: sshOpen },
      true,
    );
    const notice = auditNotice({
      findings: result.findings,
      summary: result.summary,
      failures: result.failures,
      accountId: A,
      regions: ['eu-west-1'],
      ...(result.accounts ? { accounts: result.accounts } : {}),
      notJudgedText: result.notJudgedText,
    });

    // Assert
    expect(notice.message).toContain(
      `Not judged (1): ${A} eu-west-1 eni-0aaa (the interface has no SubnetId)`,
    );
    expect(notice.message).toContain(`${A}: 1 region(s), 0 finding(s), 1 not judged`);
  });

  it("keeps an account's warnings in its own summary", async () => {
    // Act
    const result = await run(
      [
        { accountId: A, region: 'eu-west-1' },
        { accountId: B, region: 'eu-west-1' },
      ],
      { [`${A} eu-west-1`]: { ...unfollowable, Instances: [] }, [`${B} eu-west-1`]: sshOpen },
      true,
    );

    // Assert
    const warning = `${A} eu-west-1: Instances: unknown top-level key, ignored`;
    expect(result.summary.warnings).toEqual([warning]);
    expect(result.accounts?.[0]?.summary.warnings).toEqual([warning]);
    expect(result.accounts?.[1]?.summary.warnings).toEqual([]);
  });

  it('names the region of each entry in text in a one-account audit of several regions, and nothing in a one-region audit', async () => {
    // Act
    const several = await run(
      [
        { accountId: A, region: 'eu-west-1' },
        { accountId: A, region: 'us-east-1' },
      ],
      { [`${A} eu-west-1`]: sshOpen, [`${A} us-east-1`]: unfollowable },
      false,
    );
    const one = await run(
      [{ accountId: A, region: 'us-east-1' }],
      { [`${A} us-east-1`]: unfollowable },
      false,
    );

    // Assert
    expect(several.summary.notJudged).toEqual([entry]);
    expect(several.notJudgedText).toEqual([{ ...entry, resourceId: 'us-east-1 eni-0aaa' }]);
    expect(one.summary.notJudged).toEqual([entry]);
    expect(one.notJudgedText).toEqual([entry]);
  });
});
