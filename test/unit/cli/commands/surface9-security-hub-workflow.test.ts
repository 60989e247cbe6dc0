import { readFileSync } from 'node:fs';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import type { SecurityHubPlan } from '../../../../shared/integrations/security-hub';
import { parseConfig } from '../../../../shared/load-config';
import { memoryIo, mockRegion, sshGroup } from '../../../helpers';

// An audit sees no tag change, and Security Hub keeps a finding's Workflow on re-import (API
// reference, BatchImportFindings). Before, `audit --import-to-security-hub` and the audit function
// only imported: a finding imported SUPPRESSED while its exemption held stayed SUPPRESSED — out of
// Security Hub's default views — after the exemption's date passed (no API call, so no event ever
// moved it). An exempted finding is left as it is (the analyst's Workflow; it is visible).

const hub = mockClient(SecurityHubClient);
// The snapshot's account is the credentials' (the CLI checks before importing).
const sts = mockClient(STSClient);
const ID = (ruleId: string, resourceId: string) =>
  `vpc-guardrail/111122223333/eu-west-1/${ruleId}/${resourceId}`;

/** The demo, with the bastion's world-open SSH exempted until a date before the clock (2026-11-25). */
function demoWithExpiredExemption(): string {
  const demo = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as {
    SecurityGroups: { GroupId: string; Tags?: { Key: string; Value: string }[] }[];
  };
  for (const group of demo.SecurityGroups) {
    if (group.GroupId === 'sg-0d3m00000000000b1') {
      group.Tags = [
        ...(group.Tags ?? []),
        { Key: 'vpc-guardrail:exempt', Value: 'sg-open-admin-port@2026-10-31' },
      ];
    }
  }
  return JSON.stringify(demo);
}

function workflowCalls(): { status: string | undefined; ids: string[] }[] {
  return hub.commandCalls(BatchUpdateFindingsCommand).map((c) => ({
    status: c.args[0].input.Workflow?.Status,
    ids: (c.args[0].input.FindingIdentifiers ?? []).map((f) => f.Id ?? ''),
  }));
}

beforeEach(() => {
  hub.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
  hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
    FailedCount: 0,
    SuccessCount: input.Findings.length,
  }));
  hub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: unknown[] }) => ({
    ProcessedFindings: input.FindingIdentifiers,
    UnprocessedFindings: [],
  }));
});

describe('audit --import-to-security-hub: the Workflow follows the exemptions the audit sees', () => {
  it('sets NEW on a finding whose exemption expired, after the import, and leaves the exempted one as it is', async () => {
    // Prepare
    const env = memoryIo({ 'expired.json': demoWithExpiredExemption() });

    // Act
    const code = await runCli(
      [
        'audit',
        '--snapshot',
        'expired.json',
        '--format',
        'json',
        '--fail-on',
        'none',
        '--import-to-security-hub',
      ],
      env.io,
    );

    // Assess
    expect(code).toBe(0);
    // The bastion's interface, accepted through the group's exemption while it held, fires again
    // with it (evidence.exemptionExpired on the interface's finding too).
    expect(workflowCalls()).toEqual([
      {
        status: 'NEW',
        ids: [
          ID('eni-internet-exposed', 'eni-0d3m0000000000b51'),
          ID('sg-open-admin-port', 'sg-0d3m00000000000b1'),
        ],
      },
    ]);
    // Imported first: BatchUpdateFindings moves only findings Security Hub holds.
    const order = hub.calls().map((c) => c.args[0].constructor.name);
    expect(order).toEqual(['BatchImportFindingsCommand', 'BatchUpdateFindingsCommand']);
    expect(env.stderr()).toContain(
      'Security Hub: workflow set to NEW on 2 of 2 findings whose exemption expired\n',
    );
  });

  it('moves no Workflow of a finding the import did not take, and lists each failure once', async () => {
    // Prepare
    hub
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('not subscribed'), { name: 'InvalidAccessException' }));
    const env = memoryIo({ 'expired.json': demoWithExpiredExemption() });

    // Act
    const code = await runCli(
      ['audit', '--snapshot', 'expired.json', '--fail-on', 'none', '--import-to-security-hub'],
      env.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(hub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
    const failures = env
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('  not imported: '));
    expect(new Set(failures).size).toBe(failures.length);
  });
});

describe('audit function: the Security Hub plan of an audit', () => {
  it('puts every expired exemption under NEW, and no exempted finding under SUPPRESSED', async () => {
    // Prepare: three world-open SSH groups: exempted, exemption expired, never exempted.
    const client = new EC2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const tagged = (groupId: string, value?: string) => {
      const g = sshGroup(groupId, 'vpc-0000000a', ['0.0.0.0/0']);
      if (value) g.group.Tags = [{ Key: 'vpc-guardrail:exempt', Value: value }];
      return g;
    };
    mockRegion(mockClient(client), 'vpc-0000000a', [
      tagged('sg-0000000e', '*'),
      tagged('sg-0000000x', 'sg-open-admin-port@2026-11-24'),
      tagged('sg-0000000n'),
    ]);
    let plan: SecurityHubPlan | undefined;

    // Act
    const result = await runAudit(parseAuditPayload({}), {
      config: parseConfig({}),
      accountId: '111122223333',
      homeRegion: 'eu-west-1',
      ec2For: () => client,
      securityHub: async (p) => {
        plan = p;
        return { imported: p.active.length, archived: 0, resolved: 0, workflowSet: 1, failed: [], calls: 2 };
      },
      now: () => new Date('2026-11-25T12:00:00Z'),
    });

    // Assess
    expect(plan?.workflow.suppress).toEqual([]);
    expect(
      plan?.active.some((r) => r.Id.endsWith('/sg-0000000e') && r.Workflow?.Status === 'SUPPRESSED'),
    ).toBe(true);
    expect(plan?.workflow.reopen.map((r) => r.Id)).toEqual([ID('sg-open-admin-port', 'sg-0000000x')]);
    expect(result.securityHub?.workflowSet).toBe(1);
  });
});
