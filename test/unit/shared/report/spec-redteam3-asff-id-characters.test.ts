import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import type { Finding } from '../../../../shared/findings';
import { asffFindingId, toAsffFinding } from '../../../../shared/report/asff';
import { memoryIo, SAMPLE_FINDINGS } from '../../../helpers';

// AwsSecurityFinding.Id and Resource.Id (Security Hub API reference): pattern `.*\S.*`, where `.`
// matches no line terminator, so an id holding a line break is refused by BatchImportFindings
// (`FailedFindings`). EC2 ids never hold one, but a hand-made snapshot's can (the snapshot schema
// checks lengths, not characters): `audit --snapshot … --import-to-security-hub` then lost that
// finding in Security Hub. The resource id is now percent-encoded there (and `%` with it).

const NOW = new Date('2026-01-01T00:00:00Z');
const base = SAMPLE_FINDINGS[0] as Finding;
const options = { accountId: '111122223333', region: 'eu-west-1', now: NOW };
const PREFIX = 'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/';
/** What Security Hub's pattern accepts, read as Java's `String.matches` does (whole string, `.` no line break). */
const ASFF_PATTERN = /^[^\n\r\u0085\u2028\u2029]*\S[^\n\r\u0085\u2028\u2029]*$/u;

describe('ASFF Id and Resources[].Id of a resource id with characters the pattern refuses', () => {
  it.each([
    ['a line feed', 'sg-1\nforged line', 'sg-1%0Aforged line'],
    ['a carriage return and a tab', 'sg-1\r\tx', 'sg-1%0D%09x'],
    ['a line separator', 'sg-1\u2028x', 'sg-1%E2%80%A8x'],
    ['a next-line control', 'sg-1\u0085x', 'sg-1%C2%85x'],
    ['a percent sign (the escape itself)', 'sg-1%0Ax', 'sg-1%250Ax'],
  ])('encodes %s, so Security Hub takes the finding', (_label, resourceId, encoded) => {
    // Act
    const record = toAsffFinding({ ...base, resourceId }, options);

    // Assess
    expect(record.Id).toBe(`${PREFIX}${encoded}`);
    expect(record.Resources[0]?.Id).toBe(`arn:aws:ec2:eu-west-1:111122223333:security-group/${encoded}`);
    expect(record.Id).toMatch(ASFF_PATTERN);
    expect(record.Resources[0]?.Id).toMatch(ASFF_PATTERN);
    // The resource is still named as the snapshot wrote it, made one readable line.
    expect(record.ProductFields['vpc-guardrail/ResourceId']).not.toMatch(/[\n\r\u2028]/);
  });

  it('keeps two ids apart that differ only by a line break against its escape', () => {
    const withBreak = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', 'sg-1\nx');
    const withEscape = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', 'sg-1%0Ax');
    expect(withBreak).not.toBe(withEscape);
  });

  it('leaves every id EC2 writes as it is', () => {
    for (const id of ['sg-0123456789abcdef0', 'eni-0a1b2c3d', 'acl-0f00', 'rtb-01', 'nat-0abc', 'vpce-01']) {
      expect(asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', id)).toBe(`${PREFIX}${id}`);
    }
  });

  it('stays within 512 characters when the escapes lengthen a long id', () => {
    const id = asffFindingId('111122223333', 'eu-west-1', 'sg-open-admin-port', `sg-${'\n'.repeat(125)}`);
    expect(id.length).toBeLessThanOrEqual(512);
    expect(id).toMatch(ASFF_PATTERN);
  });
});

describe('audit --snapshot FILE --import-to-security-hub of a hand-made id with a line break', () => {
  const hub = mockClient(SecurityHubClient);
  const sts = mockClient(STSClient);

  beforeEach(() => {
    hub.reset();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    // Security Hub's answer to an id outside its pattern: the finding is failed, the rest taken.
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: { Id: string }[] }) => {
      const bad = input.Findings.filter((f) => !ASFF_PATTERN.test(f.Id));
      return {
        FailedCount: bad.length,
        SuccessCount: input.Findings.length - bad.length,
        FailedFindings: bad.map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Invalid Id' })),
      };
    });
  });

  it('imports its finding (one call, none failed)', async () => {
    // Prepare
    const snapshot = {
      accountId: '111122223333',
      region: 'eu-west-1',
      Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
      SecurityGroups: [
        {
          GroupId: 'sg-1\nforged line',
          GroupName: 'x',
          VpcId: 'vpc-1',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
          IpPermissionsEgress: [],
        },
      ],
    };
    const env = memoryIo({ 'in.json': JSON.stringify(snapshot) });

    // Act
    const code = await runCli(
      ['audit', '--snapshot', 'in.json', '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(0);
    const calls = hub.commandCalls(BatchImportFindingsCommand);
    expect(calls).toHaveLength(1);
    const ids = (calls[0]?.args[0].input.Findings ?? []).map((f) => f.Id);
    expect(ids).toContain(`${PREFIX}sg-1%0Aforged line`);
    expect(env.stderr()).toContain('Security Hub: imported 1 of 1 finding');
  });
});
