import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventDeps, processEvent } from '../../../../functions/on-network-change/process';
import type { ClientCredentials } from '../../../../shared/aws/clients';
import { accountClients } from '../../../../shared/aws/member-accounts';
import { parseConfig } from '../../../../shared/load-config';
import { authorizeIngress, buildWorld, envelope, installFakeEc2 } from '../../../helpers';

// DESIGN §15: "Calls made by the member role in any account … are the guardrail's own and are
// ignored." In the central account the guardrail never uses the member role: it acts with the
// function's own role (§15 "The central account is governed with the function's own role"). A role
// created there under the member role's name (the member template is not deployed in the central
// account, so the name is free) had its world-open rule ignored as the guardrail's own: not judged,
// not revoked, no notice — where the same change by anyone else is revoked. Now such a call is
// judged like anyone's there; in a member account the member role's calls stay ignored, with no
// call at all (an account's role names are unique: where the member template is deployed, that
// name is the guardrail's role; where it is not, no event reaches the central bus).

const CENTRAL = '111122223333';
const B = '222233334444';
const ROLE = 'VpcGuardrailMember';
const GROUP = 'sg-0web';

const snsMock = mockClient(SNSClient);
const stsMock = mockClient(STSClient);

function world() {
  return buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
}

function deps(central: EC2Client): EventDeps {
  const build = (region: string, credentials?: ClientCredentials) => {
    const client = new EC2Client({ region, ...(credentials ? { credentials } : {}) });
    installFakeEc2(mockClient(client), world());
    return client;
  };
  return {
    config: parseConfig({ mode: 'remediate' }),
    topicArn: `arn:aws:sns:us-east-1:${CENTRAL}:vpc-guardrail`,
    ec2: central,
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
        buildEc2: (region, credentials) => (credentials ? build(region, credentials) : central),
        now: () => new Date('2025-06-16T00:00:00Z'),
      }),
    },
  };
}

/** 22/tcp opened to the world in `account` by a session of a role named like the member role. */
function byLookalike(account: string): unknown {
  const record = {
    ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]),
    eventID: `evt-${account}`,
    recipientAccountId: account,
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/${ROLE}/vpc-guardrail-looks-legit`,
      accountId: account,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${ROLE}` } },
    },
  };
  return envelope(record, account, 'us-east-1');
}

function centralClient() {
  const client = new EC2Client({ region: 'us-east-1' });
  const mock = mockClient(client);
  installFakeEc2(mock, world());
  return { client, mock };
}

describe('organization mode: a call by a role named like the member role', () => {
  beforeEach(() => {
    snsMock.reset();
    stsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('in the central account (where the guardrail acts with its own role): judged and revoked like anyone’s change', async () => {
    // Prepare
    const { client, mock } = centralClient();

    // Act
    const result = await processEvent(byLookalike(CENTRAL), deps(client));

    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true });
    expect(stsMock.calls()).toHaveLength(0);
    expect(mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-world22'] },
    ]);
  });

  it('in a member account: still the guardrail’s own, ignored with no call at all', async () => {
    // Prepare
    const { client, mock } = centralClient();

    // Act
    const result = await processEvent(byLookalike(B), deps(client));

    // Assess
    expect(result).toEqual({
      status: 'ignored',
      code: 'own-role',
      reason: `made by the guardrail's member role ${ROLE}`,
    });
    expect(stsMock.calls()).toHaveLength(0);
    expect(mock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });
});
