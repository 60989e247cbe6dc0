// DESIGN §13 ("every malformed, truncated, unknown or hostile event: a clear logged error, no
// remediation, no uncaught exception. Fuzzed with fast-check") and §14 (partial batch failure): the
// real CloudTrail records of test/fixtures/cloudtrail (PROVENANCE.md), mutated field by field
// (dropped, renamed, retyped), in batches beside one intact record, through the event function.

import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMessages } from '../../functions/on-network-change/process';
import type { MessageTriage } from '../../shared/events/batch';
import { buildWorld, cloudTrailFixture, envelope, eventDeps, installFakeEc2, jsonPaths } from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
type Rec = Record<string, unknown>;

const FIXTURES = [
  'AttachInternetGateway--sanitized.json',
  'AuthorizeSecurityGroupEgress--ipv4-32-with-ruleset-cli-instance-role.json',
  'AuthorizeSecurityGroupEgress--protocol-all-anywhere-terraform-panther.json',
  'AuthorizeSecurityGroupIngress--console-launch-wizard-anywhere-ssh-trimmed-record.json',
  'AuthorizeSecurityGroupIngress--go-sdk-anywhere-ssh-panther.json',
  'AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json',
  'AuthorizeSecurityGroupIngress--legacy-flat-params-cidrIp-with-ruleset.json',
  'AuthorizeSecurityGroupIngress--ipv4-and-ipv6-anywhere-eventbridge-no-ruleset.json',
  'CreateNatGateway--wrapped-request-response-sanitized.json',
  'CreateNetworkAclEntry--ingress-tcp-port-range-anywhere-panther.json',
  'CreateRoute--igw-default-route-panther.json',
  'CreateSecurityGroup--terraform-panther.json',
  'CreateVpcEndpoint--interface-console-wrapped-request-trimmed-record.json',
  'DeleteNetworkAclEntry--ingress-rule-100-cli.json',
];

/** The bare record of a fixture (an envelope's detail), as the function's own account and region made it. */
function record(name: string, id: string): Rec {
  const raw = cloudTrailFixture(name) as Rec;
  const detail = (typeof raw.detail === 'object' && raw.detail !== null ? raw.detail : raw) as Rec;
  return {
    ...structuredClone(detail),
    recipientAccountId: '111122223333',
    awsRegion: 'us-east-1',
    eventID: id,
  };
}

/** The group a security-group record names (the world holds it, open to the world on 22). */
const GROUP = 'sg-0web';

type Mutation = { path: (string | number)[]; kind: 'drop' | 'rename' | 'retype'; value: unknown };

const mutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('drop', 'rename', 'retype'),
  value: fc.oneof(
    fc.constant(null),
    fc.constant(''),
    fc.constant({}),
    fc.constant([]),
    fc.integer(),
    fc.boolean(),
    fc.string({ maxLength: 8 }),
    fc.constant('0.0.0.0/0'),
    fc.constant({ items: [] }),
    fc.constant('{"eventName":"AuthorizeSecurityGroupIngress"}'),
  ),
});

function apply(target: unknown, pick: number, kind: Mutation['kind'], shared: unknown): void {
  // A copy: fast-check hands every run the same constant object ({ items: [] }), which a later
  // mutation of the same record could write into itself (a cycle) or into the next run's records.
  const value = structuredClone(shared);
  const paths = jsonPaths(target);
  const path = paths[pick % paths.length];
  if (!path) return;
  let parent = target as Rec | unknown[];
  for (const key of path.slice(0, -1)) parent = (parent as Rec)[key as string] as Rec;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) {
    if (kind === 'drop') parent.splice(Number(last), 1);
    else parent[Number(last)] = value;
    return;
  }
  if (kind === 'drop') delete parent[last];
  else if (kind === 'rename') {
    parent[`${String(last)}_`] = parent[last];
    delete parent[last];
  } else parent[last] = value;
}

/** How a mutated record arrives: an SQS body (text) around an envelope, the envelope with detail as text, bare. */
const delivery = fc.constantFrom('sqs', 'detail-text', 'bare', 'truncated');

function bodyOf(rec: Rec, how: string): string {
  const env = envelope(rec) as Rec;
  if (how === 'detail-text') return JSON.stringify({ ...env, detail: JSON.stringify(rec) });
  if (how === 'bare') return JSON.stringify(rec);
  const text = JSON.stringify(env);
  return how === 'truncated' ? text.slice(0, Math.floor(text.length / 2)) : text;
}

const isWrite = (name: string) => /^(Revoke|Replace|Delete|Create|Authorize|Modify)/.test(name);

function failedCall(m: MessageTriage): boolean {
  return m.outcome === 'ignored' && m.ignored.code === 'error-code';
}

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
});

