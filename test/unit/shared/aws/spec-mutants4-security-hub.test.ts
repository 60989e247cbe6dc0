import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  importFindings,
  resolveFindings,
  securityHubEnabled,
  syncFindings,
} from '../../../../shared/aws/security-hub';
import { toAsff } from '../../../../shared/report/asff';
import { makeFinding } from '../../../helpers';

// Mutation checks (notes/spec-mutants.md, mutants4) of the Security Hub calls (DESIGN §16): the
// partition of each resource in ASFF's own spelling, left out where ASFF has none (Security Hub
// rejects a value outside its enum).

const hubMock = mockClient(SecurityHubClient);
const hub = new SecurityHubClient({ region: 'eu-west-1' });

beforeEach(() => {
  hubMock.reset();
  hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
});

describe('importFindings: Resources[].Partition', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-us-iso'],
    ['us-isob-east-1', 'aws-us-iso-b'],
    ['eu-isoe-west-1', undefined],
  ])('a finding in %s is sent with Partition %s', async (region, partition) => {
    const records = toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' })], {
      accountId: '111122223333',
      region,
      now: new Date('2026-01-02T03:04:05.000Z'),
    });
    await importFindings(hub, records);
    const [call] = hubMock.commandCalls(BatchImportFindingsCommand);
    const resource = call?.args[0].input.Findings?.[0]?.Resources?.[0];
    expect(resource?.Partition).toBe(partition);
    expect('Partition' in (resource ?? {})).toBe(partition !== undefined);
    expect(resource?.Id).toMatch(
      new RegExp(`^arn:aws[-a-z]*:ec2:${region}:111122223333:security-group/sg-1$`),
    );
  });
});

describe('importFindings: the count imported', () => {
  it('without a SuccessCount in the answer, is what was sent less what Security Hub listed as failed', async () => {
    const records = toAsff(
      [
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' }),
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' }),
      ],
      { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T03:04:05.000Z') },
    );
    const rejected = records[0]?.Id ?? '';
    hubMock.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      FailedFindings: [{ Id: rejected, ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }],
    });
    const report = await importFindings(hub, records);
    expect(report).toEqual({
      imported: 1,
      failed: [{ id: rejected, code: 'InvalidInput', message: 'bad' }],
      calls: 1,
    });
  });
});

describe('importFindings: a SuccessCount below what the failures listed say', () => {
  it('counts what Security Hub says it took (FailedCount may exceed the listed failures)', async () => {
    const records = toAsff(
      [
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' }),
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-2' }),
      ],
      { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T03:04:05.000Z') },
    );
    const rejected = records[0]?.Id ?? '';
    hubMock.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 0,
      FailedCount: 2,
      FailedFindings: [{ Id: rejected, ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }],
    });
    expect((await importFindings(hub, records)).imported).toBe(0);
  });
});

describe('resolveFindings: the archiving import fails', () => {
  it('reports the failure of each record it could not archive, beside the workflow it resolved', async () => {
    const [record] = toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' })], {
      accountId: '111122223333',
      region: 'eu-west-1',
      now: new Date('2026-01-02T03:04:05.000Z'),
    });
    if (!record) throw new Error('no record');
    hubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [{ Id: record.Id, ProductArn: record.ProductArn }],
      UnprocessedFindings: [],
    });
    hubMock
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    const report = await resolveFindings(hub, [record], []);
    expect(report).toEqual({
      archived: 0,
      resolved: 1,
      failed: [{ id: record.Id, code: 'ThrottlingException', message: 'Rate exceeded' }],
      calls: 2,
    });
  });
});

describe('resolveFindings: more than 100 findings no longer firing', () => {
  it('asks BatchUpdateFindings about each once, in calls of at most 100', async () => {
    const gone = toAsff(
      Array.from({ length: 150 }, (_, i) =>
        makeFinding({ ruleId: 'sg-open-admin-port', resourceId: `sg-${i}` }),
      ),
      { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T03:04:05.000Z') },
    );
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const report = await resolveFindings(hub, [], gone);
    const asked = hubMock
      .commandCalls(BatchUpdateFindingsCommand)
      .map((c) => (c.args[0].input.FindingIdentifiers ?? []).map((f) => f.Id));
    expect(asked.map((ids) => ids.length)).toEqual([100, 50]);
    expect(asked.flat()).toEqual(gone.map((r) => r.Id));
    // None was found: nothing is archived (no import at all).
    expect(report).toEqual({ archived: 0, resolved: 0, failed: [], calls: 2 });
  });
});

describe('resolveFindings: a product ARN other than the default one', () => {
  it('names each finding to BatchUpdateFindings by its Id and its ProductArn, exactly as imported', async () => {
    const productArn = 'arn:aws:securityhub:eu-west-1:111122223333:product/Acme/NetworkGuard';
    const [record] = toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' })], {
      accountId: '111122223333',
      region: 'eu-west-1',
      now: new Date('2026-01-02T03:04:05.000Z'),
      productArn,
    });
    if (!record) throw new Error('no record');
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    await resolveFindings(hub, [], [record]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input).toEqual({
      FindingIdentifiers: [{ Id: record.Id, ProductArn: productArn }],
      Workflow: { Status: 'RESOLVED' },
    });
  });
});

describe('syncFindings: closing a finding fails', () => {
  it('lists the failure of the archiving import in what it reports', async () => {
    const [record] = toAsff([makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1' })], {
      accountId: '111122223333',
      region: 'eu-west-1',
      now: new Date('2026-01-02T03:04:05.000Z'),
    });
    if (!record) throw new Error('no record');
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    hubMock
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    const sync = await syncFindings(hub, {
      active: [],
      closed: [record],
      gone: [],
      workflow: { suppress: [], reopen: [] },
      otherAccounts: [],
    });
    expect(sync).toEqual({
      imported: 0,
      archived: 0,
      resolved: 0,
      failed: [{ id: record.Id, code: 'ThrottlingException', message: 'Rate exceeded' }],
      calls: 2,
    });
  });
});

describe('securityHubEnabled', () => {
  it('reads an empty value as off, as unset', () => {
    expect(securityHubEnabled({ VPC_GUARDRAIL_SECURITY_HUB: '' })).toBe(false);
  });
});
