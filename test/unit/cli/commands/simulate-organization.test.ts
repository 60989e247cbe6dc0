import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

// DESIGN §15: the central event function ignores, with a logged reason, an event of an account
// outside `accounts` / in `excludeAccounts`, and the calls of the member role in any account.
// `simulate` shows what the Lambda would do, so with a configuration in organization mode it
// triages the same way (DESIGN §11: `ignored` in `--format json`).

const EVENT = 'examples/events/authorize-bastion-ssh-world-and-office.json';
const SNAPSHOT = 'examples/demo-snapshot.json';
const ACCOUNT = '111122223333';

/** The example event, made by another principal: `issuer` is its sessionIssuer's ARN. */
function eventBy(issuer: string, account = ACCOUNT): string {
  const event = JSON.parse(readFileSync(EVENT, 'utf8'));
  event.account = account;
  event.detail.recipientAccountId = account;
  event.detail.userIdentity.accountId = account;
  event.detail.userIdentity.arn = `${issuer.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/vpc-guardrail-req-1`;
  event.detail.userIdentity.sessionContext.sessionIssuer.arn = issuer;
  return JSON.stringify(event);
}

async function simulate(args: string[], files: Record<string, string>) {
  const { io, stdout, stderr } = memoryIo(files);
  const code = await runCli(['simulate', '--snapshot', SNAPSHOT, ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const json = (out: string) => JSON.parse(out) as Record<string, unknown>;

describe('simulate in organization mode', () => {
  it('ignores an event of an account excludeAccounts lists, with the reason, and does nothing else', async () => {
    // Act
    const { code, stdout } = await simulate(
      ['--event', EVENT, '--config', 'c.json', '--format', 'json', '--mode', 'remediate'],
      { 'c.json': JSON.stringify({ excludeAccounts: [ACCOUNT] }) },
    );

    // Assess
    expect(code).toBe(0);
    const report = json(stdout);
    expect(report.ignored).toBe(`account ${ACCOUNT} is in excludeAccounts`);
    expect(report.records).toEqual([
      {
        index: 0,
        eventId: '5f1c7c1e-0000-4000-8000-00000000d3m0',
        eventName: 'AuthorizeSecurityGroupIngress',
        outcome: 'ignored',
        reason: `account ${ACCOUNT} is in excludeAccounts`,
      },
    ]);
    expect(report.findings).toEqual([]);
    expect(report.actions).toEqual([]);
    expect(report.notification).toBeNull();
  });

  it('ignores an account the accounts allow-list leaves out, unless it is the --central-account', async () => {
    // Prepare
    const files = { 'c.json': JSON.stringify({ accounts: ['222233334444'] }) };

    // Act
    const member = await simulate(['--event', EVENT, '--config', 'c.json', '--format', 'json'], files);
    const central = await simulate(
      ['--event', EVENT, '--config', 'c.json', '--format', 'json', '--central-account', ACCOUNT],
      files,
    );

    // Assess
    expect(json(member.stdout).ignored).toBe(`account ${ACCOUNT} is not in the accounts allow-list`);
    const handled = json(central.stdout);
    expect(handled.ignored).toBeUndefined();
    expect((handled.findings as { ruleId: string }[]).map((f) => f.ruleId)).toEqual([
      'eni-internet-exposed',
      'sg-open-admin-port',
    ]);
  });

  it('still ignores the central account when excludeAccounts lists it', async () => {
    // Act
    const { stdout } = await simulate(
      ['--event', EVENT, '--config', 'c.json', '--format', 'json', '--central-account', ACCOUNT],
      { 'c.json': JSON.stringify({ excludeAccounts: [ACCOUNT] }) },
    );

    // Assess
    expect(json(stdout).ignored).toBe(`account ${ACCOUNT} is in excludeAccounts`);
  });

  it("ignores the member role's own calls in any account (default name, or --role-name), as the central function does", async () => {
    // Prepare
    const files = {
      'default.json': eventBy('arn:aws:iam::999988887777:role/VpcGuardrailMember'),
      'named.json': eventBy('arn:aws:iam::999988887777:role/GuardrailReader'),
      'c.json': JSON.stringify({ accounts: [ACCOUNT] }),
    };

    // Act
    const byDefault = await simulate(
      ['--event', 'default.json', '--config', 'c.json', '--format', 'json'],
      files,
    );
    const byName = await simulate(
      ['--event', 'named.json', '--role-name', 'GuardrailReader', '--format', 'json'],
      files,
    );
    const otherName = await simulate(
      ['--event', 'named.json', '--config', 'c.json', '--format', 'json'],
      files,
    );

    // Assess
    expect(json(byDefault.stdout).ignored).toBe("made by the guardrail's member role VpcGuardrailMember");
    expect(json(byName.stdout).ignored).toBe("made by the guardrail's member role GuardrailReader");
    // A role of another name is a person's or a pipeline's: judged.
    expect(json(otherName.stdout).ignored).toBeUndefined();
    expect((json(otherName.stdout).findings as unknown[]).length).toBe(2);
  });

  it('says it in the text form too', async () => {
    // Act
    const { code, stdout } = await simulate(['--event', EVENT, '--config', 'c.json'], {
      'c.json': JSON.stringify({ excludeAccounts: [ACCOUNT] }),
    });

    // Assess
    expect(code).toBe(0);
    expect(stdout).toBe(
      'event:   AuthorizeSecurityGroupIngress (5f1c7c1e-0000-4000-8000-00000000d3m0)\n' +
        `ignored: account ${ACCOUNT} is in excludeAccounts\n`,
    );
  });

  it('keeps single-account behaviour without organization settings (the member role name is just a role)', async () => {
    // Act
    const { stdout } = await simulate(['--event', 'e.json', '--format', 'json'], {
      'e.json': eventBy('arn:aws:iam::999988887777:role/VpcGuardrailMember'),
    });

    // Assess
    expect(json(stdout).ignored).toBeUndefined();
  });

  it('refuses a malformed --role-name or --central-account (exit 2 naming the option)', async () => {
    // Act
    const { code, stdout, stderr } = await simulate(
      ['--event', EVENT, '--role-name', 'a/b', '--central-account', '1234'],
      {},
    );

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'vpc-guardrail: invalid options:\n' +
        '  --role-name: not an IAM role name ("a/b")\n' +
        '  --central-account: not a 12-digit account id ("1234")\n',
    );
  });
});
