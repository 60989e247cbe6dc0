import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type EventDeps,
  processEvent,
  processMessages,
} from '../../../../functions/on-network-change/process';
import type { ClientCredentials } from '../../../../shared/aws/clients';
import { accountClients } from '../../../../shared/aws/member-accounts';
import type { ConfigInput } from '../../../../shared/config';
import { parseConfig } from '../../../../shared/load-config';
import { authorizeIngress, buildWorld, type Ec2Mock, envelope, installFakeEc2 } from '../../../helpers';

const CENTRAL = '111122223333';
const B = '222233334444';
const C = '555566667777';
const ROLE = 'VpcGuardrailMember';
const GROUP = 'sg-0web';

const snsMock = mockClient(SNSClient);
const stsMock = mockClient(STSClient);

/** One EC2 client per account and region, each with its own mock, and the credentials it got. */
function clientsByAccount() {
  const built = new Map<string, { client: EC2Client; mock: Ec2Mock; credentials?: ClientCredentials }>();
  const centralClient = new EC2Client({ region: 'us-east-1' });
  const central = mockClient(centralClient);
  const build = (region: string, credentials?: ClientCredentials): EC2Client => {
    const client = new EC2Client({ region, ...(credentials ? { credentials } : {}) });
    const mock = mockClient(client);
    // A world whose group admits the internet on 22 in every member account.
    installFakeEc2(
      mock,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    built.set(`${built.size}`, { client, mock, ...(credentials ? { credentials } : {}) });
    return client;
  };
  return { built, build, central, centralClient };
}

function assumedFor(account: string) {
  return {
    Credentials: {
      AccessKeyId: `AKID${account}`,
      SecretAccessKey: 'secret',
      SessionToken: `token-${account}`,
      Expiration: new Date('2025-06-16T01:00:00Z'),
    },
  };
}

function orgDeps(
  build: (region: string, credentials?: ClientCredentials) => EC2Client,
  centralClient: EC2Client,
  config: ConfigInput = {},
): EventDeps {
  const parsed = parseConfig({ mode: 'remediate', ...config });
  return {
    config: parsed,
    topicArn: `arn:aws:sns:us-east-1:${CENTRAL}:vpc-guardrail`,
    ec2: centralClient,
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: new Logger({ logLevel: 'SILENT' }),
    accountId: CENTRAL,
    region: 'us-east-1',
    now: () => new Date('2025-06-16T00:00:00Z'),
    requestId: 'req-0001',
    org: {
      scope: {
        homeAccountId: CENTRAL,
        memberRoleName: ROLE,
        accounts: parsed.accounts,
        excludeAccounts: parsed.excludeAccounts,
      },
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

/** A world-open SSH rule added in `account` by a person. */
function worldOpenIn(account: string, eventId = `evt-${account}`): unknown {
  const record = { ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]), eventID: eventId };
  return envelope({ ...record, recipientAccountId: account }, account, 'us-east-1');
}

describe('organization mode: the event path', () => {
  beforeEach(() => {
    snsMock.reset();
    stsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    stsMock.on(AssumeRoleCommand).callsFake((input: { RoleArn?: string }) => {
      const account = /iam::(\d{12}):/.exec(input.RoleArn ?? '')?.[1] ?? '';
      return assumedFor(account);
    });
  });

  it("reads and remediates an event from account B with B's assumed credentials, never the central client", async () => {
    // Prepare
    const { built, build, central, centralClient } = clientsByAccount();
    // Act
    const result = await processEvent(worldOpenIn(B), orgDeps(build, centralClient));
    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true });
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: `arn:aws:iam::${B}:role/${ROLE}`,
        RoleSessionName: 'vpc-guardrail-req-0001',
        DurationSeconds: 3600,
      },
    ]);
    const [member] = [...built.values()];
    expect(built.size).toBe(1);
    expect(member?.mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-world22'] },
    ]);
    expect(central.calls()).toHaveLength(0);
    const credentials = member?.credentials;
    expect(typeof credentials === 'function' ? await credentials() : undefined).toMatchObject({
      accessKeyId: `AKID${B}`,
      sessionToken: `token-${B}`,
    });
    const [notice] = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(notice?.Subject).toMatch(new RegExp(`^\\[CRITICAL\\] ${B}: sg-0web world-open on 22/tcp`));
    expect(notice?.Subject?.endsWith(' — revoked')).toBe(true);
    expect(notice?.MessageAttributes?.accountId).toEqual({ DataType: 'String', StringValue: B });
    // The chat form's title is the subject: it names the member account too (it did not).
    const chat = JSON.parse(JSON.parse(notice?.Message ?? '{}').https ?? '{}');
    expect(chat.content.title).toBe(notice?.Subject);
    expect(chat.metadata.summary).toBe(notice?.Subject);
  });

  it("sends Security Hub no member account's finding (the default product takes only the caller's own), and says so", async () => {
    // Prepare
    const { build, centralClient } = clientsByAccount();
    const hubClient = new SecurityHubClient({ region: 'us-east-1' });
    const hub = mockClient(hubClient);
    hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
    const logger = new Logger({ logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    const deps = { ...orgDeps(build, centralClient, { mode: 'notify' }), securityHub: hubClient, logger };

    // Act
    const result = await processEvent(worldOpenIn(B), deps);

    // Assess: BatchImportFindings under a default product must come from the finding's own account
    // (API reference), so neither the import nor the resolve step is called for account B.
    expect(result).toMatchObject({
      status: 'handled',
      findings: 2,
      securityHub: { imported: 0, archived: 0, resolved: 0, failed: [], calls: 0 },
    });
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(hub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
    expect(info).toHaveBeenCalledWith(
      'member findings not sent to Security Hub: it takes them only from their own account',
      // sg-open-admin-port on the group and eni-internet-exposed on its interface.
      { group: `${B}|us-east-1`, notImported: [{ accountId: B, findings: 2 }] },
    );
    // The notice is unaffected.
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("imports the central account's own findings under its product", async () => {
    // Prepare
    const { build, centralClient, central } = clientsByAccount();
    installFakeEc2(
      central,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    const hubClient = new SecurityHubClient({ region: 'us-east-1' });
    const hub = mockClient(hubClient);
    hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
    }));
    const deps = {
      ...orgDeps(
        (region, credentials) => (credentials ? build(region, credentials) : centralClient),
        centralClient,
        {
          mode: 'notify',
        },
      ),
      securityHub: hubClient,
    };

    // Act
    await processEvent(worldOpenIn(CENTRAL), deps);

    // Assess
    const sent = hub
      .commandCalls(BatchImportFindingsCommand)
      .flatMap((c) => (c.args[0].input.Findings ?? []).map((f) => ({ Id: f.Id, ProductArn: f.ProductArn })));
    expect(sent).toContainEqual({
      Id: `vpc-guardrail/${CENTRAL}/us-east-1/sg-open-admin-port/${GROUP}`,
      ProductArn: `arn:aws:securityhub:us-east-1:${CENTRAL}:product/${CENTRAL}/default`,
    });
    for (const record of sent) expect(record.Id).toMatch(new RegExp(`^vpc-guardrail/${CENTRAL}/`));
  });

  it('governs the central account with its own client (no AssumeRole), even when accounts does not list it', async () => {
    // Prepare
    const { build, centralClient, central } = clientsByAccount();
    installFakeEc2(
      central,
      buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] }),
    );
    const deps = orgDeps(
      (region, credentials) => (credentials ? build(region, credentials) : centralClient),
      centralClient,
      {
        accounts: [B],
      },
    );
    // Act
    const result = await processEvent(worldOpenIn(CENTRAL), deps);
    // Assess
    expect(result).toMatchObject({ status: 'handled' });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(central.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    const [notice] = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(notice?.Subject).not.toContain(CENTRAL);
  });

  it('rejects an account outside the allow-list, and one in excludeAccounts, without assuming anything', async () => {
    // Prepare
    const { build, centralClient } = clientsByAccount();
    const deps = orgDeps(build, centralClient, { accounts: [B], excludeAccounts: [CENTRAL] });
    // Act
    const outside = await processEvent(worldOpenIn(C), deps);
    const excluded = await processEvent(worldOpenIn(CENTRAL), deps);
    // Assess
    expect(outside).toEqual({
      status: 'ignored',
      code: 'other-account',
      reason: `account ${C} is not in the accounts allow-list`,
    });
    expect(excluded).toEqual({
      status: 'ignored',
      code: 'other-account',
      reason: `account ${CENTRAL} is in excludeAccounts`,
    });
    expect(stsMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('refuses an event whose region or account is not an AWS one, naming the field: no AssumeRole, no read, no notice', async () => {
    // Prepare: in organization mode the event's account and region are where the function acts.
    const { built, build, centralClient } = clientsByAccount();
    const deps = orgDeps(build, centralClient);
    const record = { ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]), recipientAccountId: B };
    // Act
    const bareRegion = await processEvent({ ...record, awsRegion: 'eu-west-1; rm -rf' }, deps);
    const envelopeRegion = await processEvent(envelope(record, B, 'the moon'), deps);
    const envelopeAccount = await processEvent(envelope(record, 'B-team', 'us-east-1'), deps);
    // Assess: a clear refusal naming the field (before: an AssumeRole into the account, then an EC2
    // client of that "region" whose every call failed: a "could not evaluate" notice).
    expect(bareRegion).toEqual({
      status: 'ignored',
      code: 'malformed',
      reason:
        'the event\'s region "eu-west-1; rm -rf" (awsRegion) is not an AWS region name (like eu-west-1)',
    });
    expect(envelopeRegion).toEqual({
      status: 'ignored',
      code: 'malformed',
      reason: 'the event\'s region "the moon" (region) is not an AWS region name (like eu-west-1)',
    });
    expect(envelopeAccount).toEqual({
      status: 'ignored',
      code: 'malformed',
      reason: 'the event\'s account "B-team" (account) is not a 12-digit AWS account id',
    });
    expect(stsMock.calls()).toHaveLength(0);
    expect(built.size).toBe(0);
    expect(snsMock.calls()).toHaveLength(0);
    // A region of another partition is a region: handled.
    const gov = await processEvent(envelope(record, B, 'us-gov-west-1'), deps);
    expect(gov).toMatchObject({ status: 'handled' });
  });

  it('turns a denied AssumeRole into an acknowledged "could not evaluate" notice naming account and role', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
        name: 'AccessDenied',
        $metadata: {},
      }),
    );
    const { built, build, centralClient } = clientsByAccount();
    // Act
    const result = await processEvent(worldOpenIn(B), orgDeps(build, centralClient));
    // Assess
    expect(result).toMatchObject({ status: 'handled', notified: true, actions: [] });
    expect(result.status === 'handled' ? result.couldNotEvaluate : '').toBe(
      `cannot assume arn:aws:iam::${B}:role/${ROLE} in account ${B}: AccessDenied: not authorized to perform sts:AssumeRole`,
    );
    expect(built.size).toBe(0);
    const [notice] = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(notice?.Subject).toMatch(new RegExp(`^\\[HIGH\\] ${B}: could not evaluate .* — failed$`));
    expect(notice?.Message).toContain(`arn:aws:iam::${B}:role/${ROLE}`);
    // The remedy is onboarding the account, not the central role's Describe permissions.
    const body = JSON.parse(notice?.Message ?? '{}') as { default: string; https: string };
    expect(body.default).toContain(
      'Nothing was remediated. Deploy the member template in that account (the StackSet, or the member stack where a StackSet does not reach) and check that its role trusts the central functions, then review the change by hand.',
    );
    expect(body.default).not.toContain('ec2:Describe* permissions');
    expect(body.https).toContain('Deploy the member template in that account');
    // DESIGN §15: a team filtering on its account (and §8: on critical/high) receives it.
    expect(notice?.MessageAttributes).toMatchObject({
      accountId: { DataType: 'String', StringValue: B },
      region: { DataType: 'String', StringValue: 'us-east-1' },
      severity: { DataType: 'String', StringValue: 'high' },
      action: { DataType: 'String', StringValue: 'failed' },
    });
  });

  it("ignores the member role's own calls in any member account", async () => {
    // Prepare
    const { build, centralClient } = clientsByAccount();
    const record = {
      ...authorizeIngress(GROUP, 22, [['sgr-world22', '0.0.0.0/0']]),
      recipientAccountId: C,
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${C}:assumed-role/${ROLE}/vpc-guardrail-evt-1`,
        accountId: C,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${C}:role/${ROLE}` } },
      },
    };
    // Act
    const result = await processEvent(envelope(record, C), orgDeps(build, centralClient));
    // Assess
    expect(result).toEqual({
      status: 'ignored',
      code: 'own-role',
      reason: `made by the guardrail's member role ${ROLE}`,
    });
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("uses each account's own credentials for events from B and C", async () => {
    // Prepare
    const { built, build, centralClient } = clientsByAccount();
    const deps = orgDeps(build, centralClient);
    // Act
    await processEvent(worldOpenIn(B), deps);
    await processEvent(worldOpenIn(C), deps);
    await processEvent(worldOpenIn(B, 'evt-again'), deps);
    // Assess: one AssumeRole per account (B's credentials reused), one client per account.
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${B}:role/${ROLE}`,
      `arn:aws:iam::${C}:role/${ROLE}`,
    ]);
    const clients = [...built.values()];
    expect(clients).toHaveLength(2);
    const keys = await Promise.all(
      clients.map(async (c) =>
        typeof c.credentials === 'function' ? (await c.credentials()).accessKeyId : '',
      ),
    );
    expect(keys).toEqual([`AKID${B}`, `AKID${C}`]);
    expect(clients.map((c) => c.mock.commandCalls(RevokeSecurityGroupIngressCommand).length)).toEqual([1, 1]);
    // B's second event read B again with B's client (its rule already gone, nothing revoked twice).
    expect(clients.map((c) => c.mock.commandCalls(DescribeSecurityGroupRulesCommand).length)).toEqual([2, 1]);
  });

  it("processes a batch mixing accounts B and C with each one's credentials, and acknowledges a denied one", async () => {
    // Prepare
    const D = '888899990000';
    stsMock.on(AssumeRoleCommand).callsFake((input: { RoleArn?: string }) => {
      const account = /iam::(\d{12}):/.exec(input.RoleArn ?? '')?.[1] ?? '';
      if (account === D) {
        throw Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: {} });
      }
      return assumedFor(account);
    });
    const { built, build, centralClient } = clientsByAccount();
    const message = (id: string, body: unknown) => ({ id, body: JSON.stringify(body), receiveCount: 1 });
    // Act
    const result = await processMessages(
      [message('m-b', worldOpenIn(B)), message('m-c', worldOpenIn(C)), message('m-d', worldOpenIn(D))],
      orgDeps(build, centralClient),
    );
    // Assess: one group per account, each read and fixed with its own client; D reported, not retried.
    expect(result.failedMessageIds).toEqual([]);
    expect(
      result.groups.map((g) => [g.key, g.actions.map((a) => a.status), g.couldNotEvaluate ?? '']),
    ).toEqual([
      [`${B}|us-east-1`, ['done'], ''],
      [`${C}|us-east-1`, ['done'], ''],
      [
        `${D}|us-east-1`,
        [],
        `cannot assume arn:aws:iam::${D}:role/${ROLE} in account ${D}: AccessDenied: not authorized`,
      ],
    ]);
    const clients = [...built.values()];
    const keys = await Promise.all(
      clients.map(async (c) =>
        typeof c.credentials === 'function' ? (await c.credentials()).accessKeyId : '',
      ),
    );
    expect(keys.sort()).toEqual([`AKID${B}`, `AKID${C}`]);
    expect(clients.map((c) => c.mock.commandCalls(RevokeSecurityGroupIngressCommand).length)).toEqual([1, 1]);
    const subjects = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject ?? '');
    expect(subjects).toHaveLength(3);
    for (const prefix of [
      `[CRITICAL] ${B}: sg-0web`,
      `[CRITICAL] ${C}: sg-0web`,
      `[HIGH] ${D}: could not evaluate`,
    ]) {
      expect(subjects.filter((subject) => subject.startsWith(prefix))).toHaveLength(1);
    }
  });
});
