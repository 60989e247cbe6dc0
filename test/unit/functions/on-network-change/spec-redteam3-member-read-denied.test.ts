import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeSecurityGroupsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processEvent } from '../../../../functions/on-network-change/process';
import type { ClientCredentials } from '../../../../shared/aws/clients';
import { accountClients } from '../../../../shared/aws/member-accounts';
import { parseConfig } from '../../../../shared/load-config';
import { authorizeIngress, buildWorld, envelope, installFakeEc2 } from '../../../helpers';

// DESIGN §15 (event path) and §8 ("could not evaluate"): in a member account the slice is read with
// the member role. When its role was assumed but a read is then refused (the member template's
// role lacks a Describe permission, a service control policy of that account denies it, or the
// role was removed after its session was cached), the notice told the reader to "Check the function
// role's ec2:Describe* permissions" — the central role, which is not the one refused: the on-call
// engineer was sent to the wrong account. It now names the member role and that account.

const CENTRAL = '111122223333';
const B = '222233334444';
const ROLE = 'VpcGuardrailMember';
const GROUP = 'sg-0web';

const snsMock = mockClient(SNSClient);
const stsMock = mockClient(STSClient);

function refused(): EC2ServiceException {
  return new EC2ServiceException({
    name: 'UnauthorizedOperation',
    $fault: 'client',
    $metadata: {},
    message: 'You are not authorized to perform this operation.',
  });
}

/** Deps whose EC2 clients (central and member) all refuse DescribeSecurityGroups. */
function deps(): EventDeps {
  const world = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
  const refusing = (client: EC2Client) => {
    const mock = mockClient(client);
    installFakeEc2(mock, world);
    mock.on(DescribeSecurityGroupsCommand).rejects(refused());
    return client;
  };
  const build = (region: string, credentials?: ClientCredentials) =>
    refusing(new EC2Client({ region, ...(credentials ? { credentials } : {}) }));
  const config = parseConfig({ mode: 'remediate' });
  return {
    config,
    topicArn: `arn:aws:sns:us-east-1:${CENTRAL}:vpc-guardrail`,
    ec2: refusing(new EC2Client({ region: 'us-east-1' })),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: CENTRAL,
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
    requestId: 'req-0001',
    org: {
      scope: { homeAccountId: CENTRAL, memberRoleName: ROLE, accounts: [], excludeAccounts: [] },
      clients: accountClients({
        homeAccountId: CENTRAL,
        memberRoleName: ROLE,
        sts: new STSClient({ region: 'us-east-1' }),
        purpose: 'event',
        buildEc2: build,
        now: () => new Date('2025-06-16T00:00:00Z'),
      }),
    },
  };
}

function worldOpenIn(account: string): unknown {
  const record = {
    ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]),
    eventID: `evt-${account}`,
  };
  return envelope({ ...record, recipientAccountId: account }, account, 'us-east-1');
}

function published() {
  const [input] = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const body = JSON.parse(input?.Message ?? '{}') as { default: string; https: string };
  return { input, body };
}

describe('organization mode: a member account whose read is refused after its role was assumed', () => {
  beforeEach(() => {
    snsMock.reset();
    stsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AKIDB',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date('2025-06-16T01:00:00Z'),
      },
    });
  });

  it('tells to check the member role of that account (and its SCPs), not the function role', async () => {
    // Act
    const result = await processEvent(worldOpenIn(B), deps());

    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true, actions: [] });
    const { input, body } = published();
    expect(input?.Subject).toMatch(new RegExp(`^\\[HIGH\\] ${B}: could not evaluate .* — failed$`));
    expect(body.default).toContain('DescribeSecurityGroups: UnauthorizedOperation');
    expect(body.default).toContain(
      `Nothing was remediated. Check the ec2:Describe* permissions of the member role arn:aws:iam::${B}:role/${ROLE} in account ${B} (the member template) and any service control policy there, then review the change by hand.`,
    );
    expect(body.default).not.toContain('function role');
    expect(body.https).toContain(`member role arn:aws:iam::${B}:role/${ROLE}`);
  });

  it("keeps the function role's advice for the central account, read with the function's own role", async () => {
    // Act
    const result = await processEvent(worldOpenIn(CENTRAL), deps());

    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true, actions: [] });
    expect(stsMock.calls()).toHaveLength(0);
    const { body } = published();
    expect(body.default).toContain(
      'Nothing was remediated. Check the function role’s ec2:Describe* permissions, then review the change by hand.',
    );
    expect(body.default).not.toContain('member role');
  });
});