describe('mutated real records: never a throw, never a retry, never a write for what could not be read', () => {
  it('a batch of mutated records beside one intact record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            fixture: fc.constantFrom(...FIXTURES),
            mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
            how: delivery,
            failed: fc.boolean(),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        async (cases) => {
          ec2Mock.reset();
          snsMock.reset();
          snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
          // The world: the intact record's group, open to the world on 22 (its one remediation).
          installFakeEc2(
            ec2Mock,
            buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
          );
          const messages = cases.map((c, i) => {
            const rec = record(c.fixture, `evt-${i}`);
            // Mutations never name the world's group: any write they lead to would be a wrong one.
            for (const m of c.mutations) apply(rec, m.pick, m.kind as Mutation['kind'], m.value);
            if (c.failed) rec.errorCode = 'Client.InvalidPermission.Duplicate';
            return { id: `m${i}`, body: bodyOf(rec, c.how), receiveCount: 1 };
          });
          const intact = {
            ...record(
              'AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json',
              'evt-intact',
            ),
          };
          const params = intact.requestParameters as Rec;
          params.groupId = GROUP;
          intact.responseElements = { _return: true };
          const all = [
            ...messages,
            { id: 'intact', body: JSON.stringify(envelope(intact)), receiveCount: 1 },
          ];

          const result = await processMessages(all, eventDeps());

          // §14: no transient fault, so nothing is retried; every message has one outcome.
          expect(result.failedMessageIds).toEqual([]);
          expect(result.messages.map((m) => m.messageId)).toEqual(all.map((m) => m.id));
          // Ignored and unreadable messages carry a reason (what was wrong), never an empty one.
          for (const m of result.messages) {
            if (m.outcome === 'unreadable') expect(m.reason).not.toBe('');
            if (m.outcome === 'ignored') expect(m.ignored.reason).not.toBe('');
          }
          // §7: a record that still carries an errorCode is a failed call, never handled (unless it
          // was made unreadable first, which acts on nothing either).
          cases.forEach((c, i) => {
            const m = result.messages[i];
            if (c.failed && m) expect(m.outcome === 'handled', JSON.stringify(m)).toBe(false);
          });
          // The intact record is handled whatever its neighbours are, and its open rule revoked once.
          expect(result.messages.at(-1)?.outcome).toBe('handled');
          const revokes = ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
          expect(revokes).toEqual([{ GroupId: GROUP, SecurityGroupRuleIds: ['sgr-w22'] }]);
          // No other write at all: the mutated records name no resource of the world.
          const others = ec2Mock
            .calls()
            .map((c) => c.args[0].constructor.name)
            .filter((n) => isWrite(n) && n !== 'RevokeSecurityGroupIngressCommand');
          expect(others).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a lone mutated record that is not handled reads nothing and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        delivery,
        async (name, mutations, how) => {
          ec2Mock.reset();
          snsMock.resetHistory();
          installFakeEc2(
            ec2Mock,
            buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
          );
          const rec = record(name, 'evt-lone');
          for (const m of mutations) apply(rec, m.pick, m.kind as Mutation['kind'], m.value);
          const result = await processMessages(
            [{ id: 'm', body: bodyOf(rec, how), receiveCount: 1 }],
            eventDeps(),
          );
          expect(result.failedMessageIds).toEqual([]);
          const m = result.messages[0];
          if (m?.outcome !== 'handled') {
            expect(ec2Mock.calls()).toEqual([]);
            expect(snsMock.commandCalls(PublishCommand)).toEqual([]);
          }
          if (m && failedCall(m)) expect(ec2Mock.calls()).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});

describe('§14 partial failure: a transient fault retries only the messages that were evaluated', () => {
  it('throttling on the slice read: the handled messages are retried, the bad ones acknowledged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('good', 'not-json', 'malformed', 'failed', 'other-account'), {
          minLength: 1,
          maxLength: 8,
        }),
        async (kinds) => {
          ec2Mock.reset();
          snsMock.reset();
          installFakeEc2(
            ec2Mock,
            buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-w22', from: 22, cidr: '0.0.0.0/0' }] }),
          );
          ec2Mock.rejects(
            Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: {} }),
          );
          const good = (i: number) => {
            const r = record(
              'AuthorizeSecurityGroupIngress--ipv4-anywhere-ssh-with-ruleset-console.json',
              `evt-${i}`,
            );
            (r.requestParameters as Rec).groupId = GROUP;
            return r;
          };
          const messages = kinds.map((kind, i) => {
            const body =
              kind === 'good'
                ? JSON.stringify(envelope(good(i)))
                : kind === 'not-json'
                  ? '{"version":"0",'
                  : kind === 'malformed'
                    ? JSON.stringify({ ...(envelope(good(i)) as Rec), detail: 42 })
                    : kind === 'failed'
                      ? JSON.stringify(envelope({ ...good(i), errorCode: 'Client.RequestLimitExceeded' }))
                      : JSON.stringify(envelope(good(i), '444455556666'));
            return { id: `m${i}`, body, receiveCount: 1 };
          });
          const result = await processMessages(messages, eventDeps());
          // Expected (DESIGN §14): exactly the good ones (one account-region group) fail; the rest are
          // acknowledged with their logged reason.
          expect(result.failedMessageIds.sort()).toEqual(
            messages
              .filter((_, i) => kinds[i] === 'good')
              .map((m) => m.id)
              .sort(),
          );
          expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toEqual([]);
          expect(snsMock.commandCalls(PublishCommand)).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);
});
