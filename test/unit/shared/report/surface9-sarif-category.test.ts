import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import { parseConfig } from '../../../../shared/load-config';
import { type SarifLog, sarifCategory, toSarif } from '../../../../shared/report/sarif';
import { memoryIo, mockRegion, sshGroup } from '../../../helpers';

// GitHub code scanning keeps one analysis per tool and category (runAutomationDetails.id, SARIF
// §3.17.4): an upload closes the alerts of its category that it does not repeat. Without a
// category, the SARIF of account B (or of a second --vpc part) closed every alert of account A.

const DEMO = 'examples/demo-snapshot.json';

async function sarifOf(args: string[], files: Record<string, string> = {}): Promise<SarifLog> {
  const env = memoryIo(files);
  await runCli(['audit', ...args, '--format', 'sarif', '--fail-on', 'none'], env.io);
  return JSON.parse(env.stdout()) as SarifLog;
}

describe('sarifCategory', () => {
  it('names the accounts, regions and VPCs audited, sorted, ending with a slash', () => {
    expect(sarifCategory({ accounts: ['111122223333'], regions: ['eu-west-1'] })).toBe(
      'vpc-guardrail/111122223333/eu-west-1/',
    );
    expect(
      sarifCategory({
        accounts: ['222233334444', '111122223333', '222233334444'],
        regions: ['us-east-1', 'eu-west-1'],
        vpcIds: ['vpc-0b000000', 'vpc-0a000000'],
      }),
    ).toBe('vpc-guardrail/111122223333+222233334444/eu-west-1+us-east-1/vpcs-vpc-0a000000+vpc-0b000000/');
    expect(sarifCategory({ accounts: 'organization', regions: ['eu-west-1'] })).toBe(
      'vpc-guardrail/organization/eu-west-1/',
    );
    expect(sarifCategory({})).toBe('vpc-guardrail/');
  });

  it('writes a long list, or one with a value that is not an id, as its count and a stable digest', () => {
    const many = Array.from({ length: 20 }, (_, i) => `1111222233${String(i).padStart(2, '0')}`);
    const category = sarifCategory({ accounts: many, regions: ['eu-west-1'] });
    expect(category).toMatch(/^vpc-guardrail\/20-[0-9a-f]{12}\/eu-west-1\/$/);
    expect(sarifCategory({ accounts: [...many].reverse(), regions: ['eu-west-1'] })).toBe(category);
    expect(sarifCategory({ accounts: ['a/b\n'] })).toMatch(/^vpc-guardrail\/1-[0-9a-f]{12}\/$/);
  });

  it('is written as the run automationDetails.id, and not at all without one', () => {
    expect(toSarif([], { category: 'vpc-guardrail/x/' }).runs[0]?.automationDetails).toEqual({
      id: 'vpc-guardrail/x/',
    });
    expect(toSarif([]).runs[0]).not.toHaveProperty('automationDetails');
  });
});

describe('audit --format sarif: the category of the run', () => {
  it('a snapshot file: its account and region; with --vpc, those VPCs too', async () => {
    expect((await sarifOf(['--snapshot', DEMO])).runs[0]?.automationDetails).toEqual({
      id: 'vpc-guardrail/111122223333/eu-west-1/',
    });
    const demoVpc = 'vpc-0d3m0a1b2c3d4e5f6';
    const withVpc = (await sarifOf(['--snapshot', DEMO, '--vpc', demoVpc])).runs[0]?.automationDetails?.id;
    expect(withVpc).toBe(
      sarifCategory({ accounts: ['111122223333'], regions: ['eu-west-1'], vpcIds: [demoVpc] }),
    );
    expect(withVpc).not.toBe('vpc-guardrail/111122223333/eu-west-1/');
  });

  it('a snapshot without accountId and region: the one OwnerId, and --region when given', async () => {
    const demo = JSON.parse(await memoryIo().io.readText(DEMO)) as Record<string, unknown>;
    delete demo.accountId;
    delete demo.region;
    const files = { 'bare.json': JSON.stringify(demo) };
    expect((await sarifOf(['--snapshot', 'bare.json'], files)).runs[0]?.automationDetails?.id).toBe(
      'vpc-guardrail/111122223333/',
    );
  });

  it('a file of several snapshots: every account and region of it', async () => {
    const demo = JSON.parse(await memoryIo().io.readText(DEMO)) as Record<string, unknown>;
    const files = {
      'two.json': JSON.stringify([
        { ...demo, accountId: '222233334444', region: 'us-east-1' },
        { ...demo, accountId: '111122223333', region: 'eu-west-1' },
      ]),
    };
    expect((await sarifOf(['--snapshot', 'two.json'], files)).runs[0]?.automationDetails?.id).toBe(
      'vpc-guardrail/111122223333+222233334444/eu-west-1+us-east-1/',
    );
  });
});

describe('audit function, format sarif: the category of the run', () => {
  it("names the function's account and the regions of the payload", async () => {
    const client = new EC2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    mockRegion(mockClient(client), 'vpc-0000000a', [sshGroup('sg-0000000a', 'vpc-0000000a', ['0.0.0.0/0'])]);
    const result = await runAudit(
      parseAuditPayload({ format: 'sarif', regions: ['us-east-1', 'eu-west-1'] }),
      {
        config: parseConfig({}),
        accountId: '111122223333',
        homeRegion: 'eu-west-1',
        ec2For: () => client,
        now: () => new Date('2026-11-25T12:00:00Z'),
      },
    );
    expect(result.sarif?.runs[0]?.automationDetails).toEqual({
      id: 'vpc-guardrail/111122223333/eu-west-1+us-east-1/',
    });
  });
});
