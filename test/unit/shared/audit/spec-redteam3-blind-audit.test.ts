import { DescribeVpcsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import { AccountListError, AssumeRoleDeniedError, AuditLoadError } from '../../../../shared/aws/errors';
import { parseConfig } from '../../../../shared/load-config';
import type { Notice } from '../../../../shared/notify/notice';
import { mockRegion, sshGroup } from '../../../helpers';

// DESIGN §8 ("a region not evaluated … always" causes a notice) and §15 (errors per account-region
// are listed): an audit that could read nothing at all — every account-region failed, or the
// organization could not be listed — fails, and before this fix published nothing. A scheduled
// audit (`notify: true`, the stack's schedule) then left the on-call engineer with silence while
// the guardrail was blind: the error only reached the on-failure queue.

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const HOME = '111122223333';
const MEMBER_A = '222233334444';
const MEMBER_B = '333344445555';

function denied(): EC2ServiceException {
  return new EC2ServiceException({
    name: 'UnauthorizedOperation',
    $fault: 'client',
    $metadata: {},
    message: 'You are not authorized to perform this operation.',
  });
}

function deps(published: Notice[], overrides: Record<string, unknown> = {}) {
  return {
    config: parseConfig({ mode: 'notify' }),
    accountId: HOME,
    homeRegion: 'eu-west-1',
    ec2For: () => ec2,
    publish: async (notice: Notice) => {
      published.push(notice);
    },
    now: () => new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('an audit that could evaluate nothing (DESIGN §8, §15)', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('publishes one high notice naming the region and the AWS error before it fails, when its only region cannot be read', async () => {
    // Prepare
    mockRegion(ec2Mock, 'vpc-0000000a', []);
    ec2Mock.on(DescribeVpcsCommand).rejects(denied());
    const published: Notice[] = [];

    // Act
    const audit = runAudit(parseAuditPayload({ notify: true }), deps(published));

    // Assess
    await expect(audit).rejects.toBeInstanceOf(AuditLoadError);
    expect(published).toHaveLength(1);
    const [notice] = published;
    expect(notice?.subject).toBe(
      '[HIGH] VPC Guardrail audit failed: 1 of 1 region(s) not read in 111122223333 eu-west-1',
    );
    expect(notice?.message).toContain('NOTHING WAS EVALUATED: 1 of 1 region(s) not read.');
    expect(notice?.message).toContain(
      'NOT EVALUATED: eu-west-1: DescribeVpcs failed in eu-west-1: UnauthorizedOperation: You are not authorized to perform this operation.',
    );
    // Never "no findings" of an estate no one read.
    expect(notice?.message).not.toMatch(/no findings/i);
    expect(notice?.attributes.severity).toEqual({ DataType: 'String', StringValue: 'high' });
    expect(notice?.attributes.action).toEqual({ DataType: 'String', StringValue: 'failed' });
    expect(notice?.chat?.content.title).toBe(notice?.subject);
    expect(notice?.chat?.content.description).toContain('UnauthorizedOperation');
  });

  it('names every account whose member role was denied, per account and region, when no account could be read', async () => {
    // Prepare
    const published: Notice[] = [];
    const ec2For = ({ accountId }: { accountId: string }) => {
      const roleArn = `arn:aws:iam::${accountId}:role/VpcGuardrailMember`;
      throw new AssumeRoleDeniedError(
        accountId,
        roleArn,
        'AccessDenied: not authorized to perform sts:AssumeRole',
      );
    };

    // Act
    const audit = runAudit(
      parseAuditPayload({
        notify: true,
        accounts: [MEMBER_A, MEMBER_B],
        regions: ['eu-west-1', 'us-east-1'],
      }),
      deps(published, { ec2For }),
    );

    // Assess
    const error = await audit.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditLoadError);
    expect((error as AuditLoadError).failures).toHaveLength(4);
    expect(published).toHaveLength(1);
    const message = published[0]?.message ?? '';
    expect(published[0]?.subject).toBe(
      '[HIGH] VPC Guardrail audit failed: 4 of 4 region(s) not read in 2 accounts eu-west-1,us-east-1',
    );
    for (const account of [MEMBER_A, MEMBER_B]) {
      expect(message).toContain(`${account}: 0 region(s), 2 not evaluated, 0 finding(s)`);
      for (const region of ['eu-west-1', 'us-east-1']) {
        expect(message).toContain(
          `NOT EVALUATED: ${account} ${region}: cannot assume arn:aws:iam::${account}:role/VpcGuardrailMember in account ${account}: AccessDenied: not authorized to perform sts:AssumeRole`,
        );
      }
    }
  });

  it('publishes a notice naming the listing error before it fails, when the organization cannot be listed', async () => {
    // Prepare
    const published: Notice[] = [];
    const refusal = Object.assign(new Error('You don’t have permissions to access this resource.'), {
      name: 'AccessDeniedException',
    });
    const listAccounts = async (): Promise<string[]> => {
      throw new AccountListError(
        "cannot list the organization's accounts: AccessDeniedException: You don’t have permissions to access this resource.",
        { cause: refusal },
      );
    };

    // Act
    const audit = runAudit(
      parseAuditPayload({ notify: true, organization: true, regions: ['eu-west-1'] }),
      deps(published, { listAccounts }),
    );

    // Assess
    await expect(audit).rejects.toBeInstanceOf(AccountListError);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(published).toHaveLength(1);
    expect(published[0]?.subject).toBe(
      '[HIGH] VPC Guardrail audit failed: the organization could not be listed in 111122223333 eu-west-1',
    );
    expect(published[0]?.message).toContain(
      "NOT EVALUATED: eu-west-1: cannot list the organization's accounts: AccessDeniedException: You don’t have permissions to access this resource.",
    );
    expect(published[0]?.attributes.action).toEqual({ DataType: 'String', StringValue: 'failed' });
  });

  it('fails with both errors named when the notice of a blind audit is refused too', async () => {
    // Prepare
    mockRegion(ec2Mock, 'vpc-0000000a', []);
    ec2Mock.on(DescribeVpcsCommand).rejects(denied());
    const publish = async () => {
      throw Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' });
    };

    // Act
    const error = await runAudit(parseAuditPayload({ notify: true }), deps([], { publish })).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(AggregateError);
    const { errors, message } = error as AggregateError;
    expect(message).toMatch(/^no region could be loaded: eu-west-1: .*; and its notice was not published$/);
    expect(errors[0]).toBeInstanceOf(AuditLoadError);
    expect((errors[1] as Error).message).toBe('Topic does not exist');
  });

  it('publishes nothing without notify, and still fails naming the region', async () => {
    // Prepare
    mockRegion(ec2Mock, 'vpc-0000000a', []);
    ec2Mock.on(DescribeVpcsCommand).rejects(denied());
    const published: Notice[] = [];

    // Act
    const audit = runAudit(parseAuditPayload({}), deps(published));

    // Assess
    await expect(audit).rejects.toThrow(/^no region could be loaded: eu-west-1: DescribeVpcs failed/);
    expect(published).toEqual([]);
  });

  it('keeps the usual notice when one account-region of two was read: its findings, and the other named as not evaluated', async () => {
    // Prepare
    mockRegion(
      ec2Mock,
      'vpc-0000000a',
      [sshGroup('sg-0a', 'vpc-0000000a', ['0.0.0.0/0'], MEMBER_A)],
      MEMBER_A,
    );
    const published: Notice[] = [];
    const ec2For = ({ accountId }: { accountId: string }) => {
      if (accountId === MEMBER_A) return ec2;
      throw new AssumeRoleDeniedError(
        accountId,
        `arn:aws:iam::${accountId}:role/VpcGuardrailMember`,
        'AccessDenied: no',
      );
    };

    // Act
    const result = await runAudit(
      parseAuditPayload({ notify: true, accounts: [MEMBER_A, MEMBER_B] }),
      deps(published, { ec2For }),
    );

    // Assess
    expect(result.errors?.map((e) => [e.accountId, e.operation])).toEqual([[MEMBER_B, 'AssumeRole']]);
    expect(published).toHaveLength(1);
    expect(published[0]?.subject).toMatch(
      /^\[CRITICAL\] VPC Guardrail audit: 1 finding, 1 region\(s\) not evaluated in 2 accounts eu-west-1$/,
    );
    expect(published[0]?.message).not.toContain('NOTHING WAS EVALUATED');
    expect(published[0]?.message).toContain(`${MEMBER_B}: 0 region(s), 1 not evaluated, 0 finding(s)`);
  });
});
