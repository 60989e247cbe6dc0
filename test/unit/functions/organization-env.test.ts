import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizeIngress, buildWorld, envelope, installFakeEc2, lambdaContext } from '../../helpers';

const CENTRAL = '111122223333';
const B = '222233334444';
const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const stsMock = mockClient(STSClient);

const context = (name: string) => lambdaContext({ name, accountId: CENTRAL, memoryLimitInMB: '512' });

describe('organization mode from the environment', () => {
  beforeEach(() => {
    ec2Mock.reset();
    snsMock.reset();
    stsMock.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', `arn:aws:sns:us-east-1:${CENTRAL}:vpc-guardrail`);
    vi.stubEnv('VPC_GUARDRAIL_MODE', 'remediate');
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AKID',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('turns the event function to organization mode when VPC_GUARDRAIL_MEMBER_ROLE_NAME is set', async () => {
    // Prepare
    vi.stubEnv('VPC_GUARDRAIL_MEMBER_ROLE_NAME', 'VpcGuardrailMember');
    installFakeEc2(
      ec2Mock,
      buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    vi.resetModules();
    const { handler } = await import('../../../functions/on-network-change/handler');
    const record = {
      ...authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']]),
      recipientAccountId: B,
    };
    // Act
    const result = await handler(envelope(record, B), context('on-network-change'));
    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true });
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: `arn:aws:iam::${B}:role/VpcGuardrailMember`,
        RoleSessionName: 'vpc-guardrail-req-0001',
        DurationSeconds: 3600,
      },
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toMatch(`[CRITICAL] ${B}: `);
  });

  it('rejects another account without organization mode, as before', async () => {
    vi.resetModules();
    const { handler } = await import('../../../functions/on-network-change/handler');
    const record = {
      ...authorizeIngress('sg-0web', 22, [['sgr-world22', '0.0.0.0/0']]),
      recipientAccountId: B,
    };
    const result = await handler(envelope(record, B), context('on-network-change'));
    expect(result).toMatchObject({ status: 'ignored', code: 'other-account' });
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('fails the cold start on a member role name IAM would reject', async () => {
    vi.stubEnv('VPC_GUARDRAIL_MEMBER_ROLE_NAME', 'not a role');
    vi.resetModules();
    await expect(import('../../../functions/on-network-change/handler')).rejects.toThrow(
      'VPC_GUARDRAIL_MEMBER_ROLE_NAME: not an IAM role name ("not a role")',
    );
  });

  it('refuses an audit of other accounts when organization mode is off, naming the variable', async () => {
    vi.resetModules();
    const { handler } = await import('../../../functions/audit/handler');
    await expect(handler({ accounts: [B] }, context('audit'))).rejects.toThrow(
      'VPC_GUARDRAIL_MEMBER_ROLE_NAME: is required for accounts and organization',
    );
  });
});
